import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
// uPlot needs a canvas and matchMedia, which jsdom lacks; the chart tab is not opened here.
vi.mock('uplot', () => ({ default: class {} }));
vi.mock('uplot/dist/uPlot.min.css', () => ({}));

import IncidentsMenu from './IncidentsMenu.svelte';
import { EventIncident } from './events';
import { fakeApp } from '../test-bridge';

describe('IncidentsMenu', () => {
  afterEach(() => {
    delete window.go;
    delete window.runtime;
  });

  it('counts alerts while closed and opens on the timeline', async () => {
    const handlers: ((d: unknown) => void)[] = [];
    window.runtime = {
      EventsOnMultiple: (name, cb) => {
        if (name === EventIncident) handlers.push(cb);
        return () => {};
      },
    };
    const app = fakeApp();
    render(IncidentsMenu);
    const emit = (kind: string) =>
      handlers.forEach((h) =>
        h({
          id: 0,
          at: 1,
          connection: 'connection_1',
          kind,
          cause: '',
          duration: 0,
          reconnects: 0,
          message: kind,
          notified: true,
        }),
      );
    emit('transition'); // not an alert: not counted
    emit('alert');
    emit('alert');
    await vi.waitFor(() => expect(screen.getByTestId('incidents-unseen')).toHaveTextContent('2'));
    await fireEvent.click(screen.getByTestId('incidents-button'));
    expect(screen.queryByTestId('incidents-unseen')).toBeNull();
    expect(screen.getByTestId('incidents-panel')).toBeInTheDocument();
    await vi.waitFor(() => expect(app.Timeline).toHaveBeenCalled());
    await fireEvent.click(screen.getByTestId('tab-settings'));
    await vi.waitFor(() => expect(screen.getByTestId('alert-settings')).toBeInTheDocument());
    // Escape as a key press reaches it, from wherever the focus is (popover.ts).
    await fireEvent.keyDown(document.activeElement ?? document.body, { key: 'Escape' });
    expect(screen.queryByTestId('incidents-panel')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('incidents-button'));
  });
});
