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

export type Status = (typeof STATUS_WORDS)[number];

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
  config_error: string;
}

/** The three connection slots, in column order, with their contract colours. */
export const CONNECTIONS = [
  { id: 'connection_1', label: 'Connection 1', colour: '#007bff' },
  { id: 'connection_2', label: 'Connection 2', colour: '#28a745' },
  { id: 'connection_3', label: 'Connection 3', colour: '#fd7e14' },
] as const;
