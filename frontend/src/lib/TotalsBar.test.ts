import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import TotalsBar from './TotalsBar.svelte';
import type { Snapshot } from './types';
import type { Verdict } from './verdict';

function snapshot(totalErrors: number): Snapshot {
  return {
    total_connections: 3,
    enabled_connections: 3,
    connected_count: 3,
    total_ticks_received: 10,
    total_errors: totalErrors,
    connections: {},
  } as unknown as Snapshot;
}

describe('TotalsBar', () => {
  it('never says 0 errors beside a connection in error without saying the server does not count it', () => {
    render(TotalsBar, { snapshot: snapshot(0), metrics: null, uncounted: ['connection_2'] });
    expect(screen.getByTestId('total-errors')).toHaveTextContent(/^0$/);
    expect(screen.getByTestId('errors-uncounted')).toHaveTextContent('+ 1 in error that the server does not count');
  });

  it('says nothing more when every error is counted', () => {
    render(TotalsBar, { snapshot: snapshot(3), metrics: null });
    expect(screen.getByTestId('total-errors')).toHaveTextContent(/^3$/);
    expect(screen.queryByTestId('errors-uncounted')).toBeNull();
  });

  it('counts connected from the verdict: 0/3 while Redis is frozen, though the server says 3', () => {
    const verdict = {
      level: 'down',
      cause: 'not_publishing',
      sentence: '',
      since: 0,
      at: 0,
      connected: 0,
      enabled: 3,
      connections: {},
    } as unknown as Verdict;
    render(TotalsBar, { snapshot: snapshot(0), metrics: null, verdict });
    expect(screen.getByTestId('total-connected')).toHaveTextContent(/^0$/);
    expect(screen.getByTestId('total-connected').parentElement).toHaveTextContent('0 / 3');
  });

  it('says 0 / 3, not 0 / 0, while the server is down and its last figures are shown', () => {
    const down = { level: 'down', cause: 'server_unreachable', connected: 0, enabled: 0, connections: {} };
    render(TotalsBar, { snapshot: snapshot(0), metrics: null, verdict: down as unknown as Verdict });
    expect(screen.getByTestId('total-connected').parentElement).toHaveTextContent(/Connected\s*0\s*\/\s*3/);
  });

  it('falls back to the snapshot before the first verdict', () => {
    render(TotalsBar, { snapshot: snapshot(0), metrics: null });
    expect(screen.getByTestId('total-connected')).toHaveTextContent(/^3$/);
  });
});
