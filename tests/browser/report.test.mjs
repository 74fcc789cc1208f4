// The HTML report of the CLI (`redline normalize ... --report-html`) is one
// self-contained file: opened from file:// in headless Chromium it requests nothing
// but itself (and data: URLs), runs no script, shows its sections, escapes the data,
// fits the window without sideways scrolling; a screenshot is kept for review.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, consoleErrors, saveShot, ROOT } from './harness.mjs';

const CLI = process.env.REDLINE_CLI || path.join(ROOT, 'build/native/redline');
const FIXTURES = process.env.REDLINE_FIXTURES_DIR || path.resolve(ROOT, '../shared/fixtures');
const NOW = '2026-01-02 03:04:05';

let browser;
let tmp;
before(async () => { browser = await launch(); tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redline-report-')); });
after(async () => { await browser.close(); fs.rmSync(tmp, { recursive: true, force: true }); });

function makeReport(input, name) {
  const html = path.join(tmp, `${name}.html`);
  const json = path.join(tmp, `${name}.json`);
  execFileSync(CLI, ['normalize', input, '--out', path.join(tmp, `${name}.sqlite3`), '--report', json,
    '--report-html', html, '--now', NOW], { stdio: 'pipe' });
  return { html, report: JSON.parse(fs.readFileSync(json, 'utf8')) };
}

async function open(file) {
  const page = await browser.context.newPage();
  const log = { requests: [], console: [], pageErrors: [] };
  page.on('request', (r) => log.requests.push(r.url()));
  page.on('console', (m) => log.console.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => log.pageErrors.push(String(e)));
  const url = pathToFileURL(file).href;
  await page.goto(url, { waitUntil: 'load' });
  return { page, log, url };
}

test('crm-dirty report: offline, no scripts, sections and statuses shown, screenshot', async () => {
  const { html, report } = makeReport(path.join(FIXTURES, 'crm-dirty/before.sqlite3'), 'report-crm-dirty');
  const text = fs.readFileSync(html, 'utf8');
  assert.doesNotMatch(text, /https?:\/\//, 'no http(s) reference anywhere in the file');
  assert.doesNotMatch(text, /<script|<link|<img|<iframe|@import|url\(/i, 'no script, link, image, frame or CSS url');

  const { page, log, url } = await open(html);
  try {
    // Every request: the file itself or a data: URL.
    for (const u of log.requests) assert.ok(u === url || u.startsWith('data:'), `unexpected request ${u}`);
    assert.deepEqual(consoleErrors(log), []);
    assert.equal(await page.evaluate(() => document.scripts.length), 0);
    assert.equal(await page.evaluate(() => document.styleSheets.length), 1, 'one inline style sheet');

    for (const id of ['summary', 'hazards', 'checks', 'changes', 'moves', 'steps', 'options']) {
      assert.ok(await page.locator(`section#${id}`).isVisible(), `section ${id} is shown`);
    }
    // The checklist shows every item of the JSON report with its status.
    const rows = await page.locator('#checks tbody tr:not(.group)').count();
    assert.equal(rows, report.checks.length);
    const warned = report.checks.filter((c) => c.status === 'warn').map((c) => c.id);
    for (const id of warned) assert.ok(await page.locator('#checks').getByText(id, { exact: true }).isVisible(), `${id} listed`);
    // The hazards with their rows, and the steps' SQL folded away until asked for.
    assert.equal(await page.locator('#hazards .hazard').count(), report.hazards.length);
    const steps = page.locator('#steps details');
    assert.equal(await steps.count(), report.steps.length);
    assert.equal(await page.locator('#steps details[open]').count(), 0, 'SQL is collapsed');
    assert.equal(await page.locator('#steps details pre').first().isVisible(), false);
    await steps.first().locator('summary').click();
    assert.ok(await steps.first().locator('pre').isVisible(), 'a click shows the SQL');
    await steps.first().locator('summary').click();
    // Example rows with changed cells highlighted.
    assert.ok(await page.locator('#changes td.changed').count() > 0);
    // Fits the window: wide tables scroll in their own box, the page does not.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px too wide)`);

    const png = await page.screenshot({ fullPage: true });
    const file = saveShot('report-crm-dirty.png', png);
    assert.ok(fs.statSync(file).size > 10000);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.evaluate(() => window.scrollTo(0, 0));
    saveShot('report-crm-dirty-top.png', await page.screenshot());
  } finally {
    await page.close();
  }
});

test('data is escaped: a <script> value in the snapshot shows as text and runs nothing', async () => {
  // A copy of crm-small whose data holds markup, quotes, tabs, line breaks and CJK.
  const src = path.join(FIXTURES, 'crm-small/before.sqlite3');
  const db = path.join(tmp, 'evil.sqlite3');
  fs.copyFileSync(src, db);
  const evil = `<script>window.__pwned = 1</script> & "quotes" 'single'\ttab\nline 東京`;
  const sqlite = process.env.SQLITE3 || '/usr/bin/sqlite3';
  // The markup goes in with the real sqlite3 shell (scripts/setup installs it): without
  // it this test fails, never passes having checked nothing.
  assert.ok(fs.existsSync(sqlite), `the sqlite3 shell ${sqlite} is missing (apt-get install sqlite3, or set SQLITE3)`);
  execFileSync(sqlite, [db, `UPDATE employees SET first_name = '${evil.replace(/'/g, "''")}' WHERE id = (SELECT min(id) FROM employees WHERE user_id IS NOT NULL)`]);
  const { html } = makeReport(db, 'report-evil');
  const text = fs.readFileSync(html, 'utf8');
  assert.doesNotMatch(text, /<script/i);
  const { page, log } = await open(html);
  try {
    assert.equal(await page.evaluate(() => window.__pwned), undefined, 'nothing ran');
    assert.equal(await page.evaluate(() => document.scripts.length), 0);
    assert.ok((await page.textContent('body')).includes('<script>window.__pwned = 1</script>'), 'the value is shown as text');
    assert.deepEqual(consoleErrors(log), []);
  } finally {
    await page.close();
  }
});
