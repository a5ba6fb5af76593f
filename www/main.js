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

let lab = null;
let units = 1; // work units per advance call, adapted so a call takes 2–6 ms
let paused = false; // training runs and prompt playback can be paused; curves always fill in
let offscreen = false; // an embed scrolled out of view (or a hidden tab) computes nothing
let progress = { done: 1, total: 1 };
let broken = false; // a Rust panic aborted the wasm instance; the next action starts a fresh one
let reported = false; // the lab has computed its state since it was (re)started

let shownView = ''; // the lesson on show (kept here, so that no call into wasm is needed to find it)
const section = () => $(`main.lesson[data-view="${shownView}"]`);
const pausable = () => ['lora-training', 'icl-prompt'].includes(shownView);

let dragging = null; // drag.js, loaded when the prompt lesson (the one figure with handles) first shows
function showView() {
  const view = lab.view();
  shownView = view;
  for (const lesson of $$('main.lesson')) lesson.hidden = lesson.dataset.view !== view;
  if (view === 'icl-prompt') dragging ??= import('./drag.js').then(({ wireDragging }) => wireDragging(page));
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
      if (input.type === 'range') input.setAttribute('aria-valuetext', `${control.label}: ${control.value}`);
    }
    // A setting that changes nothing in the current state is hidden (Rust decides which).
    for (const input of $$(`[data-key="${control.key}"], [data-list="${control.key}"]`, root)) {
      const box = input.closest('.control, .list-control');
      if (box) box.hidden = !control.applies;
    }
    const output = $(`output[data-for="${control.key}"]`, root);
    if (output) output.textContent = control.value;
    if (control.key === 'ranks') syncLayerRanks(control);
    if (control.key === 'cm') {
      const own = control.value !== '';
      $('#forget-matrices').hidden = !own;
      $('#matrices-status').textContent = own ? 'Showing your matrices (they are in the link).' : '';
    }
    const list = $(`[data-list="${control.key}"] .layer-inputs`, root);
    if (list) syncList(control, list);
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

// A list setting (the prompt lesson's weights and centres) as one number input per entry,
// showing the values in effect when the list is not set.
const LIST_LABELS = {
  pi: (i) => `π${String.fromCharCode(0x2081 + i)}`,
  centres: (i) => `w${String.fromCharCode(0x2081 + Math.floor(i / 2))} ${i % 2 ? 'y' : 'x'}`,
};
function syncList(control, box) {
  const values = (control.value || control.unset || '').split(',').filter((v) => v !== '');
  if (box.children.length !== values.length) {
    box.replaceChildren(...values.map((_, index) => {
      const label = document.createElement('label');
      const input = Object.assign(document.createElement('input'), { type: 'number' });
      input.step = control.key === 'pi' ? '1' : '0.01';
      input.addEventListener('change', () => change(control.key, $$('input', box).map((i) => i.value).join(',')));
      label.append(`${LIST_LABELS[control.key](index)} `, input);
      return label;
    }));
  }
  $$('input', box).forEach((input, index) => {
    input.min = control.min;
    input.max = control.max;
    if (input.value !== values[index]) input.value = values[index];
  });
}

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
function drawFigure(figure, dark) {
  const started = performance.now();
  const canvas = $('canvas', figure);
  const ratio = sizeCanvas(canvas, lab.figure_size(figure.dataset.figure));
  canvas.dataset.scale = String(ratio * presenterScale());
  lab.draw(figure.dataset.figure, canvas, ratio * presenterScale(), dark);
  canvas.dataset.drawMs = (performance.now() - started).toFixed(2);
}

