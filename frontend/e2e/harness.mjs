// The end-to-end harness: a private redis-server, the real app under
// `go tool wails dev` (embedded demo), and headless Debian Chromium driving
// http://localhost:34115 through playwright-core.
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const SHOTS = path.join(ROOT, 'build/screenshots');
export const RESULTS = path.join(ROOT, 'build/test-results');
export const APP_URL = 'http://localhost:34115';

const log = (...a) => console.log('[e2e]', ...a);

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A private redis-server that the test can kill and restart on its port. */
export class Redis {
  constructor(port) {
    this.port = port;
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-redis-'));
  }
  get url() {
    return `redis://127.0.0.1:${this.port}/0`;
  }
  async start() {
    this.proc = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      try {
        if ((await this.command('PING')) === '+PONG') return;
      } catch {}
      await sleep(50);
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }
  /** Freezes redis-server (SIGSTOP): connections stay open, nothing answers. */
  freeze() {
    this.proc?.kill('SIGSTOP');
  }
  thaw() {
    this.proc?.kill('SIGCONT');
  }
  kill() {
    this.proc?.kill('SIGKILL');
    this.proc = undefined;
  }
  cleanup() {
    this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
  /** Sends one command in RESP and returns the first reply line. */
  command(...args) {
    return new Promise((resolve, reject) => {
      const c = net.createConnection({ host: '127.0.0.1', port: this.port });
      let buf = '';
      c.on('connect', () => c.write(resp(args)));
      c.on('data', (d) => {
        buf += d;
        const i = buf.indexOf('\r\n');
        if (i >= 0) {
          c.destroy();
          resolve(buf.slice(0, i));
        }
      });
      c.on('error', reject);
      c.setTimeout(2000, () => {
        c.destroy();
        reject(new Error('redis command timed out'));
      });
    });
  }
}

function resp(args) {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls cond until it holds; fails after timeoutMs saying what was awaited. */
export async function until(what, cond, timeoutMs = 15000, everyMs = 100) {
  const t0 = Date.now();
  for (;;) {
    if (await cond()) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Keeps a child's last 200 chunks of output and whether it has exited:
 * output() for error messages, exited() is its code or null.
 */
export function watch(proc) {
  const out = [];
  const keep = (d) => {
    out.push(String(d));
    if (out.length > 200) out.shift();
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  let code = null;
  proc.on('exit', (c) => (code = c));
  return { output: () => out.join(''), exited: () => code };
}

// The binary wails dev builds and runs (build/bin/<name>-dev-<os>-<arch>).
const DEV_APP = 'tickstock-monitor-dev-linux';
const devAppRunning = () => spawnSync('pgrep', ['-f', DEV_APP]).status === 0;

/** Starts `go tool wails dev` and waits until the app answers on 34115. */
export async function startApp(env) {
  const proc = spawn('go', ['tool', 'wails', 'dev', '-m', '-skipbindings', '-loglevel', 'Warning'], {
    cwd: ROOT,
    // A private config dir: no saved profile of this machine changes what starts.
    env: { ...process.env, XDG_CONFIG_HOME: mkdtempSync(path.join(os.tmpdir(), 'e2e-config-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so stop() ends Vite and the app too
  });
  const run = watch(proc);
  const t0 = Date.now();
  let lastSay = 0;
  for (;;) {
    if (run.exited() !== null) throw new Error(`wails dev exited (${run.exited()}) before serving:\n${run.output()}`);
    try {
      const r = await fetch(APP_URL);
      if (r.ok) break;
    } catch {}
    const s = Math.round((Date.now() - t0) / 1000);
    if (s >= 300) throw new Error(`wails dev did not serve ${APP_URL} within 300 s:\n${run.output()}`);
    if (s - lastSay >= 15) {
      log(`waiting for wails dev to compile and serve ${APP_URL} (${s} s)…`);
      lastSay = s;
    }
    await sleep(500);
  }
  log(`wails dev serving after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return {
    output: run.output,
    async stop() {
      try {
        process.kill(-proc.pid, 'SIGTERM');
      } catch {}
      for (let i = 0; i < 50 && run.exited() === null; i++) await sleep(100);
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {}
      // The app itself may still be closing (and holding its history file)
      // after wails dev is gone: a restart must not race it.
      for (let i = 0; i < 100 && devAppRunning(); i++) await sleep(100);
      if (devAppRunning()) spawnSync('pkill', ['-KILL', '-f', DEV_APP]);
    },
  };
}

export async function startBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Screenshots of the browser page and of the real window on the Xvfb display;
 * the window's only while the app runs (a scene of `serve`'s dashboard alone
 * has none, and its capture would be a black screen).
 */
export async function screenshots(page, scene) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `browser-${scene}.png`) });
  if (process.env.DISPLAY && devAppRunning()) {
    try {
      execFileSync('import', ['-window', 'root', path.join(SHOTS, `window-${scene}.png`)]);
    } catch (e) {
      log(`window screenshot failed: ${e.message}`);
    }
  }
}

export function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/**
 * Fails when a header control at this width is cut off by the window's edge
 * or overlaps another; returns their boxes by test id.
 */
export async function assertHeaderFits(page, width) {
  const boxes = await page.evaluate(() => {
    const ids = [
      'pause-button',
      'filter-input',
      'source-status',
      'remote-link',
      'shortcuts-button',
      'header-menu-button',
      'profile-button',
      'about-button',
      'mode',
    ];
    const out = {};
    for (const id of ids) {
      const el = document.querySelector(`[data-testid="${id}"]`);
      if (el) out[id] = el.getBoundingClientRect().toJSON();
    }
    out.title = document.querySelector('h1').getBoundingClientRect().toJSON();
    return out;
  });
  const names = Object.keys(boxes);
  for (const n of names) {
    const b = boxes[n];
    assert.ok(
      b.width > 0 && b.left >= 0 && b.right <= width + 0.5,
      `${width} px: ${n} is cut off (${b.left}–${b.right})`,
    );
  }
  for (let i = 0; i < names.length; i++)
    for (let j = i + 1; j < names.length; j++) {
      const [a, b] = [boxes[names[i]], boxes[names[j]]];
      const overlap =
        a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
      assert.ok(!overlap, `${width} px: ${names[i]} overlaps ${names[j]}`);
    }
  return boxes;
}
