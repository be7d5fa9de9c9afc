// The 24 h chart's time axis in the app's 24-hour clock (uPlot's default is
// am/pm), with room between labels so they never collide in a narrow panel.
import type uPlot from 'uplot';

const pad = (n: number) => String(n).padStart(2, '0');

/** Unix seconds → "HH:MM" (local time, 24-hour). */
export function clock24(s: number): string {
  const d = new Date(s * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Unix seconds → "HH:MM:SS" (local time, 24-hour), for the legend. */
export function clock24s(s: number): string {
  const d = new Date(s * 1000);
  return `${clock24(s)}:${pad(d.getSeconds())}`;
}

/** The x axis: 24-hour labels at least 64 px apart ("23:45" is ~36 px at 12 px). */
export const timeAxis: uPlot.Axis = {
  space: 64,
  values: (_u, splits) => splits.map(clock24),
};

/** The x series: the legend's time in the 24-hour clock too. */
export const timeSeries: uPlot.Series = { value: (_u, v) => (v == null ? '—' : clock24s(v)) };
