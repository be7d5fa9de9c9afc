// The Redis subscription's state: the first Source() call, then every change.
import { backend } from '../lib/bridge';
import { EventSource } from '../lib/events';
import { follow } from '../lib/follow';
import type { SourceState } from '../lib/types';

export class SourceStore {
  state = $state<SourceState | null>(null);

  apply(s: SourceState): void {
    this.state = s;
  }

  connect(): () => void {
    return follow(EventSource, backend.source, (s) => this.apply(s));
  }
}
