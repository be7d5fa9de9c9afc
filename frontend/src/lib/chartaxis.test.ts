import { describe, expect, it } from 'vitest';
import type uPlot from 'uplot';
import { clock24, timeAxis, timeSeries } from './chartaxis';

describe('the 24 h chart time axis', () => {
  it('labels in the 24-hour clock, as the rest of the app, never am/pm', () => {
    const afternoon = new Date(2026, 11, 6, 15, 5, 9).getTime() / 1000;
    const midnight = new Date(2026, 11, 6, 0, 0, 0).getTime() / 1000;
    const values = timeAxis.values as (u: uPlot, splits: number[]) => string[];
    expect(values({} as uPlot, [midnight, afternoon])).toEqual(['00:00', '15:05']);
    expect(clock24(afternoon)).not.toMatch(/am|pm/i);
    const legend = timeSeries.value as (u: uPlot, v: number) => string;
    expect(legend({} as uPlot, afternoon)).toBe('15:05:09');
  });

  it('keeps the labels apart: at least 64 px between them (they collided at 1024 px)', () => {
    expect(timeAxis.space).toBeGreaterThanOrEqual(64);
  });
});
