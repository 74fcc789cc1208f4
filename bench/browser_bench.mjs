// Benchmark (not a test): the page itself in Debian's Chromium (Playwright, software
// WebGL as on a machine without a GPU), on the snapshots bench/scale generated:
// for each SQLite file, open a fresh page with no demo, then
//   load       redline.load(bytes) until the snapshot is published (the load, the
//              hardened checks, recognition and the preflight the page shows with it);
//   run        redline.normalize() until the report is back (copy, normalize, diff,
//              moves, checks), of which "normalize" is the sum of the report's step times;
//   report     exportReport('html');
//   e2e        load + run;
//   scroll     the diff of the largest changed table scrolled by the mouse wheel, the
//              frame times measured by requestAnimationFrame in the page;
//   frames     the longest gap between frames during load and run;
//   heap       the wasm heap's size at the end (it only grows: the peak), and at the
//              start (the empty page).
// The snapshot's bytes come from the page's own origin (a temp folder that links the
// built page and the data), as a user's file would, without a trip through the test
// driver.
//
//   node bench/browser_bench.mjs --dist dist --out RESULTS.json [--repeat R] FILE.sqlite3...
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
const files = args.map((f) => path.resolve(f));
if (!files.length || !fs.existsSync(path.join(dist, 'index.html'))) {
  console.error('usage: node bench/browser_bench.mjs --dist DIST --out OUT.json [--repeat R] FILE.sqlite3...');
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

const median = (v) => { const s = [...v].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };

async function once(file) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(`${origin}/index.html?demo=off`);
    await page.evaluate(async () => { await window.redline.ready; });
    const r = await page.evaluate(async (name) => {
      // Frame gaps, measured by the page's own requestAnimationFrame.
      const frames = { last: performance.now(), max: 0, n: 0, on: true };
      const tick = (t) => { if (!frames.on) return; frames.max = Math.max(frames.max, t - frames.last); frames.last = t; frames.n++; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
      const heapStart = window.redline.module.HEAPU8.length;
      const bytes = new Uint8Array(await (await fetch('data/' + name)).arrayBuffer());
      frames.max = 0; frames.last = performance.now();
      const t0 = performance.now();
      const summary = await window.redline.load(bytes, name);
      const t1 = performance.now();
      const loadGap = frames.max;
      frames.max = 0;
      const report = await window.redline.normalize({ now: '2026-01-01 00:00:00' });
      const t2 = performance.now();
      const runGap = frames.max;
      const t3 = performance.now();
      const html = window.redline.exportReport('html');
      const t4 = performance.now();
      frames.on = false;
      let rows = 0;
      for (const n of Object.values(summary.tables || {})) rows += n;
      let biggest = null, most = -1;
      for (const [t, d] of Object.entries(report.diff.tables)) {
        const n = (d.changed || 0) + (d.added || 0) + (d.removed || 0);
        if (n > most) { most = n; biggest = t; }
      }
      return {
        rows, load_ms: t1 - t0, run_ms: t2 - t1, report_ms: t4 - t3,
        normalize_ms: report.steps.reduce((s, x) => s + (x.ms || 0), 0),
        frames_max_gap_load_ms: loadGap, frames_max_gap_run_ms: runGap,
        html_bytes: html.length, biggest_table: biggest, biggest_changes: most,
        heap_bytes: window.redline.module.HEAPU8.length, heap_start_bytes: heapStart,
      };
    }, path.basename(file));
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
    const sorted = [...gaps].sort((a, b) => a - b);
    r.scroll_frames = gaps.length;
    r.scroll_median_ms = median(gaps);
    r.scroll_p95_ms = sorted[Math.floor(sorted.length * 0.95)] || 0;
    r.e2e_ms = r.load_ms + r.run_ms;
    r.page_errors = errors;
    return r;
  } finally {
    await page.close();
  }
}

const results = [];
try {
  for (const file of files) {
    const runs = [];
    for (let k = 0; k < repeat; k++) runs.push(await once(file));
    const r = { file, label: 'chromium', rows: runs[0].rows, repeat, bytes: fs.statSync(file).size };
    for (const key of Object.keys(runs[0])) {
      if (typeof runs[0][key] === 'number' && key !== 'rows') r[key] = median(runs.map((x) => x[key]));
      else if (!(key in r)) r[key] = runs[0][key];
    }
    r.heap_bytes = Math.max(...runs.map((x) => x.heap_bytes));
    results.push(r);
    console.log(`chromium: ${path.basename(file)}, ${r.rows} rows: load ${r.load_ms.toFixed(0)} ms, run ${r.run_ms.toFixed(0)} ms ` +
      `(normalize ${r.normalize_ms.toFixed(0)}), report ${r.report_ms.toFixed(0)} ms, e2e ${r.e2e_ms.toFixed(0)} ms, ` +
      `heap ${(r.heap_bytes / 1e6).toFixed(0)} MB, max frame gap ${Math.max(r.frames_max_gap_load_ms, r.frames_max_gap_run_ms).toFixed(0)} ms, ` +
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
