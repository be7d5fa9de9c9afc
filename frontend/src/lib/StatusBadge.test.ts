import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import StatusBadge from './StatusBadge.svelte';
import { STATUS_WORDS } from './types';
import type { ConnVerdict } from './verdict';

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
    // A last-known word says so in its text too: a screen reader, a
    // screenshot or a script never reads it as live.
    expect(screen.getByTestId('status-connection_3')).toHaveTextContent(/^connected · last known$/);
  });
});

describe('StatusBadge with the verdict', () => {
  const conn = (over: Partial<ConnVerdict>): ConnVerdict => ({
    level: 'ok',
    status: 'connected',
    label: 'connected',
    streaming: true,
    publishing: true,
    cause: 'healthy',
    sentence: '',
    lost: 0,
    ...over,
  });

  it('never reads plain connected while the ticks are not published, and is not green', () => {
    render(StatusBadge, {
      id: 'connection_1',
      status: 'connected',
      verdict: conn({
        level: 'down',
        label: 'connected · not publishing',
        publishing: false,
        cause: 'not_publishing',
        sentence: 'Redis does not answer.',
      }),
    });
    const badge = screen.getByTestId('status-connection_1');
    expect(badge).toHaveTextContent(/^connected · not publishing$/);
    expect(badge).toHaveClass('down');
    expect(badge).not.toHaveClass('connected');
    expect(badge.getAttribute('title')).toContain('Redis does not answer.');
  });

  it('shows a word outside the contract as sent, with what the evidence says', () => {
    render(StatusBadge, {
      id: 'connection_2',
      status: 'status_update',
      verdict: conn({ status: 'status_update', label: 'status_update · streaming' }),
    });
    expect(screen.getByTestId('status-connection_2')).toHaveTextContent(/^status_update · streaming$/);
  });

  it('a silent connection is amber, a down word keeps its own colour', () => {
    render(StatusBadge, {
      id: 'connection_3',
      status: 'connected',
      verdict: conn({ level: 'degraded', label: 'connected · silent', cause: 'silent' }),
    });
    expect(screen.getByTestId('status-connection_3')).toHaveClass('degraded');
    render(StatusBadge, {
      id: 'connection_1',
      status: 'auth_failed',
      verdict: conn({ level: 'down', status: 'auth_failed', label: 'auth_failed', cause: 'key_refused' }),
    });
    expect(screen.getByTestId('status-connection_1')).toHaveClass('auth_failed');
  });

  it('is neutral when nothing can be judged, and plain connected when all is well', () => {
    render(StatusBadge, { id: 'connection_1', status: 'connected', verdict: conn({ level: 'unknown' }) });
    expect(screen.getByTestId('status-connection_1')).toHaveClass('neutral');
    render(StatusBadge, { id: 'connection_2', status: 'connected', verdict: conn({}) });
    expect(screen.getByTestId('status-connection_2')).toHaveTextContent(/^connected$/);
    expect(screen.getByTestId('status-connection_2')).toHaveClass('connected');
  });
});
