// The page boots in headless Chromium: no console errors, redline.ready resolves,
// the canvas shows something, it follows the window size and devicePixelRatio, it
// survives a lost WebGL context, and no request leaves 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, foreignRequests, consoleErrors, pixelStats, saveShot } from './harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

async function bootedPage(opts) {
  const o = await openPage(browser.context, opts);
  await o.page.evaluate(async () => { await window.redline.ready; });
  return o;
}

test('page boots: ready resolves, version shown, no console errors, nothing leaves 127.0.0.1', async () => {
  const { page, log, origin, server } = await bootedPage();
  try {
    const state = await page.evaluate(() => window.redline.state());
    assert.equal(state.ready, true);
    assert.match(state.version, /^\d+\.\d+\.\d+$/);
    assert.equal(await page.evaluate(() => window.redline.version), state.version);
    // Let a few more frames render, then look at the pixels.
    await page.waitForFunction(() => window.redline.state().frames > 10);
    const overlayHidden = await page.evaluate(() => document.getElementById('overlay').classList.contains('hidden'));
    assert.ok(overlayHidden, 'the loading overlay goes away once the app runs');
    const png = await page.locator('#canvas').screenshot();
    saveShot('boot-welcome.png', png);
    const stats = await pixelStats(page, png);
    assert.ok(stats.variance > 100, `canvas is not blank (luminance variance ${stats.variance.toFixed(1)})`);
    assert.deepEqual(consoleErrors(log), []);
    assert.deepEqual(foreignRequests(log, origin), []);
    assert.ok(log.requests.some((u) => u.endsWith('/redline.wasm')), 'the module was fetched from the same origin');
  } finally {
    await page.close();
    server.close();
  }
});

test('canvas follows the window size and device pixel ratio (crisp on hi-DPI)', async () => {
  const { page, server } = await bootedPage();
  try {
    await page.setViewportSize({ width: 900, height: 600 });
    await page.waitForFunction(() => {
      const c = document.getElementById('canvas');
      return c.width === Math.round(c.getBoundingClientRect().width * devicePixelRatio);
    });
    const size = await page.evaluate(() => {
      const c = document.getElementById('canvas');
      return { w: c.width, h: c.height, cssW: c.getBoundingClientRect().width, dpr: devicePixelRatio };
    });
    assert.equal(size.cssW, 900);
    assert.equal(size.w, Math.round(900 * size.dpr));
    assert.equal(size.h, Math.round(600 * size.dpr));
  } finally {
    await page.close();
    server.close();
  }
});

// A resize clears a WebGL canvas. The frame at the new size must reach the canvas in
// the same task, not a fenced frame later (src/platform/present.cpp): the first
// screenshot after a change of size and pixel ratio was black on a loaded 2-core
// machine (CI failed on the hi-DPI test below).
test('a resize never shows a blank canvas: the first screenshot at each new size has the UI', async () => {
  const { context } = browser;
  const { page, server } = await bootedPage();
  try {
    const session = await context.newCDPSession(page);
    for (const [w, h, dpr] of [[900, 600, 2], [1100, 700, 1], [700, 450, 1.5], [800, 500, 2]]) {
      await session.send('Emulation.setDeviceMetricsOverride', { width: w, height: h, deviceScaleFactor: dpr, mobile: false });
      const px = Math.round(w * dpr);
      await page.waitForFunction((px) => document.getElementById('canvas').width === px, px);
      const png = await page.locator('#canvas').screenshot();
      const st = await pixelStats(page, png);
      assert.ok(st.variance > 100, `blank canvas right after resizing to ${w}x${h} at ratio ${dpr} (luminance variance ${st.variance.toFixed(1)})`);
    }
  } finally {
    await page.close();
    server.close();
  }
});

test('hi-DPI: at devicePixelRatio 2 the framebuffer has twice the CSS pixels and text is scaled', async () => {
  const { context } = browser;
  const { page, server } = await openPage(context);
  try {
    const session = await context.newCDPSession(page);
    await session.send('Emulation.setDeviceMetricsOverride', { width: 800, height: 500, deviceScaleFactor: 2, mobile: false });
    await page.evaluate(async () => { await window.redline.ready; });
    await page.waitForFunction(() => document.getElementById('canvas').width === 1600 && window.redline.state().pixel_ratio === 2);
    const s = await page.evaluate(() => ({ w: document.getElementById('canvas').width, h: document.getElementById('canvas').height, st: window.redline.state() }));
    assert.equal(s.w, 1600);
    assert.equal(s.h, 1000);
    assert.equal(s.st.pixel_ratio, 2);
    await page.waitForFunction((f) => window.redline.state().frames > f + 5, s.st.frames);
    const png = await page.locator('#canvas').screenshot();
    saveShot('boot-hidpi.png', png);
    assert.ok((await pixelStats(page, png)).variance > 100);
  } finally {
    await page.close();
    server.close();
  }
});

test('a lost WebGL context is survived: overlay while lost, rendering again once restored', async () => {
  const { page, log, server } = await bootedPage();
  try {
    await page.evaluate(() => {
      const gl = document.getElementById('canvas').getContext('webgl2');
      window.__lose = gl.getExtension('WEBGL_lose_context');
      window.__lose.loseContext();
    });
    await page.waitForFunction(() => !document.getElementById('overlay').classList.contains('hidden'));
    const lostText = await page.evaluate(() => document.getElementById('overlay-text').textContent);
    assert.match(lostText, /graphics context was lost/);
    const framesLost = await page.evaluate(() => window.redline.state().frames);
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => window.redline.state().frames), framesLost, 'no drawing while the context is lost');

    await page.evaluate(() => window.__lose.restoreContext());
    await page.waitForFunction(() => document.getElementById('overlay').classList.contains('hidden'));
    await page.waitForFunction((f) => window.redline.state().frames > f + 5, framesLost);
    const png = await page.locator('#canvas').screenshot();
    saveShot('boot-after-context-restore.png', png);
    assert.ok((await pixelStats(page, png)).variance > 100, 'the canvas draws again after restore');
    assert.deepEqual(consoleErrors(log).filter((e) => !/WebGL|CONTEXT_LOST/i.test(e)), []);
  } finally {
    await page.close();
    server.close();
  }
});
