// The diff panel in the page: counts per table, the kind filter, the search (run by
// the core between frames) against independent SQL over the same databases, sort, a
// row's detail with where its moved values went, the schema changes, the GPU minimap;
// and the UI font: every character of the fixture's names (accented Latin, Polish,
// Vietnamese, CJK) is in the atlas. Screenshots under build/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, openPage, consoleErrors, saveShot, frames, diffView as view, ROOT } from './harness.mjs';

const FIXTURES = path.resolve(ROOT, '../shared/fixtures');
const NOW = '2026-01-02 03:04:05';

let browser;
let tmp;
before(async () => { browser = await launch(); tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redline-diff-')); });
after(async () => { await browser.close(); fs.rmSync(tmp, { recursive: true, force: true }); });

// Load a fixture, normalize it, show the Diff tab; returns the page, the report and
// the after database written to a file (for independent SQL).
async function normalized(fixture) {
  const o = await openPage(browser.context, { query: '?demo=off' });
  await o.page.evaluate(async () => { await window.redline.ready; });
  const file = path.join(FIXTURES, fixture, 'before.sqlite3');
  const res = await o.page.evaluate(async ({ d, name, now }) => {
    await window.redline.load(Uint8Array.from(atob(d), (c) => c.charCodeAt(0)), name);
    const report = await window.redline.normalize({ now });
    const bytes = await window.redline.exportAfter();
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    window.redline.show('diff');
    return { report, after: btoa(s) };
  }, { d: fs.readFileSync(file).toString('base64'), name: `${fixture}.sqlite3`, now: NOW });
  const afterFile = path.join(tmp, `${fixture}-after.sqlite3`);
  fs.writeFileSync(afterFile, Buffer.from(res.after, 'base64'));
  return { ...o, report: res.report, before: file, after: afterFile };
}

function sql(db, query, attach) {
  const args = attach ? ['-cmd', `ATTACH '${attach}' AS b`, db, query] : [db, query];
  return execFileSync('sqlite3', args, { encoding: 'utf8' }).split('\n').filter((l) => l !== '');
}

test('diff panel: counts, filter, search, sort, detail with moves, schema, minimap', async () => {
  const { page, log, server, report, before: beforeFile, after: afterFile } = await normalized('crm-small');
  try {
    let v = await view(page, {}, (x) => x.total > 0);
    // Counts per table as the report (spec §5) gives them.
    for (const t of v.tables) {
      const r = report.diff.tables[t.name];
      assert.ok(r, `report has ${t.name}`);
      assert.deepEqual([t.added, t.removed, t.changed, t.cells_changed], [r.added, r.removed, r.changed, r.cells_changed], t.name);
    }
    const users = report.diff.tables.users;
    assert.ok(users.added > 0 && users.changed > 0);

    // Filter by kind: the list shows that kind's rows.
    v = await view(page, { table: 'users', kind: 'added' }, (x) => x.kind === 'added' && x.total === users.added);
    v = await view(page, { kind: 'changed' }, (x) => x.kind === 'changed' && x.total === users.changed);
    assert.ok(v.minimap.gpu, 'the minimap is drawn by its shader');
    assert.ok(v.minimap.window[0] >= 0 && v.minimap.window[0] < v.minimap.window[1] && v.minimap.window[1] <= 1.01);

    // Search by text among added users: the same rows as SQL finds over the after
    // database (any column containing the text, ASCII case-insensitively).
    const cols = sql(afterFile, "SELECT name FROM pragma_table_info('users')");
    const query = 'nguy';
    const any = cols.map((c) => `instr(lower(CAST("${c}" AS TEXT)), '${query}') > 0`).join(' OR ');
    const want = sql(afterFile, `SELECT id FROM main.users WHERE id NOT IN (SELECT id FROM b.users) AND (${any}) ORDER BY id`, beforeFile);
    assert.ok(want.length > 0, 'the fixture has Vietnamese names among the new users');
    v = await view(page, { kind: 'added', search: 'NGUY' }, (x) => x.search && x.search.done);
    assert.deepEqual(v.search.keys, want);
    assert.equal(v.search.matches, want.length);
    assert.equal(v.total, want.length, 'only the matching rows are listed');
    saveShot('diff-search.png', await page.screenshot());

    // Search by key.
    v = await view(page, { search: `#${want[0]}` }, (x) => x.search && x.search.done);
    assert.deepEqual(v.search.keys, [want[0]]);

    // Sort: descending shows the last rows first.
    v = await view(page, { search: '', kind: 'changed', sort: 'desc' }, (x) => x.sort === 'desc' && x.total === users.changed && x.shown[1] === users.changed - 1);
    assert.ok(v.shown[0] > 0, 'not the first rows');
    v = await view(page, { sort: 'asc' }, (x) => x.shown[0] === 0);

    // The minimap scrolls the table: a click near its bottom brings the last rows
    // (the largest keys) into view, one near its top the first ones.
    assert.ok(v.shown[1] < users.changed - 1, 'the changed users do not all fit on screen');
    const [x0, y0, x1, y1] = v.minimap.rect;
    await page.mouse.click((x0 + x1) / 2, y1 - 2);
    v = await view(page, {}, (x) => x.shown[1] === users.changed - 1 && x.shown_loaded);
    assert.ok(v.shown[0] > 0, 'the first rows left the screen');
    await page.mouse.click((x0 + x1) / 2, y0 + 1);
    v = await view(page, {}, (x) => x.shown[0] === 0 && x.shown_loaded);
    assert.ok(v.shown[1] < users.changed - 1, 'the last rows left the screen');

    // Detail: an employee's contact values went to its user.
    const emp = sql(afterFile, "SELECT e.id, e.user_id FROM main.employees e JOIN b.employees o ON o.id = e.id WHERE o.first_name <> '' AND e.user_id IS NOT o.user_id ORDER BY e.id LIMIT 1", beforeFile)[0].split('|');
    v = await view(page, { table: 'employees', kind: 'changed' }, (x) => x.table === 'employees' && x.total > 0);
    v = await view(page, { search: `#${emp[0]}` }, (x) => x.search && x.search.done);
    assert.deepEqual(v.search.keys, [emp[0]], JSON.stringify(v.search));
    // The engine works the detail out between frames: the selection shows at once,
    // its lines once published (pending until then).
    v = await page.evaluate((k) => window.redline.diffView({ select: k }), emp[0]);
    assert.equal(v.error, undefined);
    assert.equal(v.selected.key, emp[0]);
    v = await view(page, {}, (x) => x.selected && !x.selected.pending);
    assert.equal(v.selected.key, emp[0]);
    assert.equal(v.selected.kind, 'changed');
    const first = v.selected.lines.find((l) => l.column === 'first_name');
    const firstBefore = sql(beforeFile, `SELECT first_name FROM employees WHERE id = ${emp[0]}`)[0];
    assert.equal(first.before, firstBefore);
    assert.equal(first.after, '(none)', 'the column is gone after');
    assert.match(first.moved, new RegExp(`-> users #${emp[1]}\\.first_name`));
    const userId = v.selected.lines.find((l) => l.column === 'user_id');
    assert.equal(userId.after, emp[1]);
    await frames(page);
    saveShot('diff-detail.png', await page.screenshot());

    // Schema changes: the report's, drawn as a table.
    v = await view(page, { schema: true }, (x) => x.schema_shown);
    assert.deepEqual(v.schema.map((c) => [c.kind, c.table, c.name]), report.diff.schema.map((c) => [c.kind, c.table, c.name ?? '']));
    assert.ok(v.schema.some((c) => c.kind === 'column_nullability' && c.table === 'employees' && c.name === 'user_id'));
    await frames(page);
    saveShot('diff-schema.png', await page.screenshot());
    assert.deepEqual(consoleErrors(log), []);
  } finally { await page.close(); server.close(); }
});

// Every character above U+007F of a dumpdata JSON's string values.
function jsonChars(file) {
  const set = new Set();
  const walk = (x) => {
    if (typeof x === 'string') { for (const ch of x) if (ch.codePointAt(0) > 0x7f) set.add(ch); }
    else if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') Object.values(x).forEach(walk);
  };
  walk(JSON.parse(fs.readFileSync(file, 'utf8')));
  return [...set].sort();
}

// A click on the minimap whose press and release fall inside one frame (a quick tap, a
// scripted click), in the frame that first shows the table: the table's density is
// asked for in that frame and comes later, and the click must still take the list
// there (it was dropped: a fast click that hit a frame before the density was lost).
test('diff minimap: a click inside one frame, before the table\'s density has come, still scrolls the list', async () => {
  const { page, log, server, report } = await normalized('crm-small');
  try {
    const last = report.diff.tables.users.changed - 1;
    let v = await view(page, { table: 'users', kind: 'changed', search: '', sort: 'asc' },
      (x) => x.table === 'users' && x.kind === 'changed' && x.total === last + 1 && x.minimap.window[1] > 0);
    assert.ok(v.shown[1] < last, 'the changed users do not all fit on screen');
    const rect = v.minimap.rect;
    v = await view(page, { table: 'employees', kind: 'changed' }, (x) => x.table === 'employees' && x.total > 0);
    assert.deepEqual(v.minimap.rect, rect, 'the minimap is drawn in the same place for every table');
    // Back to the users and, before any frame, a click near the minimap's bottom.
    await page.evaluate(({ x, y }) => {
      window.redline.diffView({ table: 'users', kind: 'changed' });
      const canvas = document.getElementById('canvas');
      const at = { clientX: x, clientY: y, button: 0, bubbles: true, cancelable: true };
      canvas.dispatchEvent(new MouseEvent('mousemove', at));
      canvas.dispatchEvent(new MouseEvent('mousedown', { ...at, buttons: 1 }));
      canvas.dispatchEvent(new MouseEvent('mouseup', at));
    }, { x: (rect[0] + rect[2]) / 2, y: rect[3] - 2 });
    v = await view(page, {}, (x) => x.table === 'users' && x.shown[1] === last);
    assert.deepEqual(consoleErrors(log), []);
  } finally {
    await page.close();
    server.close();
  }
});

// A list longer than the page of rows the panel holds (256): scrolled to its middle,
// the rows on screen get their values. The list clipper lays out row 0 every frame to
// measure it, off screen, and it was taken for a row on screen: the panel kept asking
// for the first page and drew every row past it as "...".
test('diff: a long list scrolled past its first page shows the rows on screen', async () => {
  const { page, log, server, report, after: afterFile } = await normalized('crm-small');
  try {
    const total = report.diff.tables.addresses.added;
    assert.ok(total > 2 * 256, `more rows than two pages: ${total}`);
    let v = await view(page, { table: 'addresses', kind: 'added', search: '', sort: 'asc' },
      (x) => x.table === 'addresses' && x.total === total && x.minimap.window[1] > 0 && x.shown_loaded);
    assert.equal(v.shown[0], 0);
    const [x0, y0, x1, y1] = v.minimap.rect;
    await page.mouse.click((x0 + x1) / 2, (y0 + y1) / 2, { delay: 50 });
    v = await view(page, {}, (x) => x.shown[0] > 256 && x.shown_loaded);
    assert.ok(v.shown[1] < total - 256, `the middle of the list: rows ${v.shown}`);
    // A row on screen is one the panel has: selecting it by key shows its values.
    const key = sql(afterFile, `SELECT id FROM addresses ORDER BY id LIMIT 1 OFFSET ${v.shown[0]}`)[0];
    v = await view(page, { select: key });
    assert.equal(v.error, undefined, `row ${key} is among the rows shown`);
    assert.deepEqual(consoleErrors(log), []);
  } finally {
    await page.close();
    server.close();
  }
});

test('UI font: every character of the fixture names is in the atlas, CJK only as needed', async () => {
  const { page, log, server } = await normalized('crm-dirty');
  try {
    await page.waitForFunction(() => !window.redline.fontInfo().stale);
    const info = await page.evaluate(() => window.redline.fontInfo());
    // The same data as the SQLite file, read independently from the JSON export.
    const want = jsonChars(path.join(FIXTURES, 'crm-dirty', 'before.json'));
    assert.deepEqual([...info.chars].sort(), want);
    for (const ch of ['é', 'ł', 'ễ', '李']) assert.ok(want.includes(ch), `the fixture has ${ch}`);
    assert.equal(await page.evaluate(() => window.redline.missingGlyphs()), '', 'the font renders every character');
    assert.ok(info.glyphs < 3000, `the atlas holds the data's CJK, not all of it (${info.glyphs} glyphs)`);
    // Rows with such names, drawn.
    const v = await view(page, { table: 'users', kind: 'changed', search: '李' }, (x) => x.search && x.search.done);
    assert.ok(v.search.matches > 0);
    await frames(page);
    saveShot('diff-unicode-names.png', await page.screenshot());
    assert.deepEqual(consoleErrors(log), []);
  } finally { await page.close(); server.close(); }
});
