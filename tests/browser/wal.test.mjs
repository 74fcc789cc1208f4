// Issue #12: a SQLite file in WAL mode in the page. Dropped together with its -wal
// file, it loads with the WAL's rows (sqlite3's own counts); dropped alone, the page
// says plainly that X-wal must come too and how to fold it in. The files come from
// tests/sqlite/make_variants.sh (REDLINE_SQLITE_VARIANTS_DIR), made by the real
// sqlite3 shell.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, openPage, consoleErrors, saveShot } from './harness.mjs';

const DIR = process.env.REDLINE_SQLITE_VARIANTS_DIR || '';
const REQUIRED = process.env.REDLINE_REQUIRE_SQLITE_VARIANTS === '1';
const missing = !DIR || !fs.existsSync(path.join(DIR, 'wal/crm.sqlite3-wal'));
if (missing && REQUIRED) {
  test('the SQLite variants are there', () => {
    assert.fail('REDLINE_REQUIRE_SQLITE_VARIANTS=1 but REDLINE_SQLITE_VARIANTS_DIR has no wal/crm.sqlite3-wal: run tests/sqlite/make_variants.sh OUTDIR');
  });
}
const opts = missing ? { skip: 'REDLINE_SQLITE_VARIANTS_DIR is not set (tests/sqlite/make_variants.sh OUTDIR)' } : {};

let browser;
before(async () => { if (!missing) browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const b64 = (file) => fs.readFileSync(file).toString('base64');
const counts = () => Object.fromEntries(fs.readFileSync(path.join(DIR, 'wal/expected.counts'), 'utf8')
  .trim().split('\n').map((l) => { const [t, n] = l.split(' '); return [t, Number(n)]; }));

async function ready() {
  const o = await openPage(browser.context, { query: '?demo=off' });
  await o.page.evaluate(async () => { await window.redline.ready; });
  return o;
}

// Drop `files` ([{name, data (base64)}]) on the page together, as a user does.
async function drop(page, files) {
  await page.evaluate((fs) => {
    const dt = new DataTransfer();
    for (const f of fs) dt.items.add(new File([Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0))], f.name));
    document.getElementById('canvas').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files);
}

test('a WAL-mode file dropped with its -wal loads with the rows in the -wal', opts, async () => {
  const { page, log, server } = await ready();
  try {
    const main = path.join(DIR, 'wal/crm.sqlite3');
    await drop(page, [{ name: 'crm.sqlite3', data: b64(main) }, { name: 'crm.sqlite3-wal', data: b64(main + '-wal') }]);
    await page.waitForFunction(() => window.redline.state().generation > 0, null, { timeout: 60000 });
    const s = await page.evaluate(() => window.redline.state().snapshot);
    assert.equal(s.name, 'crm.sqlite3');
    assert.equal(s.format, 'sqlite');
    for (const [t, n] of Object.entries(counts())) assert.equal(s.tables[t], n, `${t}: sqlite3 counts ${n}`);
    assert.match(s.wal, /read crm\.sqlite3-wal: \d+ committed transaction/);
    assert.deepEqual(s.warnings, []);
    assert.deepEqual(consoleErrors(log), []);

    // The same through the API.
    const api = await page.evaluate(async (f) => {
      const bytes = (d) => Uint8Array.from(atob(d), (c) => c.charCodeAt(0));
      const r = await window.redline.loadFiles([{ bytes: bytes(f.wal), name: 'x.db-wal' }, { bytes: bytes(f.main), name: 'x.db' }]);
      return r.tables;
    }, { main: b64(main), wal: b64(main + '-wal') });
    assert.deepEqual(api, counts());
  } finally { await page.close(); server.close(); }
});

test('a WAL-mode file dropped alone is refused with what to do', opts, async () => {
  const { page, server } = await ready();
  try {
    const main = path.join(DIR, 'wal/crm.sqlite3');
    await drop(page, [{ name: 'crm.sqlite3', data: b64(main) }]);
    await page.waitForFunction(() => window.redline.state().failures > 0, null, { timeout: 60000 });
    const s = await page.evaluate(() => window.redline.state());
    assert.equal(s.snapshot, null, 'nothing loaded that would miss the -wal\'s rows');
    assert.match(s.error.message, /crm\.sqlite3 is a SQLite database in WAL mode/);
    assert.match(s.error.message, /crm\.sqlite3-wal/);
    assert.match(s.error.message, /sqlite3 crm\.sqlite3 "PRAGMA journal_mode=DELETE"/);
    assert.match(s.error.context, /crm\.sqlite3, format: sqlite, byte 18/);
    await page.waitForTimeout(300);
    saveShot('load-wal-missing.png', await page.screenshot());

    // A -wal alone, and a -wal of another file, say what is wrong.
    const err = await page.evaluate(async (d) => {
      const bytes = Uint8Array.from(atob(d), (c) => c.charCodeAt(0));
      const out = [];
      for (const files of [[{ bytes, name: 'crm.sqlite3-wal' }], [{ bytes, name: 'a.db' }, { bytes, name: 'b.db-wal' }]]) {
        try { await window.redline.loadFiles(files); out.push(null); } catch (e) { out.push(e.message); }
      }
      return out;
    }, b64(main + '-wal'));
    assert.match(err[0], /crm\.sqlite3-wal is the -wal file of a SQLite database: drop or choose crm\.sqlite3 together with it/);
    assert.match(err[1], /b\.db-wal is not the -wal file of a\.db/);
  } finally { await page.close(); server.close(); }
});
