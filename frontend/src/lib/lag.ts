// How far behind the figures on screen are, from the metrics' own time
// (Metrics.at, the server's clock) and when they arrived here. The two
// clocks differ (a phone's may be seconds off), so the offset is the
// smallest (arrival − at) of the last few minutes: the freshest delivery.
// A page that keeps up stays within about a second of it; one that fell
// behind its stream sees its figures age past NOT_CURRENT_AFTER.

/** Figures more than this many seconds behind are shown as not current. */
export const NOT_CURRENT_AFTER = 3;
const KEEP = 300; // arrivals (one a second): a clock correction is forgotten within 5 min

export class Lag {
  private offsets: number[] = [];
  private min = Infinity;

  /** Notes metrics of time `at` (server s) arriving at `now` (local s). */
  arrived(at: number, now: number): void {
    const off = now - at;
    this.offsets.push(off);
    if (this.offsets.length > KEEP) {
      const gone = this.offsets.shift()!;
      if (gone === this.min) this.min = Math.min(...this.offsets);
    }
    this.min = Math.min(this.min, off);
  }

  /** Seconds by which figures of time `at` are behind at local time `now` (0 before any arrival). */
  behind(at: number, now: number): number {
    if (!Number.isFinite(this.min)) return 0;
    return Math.max(0, now - at - this.min);
  }

  /** `at` on this machine's clock. */
  local(at: number): number {
    return Number.isFinite(this.min) ? at + this.min : at;
  }
}
