// The UI font beyond Latin, Greek, Cyrillic and BMP CJK (issue #15): a snapshot with
// Hangul, Devanagari, emoji (with the emoji variation selector) and CJK beyond the BMP
// (U+20BB7) in its names is drawn with no missing glyph, and a screenshot of the Diff
// shows them (build/screenshots/glyphs-names-*.png). The snapshot is crm-small's SQLite
// file with two employees renamed by the sqlite3 tool (two without a user: the run
// moves their names to new users, so the Diff lists them as changed). Then (issue
// #13): characters a snapshot brings are added to the atlas alone, and draw as a whole
// rebuild draws them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, openPage, consoleErrors, saveShot, frames, diffView, loadFile, ROOT } from './harness.mjs';

const FIXTURES = process.env.REDLINE_FIXTURES_DIR || path.resolve(ROOT, '../shared/fixtures');
const NAMES = [
  // [first_name, last_name]
  ['김민준 서연', 'देवनागरी अनिल शर्मा'],
  ['😀🎉❤️ 🐍', '𠮷野 𩸽'],
];

let browser;
let tmp;
before(async () => { browser = await launch(); tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redline-glyphs-')); });
after(async () => { await browser.close(); fs.rmSync(tmp, { recursive: true, force: true }); });

test('Hangul, Devanagari, emoji and astral CJK names: no missing glyph, drawn', async () => {
  const file = path.join(tmp, 'crm-small-scripts.sqlite3');
  fs.copyFileSync(path.join(FIXTURES, 'crm-small', 'before.sqlite3'), file);
  const ids = execFileSync('sqlite3', [file, "SELECT id FROM employees WHERE first_name <> '' AND user_id IS NULL ORDER BY id LIMIT 2"], { encoding: 'utf8' })
    .trim().split('\n');
  assert.equal(ids.length, 2);
  const quote = (s) => `'${s.replace(/'/g, "''")}'`;
  const sqlText = NAMES.map(([f, l], i) => `UPDATE employees SET first_name = ${quote(f)}, last_name = ${quote(l)} WHERE id = ${ids[i]};`).join('\n');
  execFileSync('sqlite3', [file], { input: sqlText });
  // What the file now holds, read back by the sqlite3 tool (not by Redline).
  const stored = execFileSync('sqlite3', [file, `SELECT first_name || last_name FROM employees WHERE id IN (${ids.join(',')}) ORDER BY id`], { encoding: 'utf8' });
  assert.equal(stored.trim().split('\n').join(''), NAMES.map(([f, l]) => f + l).join(''));

  const { page, log, server } = await openPage(browser.context, { query: '?demo=off' });
  try {
    await page.evaluate(async () => { await window.redline.ready; });
    await loadFile(page, file);
    const report = await page.evaluate(async () => {
      const r = await window.redline.normalize({ now: '2026-01-02 03:04:05' });
      window.redline.show('diff');
      return r;
    });
    await page.waitForFunction(() => !window.redline.fontInfo().stale);
    const info = await page.evaluate(() => window.redline.fontInfo());
    for (const ch of [...NAMES.flat().join('')].filter((c) => c.codePointAt(0) > 0x7f)) {
      assert.ok(info.chars.includes(ch), `the data's characters include U+${ch.codePointAt(0).toString(16).toUpperCase()}`);
    }
    assert.ok(info.chars.includes('\u{20BB7}') && info.chars.includes('\uFE0F'));
    assert.equal(info.missing, '', `the font renders every character; missing: ${[...info.missing].map((c) => 'U+' + c.codePointAt(0).toString(16)).join(' ')}`);

    // The renamed employees' rows in the Diff: their names before (moved to users).
    for (const [i, id] of ids.entries()) {
      await diffView(page, { table: 'employees', kind: 'changed', search: '' },
        (x) => x.table === 'employees' && x.kind === 'changed' && x.total === report.diff.tables.employees.changed);
      let v = await diffView(page, { search: `#${id}` }, (x) => x.search && x.search.query === `#${id}` && x.search.done);
      assert.deepEqual(v.search.keys, [id]);
      await page.evaluate((k) => window.redline.diffView({ select: k }), id);
      v = await diffView(page, {}, (x) => x.selected && !x.selected.pending);
      assert.equal(v.selected.lines.find((l) => l.column === 'first_name').before, NAMES[i][0]);
      assert.equal(v.selected.lines.find((l) => l.column === 'last_name').before, NAMES[i][1]);
      await frames(page, 4);
      saveShot(`glyphs-names-${i + 1}.png`, await page.screenshot());
    }
    assert.deepEqual(consoleErrors(log), []);
  } finally { await page.close(); server.close(); }
});

// Issue #13: the atlas used to be built again whole, every glyph rasterized, whenever
// the data brought new characters (a 60-150 ms task on the page's main thread). Now
// only the new characters are rasterized, over a few frames, and published at once;
// the atlas then draws exactly as one built whole for the same characters (which a new
// pixel ratio makes). The characters come in the snapshots' names, which the status
// line shows.
test('new characters: only they are rasterized, and the atlas draws as a whole rebuild does', async () => {
  const file = path.join(FIXTURES, 'crm-small', 'before.sqlite3');
  const NAME_A = '김민준 서연.sqlite3';
  const NAME_B = '김민준 서연 野田 देव 𠮷.sqlite3';  // A's characters and new ones
  const { page, log, server } = await openPage(browser.context, { query: '?demo=off' });
  try {
    await page.evaluate(async () => { await window.redline.ready; });
    const settled = async () => {
      await page.waitForFunction(() => !window.redline.fontInfo().stale);
      return page.evaluate(() => window.redline.fontInfo());
    };
    const start = await settled();
    assert.equal(start.rasterized, start.glyphs, 'the first atlas is rasterized whole');

    await loadFile(page, file, NAME_A);
    const a = await settled();
    assert.equal(a.missing, '');
    assert.ok([...'김민준서연'].every((c) => a.chars.includes(c)));
    assert.ok(a.rasterized > 0 && a.rasterized === a.glyphs - start.glyphs,
              `only the new glyphs rasterized: ${a.rasterized} of ${a.glyphs} (${start.glyphs} before)`);

    await loadFile(page, file, NAME_B);
    const b = await settled();
    assert.equal(b.missing, '');
    const added = [...b.chars].filter((c) => !a.chars.includes(c));
    assert.deepEqual(added.sort(), [...'野田देव𠮷'].sort(), 'B brings these characters and no others');
    assert.equal(b.rasterized, added.length, `only B's ${added.length} new characters rasterized (${b.rasterized})`);
    assert.equal(b.glyphs, a.glyphs + added.length);
    await frames(page, 4);
    const incremental = await page.locator('#canvas').screenshot();
    saveShot('glyphs-added.png', incremental);

    // A new pixel ratio builds the atlas whole; back at ratio 1, again whole.
    const session = await browser.context.newCDPSession(page);
    for (const dpr of [2, 1]) {
      await session.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 800, deviceScaleFactor: dpr, mobile: false });
      await page.waitForFunction((px) => document.getElementById('canvas').width === px, 1280 * dpr);
      await frames(page, 4);
    }
    const whole = await settled();
    assert.equal(whole.rasterized, whole.glyphs, 'rebuilt whole');
    assert.equal(whole.glyphs, b.glyphs, 'the same glyphs as the atlas the characters were added to');
    assert.equal(whole.missing, b.missing);
    const rebuilt = await page.locator('#canvas').screenshot();
    saveShot('glyphs-rebuilt.png', rebuilt);
    // The glyphs' bitmaps, quads and advances are the same; only where they sit in the
    // texture differs, so the bilinear sampling of a few pixels rounds the other way
    // (7 pixels by one level of 255 when measured). A glyph misplaced or cut would
    // differ by far more.
    const diff = await pixelDiff(page, incremental, rebuilt);
    assert.equal(diff.width, 1280);
    assert.ok(diff.max <= 1 && diff.differing < 100,
              `the canvas drawn with the added glyphs is the one drawn with the whole atlas (${diff.differing} pixels differ, by up to ${diff.max})`);
    assert.deepEqual(consoleErrors(log), []);
  } finally { await page.close(); server.close(); }
});

// How many pixels of two PNG screenshots differ (any channel), and by how much at
// most; decoded in the page.
async function pixelDiff(page, png1, png2) {
  return page.evaluate(async ([d1, d2]) => {
    const decode = async (d) => {
      const img = new Image();
      img.src = 'data:image/png;base64,' + d;
      await img.decode();
      const c = new OffscreenCanvas(img.width, img.height);
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      return g.getImageData(0, 0, img.width, img.height);
    };
    const [p, q] = [await decode(d1), await decode(d2)];
    if (p.width !== q.width || p.height !== q.height) return { width: -1, differing: -1, max: -1 };
    let differing = 0, max = 0;
    for (let i = 0; i < p.data.length; i += 4) {
      let m = 0;
      for (let k = 0; k < 3; k++) m = Math.max(m, Math.abs(p.data[i + k] - q.data[i + k]));
      if (m) differing++;
      max = Math.max(max, m);
    }
    return { width: p.width, differing, max };
  }, [png1.toString('base64'), png2.toString('base64')]);
}
