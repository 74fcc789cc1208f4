// Benchmark (not a test): the page itself in Debian's Chromium (Playwright, software
// WebGL as on a machine without a GPU), the engine in its Web Worker, on the snapshots
// given: for each SQLite file, open a fresh page with no demo, then
//   load       redline.load(bytes) until the snapshot is published, of which
//   preflight  the time from the engine's stage turning 'preflight' to the publish;
//   run        redline.normalize() until the report is back (copy, normalize, diff,
//              after image, review), of which "normalize" is the sum of the report's
//              step times and "review" the time in the engine's stage 'review';
//   after      exportAfter(): the after image's bytes in the page;
//   report     exportReport('html');
//   e2e        load + run + after;
//   native     with --cli: the native CLI's whole run on the same file in the same run
//              (`redline normalize FILE --out X --report R`, wall time), and e2e over it;
//   frames     the gaps between requestAnimationFrame callbacks while the engine works
//              (max and p95: how long input waits), and the UI's own draws;
//   scroll     the diff of the largest changed table scrolled by the mouse wheel, the
//              frame gaps measured by requestAnimationFrame in the page;
//   heap       the worker's wasm heap at the end (wasm memory only grows: its peak),
//              and in the empty page, against the file's size.
// The snapshot's bytes come from the page's own origin (a temp folder that links the
// built page and the data), as a user's file would, without a trip through the test
// driver.
//
//   node bench/browser_bench.mjs --dist dist --out RESULTS.json [--repeat R] [--cli redline] FILE.sqlite3...
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch } from '../tests/browser/harness.mjs';
import { serve } from '../scripts/serve.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); if (i < 0) return dflt; const v = args[i + 1]; args.splice(i, 2); return v; };
const dist = path.resolve(opt('--dist', 'dist'));
const out = opt('--out', null);
const repeat = Math.max(1, Number(opt('--repeat', 1)));
const cli = opt('--cli', null);
const NOW = '2026-01-01 00:00:00';
const files = args.map((f) => path.resolve(f));
if (!files.length || !fs.existsSync(path.join(dist, 'index.html'))) {
  console.error('usage: node bench/browser_bench.mjs --dist DIST --out OUT.json [--repeat R] [--cli REDLINE] FILE.sqlite3...');
  process.exit(2);
}

// The page and the data under one origin.
const site = fs.mkdtempSync(path.join(os.tmpdir(), 'redline-bench-site-'));
for (const f of fs.readdirSync(dist)) fs.symlinkSync(path.join(dist, f), path.join(site, f));
fs.mkdirSync(path.join(site, 'data'));
for (const f of files) fs.symlinkSync(f, path.join(site, 'data', path.basename(f)));
const server = await serve(site, 0);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();

const quantile = (v, q) => { const s = [...v].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * q))] : 0; };
const median = (v) => { const s = [...v].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };

