import { describe, expect, it } from 'vitest';
import { chartColumns, connectionLabel, formatBytes, formatSpan } from './incidents';

describe('incidents helpers', () => {
  it('formats spans the way ops say them', () => {
    expect(formatSpan(0.85)).toBe('850 ms');
    expect(formatSpan(15.24)).toBe('15.2 s');
    expect(formatSpan(245)).toBe('4 min 05 s');
    expect(formatSpan(7380)).toBe('2 h 03 min');
    expect(formatSpan(0)).toBe('—');
    expect(connectionLabel('connection_2')).toBe('Connection 2');
    expect(connectionLabel('redis')).toBe('Redis');
    expect(formatBytes(2.5 * 1024 * 1024)).toBe('2.5 MB');
  });

  it('puts a null where no minute was recorded, so the line has a gap', () => {
    const m = (start: number, rate: number) => ({ connection: 'connection_1', start, ticks: rate * 60, rate_min: rate, rate_avg: rate, rate_max: rate + 1, errors: 0, reconnects: 0, p50_ms: 1, p99_ms: 2, down_s: 0, samples: 60 });
    const [xs, avg, max] = chartColumns({ connection: 'connection_1', from: 600, to: 840, minutes: [m(600, 10), m(780, 12)], outages: [], unobserved: [] });
    expect(xs).toEqual([630, 690, 750, 810, 840]); // the minute in progress sits at "to"
    expect(avg).toEqual([10, null, null, 12, null]);
    expect(max).toEqual([11, null, null, 13, null]);
  });

  it('breaks the line where the monitor was not running', () => {
    const m = (start: number) => ({ connection: 'connection_1', start, ticks: 600, rate_min: 10, rate_avg: 10, rate_max: 10, errors: 0, reconnects: 0, p50_ms: 1, p99_ms: 2, down_s: 0, samples: 60 });
    const [xs, avg] = chartColumns({ connection: 'connection_1', from: 600, to: 720, minutes: [m(600), m(660)], outages: [], unobserved: [{ from: 650, to: 665, cause: '' }] });
    expect(xs).toEqual([630, 650, 665, 690, 720]);
    expect(avg).toEqual([10, null, null, 10, null]);
  });
});
