// The page as a user drives it: every fixture format through the page's own file
// input (with the load summary checked against the CLI's), bad files that show their
// error and leave the page usable, the checklist's manual ticks landing in the report
// exactly as the CLI's --ticks puts them, the keyboard copy reaching the clipboard,
// the theme remembered, and a screenshot of every panel in both themes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, openPage, consoleErrors, foreignRequests, pixelStats, saveShot, ROOT } from './harness.mjs';

const CLI = process.env.REDLINE_CLI || path.join(ROOT, 'build/native/redline');
const FIXTURES = process.env.REDLINE_FIXTURES_DIR || path.resolve(ROOT, '../shared/fixtures');
const BAD = path.join(ROOT, 'tests/data/bad');
const NOW = '2026-01-02 03:04:05';

let browser;
let tmp;
before(async () => { browser = await launch(); tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redline-ui-')); });
after(async () => { await browser.close(); fs.rmSync(tmp, { recursive: true, force: true }); });

async function ready(query = '?demo=off') {
  const o = await openPage(browser.context, { query });
  await o.page.evaluate(async () => { await window.redline.ready; });
  return o;
}

// Choose `file` in the page's <input type=file> and wait until the session has
// finished with it (loaded or failed).
async function choose(page, file) {
  const before = await page.evaluate(() => { const s = window.redline.state(); return { g: s.generation, f: s.failures }; });
  await page.setInputFiles('#file-input', file);
  await page.waitForFunction((b) => { const s = window.redline.state(); return s.generation > b.g || s.failures > b.f; },
    before, { timeout: 120000 });
  return page.evaluate(() => window.redline.state());
}

// `redline load`'s summary line: format, bytes, tables, rows.
function cliLoad(file) {
  const out = execFileSync(CLI, ['load', file, '--out', path.join(tmp, 'loaded.sqlite3')], { encoding: 'utf8' });
  const m = out.match(/^loaded .* \((\w+), (\d+) bytes\): (\d+) tables, (\d+) rows/m);
  assert.ok(m, `CLI load summary: ${out}`);
  const recognition = (out.match(/^snapshot: (.*)$/m) || [])[1];
  return { format: m[1], bytes: Number(m[2]), tables: Number(m[3]), rows: Number(m[4]), recognition };
}

test('every fixture format loads through the file input, with the summary the CLI gives', async () => {
  const { page, log, origin, server } = await ready();
  try {
    for (const [dir, employees] of [['crm-small', 200], ['crm-dirty', 300]]) {
      const byFormat = {};
      for (const [name, format] of [['before.sqlite3', 'sqlite'], ['before.pg.sql', 'pgdump'], ['before.json', 'dumpdata']]) {
        const file = path.join(FIXTURES, dir, name);
        const s = await choose(page, file);
        const what = `${dir}/${name}`;
        assert.equal(s.error, null, `${what}: ${s.error && s.error.message}`);
        const snap = s.snapshot;
        assert.equal(snap.name, name, what);
        assert.equal(snap.format, format, what);
        assert.equal(snap.bytes, fs.statSync(file).size, what);
        assert.equal(snap.demo, false);
        assert.equal(snap.kind, 'before', `${what} is the old structure`);
        assert.equal(snap.tables.employees, employees, what);
        const cli = cliLoad(file);
        assert.equal(cli.format, format);
        assert.equal(Object.keys(snap.tables).length, cli.tables, `${what}: tables as the CLI counts them`);
        assert.equal(snap.rows, cli.rows, `${what}: rows as the CLI counts them`);
        assert.equal(snap.recognition, cli.recognition, what);
        byFormat[format] = snap.tables;
      }
      // The three files of a folder hold the same data: every CRM table has the same
      // rows whichever format it came from.
      for (const t of ['employees', 'users', 'organizations', 'customers', 'vendors', 'leads', 'deals', 'orders', 'payments']) {
        assert.equal(byFormat.pgdump[t], byFormat.sqlite[t], `${dir} ${t}: pg_dump vs sqlite`);
        assert.equal(byFormat.dumpdata[t], byFormat.sqlite[t], `${dir} ${t}: dumpdata vs sqlite`);
      }
    }
    assert.deepEqual(consoleErrors(log), []);
    assert.deepEqual(foreignRequests(log, origin), []);
  } finally { await page.close(); server.close(); }
});

test('bad files chosen in the file input show their error in the page; then a good file loads', async () => {
  const { page, log, server } = await ready();
  try {
    const good = path.join(FIXTURES, 'crm-small/before.json');
    let s = await choose(page, good);
    assert.equal(s.snapshot.name, 'before.json');
    const cases = [
      ['json-truncated-mid-object.json', /dumpdata|json/i],
      ['pg-copy-too-few-columns.sql', /pg_dump|pgdump|copy/i],
      ['sqlite-truncated-mid-page-30000-bytes.sqlite3', /sqlite/i],
      ['pg-custom-format-Fc.dump', /pg_restore|custom/i],
      ['random-bytes-4k.bin', /.+/],
    ];
    let failures = s.failures;
    for (const [name, pattern] of cases) {
      s = await choose(page, path.join(BAD, name));
      assert.equal(s.failures, failures + 1, `${name} is refused`);
      failures = s.failures;
      assert.ok(s.error, `${name}: an error is shown`);
      assert.match(s.error.context + ' ' + s.error.message, new RegExp(name.replace(/[.]/g, '\\.')), `${name}: the message names the file`);
      assert.match(s.error.context + ' ' + s.error.message, pattern, `${name}: ${s.error.message} (${s.error.context})`);
      assert.equal(s.snapshot.name, 'before.json', 'the loaded snapshot stays');
      await page.waitForTimeout(100);
      const png = await page.screenshot();
      saveShot(`bad-${name.replace(/[^\w.-]/g, '_')}.png`, png);
    }
    s = await choose(page, path.join(FIXTURES, 'crm-dirty/before.pg.sql'));
    assert.equal(s.error, null, 'a good file clears the error');
    assert.equal(s.snapshot.name, 'before.pg.sql');
    assert.equal(s.snapshot.tables.employees, 300);
    // Bad input is reported in the page, not thrown into the console.
    assert.deepEqual(consoleErrors(log), []);
  } finally { await page.close(); server.close(); }
});

test('checklist: manual ticks change the report exactly as the CLI --ticks does, and feed the next run', async () => {
  const demoFile = path.join(tmp, 'demo.sqlite3');
  execFileSync(CLI, ['demo', '--employees', '300', '--seed', '1', '--profile', 'dirty', '--out', demoFile]);
  const ticks = {
    frontend_employee_list: true,
    frontend_org_settings: { ticked: true, by: 'Ana', at: '2026-01-05', note: 'checked on staging' },
    perf_memory: false,
  };
  const ticksFile = path.join(tmp, 'ticks.json');
  fs.writeFileSync(ticksFile, JSON.stringify(ticks));
  const cli = (withTicks) => {
    const report = path.join(tmp, `cli-${withTicks}.json`);
    execFileSync(CLI, ['normalize', demoFile, '--out', path.join(tmp, 'after.sqlite3'), '--report', report, '--now', NOW,
      ...(withTicks ? ['--ticks', ticksFile] : [])]);
    return JSON.parse(fs.readFileSync(report, 'utf8')).checks;
  };
  const cliPlain = cli(false);
  const cliTicked = cli(true);
  assert.notDeepEqual(cliPlain, cliTicked, 'the ticks change the CLI report');

  const { page, log, server } = await ready('?demo=300&profile=dirty');
  try {
    await page.waitForFunction(() => window.redline.state().generation > 0, null, { timeout: 120000 });
    const plain = await page.evaluate(async (now) => (await window.redline.normalize({ now })).checks, NOW);
    assert.deepEqual(plain, cliPlain, 'no ticks: the page checks equal the CLI');
    let s = await page.evaluate(() => window.redline.state());
    assert.equal(s.run.checks.ticked, 0);
    assert.equal(s.run.checks.manual, 8);
    assert.equal(s.run.checks.pass + s.run.checks.fail + s.run.checks.warn + s.run.checks.manual, 25);

    await page.evaluate((t) => window.redline.setTicks(t), ticks);
    const ticked = await page.evaluate(async () => JSON.parse(await window.redline.exportReport('json')).checks);
    assert.deepEqual(ticked, cliTicked, 'after ticking: the exported report equals the CLI run with --ticks');
    s = await page.evaluate(() => window.redline.state());
    assert.equal(s.run.checks.ticked, 2);
    // The human-readable reports carry the ticks too.
    const md = await page.evaluate(() => window.redline.exportReport('md'));
    assert.match(md, /checked on staging/);

    // The ticks stay for the next run of the same session.
    const again = await page.evaluate(async (now) => (await window.redline.normalize({ now })).checks, NOW);
    assert.deepEqual(again, cliTicked, 'a new run keeps the ticks');
    // Clearing them gives the unticked report back; a typo is refused, not dropped.
    await page.evaluate(() => window.redline.setTicks({}));
    assert.deepEqual(await page.evaluate(async () => JSON.parse(await window.redline.exportReport('json')).checks), cliPlain);
    const err = await page.evaluate(() => { try { window.redline.setTicks({ frontend_employe_list: true }); return null; } catch (e) { return e.message; } });
    assert.match(err, /frontend_employe_list/);
    assert.deepEqual(consoleErrors(log), []);
  } finally { await page.close(); server.close(); }
});

test('Ctrl+C over a checklist item puts it on the clipboard; the theme is remembered', async () => {
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const { page, server } = await ready('?demo=120&profile=dirty');
  try {
    await page.waitForFunction(() => window.redline.state().generation > 0, null, { timeout: 120000 });
    await page.evaluate(async () => { await window.redline.normalize({ now: '2026-01-02 03:04:05' }); });
    await page.evaluate(() => window.redline.show('checklist'));
    await page.waitForFunction(() => window.redline.state().panel === 'checklist');
    const report = await page.evaluate(async () => JSON.parse(await window.redline.exportReport('json')));
    // Find the first item's row on the canvas: hover down the item column until the
    // copied text names an item (the rows' positions depend on the font).
    let copied = '';
    for (let y = 120; y < 400 && !copied; y += 6) {
      await page.mouse.move(200, y);
      await page.waitForTimeout(40);
      await page.keyboard.press('Control+c');
      await page.waitForTimeout(40);
      copied = await page.evaluate(() => window.redline.state().copied);
    }
    assert.ok(copied, 'Ctrl+C over an item copied it');
    const [id, status] = copied.split('\t');
    const item = report.checks.find((c) => c.id === id);
    assert.ok(item, `copied text names a check: ${copied}`);
    assert.equal(status, item.status);
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(clip, copied, 'the system clipboard holds what the app copied');

    await page.evaluate(() => window.redline.setTheme('light'));
    await page.reload();
    await page.evaluate(async () => { await window.redline.ready; });
    assert.equal(await page.evaluate(() => window.redline.state().theme), 'light', 'the theme survives a reload');
    await page.evaluate(() => window.redline.setTheme('dark'));
  } finally { await page.close(); server.close(); }
});

test('screenshots of every panel, dark and light', async () => {
  const { page, log, server } = await ready();
  try {
    const shot = async (name) => {
      await page.waitForTimeout(250);
      const png = await page.screenshot();
      saveShot(name, png);
      return pixelStats(page, png);
    };
    for (const theme of ['dark', 'light']) {
      await page.evaluate((t) => window.redline.setTheme(t), theme);
      const st = await shot(`panel-welcome-${theme}.png`);
      assert.equal(await page.evaluate(() => window.redline.state().panel), 'welcome');
      assert.ok(theme === 'light' ? st.mean > 150 : st.mean < 90, `${theme} theme: mean luminance ${st.mean}`);
    }
    await page.evaluate(async () => { await window.redline.startDemo({ employees: 300, seed: 1, profile: 'dirty' }); });
    await page.evaluate(async () => { await window.redline.normalize({ now: '2026-01-02 03:04:05' }); });
    for (const theme of ['dark', 'light']) {
      await page.evaluate((t) => window.redline.setTheme(t), theme);
      for (const panel of ['overview', 'hazards', 'run', 'diff', 'checklist']) {
        await page.evaluate((p) => window.redline.show(p), panel);
        await page.waitForFunction((p) => window.redline.state().panel === p, panel);
        const st = await shot(`panel-${panel}-${theme}.png`);
        assert.equal(await page.evaluate(() => window.redline.state().theme), theme);
        assert.ok(st.variance > 100, `${panel} ${theme}: something is drawn (variance ${st.variance})`);
      }
      // The checklist with the rows of a failing or warning item shown.
      await page.evaluate(async () => {
        const r = JSON.parse(await window.redline.exportReport('json'));
        const bad = r.checks.find((c) => c.ids.length > 0);
        window.redline.selectCheck(bad ? bad.id : r.checks[0].id);
      });
      await shot(`panel-checklist-rows-${theme}.png`);
      await page.evaluate(() => window.redline.selectCheck(''));
    }
    assert.deepEqual(consoleErrors(log), []);
  } finally { await page.close(); server.close(); }
});
