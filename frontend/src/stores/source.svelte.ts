// The Redis subscription's state: the first Source() call, then every change.
import { backend, onEvent } from '../lib/bridge';
import { EventSource } from '../lib/events';
import type { SourceState } from '../lib/types';

export class SourceStore {
  state = $state<SourceState | null>(null);

  apply(s: SourceState): void {
    this.state = s;
  }

  connect(): () => void {
    const off = onEvent<SourceState>(EventSource, (s) => this.apply(s));
    backend
      .source()
      .then((s) => {
        if (!this.state) this.apply(s);
      })
      .catch(() => {});
    return off;
  }
}
