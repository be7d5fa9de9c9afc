// The demo's isolation as an operator sees it: with TICKSTOCK_MODE=demo and
// REDIS_URL both set, the header says in words that simulated ticks go to that
// Redis and channel, and the ticks carry "source":"demo".
//   flock /tmp/tickstock-gui.lock scripts/with-xvfb node --test frontend/e2e/demo-isolation.e2e.mjs
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis, freePort, screenshots, sleep, startBrowser } from './harness.mjs';
import { SHELLS, openDemo } from './shells.mjs';

const CHANNEL = `tickstock:e2e-demo:${process.pid}`;
for (const shell of SHELLS) {
  let demo, redis, app, page;

  describe(`demo isolation (${shell.name})`, () => {
    before(async () => {
      demo = await openDemo(shell, { TICK_CHANNEL: CHANNEL, MASSIVE_API_KEY: '' });
      ({ redis, app, page } = demo);
    });

    after(() => demo?.close());

    test('the header says where simulated ticks are published', async () => {
      const note = page.locator('p.banner.info', { hasText: 'simulated ticks' });
      await note.waitFor({ timeout: 30000 });
      const text = await note.textContent();
      assert.match(
        text,
        /simulated ticks \("source":"demo"\) are being published to the Redis at 127\.0\.0\.1:\d+ db 0/,
      );
      assert.ok(text.includes(CHANNEL), text);
      assert.ok(text.includes('TICKSTOCK_MODE=demo and REDIS_URL are both set'), text);
      for (let i = 0; i < 100 && Number(await page.getByTestId('total-ticks').textContent()) < 20; i++)
        await sleep(100);
      await screenshots(page, shell.name === 'window' ? 'demo-explicit-redis' : `${shell.name}-demo-explicit-redis`);
    });
  });
}
