import { describe, expect, it } from 'vitest';
import { linkChip, linkLine, observed, sourceWithheld, tickLive, withAge } from './observed';
import type { RemoteState } from './types';

function remote(over: Partial<RemoteState> = {}): RemoteState {
  return {
    state: 'observing',
    server: 'http://h',
    email: 'a@b.c',
    detail: 'd',
    retry_at: 0,
    since: 0,
    push: true,
    counts_only: false,
    kind: '',
    feed: '',
    stale: false,
    last_data: 0,
    push_dropped: 0,
    ...over,
  };
}

describe('observed', () => {
  it('is neutral before anything is known, saying what is needed', () => {
    const v = observed(remote({ state: 'needs_password', detail: 'Enter the admin password' }))!;
    expect(v).toMatchObject({ neutral: true, stale: false, label: 'not signed in', why: 'Enter the admin password' });
  });
  it('is live while observing', () => {
    expect(observed(remote({ last_data: 100 }))).toMatchObject({ neutral: false, stale: false });
  });
  it('is stale with the time of the last data when the link is lost', () => {
    expect(observed(remote({ state: 'unreachable', stale: true, last_data: 100 }))).toMatchObject({
      neutral: false,
      stale: true,
      since: 100,
    });
  });
  it('says in the header what is wrong and when the next try is', () => {
    expect(linkLine(remote({ state: 'unreachable', retry_at: 105 }), 100_000)).toBe(
      'Server unreachable · next try in 5 s',
    );
    expect(linkLine(remote({ kind: 'TickStockAppV2', feed: 'push' }), 0)).toBe('Live · push from TickStockAppV2');
    expect(linkLine(remote({ feed: 'polling', push: false }), 0)).toContain('polling every 2 s');
  });
  it('splits the header chip into the word that is never cut and the rest, with the whole sentence on hover', () => {
    const c = linkChip(
      remote({ state: 'unreachable', retry_at: 105, detail: 'Cannot reach the server. Retrying.' }),
      100_000,
    );
    expect(c).toEqual({
      word: 'Server unreachable',
      rest: ' · next try in 5 s',
      title: 'Server unreachable · next try in 5 s\nCannot reach the server. Retrying.',
    });
    expect(linkChip(remote({ kind: 'tickstock-ingest serve', feed: 'push' }), 0)).toMatchObject({
      word: 'Live',
      rest: ' · push from tickstock-ingest serve',
    });
  });
});

describe('sourceWithheld', () => {
  it('says why a browser tab gets no Redis state, and nothing while it may still come', () => {
    expect(sourceWithheld(remote({ state: 'forbidden' }))).toBe('Redis: shown to admins only');
    expect(sourceWithheld(remote({ state: 'needs_password' }))).toBe('Redis: sign in to see it');
    expect(sourceWithheld(remote({ state: 'unreachable' }))).toContain('unreachable');
    expect(sourceWithheld(remote({ state: 'observing' }))).toBe('');
    expect(sourceWithheld(remote({ state: 'signing_in' }))).toBe('');
    expect(sourceWithheld(null)).toBe('');
  });
});

describe('withAge', () => {
  it('marks figures older than the limit stale, saying how old, and leaves current ones live', () => {
    expect(withAge(undefined, 1, 100, 3)).toBeUndefined();
    const v = withAge(undefined, 7.4, 100, 3)!;
    expect(v).toMatchObject({ stale: true, neutral: false, since: 100, behind: 7.4 });
    expect(v.why).toContain('7 s old');
    // A metrics 2.4 s after the previous one: the server itself stalled.
    expect(withAge(undefined, 0.2, 100, 3, 2.4)).toMatchObject({
      stale: true,
      behind: 0,
      why: expect.stringContaining('stalled for 2.4 s'),
    });
    expect(withAge(undefined, 0.2, 100, 3, 0)).toBeUndefined();
    const live = observed(remote({ last_data: 100 }));
    expect(withAge(live, 0.5, 100, 3)).toBe(live);
    expect(withAge(live, 5, 100, 3)).toMatchObject({ stale: true, behind: 5 });
  });
  it('keeps a lost link’s or a neutral view as it is', () => {
    const lost = observed(remote({ state: 'unreachable', stale: true, last_data: 90 }));
    expect(withAge(lost, 30, 100, 3)).toBe(lost);
    const neutral = observed(remote({ state: 'forbidden' }));
    expect(withAge(neutral, 30, 100, 3)).toBe(neutral);
  });
});

describe('tickLive', () => {
  it('is a tick in the last 5 s, and never for none', () => {
    expect(tickLive(100, 104_900)).toBe(true);
    expect(tickLive(100, 105_000)).toBe(false);
    expect(tickLive(0, 1_000)).toBe(false);
    expect(tickLive(undefined, 1_000)).toBe(false);
  });
});
