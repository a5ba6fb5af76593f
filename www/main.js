// Adaptation Lab page wiring: reads controls, asks the Rust core (via wasm) to validate, compute
// and draw, and writes its texts into the page. No mathematics and no drawing happen here.
import init, { Lab } from './pkg/adaptlab.js';

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];
let lab = null;
let working = 0; // id of the scheduled background-work frame, 0 when idle
let units = 1; // work units per frame, adapted so a frame's work stays near 10 ms
let paused = false; // training runs can be paused; curves always fill in

const section = () => $(`main.lesson[data-view="${lab.view()}"]`);

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

function showView() {
  const view = lab.view();
  for (const lesson of $$('main.lesson')) lesson.hidden = lesson.dataset.view !== view;
  // The current link is the one whose href opens exactly this state, else the lesson's own link.
  const here = `#${lab.fragment()}`;
  const exact = $$('[data-view-link]').find((link) => link.getAttribute('href') === here);
  for (const link of $$('[data-view-link]')) {
    if (link === exact || (!exact && link.dataset.viewLink === view)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `Adaptation Lab — ${$('h1', section()).textContent}`;
}

function syncControls() {
  const root = section();
  for (const control of lab.controls()) {
    for (const input of $$(`[data-key="${control.key}"]`, root)) {
      if (input.type === 'checkbox') {
        input.checked = control.value === '1';
        continue;
      }
      if (control.min !== undefined && control.min !== null) input.min = control.min;
      if (control.max !== undefined && control.max !== null) input.max = control.max;
      if (input.value !== control.value) input.value = control.value;
      input.setAttribute('aria-valuetext', `${control.label} ${control.value}`);
    }
    const output = $(`output[data-for="${control.key}"]`, root);
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
      input.addEventListener('change', () => change('ranks', $$('#layer-ranks input').map((i) => i.value).join(',')));
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

function drawFigures(keys) {
  const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  for (const figure of $$('figure[data-figure]', section())) {
    figure.hidden = keys !== undefined && !keys.includes(figure.dataset.figure);
    if (figure.hidden) continue;
    const started = performance.now();
    const canvas = $('canvas', figure);
    const ratio = sizeCanvas(canvas, lab.figure_size(figure.dataset.figure));
    lab.draw(figure.dataset.figure, canvas, ratio, dark);
    canvas.dataset.drawMs = (performance.now() - started).toFixed(2);
  }
}

function render() {
  const started = performance.now();
  const report = lab.compute();
  document.body.dataset.computeMs = (performance.now() - started).toFixed(2);
  // Draw before writing text, so measuring the canvases' width does not force a second layout.
  drawFigures(report.figures);
  const root = section();
  const check = $('.live-check', root);
  check.textContent = report.check;
  check.className = `live-check ${report.status}`;
  for (const number of report.numbers) {
    const cell = document.getElementById(number.id);
    cell.textContent = number.shown;
    cell.dataset.value = number.value === null || number.value === undefined ? '' : String(number.value);
  }
  for (const [key, text] of report.summaries) {
    const target = $(`[data-summary="${key}"]`, root);
    if (target) target.textContent = text;
  }
  if (location.hash.slice(1) !== report.fragment) history.replaceState(null, '', `#${report.fragment}`);
  $('#cli-render').textContent = `adaptlab render '#${report.fragment}' --svg figures.svg --csv series.csv`;
  const solvable = ['lora-linear', 'lora-fnn', 'lora-transformer'].includes(report.view);
  $('#cli-solve').textContent = solvable ? `adaptlab problem '#${report.fragment}' | adaptlab solve` : '';
  $('#cli-solve').parentElement.hidden = !solvable;
  document.body.dataset.renderMs = (performance.now() - started).toFixed(2);
}

// Background work (a curve over all ranks, a training run, a sweep of runs) runs in small units
// within a ~12 ms budget per animation frame, so the page never blocks; the figures are redrawn
// at most every 100 ms, with the progress shown. Results do not depend on how work is chunked.
let lastRender = 0;
function scheduleWork() {
  if (working) cancelAnimationFrame(working);
  if (paused && lab.view() === 'lora-training') return;
  working = requestAnimationFrame(function step() {
    working = 0;
    guarded(() => {
      const frameStart = performance.now();
      let progress;
      do {
        const started = performance.now();
        progress = lab.advance(units);
        const spent = performance.now() - started;
        units = spent < 2 ? Math.min(units * 2, 4096) : spent > 6 ? Math.max(1, Math.floor(units / 2)) : units;
      } while (performance.now() - frameStart < 12 && progress.done < progress.total);
      const bar = $('.progress', section());
      if (bar) {
        bar.hidden = progress.done >= progress.total;
        $('progress', bar).max = progress.total;
        $('progress', bar).value = progress.done;
        const what = { 'lora-training': 'training: step', 'lora-paper': 'runs done:', 'icl-risk': 'trials done:', 'icl-paper': 'trials done:' }[lab.view()] || 'computing the curve:';
        const unit = { 'lora-training': '', 'lora-paper': '', 'icl-risk': '', 'icl-paper': '' }[lab.view()] ?? ' ranks';
        $('span', bar).textContent = `${what} ${progress.done} of ${progress.total}${unit}`;
      }
      const complete = progress.done >= progress.total;
      if (complete || performance.now() - lastRender > 100) {
        render();
        lastRender = performance.now();
        // For the benchmark: when the first figure with background results was drawn, since navigation.
        if (!document.body.dataset.firstResultMs) document.body.dataset.firstResultMs = lastRender.toFixed(0);
      }
      if (!complete && !(paused && lab.view() === 'lora-training')) working = requestAnimationFrame(step);
      else if (complete) document.body.dataset.settled = '1';
    });
  });
}

function refresh() {
  delete document.body.dataset.settled;
  render();
  document.body.dataset.ready = '1';
  scheduleWork();
}

function change(key, value) {
  guarded(() => {
    const notices = lab.set(key, value);
    syncControls();
    refresh();
    showNotices(notices, 'Adjusted:');
  });
}

function loadFromHash() {
  guarded(() => {
    const notices = lab.load(location.hash);
    showView();
    syncControls();
    refresh();
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
    input.addEventListener(event, () => change(input.dataset.key, input.type === 'checkbox' ? (input.checked ? '1' : '0') : input.value));
  }
  $('#per-layer-toggle').addEventListener('change', (event) => {
    change('ranks', event.target.checked ? Array(Number($('#ctl-L').value)).fill($('#ctl-R').value).join(',') : '');
  });
  for (const button of $$('.next-seed')) {
    button.addEventListener('click', () => change('seed', String(Number($('[data-key="seed"]', section()).value) + 1)));
  }
  $('#notice .dismiss').addEventListener('click', () => { $('#notice').hidden = true; });
  $('#reset-link').addEventListener('click', () => { location.hash = '#v=1'; location.reload(); });
  for (const button of $$('.download-csv')) {
    button.addEventListener('click', () => guarded(() => download(`adaptlab-${lab.view()}.csv`, 'text/csv', lab.csv())));
  }
  $('#train-play').addEventListener('click', () => {
    paused = !paused;
    $('#train-play').textContent = paused ? 'Play' : 'Pause';
    $('#train-play').setAttribute('aria-pressed', String(!paused));
    if (!paused) scheduleWork();
    else {
      if (working) { cancelAnimationFrame(working); working = 0; }
      guarded(render); // show exactly where the run stopped
    }
  });
  $('#train-step').addEventListener('click', () => guarded(() => { lab.advance(1); render(); }));
  $('#train-reset').addEventListener('click', () => guarded(() => { lab.reset(); refresh(); }));
  const promptK = () => Number($('#prompt-k').value);
  $('#prompt-add').addEventListener('click', () => change('k', String(promptK() + 1)));
  $('#prompt-double').addEventListener('click', () => change('k', String(Math.max(1, promptK() * 2))));
  $('#prompt-reset').addEventListener('click', () => change('k', '0'));
  window.addEventListener('hashchange', loadFromHash);
  let pending = false;
  window.addEventListener('resize', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; guarded(() => drawFigures()); });
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
