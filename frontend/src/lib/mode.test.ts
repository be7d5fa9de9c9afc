import { describe, expect, it } from 'vitest';
import { modeLabel, noticeTone } from './mode';
import type { AppInfo } from './types';

const info = (mode: string, remote = ''): AppInfo => ({
  product: 'p',
  version: 'v',
  mode,
  warnings: [],
  problem: '',
  profile: '',
  remote,
  keyring_problem: '',
});

describe('modeLabel', () => {
  it('names the window’s own mode, as it always did', () => {
    expect(modeLabel(info('demo'), 'window', 'x').text).toBe('Embedded demo');
    expect(modeLabel(info('embedded'), 'window', 'x').text).toBe('Embedded');
    expect(modeLabel(info('remote', 'https://ops.example:8443/'), 'window', 'x').text).toBe('Remote: ops.example:8443');
    expect(modeLabel(info('remote', 'not a url'), 'window', 'x').text).toBe('Remote');
  });

  it('in a browser tab says it is a browser showing a server, and the server’s mode second', () => {
    const l = modeLabel(info('demo'), 'browser', '127.0.0.1:8080');
    expect(l.text).toBe('Browser · 127.0.0.1:8080 (server: embedded demo)');
    expect(l.text).not.toMatch(/^Embedded/);
    expect(l.title).toContain('Nothing runs in the tab');
    expect(modeLabel(info('embedded'), 'browser', 'h:1').text).toBe('Browser · h:1 (server: live provider)');
  });
});

describe('noticeTone', () => {
  it('shows the demo’s own notice as information, not in the warning yellow', () => {
    const notice =
      'Demo: simulated ticks ("source":"demo") are being published to the Redis at localhost:6379, channel c.';
    expect(noticeTone(notice, 'demo')).toBe('info');
    expect(noticeTone('Alert settings could not be read, the defaults apply: x', 'demo')).toBe('warn');
    expect(noticeTone('Demo: looks like the demo', 'embedded')).toBe('warn');
  });
});
