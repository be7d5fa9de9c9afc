// Shapes of what the Go side sends: aliases of the types Wails generates from
// Go, narrowed where the frontend switches on a word; and frontend-only
// constants (status words, the slots' colours).
import type { app, profiles, service, verdict, wire } from '../../wailsjs/go/models';

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

/**
 * T with some fields narrowed to the words the frontend switches on. Each
 * narrowed field must exist in T with a wider type, so a field that Go drops
 * or renames fails svelte-check here, as every other field does through T.
 */
export type Narrow<T, N extends { [K in keyof N]: K extends keyof T ? T[K] : never }> = Omit<T, keyof N> & N;

// The wire types are generated from Go (frontend/wailsjs/go/models.ts, `make
// bindings`); these names are what the components import.
export type ConnectionSnapshot = wire.Connection;
export type Snapshot = wire.Snapshot;
export type AppInfo = wire.Info;
export type Lookup = wire.Lookup;
/** Who is signed in to the admin API (the browser shell's GET /api/admin/session). */
export type AdminSession = wire.Session;
export type Row = wire.Row;
export type ConnBatch = wire.ConnBatch;
export type Batch = wire.Batch;
export type ConnMetrics = wire.ConnMetrics;
export type Metrics = wire.Metrics;
export type Gap = wire.Gap;
// The session's one judgement (backend/verdict), from the bound method
// Verdict and the event verdict:state.
export type VerdictLevel = 'ok' | 'degraded' | 'down' | 'unknown';
export type VerdictConn = Narrow<verdict.Conn, { level: VerdictLevel }>;
export type Verdict = Narrow<verdict.Verdict, { level: VerdictLevel; connections: Record<string, VerdictConn> }>;

/**
 * The sign-in state in remote mode (backend/wire.RemoteState), narrowed to the
 * words of backend/wire (SignInStates, RemoteFeeds, ServerKinds; wire's
 * TestWordSetsMatchFrontend holds these lists to them); session_only is set
 * by the browser shell's bridge, whose tab signs in to the server that serves
 * it: the email is asked, nothing is remembered.
 */
export type RemoteState = Narrow<
  wire.RemoteState,
  {
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
      | 'monitor_unavailable'
      | 'stopped';
    /** How the figures come: the server's push stream, or its status API every 2 s; '' before observing. */
    feed: '' | 'push' | 'polling';
    /** Which server: unknown ('') until the first sign-in. */
    kind: '' | 'tickstock-ingest serve' | 'TickStockAppV2';
  }
> & { session_only?: boolean };
export type RemoteStateWord = RemoteState['state'];
export type TickerMove = wire.TickerMove;

export type Profile = Narrow<profiles.Profile, { mode: 'demo' | 'embedded' | 'remote' }>;
export type ProfileList = Narrow<app.ProfileList, { profiles: Profile[] }>;

/** The Redis subscription (backend/wire.SubscriptionState). */
export type SourceState = Narrow<
  wire.SubscriptionState,
  {
    state: 'connecting' | 'subscribed' | 'reconnecting' | 'stopped';
    kind: 'standalone' | 'sentinel' | 'cluster';
    /** What feeds the rows: 'redis' (this subscription) or 'push' (the server's tick_update). */
    feed: 'redis' | 'push' | 'none';
  }
>;

/** The three connection slots, in column order, with their contract colours. */
export const CONNECTIONS = [
  { id: 'connection_1', label: 'Connection 1', colour: '#007bff' },
  { id: 'connection_2', label: 'Connection 2', colour: '#28a745' },
  { id: 'connection_3', label: 'Connection 3', colour: '#fd7e14' },
] as const;
