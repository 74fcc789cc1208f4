// Puts a generated section into docs/benchmarks.md between its markers, replacing what
// an earlier run put there, so a benchmark run alone updates its own section without a
// whole `bench/run`:
//   node bench/splice.mjs NAME SECTION.md DOC.md [--before HEADING]
// The section sits between "<!-- NAME: generated ... -->" and "<!-- end NAME -->". Where
// DOC.md has no such section yet it goes before the line HEADING (e.g. "## How to
// reproduce"), or at the end.
import fs from 'node:fs';

export function splice(name, section, doc, before = null) {
  const begin = `<!-- ${name}:`;
  const end = `<!-- end ${name} -->`;
  const text = fs.readFileSync(doc, 'utf8');
  const body = section.replace(/\n*$/, '\n');
  const at = text.indexOf(begin);
  const stop = at >= 0 ? text.indexOf(end, at) : -1;
  let out;
  if (at >= 0 && stop >= 0) {
    out = text.slice(0, at) + body + text.slice(stop + end.length).replace(/^\n/, '');
  } else {
    const h = before ? text.indexOf('\n' + before + '\n') : -1;
    out = h >= 0 ? text.slice(0, h + 1) + body + '\n' + text.slice(h + 1) : text.replace(/\n*$/, '\n\n') + body;
  }
  fs.writeFileSync(doc, out);
}

if (process.argv[1] && process.argv[1].endsWith('splice.mjs')) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--before');
  const before = i >= 0 ? args.splice(i, 2)[1] : null;
  const [name, sectionFile, doc] = args;
  if (!name || !sectionFile || !doc) {
    console.error('usage: node bench/splice.mjs NAME SECTION.md DOC.md [--before HEADING]');
    process.exit(2);
  }
  splice(name, fs.readFileSync(sectionFile, 'utf8'), doc, before);
}
