import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import TickerList from './TickerList.svelte';

describe('TickerList', () => {
  it('searches the tickers and highlights the filter', async () => {
    render(TickerList, { id: 'connection_1', tickers: ['AAPL', 'AMZN', 'MSFT'], highlight: 'MSFT' });
    expect(screen.getByText('Tickers (3)')).toBeInTheDocument();
    await fireEvent.input(screen.getByTestId('ticker-search-connection_1'), { target: { value: 'a' } });
    const items = screen.getByTestId('ticker-list-connection_1').querySelectorAll('li');
    expect([...items].map((li) => li.textContent)).toEqual(['AAPL', 'AMZN']);
    await fireEvent.input(screen.getByTestId('ticker-search-connection_1'), { target: { value: 'ms' } });
    expect(screen.getByText('MSFT')).toHaveClass('hit');
  });
});
