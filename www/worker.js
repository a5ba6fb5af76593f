// A sweep worker: its own wasm instance of the lab, which loads the page's link and computes the
// jobs of the current sweep it is sent (blocks of Monte Carlo trials, or whole runs of a LoRA
// paper preset). Results go back as flat numbers; the page merges them in order, so the numbers
// do not depend on how many workers there are.
// Workers load the export build: the page's mathematics plus transformer training, which the
// page's own build leaves out for its size budget, built for speed (-O3).
import init, { Lab } from './pkg-export/adaptlab.js';

const ready = init({ module_or_path: new URL('./pkg-export/adaptlab_bg.wasm', import.meta.url) }).then(() => new Lab());
let loaded = null;
let panicNext = false; // set only by the pool's test hook
let trapped = false; // a panic aborted this worker's wasm instance: it answers nothing more

self.onmessage = async ({ data }) => {
  if (data.panicForTest) {
    panicNext = true;
    return;
  }
  try {
    const lab = await ready;
    if (trapped) return;
    if (panicNext) lab.panic_for_test();
    if (loaded !== data.fragment) {
      lab.load(data.fragment);
      loaded = data.fragment;
    }
    const numbers = lab.run_job(data.job);
    self.postMessage({ ...data, numbers }, [numbers.buffer]);
  } catch (error) {
    // A Rust panic aborts this worker's wasm instance for good (`trapped`): the pool replaces it.
    if (error instanceof WebAssembly.RuntimeError) trapped = true;
    self.postMessage({ ...data, trapped, error: String(error && error.message ? error.message : error) });
  }
};
