// What the export and import buttons do (loaded on first use; `export.js` wires the buttons).
// PNG at twice the figure's size with a caption holding the settings and the permalink; SVG
// drawn by the same Rust plotting code through plotters' SVG backend (the SVG writer is a second
// wasm build, loaded on the first SVG export; the single-file page has it built in); CSV of the
// plotted series; JSON of the full state. Imports: a saved state, matrices for the linear
// lesson, a prior for the risk lesson, each checked by the Rust core like a link.
import { $, announce, download, pageAddress, showError, showNotices } from './dom.js';

let page = null;

// The page interface the actions work on.
export function usePage(pageInterface) {
  page = pageInterface;
}
const STATE_FORMAT = 'adaptlab-state';

const baseName = (figure) => `adaptlab-${page.lab().view()}-${figure.dataset.figure}`;
const permalink = () => `${pageAddress()}#${page.lab().fragment()}`;
// The caption names only the settings in effect: a setting that changes nothing in this state
// (Rust decides which, as for the controls the page hides) or that is not set is left out; a
// choice is named by the words its menu shows.
const settingText = (control) => {
  const input = document.querySelector(`main.lesson:not([hidden]) select[data-key="${control.key}"]`);
  return input?.selectedOptions[0]?.textContent ?? control.value;
};
const settingsLine = () => page.lab().controls()
  .filter((c) => c.applies && c.value !== '')
  .map((c) => `${c.label} = ${settingText(c)}`).join(', ');

export function png(figure) {
  const lab = page.lab();
  const key = figure.dataset.figure;
  const [width, height] = lab.figure_size(key);
  const scale = 2;
  const plot = Object.assign(document.createElement('canvas'), { width: width * scale, height: height * scale });
  lab.draw(key, plot, scale, false); // exports use the light palette, which prints well
  const line = 16 * scale;
  const out = Object.assign(document.createElement('canvas'), { width: plot.width, height: plot.height + 2 * line + 8 * scale });
  const context = out.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, out.width, out.height);
  context.drawImage(plot, 0, 0);
  context.fillStyle = '#333333';
  context.font = `${11 * scale}px system-ui, sans-serif`;
  const left = 8 * scale;
  const room = out.width - 2 * left;
  context.fillText(`Adaptation Lab — ${$('h2, h3', figure).textContent}. ${settingsLine()}`, left, plot.height + line, room);
  context.fillText(permalink(), left, plot.height + 2 * line, room);
  out.toBlob((blob) => download(`${baseName(figure)}.png`, blob), 'image/png');
}

// An SVG writer for the current state: this page's own Lab when it was built with SVG support,
// else the export build, brought to the same state and the same amount of finished work.
let exportModule = null;
async function svgOf(key) {
  const lab = page.lab();
  if (typeof lab.svg === 'function') return lab.svg(key, false);
  if (!exportModule) {
    exportModule = await import('./pkg-export/adaptlab.js');
    await exportModule.default();
  }
  const writer = new exportModule.Lab();
  try {
    writer.load(lab.fragment());
    writer.compute();
    const target = page.progress().done;
    for (let progress = writer.advance(0); progress.done < Math.min(target, progress.total);) {
      const started = performance.now();
      while (progress.done < Math.min(target, progress.total) && performance.now() - started < 12) progress = writer.advance(1);
      announce(`Preparing the SVG: ${progress.done} of ${target}`);
      await new Promise((resolve) => setTimeout(resolve, 0)); // let the page breathe
    }
    writer.compute();
    return writer.svg(key, false);
  } finally {
    writer.free();
  }
}

const escapeXml = (text) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

export async function svg(figure, button) {
  button.disabled = true;
  try {
    const drawing = await svgOf(figure.dataset.figure);
    const described = drawing.replace(/<svg[^>]*>/, (open) =>
      `${open}\n<title>${escapeXml(`Adaptation Lab — ${$('h2, h3', figure).textContent}`)}</title>\n<desc>${escapeXml(`${settingsLine()}. ${permalink()}`)}</desc>`);
    download(`${baseName(figure)}.svg`, new Blob([described], { type: 'image/svg+xml' }));
  } catch (error) {
    showError(error);
  } finally {
    button.disabled = false;
  }
}

export function csv(figure) {
  // Long form figure,series,x,y,legend, written by Rust for this figure alone.
  download(`${baseName(figure)}.csv`, new Blob([page.lab().figureCsv(figure.dataset.figure)], { type: 'text/csv' }));
}

function stateJson() {
  const lab = page.lab();
  return {
    format: STATE_FORMAT,
    version: 1,
    view: lab.view(),
    link: permalink(),
    fragment: lab.fragment(),
    settings: Object.fromEntries(lab.controls().map((c) => [c.key, c.value])),
  };
}

