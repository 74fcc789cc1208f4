// The first screen that leads and the after-run summary (issue #15), in a window the
// size of a projector's screen, driven with the mouse where a person would click:
//  - with a blocker (crm-dirty, the dirty demo) the first screen lists it first and
//    its default resolution (suffix, spec section 3) selected; with "stop" chosen,
//    Normalize does nothing until a resolution is picked;
//  - after the run every number of the summary equals the CLI's own for the same file
//    and options (`redline normalize --report`: the diff's counts, moves, lost values
//    and checklist; row counts from the CLI's after image), and a click on a number
//    opens its table and kind in the Diff (or its checklist item).
// Screenshots of the first screen, the summary and every panel after a run go to
// build/screenshots/ (summary-*.png).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { launch, openPage, consoleErrors, saveShot, frames, diffView, loadFile, ROOT } from './harness.mjs';

const FIXTURES = process.env.REDLINE_FIXTURES_DIR || path.resolve(ROOT, '../shared/fixtures');
const CLI = path.join(ROOT, 'build/native/redline');
const SCREEN = { width: 1366, height: 768 };
const PANELS = ['overview', 'hazards', 'run', 'diff', 'checklist', 'verify'];

const summary = (page) => page.evaluate(() => window.redline.summary());

// The Overview in front, drawn, with `key`'s rectangle published.
async function overview(page, key) {
  await page.evaluate(() => window.redline.show('overview'));
  for (let i = 0; i < 100; i++) {
    await frames(page, 1);
    const s = await summary(page);
    if (s.panel === 'overview' && (!key || s.rects[key])) return s;
  }
  throw new Error(`the overview never drew ${key}`);
}

// A mouse click in the middle of what the UI drew for `key` (canvas pixels / dpr).
async function click(page, key) {
  const s = await overview(page, key);
  const [x0, y0, x1, y1] = s.rects[key];
  const dpr = await page.evaluate(() => devicePixelRatio);
  await page.mouse.click((x0 + x1) / 2 / dpr, (y0 + y1) / 2 / dpr);
  await frames(page, 3);
}

// The CLI's report and after image for `file` with `options`.
function cliRun(file, options) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redline-summary-'));
  const opts = path.join(dir, 'options.json');
  fs.writeFileSync(opts, JSON.stringify(options));
  execFileSync(CLI, ['normalize', file, '--out', path.join(dir, 'after.sqlite3'), '--report', path.join(dir, 'r.json'),
    '--options', opts]);
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'r.json'), 'utf8'));
  const count = (t) => Number(execFileSync('sqlite3', [path.join(dir, 'after.sqlite3'), `SELECT count(*) FROM "${t}"`],
    { encoding: 'utf8' }).trim());
  return { report, count, dir };
}

// Every number of the page's summary against the CLI's report for the same input.
function assertSummaryMatchesCli(run, cli) {
  const { report } = cli;
  const byTable = Object.fromEntries(run.tables.map((t) => [t.table, t]));
  for (const [name, d] of Object.entries(report.diff.tables)) {
    const t = byTable[name];
    assert.ok(t, `the summary has table ${name}`);
    assert.equal(t.added.value, d.added, `${name} added`);
    assert.equal(t.removed.value, d.removed, `${name} removed`);
    assert.equal(t.changed.value, d.changed, `${name} changed rows`);
    assert.equal(t.cells.value, d.cells_changed, `${name} changed cells`);
    if (name in report.input.tables) assert.equal(t.before.value, report.input.tables[name], `${name} rows before`);
    assert.equal(t.after.value, cli.count(name), `${name} rows after`);
  }
  // Values moved per (from table, to table) and lost per from table: report.diff.moves.
  const moved = {}, lost = {};
  for (const m of report.diff.moves) {
    const from = m.from.split('.')[0], to = m.to.split('.')[0];
    if (m.moved) moved[`${from}/moved/${to}`] = (moved[`${from}/moved/${to}`] || 0) + m.moved;
    lost[from] = (lost[from] || 0) + m.lost;
  }
  const shownMoved = {};
  for (const t of run.tables) for (const m of t.moved) shownMoved[m.number.key] = m.number.value;
  assert.deepEqual(shownMoved, moved, 'values moved, per source and destination table');
  assert.ok(Object.keys(moved).length > 0, 'the run moved values');
  for (const t of run.tables) assert.equal(t.lost.value, lost[t.table] || 0, `${t.table} values lost`);
  const statuses = { pass: 0, fail: 0, warn: 0, manual: 0 };
  for (const c of report.checks) statuses[c.status]++;
  for (const k of Object.keys(statuses)) assert.equal(run.checks[k].value, statuses[k], `checks ${k}`);
  fs.rmSync(cli.dir, { recursive: true, force: true });
}

