// The UI font beyond Latin, Greek, Cyrillic and BMP CJK (issue #15): a snapshot with
// Hangul, Devanagari, emoji (with the emoji variation selector) and CJK beyond the BMP
// (U+20BB7) in its names is drawn with no missing glyph, and a screenshot of the Diff
// shows them (build/screenshots/glyphs-names-*.png). The snapshot is crm-small's SQLite
// file with two employees renamed by the sqlite3 tool (two without a user: the run
// moves their names to new users, so the Diff lists them as changed).
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
