// Adaptation Lab page wiring: reads controls, asks the Rust core (via wasm) to validate, compute
// and draw, and writes its texts into the page. No mathematics and no drawing happen here.
// The classroom features (share, embed, present, keys) and export live in their own modules and
// drive the page through the small interface built at the end of this file.
import init, { Lab, __wbg_reset_state as resetWasm } from './pkg/adaptlab.js';
import { $, $$, guarded, onTrap, setRich, showError, showNotices, isDark } from './dom.js';
import { wireClassroom, applyPresentation, presenterScale } from './classroom.js';
import { wireExport } from './export.js';
import { wireReadouts } from './readout.js';
import { wireDataTables } from './data-table.js';
import { route } from './landing.js';
import { writeControls } from './controls.js';
import { fetchShipped } from './shipped.js';
import { wireWork, scheduleWork, stopWork, setProgress, currentProgress } from './work.js';
import { wireTransport, showTransport, stillFigures, workPaused, isPlaying, setPlaying, step, stepBack, restart } from './transport.js';

let lab = null;
let offscreen = false; // an embed scrolled out of view (or a hidden tab) computes nothing
let broken = false; // a Rust panic aborted the wasm instance; the next action starts a fresh one
let reported = false; // the lab has computed its state since it was (re)started
let capabilities = {}; // what the shown lesson allows (Rust's `Capabilities`, from its report)

let shownView = ''; // the lesson on show (kept here, so that no call into wasm is needed to find it)
const section = () => $(`main.lesson[data-view="${shownView}"]`);