function drawFigures() {
  const dark = isDark();
  for (const figure of $$('figure[data-figure]', section())) {
    const embedded = document.body.dataset.embedFigure;
    figure.hidden = (shownFigures !== undefined && !shownFigures.includes(figure.dataset.figure))
      || (embedded !== undefined && figure.dataset.figure !== embedded);
    if (!figure.hidden) drawFigure(figure, dark);
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

function render() {
  const started = performance.now();
  const report = lab.compute();
  document.body.dataset.computeMs = (performance.now() - started).toFixed(2);
  shownFigures = report.figures;
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
  drawFigures();
  if (!holdAddress) writeAddress(report.fragment);
  // The "For researchers" fold: this view's link in each command that applies to it.
  const link = `'#${report.fragment}'`;
  $('#cli-report').textContent = `adaptlab report ${link}`;
  $('#cli-render').textContent = `adaptlab render ${link} --svg figures.svg --csv series.csv`;
  const solvable = ['lora-linear', 'lora-fnn', 'lora-transformer', 'icl-prompt', 'icl-risk'].includes(report.view);
  $('#cli-solve').textContent = solvable ? `adaptlab problem ${link} | adaptlab solve` : '';
  $('#cli-solve-box').hidden = !solvable;
  const sweep = ['lora-paper', 'icl-paper', 'icl-risk'].includes(report.view);
  $('#cli-figure').textContent = sweep ? `adaptlab figure ${link} --threads 8 --svg figures.svg --csv series.csv` : '';
  $('#cli-figure-box').hidden = !sweep;
  document.body.dataset.renderMs = (performance.now() - started).toFixed(2);
  reported = true;
  document.dispatchEvent(new CustomEvent('adaptlab:rendered'));
}

function showProgress() {
  showTransport();
  const bar = $('.progress', section());
  if (!bar) return;
  bar.hidden = progress.done >= progress.total;
  $('progress', bar).max = progress.total;
  $('progress', bar).value = progress.done;
  $('span', bar).textContent = lab.progress_text(progress.done, progress.total);
}

// The training's transport says what is true now: "Pause" only while the run runs, "Play" while
// it is paused, "Run again" once it has ended (stepped to its end or diverged); Step has nothing
// left to do then.
const trainingEnded = () => shownView === 'lora-training' && progress.done >= progress.total;
function showTransport() {
  if (shownView !== 'lora-training') return;
  const running = !paused && !trainingEnded();
  const play = $('#train-play');
  play.textContent = trainingEnded() ? 'Run again' : running ? 'Pause' : 'Play';
  play.setAttribute('aria-pressed', String(running));
  $('#train-step').disabled = trainingEnded();
  // Under reduced motion a run is not animated: it is drawn when it ends (or pauses).
  $('#train-motion').hidden = !stillFigures();
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

let lastRender = 0;
// The reader's system asks for reduced motion: training runs are computed at full speed and their
// figures drawn only when the run ends or pauses (the progress bar still moves).
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
const stillFigures = () => reducedMotion.matches && shownView === 'lora-training';
let generation = 0; // bumped whenever the work in progress is abandoned (the state changed)
function stopWork() {
  queued = null;
  generation += 1;
  document.body.dataset.computing = '0';
}

// After a result: progress, a redraw at most every `every` ms (paced work redraws more often, so
// that the reader sees it move), and the end of the work.
function afterWork(every = 100) {
  const complete = progress.done >= progress.total;
  if (!complete && stillFigures() && performance.now() - lastRender > every) {
    showProgress();
    lastRender = performance.now();
    return false;
  }
  // Also draw when this thread stops and leaves the rest to the workers (no later redraw is due).
  if (complete || progress.workersOnly || performance.now() - lastRender > every) {
    showProgress();
    render();
    lastRender = performance.now();
    // For the benchmark: when the first figure with background results was drawn, since navigation.
    if (!document.body.dataset.firstResultMs) document.body.dataset.firstResultMs = lastRender.toFixed(0);
  }
  if (complete) {
    document.body.dataset.settled = '1';
    document.body.dataset.computing = '0';
  }
  return complete;
}

// The Monte Carlo sweeps, the LoRA paper presets' runs and the pretraining of a frozen transformer
// (which the page's own build cannot do) also run on a pool of Web Workers (see
// pool.js, loaded when a lesson with a sweep first opens). The page's own thread keeps computing
// until the first worker result of the current state arrives, so the first curve appears as fast
// as without workers.
const SWEEP_VIEWS = ['icl-risk', 'icl-paper', 'lora-paper'];
let pool = null; // null: not needed yet; 'loading'; false: no workers; else the pool
let poolDelivered = false;
function loadPool() {
  pool = 'loading';
  import('./pool.js').then(({ poolSize, createPool }) => {
    const size = poolSize();
    pool = size > 0 ? createPool(size, onPoolResult, onPoolFailure, onPoolTrap) : false;
    document.body.dataset.workers = String(pool ? pool.size : 0);
    // Work already under way on this thread is shared with the workers from now on.
    if (pool && document.body.dataset.computing === '1') pumpPool();
  }, () => { pool = false; document.body.dataset.workers = '0'; });
}
function usePool() {
  if (!SWEEP_VIEWS.includes(lab.view())) return false;
  if (pool === null) loadPool();
  return pool instanceof Object && pool.size > 0;
}
// Work that only the workers can do, outside the sweeps: a frozen transformer's pretraining.
function needWorkers() {
  if (pool === null) loadPool();
  else if (pool instanceof Object) pumpPool();
}
function pumpPool() {
  if (broken) return;
  // The pool may ask again later (a timer), by when a panic may have stopped the instance.
  pool.fill((n) => (broken ? [] : lab.jobs(n)), { generation, fragment: lab.fragment() });
}
function onPoolResult(data) {
  if (data.generation !== generation) return; // computed for an older state of the page
  guarded(() => {
    const waiting = progress.workersOnly;
    lab.accept(data.curve, data.block, data.trials, data.numbers);
    progress = lab.advance(0);
    if (waiting && !progress.workersOnly && progress.done < progress.total) {
      // The result gives this thread work of its own again (a pretrained frozen transformer:
      // the lesson's curve on it).
      scheduleWork();
      return;
    }
    poolDelivered = true;
    if (!afterWork()) pumpPool();
  });
}
function onPoolFailure(message) {
  // Continue on this thread; blocks a worker took are handed out again.
  console.warn(`Adaptation Lab: computing without workers (${message})`);
  if (pool instanceof Object) pool.close();
  pool = false;
  document.body.dataset.workers = '0';
  if (!document.body.dataset.settled && !broken) guarded(scheduleWork);
}
// A worker whose wasm panicked has been replaced by a fresh one (pool.js); the jobs it held are
// handed out again. Should the same state make workers panic MAX_WORKER_TRAPS times, its work
// goes on this thread instead (where a panic stops it with the page's message), so that a job
// that always panics cannot keep replacing workers for ever.
const MAX_WORKER_TRAPS = 3;
let workerTraps = { generation: -1, count: 0 };
function onPoolTrap(message) {
  console.warn(`Adaptation Lab: a worker stopped on an internal error and was replaced (${message})`);
  document.body.dataset.workerTraps = String(Number(document.body.dataset.workerTraps || 0) + 1);
  if (workerTraps.generation !== generation) workerTraps = { generation, count: 0 };
  workerTraps.count += 1;
  if (workerTraps.count < MAX_WORKER_TRAPS) {
    if (!document.body.dataset.settled) pumpPool();
    return;
  }
  showError(`background workers stopped ${workerTraps.count} times on an internal error (a bug in Adaptation Lab) for these settings; the rest is computed on this page.`);
  onPoolFailure(message);
}

// Background work (a curve over all ranks, a training run, a sweep of runs) runs in small units
// within ~12 ms slices, so the page never blocks; the figures are redrawn at most every 100 ms,
// with the progress shown. Results do not depend on how work is chunked.
// The work runs as a chain of short tasks (MessageChannel messages: unlike animation frames they
// do not wait for the display's next refresh, so a training run keeps the processor busy), each
// within SLICE_MS, so that the browser answers input between any two of them. The chain waits
// for a frame when it starts (a changed setting is shown at once) and whenever FRAME_GAP_MS of
// work have passed without one, so the page keeps drawing at 30 frames a second or more.
const SLICE_MS = 12;
const FRAME_GAP_MS = 30;
const channel = new MessageChannel();
let queued = null;
let ticket = 0; // each message carries the ticket of the task it was posted for
let lastFrame = 0;
channel.port1.onmessage = ({ data }) => {
  if (data !== ticket || !queued) return; // posted for a task that was stopped or replaced
  const run = queued;
  queued = null;
  run();
};
function nextTask(run) {
  queued = run;
  const mine = ++ticket;
  if (performance.now() - lastFrame < FRAME_GAP_MS) {
    channel.port2.postMessage(mine);
  } else {
    // Posted from the frame's callback, the task runs once that frame is painted.
    requestAnimationFrame(() => {
      lastFrame = performance.now();
      channel.port2.postMessage(mine);
    });
  }
}
function scheduleWork() {
  stopWork();
  if ((paused && lab.view() === 'lora-training') || offscreen || document.hidden) return;
  document.body.dataset.computing = '1';
  // New work may cost far more per unit than the last (a preset of transformer constructions
  // after one of linear ones): start again from one unit and let the slices find the size.
  units = 1;
  lastFrame = 0;
  const pooled = usePool();
  poolDelivered = false;
  if (pooled) pumpPool();
  else if (pool instanceof Object) pool.fill(() => [], { generation }); // ends the workers' stale runs
  // Paced work (the training lesson's "watch" and "fast"): `credit` holds the units that the
  // time since the last task allows, at most a tenth of a second's worth (no burst after a
  // stall); paced tasks run once per frame. The units are the same whatever the pace.
  // A paced run draws in a task of its own, the frame after its steps: a task never holds both
  // a unit of work and a redraw (each up to tens of milliseconds for the largest networks).
  let credit = 0;
  let last = performance.now();
  let drawDue = false;
  nextTask(function step() {
    if (poolDelivered) return; // the workers have it from here
    guarded(() => {
      const sliceStart = performance.now();
      const rate = stillFigures() ? 0 : lab.pace(); // units a second; 0: as fast as possible
      if (rate > 0 && drawDue && sliceStart - lastRender > 40) {
        drawDue = false;
        afterWork(0);
        lastFrame = 0;
        nextTask(step);
        return;
      }
      credit = rate > 0 ? Math.min(credit + ((sliceStart - last) * rate) / 1000, Math.max(1, rate / 10)) : 0;
      last = sliceStart;
      let worked = false;
      do {
        const count = rate > 0 ? Math.min(units, Math.floor(credit)) : units;
        if (count < 1) break;
        credit -= rate > 0 ? count : 0;
        const started = performance.now();
        progress = lab.advance(count);
        worked = true;
        const spent = performance.now() - started;
        if (count === units) units = spent < 2 ? Math.min(units * 2, 4096) : spent > 6 ? Math.max(1, Math.floor(units / 2)) : units;
      } while (performance.now() - sliceStart < SLICE_MS && progress.done < progress.total && !progress.workersOnly);
      // What is left only the workers can compute (transformer training): their results drive it.
      if (progress.workersOnly) needWorkers();
      const ended = progress.done >= progress.total;
      if (rate > 0 && worked && !ended) drawDue = true;
      else if (worked || ended) {
        drawDue = false;
        if (afterWork()) return;
      }
      if (progress.workersOnly) return;
      if (rate > 0) lastFrame = 0; // the next paced task waits for the next frame
      nextTask(step);
    });
  });
}

function refresh() {
  delete document.body.dataset.settled;
  progress = lab.advance(0); // the new state's progress (zero units: only asks)
  // The progress bar and the transport follow at once, even when no work will run (a paused
  // training run whose settings changed is at step 0 of its new run, and says so everywhere).
  showProgress();
  // The banner tells of the last computation's failure; this one starts afresh.
  $('#error-banner').hidden = true;
  delete document.body.dataset.error;
  render();
  // For the benchmark report: when the first figures were drawn, since navigation.
  if (!document.body.dataset.firstDrawMs) document.body.dataset.firstDrawMs = performance.now().toFixed(0);
  document.body.dataset.ready = '1';
  scheduleWork();
}

function change(key, value) {
  act(() => {
    const notices = lab.set(key, value);
    syncControls();
    refresh();
    showNotices(notices, 'Adjusted:');
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
    const notices = lab.load(fragment);
    showView();
    syncControls();
    refresh();
    $('#notice').hidden = true;
    showNotices(notices, 'Link repaired:');
  });
}

// Training: play / pause the run; the prompt lesson: play adds examples at the chosen speed
// (examples per tick, tick in ms). Under reduced motion the speed starts slow.
const SPEEDS = { slow: [1, 500], normal: [1, 100], fast: [4, 100] };
// While playing, the address is rewritten at most every ADDRESS_GAP_MS (browsers throttle or
// refuse frequent history.replaceState calls), and once more when play stops.
const ADDRESS_GAP_MS = 500;
let holdAddress = false;
let addressWritten = 0;
let promptTimer = 0;
const promptK = () => Number($('#prompt-k').value);
function playTick() {
  if (shownView !== 'icl-prompt') { // the reader went to another lesson: play stops
    clearInterval(promptTimer);
    promptTimer = 0;
    $('#prompt-play').textContent = 'Play';
    $('#prompt-play').setAttribute('aria-pressed', 'false');
    return;
  }
  const [perTick] = SPEEDS[$('#prompt-speed').value] ?? SPEEDS.normal;
  const k = promptK();
  const max = Number($('#prompt-k').max);
  if (k >= max) { setPlaying(false); return; }
  const now = performance.now();
  holdAddress = now - addressWritten < ADDRESS_GAP_MS;
  if (!holdAddress) addressWritten = now;
  change('k', String(Math.min(max, k + perTick)));
  holdAddress = false;
}
const setPlaying = (playing) => act(() => {
  if (lab.view() === 'icl-prompt') {
    clearInterval(promptTimer);
    const [, tick] = SPEEDS[$('#prompt-speed').value] ?? SPEEDS.normal;
    promptTimer = playing ? setInterval(playTick, tick) : 0;
    if (!playing) writeAddress(lab.fragment());
    $('#prompt-play').textContent = playing ? 'Pause' : 'Play';
    $('#prompt-play').setAttribute('aria-pressed', String(playing));
    document.body.dataset.playing = playing ? '1' : '0';
    return;
  }
  paused = !playing;
  if (playing && trainingEnded()) {
    // "Run again": the same run from step 0 (the same numbers, at the chosen pace).
    lab.reset();
    refresh();
    return;
  }
  if (!paused) scheduleWork();
  else {
    stopWork();
    render(); // show exactly where the run stopped
  }
  showProgress();
});
const isPlaying = () => (shownView === 'icl-prompt' ? promptTimer !== 0 : !paused && !trainingEnded());

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
  $('#train-play').addEventListener('click', () => setPlaying(!isPlaying()));
  $('#train-step').addEventListener('click', page.step);
  $('#train-reset').addEventListener('click', page.restart);
  $('#prompt-play').addEventListener('click', () => setPlaying(promptTimer === 0));
  if (window.matchMedia('(prefers-reduced-motion: reduce)').matches) $('#prompt-speed').value = 'slow';
  $('#prompt-speed').addEventListener('change', () => { if (promptTimer !== 0) setPlaying(true); });
  // Jump to k: the value goes through the lesson's gate (Rust); one the gate would repair changes
  // nothing: the state before it is restored, and the gate's reason is shown without its repair.
  $('#prompt-jump').addEventListener('submit', (event) => {
    event.preventDefault();
    act(() => {
      const before = lab.fragment();
      const now = promptK();
      const notices = lab.set('k', $('#prompt-jump-k').value);
      if (notices.length) {
        lab.load(before);
        showNotices(notices.map((n) => `${n.replace(/; using [^;]*$/, '')}; nothing was changed (k stays ${now}).`), 'Jump to k:');
        return;
      }
      $('#notice').hidden = true;
      syncControls();
      refresh();
    });
  });
  $('#prompt-add').addEventListener('click', () => change('k', String(promptK() + 1)));
  $('#prompt-double').addEventListener('click', () => change('k', String(Math.max(1, promptK() * 2))));
  $('#prompt-reset').addEventListener('click', () => { setPlaying(false); change('k', '0'); });
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
  document.addEventListener('adaptlab:test-worker-panic', () => { if (pool instanceof Object) pool.panicForTest(); });
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
      const notices = lab.set(key, value);
      syncControls();
      refresh();
      return notices;
    }) ?? ['the value could not be set.'];
  },
  render: () => act(render),
  // A passive redraw (resize, theme, presenter mode): nothing to draw until an action restarts
  // an instance stopped by a panic.
  redraw: () => { if (!broken && reported) guarded(drawFigures); },
  progress: () => progress,
  isPlaying,
  setPlaying,
  step: () => act(() => {
    if (lab.view() === 'lora-training') {
      progress = lab.advance(1);
      showProgress();
      render();
    } else if (lab.view() === 'icl-prompt') change('k', String(Number($('#prompt-k').value) + 1));
  }),
  stepBack: () => { if (shownView === 'icl-prompt') change('k', String(Math.max(0, Number($('#prompt-k').value) - 1))); },
  restart: () => act(() => {
    if (lab.view() !== 'lora-training') {
      location.hash = `#v=1&view=${lab.view()}`;
      return;
    }
    lab.reset();
    progress = lab.advance(0);
    showProgress();
    refresh();
  }),
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
  wire();
  wireExport(page);
  wireClassroom(page);
  wireReadouts(() => lab);
  wireDataTables(page);
  for (const type of ['pointermove', 'pointerdown', 'keydown', 'scroll']) window.addEventListener(type, loadGlossary, { once: true, passive: true });
  loadFromHash();
}

main();
