// What the student reads on the page is what `adaptlab report` says natively for the same link:
// the live check, every figure summary and every headline number, word for word, in every
// lesson. The page computes in wasm (the risk lessons on Web Workers); the command natively.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startLab, ROOT } from './harness.mjs';

const ADAPTLAB = path.resolve(ROOT, process.env.ADAPTLAB_BIN || 'target/release/adaptlab');
// Values at rounding level (below 1e-12) differ between wasm and native float paths (nalgebra's
// SVD, summation order); every other digit must agree.
const rounding = (text) => text.replace(/-?\d+(\.\d+)?e-(1[2-9]|[2-9]\d|\d{3})/g, '‹rounding›');
// The report's markup with every sub- or superscript braced (W_l → W_{l}): the form the page's
// <sub> and <sup> elements are read back in below.
// Code in `backticks` is kept as written.
const braced = (text) => text.split('`').map((part, i) => (i % 2 ? part : part.replace(/([_^])([^{\s])/gu, '$1{$2}'))).join('`');

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab.close(); });

// One state per lesson whose background work finishes within seconds.
const LINKS = [
  '#v=1&view=lora-linear&R=5',
  '#v=1&view=lora-fnn&Lbar=2&L=4&R=6',
  '#v=1&view=lora-transformer&D=8&R=3',
  '#v=1&view=lora-training&R=3&steps=400',
  '#v=1&view=icl-prompt&k=4',
  '#v=1&view=icl-risk&kmax=6&trials=400',
  '#v=1&view=icl-paper&fig=11',
];

for (const link of LINKS) {
  test(`the page reads exactly what adaptlab report says for ${link}`, async () => {
    const said = JSON.parse(execFileSync(ADAPTLAB, ['report', link], { maxBuffer: 1 << 26 }).toString());
    const { page, context, problems } = await lab.open(link);
    await page.waitForSelector('body[data-settled="1"]', { timeout: 120000 });
    const shown = await page.evaluate(() => {
      const root = document.querySelector('main.lesson:not([hidden])');
      // Sub- and superscripts read back as markup, so that their placement is compared too.
      const marked = (el) => [...el.childNodes].map((n) => {
        if (n.nodeName === 'SUB') return `_{${n.textContent}}`;
        if (n.nodeName === 'SUP') return `^{${n.textContent}}`;
        if (n.nodeName === 'CODE') return `\`${n.textContent}\``;
        return n.textContent;
      }).join('');
      const summaries = {};
      for (const el of root.querySelectorAll('[data-summary]')) summaries[el.dataset.summary] = marked(el);
      return {
        hash: location.hash,
        check: marked(root.querySelector('.live-check')),
        summaries,
        numbers: Object.fromEntries([...root.querySelectorAll('[id]')].map((el) => [el.id, el.textContent])),
      };
    });
    assert.equal(shown.hash, `#${said.fragment}`);
    assert.equal(said.complete, true, 'the native report finished its work');
    assert.equal(rounding(shown.check), rounding(braced(said.check)));
    for (const [key, text] of said.summaries) {
      if (key in shown.summaries) assert.equal(rounding(shown.summaries[key]), rounding(braced(text)), `summary ${key}`);
    }
    assert.ok(said.summaries.some(([key]) => key in shown.summaries), 'at least one summary is on the page');
    for (const number of said.numbers) assert.equal(rounding(shown.numbers[number.id]), rounding(number.shown), `number ${number.id}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
