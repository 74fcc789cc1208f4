// The plot of bench/scale's sweep: time against rows on log-log axes, one line per
// phase and build, with a dotted line of slope 1 (linear cost) for reference.
// Plain SVG, no plotting library.
//   node bench/plot.mjs bench/results docs/bench-scale.svg
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir = 'bench/results', out = 'docs/bench-scale.svg'] = process.argv.slice(2);
const rowsOf = {};
const series = new Map();  // label -> [[rows, ms]]
const add = (label, rows, ms) => {
  if (!(rows > 0 && ms > 0)) return;
  if (!series.has(label)) series.set(label, []);
  series.get(label).push([rows, ms]);
};
const files = existsSync(dir) ? readdirSync(dir).filter((n) => /^scale-\w+-\d+\.json$/.test(n)) : [];
for (const f of files) {
  const [, kind, target] = f.match(/^scale-(\w+)-(\d+)\.json$/);
  const j = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  if (kind === 'native' || kind === 'wasm') {
    if (j.error) continue;
    rowsOf[target] = j.rows;
    for (const name of ['load_sqlite', 'load_pgdump', 'normalize', 'floor', 'diff', 'checks', 'e2e']) {
      if (kind === 'wasm' && name !== 'e2e' && name !== 'normalize') continue;
      if (j.phases[name]) add(`${kind} ${name}`, j.rows, j.phases[name].wall_ms);
    }
  }
}
for (const f of files) {
  const [, kind, target] = f.match(/^scale-(\w+)-(\d+)\.json$/);
  const j = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  if (kind === 'sqldiff') add('sqldiff (peer of diff)', rowsOf[target], j.sqldiff_wall_ms);
  if (kind === 'chromium') for (const r of (Array.isArray(j) ? j : [j])) if (!r.error) add('chromium e2e', r.rows, r.e2e_ms);
}
if (!series.size) {
  console.error(`plot: no scale results in ${dir} (run bench/scale)`);
  process.exit(1);
}
for (const v of series.values()) v.sort((a, b) => a[0] - b[0]);

const W = 900, H = 560, L = 70, R = 230, T = 30, B = 50;
const all = [...series.values()].flat();
const lx = (x) => Math.log10(x);
const x0 = Math.floor(lx(Math.min(...all.map((p) => p[0])))), x1 = Math.ceil(lx(Math.max(...all.map((p) => p[0]))));
const y0 = Math.floor(lx(Math.min(...all.map((p) => p[1])))), y1 = Math.ceil(lx(Math.max(...all.map((p) => p[1]))));
const px = (x) => L + ((lx(x) - x0) / (x1 - x0)) * (W - L - R);
const py = (y) => H - B - ((lx(y) - y0) / (y1 - y0)) * (H - T - B);
const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#000000'];
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
const o = [];
o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, sans-serif" font-size="12">`);
o.push(`<rect width="${W}" height="${H}" fill="white"/>`);
o.push(`<text x="${L}" y="18" font-size="14">Redline: wall time against rows (log-log), ${new Date().toISOString().slice(0, 10)}</text>`);
for (let e = x0; e <= x1; e++) {
  const x = px(10 ** e);
  o.push(`<line x1="${x}" y1="${T}" x2="${x}" y2="${H - B}" stroke="#ddd"/>`);
  o.push(`<text x="${x}" y="${H - B + 16}" text-anchor="middle">${(10 ** e).toLocaleString('en-US')}</text>`);
}
for (let e = y0; e <= y1; e++) {
  const y = py(10 ** e);
  o.push(`<line x1="${L}" y1="${y}" x2="${W - R}" y2="${y}" stroke="#ddd"/>`);
  o.push(`<text x="${L - 6}" y="${y + 4}" text-anchor="end">${10 ** e >= 1000 ? `${10 ** (e - 3)} s` : `${10 ** e} ms`}</text>`);
}
o.push(`<text x="${(L + W - R) / 2}" y="${H - 10}" text-anchor="middle">rows in the snapshot</text>`);
o.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#888"/>`);
// Slope 1 through the first point of native e2e: what linear growth looks like.
const ref = series.get('native e2e');
if (ref && ref.length) {
  const [rx, ry] = ref[0];
  const xe = 10 ** x1;
  o.push(`<line x1="${px(rx)}" y1="${py(ry)}" x2="${px(xe)}" y2="${py(ry * (xe / rx))}" stroke="#999" stroke-dasharray="2,4"/>`);
}
let k = 0;
for (const [label, pts] of series) {
  const c = colors[k % colors.length];
  const dash = label.startsWith('wasm') ? ' stroke-dasharray="6,3"' : label.startsWith('chromium') ? ' stroke-dasharray="10,3,2,3"' : '';
  o.push(`<polyline fill="none" stroke="${c}" stroke-width="2"${dash} points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
  for (const [x, y] of pts) o.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${c}"/>`);
  const ly = T + 14 + k * 18;
  o.push(`<line x1="${W - R + 12}" y1="${ly - 4}" x2="${W - R + 40}" y2="${ly - 4}" stroke="${c}" stroke-width="2"${dash}/>`);
  o.push(`<text x="${W - R + 46}" y="${ly}">${esc(label)}</text>`);
  k++;
}
const ly = T + 14 + k * 18;
o.push(`<line x1="${W - R + 12}" y1="${ly - 4}" x2="${W - R + 40}" y2="${ly - 4}" stroke="#999" stroke-dasharray="2,4"/>`);
o.push(`<text x="${W - R + 46}" y="${ly}">slope 1 (linear)</text>`);
o.push('</svg>');
writeFileSync(out, o.join('\n') + '\n');
console.log(`plot: wrote ${out} (${series.size} series)`);
