// The remote sign-in state (remote mode only): the first RemoteState() call,
// then every remote:state event.
import { backend } from '../lib/bridge';
import { EventRemote } from '../lib/events';
import { follow } from '../lib/follow';
import type { RemoteState } from '../lib/types';

export class RemoteStore {
  state = $state<RemoteState | null>(null);

  apply(s: RemoteState | null): void {
    this.state = s;
  }

  connect(): () => void {
    return follow(EventRemote, backend.remoteState, (s) => this.apply(s));
  }
}
