// The page's <title>: the state at a glance in a browser tab strip or a
// screen reader's window list ("⚠ 2/3 connected", "Paused", "not signed in").
import type { RemoteState, Snapshot } from './types';

const NAME = 'TickStock Monitor';

// What a sign-in state means for the figures, in the tab strip's few words.
const signIn: Record<string, string> = {
  needs_password: 'not signed in',
  wrong_credentials: 'not signed in',
  subscription_expired: 'not signed in',
  session_failing: 'not signed in',
  session_expired: 'signing in',
  signing_in: 'signing in',
  forbidden: 'not an admin',
  unreachable: 'unreachable',
  stopped: 'stopped',
};

export function pageTitle(s: Snapshot | null, r: RemoteState | null, paused: boolean): string {
  if (r && r.state !== 'observing') return `${signIn[r.state] ?? r.state} — ${NAME}`;
  if (!s) return `Starting… — ${NAME}`;
  const down = s.enabled_connections - s.connected_count;
  const stale = r?.stale ? 'stale · ' : '';
  return `${down > 0 ? '⚠ ' : ''}${paused ? 'Paused · ' : ''}${stale}${s.connected_count}/${s.enabled_connections} connected — ${NAME}`;
}
