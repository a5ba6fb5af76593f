// The Web Worker pool for the Monte Carlo sweeps of the in-context-learning lessons and the runs
// of the LoRA paper presets: one worker (one wasm instance) per core, each kept two jobs ahead.
// The page's own lab hands out the jobs and merges the results in order; a result that belongs
// to an older state of the page (a generation ago) is dropped. Without workers (file://, a
// browser refusing them, or `?workers=0` in the address) the page computes the jobs itself.
// A worker whose wasm panicked (its instance is unusable from then on) is replaced by a fresh
// one; the jobs it held are handed out again by the page's sweep, which re-issues missing jobs.

const AHEAD = 2; // jobs in flight per worker
const STALE_MS = 1000; // how long a worker may go on with an earlier state's jobs

// How many workers: `?workers=N` in the address (0 to 16; for benchmarks and tests), else one per core.
export function poolSize() {
  const asked = new URLSearchParams(location.search).get('workers');
  if (asked !== null && /^\d+$/.test(asked)) return Math.min(16, Number(asked));
  if (location.protocol === 'file:' || typeof Worker === 'undefined') return 0;
  return Math.max(1, Math.min(8, navigator.hardwareConcurrency || 2));
}

export function createPool(size, onResult, onFailure, onTrap) {
  const workers = [];
  // Each slot keeps the generations of its jobs in flight, in order, and when the first began.
  const start = () => {
    try {
      const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
      const slot = { worker, queue: [], since: 0 };
      worker.onmessage = ({ data }) => {
        if (!workers.includes(slot)) return; // a replaced worker's last words
        slot.queue.shift();
        slot.since = performance.now();
        if (data.trapped) {
          replace(slot);
          onTrap(data.error);
        } else if (data.error) onFailure(data.error);
        else onResult(data);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        workers.splice(workers.indexOf(slot), 1);
        onFailure(event.message || 'a worker failed to start');
      };
      return slot;
    } catch (error) {
      onFailure(String(error));
      return null;
    }
  };
  // A fresh worker in the slot's place (or none, if it cannot start).
  const replace = (slot) => {
    slot.worker.terminate();
    const i = workers.indexOf(slot);
    if (i < 0) return;
    const fresh = start();
    if (fresh) workers[i] = fresh;
    else workers.splice(i, 1);
  };
  for (let i = 0; i < size; i++) {
    const slot = start();
    if (slot) workers.push(slot);
  }
  let recheck = 0;
  const pool = {
    get size() { return workers.length; },
    // Sends jobs from `take(n)` (four integers each, one after another: Rust's `pages::wire`) to
    // every worker with room. A
    // worker that has spent over STALE_MS on a job of an earlier state (a transformer run takes a
    // minute or more) is replaced, so a new state never waits for stale work; its lost jobs are
    // handed out again.
    fill(take, message) {
      clearTimeout(recheck);
      let young = false; // a worker on stale work not yet long enough to replace
      for (const [i, slot] of workers.entries()) {
        if (slot.queue.length === 0 || slot.queue[0] === message.generation) continue;
        if (performance.now() - slot.since <= STALE_MS) {
          young = true;
          continue;
        }
        slot.worker.terminate();
        const fresh = start();
        if (fresh) workers[i] = fresh;
      }
      if (young) recheck = setTimeout(() => pool.fill(take, message), STALE_MS);
      for (const slot of workers) {
        const room = AHEAD - slot.queue.length;
        if (room <= 0) continue;
        const jobs = take(room);
        for (let j = 0; j + 3 < jobs.length; j += 4) {
          if (slot.queue.length === 0) slot.since = performance.now();
          slot.queue.push(message.generation);
          slot.worker.postMessage({ ...message, job: jobs.slice(j, j + 4) });
        }
      }
    },
    busy() { return workers.some((slot) => slot.queue.length > 0); },
    close() {
      clearTimeout(recheck);
      for (const slot of workers.splice(0)) slot.worker.terminate();
    },
    // Test-only (main.js's `adaptlab:test-worker-panic` hook): every worker panics on its next job.
    panicForTest() { for (const slot of workers) slot.worker.postMessage({ panicForTest: true }); },
  };
  return pool;
}
