import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import SourceStatus from './SourceStatus.svelte';
import type { SourceState } from './types';

const base: SourceState = {
  state: 'subscribed',
  where: 'localhost:6379 db 0',
  kind: 'standalone',
  node: '127.0.0.1:6379',
  channel: 'tickstock:market:ticks',
  pattern: false,
  detail: 'Subscribed.',
  since: 1,
  gaps: 0,
  feed: 'redis',
  feed_detail: '',
  skipped: 0,
};

describe('SourceStatus', () => {
  it('says where it is subscribed', () => {
    render(SourceStatus, { source: base });
    expect(screen.getByTestId('source-status')).toHaveTextContent('Redis subscribed · localhost:6379 db 0');
  });

  it('shows the reason while reconnecting and the gap after', () => {
    const { rerender } = render(SourceStatus, {
      source: { ...base, state: 'reconnecting', detail: 'Redis refused the connection (is redis-server running?).' },
    });
    expect(screen.getByTestId('source-status')).toHaveTextContent('Redis reconnecting');
    expect(screen.getByTestId('source-status')).toHaveTextContent('is redis-server running?');
    rerender({ source: { ...base, gaps: 1, last_gap: { from: 1, to: 3.5, seconds: 2.5, reason: 'x' } } });
    expect(screen.getByTestId('source-status')).toHaveTextContent('1 gap; last 2.5 s');
  });

  it('names the Sentinel master that answers, and the failover behind a gap', () => {
    const reason =
      'Redis closed the connection; Sentinel failover: the master moved from 10.0.0.1:6379 to 10.0.0.2:6379';
    render(SourceStatus, {
      source: {
        ...base,
        kind: 'sentinel',
        node: '10.0.0.2:6379',
        where: '10.0.0.2:6379 db 0 (Sentinel master mymaster)',
        gaps: 1,
        last_gap: { from: 1, to: 1.7, seconds: 0.7, reason },
      },
    });
    expect(screen.getByTestId('source-status')).toHaveTextContent(
      'Redis subscribed · 10.0.0.2:6379 db 0 (Sentinel master mymaster)',
    );
    // The gap chip's own hover is the definition of a gap; its container names the cause.
    expect(screen.getByText('1 gap; last 0.7 s').closest('.gap')).toHaveAttribute('title', reason);
  });

  it('names the built-in demo Redis', () => {
    render(SourceStatus, { source: { ...base, where: 'built-in demo Redis' } });
    expect(screen.getByTestId('source-status')).toHaveTextContent('built-in demo Redis');
  });
});

describe('SourceStatus hover and words', () => {
  it('hovering it gives the whole sentence: the state, where, the detail and the last gap with its cause (docs/operators.md)', () => {
    render(SourceStatus, {
      source: {
        ...base,
        detail: 'Subscribed to tickstock:market:ticks on localhost:6379 db 0.',
        gaps: 2,
        last_gap: { from: 1, to: 5.2, seconds: 4.2, reason: 'Redis closed the connection' },
      },
    });
    const title = screen.getByTestId('source-status').getAttribute('title') ?? '';
    expect(title).toContain('Redis subscribed · localhost:6379 db 0');
    expect(title).toContain('Subscribed to tickstock:market:ticks on localhost:6379 db 0.');
    expect(title).toContain('2 gaps; last 4.2 s: Redis closed the connection');
    // No inner title that would hide it behind the bare label.
    expect(screen.getByTestId('source-status').querySelectorAll('[title]').length).toBe(
      1 /* the gap chip's definition */,
    );
    // The state's word stands apart from where, which is what gives way.
    expect(screen.getByText('Redis subscribed')).toHaveClass('word');
  });

  it('shows no live green dot while waiting for the sign-in', () => {
    render(SourceStatus, { source: { ...base, feed: 'none', feed_detail: 'Ticks show once signed in.' } });
    const el = screen.getByTestId('source-status');
    expect(el).toHaveTextContent('Ticks: waiting for sign-in');
    expect(el).toHaveClass('waiting');
    expect(el).not.toHaveClass('push');
  });
});

describe('SourceStatus with the server push feeding the rows', () => {
  it('says the push feeds the rows and Redis stands by, without a red Redis error', () => {
    render(SourceStatus, {
      source: {
        ...base,
        state: 'reconnecting',
        detail: 'Redis refused the connection.',
        feed: 'push',
        feed_detail: 'Ticks come from the push.',
      },
    });
    const el = screen.getByTestId('source-status');
    // A standby that is down says so, as a state, not as an error.
    expect(el).toHaveTextContent(/^Ticks: server push · Redis standby \(reconnecting\)$/);
    expect(el).not.toHaveTextContent('Redis refused');
    expect(el).toHaveClass('push');
  });
});

describe('SourceStatus with the server push and Redis subscribed', () => {
  it('says only that Redis stands by', () => {
    render(SourceStatus, { source: { ...base, feed: 'push', feed_detail: 'Ticks come from the push.' } });
    expect(screen.getByTestId('source-status')).toHaveTextContent(/^Ticks: server push · Redis standby$/);
  });
});

describe('SourceStatus in a browser tab that gets no current state', () => {
  it('says plainly that a state which will not come is withheld, not starting', () => {
    render(SourceStatus, { source: null, withheld: 'Redis: shown to admins only' });
    const el = screen.getByTestId('source-status');
    expect(el).toHaveTextContent('Redis: shown to admins only');
    expect(el).not.toHaveTextContent('starting');
    expect(el).toHaveClass('withheld');
    expect(el).not.toHaveClass('connecting');
    expect(el.getAttribute('title')).toContain('admins only');
  });

  it('still says starting while the state may come', () => {
    render(SourceStatus, { source: null });
    expect(screen.getByTestId('source-status')).toHaveTextContent('Redis: starting…');
    expect(screen.getByTestId('source-status')).toHaveClass('connecting');
  });

  it('marks the last state received as last known, not live', () => {
    render(SourceStatus, { source: base, stale: true, withheld: 'Redis: sign in to see it' });
    const el = screen.getByTestId('source-status');
    expect(el).toHaveTextContent('Last known: Redis subscribed · localhost:6379 db 0');
    expect(el).toHaveClass('stale');
    expect(el).not.toHaveClass('subscribed');
  });
});
