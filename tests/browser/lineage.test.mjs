// Issue #15 through window.redline on crm-small (made by real Django): the plan before
// a run, the stepper's data (stepping to M2 shows exactly the addresses and links M2
// created, and the state after it), and lineage both ways from any table. The
// reference is the CLI's after database for the same file, options and --now, read
// with sqlite3: no counts are written here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, openPage, consoleErrors, saveShot, ROOT } from './harness.mjs';

const CLI = path.join(ROOT, 'build/native/redline');
const FIXTURES = path.resolve(ROOT, '../shared/fixtures');
const NOW = '2026-01-02 03:04:05';
const OPTIONS = { now: NOW, record_timings: false };
const MODELS = { customers: 'customer', vendors: 'vendor', leads: 'lead', organizations: 'organization', employees: 'employee' };
const ADDRESS_COLUMNS = ['address', 'city', 'state', 'postal_code', 'zip_code', 'country'];

let browser, tmp, page, log, server, beforeFile, afterFile;

function sql(file, q) {
  return execFileSync('sqlite3', ['-json', file, q], { encoding: 'utf8' }).trim() || '[]';
}
const rows = (file, q) => JSON.parse(sql(file, q));

before(async () => {
  browser = await launch();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redline-lineage-'));
  beforeFile = path.join(tmp, 'crm-small.sqlite3');
  fs.copyFileSync(path.join(FIXTURES, 'crm-small', 'before.sqlite3'), beforeFile);
  afterFile = path.join(tmp, 'cli-after.sqlite3');
  execFileSync(CLI, ['normalize', beforeFile, '--out', afterFile, '--now', NOW]);
  ({ page, log, server } = await openPage(browser.context, { query: '?demo=off' }));
  await page.evaluate(async () => { await window.redline.ready; });
  await page.evaluate(async (d) => {
    await window.redline.load(Uint8Array.from(atob(d), (c) => c.charCodeAt(0)), 'crm-small.sqlite3');
  }, fs.readFileSync(beforeFile).toString('base64'));
});
after(async () => { await page.close(); server.close(); await browser.close(); fs.rmSync(tmp, { recursive: true, force: true }); });

test('the plan before the run: every step with its statements, and it follows the options', async () => {
  const plan = await page.evaluate((o) => window.redline.plan(o), OPTIONS);
  assert.equal(plan.done, true);
  assert.equal(plan.error, null);
  assert.deepEqual(plan.steps.map((s) => s.id), ['E1', 'E2', 'E3', 'M1', 'M2', 'M3', 'C1', 'C2', 'C3', 'I1', 'P1']);
  for (const s of plan.steps) assert.ok(s.sql.length > 0, `${s.id} has statements`);
  const linked = await page.evaluate((o) => window.redline.plan(o), { ...OPTIONS, username_collision: 'link' });
  const m1 = (p) => p.steps.find((s) => s.id === 'M1').sql.join('\n');
  assert.notEqual(m1(linked), m1(plan), 'another collision resolution, another M1');
  // The Run panel shows it before Normalize is pressed.
  await page.evaluate(() => window.redline.show('run'));
  await page.waitForTimeout(500);
  saveShot('run-plan.png', await page.screenshot());
});

test('stepping to M2 shows exactly the addresses and addressables M2 created, and the state after it', async () => {
  const trace = await page.evaluate((o) => window.redline.plan(o), OPTIONS);
  const m2 = trace.steps.find((s) => s.id === 'M2');
  for (const table of ['addresses', 'addressables']) {
    const e = m2.tables.find((t) => t.table === table);
    assert.ok(e, `M2 touched ${table}`);
    const want = rows(afterFile, `SELECT id FROM ${table} ORDER BY id`).map((r) => r.id);
    assert.ok(want.length > 0);
    assert.equal(e.keys_complete, true);
    assert.deepEqual(e.created_keys, want, `${table}: M2's created rows are the CLI after's`);
    assert.equal(e.changed, 0);
    assert.equal(e.removed, 0);
  }
  assert.deepEqual(m2.tables.map((t) => t.table).sort(), ['addressables', 'addresses']);
  const state = await page.evaluate((o) => window.redline.stateAt(o, 5, 'addresses', { limit: 100000 }), OPTIONS);
  assert.equal(state.step, 'M2');
  const idCol = state.columns.indexOf('id');
  const cliAddresses = rows(afterFile, 'SELECT * FROM addresses ORDER BY id');
  assert.deepEqual(state.rows.map((r) => r[idCol]), cliAddresses.map((r) => r.id));
  for (const [i, r] of state.rows.entries())
    for (const c of ['street', 'city', 'state', 'postal_code', 'country'])
      if (state.columns.includes(c)) assert.equal(r[state.columns.indexOf(c)], cliAddresses[i][c], `address ${cliAddresses[i].id}.${c}`);
  await assert.rejects(page.evaluate((o) => window.redline.stateAt(o, 0, 'addresses'), OPTIONS), /no table 'addresses'/);
});

