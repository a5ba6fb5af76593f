// Counts the calls from the page into its wasm for one slider move on each lesson, from the
// input event until the page has settled: every export of the page's instance (the Lab's methods
// are exports named lab_*) is wrapped by a counter before the page starts. Prints one line per
// lesson and the exports called. Run after scripts/build.sh:  node scripts/wasm-calls.mjs
import { startLab } from '../tests/e2e/harness.mjs';

// A lesson, and the slider moved on it (to a value that keeps the lesson's work short).
const MOVES = [
  ['#v=1&view=lora-linear', 'R', '3'],
  ['#v=1&view=lora-fnn', 'R', '3'],
  ['#v=1&view=lora-transformer', 'R', '3'],
  ['#v=1&view=icl-prompt', 'k', '5'],
  ['#v=1&view=icl-risk&kmax=4&trials=200', 'kmax', '5'],
];

// Wraps each function export of every instance the page makes (the page's, before any worker).
const COUNT_CALLS = () => {
  window.wasmCalls = {};
  const wrap = (instance) => {
    const exports = {};
    for (const [name, value] of Object.entries(instance.exports)) {
      exports[name] = typeof value !== 'function' ? value : (...args) => {
        window.wasmCalls[name] = (window.wasmCalls[name] ?? 0) + 1;
        return value(...args);
      };
    }
    return { exports };
  };
  const streaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = async (...args) => {
    const result = await streaming(...args);
    return { module: result.module, instance: wrap(result.instance) };
  };
  const plain = WebAssembly.instantiate;
  WebAssembly.instantiate = async (...args) => {
    const result = await plain(...args);
    return result instanceof WebAssembly.Instance ? wrap(result) : { module: result.module, instance: wrap(result.instance) };
  };
};

const lab = await startLab();
try {
  for (const [link, key, value] of MOVES) {
    const context = await lab.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.addInitScript(COUNT_CALLS);
    await page.goto(`${lab.origin}/index.html${link}`);
    await page.waitForSelector('body[data-ready="1"][data-settled="1"]', { timeout: 60000 });
    await page.waitForTimeout(300);
    const slider = `main.lesson:not([hidden]) input[data-key="${key}"]`;
    // The input event's own handling (validate, compute, draw, start the work) is synchronous.
    const now = await page.evaluate(([selector, v]) => {
      window.wasmCalls = {};
      delete document.body.dataset.settled;
      const input = document.querySelector(selector);
      input.value = v;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      return { ...window.wasmCalls };
    }, [slider, value]);
    await page.waitForSelector('body[data-settled="1"]', { timeout: 60000 });
    await page.waitForTimeout(300);
    const settled = await page.evaluate(() => window.wasmCalls);
    const labCalls = (calls) => Object.entries(calls).filter(([name]) => name.startsWith('lab_'));
    const count = (calls) => labCalls(calls).reduce((sum, [, n]) => sum + n, 0);
    const list = (calls) => labCalls(calls).map(([n, c]) => `${n.replace(/^lab_/, '')}×${c}`).join(' ');
    console.log(`${link} ${key}=${value}: ${count(now)} Lab calls in the input event (${list(now)}); ${count(settled)} until settled (${list(settled)})`);
    await context.close();
  }
} finally {
  await lab.close();
}
