// Accessibility in a real browser: axe-core finds no violations on any lesson in light or dark
// colours, and each lesson can be used from the keyboard alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { startLab } from './harness.mjs';

const VIEWS = ['lora-linear', 'lora-fnn', 'lora-transformer', 'lora-training', 'lora-paper', 'icl-prompt', 'icl-risk', 'icl-paper'];
let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab.close(); });

for (const scheme of ['light', 'dark']) {
  test(`axe-core reports no violations on any lesson (${scheme} colours)`, async () => {
    const found = [];
    for (const view of VIEWS) {
      const { page, context } = await lab.open(`#v=1&view=${view}`, { colorScheme: scheme });
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
      for (const violation of results.violations) {
        found.push(`${view}: ${violation.id} (${violation.impact}): ${violation.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
      }
      await context.close();
    }
    assert.deepEqual(found, []);
  });
}

test('a keyboard-only walk reaches every control of every lesson, with a visible focus', async () => {
  for (const view of VIEWS) {
    const { page, context, problems } = await lab.open(`#v=1&view=${view}`);
    const wanted = await page.$$eval('main:not([hidden]) [data-key]', (els) => els.filter((e) => e.offsetParent !== null && !e.disabled).map((e) => e.id));
    const reached = new Set();
    for (let i = 0; i < 120 && reached.size < wanted.length; i++) {
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return { id: el.id, outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
      });
      if (wanted.includes(focus.id)) {
        assert.ok(focus.outline, `${view}: ${focus.id} has a visible focus ring`);
        reached.add(focus.id);
      }
    }
    assert.deepEqual([...reached].sort(), [...wanted].sort(), `${view}: every control is reachable by Tab`);
    // The last control reached responds to the keyboard.
    const before = await page.evaluate(() => location.hash);
    const last = wanted.find((id) => id.includes('seed')) ?? wanted[0];
    await page.focus(`#${last}`);
    await page.keyboard.press(await page.$eval(`#${last}`, (e) => e.tagName) === 'SELECT' ? 'ArrowDown' : 'ArrowUp');
    if (await page.$eval(`#${last}`, (e) => e.tagName === 'INPUT' && e.type === 'number')) await page.keyboard.press('Enter');
    await page.waitForFunction((b) => location.hash !== b, before).catch(() => {});
    assert.notEqual(await page.evaluate(() => location.hash), before, `${view}: ${last} changes the state from the keyboard`);
    assert.deepEqual(problems, []);
    await context.close();
  }
});