// Shows the lesson of `report` (asked of the lab when there is none: a restarted instance).
function showView(report = { view: lab.view(), capabilities: lab.capabilities(), fragment: lab.fragment() }) {
  const { view } = report;
  shownView = view;
  capabilities = report.capabilities;
  for (const lesson of $$('main.lesson')) lesson.hidden = lesson.dataset.view !== view;
  if (capabilities.handles) loadHandles(capabilities.handles);
  // The current link is the one whose href opens exactly this state, else the lesson's own link.
  const here = `#${report.fragment}`;
  const exact = $$('[data-view-link]').find((link) => link.getAttribute('href') === here);
  for (const link of $$('[data-view-link]')) {
    if (link === exact || (!exact && link.dataset.viewLink === view)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `Adaptation Lab — ${$('h1', section()).textContent}`;
}

// drag.js, loaded when a lesson with a draggable figure first shows (one module per figure).
const handles = new Map();
function loadHandles(figure) {
  if (handles.has(figure)) return;
  const canvas = $(`figure[data-figure="${figure}"] canvas`, section());
  handles.set(figure, import('./drag.js').then(({ wireDragging }) => wireDragging(page, canvas)));
}

const syncControls = () => writeControls(lab.controls(), section(), change);

const MIN_FIGURE_HEIGHT = 240;
// A lesson's main figure (the one in its stage) fits the first screen with its caption: its
// canvas is no taller than the window leaves below the canvas's top and above the caption.
function fitsFirstScreen(canvas, height) {
  const figure = canvas.closest('.stage > figure');
  if (!figure) return height;
  const box = canvas.getBoundingClientRect();
  const below = figure.getBoundingClientRect().bottom - box.bottom;
  return Math.min(height, Math.floor(window.innerHeight - (box.top + window.scrollY) - below - 12));
}
// Backs the canvas at devicePixelRatio; touches its size only when it changes (a resize clears
// and reallocates the canvas).
function sizeCanvas(canvas, size) {
  const ratio = window.devicePixelRatio || 1;
  const cssWidth = canvas.parentElement.clientWidth;
  // At least MIN_FIGURE_HEIGHT tall, so that a phone's narrow figure stays readable.
  const cssHeight = Math.max(MIN_FIGURE_HEIGHT, fitsFirstScreen(canvas, Math.round((cssWidth * size[1]) / size[0])));
  const [width, height] = [Math.round(cssWidth * ratio), Math.round(cssHeight * ratio)];
  if (canvas.style.height !== `${cssHeight}px`) canvas.style.height = `${cssHeight}px`;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  return ratio;
}

let shownFigures; // the keys of the figures the current view shows (from the last report)
function drawFigure(figure, dark, size) {
  const started = performance.now();
  const canvas = $('canvas', figure);
  const ratio = sizeCanvas(canvas, size ?? lab.figure_size(figure.dataset.figure));
  canvas.dataset.scale = String(ratio * presenterScale());
  lab.draw(figure.dataset.figure, canvas, ratio * presenterScale(), dark);
  canvas.dataset.drawMs = (performance.now() - started).toFixed(2);
}

// Draws the shown lesson's figures; `sizes` (figure → natural size) as the report gave them, else
// each is asked of the lab.
function drawFigures(sizes = new Map()) {
  const dark = isDark();
  for (const figure of $$('figure[data-figure]', section())) {
    const embedded = document.body.dataset.embedFigure;
    figure.hidden = (shownFigures !== undefined && !shownFigures.includes(figure.dataset.figure))
      || (embedded !== undefined && figure.dataset.figure !== embedded);
    if (!figure.hidden) drawFigure(figure, dark, sizes.get(figure.dataset.figure));
  }
}

// The address bar always holds the shown state's link. The page only rewrites an address it loaded
// or wrote itself: any other address is a navigation (a preset key, a pasted link, Back) whose
// hashchange has not run yet, and the redraws of work still under way must not undo it.
let ownAddress = null;
function writeAddress(fragment) {
  if (location.hash === ownAddress && location.hash !== `#${fragment}`) history.replaceState(null, '', `#${fragment}`);
  if (location.hash === `#${fragment}`) ownAddress = location.hash;
}

// Writes a report into the page and draws its figures: the one `given` with a change (`Shown`,
// computed by the change's call that began at `started`), else the lab's report now.
function render(given = null, started = performance.now()) {
  const report = given?.report ?? lab.compute();
  document.body.dataset.computeMs = (performance.now() - started).toFixed(2);
  shownFigures = report.figures;
  capabilities = report.capabilities;
  applyPresentation(report.presentation, section());
  const root = section();
  const check = $('.live-check', root);
  setRich(check, report.check);
  check.className = `live-check ${report.status}`;
  for (const number of report.numbers) {
    const cell = document.getElementById(number.id);
    const none = number.value === null || number.value === undefined;
    cell.textContent = number.shown;
    cell.dataset.value = none ? '' : String(number.value);
    // A number that does not apply (or is not there yet) is left out, not shown as a dash.
    const row = cell.closest('tr');
    if (row) row.hidden = none;
  }
  for (const [key, text] of report.summaries) {
    const target = $(`[data-summary="${key}"]`, root);
    if (target) setRich(target, text);
  }
  // A heading written from the report (a paper figure's panel title) also names its canvas and
  // its figure's buttons.
  for (const figure of $$('figure[data-figure]', root)) {
    const title = $('h2, h3', figure).textContent;
    $('canvas', figure).setAttribute('aria-label', title);
    for (const button of $$('[data-describe]', figure)) button.setAttribute('aria-label', `${button.dataset.describe}: ${title}`);
  }
  // Draw after writing the texts: the main figure is fitted to the first screen with its caption
  // as it now reads (one layout, which measuring the canvases forces).
  drawFigures(new Map(given?.sizes ?? []));
  if (!holdAddress) writeAddress(report.fragment);
  // The "For researchers" fold: this view's link in each command that applies to it.
  const link = `'#${report.fragment}'`;
  $('#cli-report').textContent = `adaptlab report ${link}`;
  $('#cli-render').textContent = `adaptlab render ${link} --svg figures.svg --csv series.csv`;
  const { solvable, sweep } = report.capabilities;
  $('#cli-solve').textContent = solvable ? `adaptlab problem ${link} | adaptlab solve` : '';
  $('#cli-solve-box').hidden = !solvable;
  $('#cli-figure').textContent = sweep ? `adaptlab figure ${link} --threads 8 --svg figures.svg --csv series.csv` : '';
  $('#cli-figure-box').hidden = !sweep;
  document.body.dataset.renderMs = (performance.now() - started).toFixed(2);
  reported = true;
  document.dispatchEvent(new CustomEvent('adaptlab:rendered'));
}

function showProgress(text = null) {
  showTransport();
  const progress = currentProgress();
  const bar = $('.progress', section());
  if (!bar) return;
  bar.hidden = progress.done >= progress.total;
  $('progress', bar).max = progress.total;
  $('progress', bar).value = progress.done;
  $('span', bar).textContent = text ?? lab.progress_text(progress.done, progress.total);
}

// A panic in the Rust core (a bug) aborts its wasm instance. The page then stops the work under
// way and says so; the reader's next action (a setting, a link, a lesson, an export) first starts a
// fresh instance of the same compiled module at the link's state: no reload, nothing lost. Passive
// redraws (resize, theme) wait for that action.
const TRAP_MESSAGE = 'the computation stopped on an internal error (a bug in Adaptation Lab; the browser console has its details). Your settings are in the link: change a setting or open a lesson to go on.';
onTrap((error) => {
  broken = true;
  stopWork();
  console.warn(`Adaptation Lab: the wasm instance stopped (${error.message}); a fresh one starts on the next action.`);
  showError(TRAP_MESSAGE);
});
function live() {
  if (!broken) return;
  resetWasm();
  lab = new Lab();
  broken = false;
  reported = false;
  lab.load(location.hash);
  showView();
  syncControls();
}
// An action of the reader: on a live instance, restarted first if a panic stopped the last one.
const act = (action) => guarded(() => {
  live();
  return action();
});

// Shows the state (`shown`: what the lab said with the change that led here, else asked now)
// and starts its background work.
function refresh(shown = lab.shown(), started = performance.now()) {
  delete document.body.dataset.settled;
  setProgress(shown.progress);
  // The progress bar and the transport follow at once, even when no work will run (a paused
  // training run whose settings changed is at step 0 of its new run, and says so everywhere).
  showProgress(shown.progressText);
  // The banner tells of the last computation's failure; this one starts afresh.
  $('#error-banner').hidden = true;
  delete document.body.dataset.error;
  render(shown, started);
  // For the benchmark report: when the first figures were drawn, since navigation.
  if (!document.body.dataset.firstDrawMs) document.body.dataset.firstDrawMs = performance.now().toFixed(0);
  document.body.dataset.ready = '1';
  if (capabilities.shipped) openShipped(capabilities.shipped);
  scheduleWork(); // held while the lesson waits for finished results
}

// The finished results a lesson opens with (`capabilities.shipped`), fetched and handed to the
// lab; should they not load, or not fit, the lesson computes live and its report says why. A
// result that arrives after the reader has moved on is dropped.
let shippedFor = null;
function openShipped(file) {
  const fragment = lab.fragment();
  if (shippedFor === fragment) return; // already on its way
  shippedFor = fragment;
  const done = (take) => act(() => {
    if (shippedFor !== fragment) return;
    shippedFor = null;
    if (lab.fragment() !== fragment) return;
    try { take(); } catch { /* the report says why they cannot be used */ }
    refresh();
  });
  fetchShipped(file).then((results) => done(() => lab.take_shipped(...results)),
    (error) => done(() => lab.shipped_unavailable(error.message)));
}

// A setting changed: one call validates it and computes what the page shows (`Shown`).
function change(key, value) {
  act(() => {
    const started = performance.now();
    const shown = lab.change(key, value);
    writeControls(shown.controls, section(), change);
    refresh(shown, started);
    showNotices(shown.notices, 'Adjusted:');
  });
}

async function loadFromHash() {
  // The landing page (null) and the tour's stops (their lab state) are routed in landing.js.
  const hash = location.hash;
  const fragment = await route(hash);
  if (hash !== location.hash) return; // a later address is being loaded
  if (fragment === null) { stopWork(); document.body.dataset.ready = '1'; return; }
  act(() => {
    ownAddress = fragment === location.hash ? location.hash : null;
    const shown = lab.open(fragment);
    showView(shown.report);
    writeControls(shown.controls, section(), change);
    refresh(shown);
    $('#notice').hidden = true;
    showNotices(shown.notices, 'Link repaired:');
  });
}

// The address is rewritten at most every ADDRESS_GAP_MS by a played setting (browsers throttle
// or refuse frequent history.replaceState calls), and once more when play stops.
const ADDRESS_GAP_MS = 500;
let holdAddress = false;
let addressWritten = 0;
function changeHeld(key, value) {
  const now = performance.now();
  holdAddress = now - addressWritten < ADDRESS_GAP_MS;
  if (!holdAddress) addressWritten = now;
  change(key, value);
  holdAddress = false;
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
  $('#reset-link').addEventListener('click', (event) => {
    event.preventDefault();
    location.hash = '#v=1';
    location.reload();
  });
  window.addEventListener('hashchange', loadFromHash);
  let pending = false;
  const redraw = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; page.redraw(); });
  };
  window.addEventListener('resize', redraw);
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', redraw);
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) stopWork();
    else if (!broken) guarded(scheduleWork);
  });
  // Test-only hooks (no link or control reaches them; only a script on the page can dispatch
  // these events): a Rust panic in the page's instance, and in each worker's next job.
  document.addEventListener('adaptlab:test-panic', () => act(() => lab.panic_for_test()));
}

