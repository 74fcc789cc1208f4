// Issue #14 in the page: the Run panel's PostgreSQL scripts are the bytes the real
// `redline script` writes for the same file and options (migration and revert), and
// "actual after" (a second snapshot, the real database after the migration) gets the
// verdict `redline verify` gives: Django's own result of crm-small accepted, the same
// with one changed cell rejected naming table, key, column, predicted and actual, and
// a damaged file refused with the loader's error while the loaded snapshot and its
// preview stay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, openPage, consoleErrors, foreignRequests, saveShot, ROOT } from './harness.mjs';

const CLI = path.join(ROOT, 'build/native/redline');
const SMALL = path.resolve(ROOT, '../shared/fixtures/crm-small');

let browser;
let tmp;
before(async () => { browser = await launch(); tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redline-script-')); });
after(async () => { await browser.close(); fs.rmSync(tmp, { recursive: true, force: true }); });

async function ready() {
  const o = await openPage(browser.context, { query: '?demo=off' });
  await o.page.evaluate(async () => { await window.redline.ready; });
  return o;
}

// Load a file into the page (bytes cross as base64).
async function load(page, file) {
  return page.evaluate(async ({ d, name }) => {
    return window.redline.load(Uint8Array.from(atob(d), (c) => c.charCodeAt(0)), name);
  }, { d: fs.readFileSync(file).toString('base64'), name: path.basename(file) });
}

async function pageScript(page, opts) {
  const b64 = await page.evaluate(async (opts) => {
    const bytes = await window.redline.exportScript(opts);
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, opts);
  return Buffer.from(b64, 'base64');
}

function cliScript(input, options, revert) {
  const out = path.join(tmp, `cli-${path.basename(input)}${revert ? '-revert' : ''}.sql`);
  const optFile = path.join(tmp, 'options.json');
  fs.writeFileSync(optFile, JSON.stringify(options));
  execFileSync(CLI, ['script', input, '--target', 'postgresql', '--out', out, '--options', optFile]
    .concat(revert ? ['--revert'] : []));
  return fs.readFileSync(out);
}

// verifyActual on bytes: {ok: view} or {error: {message, context, verification}}.
async function verifyActual(page, bytes, name, options = {}) {
  return page.evaluate(async ({ d, name, options }) => {
    try {
      return { ok: await window.redline.verifyActual(Uint8Array.from(atob(d), (c) => c.charCodeAt(0)), name, options) };
    } catch (e) {
      return { error: { message: e.message, context: e.context, verification: e.verification } };
    }
  }, { d: Buffer.from(bytes).toString('base64'), name, options });
}

test('crm-small: the page\'s migration and revert scripts are the CLI\'s bytes', async () => {
  const { page, log, origin, server } = await ready();
  try {
    for (const name of ['before.sqlite3', 'before.pg.sql', 'before.json']) {
      const file = path.join(SMALL, name);
      await load(page, file);
      for (const options of [{}, { username_collision: 'link', contact_overwrite: 'fill_blanks' }]) {
        for (const revert of [false, true]) {
          const cli = cliScript(file, options, revert);
          const mine = await pageScript(page, { options, revert });
          assert.ok(cli.length > 1000, 'the CLI wrote a script');
          assert.ok(mine.equals(cli), `${name} ${JSON.stringify(options)} revert=${revert}: page ${mine.length} bytes, CLI ${cli.length}`);
        }
      }
    }
    assert.deepEqual(foreignRequests(log, origin), []);
    assert.deepEqual(consoleErrors(log), []);
  } finally {
    await page.close();
    server.close();
  }
});

test('crm-small: actual after from Django is accepted, one changed cell is named, a damaged file is refused', async () => {
  const { page, log, origin, server } = await ready();
  try {
    // Each format's before with Django's after of the same database (the SQLite and
    // the PostgreSQL runs recorded their migrations at different times).
    for (const fmt of ['.sqlite3', '.pg.sql']) {
      await load(page, path.join(SMALL, 'before' + fmt));
      const report = await page.evaluate(() => window.redline.normalize({}));
      assert.equal(report.status, 'ok');
      const name = 'after' + fmt;
      const r = await verifyActual(page, fs.readFileSync(path.join(SMALL, name)), name);
      assert.ok(r.ok, `${name}: ${JSON.stringify(r.error)}`);
      assert.equal(r.ok.verified, true, `${name}: ${JSON.stringify(r.ok.mismatches).slice(0, 1000)}`);
      assert.equal(r.ok.mismatch_count, 0);
      assert.ok(r.ok.checks.length > 0, 'the checklist ran on the actual database');
      assert.ok(!r.ok.checks.some((c) => c.status === 'fail'), 'no check fails on Django\'s result');
      // The UI module got it too (the Verify panel draws from it).
      await page.waitForFunction((n) => { const v = window.redline.state().verify; return v && v.name === n; }, name);
      assert.equal((await page.evaluate(() => window.redline.state().verify)).verified, true);
    }

    // Django's after.pg.sql with one cell changed: customer 3's name.
    const text = fs.readFileSync(path.join(SMALL, 'after.pg.sql'), 'utf8');
    const line = text.split('\n').find((l) => /^3\tKwame Kim\t/.test(l));
    assert.ok(line, 'customer 3 is in the fixture');
    const changed = text.replace(line, line.replace('Kwame Kim', 'Kwame Changed'));
    const bad = await verifyActual(page, Buffer.from(changed, 'utf8'), 'after-changed.pg.sql');
    assert.ok(bad.ok, JSON.stringify(bad.error));
    assert.equal(bad.ok.verified, false);
    assert.equal(bad.ok.mismatch_count, 1, JSON.stringify(bad.ok.mismatches));
    const m = bad.ok.mismatches[0];
    assert.equal(m.table, 'customers');
    assert.match(m.key, /3/);
    assert.equal(m.column, 'name');
    assert.match(m.predicted, /Kwame Kim/);
    assert.match(m.actual, /Kwame Changed/);
    const shown = await page.evaluate(() => window.redline.state().verify);
    assert.equal(shown.verified, false);
    assert.equal(shown.mismatch_count, 1);
    await page.evaluate(() => window.redline.show('verify'));
    await new Promise((r) => setTimeout(r, 500));
    saveShot('verify-mismatch.png', await page.screenshot());

    // A damaged file: the loader's error, naming the file; the snapshot, its run and
    // the preview's export stay.
    const snapBefore = await page.evaluate(() => window.redline.state().snapshot);
    const afterBefore = await page.evaluate(async () => (await window.redline.exportAfter()).length);
    const cut = fs.readFileSync(path.join(SMALL, 'after.pg.sql')).subarray(0, Math.floor(text.length / 2));
    const damaged = await verifyActual(page, cut, 'after-cut.pg.sql');
    assert.ok(damaged.error, 'a damaged file is refused');
    assert.match(damaged.error.message + ' ' + damaged.error.context, /after-cut\.pg\.sql/);
    const s = await page.evaluate(() => window.redline.state());
    assert.deepEqual(s.snapshot, snapBefore);
    assert.equal(s.run.ok, true);
    assert.ok(s.error && s.error.message.length > 0, 'the page shows the error');
    assert.equal(await page.evaluate(async () => (await window.redline.exportAfter()).length), afterBefore);
    assert.equal((await page.evaluate(() => window.redline.diffView({ table: 'employees' }))).table, 'employees', 'the diff is still there');
    assert.deepEqual(foreignRequests(log, origin), []);
  } finally {
    await page.close();
    server.close();
  }
});
