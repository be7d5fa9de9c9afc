// End to end: the window (wails dev, remote mode) observing the TickStockAppV2
// stand-in (internal/tsv2test/standin.py: Flask + Flask-Login + Flask-WTF +
// Flask-SocketIO on eventlet, run by /usr/bin/python3), which publishes ticks
// to a private Redis and pushes them as tick_update.
//   scripts/with-xvfb node --test frontend/e2e/tickstockappv2.e2e.mjs
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  APP_URL,
  ROOT,
  Redis,
  assertHeaderFits,
  freePort,
  screenshots,
  sleep,
  startApp,
  startBrowser,
  until as untilFor,
} from './harness.mjs';

const EMAIL = 'admin@example.com';
const PASSWORD = 'e2e-admin-pw';
const TICKERS = { connection_1: ['AAPL', 'MSFT', 'NVDA', 'AMZN'], connection_3: ['PLTR', 'SOFI', 'RIVN'] };
let redis, standin, app, browser, page;

const text = (id) => page.getByTestId(id).textContent();

// Slower scenes: a longer default wait.
const until = (what, cond, timeoutMs = 20000) => untilFor(what, cond, timeoutMs, 100);

/** The stand-in as a process the test can kill and start again on its port. */
class StandIn {
  constructor(port, redisURL) {
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-tsv2-'));
    this.config = path.join(this.dir, 'standin.json');
    this.settings = {
      users: [{ email: EMAIL, password: PASSWORD, role: 'admin' }],
      connections: {
        connection_1: { name: 'primary', status: 'connected', tickers: TICKERS.connection_1 },
        connection_3: { name: 'tertiary', status: 'connected', tickers: TICKERS.connection_3 },
      },
      redis_url: redisURL,
      tick_rate: 25,
    };
    writeFileSync(this.config, JSON.stringify(this.settings));
    this.log = [];
  }
  /** Changes the configuration for the next start. */
  reconfigure(over) {
    this.settings = { ...this.settings, ...over };
    writeFileSync(this.config, JSON.stringify(this.settings));
  }
  async post(route, body) {
    const r = await fetch(`${this.url}${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(r.status, 200, `${route}: ${r.status}`);
  }
  async start() {
    this.proc = spawn(
      '/usr/bin/python3',
      [path.join(ROOT, 'internal/tsv2test/standin.py'), '--port', String(this.port), '--config', this.config],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.proc.stdout.on('data', (d) => this.log.push(String(d)));
    this.proc.stderr.on('data', (d) => this.log.push(String(d)));
    for (let i = 0; i < 200; i++) {
      try {
        if ((await fetch(`${this.url}/_standin/stats`)).ok) return;
      } catch {}
      await sleep(100);
    }
    throw new Error(`the stand-in did not start:\n${this.log.join('')}`);
  }
  async stats() {
    return (await fetch(`${this.url}/_standin/stats`)).json();
  }
  kill() {
    this.proc?.kill('SIGKILL');
    this.proc = undefined;
  }
  cleanup() {
    this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function symbolsIn(id) {
  return page.getByTestId(`stream-${id}`).getByTestId('tick-symbol').allTextContents();
}

before(async () => {
  redis = new Redis(await freePort());
  await redis.start();
  standin = new StandIn(await freePort(), redis.url);
  await standin.start();
  app = await startApp({
    TICKSTOCK_MODE: 'remote',
    TICKSTOCK_REMOTE_URL: standin.url,
    TICKSTOCK_ADMIN_EMAIL: EMAIL,
    REDIS_URL: redis.url,
    TICK_CHANNEL: 'tickstock:market:ticks',
  });
  browser = await startBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => console.log('[page error]', e.message));
  await page.goto(APP_URL);
});

after(async () => {
  await browser?.close();
  await app?.stop();
  standin?.cleanup();
  redis?.cleanup();
});

describe('observing TickStockAppV2', () => {
  test('before sign-in the columns are neutral and the panel says what is needed', async () => {
    await until('the sign-in form', async () => (await page.getByTestId('signin-password').count()) === 1);
    for (const id of ['connection_1', 'connection_2', 'connection_3']) {
      const badge = page.getByTestId(`status-${id}`);
      assert.equal(await badge.textContent(), 'not signed in');
      assert.match(await badge.getAttribute('class'), /neutral/);
    }
    assert.match(await text('remote-state'), /enter the admin password for admin@example.com/i);
    assert.match(await text('source-status'), /Ticks: waiting for sign-in/);
    await screenshots(page, 'tsv2-not-signed-in');
  });

  test('signed in: badges from its health, ticks from tick_update in their columns', async () => {
    await page.getByTestId('signin-password').fill(PASSWORD);
    await page.getByTestId('signin-button').click();
    await until('observing by push', async () => /Live · push from TickStockAppV2/.test(await text('remote-link')));
    // The link's state and the columns' snapshot are two events; the first
    // health after sign-in can reach the columns a moment after the link.
    await until('the health in the columns', async () => (await text('status-connection_1')) === 'connected');
    assert.equal(await text('status-connection_1'), 'connected');
    assert.equal(await text('status-connection_2'), 'disabled');
    assert.equal(await text('status-connection_3'), 'connected');
    assert.equal(await text('total-connected'), '2');
    await until(
      'rows in both enabled columns',
      async () => (await symbolsIn('connection_1')).length >= 5 && (await symbolsIn('connection_3')).length >= 5,
    );
    for (const [id, own] of Object.entries(TICKERS)) {
      for (const sym of await symbolsIn(id)) assert.ok(own.includes(sym), `${sym} shown in ${id}`);
    }
    await until(
      'a rate per column',
      async () =>
        Number(await text('msgs-per-sec-connection_1')) > 0 && Number(await text('msgs-per-sec-connection_3')) > 0,
    );
    assert.match(await text('source-status'), /Ticks: server push/);
    // Before sign-in no tick could be placed, so none was taken from Redis.
    assert.equal(await text('total-unassigned'), '0');
    // The remote header is the longest one: the filter box must not run into Pause.
    await assertHeaderFits(page, 1440);
    await screenshots(page, 'tsv2-normal');
  });

  test('server down: stale figures with their time, dimmed badges, the next try in the header; then recovery', async () => {
    const before = (await standin.stats()).login_posts;
    standin.kill();
    await until('the stale state', async () => (await page.getByTestId('stale-note-connection_1').count()) === 1);
    assert.match(await text('remote-link'), /Server unreachable · next try in \d+ s/);
    assert.match(await page.getByTestId('status-connection_1').getAttribute('class'), /dim/);
    assert.match(await text('status-connection_1'), /^\S+ · last known$/);
    // The stand-in published the ticks: once none has come for 5 s, the
    // rows and this monitor's own figures are last known too.
    await until('all figures last known', async () =>
      /^Last known figures, from \d\d:\d\d:\d\d: nothing current/.test(await text('stale-note-connection_1')),
    );
    await sleep(1500);
    await screenshots(page, 'tsv2-server-down');
    await standin.start();
    await until('live again', async () => /Live · push/.test(await text('remote-link')), 90000);
    const stats = await standin.stats();
    console.log(`[e2e] sign-ins: ${before} before the restart, ${stats.login_posts} after it`);
    assert.equal(stats.login_posts, 1, 'one sign-in after the restart');
    await until('stale note gone', async () => (await page.getByTestId('stale-note-connection_1').count()) === 0);
    await screenshots(page, 'tsv2-recovered');
  });

  test('a streaming connection that reports status_update, and a timeout the server does not count', async () => {
    // After the provider's "subscribed to" confirmations TickStockAppV2
    // stores the message's type as the status.
    await standin.post('/_standin/status', { connection_id: 'connection_1', status: 'status_update' });
    await until('the word as sent', async () => /status_update/.test(await text('status-connection_1')));
    await until('connection_1 still streams', async () => Number(await text('msgs-per-sec-connection_1')) > 0);
    // Its connected_count counts only "connected"; the verdict judges by the
    // moving counters: the badge says the word and that it streams, and the
    // totals count it as connected (2 of 2).
    await until('judged by its counters', async () =>
      /status_update · streaming/.test(await text('status-connection_1')),
    );
    await until('counted as connected', async () => (await text('total-connected')) === '2');
    assert.equal(await page.getByTestId('stale-connection_1').count(), 0, 'its rows are live: ticks arrive');
    await sleep(1000);
    await screenshots(page, 'tsv2-status-update');
    await page.screenshot({ path: path.join(ROOT, 'build/screenshots/tsv2-status-update.png') });
    // connect() timing out sets "error" without counting it.
    await standin.post('/_standin/status', { connection_id: 'connection_3', status: 'error', counted: false });
    await until('the uncounted error said', async () => (await page.getByTestId('errors-uncounted').count()) === 1);
    assert.equal(await text('total-errors'), '0');
    assert.match(await text('error-uncounted-connection_3'), /not counted by the server/);
  });

  test('its Redis killed: DOWN "not publishing" though its counters rise; Redis back: OK, the rows from Redis', async () => {
    const level = () => page.getByTestId('verdict').getAttribute('data-level');
    await standin.post('/_standin/status', { connection_id: 'connection_3', status: 'status_update' });
    await until('OK before the fault', async () => (await level()) === 'ok', 30000);
    // TickStockAppV2 counts what the provider sends and says nothing of
    // publishing: the window judges by the ticks that reach it.
    redis.kill();
    await until(
      'DOWN, not publishing',
      async () => (await level()) === 'down' && / · not publishing$/.test(await text('status-connection_1')),
      30000,
    );
    assert.match(await text('verdict'), /receiving ticks that do not reach Redis/);
    assert.match(await page.title(), /^DOWN · not publishing — /);
    assert.equal(await text('total-connected'), '0');
    await sleep(1000);
    await screenshots(page, 'tsv2-redis-down');
    // Back: its push forwards nothing until an admin connects (its reader
    // thread died), so the rows come from the window's own subscription.
    await redis.start();
    await until('OK again', async () => (await level()) === 'ok', 60000);
    await until('rows again', async () => (await page.getByTestId('stale-connection_1').count()) === 0, 10000);
    assert.match(await text('source-status'), /Redis subscribed/);
  });

  test('started as python src/app.py: signed in, the monitor unavailable, polled without signing in again', async () => {
    standin.kill();
    standin.reconfigure({ launch: 'script' });
    await standin.start();
    await until(
      'monitor unavailable',
      async () => /connection monitor is not available/.test(await text('remote-state')),
      90000,
    );
    const detail = await text('remote-state');
    const want = `Signed in to ${standin.url} as ${EMAIL}; its connection monitor is not available: 500 WebSocket connection manager not available. TickStockAppV2 started with \`python src/app.py\` has this fault; see docs/operators.md.`;
    assert.ok(detail.includes(want), `panel: ${detail}`);
    assert.match(await text('remote-link'), /the server's monitor is not available/);
    const posts = (await standin.stats()).login_posts;
    await sleep(4000);
    const stats = await standin.stats();
    console.log(`[e2e] monitor unavailable: ${stats.login_posts} sign-ins, ${stats.status_gets} status requests`);
    assert.equal(stats.login_posts, posts, 'no new sign-in while the monitor is unavailable');
    assert.ok(stats.status_gets >= 2, 'the status API is asked again');
    // Its connections still publish: the server's figures are last known
    // (the badges say so), this monitor's own from Redis are live, and no
    // "not connected" is read into a last word over rows that arrive.
    for (const id of ['connection_1', 'connection_3']) {
      await until(`${id}: only the server's figures last known`, async () =>
        /Last known figures of the server .* the rows are live, from Redis/.test(await text(`stale-note-${id}`)),
      );
      assert.match(await text(`status-${id}`), / · last known$/);
      assert.equal(await page.getByTestId(`stale-${id}`).count(), 0, `${id}: a "not connected" note over live rows`);
    }
    await screenshots(page, 'tsv2-monitor-unavailable');
    await page.screenshot({ path: path.join(ROOT, 'build/screenshots/tsv2-monitor-unavailable.png') });
  });
});