// What the classroom and export modules may do with the page.
const page = {
  // The live lab, restarted and brought to the link's state first if a panic stopped the last one
  // (call it within `guarded`).
  lab() {
    if (broken || !reported) act(refresh); // a panic here shows the page's message
    if (broken) throw new Error(TRAP_MESSAGE);
    return lab;
  },
  section,
  change,
  // Sets a value as a control would; returns the repair notices instead of showing them.
  set(key, value) {
    return act(() => {
      const shown = lab.change(key, value);
      writeControls(shown.controls, section(), change);
      refresh(shown);
      return shown.notices;
    }) ?? ['the value could not be set.'];
  },
  render: () => act(render),
  // A passive redraw (resize, theme, presenter mode): nothing to draw until an action restarts
  // an instance stopped by a panic.
  redraw: () => { if (!broken && reported) guarded(drawFigures); },
  progress: currentProgress,
  isPlaying,
  setPlaying,
  step,
  stepBack,
  restart,
  // For the background work and the transport (work.js, transport.js).
  rawLab: () => lab,
  act,
  broken: () => broken,
  capabilities: () => capabilities,
  held: () => workPaused() || offscreen || document.hidden || Boolean(capabilities?.shipped),
  stillFigures,
  showProgress,
  renderNow: render,
  refresh,
  syncControls,
  changeHeld,
  writeOwnAddress: () => writeAddress(lab.fragment()),
  moveCentre(index, x, y, canvas) {
    act(() => {
      const notices = lab.move_centre(index, x, y, canvas.width, canvas.height, Number(canvas.dataset.scale));
      syncControls();
      refresh();
      showNotices(notices, 'Adjusted:');
    });
  },
  setOffscreen(value) {
    if (value === offscreen) return;
    offscreen = value;
    if (offscreen) stopWork(); else if (!document.body.dataset.settled && !broken) guarded(scheduleWork);
  },
};

// The glossary of symbols (definitions on hover and focus, the list of all symbols) loads on the
// reader's first interaction with the page, outside the first load.
let glossary = null;
const loadGlossary = () => {
  glossary ??= import('./glossary.js').then(({ wireGlossary }) => wireGlossary(), (error) => console.warn(`Adaptation Lab: no glossary (${error.message})`));
};

async function main() {
  try {
    await init({ module_or_path: new URL('./pkg/adaptlab_bg.wasm', import.meta.url) });
    lab = new Lab();
  } catch (error) {
    showError(error);
    return;
  }
  wireWork({ ...page, lab: () => lab, render });
  wireTransport(page);
  wire();
  wireExport(page);
  wireClassroom(page);
  wireReadouts(() => lab);
  wireDataTables(page);
  for (const type of ['pointermove', 'pointerdown', 'keydown', 'scroll']) window.addEventListener(type, loadGlossary, { once: true, passive: true });
  loadFromHash();
}

main();
