import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import PausedBanner from './PausedBanner.svelte';

describe('PausedBanner', () => {
  it('says how many ticks arrived since when', () => {
    const since = new Date(2026, 10, 26, 14, 3, 9).getTime() / 1000;
    render(PausedBanner, { arrived: 1234, since });
    expect(screen.getByTestId('paused-banner')).toHaveTextContent('Paused — 1234 ticks arrived since 14:03:09');
  });
});
