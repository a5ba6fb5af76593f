// End-to-end tests of the live training lesson: it trains, pauses for real, steps and resets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, canvasHash } from './harness.mjs';

let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab.close(); });

const steps = (page) => page.$eval('#train-steps-taken', (el) => Number(el.dataset.value));

test('training runs live, pause really stops work, step and reset behave', async () => {
  const { page, context, problems } = await lab.open('#v=1&view=lora-training&D=8&steps=3000');
  // Pause from inside the page as soon as 100 steps are done (a click from the test could come
  // after a loaded machine had finished the whole run).
  await page.evaluate(() => new Promise((resolve) => {
    const taken = () => Number(document.getElementById('train-steps-taken').dataset.value);
    const poll = () => (taken() > 100 ? (document.getElementById('train-play').click(), resolve()) : requestAnimationFrame(poll));
    poll();
  }));
  const early = await canvasHash(page, 'loss');
  assert.equal(await page.textContent('#train-play'), 'Play');
  const paused = await steps(page);
  await page.waitForTimeout(400);
  assert.equal(await steps(page), paused, 'no steps while paused');
  assert.ok(paused < 3000);
  await page.click('#train-step');
  assert.equal(await steps(page), paused + 10);
  assert.notEqual(await canvasHash(page, 'loss'), early, 'the loss curve grew');
  await page.click('#train-reset');
  assert.equal(await steps(page), 0);
  await page.click('#train-play');
  await page.waitForSelector('body[data-settled="1"]', { timeout: 60000 });
  assert.equal(await steps(page), 3000);
  const check = await page.textContent('#lesson-lora-training .live-check');
  assert.match(check, /After 3000 Adam steps at R = 4, the trained adapters reach a test MSE of/);
  const test = await page.$eval('#train-test', (el) => Number(el.dataset.value));
  const construction = await page.$eval('#train-construction', (el) => Number(el.dataset.value));
  assert.ok(test > 0 && construction > 0 && Number.isFinite(test));
  assert.deepEqual(problems, []);
  await context.close();
});

test('a linear model trains onto the closed-form optimum that the construction attains', async () => {
  const { page, context } = await lab.open('#v=1&view=lora-training&model=linear&D=6&R=1&lr=1e-2&steps=2000');
  await page.waitForSelector('body[data-settled="1"]', { timeout: 60000 });
  const value = (id) => page.$eval(id, (el) => Number(el.dataset.value));
  const [trained, construction, optimum] = [await value('#train-test'), await value('#train-construction'), await value('#train-closed-form')];
  assert.ok(Math.abs(construction - optimum) <= 1e-9 * optimum, 'the construction attains the optimum');
  assert.ok(trained >= optimum * 0.9 && trained < optimum * 1.5, `${trained} vs optimum ${optimum}`);
  await context.close();
});
