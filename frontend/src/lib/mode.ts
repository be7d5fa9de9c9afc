// The header's mode chip: what the user is looking at. The window runs (or
// observes) the ingest itself, so it names its own mode. A browser tab runs
// nothing: it shows a server's figures, so it says so and names the
// server's mode second ("Browser · host (server: embedded demo)").
import type { AppInfo } from './types';
import type { ShellKind } from './shell';

export interface ModeLabel {
  text: string;
  /** The part of text that is never cut; the rest (the host) may give way on a narrow screen. */
  word: string;
  /** The chip's hover: the same in a sentence. */
  title: string;
}

const WINDOW: Record<string, string> = { demo: 'Embedded demo', embedded: 'Embedded' };
// What `tickstock-ingest serve` runs, in the words a viewer needs: demo data or the provider's.
const SERVER: Record<string, string> = { demo: 'embedded demo', embedded: 'live provider' };

export function modeLabel(info: AppInfo, kind: ShellKind, host: string): ModeLabel {
  if (kind === 'browser') {
    const mode = SERVER[info.mode] ?? info.mode;
    return {
      text: `Browser · ${host} (server: ${mode})`,
      word: 'Browser',
      title: `This browser tab shows the figures of the server at ${host}, which runs the ${mode}${info.mode === 'demo' ? ' (simulated ticks)' : ''}. Nothing runs in the tab itself.`,
    };
  }
  if (info.mode === 'remote') {
    let host = '';
    try {
      host = new URL(info.remote).host;
    } catch {}
    const text = host ? `Remote: ${host}` : 'Remote';
    return { text, word: 'Remote', title: text };
  }
  const text = WINDOW[info.mode] ?? info.mode;
  return { text, word: text, title: text };
}

/**
 * How a start-up notice is shown: the demo's own notice (where its simulated
 * ticks go, backend/ingest's Notice, which begins "Demo:") is information
 * the operator asked for, in a neutral colour; any other is a warning.
 */
export function noticeTone(notice: string, mode: string): 'info' | 'warn' {
  return mode === 'demo' && notice.startsWith('Demo:') ? 'info' : 'warn';
}
