// What the export and import buttons do (loaded on first use; `export.js` wires the buttons).
// PNG at twice the figure's size with a caption holding the settings and the permalink; SVG
// drawn by the same Rust plotting code through plotters' SVG backend (the SVG writer is a second
// wasm build, loaded on the first SVG export; the single-file page has it built in); CSV of the
// plotted series; JSON of the full state (written and read by the Rust core, `state::saved`, in
// the export build). Imports: a saved state, matrices for the linear lesson, a prior for the
// risk lesson, each checked by the Rust core like a link.
import { $, announce, download, pageAddress, showError, showNotices } from './dom.js';

let page = null;

// The page interface the actions work on.
export function usePage(pageInterface) {
  page = pageInterface;
}
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

// The export build (the SVG writer and the saved state), loaded and started on first use; a
// failed load is tried again on the next use. The single-file page is itself the export build:
// its own Lab has these methods, and this is never called there.
let exportModule = null;
const exportBuild = () => {
  exportModule ??= import('./pkg-export/adaptlab.js').then(async (module) => {
    await module.default();
    return module;
  }).catch((error) => {
    exportModule = null;
    throw error;
  });
  return exportModule;
};

// An SVG writer for the current state: this page's own Lab when it was built with SVG support,
// else the export build, brought to the same state and the same amount of finished work.
async function svgOf(key) {
  const lab = page.lab();
  if (typeof lab.svg === 'function') return lab.svg(key, false);
  const writer = new (await exportBuild()).Lab();
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

// The saved state of the page's state as the page was when the button was pressed, written by
// Rust: by the page's own Lab when it is the export build, else by the export build's, brought
// to the same link.
export async function json(figure) {
  const lab = page.lab();
  const [name, fragment, address] = [`${baseName(figure)}.json`, lab.fragment(), pageAddress()];
  try {
    let text;
    if (typeof lab.savedState === 'function') text = lab.savedState(address);
    else {
      const writer = new (await exportBuild()).Lab();
      try {
        writer.load(fragment);
        text = writer.savedState(address);
      } finally {
        writer.free();
      }
    }
    download(name, new Blob([text], { type: 'application/json' }));
  } catch (error) {
    showError(error);
  }
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

// Opens a saved state. Rust checks the file's shape and returns its fragment (or says why it is
// not a saved state, and nothing changes); the fragment's values are then validated like any
// link's, which repairs and reports what is wrong.
export async function importState(file) {
  try {
    const lab = page.lab();
    const Reader = typeof lab.savedState === 'function' ? lab.constructor : (await exportBuild()).Lab;
    const fragment = Reader.savedStateFragment(await file.text());
    const before = location.hash;
    location.hash = `#${fragment}`;
    announce(`Opened ${file.name}.${before !== location.hash ? ' Back returns to the previous view.' : ''}`);
  } catch (error) {
    showNotices([`${file.name}: ${error.message} Nothing was changed.`], 'Import failed:');
    document.body.dataset.importError = '1';
  }
}
