// How the columns show a remote server's figures: neutral before anything is
// known (not signed in is not an outage), live while observing, or stale
// (the last figures received, and since when) when the link is lost.
import type { RemoteState } from './types';

export interface Observed {
  /** Nothing known yet: neutral badges with `label`, and `why` in the column. */
  neutral: boolean;
  label: string;
  /** The figures are the last ones received, at `since` (Unix s). */
  stale: boolean;
  since: number;
  why: string;
  /**
   * Stale though the link is up: this page is behind its stream by this
   * many seconds, or (0) the server's own last second was not a full one.
   */
  behind?: number;
}

const waiting: Record<string, string> = {
  needs_password: 'not signed in',
  signing_in: 'signing in',
  wrong_credentials: 'not signed in',
  forbidden: 'not an admin',
  subscription_expired: 'not signed in',
  session_failing: 'not signed in',
  unreachable: 'unreachable',
  monitor_unavailable: 'server monitor unavailable',
  session_expired: 'signing in',
  stopped: 'stopped',
};

export function observed(r: RemoteState | null): Observed | undefined {
  if (!r) return undefined;
  const known = (r.last_data ?? 0) > 0;
  if (!known) {
    return {
      neutral: r.state !== 'observing',
      label: waiting[r.state] ?? r.state,
      stale: false,
      since: 0,
      why: r.detail,
    };
  }
  const stale = !!r.stale && r.state !== 'observing';
  return { neutral: false, label: '', stale, since: r.last_data ?? 0, why: r.detail };
}

/**
 * The header's chip about the link, in two parts: `word` (live, or what is
 * wrong) is never cut; `rest` (where the figures come from, or the one
 * countdown to the next try) may give way on a narrow screen, so `title`
 * says the whole of it, with the observer's sentence.
 */
export interface LinkChip {
  word: string;
  rest: string;
  title: string;
}

const linkWords: Record<string, string> = {
  unreachable: 'Server unreachable',
  monitor_unavailable: "Signed in · the server's monitor is not available",
  session_expired: 'Session lost',
  signing_in: 'Signing in',
  needs_password: 'Not signed in',
  wrong_credentials: 'Sign-in refused',
  forbidden: 'Not an admin',
  subscription_expired: 'Subscription expired',
  session_failing: 'Sessions end at once',
  stopped: 'Stopped',
};

export function linkChip(r: RemoteState, nowMs: number): LinkChip {
  let word: string, rest: string;
  if (r.state === 'observing') {
    word = 'Live';
    rest = r.feed === 'polling' ? ' · polling every 2 s (no push)' : ` · push from ${r.kind || 'the server'}`;
  } else {
    // The one countdown of the server's retry: the observer's sentence
    // (the title) states no delay of its own.
    word = linkWords[r.state] ?? r.state;
    rest = r.retry_at ? ` · next try in ${Math.max(0, Math.ceil(r.retry_at - nowMs / 1000))} s` : '';
  }
  const line = word + rest;
  return { word, rest, title: r.detail && r.detail !== line ? `${line}\n${r.detail}` : line };
}

/** The header's one line about the link: live, polling, or what is wrong with the next try. */
export function linkLine(r: RemoteState, nowMs: number): string {
  const c = linkChip(r, nowMs);
  return c.word + c.rest;
}

// Why a browser tab will not get the Redis subscription's state: it comes
// only on the server's push stream, which is opened for admins alone (the
// state names the Redis host, node and channel: infrastructure a viewer is
// not shown, as the admin API's 403 says). Empty while it may still come.
const withheld: Record<string, string> = {
  forbidden: 'Redis: shown to admins only',
  needs_password: 'Redis: sign in to see it',
  wrong_credentials: 'Redis: sign in to see it',
  unreachable: 'Redis: unknown (server unreachable)',
};

/** What the source status says in place of a state that is not coming; '' when it may. */
export function sourceWithheld(r: RemoteState | null): string {
  if (!r || r.state === 'observing') return '';
  return withheld[r.state] ?? '';
}

/**
 * The figures' view once their age is known: a page whose figures are more
 * than NOT_CURRENT_AFTER seconds behind shows them as stale (from `since`,
 * local Unix s), as a lost link does. A neutral or already stale view wins.
 */
export function withAge(
  v: Observed | undefined,
  behind: number,
  since: number,
  limit: number,
  stalled = 0,
): Observed | undefined {
  if (v?.neutral || v?.stale) return v;
  if (behind > limit) {
    return {
      neutral: false,
      label: '',
      stale: true,
      since,
      behind,
      why: `${Math.round(behind)} s old: this page is behind its stream and catching up.`,
    };
  }
  // The server emits metrics every second; one that comes `stalled` seconds
  // after the previous says the server itself did not run meanwhile, so its
  // "last whole second" counts what it managed to read, not what flowed.
  if (stalled > 0) {
    return {
      neutral: false,
      label: '',
      stale: true,
      since,
      behind: 0,
      why: `when the server had stalled for ${stalled.toFixed(1)} s: its last second is not a full one.`,
    };
  }
  return v;
}

/**
 * A tick in the last 5 s (`lastTick` Unix s): the rows and the monitor's own
 * figures are current, whatever the server's status word says.
 */
export function tickLive(lastTick: number | undefined, nowMs: number): boolean {
  return !!lastTick && nowMs / 1000 - lastTick < 5;
}

/**
 * Only the server's figures are stale: they are the last known (not a page
 * behind its stream), while the rows come from the window's own Redis
 * subscription (`ownTicks`) and a tick arrived within 5 s.
 */
export function onlyServerStale(
  v: Observed | undefined,
  ownTicks: boolean,
  lastTick: number | undefined,
  nowMs: number,
): boolean {
  return !!v?.stale && v.behind === undefined && ownTicks && tickLive(lastTick, nowMs);
}

/** A status word that is the last one known, as badges and tabs show it. */
export function lastKnownWord(word: string): string {
  return `${word} · last known`;
}
