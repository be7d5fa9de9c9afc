// Shapes of what the Go side sends; field names follow the contract in
// ARCHITECTURE.md (snake_case JSON of backend/manager.Snapshot).

export const STATUS_WORDS = [
  'disabled',
  'connecting',
  'connected',
  'disconnected',
  'error',
  'auth_failed',
  'max_connections',
] as const;

export type ContractStatus = (typeof STATUS_WORDS)[number];

/** A contract word, or any other word a server reports (TickStockAppV2 passes
 * on whatever its provider client said); '' before anything is known. */
export type Status = ContractStatus | (string & {});

export function isContractStatus(s: string): s is ContractStatus {
  return (STATUS_WORDS as readonly string[]).includes(s);
}

export interface ConnectionSnapshot {
  name: string;
  enabled: boolean;
  status: Status;
  universe_key: string;
  assigned_tickers: number;
  tickers: string[];
  message_count: number;
  error_count: number;
  reconnect_count: number;
  last_message_time: number;
  connected_since: number;
  last_error: string;
  status_since: number;
  /** Next connection attempt (Unix s); 0 when not waiting. */
  retry_at: number;
  publish_dropped: number;
  warning?: string;
}

export interface Snapshot {
  total_connections: number;
  enabled_connections: number;
  connected_count: number;
  total_ticks_received: number;
  total_errors: number;
  connections: Record<string, ConnectionSnapshot>;
}

export interface AppInfo {
  product: string;
  version: string;
  mode: string;
  warnings: string[];
  /** Why nothing runs (a configuration error); '' when fine. */
  problem: string;
  /** The saved profile in use; '' for the environment alone. */
  profile: string;
  /** The observed server in remote mode. */
  remote: string;
  /** Why the keyring cannot be used; '' when it can. */
  keyring_problem: string;
}

export interface RemoteState {
  state:
    | 'needs_password'
    | 'signing_in'
    | 'observing'
    | 'wrong_credentials'
    | 'forbidden'
    | 'subscription_expired'
    | 'unreachable'
    | 'session_expired'
    | 'session_failing'
    | 'stopped';
  server: string;
  email: string;
  /** 'tickstock-ingest serve' or 'TickStockAppV2' once known. */
  kind?: string;
  detail: string;
  retry_at: number;
  since: number;
  push: boolean;
  /** 'push' or 'polling' while observing. */
  feed?: string;
  counts_only: boolean;
  /** The figures shown are the last ones received, at last_data (Unix s). */
  stale?: boolean;
  last_data?: number;
  push_dropped?: number;
  /** A browser tab's sign-in to the server that serves it: the email is asked, nothing is remembered. */
  session_only?: boolean;
}

export interface Profile {
  name: string;
  mode: 'demo' | 'embedded' | 'remote';
  server_url?: string;
  admin_email?: string;
  redis_url?: string;
  tick_channel?: string;
}

export interface ProfileList {
  profiles: Profile[];
  last: string;
  path: string;
}

/** One tick as the stream shows it (backend/monitor.Row). */
export interface Row {
  symbol: string;
  price: number;
  volume: number;
  /** The tick's own timestamp, Unix s (0 when it carries none). */
  ts: number;
  /** When the monitor received it, Unix s. */
  recv: number;
  /** Publish stamp → receive, ms; on a sample of rows when the publisher stamps published_at. */
  rd?: number;
}

export interface ConnBatch {
  ticks: Row[];
  more: number;
  arrived_while_paused?: number;
}

export interface Batch {
  seq: number;
  connections: Record<string, ConnBatch>;
  unassigned?: ConnBatch;
  /** The rows replace what is shown (after a pause or a new filter). */
  replace: boolean;
  /** This batch ends a pause. */
  resumed: boolean;
  filter: string;
}

export interface Lookup {
  symbol: string;
  found: boolean;
  connection_id: string;
  name: string;
  message: string;
}

export interface ConnMetrics {
  received: number;
  rate_1s: number;
  rate_10s: number;
  last_tick: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  /** Tick timestamp → published to Redis, over 10 s; -1 when no tick carried published_at. */
  provider_p50_ms?: number;
  provider_p99_ms?: number;
  spark: number[];
  silent: number;
  silent_sample: string[];
}

export interface Metrics {
  at: number;
  connections: Record<string, ConnMetrics>;
  unassigned: { count: number; top: { symbol: string; count: number }[]; other: number };
  invalid: { count: number; last_error: string; sample: string; at: number };
  total: number;
  rate_1s: number;
  rate_10s: number;
  paused: boolean;
  paused_since: number;
  arrived_while_paused: number;
}

export interface Gap {
  from: number;
  to: number;
  seconds: number;
  reason: string;
}

export interface SourceState {
  state: 'connecting' | 'subscribed' | 'reconnecting' | 'stopped';
  /** e.g. "10.0.0.2:6379 db 0 (Sentinel master mymaster)": the node that answers first. */
  where: string;
  kind: 'standalone' | 'sentinel' | 'cluster';
  /** The server subscribed to; "" before the first subscription. */
  node: string;
  channel: string;
  pattern: boolean;
  detail: string;
  since: number;
  gaps: number;
  last_gap?: Gap;
  /** What feeds the rows: 'redis' (this subscription) or 'push' (the server's tick_update). */
  feed?: 'redis' | 'push' | 'none';
  feed_detail?: string;
  /** Redis messages not used because the push fed the rows (each tick counted once). */
  skipped?: number;
}

/** The three connection slots, in column order, with their contract colours. */
export const CONNECTIONS = [
  { id: 'connection_1', label: 'Connection 1', colour: '#007bff' },
  { id: 'connection_2', label: 'Connection 2', colour: '#28a745' },
  { id: 'connection_3', label: 'Connection 3', colour: '#fd7e14' },
] as const;
