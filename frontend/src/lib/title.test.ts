import { describe, expect, test } from 'vitest';
import { pageTitle } from './title';
import type { Verdict } from './verdict';

const v = (level: Verdict['level'], cause: string, connected = 3, enabled = 3) =>
  ({ level, cause, sentence: '', since: 0, at: 0, connected, enabled, connections: {} }) as Verdict;

describe('pageTitle', () => {
  test('the verdict, as the window title says it', () => {
    expect(pageTitle(v('ok', 'healthy'), false)).toBe('OK · 3/3 connected — TickStock Monitor');
    expect(pageTitle(v('down', 'not_publishing', 0), false)).toBe('DOWN · not publishing — TickStock Monitor');
    expect(pageTitle(v('degraded', 'provider_down', 2), false)).toBe(
      'DEGRADED · 2/3 connected · provider down — TickStock Monitor',
    );
    expect(pageTitle(v('ok', 'healthy'), true)).toBe('Paused · OK · 3/3 connected — TickStock Monitor');
  });
  test('before sign-in nothing is judged, and nothing is known before the first verdict', () => {
    expect(pageTitle(v('unknown', 'not_signed_in', 0, 0), false)).toBe('UNKNOWN · not signed in — TickStock Monitor');
    expect(pageTitle(null, false)).toBe('Starting… — TickStock Monitor');
  });
  test('Redis frozen is not "3/3 connected"', () => {
    expect(pageTitle(v('down', 'not_publishing', 0), false)).not.toContain('3/3');
  });
});