export function json(figure) {
  download(`${baseName(figure)}.json`, new Blob([JSON.stringify(stateJson(), null, 2) + '\n'], { type: 'application/json' }));
}

// Reads a saved state. The file's shape is checked here; its values are validated by the same
// Rust code as any link, which repairs and reports what is wrong. A file that is not a saved
// state changes nothing.
export function stateFromFile(text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`the file is not JSON (${error.message}).`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('the file holds no JSON object.');
  if (data.format !== STATE_FORMAT) throw new Error(`"format" must be "${STATE_FORMAT}" (a state saved by Adaptation Lab's JSON export).`);
  if (typeof data.fragment !== 'string') throw new Error('"fragment" must be text such as "v=1&view=lora-linear&R=3".');
  if (data.fragment.length > 4096) throw new Error('"fragment" is longer than any saved state (4096 characters).');
  return data.fragment;
}

// A prior file (the `adaptlab solve` prior JSON: weights, mu, w, sigma_x, sigma_y, sigma_mu,
// sigma_w, and optionally task {mu, w}; bare or under "prior") becomes the link's `cp` text as
// is; the Rust core checks it like any link and says which field is wrong.
export function priorText(data) {
  const prior = data && typeof data === 'object' && data.prior && typeof data.prior === 'object' ? data.prior : data;
  if (!prior || typeof prior !== 'object' || Array.isArray(prior)) throw new Error('the file holds no prior (an object with weights, mu, w and the σ\'s).');
  // Numbers joined by ',', vectors (skills) by '/'.
  const flat = (v) => (!Array.isArray(v) ? String(v)
    : v.some(Array.isArray) ? v.map((x) => (Array.isArray(x) ? x.join(',') : String(x))).join('/') : v.join(','));
  const parts = [['pi', 'weights'], ['mu', 'mu'], ['w', 'w'], ['sx', 'sigma_x'], ['sy', 'sigma_y'], ['smu', 'sigma_mu'], ['sw', 'sigma_w']]
    .filter(([, name]) => prior[name] !== undefined)
    .map(([key, name]) => `${key}:${flat(prior[name])}`);
  const task = data.task ?? prior.task;
  if (task && task.mu !== undefined) parts.push(`tmu:${flat(task.mu)}`);
  if (task && task.w !== undefined) parts.push(`tw:${flat(task.w)}`);
  return parts.join(';');
}

export async function importPrior(file) {
  try {
    let data;
    try {
      data = JSON.parse(await file.text());
    } catch (error) {
      throw new Error(`the file is not JSON (${error.message}).`);
    }
    const notices = page.set('cp', priorText(data));
    if (notices.length) throw new Error(notices.join(' '));
    announce(`Opened the prior in ${file.name}.`);
  } catch (error) {
    showNotices([`${file.name}: ${error.message} Nothing was changed.`], 'Import failed:');
    document.body.dataset.importError = '1';
  }
}

// Matrices for the deep-linear lesson: CSV (the target, then W_1 … W_L, separated by blank
// lines) or the `adaptlab solve` JSON ({"target": rows, "frozen": [rows, …]}). They become the
// link's `cm` text as given; the Rust core checks them and names the matrix and row at fault.
export function matricesText(name, text) {
  const matrix = (rows) => (Array.isArray(rows) ? rows.map((row) => (Array.isArray(row) ? row.join(',') : String(row))).join(';') : String(rows));
  if (/\.json$/i.test(name) || text.trimStart().startsWith('{')) {
    let data;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new Error(`the file is not JSON (${error.message}).`);
    }
    if (!data || typeof data !== 'object' || !('target' in data) || !Array.isArray(data.frozen)) {
      throw new Error('the JSON needs "target" (rows) and "frozen" (a list of matrices, W_1 first).');
    }
    return [data.target, ...data.frozen].map(matrix).join('/');
  }
  return text.replace(/\r/g, '').trim().split(/\n\s*\n/).map((block) => block.trim().split('\n').map((row) => row.trim()).join(';')).join('/');
}

export async function importMatrices(file) {
  try {
    const notices = page.set('cm', matricesText(file.name, await file.text()));
    if (notices.length) throw new Error(notices.join(' '));
    announce(`Opened the matrices in ${file.name}.`);
  } catch (error) {
    showNotices([`${file.name}: ${error.message} Nothing was changed.`], 'Import failed:');
    document.body.dataset.importError = '1';
  }
}

export async function importState(file) {
  try {
    const fragment = stateFromFile(await file.text());
    const before = location.hash;
    location.hash = `#${fragment.replace(/^#/, '')}`;
    announce(`Opened ${file.name}.${before !== location.hash ? ' Back returns to the previous view.' : ''}`);
  } catch (error) {
    showNotices([`${file.name}: ${error.message} Nothing was changed.`], 'Import failed:');
    document.body.dataset.importError = '1';
  }
}
