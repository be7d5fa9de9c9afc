// The session's verdict: the first Verdict() call, then every verdict:state
// event (the window), or the verdict the server sends with its status (a
// browser tab on serve, bridge-http.ts).
import { backend } from '../lib/bridge';
import { EventVerdict } from '../lib/events';
import { follow } from '../lib/follow';
import type { Verdict } from '../lib/verdict';

export class VerdictStore {
  verdict = $state<Verdict | null>(null);

  apply(v: Verdict | null): void {
    this.verdict = v;
  }

  connect(): () => void {
    return follow(EventVerdict, backend.verdict, (v) => this.apply(v));
  }
}
