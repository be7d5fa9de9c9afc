// The page's <title>: the verdict at a glance in a browser tab strip, the
// taskbar or a screen reader's window list ("DOWN · not publishing —
// TickStock Monitor"). The window's own title says the same (Go:
// service.Title, from backend/verdict's Title).
import { verdictTitle, type Verdict } from './verdict';

const NAME = 'TickStock Monitor';

export function pageTitle(v: Verdict | null, paused: boolean): string {
  if (!v) return `Starting… — ${NAME}`;
  return `${paused ? 'Paused · ' : ''}${verdictTitle(v)} — ${NAME}`;
}
