// End to end: alerts and history. The real app (wails dev, embedded demo)
// notifies through the real desktop notifier over a private D-Bus session
// bus, where internal/notifytest/listen plays the notification service and
// prints what it receives. A demo connection is held down for 15 s: exactly
// one notification opens the incident and one closes it with its length, the
// timeline shows the incident as one row that opens to its transitions, and
// after a restart of the app the 24 h chart still shows it. Choosing a remote
// profile and taking 30 s to sign in sends nothing.
//   flock /tmp/tickstock-gui.lock scripts/with-xvfb node --test frontend/e2e/alerts.e2e.mjs
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, describe, test } from 'node:test';
import {
  APP_URL,
  ROOT,
  Redis,
  SHOTS,
  freePort,
  screenshots,
  sleep,
  startApp,
  startBrowser,
  until as untilFor,
} from './harness.mjs';
import { ADMIN, startServe } from './shells.mjs';

const CHANNEL = `tickstock:e2e-alerts:${process.pid}`;
const log = (...a) => console.log('[e2e alerts]', ...a);
let redis, app, browser, page, bus, listener, config;
const notifications = [];

// Slower scenes: a longer default wait.
const until = (what, cond, timeoutMs = 20000) => untilFor(what, cond, timeoutMs, 200);

/** A private session bus; dbus-daemon missing fails the test (it is in scripts/setup). */
async function startBus() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-bus-'));
  const proc = spawn(
    'dbus-daemon',
    ['--session', '--nofork', '--nopidfile', '--print-address=1', `--address=unix:path=${dir}/bus`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const address = await new Promise((resolve, reject) => {
    readline.createInterface({ input: proc.stdout }).once('line', resolve);
    proc.once('error', (e) => reject(new Error(`dbus-daemon did not start (${e.message}); run scripts/setup`)));
  });
  return { address, stop: () => (proc.kill(), rmSync(dir, { recursive: true, force: true })) };
}

/** The test notification service on the bus; resolves once it owns the name. */
async function startListener(address) {
  execFileSync('go', ['build', '-o', path.join(ROOT, 'build/bin/notify-listen'), './internal/notifytest/listen'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const proc = spawn(path.join(ROOT, 'build/bin/notify-listen'), [], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    readline.createInterface({ input: proc.stdout }).on('line', (line) => {
      if (line === '"ready"') return resolve();
      const n = JSON.parse(line);
      log('notification received over D-Bus:', JSON.stringify(n));
      notifications.push(n);
    });
    proc.once('exit', (code) => reject(new Error(`the notification listener exited (${code})`)));
  });
  return proc;
}

async function open(env) {
  app = await startApp(env);
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => console.log('[page error]', e.message));
  await page.goto(APP_URL);
  await until(
    'three connected columns',
    async () => (await page.getByTestId('total-connected').textContent()) === '3',
    60000,
  );
}

/**
 * The processes that have file open (pid and command line, from /proc): when
 * the restarted app found its history file in use (seen in some full runs,
 * never alone), this says by whom.
 */
function holders(file) {
  const out = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readdirSync(`/proc/${pid}/fd`).some((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`) === file)) continue;
      out.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()}`);
    } catch {} // gone meanwhile, or not ours to read
  }
  return out;
}

/** The X window titles on the Xvfb display (the taskbar's text). */
function windowTitles() {
  try {
    return execFileSync('xwininfo', ['-root', '-tree'], { encoding: 'utf8' });
  } catch {
    return '';
  }
}

const ENV = () => ({
  TICKSTOCK_MODE: 'demo',
  REDIS_URL: redis.url,
  TICK_CHANNEL: CHANNEL,
  XDG_CONFIG_HOME: config,
  DBUS_SESSION_BUS_ADDRESS: bus.address,
  // Quick retries, so the outage is the 15 s hold and not the backoff.
  MASSIVE_WEBSOCKET_RECONNECT_DELAY: '1',
  MASSIVE_WEBSOCKET_MAX_RECONNECT_DELAY: '2',
});

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  bus = await startBus();
  listener = await startListener(bus.address);
  redis = new Redis(await freePort());
  await redis.start();
  config = mkdtempSync(path.join(os.tmpdir(), 'e2e-alerts-config-')); // kept across the restart
  // Yesterday's history (until 30 min ago), so the 24 h chart is a full day:
  // the demo's own outage and restart come on top of it.
  execFileSync(
    'go',
    [
      'run',
      './internal/cmd/fillhistory',
      '-db',
      path.join(config, 'tickstock-monitor/history/env-demo.db'),
      '-from',
      '24h',
      '-to',
      '30m',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  browser = await startBrowser();
  await open(ENV());
});

