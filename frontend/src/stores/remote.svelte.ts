// The remote sign-in state (remote mode only): the first RemoteState() call,
// then every remote:state event.
import { backend, onEvent } from '../lib/bridge';
import { EventRemote } from '../lib/events';
import type { RemoteState } from '../lib/types';

export class RemoteStore {
  state = $state<RemoteState | null>(null);

  apply(s: RemoteState | null): void {
    this.state = s;
  }

  connect(): () => void {
    const off = onEvent<RemoteState>(EventRemote, (s) => this.apply(s));
    backend
      .remoteState()
      .then((s) => {
        if (!this.state) this.apply(s);
      })
      .catch(() => {});
    return off;
  }
}