async function once(file) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(`${origin}/index.html?demo=off`);
    await page.evaluate(async () => { await window.redline.ready; });
    const r = await page.evaluate(async ({ name, now }) => {
      const red = window.redline;
      // Frame gaps, measured by the page's own requestAnimationFrame, and when the
      // engine's stage changed (sampled at each frame).
      const frames = { last: performance.now(), gaps: [], on: true, stages: [] };
      const tick = (t) => {
        if (!frames.on) return;
        frames.gaps.push(t - frames.last);
        frames.last = t;
        const j = red.state().job;
        const stage = j && j.active ? j.stage : '';
        const prev = frames.stages[frames.stages.length - 1];
        if (!prev || prev.stage !== stage) frames.stages.push({ stage, t });
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      const heapStart = red.frameStats().heap.size;
      const bytes = new Uint8Array(await (await fetch('data/' + name)).arrayBuffer());
      red.frameStats({ reset: true });
      frames.gaps = []; frames.last = performance.now();
      const t0 = performance.now();
      const summary = await red.load(bytes, name);
      const t1 = performance.now();
      const loadGaps = frames.gaps;
      frames.gaps = [];
      const report = await red.normalize({ now });
      const t2 = performance.now();
      const runGaps = frames.gaps;
      const after = await red.exportAfter();
      const t3 = performance.now();
      const html = await red.exportReport('html');
      const t4 = performance.now();
      // Where the worker's time went (web/redline-worker.js: per engine stage, and the
      // idle time between its slices), as of its last message.
      const heapNow = red.frameStats().heap || {};
      const worker = heapNow.timing || null;
      frames.on = false;
      const stageStart = (stage) => { const s = frames.stages.find((x) => x.stage === stage); return s ? s.t : null; };
      const tPre = stageStart('preflight'), tReview = stageStart('review');
      const work = red.frameStats().work;
      let rows = 0;
      for (const n of Object.values(summary.tables || {})) rows += n;
      let biggest = null, most = -1;
      for (const [t, d] of Object.entries(report.diff.tables)) {
        const n = (d.changed || 0) + (d.added || 0) + (d.removed || 0);
        if (n > most) { most = n; biggest = t; }
      }
      return {
        rows, load_ms: t1 - t0, preflight_ms: tPre ? t1 - tPre : null, run_ms: t2 - t1,
        review_ms: tReview ? t2 - tReview : null, after_ms: t3 - t2, after_bytes: after.length, report_ms: t4 - t3,
        normalize_ms: report.steps.reduce((s, x) => s + (x.ms || 0), 0),
        load_gaps: loadGaps, run_gaps: runGaps, draws: work,
        html_bytes: html.length, biggest_table: biggest, biggest_changes: most,
        heap_bytes: red.frameStats().heap.size, heap_start_bytes: heapStart, worker,
      };
    }, { name: path.basename(file), now: NOW });
    const busy = [...r.load_gaps, ...r.run_gaps];
    r.frames_max_gap_load_ms = Math.max(0, ...r.load_gaps);
    r.frames_max_gap_run_ms = Math.max(0, ...r.run_gaps);
    r.frames_busy = busy.length;
    r.frames_busy_p95_ms = quantile(busy, 0.95);
    r.draw_max_ms = r.draws ? r.draws.drawMaxMs : null;
    delete r.load_gaps; delete r.run_gaps; delete r.draws;
    // Scrolling the diff: the panel in front, the wheel over the table.
    await page.evaluate(() => window.redline.show('diff'));
    await page.waitForTimeout(300);
    await page.mouse.move(640, 450);
    await page.evaluate(() => {
      window.__gaps = [];
      let last = performance.now();
      const tick = (t) => { window.__gaps.push(t - last); last = t; if (window.__gaps.length < 400) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    });
    for (let k = 0; k < 60; k++) { await page.mouse.wheel(0, 600); await page.waitForTimeout(16); }
    const gaps = await page.evaluate(() => window.__gaps.slice(1));
    r.scroll_frames = gaps.length;
    r.scroll_median_ms = median(gaps);
    r.scroll_p95_ms = quantile(gaps, 0.95);
    r.e2e_ms = r.load_ms + r.run_ms + r.after_ms;
    r.page_errors = errors;
    return r;
  } finally {
    await page.close();
  }
}

// The native CLI's whole run on `file` (wall time, process start included): what the
// page's end to end is compared with.
function nativeRun(file) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redline-bench-native-'));
  try {
    const t0 = process.hrtime.bigint();
    execFileSync(cli, ['normalize', file, '--out', path.join(dir, 'after.sqlite3'), '--report', path.join(dir, 'report.json'), '--now', NOW]);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
try {
  for (const file of files) {
    const runs = [];
    for (let k = 0; k < repeat; k++) {
      const x = await once(file);
      // Interleaved with the page's runs, so both see the same machine.
      if (cli) { x.native_ms = nativeRun(file); x.x_native = x.e2e_ms / x.native_ms; }
      runs.push(x);
    }
    const r = { file, label: 'chromium', rows: runs[0].rows, repeat, bytes: fs.statSync(file).size };
    for (const key of Object.keys(runs[0])) {
      if (typeof runs[0][key] === 'number' && key !== 'rows') r[key] = median(runs.map((x) => x[key]));
      else if (runs[0][key] === null) r[key] = null;
      else if (!(key in r)) r[key] = runs[0][key];
    }
    r.heap_bytes = Math.max(...runs.map((x) => x.heap_bytes));
    results.push(r);
    console.log(`chromium: ${path.basename(file)}, ${r.rows} rows: load ${r.load_ms.toFixed(0)} ms, run ${r.run_ms.toFixed(0)} ms ` +
      `(normalize ${r.normalize_ms.toFixed(0)}), after ${r.after_ms.toFixed(0)} ms, report ${r.report_ms.toFixed(0)} ms, e2e ${r.e2e_ms.toFixed(0)} ms` +
      (cli ? `, native ${r.native_ms.toFixed(0)} ms (x${r.x_native.toFixed(2)})` : '') +
      `, heap ${(r.heap_bytes / 1e6).toFixed(0)} MB (x${(r.heap_bytes / r.bytes).toFixed(2)} file), busy frame gap p95 ${r.frames_busy_p95_ms.toFixed(1)} / max ${Math.max(r.frames_max_gap_load_ms, r.frames_max_gap_run_ms).toFixed(0)} ms, ` +
      `scroll ${r.scroll_median_ms.toFixed(1)} ms median / ${r.scroll_p95_ms.toFixed(1)} p95` +
      (r.page_errors.length ? `, page errors: ${r.page_errors.join('; ')}` : ''));
  }
} catch (e) {
  results.push({ error: String(e && e.message || e) });
  console.error('browser bench: ' + (e && e.message || e));
} finally {
  await browser.close();
  server.close();
  fs.rmSync(site, { recursive: true, force: true });
}
if (out) fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