async function open(query = '?demo=off') {
  const browser = await launch({ viewport: SCREEN, screen: SCREEN, deviceScaleFactor: 1 });
  const { page, log, server } = await openPage(browser.context, { query });
  await page.evaluate(async () => { await window.redline.ready; });
  const close = async () => { await page.close(); server.close(); await browser.close(); };
  return { page, log, close };
}

// The first screen with a blocker: listed first with its default resolution (suffix)
// selected and Normalize ready; "stop" clicked, Normalize is refused (a real click does
// nothing) until the resolution `choice` is clicked; then a click on Normalize runs.
async function resolveAndRun(page, choice, shotName) {
  let s = await overview(page, 'normalize');
  const hz = s.first.hazards;
  assert.ok(hz.length > 1, 'several hazards');
  assert.equal(hz[0].severity, 'blocker', `the blocker comes first: ${JSON.stringify(hz.map((h) => h.kind))}`);
  assert.equal(hz[0].kind, 'username_collision');
  assert.ok(hz.slice(1).every((h) => h.severity !== 'blocker'));
  assert.equal(s.first.hazards[0].resolved, true, 'the default resolution (suffix) resolves it');
  assert.equal(s.first.normalize.enabled, true, `ready with the default: ${s.first.normalize.reason}`);
  saveShot(`summary-${shotName}-first-screen-default.png`, await page.screenshot());
  await click(page, 'option/username_collision/stop');
  s = await summary(page);
  assert.equal(s.first.hazards[0].resolved, false);
  assert.equal(s.first.normalize.enabled, false);
  assert.match(s.first.normalize.reason, /stop.*username collision/);
  saveShot(`summary-${shotName}-first-screen-blocker.png`, await page.screenshot());
  const runs = (await page.evaluate(() => window.redline.state())).runs;
  await click(page, 'normalize');
  await frames(page, 10);
  assert.equal((await page.evaluate(() => window.redline.state())).runs, runs, 'a disabled Normalize starts nothing');

  await click(page, `option/username_collision/${choice}`);
  s = await summary(page);
  assert.equal(s.first.normalize.enabled, true, `resolved: ${s.first.normalize.reason}`);
  assert.equal(s.first.hazards[0].resolved, true);
  saveShot(`summary-${shotName}-first-screen-resolved.png`, await page.screenshot());
  await click(page, 'normalize');
  await page.waitForFunction((n) => {
    const st = window.redline.state();
    return st.runs > n && !st.job.active && st.run && st.run.checks;
  }, runs, { timeout: 120000 });
  s = await overview(page, 'checks/pass');
  assert.equal(s.run.status, 'ok');
  return s.run;
}

// A click on a number (the mouse on what the UI drew) opens its rows in the Diff.
async function clickOpensDiff(page, run, key) {
  const [table, kind] = key.split('/');
  const n = run.tables.find((t) => t.table === table)[kind];
  assert.ok(n.value > 0 && n.target.panel === 'diff', `${key} leads to the diff`);
  await click(page, key);
  await page.waitForFunction(() => window.redline.state().panel === 'diff');
  const v = await diffView(page, {}, (x) => x.table === n.target.table && x.total === n.value);
  assert.equal(v.kind, n.target.kind);
  assert.equal(v.table, table);
}

