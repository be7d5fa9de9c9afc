// What every figure in the window means, and what every status word asks of
// the operator: written once, here. The window shows these on hover and to
// screen readers (Term.svelte); docs/operators.md carries the same text in
// its generated tables (definitions.test.ts fails when the two differ;
// `UPDATE_DOCS=1 npx vitest run src/lib/definitions.test.ts` rewrites them).

/** A row received this many seconds after its own timestamp is flagged late. */
export const LATE_TICK_SECONDS = 2;

export interface Definition {
  /** The label as the window shows it. */
  label: string;
  /** What is counted, from which source, over which window. */
  text: string;
}

export const METRICS = {
  connected: {
    label: 'Connected',
    text: 'Connections whose status is connected, out of the connections enabled in the configuration. Source: the ingest’s health snapshot (this app’s manager, or the remote server). Current value.',
  },
  received: {
    label: 'Received',
    text: 'Market events (trades, quotes or aggregates) all connections received from the provider, the sum of the columns’ Messages. Source: the health snapshot (total_ticks_received). Since the ingest started. Counted before publishing, so it can be higher than what reaches Redis.',
  },
  ticks_per_s: {
    label: 'Ticks/s',
    text: 'Ticks read from the Redis channel in the last whole second (in a column: that connection’s tickers; in the totals: every connection, unassigned ticks not included). Source: this monitor’s Redis subscription. Ticks published while the subscription was down (a gap) are not seen.',
  },
  errors_total: {
    label: 'Errors',
    text: 'The sum of the columns’ Errors. Source: the health snapshot (total_errors). Since the ingest started.',
  },
  invalid: {
    label: 'Invalid',
    text: 'Messages on the Redis channel that were not valid ticks (not JSON, no symbol, a price, volume or timestamp that is not a number ≥ 0, over 4 KiB). Source: this monitor. Since the window started; hover shows the last one. They never stop the stream.',
  },
  unassigned: {
    label: 'Unassigned',
    text: 'Valid ticks on the Redis channel whose symbol is on no connection, or whose connection is not known (remote mode before the server is observed, or a server that reports counts only). Source: this monitor, against the assignment map. Since the window started.',
  },
  dropped: {
    label: 'Dropped',
    text: 'Ticks received from the provider that never reached Redis (publish queue full, Redis down or frozen), all connections together; each column counts its own under Lost. Source: the health snapshot (publish_dropped). Since the ingest started.',
  },
  universe: {
    label: 'Universe',
    text: 'The universe key(s) the connection’s tickers come from (WEBSOCKET_CONNECTION_N_UNIVERSE_KEY; a:b is the union of a and b). Source: the configuration, or the remote server. “—” when the tickers come from WEBSOCKET_CONNECTION_N_SYMBOLS or the server does not say.',
  },
  tickers: {
    label: 'Tickers',
    text: 'How many tickers this connection subscribes to at the provider. Source: the health snapshot (assigned_tickers). Current value.',
  },
  uptime: {
    label: 'Uptime',
    text: 'Time since this connection last became connected. Source: the health snapshot (connected_since). Starts again at every reconnect; “—” while not connected.',
  },
  messages: {
    label: 'Messages',
    text: 'Market events this connection received from the provider. Source: the health snapshot (message_count). Since the ingest started. Counted on arrival from the provider, before Redis: higher than what Ticks/s sees when ticks are dropped, unassigned or lost in a gap.',
  },
  errors: {
    label: 'Errors',
    text: 'Failed connection attempts, read and write errors and rejected provider frames on this connection. Source: the health snapshot (error_count). Since the ingest started.',
  },
  reconnects: {
    label: 'Reconnects',
    text: 'Times this connection was opened again after it dropped. Source: the health snapshot (reconnect_count). Since the ingest started.',
  },
  last_tick: {
    label: 'Last tick',
    text: 'How long ago this monitor last read a tick of this connection from Redis (its receive time, not the tick’s own time). Source: this monitor.',
  },
  provider_latency: {
    label: 'Provider → Redis p50 / p99',
    text: 'From the tick’s own timestamp (set by the provider) to the moment the publisher sent it to Redis (its published_at stamp): median and 99th percentile over the ticks read in the last 10 s. Includes the provider’s own delay and any difference between the provider’s clock and the publishing machine’s. “—” when no tick in 10 s carried published_at.',
  },
  tick_to_monitor: {
    label: 'Tick → monitor p50 / p99',
    text: 'Shown instead of the split when the publisher does not stamp published_at (TickStockAppV2): from the tick’s own timestamp to the moment this monitor read it from Redis, median and 99th percentile over the last 10 s. Provider, publisher and Redis delay cannot be told apart, and a skewed clock adds to it.',
  },
  screen_latency: {
    label: 'Redis → screen p50 / p99',
    text: 'From the publisher’s published_at stamp to the moment the row reached this window: median and 99th percentile over the last 10 s, sampled from the 5 newest rows of each batch (up to 50 a second per connection). Includes the wait for the next batch (up to 100 ms) and, when the publisher runs on another machine, the difference between its clock and this one’s. “—” when the ticks carry no published_at.',
  },
  lost: {
    label: 'Lost',
    text: 'Ticks this connection received from the provider that no consumer got: not published to Redis (publish queue full, Redis down or frozen), or published while nobody was subscribed. Source: the verdict (the publisher’s drops and unheard ticks). Since the ingest started.',
  },
  spark: {
    label: '60 s',
    text: 'Ticks/s of this connection over the last 60 s, one bar per second, oldest on the left. Source: this monitor’s Redis subscription.',
  },
  silent: {
    label: 'Silent tickers',
    text: 'Tickers assigned to this connection with no tick read from Redis for 60 s (never-seen tickers count from the subscription). Source: this monitor. Normal outside market hours and for thinly traded symbols.',
  },
  row_time: {
    label: 'Tick time',
    text: `Each row shows the tick’s own timestamp (local clock, ms). Hover a row for when this monitor received it and the delay; a row received more than ${LATE_TICK_SECONDS} s after its timestamp is flagged late.`,
  },
  arrived_while_paused: {
    label: 'Ticks arrived',
    text: 'Ticks of every connection read from Redis since Pause was pressed, counted while the rows stay frozen. Source: this monitor. Resume shows the newest rows; the counters never paused.',
  },
  redis_gaps: {
    label: 'Gaps',
    text: 'Times the Redis subscription was down since the window started, and how long the last one lasted. Source: this monitor. Ticks published during a gap were never seen here (Redis pub/sub keeps nothing for an absent subscriber), so the counters of this monitor are short by them.',
  },
} as const satisfies Record<string, Definition>;

