// End to end, the operator's experience: definitions on hover, a late tick
// flagged, the filter keeping the rows already received, popovers that close
// as people expect, and the header at 360, 768 and 1440 px; in both shells
// (shells.mjs: the window, and a browser tab on serve).
//   flock /tmp/tickstock-gui.lock scripts/with-xvfb node --test frontend/e2e/operator.e2e.mjs
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis, assertHeaderFits, freePort, screenshots as shoot, sleep, startBrowser, until } from './harness.mjs';
import { SHELLS, openDemo } from './shells.mjs';

const CHANNEL = `tickstock:e2e-operator:${process.pid}`;
for (const shell of SHELLS) {
  let demo, redis, app, page, snapshot;
  // The window's screenshots keep their names; the browser's say so.
  const screenshots = (p, name) => shoot(p, shell.name === 'window' ? name : `${shell.name}-${name}`);
  // The second popover: Profile in the window; the browser has no profiles.
  const [otherButton, otherPanel] = shell.profiles
    ? ['profile-button', 'profile-panel']
    : ['shortcuts-button', 'shortcuts-panel'];

  const text = (id) => page.getByTestId(id).textContent();

  /** Publishes one tick as a publisher of the contract form would. */
  function publish(symbol, price, timestampS) {
    const tick = { type: 'market_tick', symbol, price, volume: 1, timestamp: timestampS, source: 'e2e-operator' };
    return redis.command('PUBLISH', CHANNEL, JSON.stringify(tick));
  }

  /** The tooltip a term draws (its ::after), as the page computes it. */
  function tooltipOf(selector) {
    return page
      .locator(selector)
      .first()
      .evaluate((el) => {
        const s = getComputedStyle(el, '::after');
        return { display: s.display, content: s.content };
      });
  }

  /** Types a filter and waits until the monitor has it (the lookup answers, or goes for ""). */
  async function setFilter(value) {
    await page.getByTestId('filter-input').fill(value);
    const want = value ? 1 : 0;
    await until(
      `the filter “${value}” applied`,
      async () => (await page.getByTestId('filter-lookup').count()) === want,
      5000,
    );
    await sleep(250); // the monitor's batch that replaces the rows
  }

  describe(`operator (${shell.name})`, () => {
    before(async () => {
      demo = await openDemo(shell, { TICK_CHANNEL: CHANNEL });
      ({ redis, app, page } = demo);
      await until('three connected columns', async () => Number(await text('total-connected')) === 3, 30000);
      snapshot = await app.snapshot(page);
    });

    after(() => demo?.close());

    test('a figure’s label shows its definition on hover, and screen readers get it too', async () => {
      const label = '[data-testid="column-connection_1"] [data-term="messages"]';
      assert.equal((await tooltipOf(label)).display, 'none');
      await page.locator(label).hover();
      const tip = await tooltipOf(label);
      assert.equal(tip.display, 'block');
      assert.match(tip.content, /Market events this connection received from the provider/);
      const described = await page
        .locator(label)
        .evaluate((el) => document.getElementById(el.getAttribute('aria-describedby'))?.textContent);
      assert.equal(`"${described}"`, tip.content, 'the spoken definition is the one shown');
      await screenshots(page, 'operator-definition-hover');
      // The latency split is labelled in every column.
      for (const id of ['connection_1', 'connection_2', 'connection_3']) {
        const col = await page.getByTestId(`column-${id}`).innerText();
        assert.match(col, /Provider → Redis p50 \/ p99/);
        assert.match(col, /Redis → screen p50 \/ p99/);
      }
      // Ticks of this project's publisher carry published_at: both halves get figures.
      await until(
        'both latency halves measured',
        async () => {
          const p = await text('provider-latency-connection_1');
          const s = await text('screen-latency-connection_1');
          return /\d/.test(p) && /\d/.test(s);
        },
        15000,
      );
      await page.mouse.move(1, 1);
    });

    test('a tick received long after its own time is flagged, with the delay on hover', async () => {
      const sym = snapshot.connections.connection_1.tickers[0];
      await setFilter(sym); // only this symbol's rows, so the late one stays on screen
      const old = Date.now() / 1000 - 42;
      await publish(sym, 4242.42, old);
      const row = page.getByTestId('stream-connection_1').getByTestId('tick-row').filter({ hasText: '4242.42' });
      await until('the late row', async () => (await row.count()) === 1, 10000);
      await page.getByTestId('pause-button').click();
      assert.match(await row.getByTestId('tick-late').innerText(), /\+4\d s/);
      assert.equal(await row.evaluate((e) => e.classList.contains('late')), true);
      await row.hover(); // the hover text is made when the pointer reaches the row
      const hover = await row.getAttribute('title');
      assert.match(
        hover,
        /^Tick time \d\d:\d\d:\d\d\.\d{3} · Received \d\d:\d\d:\d\d\.\d{3} \(\+4\d s after the tick time — late: more than 2 s\)$/,
      );
      // The row's time is the tick's own, 42 s before its receive time.
      const [tickTime] = hover.match(/\d\d:\d\d:\d\d\.\d{3}/);
      assert.equal((await row.getByTestId('tick-time').innerText()).startsWith(tickTime), true);
      await screenshots(page, 'operator-late-tick');
      await page.getByTestId('pause-button').click();
      await setFilter('');
    });

    test('the filter keeps the matching rows already received, and the other columns say where the symbol is', async () => {
      const sym = snapshot.connections.connection_1.tickers[1];
      await publish(sym, 3131.31, Date.now() / 1000);
      const row = () => page.getByTestId('stream-connection_1').getByTestId('tick-row').filter({ hasText: '3131.31' });
      await until('the marker row', async () => (await row().count()) === 1, 10000);
      await setFilter(sym);
      // The monitor answered the new filter with a batch that replaces the rows: the marker survived it.
      assert.equal(await row().count(), 1, 'the row received before the filter vanished');
      for (const s of await page.getByTestId('stream-connection_1').getByTestId('tick-symbol').allTextContents())
        assert.equal(s, sym);
      for (const id of ['connection_2', 'connection_3'])
        assert.match(
          await text(`filter-elsewhere-${id}`),
          new RegExp(`^${sym.replace('.', '\\.')} is on Connection 1`),
        );
      await screenshots(page, 'operator-filter');
      await setFilter('');
    });

    test(
      'the Incidents panel sits beside the live view: totals and columns visible, updating and usable; at 390 px a sheet with one line per incident',
      { skip: shell.name !== 'window' && "the incident timeline is the window's" },
      async () => {
        const { mkdirSync } = await import('node:fs');
        const path = await import('node:path');
        const { SHOTS } = await import('./harness.mjs');
        mkdirSync(SHOTS, { recursive: true });
        const box = (id) => page.getByTestId(id).boundingBox();
        const apart = (a, b) =>
          a.x + a.width <= b.x + 1 ||
          b.x + b.width <= a.x + 1 ||
          a.y + a.height <= b.y + 1 ||
          b.y + b.height <= a.y + 1;
        // Something in the timeline: a drop and its reconnect.
        await page.evaluate(() => window.go.app.App.DropConnection('connection_2'));
        await until(
          'connection 2 back',
          async () => (await text('status-connection_2')).startsWith('connected'),
          20000,
        );
        await page.setViewportSize({ width: 1440, height: 900 });
        await page.getByTestId('incidents-button').click();
        await page.getByTestId('incidents-panel').waitFor();
        await until('an entry', async () => (await page.getByTestId('timeline-entry').count()) > 0, 10000);
        const panel = await box('incidents-panel');
        for (const id of [
          'total-ticks',
          'column-connection_1',
          'column-connection_2',
          'column-connection_3',
          'pause-button',
        ])
          assert.ok(apart(await box(id), panel), `1440 px: the Incidents panel covers ${id}`);
        // The header keeps its width: its chips are not squeezed to nothing beside the panel.
        assert.ok(
          panel.y >= (await box('header')).y + (await box('header')).height,
          '1440 px: the panel covers the header',
        );
        assert.ok(
          (await box('source-status')).width > 150,
          `1440 px: the Redis chip is ${(await box('source-status')).width} px wide beside the panel`,
        );
        const t0 = Number(await text('total-ticks'));
        await until('the totals moving beside the panel', async () => Number(await text('total-ticks')) > t0, 5000);
        // Usable: a click on the columns (Pause) works and leaves the panel open.
        await page.getByTestId('pause-button').click();
        assert.equal(await page.getByTestId('incidents-panel').count(), 1, 'a click on the live view closed the panel');
        await page.getByTestId('pause-button').click();
        await sleep(1500);
        await page.screenshot({ path: path.join(SHOTS, 'incidents-side-1440.png') });
        await page.setViewportSize({ width: 390, height: 844 });
        await sleep(800);
        const sheet = await box('incidents-panel');
        assert.ok(sheet.y > 844 * 0.3, `390 px: the sheet starts at ${sheet.y} px, leaving no live view above it`);
        assert.ok(apart(await box('total-ticks'), sheet), '390 px: the sheet covers the totals');
        const row = await page.getByTestId('timeline-entry').first().boundingBox();
        assert.ok(row.height < 40, `390 px: a timeline entry is ${row.height} px tall, not one line`);
        assert.ok(
          row.x + row.width <= 390 + 1,
          `390 px: a timeline entry runs off the screen (${row.x + row.width} px)`,
        );
        await page.screenshot({ path: path.join(SHOTS, 'incidents-side-390.png') });
        await page
          .getByTestId('incidents-button')
          .click({ force: true })
          .catch(() => {});
        await page.keyboard.press('Escape');
        await page.setViewportSize({ width: 1440, height: 900 });
      },
    );

    test('popovers: one at a time, closed by Escape, by a click outside and by their own button', async () => {
      await page.getByTestId('about-button').click();
      await page.getByTestId('about-panel').waitFor();
      assert.equal(
        await page.evaluate(() => document.activeElement?.closest('[data-testid="about-panel"]') !== null),
        true,
        'focus moved into the panel',
      );
      await page.keyboard.press('Escape');
      assert.equal(await page.getByTestId('about-panel').count(), 0, 'Escape did not close About');
      assert.equal(
        await page.evaluate(() => document.activeElement?.getAttribute('data-testid')),
        'about-button',
        'focus did not come back',
      );

      await page.getByTestId(otherButton).click();
      await page.getByTestId(otherPanel).waitFor();
      await page.getByTestId('about-button').click();
      assert.equal(await page.getByTestId(otherPanel).count(), 0, 'two popovers open at once');
      await page.getByTestId('about-panel').waitFor();

      await page.getByTestId('column-connection_2').click({ position: { x: 20, y: 200 } });
      assert.equal(await page.getByTestId('about-panel').count(), 0, 'a click outside did not close About');

      await page.getByTestId(otherButton).click();
      await page.getByTestId(otherPanel).waitFor();
      await page.getByTestId(otherButton).click();
      assert.equal(await page.getByTestId(otherPanel).count(), 0, `its own button did not close ${otherPanel}`);

      // About leads to the operator's guide, in the window; Escape closes it.
      await page.getByTestId('about-button').click();
      await page.getByTestId('about-guide').click();
      await page.getByTestId('guide').waitFor();
      const guide = await page.getByTestId('guide').innerText();
      for (const part of [
        'Troubleshooting',
        'How to read a gap',
        'auth_failed',
        'max_connections',
        'Provider → Redis p50 / p99',
      ])
        assert.ok(guide.includes(part), `the guide lacks “${part}”`);
      await screenshots(page, 'operator-guide');
      await page.keyboard.press('Escape');
      assert.equal(await page.getByTestId('guide').count(), 0, 'Escape did not close the guide');

      await page.keyboard.press('?');
      await page.getByTestId('shortcuts-panel').waitFor();
      await screenshots(page, 'operator-shortcuts');
      await page.keyboard.press('Escape');
      assert.equal(await page.getByTestId('shortcuts-panel').count(), 0);
    });

    test('at 390 px a term’s definition opens inside the screen, also at the right edge (the row time)', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await sleep(600);
      // The row time heads the stream, below the column's figures: bring it on the screen.
      await page.evaluate(() => document.querySelector('[data-term="row_time"]').scrollIntoView({ block: 'center' }));
      await sleep(200);
      const ids = await page.evaluate(() =>
        [...document.querySelectorAll('[data-term]')]
          .map((el, i) => ((el.dataset.e2eTip = String(i)), { i, r: el.getBoundingClientRect() }))
          .filter(
            ({ r }) => r.width > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth,
          )
          .sort((a, b) => b.r.right - a.r.right)
          .slice(0, 8)
          .map(({ i }) => String(i)),
      );
      assert.ok(ids.length > 0, 'no term on the screen at 390 px');
      let rowTime = false;
      for (const i of ids) {
        const term = page.locator(`[data-e2e-tip="${i}"]`);
        await term.hover();
        const tip = await term.evaluate((el) => {
          const r = el.getBoundingClientRect();
          const a = getComputedStyle(el, '::after');
          const width = parseFloat(a.width);
          const left = el.classList.contains('end') ? r.right - width : r.left;
          return { term: el.dataset.term, display: a.display, left, right: left + width, vw: innerWidth };
        });
        assert.equal(tip.display, 'block', `the definition of ${tip.term} does not show on hover`);
        assert.ok(
          tip.left >= -0.5 && tip.right <= tip.vw + 0.5,
          `390 px: the definition of ${tip.term} runs off the screen (${tip.left.toFixed(0)}–${tip.right.toFixed(0)} px)`,
        );
        if (tip.term === 'row_time') {
          rowTime = true;
          await screenshots(page, 'operator-390-row-time-tip');
        }
      }
      assert.ok(rowTime, 'the row time’s definition was not among the terms at the right edge');
      await page.mouse.move(5, 400);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.setViewportSize({ width: 1440, height: 900 });
    });

    /** Each header chip's word (its state) drawn whole: not clipped, inside its chip and the screen. */
    async function assertChipWordsWhole(width) {
      const chips = await page.evaluate(() =>
        ['mode', 'remote-link', 'source-status'].flatMap((id) => {
          const chip = document.querySelector(`[data-testid="${id}"]`);
          const word = chip?.querySelector('.word');
          if (!word) return chip ? [{ id, missing: true }] : [];
          const c = chip.getBoundingClientRect();
          const w = word.getBoundingClientRect();
          const rest = chip.querySelector('.rest');
          return [
            {
              id,
              text: word.textContent,
              clipped: word.scrollWidth > word.clientWidth + 0.5,
              inside: w.left >= c.left - 0.5 && w.right <= c.right + 0.5 && w.right <= innerWidth + 0.5,
              restCut: !!rest && rest.scrollWidth > rest.clientWidth + 0.5,
              // As drawn (the grid's items on lines of their own): no space lost between the word and the rest.
              drawn: chip.innerText.replace(/\n/g, ''),
              whole: chip.textContent,
            },
          ];
        }),
      );
      for (const c of chips) {
        assert.ok(!c.missing, `${width} px: the ${c.id} chip has no word that is kept whole`);
        assert.ok(!c.clipped && c.inside, `${width} px: the ${c.id} chip's word “${c.text}” is cut`);
        if (c.id !== 'source-status')
          assert.equal(c.drawn, c.whole, `${width} px: the ${c.id} chip is drawn otherwise than it reads`);
      }
      const cut = chips.filter((c) => c.restCut).map((c) => c.id);
      console.log(
        `[e2e] ${width} px: chip words whole (${chips.map((c) => c.text).join(' | ')}); rest given way: ${cut.join(', ') || 'none'}`,
      );
      return chips;
    }

    test('the header at 1440, 1024, 768, 390 and 360 px: nothing overlaps, nothing is cut off, each chip’s word whole', async () => {
      for (const width of [1440, 1024, 768, 390, 360]) {
        await page.setViewportSize({ width, height: width < 400 ? 780 : 900 });
        await sleep(400);
        const boxes = await assertHeaderFits(page, width);
        const chips = await assertChipWordsWhole(width);
        // Wide enough for every chip whole: nothing of them gives way, they wrap instead.
        if (width >= 1024)
          assert.deepEqual(
            chips.filter((c) => c.restCut).map((c) => c.id),
            [],
            `${width} px: a chip gave way where the header could wrap it`,
          );
        assert.ok(
          boxes['filter-input'].width >= 140,
          `${width} px: the filter box is only ${boxes['filter-input'].width} px wide`,
        );
        if (width < 1100)
          assert.ok(
            boxes['header-menu-button'] && !boxes['profile-button'],
            `${width} px: Profile and About belong in the ☰ menu`,
          );
        await screenshots(page, `operator-${width}`);
      }
      // At 360 px the menu opens as a sheet, and Profile (About in a browser) unfolds inside it.
      const [inMenu, inMenuPanel] = shell.profiles
        ? ['profile-button', 'profile-panel']
        : ['about-button', 'about-panel'];
      await page.getByTestId('header-menu-button').click();
      await page.getByTestId('header-menu').waitFor();
      await page.getByTestId(inMenu).click();
      await page.getByTestId(inMenuPanel).waitFor();
      const sheet = await page.getByTestId('header-menu').boundingBox();
      assert.ok(sheet.x >= 0 && sheet.x + sheet.width <= 360.5, `the menu sheet is cut off: ${JSON.stringify(sheet)}`);
      await screenshots(page, 'operator-360-menu');
      await page.mouse.click(60, 20); // outside: the title, above the sheet
      assert.equal(await page.getByTestId('header-menu').count(), 0, 'a click outside did not close the menu');
      await page.setViewportSize({ width: 1440, height: 900 });
    });
  });
}
