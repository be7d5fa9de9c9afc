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
