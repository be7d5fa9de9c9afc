// The page's <title>: the state at a glance in a browser tab strip or a
// screen reader's window list ("⚠ 2/3 connected", "Paused", "not signed in").
import { observed } from './observed';
import type { RemoteState, Snapshot } from './types';

const NAME = 'TickStock Monitor';

export function pageTitle(s: Snapshot | null, r: RemoteState | null, paused: boolean): string {
  if (r && r.state !== 'observing') return `${observed(r)?.label || r.state} — ${NAME}`;
  if (!s) return `Starting… — ${NAME}`;
  const down = s.enabled_connections - s.connected_count;
  const stale = r?.stale ? 'stale · ' : '';
  return `${down > 0 ? '⚠ ' : ''}${paused ? 'Paused · ' : ''}${stale}${s.connected_count}/${s.enabled_connections} connected — ${NAME}`;
}
