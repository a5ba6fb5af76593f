// Readouts in a real browser: the keyboard steps through a figure's points and says their values,
// the pointer over the same place reads the same thing, and the values are the ones `adaptlab
// render` writes natively for the same link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLab, ROOT } from './harness.mjs';

const ADAPTLAB = path.resolve(ROOT, process.env.ADAPTLAB_BIN || 'target/release/adaptlab');
let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab.close(); });

// Four significant digits, as the lab writes numbers (0.04123, 123.5, 3.142e-5).
const fourDigits = (x) => {
  if (x === 0) return '0';
  if (Number.isInteger(x) && Math.abs(x) < 1e9) return String(x);
  const m = Math.abs(x);
  if (m < 1e-3 || m >= 1e4) return x.toExponential(3).replace(/\.?0+e/, 'e').replace('e+', 'e');
  const decimals = Math.max(0, 3 - Math.floor(Math.log10(m)));
  return x.toFixed(decimals).replace(/\.?0+$/, '');
};

test('the keyboard and the pointer read the error figure\'s points, with the values adaptlab computes', async () => {
  const link = '#v=1&view=lora-linear&R=5';
  const dir = mkdtempSync(path.join(tmpdir(), 'readout-'));
  execFileSync(ADAPTLAB, ['render', link, '--svg', path.join(dir, 'f.svg'), '--csv', path.join(dir, 'f.csv')]);
  // The optimum at R = 0, 1, … from the native CSV (figure,series,x,y,legend).
  const optimum = readFileSync(path.join(dir, 'f.csv'), 'utf8').split('\n')
    .map((line) => line.split(',')).filter((f) => f[0] === 'error' && f[1] === 'optimal_frobenius_sq')
    .map((f) => [Number(f[2]), Number(f[3])]);
  assert.ok(optimum.length > 8);

  const { page, context, problems } = await lab.open(link);
  const canvas = page.locator('main:not([hidden]) figure[data-figure="error"] canvas');
  const tip = page.locator('main:not([hidden]) figure[data-figure="error"] .readout');
  await canvas.focus();
  assert.equal(await tip.isHidden(), true, 'nothing is read before a key is pressed');
  await page.keyboard.press('ArrowRight');
  const first = await tip.textContent();
  const firstHtml = await tip.innerHTML();
  assert.match(first, / at LoRA rank R \(every layer\) = 0$/);
  // The readouts of R = 0 (one per series); the optimum's value is the native one.
  const read = [first];
  for (let i = 0; i < 5; i += 1) {
    await page.keyboard.press('ArrowRight');
    read.push(await tip.textContent());
  }
  const atZero = read.find((text) => text.startsWith('optimum') && text.endsWith('= 0'));
  assert.ok(atZero, `the optimum at R = 0 is read: ${read.join(' | ')}`);
  assert.ok(atZero.includes(`squared error ${fourDigits(optimum[0][1])} `), `${atZero} vs ${optimum[0][1]}`);
  // Sub- and superscripts are real elements, not markup.
  assert.equal(/[_^{}]/.test(atZero), false, atZero);
  assert.ok(read.every((text) => !/[_^{}]/.test(text)), read.join(' | '));
  assert.match(firstHtml, /<sub>/, 'the first point read is a series whose name has subscripts');
  // The location hash is unchanged: the arrows read the figure, they do not step the lesson.
  assert.match(page.url(), /R=5/);
  await page.keyboard.press('Escape');
  assert.equal(await tip.isHidden(), true);

  // The pointer over the place the keyboard showed reads the same point.
  await page.keyboard.press('ArrowLeft');
  const shown = await tip.textContent();
  const place = await tip.evaluate((el) => ({ left: parseFloat(el.style.left) - 12 }));
  await canvas.blur();
  const box = await canvas.boundingBox();
  const target = await page.evaluate(() => {
    const c = document.querySelector('main:not([hidden]) figure[data-figure="error"] canvas');
    return c.width / c.getBoundingClientRect().width;
  });
  assert.ok(target > 0);
  // Move down the column at that x until the tooltip reads the same value there (the y is not exposed).
  let matched = false;
  for (let y = box.y + 4; y < box.y + box.height && !matched; y += 3) {
    await page.mouse.move(box.x + place.left, y);
    await page.waitForTimeout(20);
    // Coincident points (the optimum and the construction at the same value) read as either.
    const value = (text) => text.slice(text.lastIndexOf(': '));
    matched = (await tip.isVisible()) && value(await tip.textContent()) === value(shown);
  }
  assert.ok(matched, `hovering finds "${shown}"`);
  await page.mouse.move(box.x - 30, box.y - 30);
  assert.deepEqual(problems, []);
  await context.close();
});

test('hovering a heatmap cell reads its entry', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-linear&D=4&L=2&R=1');
  const canvas = page.locator('main:not([hidden]) figure[data-figure="heatmaps"] canvas');
  await canvas.scrollIntoViewIfNeeded();
  await canvas.focus();
  await page.keyboard.press('ArrowRight');
  const text = await page.locator('main:not([hidden]) figure[data-figure="heatmaps"] .readout').textContent();
  assert.match(text, /^W̄ \(target\): row 1, column 1: -?\d/);
  assert.deepEqual(problems, []);
  await context.close();
});
