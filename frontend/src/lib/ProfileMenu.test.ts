import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import ProfileMenu from './ProfileMenu.svelte';
import { fakeApp } from '../test-bridge';

describe('ProfileMenu', () => {
  afterEach(() => delete window.go);

  it('lists, saves and switches profiles', async () => {
    const app = fakeApp({
      ListProfiles: vi.fn(async () => ({
        profiles: [
          { name: 'prod', mode: 'remote' as const, server_url: 'http://ingest:8765', admin_email: 'ops@x.io' },
        ],
        last: 'prod',
        path: '/home/ops/.config/tickstock-monitor/profiles.json',
      })),
    });
    render(ProfileMenu, { current: 'prod' });
    await fireEvent.click(screen.getByTestId('profile-button'));
    await vi.waitFor(() => expect(screen.getByText('prod')).toBeInTheDocument());
    expect(screen.getByText(/no secrets/)).toBeInTheDocument();
    await fireEvent.input(screen.getByTestId('profile-name'), { target: { value: 'lab' } });
    await fireEvent.input(screen.getByTestId('profile-server'), { target: { value: 'http://lab:8765' } });
    await fireEvent.input(screen.getByTestId('profile-email'), { target: { value: 'me@x.io' } });
    await fireEvent.click(screen.getByTestId('profile-save'));
    await vi.waitFor(() =>
      expect(app.SaveProfile).toHaveBeenCalledWith(
        expect.objectContaining({ name: 'lab', mode: 'remote', server_url: 'http://lab:8765', admin_email: 'me@x.io' }),
      ),
    );
    await fireEvent.click(screen.getByText('prod'));
    await vi.waitFor(() => expect(app.UseProfile).toHaveBeenCalledWith('prod'));
  });

  it('shows why a profile was not saved', async () => {
    fakeApp({
      SaveProfile: vi.fn(async () => Promise.reject(new Error('Redis URL: remove the password from the URL'))),
    });
    render(ProfileMenu, { current: '' });
    await fireEvent.click(screen.getByTestId('profile-button'));
    await fireEvent.input(screen.getByTestId('profile-name'), { target: { value: 'x' } });
    await fireEvent.click(screen.getByTestId('profile-save'));
    await vi.waitFor(() =>
      expect(screen.getByTestId('profile-message')).toHaveTextContent('Not saved: Redis URL: remove the password'),
    );
  });
});
