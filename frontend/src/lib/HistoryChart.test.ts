import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';

// jsdom has no canvas: record what uPlot is given instead of drawing it.
const made: { opts: any; data: any }[] = [];
vi.mock('uplot', () => ({
  default: class {
    constructor(opts: any, data: any) {
      made.push({ opts, data });
    }
    destroy() {}
    setSize() {}
  },
}));
vi.mock('uplot/dist/uPlot.min.css', () => ({}));

import HistoryChart from './HistoryChart.svelte';
import { fakeApp } from '../test-bridge';

class RO {
  observe() {}
  disconnect() {}
}

describe('HistoryChart', () => {
  it('never shows a late answer under the connection picked since', async () => {
    (globalThis as any).ResizeObserver = RO;
    let release: (v: unknown) => void = () => {};
    const chart = (connection: string) => ({
      connection,
      from: 0,
      to: 86400,
      minutes: [],
      outages: [],
      unobserved: [],
    });
    fakeApp({
      HistoryChart: vi.fn((connection: string) =>
        connection === 'connection_1'
          ? new Promise((r) => (release = () => r(chart(connection))))
          : Promise.resolve(chart(connection)),
      ) as any,
    });
    render(HistoryChart);
    await fireEvent.click(screen.getByTestId('history-connection_2'));
    await vi.waitFor(() =>
      expect(screen.getByTestId('history-summary')).toHaveAttribute('data-connection', 'connection_2'),
    );
    release(null); // connection 1's answer arrives last
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.getByTestId('history-summary')).toHaveAttribute('data-connection', 'connection_2');
    expect(screen.getByTestId('history-summary')).toHaveTextContent('Connection 2, last 24 h');
  });

  afterEach(() => {
    delete window.go;
    made.length = 0;
  });

  it('draws the connection’s minutes with its outages and unobserved time', async () => {
    (globalThis as any).ResizeObserver = RO;
    const to = 1_800_000_000;
    const app = fakeApp({
      HistoryChart: vi.fn(async (connection: string, hours: number) => ({
        connection,
        from: to - hours * 3600,
        to,
        minutes: [
          {
            connection,
            start: to - 600,
            ticks: 600,
            rate_min: 8,
            rate_avg: 10,
            rate_max: 14,
            errors: 0,
            reconnects: 0,
            p50_ms: 3,
            p99_ms: 9,
            down_s: 0,
            samples: 60,
          },
        ],
        outages: [{ from: to - 300, to: to - 285, cause: 'dropped' }],
        unobserved: [{ from: to - 7200, to: to - 3600, cause: '' }],
      })),
    });
    render(HistoryChart);
    await vi.waitFor(() => expect(made).toHaveLength(1));
    expect(app.HistoryChart).toHaveBeenCalledWith('connection_1', 24);
    expect(made[0].data[1].filter((v: number | null) => v !== null)).toEqual([10]);
    expect(screen.getByTestId('history-summary')).toHaveTextContent('1 outage (15.0 s in all), monitor not running 1×');
    expect(screen.getByTestId('history-outages')).toHaveTextContent('dropped');
    await fireEvent.click(screen.getByTestId('history-connection_3'));
    await vi.waitFor(() => expect(app.HistoryChart).toHaveBeenLastCalledWith('connection_3', 24));
    await vi.waitFor(() =>
      expect(screen.getByTestId('history-summary')).toHaveAttribute('data-connection', 'connection_3'),
    );
    await fireEvent.click(screen.getByTestId('history-span-15min'));
    await vi.waitFor(() => expect(app.HistoryChart).toHaveBeenLastCalledWith('connection_3', 0.25));
    expect(screen.getByTestId('history-summary')).toHaveTextContent('last 15 min');
  });
});
