import { describe, expect, it } from 'vitest';
import {
  chartColumns,
  connectionLabel,
  entryWhat,
  formatBytes,
  formatSpan,
  incidentLength,
  timelineRows,
  type Entry,
} from './incidents';

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
    const m = (start: number, rate: number) => ({
      connection: 'connection_1',
      start,
      ticks: rate * 60,
      rate_min: rate,
      rate_avg: rate,
      rate_max: rate + 1,
      errors: 0,
      reconnects: 0,
      p50_ms: 1,
      p99_ms: 2,
      down_s: 0,
      samples: 60,
    });
    const [xs, avg, max] = chartColumns({
      connection: 'connection_1',
      from: 600,
      to: 840,
      minutes: [m(600, 10), m(780, 12)],
      outages: [],
      unobserved: [],
    });
    expect(xs).toEqual([630, 690, 750, 810, 840]); // the minute in progress sits at "to"
    expect(avg).toEqual([10, null, null, 12, null]);
    expect(max).toEqual([11, null, null, 13, null]);
  });

  it('breaks the line where the monitor was not running', () => {
    const m = (start: number) => ({
      connection: 'connection_1',
      start,
      ticks: 600,
      rate_min: 10,
      rate_avg: 10,
      rate_max: 10,
      errors: 0,
      reconnects: 0,
      p50_ms: 1,
      p99_ms: 2,
      down_s: 0,
      samples: 60,
    });
    const [xs, avg] = chartColumns({
      connection: 'connection_1',
      from: 600,
      to: 720,
      minutes: [m(600), m(660)],
      outages: [],
      unobserved: [{ from: 650, to: 665, cause: '' }],
    });
    expect(xs).toEqual([630, 650, 665, 690, 720]);
    expect(avg).toEqual([10, null, null, 10, null]);
  });
});

describe('timelineRows', () => {
  const e = (id: number, at: number, over: Partial<Entry>): Entry =>
    ({
      id,
      at,
      connection: '',
      kind: 'transition',
      cause: '',
      duration: 0,
      reconnects: 0,
      message: '',
      notified: false,
      incident: 0,
      ...over,
    }) as Entry;

  it('groups an incident, keeps its causes, and ends it at the monitor stop it did not outlive', () => {
    const rows = timelineRows([
      e(6, 500, { kind: 'session', to: 'started' }),
      e(5, 400, { kind: 'session', to: 'stopped' }),
      e(4, 130, {
        kind: 'incident',
        from: 'provider_down',
        to: 'key_refused',
        cause: 'key_refused',
        level: 'down',
        incident: 100,
      }),
      e(3, 110, { connection: 'connection_1', to: 'auth_failed', from: 'connecting', incident: 100 }),
      e(2, 100, { kind: 'incident', to: 'provider_down', cause: 'provider_down', level: 'degraded', incident: 100 }),
      e(1, 50, { connection: 'connection_2', from: 'connecting', to: 'connected' }),
    ]);
    expect(rows.map((r) => r.type)).toEqual(['entry', 'entry', 'incident', 'entry']);
    const i = rows[2].type === 'incident' ? rows[2] : null;
    expect(i?.items).toHaveLength(3);
    expect(i?.incident).toMatchObject({
      start: 100,
      end: null,
      unobserved: 400,
      level: 'down',
      cause: 'key_refused',
      causes: ['provider_down', 'key_refused'],
    });
    expect(incidentLength(i!.incident)).toBe('≥ 5 min 00 s');
  });

  it('leaves entries of an incident whose own entries a filter left out as they are', () => {
    const rows = timelineRows([e(2, 110, { connection: 'connection_1', to: 'auth_failed', incident: 100 })]);
    expect(rows).toHaveLength(1);
    expect(rows[0].type).toBe('entry');
  });

  it('never writes undefined for a transition without a previous word', () => {
    expect(entryWhat(e(1, 1, { to: 'connected' }))).toBe('→ connected');
    expect(entryWhat(e(1, 1, { from: 'connecting', to: 'connected' }))).toBe('connecting → connected');
  });
});
