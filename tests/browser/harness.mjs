// Shared set-up for the browser tests: Debian's Chromium driven by playwright-core,
// the built page served from 127.0.0.1, and a record of every request and console
// message so tests can assert that nothing leaves the machine.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = process.env.REDLINE_DIST || path.join(ROOT, 'dist');
export const SHOTS = process.env.REDLINE_SHOTS || path.join(ROOT, 'build', 'screenshots');

// Chromium with WebGL and compositing both on SwiftShader (software, as these machines
// have no GPU): the page's canvas is composited as a browser with a GPU does it.
// REDLINE_SOFTWARE_COMPOSITING=1 adds `--disable-gpu`, Chromium's software compositor
// (a browser whose GPU is blocklisted), which reads each WebGL frame back on the
// page's main thread (frames.test.mjs says what that costs).
const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

// `display` ({viewport, screen, deviceScaleFactor}) overrides the default window: a
// 1280x800 viewport at devicePixelRatio 1.
export async function launch(display = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'redline-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: process.env.REDLINE_SOFTWARE_COMPOSITING ? [...CHROMIUM_ARGS, '--disable-gpu'] : CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    ...display,
  });
  const close = async () => {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, close };
}

// Open the page from a fresh local server; returns the page and logs.
export async function openPage(context, { dir = DIST, query = '' } = {}) {
  const server = await serve(dir, 0);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const page = await context.newPage();
  const log = { requests: [], console: [], pageErrors: [] };
  page.on('request', (r) => log.requests.push(r.url()));
  page.on('console', (m) => log.console.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => log.pageErrors.push(String(e)));
  await page.goto(`${origin}/index.html${query}`);
  return { page, log, origin, server };
}

// Requests whose origin is not the page's own (data: and blob: URLs stay local).
export function foreignRequests(log, origin) {
  return log.requests.filter((u) => !(u.startsWith(origin + '/') || u.startsWith('data:') || u.startsWith('blob:')));
}

export function consoleErrors(log) {
  return log.console.filter((m) => m.type === 'error').map((m) => m.text).concat(log.pageErrors);
}

// Mean and variance of the luminance of a PNG screenshot's pixels, computed in the
// page (no image library needed in Node).
export async function pixelStats(page, png) {
  const b64 = png.toString('base64');
  return page.evaluate(async (data) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + data;
    await img.decode();
    const c = new OffscreenCanvas(img.width, img.height);
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const px = g.getImageData(0, 0, img.width, img.height).data;
    let n = 0, sum = 0, sq = 0;
    for (let i = 0; i < px.length; i += 4) {
      const y = 0.2126 * px[i] + 0.7152 * px[i + 1] + 0.0722 * px[i + 2];
      sum += y; sq += y * y; n++;
    }
    const mean = sum / n;
    return { mean, variance: sq / n - mean * mean, width: img.width, height: img.height };
  }, b64);
}

export function saveShot(name, png) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, name);
  fs.writeFileSync(file, png);
  return file;
}

// Resolves after `n` animation frames of the page.
export const frames = (page, n = 3) => page.evaluate((n) => new Promise((r) => {
  const f = () => (n-- <= 0 ? r() : requestAnimationFrame(f));
  f();
}), n);

// window.redline.diffView(opts), then frames until `ready(view)` holds (the panel
// draws and the session searches between frames); fails the test if it never does.
export async function diffView(page, opts, ready = () => true) {
  let v = await page.evaluate((o) => window.redline.diffView(o), opts);
  for (let i = 0; i < 200 && !ready(v); i++) {
    await frames(page, 1);
    v = await page.evaluate(() => window.redline.diffView());
  }
  if (!ready(v)) throw new Error(`diff view never got ready: ${JSON.stringify(v).slice(0, 400)}`);
  return v;
}

// Loads the snapshot file `file` into the page as the user's file (window.redline.load).
export async function loadFile(page, file, name = path.basename(file)) {
  await page.evaluate(async ({ d, name }) => {
    await window.redline.load(Uint8Array.from(atob(d), (c) => c.charCodeAt(0)), name);
  }, { d: fs.readFileSync(file).toString('base64'), name });
}

// The page's renderer main thread (CrRendererMain of the renderer with the most
// events) in a Chromium trace's events: its pid:tid, its complete ('X') events sorted
// by time, and its top-level tasks (a RunTask nested in another is part of it).
export function mainThreadOf(events) {
  const names = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  const counts = new Map();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (names.get(key) === 'CrRendererMain' && e.ph === 'X') counts.set(key, (counts.get(key) || 0) + 1);
  }
  const thread = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const onThread = events.filter((e) => `${e.pid}:${e.tid}` === thread && e.ph === 'X' && e.dur != null)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const tasks = [];
  for (const e of onThread) {
    if (e.name !== 'ThreadControllerImpl::RunTask' && e.name !== 'RunTask') continue;
    const last = tasks[tasks.length - 1];
    if (!last || e.ts >= last.ts + last.dur) tasks.push(e);
  }
  return { thread, events: onThread, tasks };
}

// Records the page's main-thread tasks with Chromium's tracing (category 'toplevel':
// each task's wall time and thread CPU time). `mark(name)` puts a named marker
// in the trace (console.timeStamp); `stop(from, to, since)` resolves to {tasks,
// before}: the top-level tasks of the page's main thread that started between the
// markers `from` and `to`, and those between `since` (if given) and `from`, as {ms,
// cpuMs, at, inside} (at: ms after `from`; inside: what a long task spent its time on).
export async function traceMainThread(context, page) {
  const cdp = await context.newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['toplevel', 'devtools.timeline'], recordMode: 'recordAsMuchAsPossible' },
    transferMode: 'ReportEvents',
  });
  return {
    mark: (name) => page.evaluate((n) => console.timeStamp(n), name),
    async stop(from, to, since) {
      await cdp.send('Tracing.end');
      await complete;
      await cdp.detach();
      const main = mainThreadOf(events);
      const markAt = (n) => events.find((e) => e.name === 'TimeStamp' && e.args?.data?.message === n)?.ts;
      const t0 = markAt(from), t1 = markAt(to), ts = since == null ? t0 : markAt(since);
      for (const [n, at] of [[from, t0], [to, t1], [since, ts]]) if (at == null) throw new Error(`the trace has no marker ${n}`);
      if (!main.tasks.length || main.tasks.some((t) => t.tdur == null)) {
        throw new Error('the trace has no main-thread tasks with thread time (tdur): this Chromium cannot measure it');
      }
      const between = (a, b) => main.tasks.filter((t) => t.ts >= a && t.ts < b).map((t) => ({
        ms: t.dur / 1000, cpuMs: t.tdur / 1000, at: (t.ts - t0) / 1000,
        // The task's longest events inside it (what a long task was busy with or waited on).
        inside: t.dur < 50000 ? [] : main.events.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur)
          .sort((a, b) => b.dur - a.dur).slice(0, 3).map((e) => `${e.name} ${(e.dur / 1000).toFixed(1)}`),
      }));
      return { tasks: between(t0, t1), before: between(ts, t0) };
    },
  };
}
