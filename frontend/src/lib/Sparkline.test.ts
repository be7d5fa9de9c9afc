import { render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Sparkline from './Sparkline.svelte';

describe('Sparkline', () => {
  it('draws one point per second scaled to the peak', () => {
    const values = Array.from({ length: 60 }, (_, i) => (i === 59 ? 40 : 20));
    const { container } = render(Sparkline, { values, colour: '#007bff', width: 118, height: 24 });
    const pts = container.querySelector('polyline')!.getAttribute('points')!.split(' ');
    expect(pts).toHaveLength(60);
    expect(pts[59]).toBe('118.0,1.0'); // the peak touches the top
    expect(pts[0]).toBe('0.0,12.0'); // half the peak is half way
    expect(container.querySelector('title')).toHaveTextContent('peak 40/s');
  });

  it('draws nothing without data', () => {
    const { container } = render(Sparkline, { values: [], colour: '#000' });
    expect(container.querySelector('polyline')).toBeNull();
  });
});
