// The single-file build (dist-single/, -sSINGLE_FILE) opens from file:// with no
// server: it boots, loads the demo, normalizes, and requests nothing beyond its own
// files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, consoleErrors, pixelStats, saveShot, ROOT } from './harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

test('dist-single/index.html works from file:// with no server', async () => {
  const dir = process.env.REDLINE_DIST_SINGLE || path.join(ROOT, 'dist-single');
  const page = await browser.context.newPage();
  const log = { requests: [], console: [], pageErrors: [] };
  page.on('request', (r) => log.requests.push(r.url()));
  page.on('console', (m) => log.console.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => log.pageErrors.push(String(e)));
  try {
    await page.goto('file://' + path.join(dir, 'index.html') + '?demo=200');
    await page.evaluate(async () => { await window.redline.ready; });
    await page.waitForFunction(() => window.redline.state().generation > 0, null, { timeout: 60000 });
    const steps = await page.evaluate(async () => (await window.redline.normalize({ now: '2026-01-02 03:04:05' })).steps.length);
    assert.ok(steps >= 10);
    await page.waitForTimeout(300);
    const png = await page.screenshot();
    saveShot('single-file.png', png);
    assert.ok((await pixelStats(page, png)).variance > 100);
    const foreign = log.requests.filter((u) => !(u.startsWith('file://' + dir + '/') || u.startsWith('data:') || u.startsWith('blob:')));
    assert.deepEqual(foreign, []);
    assert.ok(!log.requests.some((u) => u.endsWith('.wasm')), 'the wasm is inside redline.js');
    assert.deepEqual(consoleErrors(log), []);
  } finally { await page.close(); }
});
