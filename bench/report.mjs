// Turns bench/results/ (written by bench/run) into the Markdown of docs/benchmarks.md:
// the measured numbers, their ratios to the baselines of the same run, which aims
// are met, how to reproduce, machine notes, and the findings of bench/findings.md.
//   node bench/report.mjs bench/results > docs/benchmarks.md
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2] ?? 'bench/results';
const here = dirname(fileURLToPath(import.meta.url));
const json = (f) => (existsSync(join(dir, f)) ? JSON.parse(readFileSync(join(dir, f), 'utf8')) : null);
const text = (f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');

const machine = json('machine.json') ?? {};
const run = json('run.json') ?? {};
const smoke = json('smoke.json') ?? {};
const loads = { native: json('load-native.json') ?? [], wasm: json('load-wasm.json') ?? [] };

const f1 = (x) => (x == null || Number.isNaN(x) ? 'n/a' : x.toFixed(1));
const f0 = (x) => (x == null || Number.isNaN(x) ? 'n/a' : Math.round(x).toLocaleString('en-US'));
const f2 = (x) => (x == null || Number.isNaN(x) ? 'n/a' : x.toFixed(2));
const mark = (ok) => (ok == null ? '?' : ok ? '**met**' : '**not met**');

// ---- normalize: colleagues' bench prints one line per size ----------------------------
// "rows factor floor_cpu (floor_wall) normalize_cpu (normalize_wall) ratio_cpu (ratio_wall) slowest"
function parseNormalize(t) {
  const m = t.match(/^\s*(\d+)\s+(\d+)\s+([\d.]+)\s+\(\s*([\d.]+)\)\s+([\d.]+)\s+\(\s*([\d.]+)\)\s+([\d.]+)\s+\(\s*([\d.]+)\)\s+(.*)$/m);
  if (!m) return null;
  const runs = t.match(/median of (\d+) runs/);
  return {
    rows: +m[1], floor_cpu: +m[3], floor_wall: +m[4], norm_cpu: +m[5], norm_wall: +m[6],
    ratio_cpu: +m[7], ratio_wall: +m[8], slowest: m[9].trim(), runs: runs ? +runs[1] : null,
  };
}
const normalize = { native: [], wasm: [] };
for (const f of readdirSync(dir).filter((n) => /^normalize-(native|wasm)-\d+\.txt$/.test(n))) {
  const [, kind] = f.match(/^normalize-(native|wasm)-/);
  const p = parseNormalize(text(f));
  if (p) normalize[kind].push(p);
}
for (const k of Object.keys(normalize)) normalize[k].sort((a, b) => a.rows - b.rows);

// ---- diff: colleagues' bench prints medians and the ratio ------------------------------
function parseDiff(t) {
  const m = t.match(/median of (\d+): ours ([\d.]+) ms wall \/ ([\d.]+) ms cpu; sqldiff --primarykey ([\d.]+) ms wall \/ ([\d.]+) ms cpu/);
  if (!m) return null;
  const pair = t.match(/^pair: (.*)$/m);
  const changes = t.match(/changes: ours (\d+) rows, sqldiff (\d+) statements(.*)$/m);
  const images = t.match(/ours on in-memory images: median ([\d.]+) ms wall/);
  return {
    runs: +m[1], ours_wall: +m[2], ours_cpu: +m[3], sqldiff_wall: +m[4], sqldiff_cpu: +m[5],
    pair: pair ? pair[1].replace(/\/[^ ]*\/([^/ ]+)/g, (_, f) => basename(f)).replace(/, made in \d+ ms/, '') : '', ours_changes: changes ? +changes[1] : null, sqldiff_statements: changes ? +changes[2] : null,
    agree: changes ? /agree/.test(changes[3]) : null, images_wall: images ? +images[1] : null,
  };
}
const diffs = { normalized: parseDiff(text('diff-normalized.txt')), synthetic: parseDiff(text('diff-synthetic.txt')) };

// ---- aims ---------------------------------------------------------------------------------
const byFormat = (k, fmt) => loads[k].find((r) => r.format === fmt);
const aimLoad = { pgdump: 100, dumpdata: 60 };
const out = [];
const w = (s = '') => out.push(s);

const date = machine.date ? machine.date.replace('T', ' ').replace('Z', ' UTC') : 'unknown';
w('# Benchmarks');
w();
w(`Measured ${date} (${machine.mode ?? '?'} run of \`bench/run\`, commit \`${machine.commit ?? '?'}\`` +
  `${machine.dirty_tree ? ' with uncommitted changes of colleagues in the tree' : ''}), on a shared machine: ` +
  `${machine.nproc ?? '?'} cores, load average ${machine.loadavg_start ?? '?'} at the start. ` +
  'Every figure is the median of several runs and is set against a baseline measured in the same run; ' +
  'the ratios are the result, the absolute numbers move with the neighbours\' load. Native figures are given ' +
  'as CPU time (steadier on an overloaded machine) and wall time; wasm runs in node.');
w();
w('This file is written by `bench/run` (the numbers) from `bench/findings.md` (the analysis); edit the latter.');
w();
w('## Summary');
w();
w('| measure | native | wasm (node) | baseline of the same run | aim | status |');
w('|---|---|---|---|---|---|');
for (const fmt of ['pgdump', 'dumpdata', 'sqlite']) {
  const n = byFormat('native', fmt), m = byFormat('wasm', fmt);
  if (!n) continue;
  const aim = aimLoad[fmt];
  const status = aim == null ? '(no aim)' :
    `${mark(n.load_cpu_mbps >= aim)} on CPU time, ${mark(n.load_mbps >= aim)} on wall time (native)`;
  w(`| load ${fmt}, MB/s (CPU / wall) | ${f1(n.load_cpu_mbps)} / ${f1(n.load_mbps)} | ${m ? `${f1(m.load_cpu_mbps)} / ${f1(m.load_mbps)}` : 'n/a'} ` +
    `| read() ${f0(n.read_mbps)}, memcpy ${f0(n.memcpy_mbps)} MB/s (native) | ${aim ? `>= ${aim} MB/s native` : '-'} | ${status} |`);
}
for (const n of normalize.native) {
  const m = normalize.wasm.find((x) => Math.abs(x.rows - n.rows) < n.rows * 0.01);
  w(`| normalize ${f0(n.rows)} rows, x floor (CPU / wall) | ${f2(n.ratio_cpu)} / ${f2(n.ratio_wall)} | ${m ? f2(m.ratio_wall) : 'n/a'} ` +
    `| floor: copy of every table, ${f0(n.floor_cpu)} ms CPU native${m ? `, ${f0(m.floor_wall)} ms wasm` : ''} | <= 3x | ` +
    `${mark(n.ratio_cpu <= 3)} native${m ? `, ${mark(m.ratio_wall <= 3)} wasm` : ''} |`);
}
for (const [name, d] of Object.entries(diffs)) {
  if (!d) continue;
  w(`| diff, ${name === 'normalized' ? 'before vs normalized after' : 'synthetic pair, ~5% edits'}, x sqldiff (CPU / wall) ` +
    `| ${f2(d.ours_cpu / d.sqldiff_cpu)} / ${f2(d.ours_wall / d.sqldiff_wall)} | not measured | ` +
    `sqldiff --primarykey ${f0(d.sqldiff_wall)} ms wall | <= 1x | ${mark(d.ours_cpu <= d.sqldiff_cpu && d.ours_wall <= d.sqldiff_wall)} |`);
}
w();

w('## a. Load throughput');
w();
const loadDb = loads.native[0];
if (loadDb) {
  w(`A dirty demo snapshot (\`redline demo --employees N --seed ${machine.seed ?? 1} --profile dirty\`) of ` +
    `${f0(loadDb.rows)} rows, exported with \`redline export\` to the other two formats. Per file, in one process and ` +
    'interleaved: `read()` of the file into one buffer, the CLI\'s `read_file()`, `memcpy` of the bytes into a buffer already mapped, ' +
    '`load_snapshot()` (recognition, parsing, the in-memory database with its indexes), and the SQLite floor: the loaded rows ' +
    'copied by `INSERT INTO copy.t SELECT * FROM t` into a fresh in-memory database, indexes built after the rows ' +
    '(what any loader of these rows has to pay to SQLite at least).');
}
w();
w('| build | format | MB | read() MB/s | memcpy MB/s | load ms CPU / wall | load MB/s CPU / wall | load / read() | load / memcpy | SQLite floor ms CPU | load / floor (CPU) |');
w('|---|---|---|---|---|---|---|---|---|---|---|');
for (const k of ['native', 'wasm']) {
  for (const r of loads[k]) {
    w(`| ${k} | ${r.format} | ${f1(r.bytes / 1e6)} | ${f0(r.read_mbps)} | ${f0(r.memcpy_mbps)} | ${f0(r.load_cpu_ms)} / ${f0(r.load_ms)} ` +
      `| ${f1(r.load_cpu_mbps)} / ${f1(r.load_mbps)} | ${f1(r.load_ms / r.read_ms)}x | ${f0(r.load_ms / r.memcpy_ms)}x ` +
      `| ${f0(r.floor_cpu_ms)} | ${f2(r.load_cpu_ms / r.floor_cpu_ms)} |`);
  }
}
w();
w('Ratios to read()/memcpy are on wall time (the baselines are not CPU-bound in the same way). In wasm, CPU time is node\'s ' +
  '`process.cpuUsage()`, which also counts node\'s helper threads (compilation, GC). wasm figures are for the same bytes.');
w();

w('## b. Normalize against the copy floor');
w();
w('The whole normalization (`normalize()`: preflight, E1-E3, M1-M3, C1-C3, I1, P1, checks) on a dirty demo snapshot, ' +
  'against the floor measured in the same run: one plain `INSERT INTO copy.t SELECT * FROM t` of every table into a fresh ' +
  'in-memory database holding the same schema (`bench/normalize_bench.cpp`, run on the snapshot as it is).');
w();
w('| build | rows | floor ms CPU (wall) | normalize ms CPU (wall) | ratio CPU (wall) | slowest steps, ms wall |');
w('|---|---|---|---|---|---|');
for (const k of ['native', 'wasm']) {
  for (const n of normalize[k]) {
    w(`| ${k} | ${f0(n.rows)} | ${f1(n.floor_cpu)} (${f1(n.floor_wall)}) | ${f1(n.norm_cpu)} (${f1(n.norm_wall)}) | ` +
      `${f2(n.ratio_cpu)} (${f2(n.ratio_wall)}) | ${n.slowest} |`);
  }
}
w();
w('In wasm, the bench\'s "CPU" clock is the wall clock (Emscripten\'s `clock()`), so only wall figures are meaningful there.');
w();

w('## c. Diff against sqldiff --primarykey');
w();
w('`bench/diff_bench.cpp`: our diff engine (`diff::diff_databases`, both files opened read-only, whole diff: schema, every ' +
  'table, moves) against `sqldiff --primarykey` (Debian\'s sqlite3-tools, output to /dev/null) on the same two files, ' +
  'alternating, after one warm-up of each. sqldiff is timed as a child process (its start-up, a few ms, included).');
w();
w('| pair | our changes | sqldiff statements | ours ms CPU (wall) | sqldiff ms CPU (wall) | ratio CPU (wall) | ours on in-memory images, ms wall |');
w('|---|---|---|---|---|---|---|');
for (const [name, d] of Object.entries(diffs)) {
  if (!d) continue;
  w(`| ${name === 'normalized' ? 'before / normalized after' : 'synthetic, ~5% edits'}: ${d.pair} | ${f0(d.ours_changes)} | ` +
    `${f0(d.sqldiff_statements)}${d.agree ? ' (agree)' : ''} | ${f0(d.ours_cpu)} (${f0(d.ours_wall)}) | ${f0(d.sqldiff_cpu)} (${f0(d.sqldiff_wall)}) | ` +
    `${f2(d.ours_cpu / d.sqldiff_cpu)} (${f2(d.ours_wall / d.sqldiff_wall)}) | ${f0(d.images_wall)} |`);
}
w();
w('On the normalized pair the two counts differ by design: the normalization changes the tables\' columns, and sqldiff then ' +
  'writes a statement per row of each changed table (and of the new tables), where ours counts changed rows by key.');
w();

// ---- d. scale: bench/scale's sweep over sizes ---------------------------------------------
const scale = { native: [], wasm: [], chromium: [], sqldiff: {} };
const scaleMeta = json('scale-meta.json') ?? {};
for (const f of readdirSync(dir).filter((n) => /^scale-(native|wasm|chromium|sqldiff)-\d+\.json$/.test(n))) {
  const [, kind, target] = f.match(/^scale-(\w+)-(\d+)\.json$/);
  const j = json(f);
  if (kind === 'sqldiff') scale.sqldiff[target] = j.sqldiff_wall_ms;
  else if (kind === 'chromium') for (const r of (Array.isArray(j) ? j : [j])) scale.chromium.push({ ...r, target: +target });
  else scale[kind].push({ ...j, target: +target });
}
for (const k of ['native', 'wasm', 'chromium']) scale[k].sort((a, b) => a.target - b.target);
const ph = (r, name) => (r && r.phases && r.phases[name] ? r.phases[name].wall_ms : null);
// Least-squares slope of log(time) against log(rows): 1 is linear.
function slope(points) {
  const p = points.filter(([x, y]) => x > 0 && y > 0).map(([x, y]) => [Math.log(x), Math.log(y)]);
  if (p.length < 2) return null;
  const mx = p.reduce((s, [x]) => s + x, 0) / p.length, my = p.reduce((s, [, y]) => s + y, 0) / p.length;
  let num = 0, den = 0;
  for (const [x, y] of p) { num += (x - mx) * (y - my); den += (x - mx) * (x - mx); }
  return den ? num / den : null;
}
if (scale.native.length) {
  w('## d. Scale: every phase from 10k to 3M rows (native, wasm in node, the page in Chromium)');
  w();
  w('`bench/scale` (run by `bench/run`): dirty demo snapshots of about 10k, 100k, 1M and 3M rows, each phase timed by ' +
    '`bench/scale_bench.cpp` natively and in wasm (node), and the page itself in Chromium (`bench/browser_bench.mjs`, ' +
    'software WebGL). Floors and peers of the same run: read and memcpy of the SQLite file, one `INSERT ... SELECT *` copy ' +
    'of every table (the engine\'s floor), `sqldiff --primarykey` on the same before/after pair. Wall ms, medians (3 runs; ' +
    '1 at 3M rows). "normalize" includes its own preflight; "e2e" = load (SQLite file) + preflight + normalize + diff + checks. ' +
    'Peak memory: the process\'s peak RSS natively; the wasm heap at the end (it never shrinks) in node and in the page.' +
    (scaleMeta.date ? ` Measured ${scaleMeta.date.replace('T', ' ').replace('Z', ' UTC')} at commit \`${scaleMeta.commit}\`, load average ${scaleMeta.loadavg_start} at the start.` : ''));
  w();
  w('![time against rows, log-log](bench-scale.svg)');
  w();
  w('| build | rows | MB | read | memcpy | load sqlite | load pgdump | load dumpdata | preflight | floor | normalize | x floor | diff | sqldiff | x sqldiff | checks | report | e2e | peak MB | peak / file |');
  w('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const k of ['native', 'wasm']) {
    for (const r of scale[k]) {
      if (r.error) { w(`| ${k} | ${f0(r.target)} | | ${r.error} |`); continue; }
      const sq = scale.sqldiff[r.target];
      const mb = r.bytes.sqlite / 1e6;
      w(`| ${k} | ${f0(r.rows)} | ${f1(mb)} | ${f1(ph(r, 'read'))} | ${f1(ph(r, 'memcpy'))} | ${f0(ph(r, 'load_sqlite'))} | ${f0(ph(r, 'load_pgdump'))} | ` +
        `${f0(ph(r, 'load_dumpdata'))} | ${f0(ph(r, 'preflight'))} | ${f0(ph(r, 'floor'))} | ${f0(ph(r, 'normalize'))} | ` +
        `${f2(ph(r, 'normalize') / ph(r, 'floor'))} | ${f0(ph(r, 'diff'))} | ${sq != null ? f0(sq) : 'n/a'} | ` +
        `${sq ? f2(ph(r, 'diff') / sq) : 'n/a'} | ${f0(ph(r, 'checks'))} | ${f0(ph(r, 'report'))} | ${f0(ph(r, 'e2e'))} | ` +
        `${f0(r.peak_bytes / 1e6)} | ${f2(r.peak_bytes / r.bytes.sqlite)} |`);
    }
  }
  w();
  if (scale.chromium.length) {
    w('The page in Chromium (one run per size): `load` is `redline.load(bytes)` until the snapshot is shown (load, checks, ' +
      'recognition, preflight); `run` is `redline.normalize()` until the report is back (copy, normalize, diff, moves, checks), ' +
      'of which `normalize` is the report\'s step times; `report` is the HTML report; frame gaps are measured by the page\'s ' +
      'requestAnimationFrame; `scroll` is the frame time while the mouse wheel scrolls the diff of the table with the most changes.');
    w();
    w('| rows | MB | load | run | of it normalize | report | e2e | x native e2e | heap MB (empty page) | heap / file | max frame gap load / run | scroll frame median / p95 | table scrolled |');
    w('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of scale.chromium) {
      if (r.error) { w(`| ${f0(r.target)} | | ${r.error} |`); continue; }
      const n = scale.native.find((x) => x.target === r.target);
      w(`| ${f0(r.rows)} | ${f1(r.bytes / 1e6)} | ${f0(r.load_ms)} | ${f0(r.run_ms)} | ${f0(r.normalize_ms)} | ${f0(r.report_ms)} | ${f0(r.e2e_ms)} | ` +
        `${n ? f2(r.e2e_ms / ph(n, 'e2e')) : 'n/a'} | ${f0(r.heap_bytes / 1e6)} (${f0((r.heap_start_bytes ?? 0) / 1e6)}) | ${f2(r.heap_bytes / r.bytes)} | ` +
        `${f0(r.frames_max_gap_load_ms)} / ${f0(r.frames_max_gap_run_ms)} | ${f1(r.scroll_median_ms)} / ${f1(r.scroll_p95_ms)} | ` +
        `${r.biggest_table ?? ''} (${f0(r.biggest_changes)} changes) |`);
    }
    w();
  }
  // Aims (issue #7), where each stands.
  const big = (arr) => arr.filter((r) => !r.error).sort((a, b) => b.target - a.target);
  const at = (arr, t) => arr.find((r) => r.target === t && !r.error);
  const c1m = at(scale.chromium, 1000000), n1m = at(scale.native, 1000000), w1m = at(scale.wasm, 1000000);
  const c3m = at(scale.chromium, 3000000), n3m = at(scale.native, 3000000);
  w('| aim | measured | status |');
  w('|---|---|---|');
  if (c1m) w(`| 1M rows end to end in Chromium within 6 s | ${f0(c1m.e2e_ms)} ms (${f0(c1m.rows)} rows) | ${mark(c1m.e2e_ms <= 6000)} |`);
  for (const r of scale.native.filter((x) => !x.error)) {
    w(`| normalize within 3x the copy floor, native, ${f0(r.rows)} rows | ${f2(ph(r, 'normalize') / ph(r, 'floor'))}x | ${mark(ph(r, 'normalize') <= 3 * ph(r, 'floor'))} |`);
  }
  for (const r of scale.native.filter((x) => !x.error && scale.sqldiff[x.target])) {
    const sq = scale.sqldiff[r.target];
    w(`| diff no slower than sqldiff, ${f0(r.rows)} rows | ${f2(ph(r, 'diff') / sq)}x | ${mark(ph(r, 'diff') <= sq)} |`);
  }
  if (w1m && n1m) w(`| wasm (node) within 2x native, 1M rows end to end | ${f2(ph(w1m, 'e2e') / ph(n1m, 'e2e'))}x | ${mark(ph(w1m, 'e2e') <= 2 * ph(n1m, 'e2e'))} |`);
  if (c1m && n1m) w(`| wasm (Chromium) within 2x native, 1M rows end to end | ${f2(c1m.e2e_ms / ph(n1m, 'e2e'))}x | ${mark(c1m.e2e_ms <= 2 * ph(n1m, 'e2e'))} |`);
  for (const r of big(scale.chromium).slice(0, 2)) {
    w(`| peak memory within 4x the snapshot, Chromium, ${f0(r.rows)} rows | ${f2(r.heap_bytes / r.bytes)}x | ${mark(r.heap_bytes <= 4 * r.bytes)} |`);
  }
  w(`| 3M rows complete | native: ${n3m ? 'yes' : 'no'}; Chromium: ${c3m ? 'yes' : (scale.chromium.find((r) => r.target === 3000000)?.error ?? 'not run')} | ${mark(!!(n3m && c3m))} |`);
  if (c1m) w(`| scrolling the diff of a 1M-row snapshot: frame time under 33 ms (software WebGL) | p95 ${f1(c1m.scroll_p95_ms)} ms | ${mark(c1m.scroll_p95_ms < 33)} |`);
  const slopes = [];
  for (const name of ['load_sqlite', 'load_pgdump', 'load_dumpdata', 'preflight', 'normalize', 'diff', 'checks', 'e2e']) {
    const s = slope(scale.native.filter((r) => !r.error).map((r) => [r.rows, ph(r, name)]));
    if (s != null) slopes.push(`${name} ${f2(s)}`);
  }
  const cs = slope(scale.chromium.filter((r) => !r.error).map((r) => [r.rows, r.e2e_ms]));
  w(`| cost grows linearly with rows (log-log slope 1) | native: ${slopes.join(', ')}${cs != null ? `; Chromium e2e ${f2(cs)}` : ''} | ` +
    `${mark(slopes.length > 0 && slopes.every((x) => +x.split(' ')[1] <= 1.15))} (slope <= 1.15) |`);
  w();
}

// A section a script wrote as markdown in the results (its own "# title" line replaced).
const spliced = (file, title) => {
  const body = text(file).trim();
  if (!body) return;
  w(`## ${title}`);
  w();
  w(body.replace(/^# .*\n+/, ''));
  w();
};
// e. the PostgreSQL script against Django (bench/run --pg: bench/pg_script_bench.sh);
// f. the whole CLI run against the copy floor and Django (bench/cli_bench.sh).
spliced('pg_script.md', 'e. The PostgreSQL migration script against Django\'s migration');
// Written whole by bench/cli_bench.sh, between the markers its --docs replaces alone.
const cliSection = text('cli_run_section.md').trim();
if (cliSection) {
  w(cliSection);
  w();
}

w('## How to reproduce');
w();
w('```');
w('bench/run            # full run: ~4 min of measurements on 2 cores, plus the build of build/bench + build/bench-wasm');
w('                     # (~10 min the first time at -j2, incremental after); writes this file');
w('bench/run --quick    # ~1 min once built, smaller sizes; writes bench/results/benchmarks.md only');
w('bench/run --no-build # measure with the binaries already built');
w('bench/run --no-scale # without the size sweep (d.), which takes ~20 min more with its 3M-row snapshot');
w('bench/run --pg       # also e.: bench/pg_script_bench.sh (as root; PostgreSQL 15, python3-django, python3-psycopg2; ~10 min)');
w('bench/cli_bench.sh [--quick]   # f. alone (~10 min; --quick: ~2 min): the whole CLI run against the copy floor and Django');
w('bench/scale [--sizes 10000,100000] [--no-browser]   # the size sweep alone; then node bench/report.mjs bench/results');
w('```');
w();
w('Single pieces: `build/bench/bench/redline_bench_load [--repeat R] FILE...`, ' +
  '`node --no-experimental-fetch build/bench-wasm/redline_bench_load.js FILE...`, ' +
  '`build/bench/bench/redline_bench_normalize SNAPSHOT --sizes 1`, ' +
  '`build/bench/bench/redline_bench_diff [--rows N | --pair BEFORE AFTER]`. ' +
  'Snapshots: `build/bench/redline demo --employees N --seed 1 --profile dirty --out F` then ' +
  '`redline export F --format pgdump|dumpdata --out G`. The wasm CLI: `scripts/build bench`, then ' +
  '`node --no-experimental-fetch build/bench-wasm/redline-cli.js ...` (or `scripts/build wasm-cli` for build/wasm/redline-cli.js).');
w();

w('## Machine notes');
w();
w(`- ${machine.nproc ?? '?'} cores (${machine.cpu || 'unknown CPU'}), ${machine.mem_gb ?? '?'} GB RAM, Linux ${machine.kernel ?? '?'}; ` +
  `shared with several colleagues building and testing at the same time.`);
w(`- Load average at the start: ${machine.loadavg_start ?? '?'}; at the end: ${run.loadavg_end ?? '?'}; the whole run took ${run.seconds ?? '?'} s.`);
const lt = text('loadavg.tsv').trim();
if (lt) {
  w(`- Load average when each part started: ${lt.split('\n').map((l) => { const [s, , a] = l.split('\t'); return `${s} ${a.split(' ')[0]}`; }).join(', ')}.`);
}
w(`- ${machine.cxx ?? 'c++'} (native, -O3 Release); Emscripten ${machine.emcc ?? '?'} (-O3, -fwasm-exceptions, NODERAWFS); node ${machine.node ?? '?'}; ` +
  `sqldiff ${machine.sqldiff ?? '?'} (Debian's SQLite; Redline links the SQLite 3.53 amalgamation of .deps/).`);
w('- Inputs are hot in the page cache (just generated, or read by the previous repetition); `read()` reuses one buffer, so its ' +
  'figure is the kernel\'s copy speed, while `read_file()` pays for fresh pages as the CLI does.');
w(`- The wasm CLI writes byte-identical exports to the native one: ${smoke.wasm_cli_export_identical === true ? 'yes' : smoke.wasm_cli_export_identical === false ? '**no**' : 'not checked'} (checked in the run).`);
w('- No hardware counters in this VM (`perf stat -e instructions` says "not supported"); profiles below are `perf record -e cpu-clock` samples.');
w();
const findings = join(here, 'findings.md');
if (existsSync(findings)) {
  w(readFileSync(findings, 'utf8').trim());
  w();
}
process.stdout.write(out.join('\n'));
