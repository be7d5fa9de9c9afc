// The 1 Hz metrics stream from the Redis monitor.
import { onEvent } from '../lib/bridge';
import { EventMetrics } from '../lib/events';
import type { Metrics } from '../lib/types';

export class MetricsStore {
  current = $state<Metrics | null>(null);

  apply(m: Metrics): void {
    this.current = m;
  }

  connect(): () => void {
    return onEvent<Metrics>(EventMetrics, (m) => this.apply(m));
  }
}
