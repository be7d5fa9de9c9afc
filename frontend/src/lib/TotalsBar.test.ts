import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import TotalsBar from './TotalsBar.svelte';
import type { Snapshot } from './types';

function snapshot(totalErrors: number): Snapshot {
  return {
    total_connections: 2, enabled_connections: 2, connected_count: 1, total_ticks_received: 10, total_errors: totalErrors,
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
});
