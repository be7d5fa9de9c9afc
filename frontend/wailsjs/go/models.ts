export namespace alerts {
	
	export interface Settings {
	    off: string[];
	    outage_after_s: number;
	    silent_after_s: number;
	    quiet: boolean;
	}

}

export namespace app {
	
	export interface ProfileList {
	    profiles: profiles.Profile[];
	    last: string;
	    path: string;
	}

}

export namespace history {
	
	export interface Span {
	    from: number;
	    to: number;
	    cause: string;
	}
	export interface Minute {
	    connection: string;
	    start: number;
	    ticks: number;
	    rate_min: number;
	    rate_avg: number;
	    rate_max: number;
	    errors: number;
	    reconnects: number;
	    p50_ms: number;
	    p99_ms: number;
	    down_s: number;
	    samples: number;
	}
	export interface Chart {
	    connection: string;
	    from: number;
	    to: number;
	    minutes: Minute[];
	    outages: Span[];
	    unobserved: Span[];
	}
	
	export interface Query {
	    from: number;
	    to: number;
	    connection: string;
	    kinds: string[];
	    limit: number;
	}

}

export namespace profiles {
	
	export interface Profile {
	    name: string;
	    mode: string;
	    server_url?: string;
	    admin_email?: string;
	    redis_url?: string;
	    tick_channel?: string;
	}

}

export namespace service {
	
	export interface HistoryStatus {
	    path: string;
	    problem: string;
	    bytes: number;
	    dropped: number;
	    session: string;
	}

}

export namespace verdict {
	
	export interface Conn {
	    level: string;
	    status: string;
	    label: string;
	    streaming: boolean;
	    publishing: boolean;
	    cause: string;
	    sentence: string;
	    lost: number;
	}
	export interface Verdict {
	    level: string;
	    cause: string;
	    sentence: string;
	    detail?: string;
	    since: number;
	    at: number;
	    connected: number;
	    enabled: number;
	    queued: number;
	    connections: {[key: string]: Conn};
	}

}

export namespace wire {
	
	export interface Row {
	    symbol: string;
	    price: number;
	    volume: number;
	    ts: number;
	    recv: number;
	    rd?: number;
	}
	export interface ConnBatch {
	    ticks: Row[];
	    more: number;
	    arrived_while_paused?: number;
	}
	export interface Batch {
	    seq: number;
	    connections: {[key: string]: ConnBatch};
	    unassigned?: ConnBatch;
	    replace: boolean;
	    resumed: boolean;
	    filter: string;
	    filter_says?: string;
	    paused: boolean;
	    rows: number;
	    unassigned_rows: number;
	}
	
	export interface ConnMetrics {
	    received: number;
	    rate_1s: number;
	    rate_10s: number;
	    last_tick: number;
	    latency_p50_ms: number;
	    latency_p99_ms: number;
	    provider_p50_ms: number;
	    provider_p99_ms: number;
	    spark: number[];
	    silent: number;
	    silent_sample: string[];
	}
	export interface Connection {
	    name: string;
	    enabled: boolean;
	    status: string;
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
	    retry_at: number;
	    publish_dropped: number;
	    subscribed_channels: number;
	    warning?: string;
	}
	export interface Entry {
	    id: number;
	    at: number;
	    connection: string;
	    kind: string;
	    alert?: string;
	    from?: string;
	    to?: string;
	    cause: string;
	    duration: number;
	    reconnects: number;
	    message: string;
	    notified: boolean;
	    note?: string;
	    incident: number;
	    level?: string;
	}
	export interface Gap {
	    from: number;
	    to: number;
	    seconds: number;
	    reason: string;
	}
	export interface Info {
	    product: string;
	    version: string;
	    mode: string;
	    warnings: string[];
	    problem: string;
	    profile: string;
	    remote: string;
	    keyring_problem: string;
	}
	export interface InvalidMetrics {
	    count: number;
	    last_error: string;
	    sample: string;
	    at: number;
	}
	export interface Lookup {
	    symbol: string;
	    found: boolean;
	    connection_id: string;
	    name: string;
	    message: string;
	}
	export interface SymbolCount {
	    symbol: string;
	    count: number;
	}
	export interface UnassignedMetrics {
	    count: number;
	    top: SymbolCount[];
	    other: number;
	}
	export interface Metrics {
	    at: number;
	    connections: {[key: string]: ConnMetrics};
	    unassigned: UnassignedMetrics;
	    invalid: InvalidMetrics;
	    total: number;
	    rate_1s: number;
	    rate_10s: number;
	    paused: boolean;
	    paused_since: number;
	    arrived_while_paused: number;
	}
	export interface TickerMove {
	    symbol: string;
	    from: string;
	    to: string;
	    at: number;
	}
	export interface RemoteState {
	    state: string;
	    server: string;
	    email: string;
	    kind: string;
	    detail: string;
	    retry_at: number;
	    since: number;
	    push: boolean;
	    feed: string;
	    counts_only: boolean;
	    stale: boolean;
	    last_data: number;
	    push_dropped: number;
	    push_refused?: number;
	    push_refused_max?: number;
	    server_error?: string;
	    server_error_at?: number;
	    uncounted_errors?: string[];
	    moves?: TickerMove[];
	}
	
	export interface Session {
	    email: string;
	    role: string;
	    admin: boolean;
	    expires: number;
	}
	export interface Snapshot {
	    total_connections: number;
	    enabled_connections: number;
	    connected_count: number;
	    total_ticks_received: number;
	    total_errors: number;
	    connections: {[key: string]: Connection};
	}
	export interface SubscriptionState {
	    state: string;
	    where: string;
	    kind: string;
	    node: string;
	    channel: string;
	    pattern: boolean;
	    detail: string;
	    since: number;
	    gaps: number;
	    last_gap?: Gap;
	    feed: string;
	    feed_detail: string;
	    skipped: number;
	}
	
	

}

