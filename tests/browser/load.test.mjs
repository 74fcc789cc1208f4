// Loading snapshots in the page: the built-in demo on start, the file picker, a
// dropped file, and a bad file that shows its error while the page stays usable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { launch, openPage, foreignRequests, consoleErrors, saveShot, ROOT } from './harness.mjs';

const FIXTURES = path.resolve(ROOT, '../shared/fixtures');
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

async function ready(opts) {
  const o = await openPage(browser.context, opts);
  await o.page.evaluate(async () => { await window.redline.ready; });
  return o;
}

// Bytes travel to the page as base64 (a JSON array of numbers is very slow).
const b64 = (file) => fs.readFileSync(file).toString('base64');

function loadedSignal(page, generation) {
  return page.waitForFunction((g) => window.redline.state().generation > g, generation, { timeout: 60000 });
}

test('the built-in demo snapshot is loaded on start', async () => {
  const { page, log, origin, server } = await ready();
  try {
    await loadedSignal(page, 0);
    const s = await page.evaluate(() => window.redline.state());
    assert.equal(s.snapshot.demo, true);
    assert.equal(s.snapshot.name, 'demo-dirty-300.sqlite3');
    assert.equal(s.snapshot.tables.employees, 300);
    assert.ok(s.snapshot.rows > 300 * 25 && s.snapshot.rows < 300 * 40, `about 33 rows per employee (${s.snapshot.rows})`);
    saveShot('overview-demo.png', await page.screenshot());
    assert.deepEqual(consoleErrors(log), []);
    assert.deepEqual(foreignRequests(log, origin), []);
  } finally { await page.close(); server.close(); }
});

test('a file chosen in the picker loads, and its summary matches the file', async () => {
  const { page, log, server } = await ready({ query: '?demo=off' });
  try {
    const file = path.join(FIXTURES, 'crm-small/before.sqlite3');
    await page.setInputFiles('#file-input', file);
    await loadedSignal(page, 0);
    const s = await page.evaluate(() => window.redline.state().snapshot);
    assert.equal(s.name, 'before.sqlite3');
    assert.equal(s.format, 'sqlite');
    assert.equal(s.bytes, fs.statSync(file).size);
    assert.equal(s.tables.employees, 200);
    assert.equal(s.tables.deals, 600);
    assert.equal(s.demo, false);
    // The worker fingerprints the File from its copy in the engine's heap.
    const rep = await page.evaluate(async () => window.redline.normalize());
    assert.equal(rep.input.sha256, crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
    assert.deepEqual(consoleErrors(log), []);
  } finally { await page.close(); server.close(); }
});

test('a dropped file loads', async () => {
  const { page, server } = await ready({ query: '?demo=off' });
  try {
    const bytes = b64(path.join(FIXTURES, 'crm-dirty/before.sqlite3'));
    await page.evaluate((d) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(d), (c) => c.charCodeAt(0))], 'dirty.sqlite3'));
      document.getElementById('canvas').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, bytes);
    await loadedSignal(page, 0);
    const s = await page.evaluate(() => window.redline.state().snapshot);
    assert.equal(s.name, 'dirty.sqlite3');
    assert.equal(s.tables.employees, 300);
  } finally { await page.close(); server.close(); }
});

test('a bad file shows its error, keeps the loaded snapshot, and the page then loads a good file', async () => {
  const { page, log, server } = await ready({ query: '?demo=off' });
  try {
    const goodBytes = fs.readFileSync(path.join(FIXTURES, 'crm-small/before.sqlite3'));
    const good = goodBytes.toString('base64');
    await page.evaluate(async (d) => { await window.redline.load(Uint8Array.from(atob(d), (c) => c.charCodeAt(0)), 'first.sqlite3'); }, good);
    // A truncated SQLite file: half of the fixture.
    const half = goodBytes.subarray(0, Math.floor(goodBytes.length / 2)).toString('base64');
    const err = await page.evaluate(async (d) => {
      try { await window.redline.load(Uint8Array.from(atob(d), (c) => c.charCodeAt(0)), 'half.sqlite3'); return null; } catch (e) { return { message: e.message, context: e.context }; }
    }, half);
    assert.ok(err, 'loading a truncated file must fail');
    assert.match(err.context, /half\.sqlite3/);
    assert.match(err.context, /sqlite/);
    const s = await page.evaluate(() => window.redline.state());
    assert.equal(s.error.code, 'bad_input');
    assert.equal(s.snapshot.name, 'first.sqlite3', 'the previous snapshot is still there');
    await page.waitForTimeout(200);
    saveShot('load-error.png', await page.screenshot());

    const again = await page.evaluate(async (d) => (await window.redline.load(Uint8Array.from(atob(d), (c) => c.charCodeAt(0)), 'again.sqlite3')).name, good);
    assert.equal(again, 'again.sqlite3');
    assert.equal(await page.evaluate(() => window.redline.state().error), null, 'the error clears after a good load');
    assert.deepEqual(consoleErrors(log), []);
  } finally { await page.close(); server.close(); }
});