test('crm-dirty: the blocker first, Normalize after its resolution, numbers as the CLI, clicks open rows', async () => {
  const { page, log, close } = await open();
  try {
    const file = path.join(FIXTURES, 'crm-dirty', 'before.sqlite3');
    await loadFile(page, file);
    const run = await resolveAndRun(page, 'suffix', 'crm-dirty');
    assertSummaryMatchesCli(run, cliRun(file, { username_collision: 'suffix' }));
    saveShot('summary-crm-dirty-after-run.png', await page.screenshot());
    await clickOpensDiff(page, run, 'employees/changed');
    // The lost values lead to the checklist's lossless item.
    const lostTable = run.tables.find((t) => t.lost.value > 0);
    assert.ok(lostTable, 'crm-dirty loses overwritten user values');
    assert.deepEqual(lostTable.lost.target, { panel: 'checklist', check: 'lossless', filter: 0 });
    await click(page, `${lostTable.table}/lost`);
    await page.waitForFunction(() => window.redline.state().panel === 'checklist');
    assert.deepEqual(consoleErrors(log), []);
  } finally {
    await close();
  }
});

test('the dirty demo: blocker first; resolved with link, the numbers are the CLI\'s for the same demo', async () => {
  const { page, log, close } = await open('?demo=300&profile=dirty');
  try {
    await page.waitForFunction(() => { const s = window.redline.state(); return s.snapshot && !s.job.active; },
      null, { timeout: 60000 });
    const run = await resolveAndRun(page, 'link', 'demo');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redline-demo-'));
    const demo = path.join(dir, 'demo.sqlite3');
    execFileSync(CLI, ['demo', '--employees', '300', '--seed', '1', '--profile', 'dirty', '--out', demo]);
    assertSummaryMatchesCli(run, cliRun(demo, { username_collision: 'link' }));
    fs.rmSync(dir, { recursive: true, force: true });
    // openSummary() does what the click does.
    const r = await page.evaluate(() => window.redline.openSummary('addresses/added'));
    assert.deepEqual(r.target, { panel: 'diff', table: 'addresses', kind: 'added' });
    await diffView(page, {}, (x) => x.table === 'addresses' && x.kind === 'added' && x.total === r.value);
    assert.deepEqual(consoleErrors(log), []);
  } finally {
    await close();
  }
});

test('crm-small: no blocker, Normalize ready; the summary and every panel after the run, screenshots', async () => {
  const { page, log, close } = await open();
  try {
    const file = path.join(FIXTURES, 'crm-small', 'before.sqlite3');
    await loadFile(page, file);
    let s = await overview(page, 'normalize');
    assert.ok(s.first.hazards.every((h) => h.severity !== 'blocker'));
    assert.equal(s.first.normalize.enabled, true, s.first.normalize.reason);
    assert.deepEqual(s.first.apps.slice(0, 1), ['crmApp']);
    assert.ok(s.first.carried.tables.includes('auth_group'), 'auth tables are carried through');
    saveShot('summary-crm-small-first-screen.png', await page.screenshot());
    const runs = (await page.evaluate(() => window.redline.state())).runs;
    await click(page, 'normalize');
    await page.waitForFunction((n) => { const st = window.redline.state(); return st.runs > n && !st.job.active && st.run && st.run.checks; },
      runs, { timeout: 120000 });
    const carried = s.first.carried.tables;
    s = await overview(page, 'checks/pass');
    assertSummaryMatchesCli(s.run, cliRun(file, {}));
    // What the first screen said is carried through untouched is, by the diff.
    for (const t of carried) assert.ok(s.run.untouched.includes(t), `${t} is unchanged after the run`);
    saveShot('summary-crm-small-after-run.png', await page.screenshot());
    await clickOpensDiff(page, s.run, 'addresses/added');

    const actual = fs.readFileSync(path.join(FIXTURES, 'crm-small', 'after.sqlite3')).toString('base64');
    await page.evaluate(async (d) => {
      await window.redline.verifyActual(Uint8Array.from(atob(d), (c) => c.charCodeAt(0)), 'after.sqlite3', {});
    }, actual).catch(() => {});  // a mismatch rejects; the panel still shows it
    for (const panel of PANELS) {
      await page.evaluate((p) => window.redline.show(p), panel);
      await page.waitForFunction((p) => window.redline.state().panel === p, panel);
      await frames(page, 4);
      saveShot(`summary-after-run-${panel}.png`, await page.screenshot());
    }
    assert.deepEqual(consoleErrors(log), []);
  } finally {
    await close();
  }
});
