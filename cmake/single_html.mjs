// Makes dist-single/redline.html: the whole page as ONE file a person can be sent and
// open from file:// with nothing beside it. It takes the -sSINGLE_FILE build's folder
// (index.html, style.css and the scripts; both wasm modules are already base64 inside
// redline.js and redline-engine-src.js) and inlines the stylesheet and every script
// into the HTML. The Content-Security-Policy then allows exactly those inline texts by
// their SHA-256 (no 'unsafe-inline') and connect-src is 'none': the page fetches
// nothing, not even its own folder.
//   node single_html.mjs BUILD_DIR OUT_HTML
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const [dir, out] = process.argv.slice(2);
if (!dir || !out) {
  console.error('usage: node single_html.mjs BUILD_DIR OUT_HTML');
  process.exit(2);
}
const read = (name) => {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    console.error(`single_html: ${file} missing (build the redline_app_single target first)`);
    process.exit(1);
  }
  return fs.readFileSync(file, 'utf8');
};

// Inside <script>/<style> the HTML parser ends the element at "</script" or "</style"
// and changes state at "<!--", wherever they are (a JS string, a comment, the JSON of
// the worker's source). Escaped as "<\/" and "<\!--" they mean the same to JavaScript
// (in strings, regular expressions and comments) and nothing to the HTML parser.
// Carriage returns become line feeds, as the HTML parser would make them before the
// browser hashes the element's text for the CSP.
const inert = (text) => text.replace(/\r\n?/g, '\n').replace(/<\/(script|style)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
const sha256 = (text) => `'sha256-${crypto.createHash('sha256').update(text, 'utf8').digest('base64')}'`;

let html = read('index.html');
const scriptHashes = [];
const styleHashes = [];
html = html.replace(/<link rel="stylesheet" href="([^"]+)">/g, (_, name) => {
  const css = inert(read(name));
  styleHashes.push(sha256(css));
  return `<style>${css}</style>`;
});
html = html.replace(/<script src="([^"]+)"><\/script>/g, (_, name) => {
  const js = inert(read(name));
  scriptHashes.push(sha256(js));
  return `<script>${js}</script>`;
});
if (/<(script|link)[^>]+(src|href)="(?!data:)/i.test(html.replace(/<script>[\s\S]*?<\/script>/g, ''))) {
  console.error('single_html: index.html still refers to a file after inlining');
  process.exit(1);
}
const csp = /content="(default-src[^"]*)"/;
if (!csp.test(html)) {
  console.error('single_html: index.html has no Content-Security-Policy to adapt');
  process.exit(1);
}
html = html.replace(csp, (_, policy) => {
  const p = policy
    .replace(/script-src [^;]*/, `script-src ${scriptHashes.join(' ')} 'wasm-unsafe-eval'`)
    .replace(/style-src [^;]*/, `style-src ${styleHashes.join(' ')}`)
    .replace(/connect-src [^;]*/, "connect-src 'none'")
    .replace(/font-src [^;]*/, "font-src 'none'");
  return `content="${p}"`;
});
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, html);
