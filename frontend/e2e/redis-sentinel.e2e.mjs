// End to end: the window against Redis behind Sentinel. The header names the
// Sentinel master and the node that answers; killing the master makes the
// sentinel promote the replica, and the header follows it with one gap whose
// reason names the failover.
//   flock /tmp/tickstock-gui.lock scripts/with-xvfb node --test frontend/e2e/redis-sentinel.e2e.mjs
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { APP_URL, Redis, freePort, screenshots, sleep, startApp, startBrowser, until } from './harness.mjs';

const MASTER_NAME = 'tickstock';
let master, replica, sentinel, app, browser, page;
const procs = [];
const dirs = [];

/** A Redis-protocol process (redis-server or redis-sentinel) on port. */
async function startProc(bin, args, port) {
  const p = spawn(bin, args, { stdio: 'ignore' });
  procs.push(p);
  const probe = new Redis(port);
  await until(`${bin} on ${port}`, async () => (await probe.command('PING').catch(() => '')) === '+PONG', 10000);
  return { proc: p, port, probe };
}

/** The whole reply of INFO <section> (a bulk string), via redis-cli. */
async function info(port, section) {
  const p = spawn('redis-cli', ['-p', String(port), 'INFO', section]);
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  await new Promise((r) => p.on('exit', r));
  return out;
}

const header = () => page.getByTestId('source-status').textContent();

before(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-sentinel-'));
  dirs.push(dir);
  const fast = [
    '--save',
    '',
    '--appendonly',
    'no',
    '--bind',
    '127.0.0.1',
    '--repl-diskless-sync',
    'yes',
    '--repl-diskless-sync-delay',
    '0',
  ];
  const [mp, rp, sp] = [await freePort(), await freePort(), await freePort()];
  master = await startProc('redis-server', ['--port', String(mp), '--dir', dir, ...fast], mp);
  replica = await startProc(
    'redis-server',
    ['--port', String(rp), '--dir', dir, ...fast, '--replicaof', '127.0.0.1', String(mp)],
    rp,
  );
  await until(
    'the replica in sync',
    async () => (await info(rp, 'replication')).includes('master_link_status:up'),
    10000,
  );
  const conf = path.join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    `port ${sp}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor ${MASTER_NAME} 127.0.0.1 ${mp} 1\n` +
      `sentinel down-after-milliseconds ${MASTER_NAME} 400\nsentinel failover-timeout ${MASTER_NAME} 2000\n`,
  );
  sentinel = await startProc('redis-sentinel', [conf], sp);
  await until('the sentinel knows the replica', async () => (await info(sp, 'sentinel')).includes('slaves=1'), 10000);

  app = await startApp({
    TICKSTOCK_MODE: 'demo',
    REDIS_URL: 'redis://127.0.0.1/0',
    TICK_CHANNEL: `tickstock:e2e-sentinel:${process.pid}`,
    REDIS_SENTINEL_ADDRS: `127.0.0.1:${sp}`,
    REDIS_SENTINEL_MASTER: MASTER_NAME,
  });
  browser = await startBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => console.log('[page error]', e.message));
  await page.goto(APP_URL);
  await until(
    'three connected columns',
    async () => Number(await page.getByTestId('total-connected').textContent()) === 3,
    30000,
  );
});

after(async () => {
  await browser?.close();
  await app?.stop();
  for (const p of procs) p.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('Redis behind Sentinel', () => {
  test('the header names the Sentinel master and the node that answers', async () => {
    const want = `Redis subscribed · 127.0.0.1:${master.port} db 0 (Sentinel master ${MASTER_NAME})`;
    await until(`header "${want}"`, async () => (await header()).includes(want));
    await until('ticks counted', async () => Number(await page.getByTestId('total-ticks').textContent()) > 50);
    await screenshots(page, 'sentinel-before-failover');
  });

  test('a failover is one gap with its cause, and ticks flow from the new master', async () => {
    master.proc.kill('SIGKILL');
    const killed = Date.now();
    const want = `Redis subscribed · 127.0.0.1:${replica.port} db 0 (Sentinel master ${MASTER_NAME})`;
    await until(`header "${want}"`, async () => (await header()).includes(want), 20000);
    console.log(
      `[e2e] the header names the promoted replica ${((Date.now() - killed) / 1000).toFixed(1)} s after the kill`,
    );
    const chip = page.getByTestId('source-status').locator('.gap');
    assert.match(await chip.textContent(), /^1 gap; last \d+\.\d s$/);
    assert.match(
      await chip.getAttribute('title'),
      new RegExp(
        `Sentinel failover: the master moved from 127\\.0\\.0\\.1:${master.port} to 127\\.0\\.0\\.1:${replica.port}`,
      ),
    );
    const before = Number(await page.getByTestId('total-ticks').textContent());
    await until(
      'ticks flowing again',
      async () => Number(await page.getByTestId('total-ticks').textContent()) > before + 50,
    );
    await screenshots(page, 'sentinel-after-failover');
  });
});
