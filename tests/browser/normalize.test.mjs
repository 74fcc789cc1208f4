// The page runs the whole normalization: demo snapshot (or a fixture), normalize(),
// exportAfter() byte-identical to the CLI's output for the same input, options and
// --now; the report has the spec §5 shape.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, openPage, consoleErrors, foreignRequests, saveShot, ROOT } from './harness.mjs';

const CLI = path.join(ROOT, 'build/native/redline');
const FIXTURES = path.resolve(ROOT, '../shared/fixtures');
const NOW = '2026-01-02 03:04:05';
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');

let browser;
let tmp;
before(async () => { browser = await launch(); tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redline-norm-')); });
after(async () => { await browser.close(); fs.rmSync(tmp, { recursive: true, force: true }); });

async function ready(query = '?demo=off') {
  const o = await openPage(browser.context, { query });
  await o.page.evaluate(async () => { await window.redline.ready; });
  return o;
}

async function pageRun(page, fileB64, name, options) {
  return page.evaluate(async ({ d, name, options }) => {
    await window.redline.load(Uint8Array.from(atob(d), (c) => c.charCodeAt(0)), name);
    const report = await window.redline.normalize(options);
    const bytes = await window.redline.exportAfter();
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return { report, after: btoa(s) };
  }, { d: fileB64, name, options });
}

function cliRun(input, options) {
  const out = path.join(tmp, `cli-${path.basename(input)}.sqlite3`);
  const report = path.join(tmp, `cli-${path.basename(input)}.json`);
  const optFile = path.join(tmp, 'options.json');
  fs.writeFileSync(optFile, JSON.stringify(options));
  execFileSync(CLI, ['normalize', input, '--out', out, '--report', report, '--options', optFile, '--now', NOW]);
  return { after: fs.readFileSync(out), report: JSON.parse(fs.readFileSync(report, 'utf8')) };
}

test('demo snapshot: normalize in the page, after.sqlite3 byte-identical to the CLI', async () => {
  const demoFile = path.join(tmp, 'demo-dirty-300.sqlite3');
  execFileSync(CLI, ['demo', '--employees', '300', '--seed', '1', '--profile', 'dirty', '--out', demoFile]);
  const { page, log, origin, server } = await ready('?demo=300&profile=dirty');
  try {
    await page.waitForFunction(() => window.redline.state().generation > 0, null, { timeout: 60000 });
    const snap = await page.evaluate(() => window.redline.state().snapshot);
    assert.equal(snap.name, 'demo-dirty-300.sqlite3');
    const result = await page.evaluate(async (now) => {
      const report = await window.redline.normalize({ now });
      const bytes = await window.redline.exportAfter();
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      return { report, after: btoa(s) };
    }, NOW);
    const pageAfter = Buffer.from(result.after, 'base64');
    const cli = cliRun(demoFile, { now: NOW });
    // The page's demo is generated in wasm; the CLI's from the same options natively.
    assert.equal(result.report.input.sha256, sha(fs.readFileSync(demoFile)), 'the same demo bytes in both');
    assert.equal(sha(pageAfter), sha(cli.after), 'after.sqlite3 from the page equals the CLI output byte for byte');
    assert.equal(result.report.steps.length, cli.report.steps.length);
    assert.deepEqual(result.report.hazards.map((h) => [h.kind, h.ids]), cli.report.hazards.map((h) => [h.kind, h.ids]));
    const kinds = new Set(result.report.hazards.map((h) => h.kind));
    for (const k of ['username_collision', 'contact_overwrite', 'placeholder_email', 'currency_tie', 'nonstandard_currency', 'dangling_reference', 'zip_only_address']) {
      assert.ok(kinds.has(k), `the dirty demo shows ${k}`);
    }
    saveShot('normalized-demo.png', await page.screenshot());
    assert.deepEqual(consoleErrors(log), []);
    assert.deepEqual(foreignRequests(log, origin), []);
  } finally { await page.close(); server.close(); }
});

test('crm-small in the page: report shape of spec §5 and after.sqlite3 equal to the CLI', async () => {
  const file = path.join(FIXTURES, 'crm-small/before.sqlite3');
  const { page, server } = await ready();
  try {
    const r = await pageRun(page, fs.readFileSync(file).toString('base64'), 'before.sqlite3', { now: NOW });
    const cli = cliRun(file, { now: NOW });
    assert.equal(sha(Buffer.from(r.after, 'base64')), sha(cli.after));
    const rep = r.report;
    for (const key of ['input', 'options', 'hazards', 'steps', 'diff', 'checks']) assert.ok(key in rep, `report has ${key}`);
    assert.equal(rep.input.format, 'sqlite');
    assert.equal(rep.input.sha256, sha(fs.readFileSync(file)));
    assert.deepEqual(rep.steps.map((s) => s.id).slice(0, 10), ['E1', 'E2', 'E3', 'M1', 'M2', 'M3', 'C1', 'C2', 'C3', 'I1']);
    for (const s of rep.steps) {
      assert.ok(Array.isArray(s.sql) && typeof s.rows_affected === 'number' && typeof s.ms === 'number', `step ${s.id} has sql, rows_affected, ms`);
    }
    assert.ok(rep.diff.tables.employees, 'the diff covers employees');
    assert.ok(rep.diff.tables.addresses.added > 0, 'addresses were added');
    assert.deepEqual(rep.checks.map((c) => c.id), cli.report.checks.map((c) => c.id), 'the page reviews the run as the CLI does');
    assert.ok(rep.checks.every((c) => c.status === 'pass' || c.status === 'manual'), 'crm-small passes every check');
    assert.deepEqual(rep.diff.moves, cli.report.diff.moves);
    const html = await page.evaluate(() => window.redline.exportReport('html'));
    assert.match(html, /^<!DOCTYPE html>/i);
    assert.ok(!/https?:\/\//.test(html.replace(/<!--[\s\S]*?-->/g, '')) || !/(src|href)="https?:/.test(html), 'no external assets');
    const md = await page.evaluate(() => window.redline.exportReport('md'));
    assert.match(md, /^#/);
  } finally { await page.close(); server.close(); }
});

// What a person does: the Run panel's "after.sqlite3" button. The worker makes the
// image as a Blob and the page offers it as a download: the file saved is the CLI's
// after.sqlite3, byte for byte; the report's "HTML" button gives the HTML report.
test('the Run panel\'s download buttons give the CLI\'s after.sqlite3 and the HTML report', async () => {
  const file = path.join(FIXTURES, 'crm-small/before.sqlite3');
  const { page, server } = await ready();
  try {
    await pageRun(page, fs.readFileSync(file).toString('base64'), 'before.sqlite3', { now: NOW });
    const cli = cliRun(file, { now: NOW });
    await page.evaluate(() => window.redline.show('run'));
    const download = async (key) => {
      const at = await runPanelButton(page, key);
      const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), page.mouse.click(at.x, at.y)]);
      const to = path.join(tmp, `dl-${d.suggestedFilename()}`);
      await d.saveAs(to);
      return { name: d.suggestedFilename(), bytes: fs.readFileSync(to) };
    };
    const after = await download('download/after.sqlite3');
    assert.equal(after.name, 'before-after.sqlite3');
    assert.equal(sha(after.bytes), sha(cli.after), 'the downloaded after.sqlite3 equals the CLI output byte for byte');
    const html = await download('download/html');
    assert.equal(html.name, 'before-report.html');
    assert.match(html.bytes.toString('utf8'), /^<!DOCTYPE html>/i);
    const drawn = await page.evaluate(() => window.redline.summary());
    assert.equal(drawn.rects.replay, undefined, 'a small snapshot is replayed step by step at once: no button');
  } finally { await page.close(); server.close(); }
});

// Where the Run panel drew the button `key` (its rects in window.redline.summary()),
// in page coordinates: waits until it is drawn.
async function runPanelButton(page, key) {
  for (let i = 0; i < 100; i++) {
    const s = await page.evaluate(() => window.redline.summary());
    if (s.panel === 'run' && s.rects[key]) {
      const [x0, y0, x1, y1] = s.rects[key];
      const dpr = await page.evaluate(() => devicePixelRatio);
      return { x: (x0 + x1) / 2 / dpr, y: (y0 + y1) / 2 / dpr };
    }
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
  }
  throw new Error(`the Run panel never drew ${key}`);
}

// Above 50k rows the step-by-step replay (a copy of the snapshot and of every table a
// step changed: several times the file in the worker) is made when the person asks: the
// Run panel draws "Replay step by step" before and after the run, nothing replays
// until it is pressed, and then the replay runs.
test('a ~56k-row snapshot: the Run panel replays the run step by step only when asked', async () => {
  const file = path.join(tmp, 'demo-dirty-1700.sqlite3');
  execFileSync(CLI, ['demo', '--employees', '1700', '--seed', '1', '--profile', 'dirty', '--out', file]);
  const { page, log, server } = await ready();
  // The worker's time on work with no job (the replay is such work), and its heap.
  const worker = () => page.evaluate(() => {
    const h = window.redline.frameStats().heap;
    return { background: (h.timing.stages.background || { ms: 0 }).ms, heap: h.size };
  });
  const quiet = async (what) => {
    const a = await worker();
    await page.waitForTimeout(1500);
    const b = await worker();
    assert.ok(b.background - a.background < 100, `${what}: no replay under way (${(b.background - a.background).toFixed(0)} ms of background work)`);
    assert.equal(b.heap, a.heap, `${what}: the worker's heap did not grow`);
  };
  try {
    const rows = await page.evaluate(async (d) => {
      const s = await window.redline.load(Uint8Array.from(atob(d), (c) => c.charCodeAt(0)), 'demo-dirty-1700.sqlite3');
      window.redline.show('run');
      return Object.values(s.tables).reduce((a, b) => a + b, 0);
    }, fs.readFileSync(file).toString('base64'));
    assert.ok(rows > 50000 && rows < 60000, `~56k rows (${rows})`);
    await runPanelButton(page, 'replay');
    await quiet('the plan before the run');
    const report = await page.evaluate(async (now) => {
      const rep = await window.redline.normalize({ now });
      window.redline.show('run');
      return rep;
    }, NOW);
    assert.equal(report.status, 'ok');
    const at = await runPanelButton(page, 'replay');
    await quiet('after the run');
    saveShot('run-replay-offered.png', await page.screenshot());
    const before = await worker();
    await page.mouse.click(at.x, at.y);
    await page.waitForFunction(() => !('replay' in window.redline.summary().rects), null, { timeout: 10000 });
    // The replay runs: the worker works on it (a copy of the ~8 MB file, every step).
    await page.waitForFunction((b) => (window.redline.frameStats().heap.timing.stages.background || { ms: 0 }).ms - b > 200,
                               before.background, { timeout: 60000 });
    // Its trace, with what each step did (the same options: the one under way).
    const plan = await page.evaluate((o) => window.redline.plan(o), report.options);
    const after = await worker();
    console.log(`replay asked for: ${(after.background - before.background).toFixed(0)} ms of background work, ` +
                `heap ${before.heap} -> ${after.heap} bytes`);
    const m2 = plan.steps.find((st) => st.id === 'M2');
    assert.ok(m2 && m2.tables.some((t) => t.table === 'addresses' && t.created > 0), 'the replay says what M2 created');
    saveShot('run-replay-asked.png', await page.screenshot());
    assert.deepEqual(consoleErrors(log), []);
  } finally { await page.close(); server.close(); }
});

test('bad options are refused with a message and the page stays usable', async () => {
  const { page, server } = await ready();
  try {
    const file = fs.readFileSync(path.join(FIXTURES, 'crm-small/before.sqlite3')).toString('base64');
    const msg = await page.evaluate(async (d) => {
      await window.redline.load(Uint8Array.from(atob(d), (c) => c.charCodeAt(0)), 'before.sqlite3');
      try { await window.redline.normalize({ username_collision: 'explode' }); return null; } catch (e) { return e.message; }
    }, file);
    assert.ok(msg && /username_collision/.test(msg), `names the bad option: ${msg}`);
    const ok = await page.evaluate(async () => (await window.redline.normalize({ now: '2026-01-02 03:04:05' })).steps.length);
    assert.ok(ok >= 10);
  } finally { await page.close(); server.close(); }
});
