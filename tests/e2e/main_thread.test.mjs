// The page thread stays free while a pretrained frozen model is made: the paper's pretraining
// (up to 1,000 Adam steps) runs in the sliced background work, so a seed change returns to the
// event loop at once, shows the pretraining's progress, and settles later on exactly the numbers
// `adaptlab report` computes natively in one go. Long tasks (over 50 ms) are counted and printed
// as a diagnostic only: wall time depends on the machine, the structure does not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startLab, ROOT } from './harness.mjs';

const ADAPTLAB = path.resolve(ROOT, process.env.ADAPTLAB_BIN || 'target/release/adaptlab');
// Values at rounding level (below 1e-12) differ between wasm and native float paths.
const rounding = (text) => text.replace(/-?\d+(\.\d+)?e-(1[2-9]|[2-9]\d|\d{3})/g, '‹rounding›');

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab.close(); });

// Each state with the numbers compared with the command's: all of the linear lesson's; of the
// ReLU lesson's, those of the frozen model itself (its threshold and its error at R = 0), since
// at R = 4 the construction on these eight ill-conditioned layers is unusable and the error it
// reports is rounding amplified, which differs between wasm's and the native float paths.
const LINEAR = null;
const RELU = ['fnn-threshold', 'fnn-mse-test-r0', 'fnn-exact-tolerance'];
const STATES = [
  ['#v=1&view=lora-linear&D=64&L=8&frozen=pretrained', false, LINEAR],
  ['#v=1&view=lora-linear&D=64&L=8&frozen=pretrained', true, LINEAR],
  ['#v=1&view=lora-fnn&D=32&L=8&frozen=pretrained', false, RELU],
  ['#v=1&view=lora-fnn&D=32&L=8&frozen=pretrained', true, RELU],
];

for (const [link, tables, compared] of STATES) {
  test(`a seed change in ${link}${tables ? ' with the data tables open' : ''} pretrains in the background`, async () => {
    const { page, context, problems } = await lab.open(link);
    await page.waitForSelector('body[data-settled="1"]', { timeout: 120000 });
    if (tables) {
      for (const summary of await page.$$('main:not([hidden]) figure:not([hidden]) details.data summary')) await summary.click();
    }
    await page.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    });
    // Click "Next seed"; in the same task as the click's own handling, nothing is settled yet, and
    // the first task after it finds the page showing the pretraining rather than its result.
    const seen = await page.evaluate(() => new Promise((resolve) => {
      document.querySelector('main:not([hidden]) .next-seed').click();
      const check = () => document.querySelector('main:not([hidden]) .live-check').textContent;
      const atClick = { settled: document.body.dataset.settled ?? '', check: check() };
      setTimeout(() => resolve({ atClick, next: { settled: document.body.dataset.settled ?? '', check: check() } }), 0);
    }));
    assert.equal(seen.atClick.settled, '', 'the seed change starts new work');
    assert.match(seen.atClick.check, /^Pretraining the frozen/, 'the check says the frozen model is being pretrained');
    assert.equal(seen.next.settled, '', 'the event loop runs again before the pretraining is done');
    // Progress while it runs: the bar shows Adam steps.
    await page.waitForFunction(() => /pretraining the frozen model: Adam step [1-9]\d* of at most 1,000/
      .test(document.querySelector('main:not([hidden]) .progress span').textContent), null, { timeout: 60000 });
    await page.waitForSelector('body[data-settled="1"]', { timeout: 120000 });
    const tasks = await page.evaluate(() => window.longTasks);
    console.log(`# ${link}${tables ? ' (data tables open)' : ''}: seed change: ${tasks.length} long tasks, slowest ${Math.max(0, ...tasks).toFixed(0)} ms`);
    // The settled page reads what the command computes synchronously for the same link.
    const fragment = await page.evaluate(() => location.hash);
    const said = JSON.parse(execFileSync(ADAPTLAB, ['report', fragment], { maxBuffer: 1 << 26 }).toString());
    const shown = await page.evaluate(() => {
      const root = document.querySelector('main.lesson:not([hidden])');
      return {
        check: root.querySelector('.live-check').textContent,
        numbers: Object.fromEntries([...root.querySelectorAll('[id]')].map((el) => [el.id, el.textContent])),
      };
    });
    if (!compared) assert.equal(rounding(shown.check), rounding(said.check));
    const numbers = said.numbers.filter((number) => !compared || compared.includes(number.id));
    assert.equal(numbers.length, compared ? compared.length : said.numbers.length);
    for (const number of numbers) assert.equal(rounding(shown.numbers[number.id]), rounding(number.shown), `number ${number.id}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
