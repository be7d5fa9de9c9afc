import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import About from './About.svelte';

describe('About', () => {
  it('shows the build version', async () => {
    render(About, {
      info: {
        product: 'TickStock Connections Monitor',
        version: '1.4.2',
        mode: 'demo',
        warnings: [],
        problem: '',
        profile: '',
        remote: '',
        keyring_problem: '',
      },
    });
    await fireEvent.click(screen.getByTestId('about-button'));
    expect(screen.getByTestId('about-version')).toHaveTextContent('1.4.2');
  });
});