after(async () => {
  await browser?.close();
  await app?.stop();
  listener?.kill();
  bus?.stop();
  redis?.cleanup();
  if (config) rmSync(config, { recursive: true, force: true });
});

describe('alerts and history', () => {
  let outage;

  test('a connection held down for 15 s is notified on the desktop, and its recovery with the outage length', async () => {
    if (process.env.DISPLAY)
      await until(
        'the window title with the verdict',
        async () => windowTitles().includes('OK · 3/3 connected — TickStock Monitor'),
        10000,
      );
    const before = notifications.length;
    await page.evaluate(() => window.go.app.App.DropConnectionFor('connection_2', 15));
    await until(
      'connection_2 down',
      async () => (await page.getByTestId('status-connection_2').textContent()) !== 'connected',
      10000,
    );
    if (process.env.DISPLAY) {
      await until(
        'the window title to show the verdict',
        async () => windowTitles().includes('DEGRADED · 2/3 connected · provider down — TickStock Monitor'),
        10000,
      );
      log(
        'window title:',
        windowTitles()
          .split('\n')
          .find((l) => l.includes('— TickStock Monitor'))
          .trim(),
      );
    }
    await until('the incident notification over D-Bus', async () => notifications.length > before, 20000);
    const down = notifications[before];
    assert.equal(down.app_name, 'TickStock Monitor');
    assert.equal(down.summary, 'TickStock Monitor: DEGRADED · 2/3 connected · provider down');
    await until(
      'the recovery notification',
      async () => notifications.some((n) => n.summary.includes('recovered')),
      40000,
    );
    await sleep(5000); // nothing more comes: one down, one recovered
    const mine = notifications.slice(before);
    assert.equal(mine.length, 2, `one outage, two notifications: ${JSON.stringify(mine)}`);
    const up = mine[1];
    assert.equal(up.summary, 'TickStock Monitor: recovered');
    outage = Number(up.body.match(/outage of ([\d.]+) s/)[1]);
    assert.ok(outage >= 15 && outage < 30, `outage of ${outage} s, held for 15 s`);
    writeFileSync(path.join(SHOTS, 'notification-payload.json'), JSON.stringify(notifications, null, 2));
    // The captured payloads, drawn as a desktop would show them.
    const card = await browser.newPage({ viewport: { width: 460, height: 90 + 110 * notifications.length } });
    await card.setContent(
      `<body style="font:14px system-ui;background:#2b2f33;margin:0;padding:12px">${notifications
        .map(
          (
            n,
          ) => `<div style="background:#f8f9fa;border-radius:8px;padding:10px 14px;margin-bottom:10px;box-shadow:0 2px 8px #0008">
        <div style="font-size:11px;color:#6c757d">${n.app_name} · captured from org.freedesktop.Notifications</div>
        <div style="font-weight:700;margin:4px 0">${n.summary}</div><div style="white-space:pre-wrap">${n.body}</div></div>`,
        )
        .join('')}</body>`,
    );
    await card.screenshot({ path: path.join(SHOTS, 'notification.png') });
    await card.close();
  });

  test('the timeline shows the outage with its length, newest first, and exports it', async () => {
    await page.getByTestId('incidents-button').click();
    await page.getByTestId('timeline-connection').selectOption('connection_2');
    // The outage is one row: its cause, its start and its length (once closed:
    // "ongoing" while down, "recovering" while OK holds for alerts.Settle).
    const incident = page.getByTestId('timeline-incident').first();
    await until(
      'the incident in the timeline, closed',
      async () =>
        (await incident.count()) === 1 &&
        !['ongoing', 'recovering'].includes((await incident.getByTestId('incident-length').textContent()).trim()),
    );
    assert.match(await incident.textContent(), /DEGRADED · .*provider down/);
    assert.equal((await incident.getByTestId('incident-length').textContent()).trim(), `${outage.toFixed(1)} s`);
    assert.match(await incident.textContent(), /notified on the desktop/);
    assert.equal(
      await page.getByTestId('timeline-incident').evaluateAll((es) => es.length),
      1,
      'one incident for one outage',
    );
    // It opens to its transitions and its two notifications.
    await incident.locator('button.row').click();
    const recovered = page.getByTestId('timeline-entry').filter({ hasText: 'alert: recovered' });
    await until('the recovery among its details', async () => (await recovered.count()) === 1);
    assert.equal((await recovered.getByTestId('entry-duration').textContent()).trim(), `${outage.toFixed(1)} s`);
    assert.ok(
      (await page.getByTestId('timeline-entry').filter({ hasText: '→' }).count()) >= 2,
      'the transitions are its details',
    );
    assert.doesNotMatch(await page.getByTestId('timeline').textContent(), /undefined/);
    // The figures around the recovery.
    await recovered.locator('button.row').click();
    await until('the figures around the recovery', async () =>
      (await page.getByTestId('entry-detail').textContent()).includes('ticks/s'),
    );
    await screenshots(page, 'timeline-after-drop');
    const csv = await page.evaluate(() =>
      window.go.app.App.ExportTimeline({ from: 0, to: 0, connection: 'connection_2', kinds: [], limit: 100 }, 'csv'),
    );
    assert.match(csv.split('\n')[0], /^time,connection,kind,alert,from,to,cause,duration_s,reconnects/);
    assert.match(csv, /connection_2,alert,recovered/);
    const json = JSON.parse(
      await page.evaluate(() =>
        window.go.app.App.ExportTimeline({ from: 0, to: 0, connection: '', kinds: ['alert'], limit: 100 }, 'json'),
      ),
    );
    assert.ok(json.some((e) => e.alert === 'outage' && e.connection === 'connection_2' && e.incident > 0));
  });

  test('after a restart of the app the 24 h chart still shows the outage and the time the monitor was not running', async () => {
    await page.close();
    await app.stop();
    await sleep(3000);
    const db = path.join(config, 'tickstock-monitor/history/env-demo.db');
    log('before the restart, env-demo.db is open in:', JSON.stringify(holders(db)));
    await open(ENV());
    const info = await page.evaluate(() => window.go.app.App.Info());
    const moved = (info.warnings ?? []).filter((w) => /history file/i.test(w));
    if (moved.length)
      log(
        'the restarted app did not get env-demo.db:',
        JSON.stringify(moved),
        'open in:',
        JSON.stringify(holders(db)),
        '\napp output:\n',
        app.output().slice(-3000),
      );
    await page.getByTestId('incidents-button').click();
    await page.getByTestId('tab-history').click();
    await page.getByTestId('history-connection_2').click();
    const summary = page.getByTestId('history-summary');
    await until(
      'the chart of connection 2',
      async () =>
        (await summary.getAttribute('data-connection')) === 'connection_2' &&
        !/Reading/.test(await summary.textContent()),
    );
    const text = await summary.textContent();
    const chart = await page.evaluate(() => window.go.app.App.HistoryChart('connection_2', 24));
    log('outages of connection 2:', JSON.stringify(chart.outages), 'unobserved:', JSON.stringify(chart.unobserved));
    const tl = await page.evaluate(() =>
      window.go.app.App.Timeline({
        from: Date.now() / 1000 - 3600,
        to: 0,
        connection: '',
        kinds: ['transition', 'session'],
        limit: 400,
      }),
    );
    log(
      'recent transitions:',
      JSON.stringify(
        tl
          .filter((e) => e.connection !== 'connection_1' && e.connection !== 'connection_3')
          .map((e) => [e.at.toFixed(1), e.connection, e.from, e.to, e.duration.toFixed(1)]),
      ),
    );
    assert.match(text, /1 outage \(1\d\.\d s in all\)/);
    assert.match(text, /monitor not running 2×/, 'after the filled day, and across the restart');
    assert.ok(Number(text.match(/(\d+) minutes recorded/)[1]) > 1300, text);
    assert.equal(await page.locator('[data-testid="history-chart"] canvas').count(), 1);
    await screenshots(page, 'history-24h');
    await page.getByTestId('history-span-15min').click();
    await until('the 15 min view', async () => /last 15 min/.test(await summary.textContent()));
    await screenshots(page, 'history-15min');
    const timeline = await page.evaluate(() =>
      window.go.app.App.Timeline({ from: 0, to: 0, connection: '', kinds: ['session'], limit: 10 }),
    );
    // The harness ends wails dev with SIGTERM, so the first session may have
    // had no chance to record its stop: the chart infers the gap either way.
    assert.equal(timeline[0].to, 'started');
    assert.equal(timeline.filter((e) => e.to === 'started').length, 3, 'the filled day, the first run, the restart');
  });

  test('alert settings: a threshold saved in the profile, and where the history lives', async () => {
    await page.getByTestId('tab-settings').click();
    await until('the settings', async () => (await page.getByTestId('alert-outage-after').count()) === 1);
    assert.equal(await page.getByTestId('alert-outage-after').inputValue(), '10');
    await page.getByTestId('alert-outage-after').fill('20');
    await page.getByTestId('alert-kind-silent').uncheck();
    await page.getByTestId('alert-save').click();
    await until('saved', async () => /Saved/.test(await page.getByTestId('alert-message').textContent()));
    const saved = JSON.parse(readFileSync(path.join(config, 'tickstock-monitor/profiles.json'), 'utf8')).alerts[
      'environment:demo'
    ];
    assert.equal(saved.outage_after_s, 20);
    assert.deepEqual(saved.off, ['silent']);
    assert.match(await page.getByTestId('history-file').textContent(), /env-demo\.db, [\d.]+ (KB|MB); kept 30 days/);
    await screenshots(page, 'alert-settings');
  });

  test('choosing a remote profile and taking 30 s to sign in sends no notification and records no outage', async () => {
    const serve = await startServe({ TICKSTOCK_MODE: 'demo', REDIS_URL: redis.url, TICK_CHANNEL: `${CHANNEL}:serve` });
    try {
      const before = notifications.length;
      const since = Date.now() / 1000;
      await page.evaluate(
        async (p) => {
          await window.go.app.App.SaveProfile(p);
          await window.go.app.App.UseProfile(p.name);
        },
        {
          name: 'e2e-remote',
          mode: 'remote',
          server_url: serve.base,
          admin_email: ADMIN.email,
          redis_url: redis.url,
          tick_channel: `${CHANNEL}:serve`,
        },
      );
      // TICKSTOCK_MODE in the environment wins over a profile: the app
      // starts again without it and opens the profile last chosen.
      await page.close();
      await app.stop();
      const env = ENV();
      delete env.TICKSTOCK_MODE;
      app = await startApp(env);
      page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(APP_URL);
      try {
        await until('the sign-in panel', async () => (await page.getByTestId('signin-password').count()) === 1, 90000);
      } catch (e) {
        await screenshots(page, 'remote-no-sign-in-panel');
        log(
          'the page:',
          (await page.locator('body').innerText()).slice(0, 1500),
          '\napp output:\n',
          app.output().slice(-3000),
        );
        throw e;
      }
      const line = page.getByTestId('verdict');
      await until(
        'the verdict UNKNOWN before sign-in',
        async () => (await line.getAttribute('data-level')) === 'unknown',
        20000,
      );
      await sleep(30000); // the operator types slowly
      assert.equal(await line.getAttribute('data-level'), 'unknown');
      for (const id of ['connection_1', 'connection_2', 'connection_3']) {
        assert.doesNotMatch(
          await page.getByTestId(`status-${id}`).getAttribute('class'),
          /\bconnected\b/,
          `${id} is green before sign-in`,
        );
      }
      await screenshots(page, 'remote-before-sign-in');
      await page.getByTestId('signin-password').fill(ADMIN.password);
      await page.getByTestId('signin-button').click();
      await until('observing, the verdict OK', async () => (await line.getAttribute('data-level')) === 'ok', 60000);
      await sleep(15000); // past the outage threshold after the sign-in
      assert.deepEqual(notifications.slice(before), [], 'no notification for choosing a profile and signing in');
      const tl = await page.evaluate(
        (from) => window.go.app.App.Timeline({ from, to: 0, connection: '', kinds: [], limit: 500 }),
        since,
      );
      log("the remote session's timeline:", JSON.stringify(tl.map((e) => [e.kind, e.connection, e.from, e.to])));
      assert.ok(!tl.some((e) => e.kind === 'incident' || e.kind === 'alert'), 'no incident before or at sign-in');
      assert.ok(
        !tl.some((e) => e.kind === 'transition' && !e.from),
        'no transition from nothing ("undefined → connected")',
      );
      const chart = await page.evaluate(() => window.go.app.App.HistoryChart('connection_1', 1));
      assert.deepEqual(
        chart.outages.filter((o) => o.from >= since),
        [],
        'no outage in the history',
      );
    } finally {
      await page.evaluate(() => window.go.app.App.UseProfile('')).catch(() => {});
      await serve.stop();
    }
  });
});
