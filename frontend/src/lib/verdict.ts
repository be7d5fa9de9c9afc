// The session's verdict (backend/verdict): OK, DEGRADED, DOWN or UNKNOWN
// with one sentence, and each connection's part. Every surface of the
// window shows this one judgement: the header line, the title, the badges
// and the totals. The words of a title are the Go side's
// (backend/verdict/title.go), so the window's title and a browser tab's say
// the same.

import type { Verdict, VerdictConn, VerdictLevel } from './types';

// The generated types (types.ts), under the names the components use.
export type { Verdict };
export type ConnVerdict = VerdictConn;
export type Level = VerdictLevel;

/** The level in capitals, as titles and the header show it. */
export function levelWord(l: string): string {
  return ({ ok: 'OK', degraded: 'DEGRADED', down: 'DOWN' } as Record<string, string>)[l] ?? 'UNKNOWN';
}

const causeTitles: Record<string, string> = {
  starting: 'starting',
  configuration: 'configuration problem',
  none_enabled: 'no connection enabled',
  not_publishing: 'not publishing',
  subscription_lost: "monitor's subscription lost",
  provider_down: 'provider down',
  key_refused: 'key refused',
  connection_limit: 'connection limit',
  silent: 'silent',
  not_signed_in: 'not signed in',
  server_unreachable: 'server unreachable',
  monitor_unavailable: "server's monitor unavailable",
  stale: 'figures stale',
};

/** A cause in a few words: "not publishing". */
export function causeTitle(c: string): string {
  return causeTitles[c] ?? c;
}

/** The short form of a verdict: "OK · 3/3 connected", "DOWN · not publishing". */
export function verdictTitle(v: Verdict): string {
  switch (v.cause) {
    case 'healthy':
      return `OK · ${v.connected}/${v.enabled} connected`;
    case 'provider_down':
    case 'key_refused':
    case 'connection_limit':
    case 'silent':
      return `${levelWord(v.level)} · ${v.connected}/${v.enabled} connected · ${causeTitle(v.cause)}`;
  }
  return `${levelWord(v.level)} · ${causeTitle(v.cause)}`;
}
