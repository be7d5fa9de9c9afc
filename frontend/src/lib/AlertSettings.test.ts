import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import AlertSettings from './AlertSettings.svelte';
import { fakeApp } from '../test-bridge';

describe('AlertSettings', () => {
  afterEach(() => delete window.go);

  it('turns a kind off, changes a threshold and saves', async () => {
    const app = fakeApp({
      HistoryStatus: vi.fn(async () => ({
        path: '/home/ops/.config/tickstock-monitor/history/env-demo.db',
        problem: '',
        bytes: 2_400_000,
        dropped: 0,
        session: 'environment:demo',
      })),
    });
    render(AlertSettings);
    await vi.waitFor(() => expect(screen.getByTestId('alert-kind-silent')).toBeChecked());
    await fireEvent.click(screen.getByTestId('alert-kind-silent'));
    await fireEvent.input(screen.getByTestId('alert-outage-after'), { target: { value: '20' } });
    await fireEvent.click(screen.getByTestId('alert-save'));
    await vi.waitFor(() =>
      expect(app.SetAlertSettings).toHaveBeenCalledWith({
        off: ['silent'],
        outage_after_s: 20,
        silent_after_s: 30,
        quiet: false,
      }),
    );
    expect(screen.getByTestId('alert-message')).toHaveTextContent('Saved');
    expect(screen.getByTestId('history-file')).toHaveTextContent('env-demo.db, 2.3 MB');
  });

  it('shows a refused value and a history problem', async () => {
    fakeApp({
      SetAlertSettings: vi.fn(async () =>
        Promise.reject(new Error('outage threshold 0.5 s: choose 1 to 3600 seconds')),
      ),
      HistoryStatus: vi.fn(async () => ({
        path: '/x/env-demo.fresh.db',
        problem: 'The history file /x/env-demo.db is damaged (…); it is kept untouched',
        bytes: 0,
        dropped: 3,
        session: 'environment:demo',
      })),
    });
    render(AlertSettings);
    await vi.waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('damaged'));
    expect(screen.getByTestId('history-file')).toHaveTextContent('3 history writes were lost');
    await fireEvent.click(screen.getByTestId('alert-save'));
    await vi.waitFor(() =>
      expect(screen.getByTestId('alert-message')).toHaveTextContent('Not saved: outage threshold'),
    );
  });
});
