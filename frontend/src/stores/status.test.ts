import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventStatus } from '../lib/events';
import type { Snapshot } from '../lib/types';
import { StatusStore } from './status.svelte';
import { fakeApp } from '../test-bridge';

function snap(total: number): Snapshot {
  return {
    total_connections: 3,
    enabled_connections: 3,
    connected_count: 1,
    total_ticks_received: total,
    total_errors: 0,
    connections: {},
  };
}

describe('StatusStore', () => {
  afterEach(() => {
    delete window.go;
    delete window.runtime;
  });

  it('loads the first snapshot and follows events', async () => {
    let handler: ((d: unknown) => void) | undefined;
    window.runtime = {
      EventsOnMultiple: (name, cb) => {
        expect(name).toBe(EventStatus);
        handler = cb;
        return () => {};
      },
    };
    fakeApp({ Snapshot: () => Promise.resolve(snap(5)) });
    const s = new StatusStore();
    s.connect();
    await vi.waitFor(() => expect(s.snapshot?.total_ticks_received).toBe(5));
    handler!(snap(42));
    expect(s.snapshot?.total_ticks_received).toBe(42);
  });

  it('says so when the backend is not there', async () => {
    const s = new StatusStore();
    s.connect();
    await vi.waitFor(() => expect(s.error).toMatch(/backend is not connected/));
  });
});
