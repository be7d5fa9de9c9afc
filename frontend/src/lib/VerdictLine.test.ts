import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import VerdictLine from './VerdictLine.svelte';
import type { Verdict } from './verdict';

const long =
  'Ticks are not published: Redis does not answer (the publisher has 753 ticks queued and dropped 945). Every consumer of the channel misses them. Check that redis-server runs and answers at the configured REDIS_URL.';
const frozen: Verdict = {
  level: 'down',
  cause: 'not_publishing',
  sentence: long,
  since: 1000,
  at: 1024,
  connected: 0,
  enabled: 3,
  queued: 0,
  connections: {},
};

describe('VerdictLine', () => {
  it('shows the level and the whole sentence, and since when', () => {
    render(VerdictLine, { verdict: frozen, now: 1024_000 });
    const line = screen.getByTestId('verdict');
    expect(line).toHaveTextContent('DOWN');
    expect(line).toHaveTextContent(long); // never cut
    expect(line).toHaveTextContent('(24 s)');
    expect(line).toHaveClass('down');
    expect(line).toHaveAttribute('data-level', 'down');
  });

  it('is neutral and not green before anything is judged', () => {
    const { rerender } = render(VerdictLine, { verdict: null, now: 0 });
    expect(screen.getByTestId('verdict')).toHaveClass('unknown');
    rerender({
      verdict: {
        ...frozen,
        level: 'unknown',
        cause: 'not_signed_in',
        sentence: 'Not signed in: enter the admin password.',
      },
      now: 1024_000,
    });
    expect(screen.getByTestId('verdict')).toHaveClass('unknown');
    expect(screen.getByTestId('verdict')).toHaveTextContent('UNKNOWN');
    expect(screen.getByTestId('verdict')).not.toHaveClass('ok');
  });

  it('says since when from the start of the incident, not from a retry that connected for a moment', async () => {
    const at = (s: number) => new Date(s * 1000).toTimeString().slice(0, 8);
    const { rerender } = render(VerdictLine, { verdict: { ...frozen, since: 1000, at: 1000 }, now: 1010_000 });
    await rerender({ verdict: { ...frozen, level: 'ok', cause: 'healthy', since: 1011, at: 1011 }, now: 1011_000 });
    // OK for a moment: said as a possible end, not as all clear.
    expect(screen.getByTestId('verdict-recovering')).toHaveTextContent(
      `recovering: the incident since ${at(1000)} ends once OK for 3 s`,
    );
    await rerender({ verdict: { ...frozen, since: 1012, at: 1012 }, now: 1020_000 });
    expect(screen.queryByTestId('verdict-recovering')).toBeNull();
    expect(screen.getByTestId('verdict')).toHaveTextContent(`since ${at(1000)} (20 s)`);
    // OK for longer than the settle time: the next incident is a new one.
    await rerender({ verdict: { ...frozen, level: 'ok', cause: 'healthy', since: 1021, at: 1021 }, now: 1021_000 });
    await rerender({ verdict: { ...frozen, level: 'ok', cause: 'healthy', since: 1021, at: 1025 }, now: 1025_000 });
    expect(screen.queryByTestId('verdict-recovering')).toBeNull();
    await rerender({ verdict: { ...frozen, since: 1030, at: 1030 }, now: 1032_000 });
    expect(screen.getByTestId('verdict')).toHaveTextContent(`since ${at(1030)} (2 s)`);
  });

  it('does not call the first OK after starting or signing in a recovery: nothing was judged before', async () => {
    const waiting = { ...frozen, level: 'unknown' as const, since: 1000, at: 1000 };
    const { rerender } = render(VerdictLine, { verdict: { ...waiting, cause: 'starting' }, now: 1000_000 });
    await rerender({ verdict: { ...waiting, cause: 'not_signed_in', at: 1005 }, now: 1005_000 });
    await rerender({ verdict: { ...frozen, level: 'ok', cause: 'healthy', since: 1010, at: 1010 }, now: 1010_000 });
    expect(screen.queryByTestId('verdict-recovering')).toBeNull();
    // Down a moment later: since when is the outage's start, not the sign-in's.
    await rerender({ verdict: { ...frozen, since: 1011, at: 1011 }, now: 1012_000 });
    expect(screen.getByTestId('verdict')).toHaveTextContent(
      `since ${new Date(1011_000).toTimeString().slice(0, 8)} (1 s)`,
    );
  });

  it('says nothing of since when all is well', () => {
    render(VerdictLine, {
      verdict: { ...frozen, level: 'ok', cause: 'healthy', sentence: 'All 3 connections stream and publish.' },
      now: 1024_000,
    });
    expect(screen.getByTestId('verdict')).toHaveTextContent('OK');
    expect(screen.getByTestId('verdict')).not.toHaveTextContent('since');
  });
});
