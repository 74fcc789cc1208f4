// The page in a window the size of the screen (F11, a trainer's projector), at
// devicePixelRatio 1 and 2 (issue #15): no page error through load, run and every
// panel (Emscripten's GLFW asked for full screen whenever the canvas' size equalled
// the screen's, and threw every frame); the canvas covers the window at device
// resolution; a click lands where the UI drew the control (the Diff's minimap, whose
// rectangle the page reports in canvas pixels). Screenshots under build/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, openPage, consoleErrors, saveShot, frames, diffView, loadFile, ROOT } from './harness.mjs';

const FIXTURES = process.env.REDLINE_FIXTURES_DIR || path.resolve(ROOT, '../shared/fixtures');
// Not the page's default 1280x800 canvas: Emscripten's GLFW asked for full screen only
// when the size changed to the screen's.
const SCREEN = { width: 1366, height: 768 };
const PANELS = ['overview', 'hazards', 'run', 'diff', 'checklist', 'open'];

for (const dpr of [1, 2]) {
  test(`a window the size of the screen at devicePixelRatio ${dpr}: no error, canvas at device resolution, clicks land`, async () => {
    const browser = await launch({ viewport: SCREEN, screen: SCREEN, deviceScaleFactor: dpr });
    const { page, log, server } = await openPage(browser.context, { query: '?demo=off' });
    try {
      await page.evaluate(async () => { await window.redline.ready; });
      const win = await page.evaluate(() => ({ w: innerWidth, h: innerHeight, sw: screen.width, sh: screen.height, dpr: devicePixelRatio }));
      assert.deepEqual(win, { w: SCREEN.width, h: SCREEN.height, sw: SCREEN.width, sh: SCREEN.height, dpr }, 'the window is the screen');

      await loadFile(page, path.join(FIXTURES, 'crm-small', 'before.sqlite3'));
      const report = await page.evaluate(async () => window.redline.normalize({ now: '2026-01-02 03:04:05' }));
      const changedUsers = report.diff.tables.users.changed;
      for (const panel of PANELS) {
        await page.evaluate((p) => window.redline.show(p), panel);
        await page.waitForFunction((p) => window.redline.state().panel === p, panel);
        await frames(page, 4);
        saveShot(`fullscreen-dpr${dpr}-${panel}.png`, await page.screenshot());
      }

      // The canvas covers the window, its backing store at device pixels.
      const c = await page.evaluate(() => {
        const el = document.getElementById('canvas');
        const r = el.getBoundingClientRect();
        return { left: r.left, top: r.top, cssW: r.width, cssH: r.height, w: el.width, h: el.height };
      });
      assert.deepEqual(c, { left: 0, top: 0, cssW: SCREEN.width, cssH: SCREEN.height, w: SCREEN.width * dpr, h: SCREEN.height * dpr });

      // A click on the minimap near its bottom scrolls the table to its last rows, one
      // near its top back to the first: the rectangle is in canvas pixels, the mouse in
      // CSS pixels, so this holds only if the two are mapped right.
      await page.evaluate(() => window.redline.show('diff'));
      // The list is the changed users', the minimap drawn with a window (which can still
      // be the previous table's: a click before the users' density is kept until it comes).
      let v = await diffView(page, { table: 'users', kind: 'changed', search: '', sort: 'asc' },
        (x) => x.table === 'users' && x.kind === 'changed' && x.total === changedUsers && x.shown[0] === 0 && x.minimap.window[1] > 0);
      const last = changedUsers - 1;
      assert.ok(v.shown[1] < last, 'the changed users do not all fit on screen');
      const [x0, y0, x1, y1] = v.minimap.rect.map((n) => n / dpr);
      assert.ok(x1 <= SCREEN.width && y1 <= SCREEN.height, `the minimap is inside the window: ${v.minimap.rect}`);
      // Clicks with no delay: press and release can fall inside one frame, and the
      // first can come before the users' density has (diff.test checks that case on its own).
      await page.mouse.click((x0 + x1) / 2, y1 - 2);
      v = await diffView(page, {}, (x) => x.shown[1] === last && x.shown[0] > 0);
      await page.mouse.click((x0 + x1) / 2, y0 + 1);
      v = await diffView(page, {}, (x) => x.shown[0] === 0 && x.shown[1] < last);

      assert.deepEqual(consoleErrors(log), [], 'no page error and no console error');
    } finally {
      await page.close();
      server.close();
      await browser.close();
    }
  });
}
