// Redis → screen, measured where the screen is: each sampled row's publish →
// receive delay (from Go) plus the time from the monitor's receive to now,
// kept for 10 s per connection.

export const WINDOW_MS = 10_000;
/** Samples kept per connection: at 50 a second, 10 s is 500. */
const MAX_SAMPLES = 2_000;

export class LatencyWindow {
  #at: number[] = [];
  #ms: number[] = [];

  add(atMs: number, ms: number): void {
    this.#at.push(atMs);
    this.#ms.push(ms);
    if (this.#at.length > MAX_SAMPLES) {
      this.#at.splice(0, this.#at.length - MAX_SAMPLES);
      this.#ms.splice(0, this.#ms.length - MAX_SAMPLES);
    }
  }

  /** p50 and p99 in ms over the 10 s ending at nowMs; null without samples. */
  percentiles(nowMs: number): { p50: number; p99: number } | null {
    let first = 0;
    while (first < this.#at.length && this.#at[first] <= nowMs - WINDOW_MS) first++;
    if (first > 0) {
      this.#at.splice(0, first);
      this.#ms.splice(0, first);
    }
    if (this.#ms.length === 0) return null;
    const sorted = [...this.#ms].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    return { p50: at(0.5), p99: at(0.99) };
  }
}
