import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Timeline from './Timeline.svelte';
import { fakeApp } from '../test-bridge';
import type { Entry } from './incidents';

const now = Date.now() / 1000;
const entries: Entry[] = [
  {
    id: 3,
    at: now - 5,
    connection: 'connection_2',
    kind: 'alert',
    alert: 'recovered',
    to: 'connected',
    cause: '',
    duration: 15.2,
    reconnects: 1,
    message: 'Connection 2 (secondary) is connected again after an outage of 15.2 s',
    notified: true,
    incident: 0,
  },
  {
    id: 2,
    at: now - 10,
    connection: 'connection_2',
    kind: 'alert',
    alert: 'outage',
    to: 'disconnected',
    cause: 'dropped',
    duration: 10,
    reconnects: 1,
    message: 'Connection 2 (secondary) has been out',
    notified: false,
    note: 'quiet mode',
    incident: 0,
  },
  {
    id: 1,
    at: now - 20,
    connection: 'connection_2',
    kind: 'transition',
    from: 'connected',
    to: 'disconnected',
    cause: 'the provider connection dropped',
    duration: 300,
    reconnects: 1,
    message: 'Connection 2: connected → disconnected',
    notified: false,
    incident: 0,
  },
];

describe('Timeline', () => {
  afterEach(() => {
    delete window.go;
    delete window.runtime;
  });

  it('lists entries newest first with duration, reconnects and whether they were notified', async () => {
    fakeApp({ Timeline: vi.fn(async () => entries) });
    render(Timeline);
    await vi.waitFor(() => expect(screen.getAllByTestId('timeline-entry')).toHaveLength(3));
    const rows = screen.getAllByTestId('timeline-entry');
    expect(rows[0]).toHaveTextContent('alert: recovered');
    expect(rows[0]).toHaveTextContent('15.2 s');
    expect(rows[0]).toHaveTextContent('notified on the desktop');
    expect(rows[1]).toHaveTextContent('quiet mode');
    expect(rows[2]).toHaveTextContent('connected → disconnected');
    expect(rows[2]).toHaveTextContent('5 min 00 s');
  });

  it('filters by connection and kind through the query', async () => {
    const app = fakeApp({ Timeline: vi.fn(async () => []) });
    render(Timeline);
    await vi.waitFor(() => expect(screen.getByText(/Nothing recorded/)).toBeInTheDocument());
    await fireEvent.change(screen.getByTestId('timeline-connection'), { target: { value: 'connection_3' } });
    await fireEvent.change(screen.getByTestId('timeline-kind'), { target: { value: 'gap' } });
    await vi.waitFor(() =>
      expect(app.Timeline).toHaveBeenLastCalledWith(
        expect.objectContaining({ connection: 'connection_3', kinds: ['gap'] }),
      ),
    );
    expect(screen.getByText(/for this filter/)).toBeInTheDocument();
  });

  it('shows the figures around an entry when clicked', async () => {
    const app = fakeApp({
      Timeline: vi.fn(async () => entries),
      FiguresAround: vi.fn(async () => [
        {
          connection: 'connection_2',
          start: Math.floor((now - 20) / 60) * 60,
          ticks: 120,
          rate_min: 0,
          rate_avg: 2,
          rate_max: 9,
          errors: 1,
          reconnects: 1,
          p50_ms: 4,
          p99_ms: 30,
          down_s: 15,
          samples: 60,
        },
      ]),
    });
    render(Timeline);
    await vi.waitFor(() => expect(screen.getAllByTestId('timeline-entry')).toHaveLength(3));
    await fireEvent.click(screen.getAllByTestId('timeline-entry')[2].querySelector('button')!);
    await vi.waitFor(() => expect(screen.getByTestId('entry-detail')).toHaveTextContent('0 · 2.0 · 9'));
    expect(app.FiguresAround).toHaveBeenCalledWith('connection_2', entries[2].at);
    expect(screen.getByTestId('entry-detail')).toHaveTextContent('Cause: the provider connection dropped');
    expect(screen.getByTestId('entry-detail')).toHaveTextContent('15 s');
  });

  it('folds a reconnect loop into one row that opens', async () => {
    const loop: Entry[] = [];
    for (let i = 0; i < 9; i++) {
      const to = ['disconnected', 'connecting', 'connected'][i % 3];
      loop.push({
        id: 100 - i,
        at: now - 30 - i,
        connection: 'connection_1',
        kind: 'transition',
        from: 'x',
        to,
        cause: 'cut',
        duration: 1,
        reconnects: 9 - Math.floor(i / 3),
        message: `t${i}`,
        notified: false,
        incident: 0,
      });
    }
    fakeApp({ Timeline: vi.fn(async () => [entries[0], ...loop]) });
    render(Timeline);
    await vi.waitFor(() => expect(screen.getByTestId('timeline-group')).toBeInTheDocument());
    expect(screen.getAllByTestId('timeline-entry')).toHaveLength(1);
    expect(screen.getByTestId('timeline-group')).toHaveTextContent('9 transitions');
    expect(screen.getByTestId('timeline-group')).toHaveTextContent('reconnects 7 → 9');
    await fireEvent.click(screen.getByTestId('timeline-group').querySelector('button')!);
    await vi.waitFor(() => expect(screen.getAllByTestId('timeline-entry')).toHaveLength(10));
  });

  it('shows one row per incident with its cause and length, which opens to its transitions', async () => {
    const start = now - 60;
    const incident: Entry[] = [
      {
        id: 18,
        at: start + 15,
        connection: '',
        kind: 'alert',
        alert: 'recovered',
        cause: 'key_refused',
        level: 'ok',
        duration: 15,
        reconnects: 0,
        message: 'Recovered after an outage of 15.0 s',
        notified: true,
        incident: start,
      },
      {
        id: 17,
        at: start + 15,
        connection: '',
        kind: 'incident',
        from: 'key_refused',
        to: 'healthy',
        cause: 'key_refused',
        level: 'ok',
        duration: 15,
        reconnects: 0,
        message: 'OK again after 15.0 s',
        notified: false,
        incident: start,
      },
      ...['connection_1', 'connection_2', 'connection_3'].map((c, n): Entry => ({
        id: 14 - n,
        at: start + 14,
        connection: c,
        kind: 'transition',
        from: 'auth_failed',
        to: 'connected',
        cause: '',
        duration: 12,
        reconnects: 1,
        message: `${c} back`,
        notified: false,
        incident: start,
      })),
      {
        id: 11,
        at: start + 3,
        connection: '',
        kind: 'incident',
        from: 'provider_down',
        to: 'key_refused',
        cause: 'key_refused',
        level: 'down',
        duration: 3,
        reconnects: 0,
        message: 'DOWN: The provider refused the API key: check MASSIVE_API_KEY.',
        notified: false,
        incident: start,
      },
      {
        id: 10,
        at: start,
        connection: 'connection_1',
        kind: 'transition',
        to: 'disconnected',
        cause: 'dropped',
        duration: 0,
        reconnects: 1,
        message: 'first seen down',
        notified: false,
        incident: start,
      },
      {
        id: 9,
        at: start,
        connection: '',
        kind: 'incident',
        to: 'provider_down',
        cause: 'provider_down',
        level: 'down',
        duration: 0,
        reconnects: 0,
        message: 'DOWN: 3 connections down.',
        notified: false,
        incident: start,
      },
      {
        id: 1,
        at: start - 100,
        connection: '',
        kind: 'session',
        to: 'started',
        cause: '',
        duration: 0,
        reconnects: 0,
        message: 'Monitor started (demo mode)',
        notified: false,
        incident: 0,
      },
    ];
    fakeApp({ Timeline: vi.fn(async () => incident) });
    render(Timeline);
    await vi.waitFor(() => expect(screen.getByTestId('timeline-incident')).toBeInTheDocument());
    const row = screen.getByTestId('timeline-incident');
    expect(screen.getAllByTestId('timeline-incident')).toHaveLength(1);
    expect(row).toHaveTextContent('DOWN · key refused');
    expect(row).toHaveTextContent('15.0 s');
    expect(row).toHaveTextContent('provider down → key refused');
    expect(row).toHaveTextContent('notified on the desktop');
    expect(screen.getAllByTestId('timeline-entry')).toHaveLength(1); // the session entry only
    await fireEvent.click(row.querySelector('button')!);
    await vi.waitFor(() => expect(screen.getAllByTestId('timeline-entry')).toHaveLength(9));
    expect(screen.getByTestId('timeline')).not.toHaveTextContent('undefined');
    expect(screen.getByTestId('timeline')).toHaveTextContent('→ disconnected');
  });

  const openIncident = (): Entry[] => [
    {
      id: 2,
      at: now - 5,
      connection: 'redis',
      kind: 'incident',
      to: 'not_publishing',
      cause: 'not_publishing',
      level: 'down',
      duration: 0,
      reconnects: 0,
      message: 'DOWN: Redis does not answer.',
      notified: false,
      incident: now - 5,
    } as Entry,
  ];

  it('says an open incident is ongoing', async () => {
    fakeApp({ Timeline: vi.fn(async () => openIncident()) });
    render(Timeline);
    await vi.waitFor(() => expect(screen.getByTestId('incident-length')).toHaveTextContent('ongoing'));
    expect(screen.getByTestId('timeline-incident')).toHaveTextContent('DOWN · not publishing');
  });

  // The header says OK at once; the incident closes 3 s later (alerts.Settle):
  // meanwhile the timeline must not say "ongoing" beside an OK header.
  it('says the open incident is recovering while the verdict is OK again', async () => {
    fakeApp({ Timeline: vi.fn(async () => openIncident()) });
    render(Timeline, { okNow: true });
    await vi.waitFor(() => expect(screen.getByTestId('incident-length')).toHaveTextContent('recovering'));
  });

  it('says why an export failed', async () => {
    fakeApp({ SaveTimelineExport: vi.fn(async () => Promise.reject(new Error('disk full'))) });
    render(Timeline);
    await fireEvent.click(screen.getByTestId('export-csv'));
    await vi.waitFor(() => expect(screen.getByTestId('export-message')).toHaveTextContent('Not exported: disk full'));
  });
});
