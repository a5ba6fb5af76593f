// Writes Adaptation Lab as one self-contained HTML file that works when opened from file://
// (course sites that accept only uploads, seminars without network): the stylesheet and every
// script inlined, the export build's wasm as base64 (it draws and writes SVG), and no module
// imports. Each ES module becomes a function scope returning its exports, so their private
// names cannot collide. A Content-Security-Policy with hashes of the inline script and style
// replaces the served page's 'self' policy.
//   node scripts/single-file.mjs dist/adaptation-lab.html
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (file) => readFileSync(path.join(ROOT, file), 'utf8');
const out = process.argv[2] || path.join(ROOT, 'dist/adaptation-lab.html');

// One module as a function scope: imports dropped (their names are bound by earlier modules),
// `export` removed from declarations and the exported names returned.
function scoped(file, source) {
  const names = [];
  const body = source.split('\n').filter((line) => !/^import .* from '[^']+';$/.test(line)).map((line) => {
    const declared = line.match(/^export (?:async function|function|const|let|class) ([\w$]+)/);
    if (declared) {
      names.push(declared[1]);
      return line.replace(/^export /, '');
    }
    const list = line.match(/^export \{(.*)\};$/);
    if (list) {
      for (const item of list[1].split(',')) {
        const [local, exported] = item.trim().split(/\s+as\s+/);
        names.push(exported ? `${exported}: ${local}` : local);
      }
      return '';
    }
    if (/^export /.test(line) || /^import /.test(line)) throw new Error(`${file}: cannot inline '${line}'`);
    return line;
  }).join('\n');
  return `(() => {\n${body}\nreturn { ${names.join(', ')} };\n})()`;
}

const names = (source) => [...source.matchAll(/^export (?:async function|function|const|let|class) ([\w$]+)/gm)].map((m) => m[1]);
// The wasm travels gzip-compressed (then base64) and the page inflates it with the browser's own
// DecompressionStream: the file is about half as large as with the raw wasm in base64.
const wasm = gzipSync(readFileSync(path.join(ROOT, 'www/pkg-export/adaptlab_bg.wasm')), { level: 9 }).toString('base64');
const modules = ['www/dom.js', 'www/classroom.js', 'www/export.js', 'www/data-table.js', 'www/readout.js', 'www/drag.js', 'www/pool.js', 'www/controls.js', 'www/work.js', 'www/transport.js', 'www/shipped.js', 'www/tour.js', 'www/tour-stops.js',
  'www/glossary-terms.js', 'www/glossary.js'];
// The export actions and the worker pool, which the page imports on first use, are scopes of
// their own here.
const lazy = (source) => source.replace("import('./export-actions.js')", 'Promise.resolve(exportActions)')
  .replace("import('./pool.js')", 'Promise.resolve({ poolSize, createPool })')
  .replace("import('./drag.js')", 'Promise.resolve({ wireDragging })')
  .replace("import('./tour.js')", 'Promise.resolve({ showStop })')
  .replace("import('./tour-stops.js')", 'Promise.resolve({ stops })')
  .replace("import('./glossary.js')", 'Promise.resolve({ wireGlossary })');
let script = '';
for (const file of modules) {
  script += `const { ${names(read(file)).join(', ')} } = ${scoped(file, lazy(read(file)))};\n`;
  if (file === 'www/dom.js') script += `const exportActions = ${scoped('www/export-actions.js', read('www/export-actions.js'))};\n`;
}
script += `const glue = ${scoped('glue', read('www/pkg-export/adaptlab.js'))};\n`;
script += `const { Lab, __wbg_reset_state: resetWasm } = glue;\n`;
script += `const { route } = ${scoped('www/landing.js', lazy(read('www/landing.js')))};\n`;
script += `const init = async () => {
  const packed = Uint8Array.from(atob(document.getElementById('adaptlab-wasm').textContent), (c) => c.charCodeAt(0));
  const bytes = await new Response(new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
  return glue.default({ module_or_path: bytes });
};\n`;
script += `${scoped('www/main.js', lazy(read('www/main.js')))};\n`;

const style = read('www/style.css');
const sha = (text) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
const policy = `default-src 'none'; script-src ${sha(script)} 'wasm-unsafe-eval'; style-src ${sha(style)}; img-src data: blob:`;
let html = read('index.html');
const replace = (pattern, text) => {
  if (!pattern.test(html)) throw new Error(`index.html has no ${pattern}`);
  html = html.replace(pattern, () => text);
};
replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, `<meta http-equiv="Content-Security-Policy" content="${policy}">`);
replace(/<link rel="icon"[^>]*>/, '<link rel="icon" href="data:,">');
replace(/<link rel="stylesheet" href="www\/style.css">/, `<style>${style}</style>`);
replace(/<script type="module" src="www\/main.js"><\/script>/, `<script type="module">${script}</script>`);
// The landing page's thumbnails are files beside the served page; the single file's cards go
// without them (its budget holds the wasm, not pictures of what it draws).
html = html.replace(/<img src="www\/thumbs\/[^"]+"[^>]*>/g, '');
replace(/<\/body>/, `<script type="application/octet-stream" id="adaptlab-wasm">${wasm}</script>\n</body>`);
writeFileSync(out, html);
const gzipped = gzipSync(html, { level: 9 }).length;
console.log(`single file ${out}: ${html.length} B, ${gzipped} B gzipped (budget 450 KB)`);