test('every source row with address data shows its address\'s new home; new rows name their source', async () => {
  const report = await page.evaluate((o) => window.redline.normalize(o), OPTIONS);
  assert.equal(report.status, 'ok');
  let checked = 0;
  for (const [table, model] of Object.entries(MODELS)) {
    const cols = rows(beforeFile, `SELECT name FROM pragma_table_info('${table}')`).map((r) => r.name)
      .filter((c) => ADDRESS_COLUMNS.includes(c));
    const withData = rows(beforeFile, `SELECT * FROM ${table} WHERE ${cols.map((c) => `coalesce(${c},'') <> ''`).join(' OR ')} ORDER BY id`);
    assert.ok(withData.length > 0, table);
    const links = new Map(rows(afterFile, `SELECT a.id, a.object_id, a.address_id FROM addressables a JOIN django_content_type t
      ON t.id = a.content_type_id WHERE t.app_label = 'crmApp' AND t.model = '${model}' ORDER BY a.id`)
      .reverse().map((r) => [r.object_id, r]));
    // All asked at once: the worker answers them in one slice.
    const lineages = await page.evaluate(({ table, ids }) =>
      Promise.all(ids.map((id) => window.redline.lineage(table, 'before', { key: id }))),
    { table, ids: withData.map((r) => r.id) });
    for (const [i, src] of withData.entries()) {
      const l = lineages[i];
      const link = links.get(src.id);
      assert.ok(l.found && link, `${table} #${src.id}`);
      const address = rows(afterFile, `SELECT * FROM addresses WHERE id = ${link.address_id}`)[0];
      let moved = 0;
      for (const line of l.lines.filter((x) => cols.includes(x.column) && x.fate === 'moved')) {
        moved++;
        assert.equal(line.to_table, 'addresses');
        assert.equal(line.to_id, link.address_id, `${table} #${src.id}.${line.column}: address`);
        assert.equal(line.via_id, link.id, `${table} #${src.id}.${line.column}: addressable`);
        assert.equal(line.value, src[line.column]);
        assert.equal(address[line.to_column], src[line.column], `${table} #${src.id}.${line.column} in the CLI's after`);
      }
      assert.ok(moved > 0, `${table} #${src.id}: its address values moved`);
      checked++;
    }
  }
  assert.ok(checked > 10);

  // A new row -> where its values came from.
  const link = rows(afterFile, `SELECT a.address_id, a.object_id FROM addressables a JOIN django_content_type t
    ON t.id = a.content_type_id WHERE t.model = 'customer' ORDER BY a.id LIMIT 1`)[0];
  const back = await page.evaluate((k) => window.redline.lineage('addresses', 'after', { key: k }), link.address_id);
  const sourced = back.lines.filter((x) => x.from_table);
  assert.ok(sourced.length > 0);
  for (const x of sourced) {
    assert.equal(x.from_table, 'customers');
    assert.equal(x.from_id, link.object_id);
    assert.equal(x.was_value, x.value);
  }

  // Search by key text: a customer's email finds that customer.
  const c = rows(beforeFile, "SELECT id, email FROM customers WHERE email <> '' ORDER BY id DESC LIMIT 1")[0];
  const found = await page.evaluate((q) => window.redline.lineage('customers', 'before', { query: q }), c.email);
  assert.equal(found.key, c.id);
  assert.ok(found.matches.some((m) => m.key === c.id));
  await assert.rejects(page.evaluate(() => window.redline.lineage('nosuch', 'before', { key: 1 })), /nosuch/);
  await page.evaluate(() => window.redline.show('run'));
  await page.waitForTimeout(1000);
  saveShot('run-stepper.png', await page.screenshot());
  await page.evaluate(() => window.redline.show('lineage'));
  await page.waitForTimeout(500);
  saveShot('lineage.png', await page.screenshot());
  assert.deepEqual(consoleErrors(log), []);
});
