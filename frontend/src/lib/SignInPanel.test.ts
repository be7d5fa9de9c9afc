import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import SignInPanel from './SignInPanel.svelte';
import type { RemoteState } from './types';
import { fakeApp } from '../test-bridge';

const state = (over: Partial<RemoteState>): RemoteState => ({
  state: 'needs_password',
  server: 'http://ingest:8765',
  email: 'ops@x.io',
  detail: 'Enter the admin password for ops@x.io.',
  retry_at: 0,
  since: 0,
  push: true,
  counts_only: false,
  kind: '',
  feed: '',
  stale: false,
  last_data: 0,
  push_dropped: 0,
  ...over,
});

describe('SignInPanel', () => {
  afterEach(() => delete window.go);

  it('signs in, remembers in the keyring and clears the field', async () => {
    const app = fakeApp();
    render(SignInPanel, { remote: state({}) });
    const pw = screen.getByTestId('signin-password') as HTMLInputElement;
    await fireEvent.input(pw, { target: { value: 's3cret' } });
    await fireEvent.click(screen.getByTestId('signin-button'));
    await vi.waitFor(() => expect(app.SignIn).toHaveBeenCalledWith('s3cret', true));
    await vi.waitFor(() => expect(pw.value).toBe(''));
  });

  it('says the states in words and hides the form while observing', () => {
    const { rerender } = render(SignInPanel, {
      remote: state({ state: 'forbidden', detail: 'This account is not an admin on http://ingest:8765.' }),
    });
    expect(screen.getByTestId('remote-state')).toHaveTextContent('This account is not an admin');
    expect(screen.getByTestId('signin-password')).toBeInTheDocument();
    rerender({
      remote: state({ state: 'observing', detail: 'Observing http://ingest:8765 as ops@x.io.', counts_only: true }),
    });
    expect(screen.queryByTestId('signin-password')).toBeNull();
    expect(screen.getByText(/reports counts only/)).toBeInTheDocument();
  });

  it('offers this session only when there is no keyring', () => {
    fakeApp();
    render(SignInPanel, {
      remote: state({}),
      keyringProblem: 'no keyring is available: no Secret Service on the session bus',
    });
    expect(screen.getByTestId('signin-remember')).toBeDisabled();
    expect(screen.getByText(/no Secret Service/)).toBeInTheDocument();
  });

  it('in a browser tab asks the email too, keeps nothing, and offers Sign out once signed in', async () => {
    fakeApp();
    const { rerender } = render(SignInPanel, { remote: state({ email: '', session_only: true }) });
    expect(screen.queryByTestId('signin-remember')).toBeNull();
    await fireEvent.input(screen.getByTestId('signin-password'), { target: { value: 's3cret' } });
    expect(screen.getByTestId('signin-button')).toBeDisabled(); // no email yet
    await fireEvent.input(screen.getByTestId('signin-email'), { target: { value: 'ops@x.io' } });
    expect(screen.getByTestId('signin-button')).toBeEnabled();
    rerender({ remote: state({ state: 'observing', session_only: true, detail: 'Signed in.' }) });
    expect(screen.getByTestId('signout-button')).toHaveTextContent('Sign out');
    expect(screen.queryByTestId('forget-button')).toBeNull();
  });
});
