// Investigation tool (not a test): what the page's main-thread long tasks are. Loads and
// normalizes a snapshot in the page (Chromium as the browser tests run it: WebGL and
// compositing on SwiftShader; REDLINE_SOFTWARE_COMPOSITING=1 for the software
// compositor) while recording a Chromium trace, then prints every main-thread task of
// 50 ms or more with its thread CPU time and the events inside it by self time (what
// the task spent its time on), and the totals over all such tasks.
//   node bench/trace_longtasks.mjs --dist dist [--out trace.json] [--query present=direct] FILE
// FILE is any format, chosen in the page's file input; a damaged file is traced up to
// its error. Each long task is also put in one of three classes by what most of its
// self time was: the browser's (the compositor's readback of the WebGL canvas and its
// commit), the page's script, or V8's garbage collector.
import fs from 'node:fs';
import path from 'node:path';
import { launch, openPage, mainThreadOf } from '../tests/browser/harness.mjs';

const args = process.argv.slice(2);
const USAGE = 'usage: node bench/trace_longtasks.mjs --dist DIST [--out trace.json] [--query K=V] FILE\n' +
  '  FILE: a snapshot in any format, e.g. the ~300k-row one of tests/browser/frames.test.mjs:\n' +
  '    build/native/redline demo --employees 9000 --seed 1 --profile dirty --out big.sqlite3\n' +
  '  Loads FILE through the page\'s file input, normalizes it and exports the after image while\n' +
  '  tracing, then lists each main-thread task of 50 ms or more, what it spent its time on, and\n' +
  '  its class (browser, page script, GC).';
if (args.includes('--help') || args.includes('-h')) { console.log(USAGE); process.exit(0); }
const opt = (name, dflt) => { const i = args.indexOf(name); if (i < 0) return dflt; const v = args[i + 1]; args.splice(i, 2); return v; };
const dist = path.resolve(opt('--dist', 'dist'));
const outFile = opt('--out', null);
const query = opt('--query', '');  // extra URL parameters for the page, e.g. present=direct
const file = args[0];
if (!file) { console.error(USAGE); process.exit(2); }
const LONG_US = 50000;
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'blink', 'gpu', 'v8', 'cc', 'viz'];

const browser = await launch();
const { page, server } = await openPage(browser.context, { dir: dist, query: '?demo=off' + (query ? '&' + query : '') });
// The file is chosen in the page's file input, as a user picks it: the worker reads the
// File itself. (A 90 MB body served through page.route and fetched by the page lost the
// page before the trace began.)
await page.evaluate(async () => {
  await window.redline.ready;
  window.__long = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(Math.round(e.duration)); }).observe({ type: 'longtask' });
});
const cdp = await browser.context.newCDPSession(page);
const chunks = [];
cdp.on('Tracing.dataCollected', (e) => chunks.push(...e.value));
const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordAsMuchAsPossible' }, transferMode: 'ReportEvents' });
const t0 = await page.evaluate(() => performance.now());
await page.setInputFiles('#file-input', file);
// Loaded (a snapshot is published) or refused (a damaged file is traced up to its error).
await page.waitForFunction(() => { const s = window.redline.state(); return (s.snapshot && !s.job.active) || s.failures > 0; },
                           null, { timeout: 300000, polling: 100 });
const t = await page.evaluate(async ({ t0, now }) => {
  const r = window.redline;
  const t1 = performance.now();
  const s = r.state();
  if (!s.snapshot) console.log('load failed: ' + (s.error && s.error.message));
  else {
    await r.normalize({ now });
    await r.exportAfter();
  }
  const t2 = performance.now();
  return { load: Math.round(t1 - t0), run: Math.round(t2 - t1), total: Math.round(t2 - t0), error: s.snapshot ? null : s.error };
}, { t0, now: '2026-01-02 03:04:05' });
if (t.error) console.log(`refused: ${t.error.message} (${t.error.context})`);
await page.waitForTimeout(300);
await cdp.send('Tracing.end');
await done;
const long = await page.evaluate(() => window.__long);
await page.close();
server.close();
await browser.close();
if (outFile) fs.writeFileSync(outFile, JSON.stringify({ traceEvents: chunks }));

const { events, tasks: top } = mainThreadOf(chunks);
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
const classes = new Map();
// What a task's largest self-time event says about whose work it was.
function classOf(name) {
  if (/^V8\.GC/.test(name)) return 'gc';
  if (/WaitForGetOffset|ReadPixels|CommandBuffer|DoUpdateLayers|Commit|MainFrame|Layer|Paint|ScheduleAnimation/.test(name)) return 'browser';
  if (/FunctionCall|EvaluateScript|deserialize|TimerFire|EventDispatch/.test(name)) return 'page script';
  return 'other: ' + name;
}
const waitsBy = new Map();
console.log(`load ${t.load} ms, normalize ${t.run} ms, whole ${t.total} ms; PerformanceObserver long tasks: ${long.length} ${JSON.stringify(long)}`);
console.log(`trace: ${chunks.length} events; main-thread top-level tasks ${top.length}, of ${LONG_US / 1000} ms or more: ${longTasks.length}`);
for (const task of longTasks) {
  const self = selfTimes(task);
  const parts = [...self.entries()].filter(([, us]) => us >= 1000).sort((a, b) => b[1] - a[1]).slice(0, 8);
  // Which script function: the page's functions by name (FunctionCall's data).
  const calls = events.filter((e) => e.name === 'FunctionCall' && e.dur >= 10000 && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur)
    .map((e) => `${(e.args && e.args.data && e.args.data.functionName) || '?'} ${(e.dur / 1000).toFixed(1)}`);
  const cls = classOf(parts[0] ? parts[0][0] : '');
  classes.set(cls, (classes.get(cls) || []).concat(Math.round(task.dur / 1000)));
  console.log(`  task ${(task.dur / 1000).toFixed(1)} ms, ${(task.tdur / 1000).toFixed(1)} ms of it on the CPU [${cls}]: ` + parts.map(([n, us]) => `${n} ${(us / 1000).toFixed(1)}`).join(', ') +
              (calls.length ? ` [script: ${calls.join(', ')}]` : ''));
  for (const [n, us] of self) total.set(n, (total.get(n) || 0) + us);
}
console.log('long tasks by class: ' + [...classes.entries()].map(([c, l]) => `${c} ${l.length} (longest ${Math.max(...l)} ms)`).join(', '));
console.log('all long tasks, by self time (ms): ' +
  [...total.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([n, us]) => `${n} ${(us / 1000).toFixed(1)}`).join(', '));
console.log('GPU waits in long tasks by what they were inside (ms):\n' +
  [...waitsBy.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([n, us]) => `  ${(us / 1000).toFixed(1)} ${n}`).join('\n'));
