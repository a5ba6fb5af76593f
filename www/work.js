// The page's background work: a lesson's work units run here in short slices, and a lesson whose
// work is a sweep of jobs (Rust's `capabilities.sweep`) shares it with a pool of Web Workers
// (pool.js, loaded when such a lesson first opens), as does the pretraining that only the workers
// can do (`progress.workersOnly`). What the work is, only Rust knows: this module asks the lab for
// units, jobs and progress, and tells the page when to draw.
import { guarded, showError } from './dom.js';

let host = null; // what the page lends: lab(), capabilities(), render(), showProgress(), …
let units = 1; // work units per advance call, adapted so a call takes 2–6 ms
let progress = { done: 1, total: 1 };
let generation = 0; // bumped whenever the work in progress is abandoned (the state changed)
let lastRender = 0;

export const currentProgress = () => progress;
// The new state's progress, as the lab gave it with the state (`Shown.progress`).
export function setProgress(value) {
  progress = value;
}
// One unit of work now (the training's Step).
export function stepOnce() {
  progress = host.lab().advance(1);
  return progress;
}

export function wireWork(page) {
  host = page;
  document.addEventListener('adaptlab:test-worker-panic', () => { if (pool instanceof Object) pool.panicForTest(); });
}

export function stopWork() {
  queued = null;
  generation += 1;
  document.body.dataset.computing = '0';
}

// Whether the figures are redrawn after a result: at the end of the work, when this thread stops
// and leaves the rest to the workers (no later redraw is due), and at most every `every` ms
// otherwise (paced work redraws more often, so that the reader sees it move) unless the figures
// are held still.
function redrawDue(every = 100) {
  const complete = progress.done >= progress.total;
  if (!complete && host.stillFigures()) return false;
  return complete || progress.workersOnly || performance.now() - lastRender > every;
}

// After a result: progress, a redraw if one is due, and the end of the work.
function afterWork(every = 100) {
  const complete = progress.done >= progress.total;
  if (redrawDue(every)) {
    host.showProgress();
    host.render();
    lastRender = performance.now();
    // For the benchmark: when the first figure with background results was drawn, since navigation.
    if (!document.body.dataset.firstResultMs) document.body.dataset.firstResultMs = lastRender.toFixed(0);
  } else if (performance.now() - lastRender > every) {
    host.showProgress();
    lastRender = performance.now();
  }
  if (complete) {
    document.body.dataset.settled = '1';
    document.body.dataset.computing = '0';
  }
  return complete;
}

// The pool of Web Workers. The page's own thread keeps computing until the first worker result
// of the current state arrives, so the first curve appears as fast as without workers.
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
  if (!host.capabilities().sweep) return false;
  if (pool === null) loadPool();
  return pool instanceof Object && pool.size > 0;
}
// Work that only the workers can do, outside the sweeps: a frozen transformer's pretraining.
function needWorkers() {
  if (pool === null) loadPool();
  else if (pool instanceof Object) pumpPool();
}
function pumpPool() {
  if (host.broken()) return;
  // The pool may ask again later (a timer), by when a panic may have stopped the instance.
  pool.fill((n) => (host.broken() ? [] : host.lab().jobs(n)), { generation, fragment: host.lab().fragment() });
}
function onPoolResult(data) {
  if (data.generation !== generation) return; // computed for an older state of the page
  guarded(() => {
    const waiting = progress.workersOnly;
    const lab = host.lab();
    lab.accept(data.job, data.numbers);
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
  if (!document.body.dataset.settled && !host.broken()) guarded(scheduleWork);
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

// Starts the current state's work afresh (nothing while the page holds it: a paused run, an
// embed out of view, a hidden tab).
export function scheduleWork() {
  stopWork();
  if (host.held()) return;
  if (progress.done >= progress.total && !progress.workersOnly) {
    // Nothing to do: the state's work is done (or it has none), and what is drawn is final.
    if (pool instanceof Object) pool.fill(() => [], { generation }); // ends the workers' stale runs
    document.body.dataset.settled = '1';
    return;
  }
  const lab = host.lab();
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
  // A task holds either a slice of work or a redraw, never both (a redraw of the largest figures
  // takes tens of milliseconds): when a slice makes a redraw due, the next task draws.
  let credit = 0;
  let last = performance.now();
  let drawDue = false;
  nextTask(function step() {
    if (poolDelivered) return; // the workers have it from here
    guarded(() => {
      const sliceStart = performance.now();
      const rate = host.stillFigures() ? 0 : lab.pace(); // units a second; 0: as fast as possible
      // Paced work is drawn at most every 40 ms; a finished slice's redraw is never held back.
      if (drawDue && (rate === 0 || sliceStart - lastRender > 40 || progress.done >= progress.total)) {
        drawDue = false;
        if (afterWork(0) || progress.workersOnly) return;
        if (rate > 0) lastFrame = 0; // the next paced task waits for the next frame
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
      if (worked || progress.done >= progress.total) {
        if (rate > 0 || redrawDue()) drawDue = true;
        else afterWork(); // at most the progress bar: no redraw is due yet
      }
      if (progress.workersOnly && !drawDue) return;
      if (rate > 0) lastFrame = 0; // the next paced task waits for the next frame
      nextTask(step);
    });
  });
}
