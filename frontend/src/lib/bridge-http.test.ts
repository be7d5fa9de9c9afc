// The browser tab's bridge: the verdict serve sends beside its status on the
// push stream is the tab's verdict (header line, title, badges).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { httpBackend, onHttpEvent } from './bridge-http';
import { EventStatus, EventVerdict } from './events';

class FakeSocket {
  static last: FakeSocket | null = null;
  static OPEN = 1;
  readyState = 1;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(public url: string) {
    FakeSocket.last = this;
  }
  send() {}
  close() {}
}

describe('bridge-http', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('takes the verdict serve sends beside its status', async () => {
    vi.stubGlobal('WebSocket', FakeSocket);
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify({ email: 'a@x.io', role: 'admin', admin: true }), { status: 200 })),
    );
    const got: unknown[] = [];
    const status: unknown[] = [];
    onHttpEvent(EventVerdict, (v) => got.push(v));
    onHttpEvent(EventStatus, (s) => status.push(s));
    void httpBackend.snapshot();
    await vi.waitFor(() => expect(FakeSocket.last).not.toBeNull());
    const verdict = {
      level: 'down',
      cause: 'not_publishing',
      sentence: 'No tick reaches Redis.',
      since: 1,
      at: 2,
      connected: 0,
      enabled: 3,
      connections: {},
    };
    FakeSocket.last!.onmessage!({
      data: JSON.stringify({ event: 'connection_status_update', data: { connected_count: 3 }, verdict }),
    });
    expect(got).toEqual([verdict]);
    expect(status).toEqual([{ connected_count: 3 }]); // the contract's snapshot as it is
    await expect(httpBackend.verdict()).resolves.toEqual(verdict);
  });
});
