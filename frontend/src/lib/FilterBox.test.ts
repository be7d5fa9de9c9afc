import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import FilterBox from './FilterBox.svelte';
import { fakeApp } from '../test-bridge';

describe('FilterBox', () => {
  afterEach(() => delete window.go);

  it('sets the filter upper-cased and says which connection carries the symbol', async () => {
    const app = fakeApp({
      LookupSymbol: vi.fn(async (s: string) => ({
        symbol: s,
        found: true,
        connection_id: 'connection_1',
        name: 'primary',
        message: `${s} is on Connection 1 (primary).`,
      })),
    });
    render(FilterBox);
    await fireEvent.input(screen.getByTestId('filter-input'), { target: { value: 'aapl' } });
    await vi.waitFor(() =>
      expect(screen.getByTestId('filter-lookup')).toHaveTextContent('AAPL is on Connection 1 (primary).'),
    );
    expect(app.SetFilter).toHaveBeenCalledWith('AAPL');
  });

  it('states what the monitor matched; several tickers are sent as typed, with no lookup', async () => {
    const app = fakeApp({
      LookupSymbol: vi.fn(async (s: string) => ({
        symbol: s,
        found: false,
        connection_id: '',
        name: '',
        message: 'not for several',
      })),
    });
    const r = render(FilterBox, { says: '' });
    await fireEvent.input(screen.getByTestId('filter-input'), { target: { value: 't, f' } });
    await vi.waitFor(() => expect(app.SetFilter).toHaveBeenCalledWith('T, F'));
    expect(app.LookupSymbol).not.toHaveBeenCalled();
    await r.rerender({ says: 'only T, F (whole tickers)' });
    expect(screen.getByTestId('filter-lookup')).toHaveTextContent('Shows only T, F (whole tickers).');
  });

  it('says so when the filter cannot be applied', async () => {
    fakeApp({ SetFilter: vi.fn(async () => Promise.reject(new Error('the monitor is still starting'))) });
    render(FilterBox);
    await fireEvent.input(screen.getByTestId('filter-input'), { target: { value: 'X' } });
    await vi.waitFor(() =>
      expect(screen.getByTestId('filter-lookup')).toHaveTextContent(
        'could not be applied: the monitor is still starting',
      ),
    );
  });
});
