import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import StatusBadge from './StatusBadge.svelte';
import { STATUS_WORDS } from './types';

describe('StatusBadge', () => {
  it.each(STATUS_WORDS)('shows the status word %s as text and class', (word) => {
    render(StatusBadge, { id: 'connection_2', status: word });
    const badge = screen.getByTestId('status-connection_2');
    expect(badge).toHaveTextContent(new RegExp(`^${word}$`));
    expect(badge).toHaveClass(word);
  });

  it('shows the detail on hover', () => {
    render(StatusBadge, { id: 'connection_1', status: 'auth_failed', detail: 'key rejected' });
    expect(screen.getByTestId('status-connection_1')).toHaveAttribute('title', 'key rejected');
  });
});

describe('StatusBadge outside the contract', () => {
  it('shows another word as sent, on a neutral badge', () => {
    render(StatusBadge, { id: 'connection_1', status: 'reconnect_pending' });
    const badge = screen.getByTestId('status-connection_1');
    expect(badge).toHaveTextContent(/^reconnect_pending$/);
    expect(badge).toHaveClass('neutral');
    expect(badge).not.toHaveClass('disabled');
  });

  it('shows what is known when nothing is, neutral, and dims a last-known word', () => {
    render(StatusBadge, { id: 'connection_2', status: '', empty: 'not signed in' });
    expect(screen.getByTestId('status-connection_2')).toHaveTextContent('not signed in');
    expect(screen.getByTestId('status-connection_2')).toHaveClass('neutral');
    render(StatusBadge, { id: 'connection_3', status: 'connected', dim: true });
    expect(screen.getByTestId('status-connection_3')).toHaveClass('dim');
  });
});
