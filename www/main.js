// Adaptation Lab page wiring: reads controls, asks the Rust core (via wasm) to validate, compute
// and draw, and writes its texts into the page. No mathematics and no drawing happen here.
import init, { Lab } from './pkg/adaptlab.js';

const FIGURES = ['spectrum', 'error', 'heatmaps'];
const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];
let lab = null;

function showError(error) {
  const banner = $('#error-banner');
  $('.message', banner).textContent = String(error && error.message ? error.message : error);
  banner.hidden = false;
  document.body.dataset.error = '1';
}

function showNotices(notices, prefix) {
  const box = $('#notice');
  if (!notices.length) return;
  $('.message', box).textContent = `${prefix} ${notices.join(' ')}`;
  box.hidden = false;
}

// Every call into wasm goes through here, so a panic or error becomes a visible message.
function guarded(action) {
  try {
    return action();
  } catch (error) {
    showError(error);
    return undefined;
  }
}

function syncControls() {
  for (const control of lab.controls()) {
    for (const input of $$(`[data-key="${control.key}"]`)) {
      if (control.min !== undefined && control.min !== null) input.min = control.min;
      if (control.max !== undefined && control.max !== null) input.max = control.max;
      if (input.value !== control.value) input.value = control.value;
      input.setAttribute('aria-valuetext', `${control.label} ${control.value}`);
    }
    const output = $(`output[data-for="${control.key}"]`);
    if (output) output.textContent = control.value;
    if (control.key === 'ranks') syncLayerRanks(control);
    if (control.key === 'model') $('#q-control').hidden = control.value !== 'lowrank';
  }
}

function syncLayerRanks(control) {
  const perLayer = control.value !== '';
  $('#per-layer-toggle').checked = perLayer;
  $('#layer-ranks').hidden = !perLayer;
  $('#ctl-R').disabled = perLayer;
  const box = $('#layer-ranks .layer-inputs');
  const values = perLayer ? control.value.split(',') : [];
  if (box.children.length !== values.length) {
    box.replaceChildren(...values.map((_, index) => {
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.type = 'number';
      input.dataset.layer = String(index);
      input.addEventListener('change', onLayerRankChange);
      label.append(`R${String.fromCharCode(0x2081 + index)} `, input);
      return label;
    }));
  }
  $$('input', box).forEach((input, index) => {
    input.min = control.min;
    input.max = control.max;
    if (input.value !== values[index]) input.value = values[index];
  });
}

function onLayerRankChange() {
  const values = $$('#layer-ranks input').map((input) => input.value);
  change('ranks', values.join(','));
}

// Backs the canvas at devicePixelRatio; touches its size only when it changes (a resize clears
// and reallocates the canvas).
function sizeCanvas(canvas, size) {
  const ratio = window.devicePixelRatio || 1;
  const cssWidth = canvas.parentElement.clientWidth;
  const cssHeight = Math.round((cssWidth * size[1]) / size[0]);
  const [width, height] = [Math.round(cssWidth * ratio), Math.round(cssHeight * ratio)];
  if (canvas.style.height !== `${cssHeight}px`) canvas.style.height = `${cssHeight}px`;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  return ratio;
}

function drawFigures() {
  const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  for (const name of FIGURES) {
    const started = performance.now();
    const canvas = $(`figure[data-figure="${name}"] canvas`);
    const ratio = sizeCanvas(canvas, lab.figure_size(name));
    lab.draw(name, canvas, ratio, dark);
    canvas.dataset.drawMs = (performance.now() - started).toFixed(2);
  }
}

function render() {
  const started = performance.now();
  const text = lab.compute();
  document.body.dataset.computeMs = (performance.now() - started).toFixed(2);
  // Draw before writing text, so measuring the canvases' width does not force a second layout.
  drawFigures();
  $('#live-check').textContent = text.check;
  $('#live-check').className = text.assumption_holds ? (text.exact ? 'exact' : 'approximate') : 'failed';
  const n = text.numbers;
  const cells = [['#num-optimal', n.optimal_frobenius_sq], ['#num-construction', n.construction_frobenius_sq],
    ['#num-mse', n.optimal_gaussian_mse], ['#num-spectral', n.optimal_spectral]];
  cells.forEach(([selector, value], index) => {
    $(selector).textContent = n.shown[index];
    $(selector).dataset.value = value === null || value === undefined ? '' : String(value);
  });
  FIGURES.forEach((name, index) => { $(`#summary-${name}`).textContent = text.summaries[index]; });
  if (location.hash.slice(1) !== text.fragment) history.replaceState(null, '', `#${text.fragment}`);
  document.body.dataset.renderMs = (performance.now() - started).toFixed(2);
  document.body.dataset.ready = '1';
}

function change(key, value) {
  guarded(() => {
    const notices = lab.set(key, value);
    syncControls();
    render();
    showNotices(notices, 'Adjusted:');
  });
}

function loadFromHash() {
  guarded(() => {
    const notices = lab.load(location.hash);
    syncControls();
    render();
    $('#notice').hidden = true;
    showNotices(notices, 'Link repaired:');
  });
}

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function wire() {
  for (const input of $$('[data-key]')) {
    const event = input.type === 'range' ? 'input' : 'change';
    input.addEventListener(event, () => change(input.dataset.key, input.value));
  }
  $('#per-layer-toggle').addEventListener('change', (event) => {
    const { value: depth } = $('#ctl-L');
    const { value: rank } = $('#ctl-R');
    change('ranks', event.target.checked ? Array(Number(depth)).fill(rank).join(',') : '');
  });
  $('#next-seed').addEventListener('click', () => change('seed', String(Number($('#ctl-seed').value) + 1)));
  $('#notice .dismiss').addEventListener('click', () => { $('#notice').hidden = true; });
  $('#reset-link').addEventListener('click', () => { location.hash = '#v=1'; location.reload(); });
  $('#download-problem').addEventListener('click', () => guarded(() => download('adaptlab-problem.json', 'application/json', lab.problem_json())));
  $('#download-csv').addEventListener('click', () => guarded(() => download('adaptlab-series.csv', 'text/csv', lab.csv())));
  for (const button of $$('.svg-export')) {
    button.addEventListener('click', () => guarded(() => download(`adaptlab-${button.dataset.figure}.svg`, 'image/svg+xml', lab.svg(button.dataset.figure))));
  }
  window.addEventListener('hashchange', loadFromHash);
  let pending = false;
  window.addEventListener('resize', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; guarded(drawFigures); });
  });
}

async function main() {
  try {
    await init();
    lab = new Lab();
  } catch (error) {
    showError(error);
    return;
  }
  wire();
  loadFromHash();
}

main();
