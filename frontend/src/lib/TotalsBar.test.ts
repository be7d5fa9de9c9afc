import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import TotalsBar from './TotalsBar.svelte';
import type { Snapshot } from './types';
import type { Verdict } from './verdict';

const snapshot = { enabled_connections: 3, connected_count: 3, total_ticks_received: 10, total_errors: 0, connections: {} } as unknown as Snapshot;

describe('TotalsBar', () => {
  it('counts connected from the verdict: 0/3 while Redis is frozen, though the server says 3', () => {
    const verdict = { level: 'down', cause: 'not_publishing', sentence: '', since: 0, at: 0, connected: 0, enabled: 3, connections: {} } as Verdict;
    render(TotalsBar, { snapshot, metrics: null, verdict });
    expect(screen.getByTestId('total-connected')).toHaveTextContent(/^0$/);
    expect(screen.getByTestId('total-connected').parentElement).toHaveTextContent('0 / 3');
  });

  it('falls back to the snapshot before the first verdict', () => {
    render(TotalsBar, { snapshot, metrics: null });
    expect(screen.getByTestId('total-connected')).toHaveTextContent(/^3$/);
  });
});
