// The connection-status stream: the first Snapshot() call, then every
// connections:status event from Go.
import { backend, onEvent } from '../lib/bridge';
import { EventStatus } from '../lib/events';
import type { Snapshot } from '../lib/types';

export class StatusStore {
  snapshot = $state<Snapshot | null>(null);
  /** Why no snapshot could be had, as a sentence; '' when fine. */
  error = $state('');
  /** Local time (ms) of the newest snapshot. */
  updatedAt = $state(0);

  apply(s: Snapshot): void {
    this.snapshot = s;
    this.error = '';
    this.updatedAt = Date.now();
  }

  /** Loads the first snapshot and follows the event stream; returns a stop function. */
  connect(): () => void {
    const off = onEvent<Snapshot>(EventStatus, (s) => this.apply(s));
    backend
      .snapshot()
      .then((s) => {
        if (!this.snapshot) this.apply(s);
      })
      .catch((e: unknown) => {
        this.error = `Could not read the connection status: ${e instanceof Error ? e.message : String(e)}`;
      });
    return off;
  }
}
