// The connection-status stream: the first Snapshot() call, then every
// connections:status event from Go.
import { backend } from '../lib/bridge';
import { EventStatus } from '../lib/events';
import { follow } from '../lib/follow';
import type { Snapshot } from '../lib/types';

export class StatusStore {
  snapshot = $state<Snapshot | null>(null);
  /** Why no snapshot could be had, as a sentence; '' when fine. */
  error = $state('');

  apply(s: Snapshot): void {
    this.snapshot = s;
    this.error = '';
  }

  /** Loads the first snapshot and follows the event stream; returns a stop function. */
  connect(): () => void {
    return follow(
      EventStatus,
      backend.snapshot,
      (s) => this.apply(s),
      (msg) => {
        this.error = `Could not read the connection status: ${msg}`;
      },
    );
  }
}