export type TermKey = keyof typeof METRICS;

export interface StatusDefinition {
  meaning: string;
  action: string;
}

/** Every status word of the contract: what it means, and what to do. */
export const STATUSES = {
  disabled: {
    meaning:
      'Not enabled in the configuration (WEBSOCKET_CONNECTION_N_ENABLED is false, or USE_MULTI_CONNECTION is false for connections 2 and 3).',
    action: 'Nothing, unless this connection should run: enable it and restart the ingest.',
  },
  connecting: {
    meaning: 'Opening the WebSocket, signing in with the API key and subscribing the tickers.',
    action:
      'Wait a few seconds. If it stays, check MASSIVE_WEBSOCKET_URL and the network; the column says when the next attempt is.',
  },
  connected: {
    meaning: 'Signed in and subscribed; ticks flow.',
    action: 'Nothing. If its rows stay empty, see “A silent ticker in market hours”.',
  },
  disconnected: {
    meaning:
      'The connection dropped (network, provider closed it, or nothing arrived before the read deadline); the next attempt waits a backoff of 5 s doubling up to 60 s.',
    action:
      'Usually nothing: it reconnects by itself and Reconnects counts it. Repeated drops: check the network and the provider’s status page.',
  },
  error: {
    meaning: 'The ingest gave up on this connection after MASSIVE_WEBSOCKET_MAX_RETRIES consecutive failures.',
    action:
      'Read the column’s error, fix its cause, then restart the ingest (or set MASSIVE_WEBSOCKET_MAX_RETRIES=0 to retry forever).',
  },
  auth_failed: {
    meaning: 'The provider refused the API key, every attempt up to the backoff ceiling.',
    action:
      'Check MASSIVE_API_KEY (in the window: the keyring entry <profile>/massive-api-key) and that the plan is active; then restart.',
  },
  max_connections: {
    meaning:
      'The provider refused the connection because the account’s connection limit is reached: another process uses the same key.',
    action:
      'Find and stop the other process (another monitor or ingest, a notebook, a second TickStockAppV2), or enable fewer connections. Retries wait at least 60 s.',
  },
} as const satisfies Record<string, StatusDefinition>;

/** The tables of docs/operators.md that this module generates. */
export function metricsMarkdown(): string {
  const rows = Object.entries(METRICS).map(([key, d]) => `| ${d.label} | \`${key}\` | ${d.text} |`);
  return ['| figure | key | what it counts, from where, over which window |', '| --- | --- | --- |', ...rows].join(
    '\n',
  );
}

export function statusesMarkdown(): string {
  const rows = Object.entries(STATUSES).map(([word, d]) => `| \`${word}\` | ${d.meaning} | ${d.action} |`);
  return ['| status | what it means | what to do |', '| --- | --- | --- |', ...rows].join('\n');
}

/** Replaces the generated block named `name` in a markdown document. */
export function withGenerated(doc: string, name: string, body: string): string {
  const begin = `<!-- generated:${name} (frontend/src/lib/definitions.ts) -->`;
  const end = `<!-- end:${name} -->`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`docs/operators.md has no ${begin} … ${end} block`);
  return doc.slice(0, i + begin.length) + '\n' + body + '\n' + doc.slice(j);
}
