// The page thread stays free while a pretrained frozen model is made: the paper's pretraining
// (up to 1,000 Adam steps), and a large linear model's error curve, run in the sliced background
// work, so a seed change returns to the event loop at once, shows the pretraining's progress, and
// settles later on exactly the numbers `adaptlab report` computes natively in one go. Long tasks (over 50 ms) are counted and printed
// as a diagnostic only: wall time depends on the machine, the structure does not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startLab, ROOT } from './harness.mjs';

const ADAPTLAB = path.resolve(ROOT, process.env.ADAPTLAB_BIN || 'target/release/adaptlab');
// Values at rounding level (below 1e-12) differ between wasm and native float paths, and so does
// the error an unusable construction reaches on ill-conditioned layers (rounding, amplified).
const rounding = (text) => text.replace(/-?\d+(\.\d+)?e-(1[2-9]|[2-9]\d|\d{3})/g, '‹rounding›')
  .replace(/(the adapters built reach ‖W̄ − Π\(Wl\+ΔWl\)‖F = )\S+( instead of)/g, '$1‹rounding›$2');
// The report's sub- and superscript markup as the page's text reads it (W_l and LR_{24} are
// written with <sub> elements, whose text joins the line: Wl, LR24).
const read = (text) => text.split('`').map((part, i) => (i % 2 ? part : part.replace(/[_^]\{([^}]*)\}/gu, '$1').replace(/[_^](?=\S)/gu, ''))).join('');

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab.close(); });

// Each state with what the page shows at once after the seed change (`waiting`: in the live check
// or the error figure's summary) and whether the pretraining's progress is shown.
const PRETRAINING = { where: '.live-check', pattern: /^Pretraining the frozen/, progress: true };
const STATES = [
  ['#v=1&view=lora-linear&D=64&L=8&frozen=pretrained', false, PRETRAINING],
  ['#v=1&view=lora-linear&D=64&L=8&frozen=pretrained', true, PRETRAINING],
  ['#v=1&view=lora-fnn&D=32&L=8&frozen=pretrained', false, PRETRAINING],
  ['#v=1&view=lora-fnn&D=32&L=8&frozen=pretrained', true, PRETRAINING],
  // Drawn models this large: the curve's constructions (40–80 ms in one go) come a rank per unit.
  ['#v=1&view=lora-linear&D=64&L=8', false, { where: '[data-summary="error"]', pattern: /0 of 65 ranks computed so far\.$/, progress: false }],
];

for (const [link, tables, waiting] of STATES) {
  test(`a seed change in ${link}${tables ? ' with the data tables open' : ''} leaves the work to the background`, async () => {
    const { page, context, problems } = await lab.open(link);
    await page.waitForSelector('body[data-settled="1"]', { timeout: 120000 });
    if (tables) {
      for (const summary of await page.$$('main:not([hidden]) figure:not([hidden]) details.data summary')) await summary.click();
    }
    await page.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    });
    // Click "Next seed": in the click's own task nothing is settled and the page shows what it
    // waits for; the next task still finds the work unfinished (it returned to the event loop).
    const seen = await page.evaluate((where) => new Promise((resolve) => {
      document.querySelector('main:not([hidden]) .next-seed').click();
      const text = () => document.querySelector(`main:not([hidden]) ${where}`).textContent;
      const atClick = { settled: document.body.dataset.settled ?? '', text: text() };
      setTimeout(() => resolve({ atClick, next: { settled: document.body.dataset.settled ?? '' } }), 0);
    }), waiting.where);
    assert.equal(seen.atClick.settled, '', 'the seed change starts new work');
    assert.match(seen.atClick.text, waiting.pattern);
    assert.equal(seen.next.settled, '', 'the event loop runs again before the work is done');
    if (waiting.progress) {
      await page.waitForFunction(() => /pretraining the frozen model: Adam step [1-9]\d* of at most 1,000/
        .test(document.querySelector('main:not([hidden]) .progress span').textContent), null, { timeout: 60000 });
    }
    await page.waitForSelector('body[data-settled="1"]', { timeout: 120000 });
    const tasks = await page.evaluate(() => window.longTasks);
    console.log(`# ${link}${tables ? ' (data tables open)' : ''}: seed change: ${tasks.length} long tasks, slowest ${Math.max(0, ...tasks).toFixed(0)} ms`);
    // The settled page reads what the command computes in one go for the same link.
    const fragment = await page.evaluate(() => location.hash);
    const said = JSON.parse(execFileSync(ADAPTLAB, ['report', fragment], { maxBuffer: 1 << 26 }).toString());
    const shown = await page.evaluate(() => {
      const root = document.querySelector('main.lesson:not([hidden])');
      const summaries = {};
      for (const el of root.querySelectorAll('[data-summary]')) summaries[el.dataset.summary] = el.textContent;
      return {
        check: root.querySelector('.live-check').textContent,
        summaries,
        numbers: Object.fromEntries([...root.querySelectorAll('[id]')].map((el) => [el.id, el.textContent])),
      };
    });
    assert.equal(rounding(shown.check), rounding(read(said.check)));
    for (const [key, text] of said.summaries) assert.equal(rounding(shown.summaries[key]), rounding(read(text)), `summary ${key}`);
    for (const number of said.numbers) assert.equal(rounding(shown.numbers[number.id]), rounding(number.shown), `number ${number.id}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
