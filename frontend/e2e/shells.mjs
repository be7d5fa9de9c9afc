// The dashboard's two shells for the e2e scenes: the desktop window (the real
// app under `wails dev`) and a browser tab on `tickstock-ingest serve`
// (/admin/websockets/, signed in through its own page). A scene file loops
// over SHELLS and runs the same steps in each; E2E_SHELLS=window or
// E2E_SHELLS=browser runs one of them only (while working on a scene).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { APP_URL, ROOT, Redis, freePort, sleep, startApp, startBrowser, watch } from './harness.mjs';

const log = (...a) => console.log('[e2e]', ...a);

export const ADMIN = { email: 'admin@e2e.test', password: 'e2e-admin-pass' };
export const USER = { email: 'user@e2e.test', password: 'e2e-user-pass' };

let binary;
/** Builds tickstock-ingest once per test process, with the built frontend embedded. */
function ingestBinary() {
  if (binary) return binary;
  if (!existsSync(path.join(ROOT, 'frontend/dist/index.html'))) {
    log('building the frontend (frontend/dist has no index.html)…');
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
      cwd: path.join(ROOT, 'frontend'),
      stdio: 'inherit',
    });
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-ingest-'));
  binary = path.join(dir, 'tickstock-ingest');
  log('building tickstock-ingest…');
  execFileSync('go', ['build', '-o', binary, './cmd/tickstock-ingest'], { cwd: ROOT, stdio: 'inherit' });
  return binary;
}

function hash(password) {
  return execFileSync(ingestBinary(), ['hash-password'], { input: `${password}\n` })
    .toString()
    .trim();
}

/** `tickstock-ingest serve` on a free loopback port, with an admin and a plain user. */
export async function startServe(env, args = []) {
  const bin = ingestBinary();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-serve-'));
  const users = path.join(dir, 'users.json');
  writeFileSync(
    users,
    JSON.stringify([
      { email: ADMIN.email, password_bcrypt: hash(ADMIN.password), role: 'admin' },
      { email: USER.email, password_bcrypt: hash(USER.password), role: 'user' },
    ]),
    { mode: 0o600 },
  );
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let proc, run;
  // Spawns serve on the same port and directory (its users file and
  // session key), and waits until it answers.
  const launch = async () => {
    proc = spawn(bin, ['serve', '--env-dir', dir, ...args], {
      env: { ...process.env, ADMIN_USERS_FILE: users, ADMIN_LISTEN_ADDR: `127.0.0.1:${port}`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    run = watch(proc);
    for (let i = 0; ; i++) {
      if (run.exited() !== null) throw new Error(`serve exited (${run.exited()}):\n${run.output()}`);
      try {
        if ((await fetch(`${base}/health`)).ok) break;
      } catch {}
      if (i > 300) throw new Error(`serve did not answer on ${base} within 30 s:\n${run.output()}`);
      await sleep(100);
    }
  };
  await launch();
  return {
    base,
    url: `${base}/admin/websockets/`,
    get pid() {
      return proc.pid;
    },
    output: () => run.output(),
    /** The process's CPU time (user + system), in seconds, from /proc. */
    cpuSeconds() {
      const f = readFileSync(`/proc/${proc.pid}/stat`, 'utf8');
      const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
    },
    /**
     * Kills serve (SIGKILL, as a crash) and starts it again on the same port
     * and files; whileDown, if given, runs between the two.
     */
    async restart(whileDown) {
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await gone;
      await whileDown?.();
      await launch();
    },
    async stop() {
      proc.kill('SIGTERM');
      for (let i = 0; i < 50 && run.exited() === null; i++) await sleep(100);
      if (run.exited() === null) proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true }); // the users file
    },
  };
}

/** Signs in through the page's own sign-in panel; the page reloads signed in. */
export async function signInPage(page, who = ADMIN) {
  await page.getByTestId('signin-email').fill(who.email);
  await page.getByTestId('signin-password').fill(who.password);
  await Promise.all([page.waitForEvent('load'), page.getByTestId('signin-button').click()]);
}

const windowShell = {
  name: 'window',
  ingestControls: true,
  profiles: true,
  async start(env) {
    const app = await startApp(env);
    return {
      url: APP_URL,
      stop: () => app.stop(),
      open: (page) => page.goto(APP_URL),
      snapshot: (page) => page.evaluate(() => window.go.app.App.Snapshot()),
    };
  },
};

const browserShell = {
  name: 'browser',
  ingestControls: false,
  profiles: false,
  async start(env) {
    const serve = await startServe(env);
    return {
      url: serve.url,
      serve,
      stop: () => serve.stop(),
      async open(page) {
        await page.goto(serve.url);
        await signInPage(page);
      },
      snapshot: (page) => page.evaluate(async () => (await (await fetch('/api/admin/websocket-status')).json()).data),
    };
  },
};

export const SHELLS = [windowShell, browserShell].filter(
  (s) => !process.env.E2E_SHELLS || process.env.E2E_SHELLS.split(',').includes(s.name),
);

/**
 * Publishes market ticks to Redis at `perSecond` over one connection,
 * round-robin over `symbols`, in bursts every 50 ms; stop() ends it and
 * returns how many were sent.
 */
export function publishTicks(port, channel, symbols, perSecond) {
  const sock = net.createConnection({ host: '127.0.0.1', port });
  sock.on('data', () => {}); // the replies (subscriber counts) are not needed
  sock.on('error', () => {});
  let sent = 0;
  let i = 0;
  const t0 = Date.now();
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - t0) / 1000) * perSecond) - sent;
    let buf = '';
    for (let k = 0; k < due; k++) {
      const sym = symbols[i++ % symbols.length];
      const tick = JSON.stringify({
        type: 'market_tick',
        symbol: sym,
        price: 100 + (i % 100) / 10,
        volume: 1,
        timestamp: Date.now() / 1000,
        source: 'e2e-load',
      });
      buf += `*3\r\n$7\r\nPUBLISH\r\n$${Buffer.byteLength(channel)}\r\n${channel}\r\n$${Buffer.byteLength(tick)}\r\n${tick}\r\n`;
    }
    if (due > 0) {
      sock.write(buf);
      sent += due;
    }
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      sock.end();
      return sent;
    },
  };
}

/**
 * The demo in shell with its own Redis, opened in a 1440×900 page (env adds
 * to TICKSTOCK_MODE=demo and REDIS_URL). close() ends all of it.
 */
export async function openDemo(shell, env) {
  const redis = new Redis(await freePort());
  await redis.start();
  const app = await shell.start({ TICKSTOCK_MODE: 'demo', REDIS_URL: redis.url, ...env });
  const browser = await startBrowser();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => console.log('[page error]', e.message));
  await app.open(page);
  return {
    redis,
    app,
    browser,
    page,
    async close() {
      await browser.close();
      await app.stop();
      redis.cleanup();
    },
  };
}
