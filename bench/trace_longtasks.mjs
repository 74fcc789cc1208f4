// Investigation tool (not a test): what the page's main-thread long tasks are. Loads and
// normalizes a snapshot in the page (Chromium, software WebGL) while recording a
// Chromium trace, then prints every main-thread task of 50 ms or more with the events
// inside it by self time (what the task spent its time on), and the totals over all
// such tasks.
//   node bench/trace_longtasks.mjs --dist dist [--out trace.json] FILE (any format; a damaged
//   file is traced up to its error)
import fs from 'node:fs';
import path from 'node:path';
import { launch, openPage } from '../tests/browser/harness.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); if (i < 0) return dflt; const v = args[i + 1]; args.splice(i, 2); return v; };
const dist = path.resolve(opt('--dist', 'dist'));
const outFile = opt('--out', null);
const file = args[0];
if (!file) { console.error('usage: node bench/trace_longtasks.mjs --dist DIST [--out trace.json] FILE.sqlite3'); process.exit(2); }
const LONG_US = 50000;
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'blink', 'gpu', 'v8', 'cc', 'viz'];

const browser = await launch();
const { page, server, origin } = await openPage(browser.context, { dir: dist, query: '?demo=off' });
const bytes = fs.readFileSync(file);
await page.route(`${origin}/__snapshot`, (route) => route.fulfill({ body: bytes, contentType: 'application/octet-stream' }));
await page.evaluate(async () => {
  await window.redline.ready;
  window.__bytes = new Uint8Array(await (await fetch('/__snapshot')).arrayBuffer());
  window.__long = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(Math.round(e.duration)); }).observe({ type: 'longtask' });
});
const cdp = await browser.context.newCDPSession(page);
const chunks = [];
cdp.on('Tracing.dataCollected', (e) => chunks.push(...e.value));
const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordAsMuchAsPossible' }, transferMode: 'ReportEvents' });
const t = await page.evaluate(async (name) => {
  const r = window.redline;
  const t0 = performance.now();
  // A damaged file is traced too: up to its error.
  const loaded = await r.load(window.__bytes, name).then(() => true, (e) => { console.log('load failed: ' + e.message); return false; });
  const t1 = performance.now();
  if (loaded) {
    await r.normalize({ now: '2026-01-02 03:04:05' });
    await r.exportAfter();
  }
  const t2 = performance.now();
  return { load: Math.round(t1 - t0), run: Math.round(t2 - t1), total: Math.round(performance.now() - t0) };
}, path.basename(file));
await page.waitForTimeout(300);
await cdp.send('Tracing.end');
await done;
const long = await page.evaluate(() => window.__long);
await page.close();
server.close();
await browser.close();
if (outFile) fs.writeFileSync(outFile, JSON.stringify({ traceEvents: chunks }));

// The page's renderer main thread: CrRendererMain of the renderer with the most events.
const names = new Map();
for (const e of chunks) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
const counts = new Map();
for (const e of chunks) {
  const key = `${e.pid}:${e.tid}`;
  if (names.get(key) === 'CrRendererMain' && e.ph === 'X') counts.set(key, (counts.get(key) || 0) + 1);
}
const main = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
const events = chunks.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X' && e.dur != null).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
const tasks = events.filter((e) => e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask');
// Top-level tasks only (a RunTask nested in another is part of it).
const top = [];
for (const e of tasks) if (!top.length || e.ts >= top[top.length - 1].ts + top[top.length - 1].dur) top.push(e);
const longTasks = top.filter((e) => e.dur >= LONG_US);

// Self time of each event inside [task.ts, task.ts + dur): its duration minus its
// direct children's.
function selfTimes(task) {
  const inside = events.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur);
  const self = new Map();
  const stack = [];
  const close = (upTo) => {
    while (stack.length && stack[stack.length - 1].end <= upTo) {
      const s = stack.pop();
      self.set(s.name, (self.get(s.name) || 0) + s.self);
    }
  };
  for (const e of inside) {
    close(e.ts);
    // What made the main thread wait for the GPU process: the events around the wait.
    if (e.name === 'CommandBufferProxyImpl::WaitForGetOffset') {
      const chain = stack.slice(-4).map((s) => s.name).join(' > ') || '(task)';
      waitsBy.set(chain, (waitsBy.get(chain) || 0) + e.dur);
    }
    if (stack.length) stack[stack.length - 1].self -= e.dur;
    stack.push({ name: e.name, end: e.ts + e.dur, self: e.dur });
  }
  close(Infinity);
  let children = 0;
  for (const e of inside) if (!inside.some((p) => p !== e && p.ts <= e.ts && p.ts + p.dur >= e.ts + e.dur && p.dur > e.dur)) children += e.dur;
  self.set('(task itself, no event)', task.dur - children);
  return self;
}
const total = new Map();
const waitsBy = new Map();
console.log(`load ${t.load} ms, normalize ${t.run} ms, whole ${t.total} ms; PerformanceObserver long tasks: ${long.length} ${JSON.stringify(long)}`);
console.log(`trace: ${chunks.length} events; main-thread top-level tasks ${top.length}, of ${LONG_US / 1000} ms or more: ${longTasks.length}`);
for (const task of longTasks) {
  const self = selfTimes(task);
  const parts = [...self.entries()].filter(([, us]) => us >= 1000).sort((a, b) => b[1] - a[1]).slice(0, 8);
  // Which script function: the page's functions by name (FunctionCall's data).
  const calls = events.filter((e) => e.name === 'FunctionCall' && e.dur >= 10000 && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur)
    .map((e) => `${(e.args && e.args.data && e.args.data.functionName) || '?'} ${(e.dur / 1000).toFixed(1)}`);
  console.log(`  task ${(task.dur / 1000).toFixed(1)} ms: ` + parts.map(([n, us]) => `${n} ${(us / 1000).toFixed(1)}`).join(', ') +
              (calls.length ? ` [script: ${calls.join(', ')}]` : ''));
  for (const [n, us] of self) total.set(n, (total.get(n) || 0) + us);
}
console.log('all long tasks, by self time (ms): ' +
  [...total.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([n, us]) => `${n} ${(us / 1000).toFixed(1)}`).join(', '));
console.log('GPU waits in long tasks by what they were inside (ms):\n' +
  [...waitsBy.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([n, us]) => `  ${(us / 1000).toFixed(1)} ${n}`).join('\n'));
