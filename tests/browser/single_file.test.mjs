// The single-file build, dist-single/redline.html, is the whole page in ONE file: copied
// alone into an empty folder and opened from file:// with no server, it boots, loads the
// demo, normalizes and exports after.sqlite3, and requests no other file: neither the
// page (page and context request events, the page's resource timing) nor the engine's
// worker (its resource timing).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, consoleErrors, pixelStats, saveShot, ROOT } from './harness.mjs';

let browser;
let tmp;
before(async () => { browser = await launch(); tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redline-single-')); });
after(async () => { await browser.close(); fs.rmSync(tmp, { recursive: true, force: true }); });

test('dist-single/redline.html, the only file in its folder, works from file://', async () => {
  const built = path.join(process.env.REDLINE_DIST_SINGLE || path.join(ROOT, 'dist-single'), 'redline.html');
  assert.ok(fs.existsSync(built), `${built} missing: run scripts/build wasm`);
  const dir = path.join(tmp, 'sent');
  fs.mkdirSync(dir);
  const html = path.join(dir, 'redline.html');
  fs.copyFileSync(built, html);
  assert.deepEqual(fs.readdirSync(dir), ['redline.html']);
  // The page may connect nowhere, and runs only its own inline scripts (by hash).
  const csp = fs.readFileSync(html, 'utf8').match(/http-equiv="Content-Security-Policy"\s+content="([^"]*)"/)[1];
  assert.match(csp, /connect-src 'none'/);
  assert.match(csp, /script-src 'sha256-[^;]*'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /unsafe-inline|\*/);

  const page = await browser.context.newPage();
  const log = { requests: [], console: [], pageErrors: [] };
  const workers = [];
  page.on('request', (r) => log.requests.push(r.url()));
  const onContextRequest = (r) => log.requests.push(r.url());
  browser.context.on('request', onContextRequest);
  page.on('worker', (w) => workers.push(w));
  page.on('console', (m) => log.console.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => log.pageErrors.push(String(e)));
  try {
    const url = 'file://' + html;
    await page.goto(url + '?demo=200');
    await page.evaluate(async () => { await window.redline.ready; });
    await page.waitForFunction(() => window.redline.state().generation > 0, null, { timeout: 60000 });
    const steps = await page.evaluate(async () => (await window.redline.normalize({ now: '2026-01-02 03:04:05' })).steps.length);
    assert.ok(steps >= 10);
    const after = await page.evaluate(async () => {
      const bytes = await window.redline.exportAfter();
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      return btoa(s);
    });
    const afterFile = path.join(tmp, 'after.sqlite3');
    fs.writeFileSync(afterFile, Buffer.from(after, 'base64'));
    // The export is a real SQLite database of the normalized CRM (read by the sqlite3 tool).
    const [users, addresses] = execFileSync('sqlite3', [afterFile, 'SELECT count(*) FROM users; SELECT count(*) FROM addresses'], { encoding: 'utf8' })
      .trim().split('\n').map(Number);
    assert.ok(users >= 200 && addresses > 0, `after.sqlite3 has ${users} users, ${addresses} addresses`);

    await page.waitForTimeout(300);
    const png = await page.screenshot();
    saveShot('single-file.png', png);
    assert.ok((await pixelStats(page, png)).variance > 100);

    // Every resource the page and its worker fetched, by the browser's own account.
    log.requests.push(...await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name)));
    assert.ok(workers.length >= 1, 'the engine runs in a worker');
    for (const w of workers) log.requests.push(...await w.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name)));
    const others = log.requests.filter((u) => !(u.startsWith(url + '?') || u === url || u.startsWith('data:') || u.startsWith('blob:')));
    assert.deepEqual(others, [], 'no request for any other file');
    assert.ok(log.requests.some((u) => u.startsWith(url)), 'the page itself was requested (the log works)');
    assert.deepEqual(consoleErrors(log), []);
  } finally {
    browser.context.off('request', onContextRequest);
    await page.close();
  }
});
