import { describe, expect, test } from 'vitest';
import { pageTitle } from './title';
import type { RemoteState, Snapshot } from './types';

const snap = (connected: number, enabled: number) => ({ connected_count: connected, enabled_connections: enabled }) as Snapshot;
const remote = (state: RemoteState['state']) => ({ state, detail: '', last_data: 0 }) as RemoteState;

describe('pageTitle', () => {
  test('all connected, degraded, paused', () => {
    expect(pageTitle(snap(3, 3), null, false)).toBe('3/3 connected — TickStock Monitor');
    expect(pageTitle(snap(2, 3), null, false)).toBe('⚠ 2/3 connected — TickStock Monitor');
    expect(pageTitle(snap(3, 3), null, true)).toBe('Paused · 3/3 connected — TickStock Monitor');
  });
  test('the sign-in state wins before the figures', () => {
    expect(pageTitle(null, remote('needs_password'), false)).toBe('not signed in — TickStock Monitor');
    expect(pageTitle(snap(3, 3), remote('forbidden'), false)).toBe('not an admin — TickStock Monitor');
    expect(pageTitle(snap(3, 3), remote('observing'), false)).toBe('3/3 connected — TickStock Monitor');
    // After the session ended, with the last figures still shown.
    expect(pageTitle(snap(3, 3), { ...remote('needs_password'), last_data: 1, stale: true }, false)).toBe('not signed in — TickStock Monitor');
  });
});
