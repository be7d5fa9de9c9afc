// The 1 Hz metrics stream from the Redis monitor, and how current the
// figures on screen are: a page that falls behind its stream (a browser tab
// whose renderer is slower than the stream, a stream that stopped) shows
// figures that are seconds old, and must say so rather than show them as live.
import { onEvent } from '../lib/bridge';
import { EventMetrics } from '../lib/events';
import { Lag } from '../lib/lag';
import type { Metrics } from '../lib/types';

// The monitor emits metrics every second; a gap this long means it did not run.
const STALL_GAP = 1.5;

export class MetricsStore {
  current = $state<Metrics | null>(null);
  /** How many seconds the figures shown are older than current ones would be. */
  behind = $state(0);
  /** When the figures shown were current, on this machine's clock (Unix s); 0 before any. */
  shownAt = $state(0);
  /**
   * Seconds the server went without emitting before the metrics shown (0
   * when they came on time, a second after the previous): it was stalled,
   * and their last-second rates count what it read then, not what flowed.
   */
  stalled = $state(0);
  private lag = new Lag();

  apply(m: Metrics, nowMs = Date.now()): void {
    const gap = this.current ? m.at - this.current.at : 0;
    this.stalled = gap > STALL_GAP ? gap : 0;
    this.current = m;
    this.lag.arrived(m.at, nowMs / 1000);
    this.refresh(nowMs);
  }

  /** Recomputes how far behind the figures are (the page's 1 s clock calls it). */
  refresh(nowMs = Date.now()): void {
    if (!this.current) return;
    this.behind = this.lag.behind(this.current.at, nowMs / 1000);
    this.shownAt = this.lag.local(this.current.at);
  }

  connect(): () => void {
    return onEvent<Metrics>(EventMetrics, (m) => this.apply(m));
  }
}
