import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import ColumnTabs from './ColumnTabs.svelte';
import type { Snapshot } from './types';

// One column wide: a phone's width, as matchMedia answers it.
function phoneWidth() {
  vi.stubGlobal('matchMedia', (q: string) => ({
    matches: q.includes('max-width'),
    media: q,
    addEventListener: () => {},
    removeEventListener: () => {},
  }));
}

const snapshot = {
  connections: { connection_1: { status: 'connected' }, connection_2: { status: 'error' } },
} as unknown as Snapshot;

describe('ColumnTabs', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('says each connection’s word, as its badge does', () => {
    phoneWidth();
    render(ColumnTabs, { snapshot });
    expect(screen.getByTestId('column-tab-connection_1')).toHaveTextContent(/connected$/);
    expect(screen.getByTestId('column-tab-connection_3')).toHaveTextContent(/—$/);
  });

  it('says a last-known word is the last known, dimmed, as the badges do', () => {
    phoneWidth();
    render(ColumnTabs, { snapshot, stale: true });
    expect(screen.getByTestId('column-tab-connection_1')).toHaveTextContent(/connected · last known$/);
    expect(screen.getByTestId('column-tab-connection_2')).toHaveTextContent(/error · last known$/);
    expect(screen.getByTestId('column-tab-connection_3')).toHaveTextContent(/—$/);
    expect(screen.getByText('connected · last known')).toHaveClass('dim');
  });
});
