// Issue #6: the page never freezes. A ~200k-row snapshot (the dirty demo with 6000
// employees, made by the native CLI) is loaded through redline.load() as a SQLite
// file and as a pg_dump, normalized, and its diff and checklist published, while the
// page measures the gap between consecutive frames (redline.frameStats()). No gap may
// exceed 100 ms; the per-phase maxima are printed so a slow phase is named. The run's
// result must equal the CLI's (after.sqlite3 byte for byte).
// Issue #7: a snapshot too big for the tab is refused before anything is copied.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, openPage, consoleErrors, ROOT } from './harness.mjs';

const CLI = path.join(ROOT, 'build/native/redline');
const NOW = '2026-01-02 03:04:05';
const MAX_GAP_MS = 100;
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');

let browser;
let tmp;
let snapshot;  // the ~200k-row SQLite file
let dump;      // the same as pg_dump
let cliAfter;  // the CLI's after.sqlite3 of each
before(async () => {
  browser = await launch();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redline-frames-'));
  snapshot = path.join(tmp, 'big.sqlite3');
  dump = path.join(tmp, 'big.sql');
  execFileSync(CLI, ['demo', '--employees', '6000', '--seed', '1', '--profile', 'dirty', '--out', snapshot]);
  execFileSync(CLI, ['export', snapshot, '--format', 'pgdump', '--out', dump]);
  cliAfter = {};
  for (const f of [snapshot, dump]) {
    const out = path.join(tmp, path.basename(f) + '.after.sqlite3');
    // Without --report: the page reviews the run, the CLI does not, and the file's
    // bytes must not depend on that.
    execFileSync(CLI, ['normalize', f, '--out', out, '--now', NOW]);
    cliAfter[f] = fs.readFileSync(out);
  }
});
after(async () => { await browser.close(); fs.rmSync(tmp, { recursive: true, force: true }); });

// Load, normalize, export through window.redline with the frame stats reset before
// each phase; returns each phase's stats and the page's after.sqlite3.
async function runInPage(file) {
  const { page, log, origin, server } = await openPage(browser.context, { query: '?demo=off' });
  try {
    await page.evaluate(async () => { await window.redline.ready; });
    // The bytes are handed to the page first (fetched from the page's origin, as a
    // dropped file's arrive, with no JavaScript strings of 30 MB left for the garbage
    // collector): moving them into the page is not the page's work.
    const bytes = fs.readFileSync(file);
    await page.route(`${origin}/__snapshot`, (route) => route.fulfill({ body: bytes, contentType: 'application/octet-stream' }));
    await page.evaluate(async () => { window.__bytes = new Uint8Array(await (await fetch('/__snapshot')).arrayBuffer()); });
    // Two frames, so the copy is over.
    await page.evaluate(() => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res))));
    const result = await page.evaluate(async ({ name, now }) => {
      const r = window.redline;
      const heapBefore = r.frameStats({ reset: true }).heap;
      const snap = await r.load(window.__bytes, name);
      const load = r.frameStats({ reset: true });
      window.__bytes = null;
      const report = await r.normalize({ now });
      const run = r.frameStats({ reset: true });
      const bytes = r.exportAfter();
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      const checks = report.checks.length;
      return { snap, load, run, after: btoa(s), checks, heapBefore, status: report.status };
    }, { name: path.basename(file), now: NOW });
    assert.deepEqual(consoleErrors(log), []);
    return result;
  } finally { await page.close(); server.close(); }
}

function describe(label, stats) {
  return `${label}: ${stats.frames} frames, max gap ${stats.maxGapMs.toFixed(1)} ms, p99 ${stats.p99GapMs.toFixed(1)} ms, ` +
    `per phase ${JSON.stringify(stats.byPhase)}, worst ${JSON.stringify(stats.worst.slice(0, 3))}, ` +
    `longest slices ${JSON.stringify(stats.work.slices.slice(0, 4))}, drawing max ${stats.work.drawMaxMs} ms mean ${stats.work.drawMeanMs} ms`;
}

for (const kind of ['sqlite', 'pgdump']) {
  test(`200k-row snapshot as ${kind}: no frame gap over ${MAX_GAP_MS} ms while it loads, normalizes and is reviewed`, async () => {
    const file = kind === 'sqlite' ? snapshot : dump;
    const r = await runInPage(file);
    const rows = Object.values(r.snap.tables).reduce((a, b) => a + b, 0);
    assert.ok(rows > 180000 && rows < 260000, `the snapshot has ~200k rows (${rows})`);
    assert.equal(r.snap.format, kind);
    console.log(describe(`${kind} load`, r.load));
    console.log(describe(`${kind} normalize + diff + review`, r.run));
    console.log(`${kind}: heap in use ${r.heapBefore.used} bytes before the load, ${r.load.heap.used} after it ` +
                `(${((r.load.heap.used - r.heapBefore.used) / fs.statSync(file).size).toFixed(2)} per input byte kept), ` +
                `heap size ${r.load.heap.size} after the load, ${r.run.heap.size} after the run`);
    assert.equal(r.status, 'ok');
    assert.ok(r.checks > 0, 'the checklist is published');
    assert.equal(sha(Buffer.from(r.after, 'base64')), sha(cliAfter[file]), 'after.sqlite3 equals the CLI output');
    const gaps = { load: r.load.maxGapMs, run: r.run.maxGapMs };
    for (const [phase, g] of Object.entries(gaps)) {
      assert.ok(g < MAX_GAP_MS, `${kind} ${phase}: the longest frame gap is ${g.toFixed(1)} ms (>= ${MAX_GAP_MS}); ` +
                `per phase ${JSON.stringify((phase === 'load' ? r.load : r.run).byPhase)}`);
    }
  });
}

test('a snapshot too big for the tab is refused before it is copied, with the size it can take', async () => {
  const { page, log, server } = await openPage(browser.context, { query: '?demo=off' });
  try {
    await page.evaluate(async () => { await window.redline.ready; });
    const r = await page.evaluate(async () => {
      const r = window.redline;
      const head = new TextEncoder().encode('SQLite format 3\0');
      const small = r.checkLoad(10 << 20, head, 'small.sqlite3');
      const huge = r.checkLoad(3.5 * 2 ** 30, head, 'huge.sqlite3');
      const heapBefore = r.frameStats().heap.size;
      // load() with a huge size: an object that says it is 3.5 GB, whose bytes are never read.
      const fake = { length: 3.5 * 2 ** 30, subarray: () => new TextEncoder().encode('-- PostgreSQL database dump\n') };
      Object.setPrototypeOf(fake, Uint8Array.prototype);
      let loadError = null;
      try { await r.load(fake, 'huge.sql'); } catch (e) { loadError = e.message; }
      return { small, huge: huge && huge.message, loadError, heapBefore, heapAfter: r.frameStats().heap.size, state: r.state() };
    });
    assert.equal(r.small, null, 'a 10 MB file fits');
    assert.match(r.huge, /too big for this browser tab/);
    assert.match(r.huge, /up to about \d+ MB/);
    assert.match(r.loadError || '', /too big for this browser tab.*pgdump file of up to about \d+ MB/);
    assert.equal(r.heapAfter, r.heapBefore, 'nothing was allocated for the refused file');
    assert.equal(r.state.ready, true, 'the page still runs');
    assert.match(r.state.error.message, /too big/, 'the page shows the refusal');
    assert.deepEqual(consoleErrors(log), []);
  } finally { await page.close(); server.close(); }
});
