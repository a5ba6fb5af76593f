// The glossary of symbols in a real browser. The rule it is held to: in a lesson's prose, theorem
// card, table headings and control labels, a symbol is
//   - every letter written in an <i> (outside a sub- or superscript, which is part of its symbol),
//   - every one-letter MathML <mi> that is not inside an index or under an operator,
//   - every upright letter written just before a <sub> or a letter <sup> (σ_i, LR_k, ΔW_l), except
//     the operators Σ, Π, max and min, and every upright letter followed by a star (μ*);
// and every symbol must have a definition in its part's list (LoRA or in-context learning) whose
// term is written exactly as the symbol is, sub- and superscripts included. So a symbol added to a
// lesson without a definition, or written differently from its definition, fails here. The text the
// page writes at run time (live checks, summaries, numbers, option labels) is plain text and is not
// covered. The test reads the page as a reader's browser shows it, with its own reading of the
// markup (not the module's): `serialise` below.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { startLab } from './harness.mjs';

const VIEWS = ['lora-linear', 'lora-fnn', 'lora-transformer', 'lora-training', 'lora-paper', 'icl-prompt', 'icl-risk', 'icl-paper'];
let lab;
before(async () => { lab = await startLab(); });
after(async () => { await lab.close(); });

// Opens a view and lets the glossary load (it loads on the reader's first interaction).
async function open(view, options = {}) {
  const opened = await lab.open(`#v=1&view=${view}`, options);
  if (options.before) await opened.page.evaluate(options.before);
  await opened.page.mouse.move(2, 2);
  await opened.page.waitForSelector('main.lesson:not([hidden])[data-glossary]', { timeout: 15000 });
  return opened;
}

// In the page: the symbols the rule asks for that have no definition, and for every marked symbol
// its term as written, its definition as listed, and what the tooltip says when it is hovered.
function audit() {
  const lesson = document.querySelector('main.lesson:not([hidden])');
  const part = lesson.dataset.view.startsWith('icl') ? 'icl' : 'lora';
  const RUNTIME = 'sub, sup, [aria-live], [data-summary], td, output, option, select, code, .layer-inputs';
  const ACCENT = { '¯': '\u0304', '~': '\u0303' };
  // A symbol's text with its indices marked: W<sub>l</sub> and <msub><mi>W</mi><mi>l</mi></msub> are both "W_(l)".
  const serialise = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return node.data.replace(/\s+/g, '');
    const [base, script] = node.children;
    const inner = () => [...node.childNodes].map(serialise).join('');
    const raise = (text) => (text === '*' ? '*' : `^(${text})`);
    switch (node.localName) {
      case 'sub': return `_(${inner()})`;
      case 'sup': return raise(inner());
      case 'msub': return `${serialise(base)}_(${serialise(script)})`;
      case 'msup': return serialise(base) + raise(serialise(script));
      case 'mover': return serialise(base) + (ACCENT[script.textContent.trim()] ?? '?');
      default: return inner();
    }
  };
  // A term is matched without its argument ("σ_(i)(E)" is written σ_(i)) and a norm by its index.
  const written = (term) => serialise(term).replace(/\(E\)$/, '').replace('‖·‖_', '‖_');
  const glossary = document.querySelector(`#glossary section[data-part="${part}"]`);
  const definitions = new Map();
  const duplicates = [];
  for (const entry of glossary.querySelectorAll('dl > div')) {
    for (const dt of entry.querySelectorAll('dt')) {
      if (definitions.has(written(dt))) duplicates.push(written(dt));
      definitions.set(written(dt), entry.querySelector('dd').textContent.trim());
    }
  }
  const marked = (node) => (node.nodeType === Node.TEXT_NODE ? node.parentElement : node).closest('[data-sym]');
  const context = (node) => (node.nodeType === Node.TEXT_NODE ? node.parentElement : node).closest('p, li, th, label, legend, summary, figcaption, math, dd')?.textContent.trim().slice(0, 80);
  const undefinedSymbols = [];
  const require = (node, what) => { if (!marked(node)) undefinedSymbols.push(`${what} in “${context(node)}”`); };
  const runtime = (node) => (node.nodeType === Node.TEXT_NODE ? node.parentElement : node).closest(RUNTIME);
  // Letters in <i>.
  const walker = document.createTreeWalker(lesson, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (runtime(node) || node.parentElement.closest('math')) continue;
    if (node.parentElement.closest('i')) {
      if (/\p{L}/u.test(node.data)) require(node, `<i>${node.data}</i>`);
      continue;
    }
    // Upright letters before an index, and starred letters.
    const next = node.nextSibling;
    const index = next?.nodeType === Node.ELEMENT_NODE && (next.localName === 'sub' || (next.localName === 'sup' && /^(\p{L}|\*)$/u.test(next.textContent.trim())));
    const word = /(\p{L}\p{M}*)+$/u.exec(node.data)?.[0];
    if (index && word && !['Σ', 'Π', 'max', 'min'].includes(word)) require(node, `${word}${next.outerHTML}`);
    if (/(^|[^\p{L}\p{M}])\p{L}\p{M}*\*/u.test(node.data)) require(node, node.data.trim());
  }
  // MathML letters outside indices.
  for (const mi of lesson.querySelectorAll('math mi')) {
    if (!/^\p{L}\p{M}*$/u.test(mi.textContent.trim()) || runtime(mi)) continue;
    let scripted = false;
    for (let el = mi; el.localName !== 'math'; el = el.parentElement) {
      if (['msub', 'msup', 'msubsup', 'munder', 'mover', 'munderover'].includes(el.parentElement.localName) && el.parentElement.firstElementChild !== el) scripted = true;
    }
    if (!scripted) require(mi, `<mi>${mi.textContent}</mi>`);
  }
  // Every marked symbol: its definition, and the tooltip on hover.
  const tip = document.getElementById('symbol-tip');
  const symbols = [];
  for (const el of lesson.querySelectorAll('[data-sym]')) {
    el.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    symbols.push({
      written: serialise(el),
      definition: definitions.get(serialise(el)) ?? null,
      shown: !tip.hidden && el.getAttribute('aria-describedby') === tip.id && tip.getAttribute('role') === 'tooltip',
      term: tip.querySelector('.tip-term') ? serialise(tip.querySelector('.tip-term')) : null,
      tip: tip.textContent,
      focusable: el.getAttribute('tabindex') === '0',
      interactive: el.closest('a, button, label, summary, select') !== null,
    });
    el.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, relatedTarget: document.body }));
  }
  return { part, undefinedSymbols, duplicates, symbols, count: Number(lesson.dataset.glossary) };
}

test('every symbol in every lesson has its definition, matched exactly, shown on hover', async () => {
  const counts = [];
  for (const view of VIEWS) {
    const { page, context, problems } = await open(view);
    const result = await page.evaluate(audit);
    assert.deepEqual(result.undefinedSymbols, [], `${view}: symbols without a definition`);
    assert.deepEqual(result.duplicates, [], `${view}: terms listed twice in the ${result.part} part`);
    assert.equal(result.symbols.length, result.count);
    const keys = new Set();
    for (const symbol of result.symbols) {
      assert.ok(symbol.definition, `${view}: ${symbol.written} is marked but its part lists no term written so`);
      assert.ok(symbol.shown, `${view}: hovering ${symbol.written} shows no tooltip`);
      // The tooltip names the symbol as it is written (its own form, not a similar one) and ends
      // with its definition.
      assert.equal(symbol.term.replace(/\(E\)$/, '').replace('‖·‖_', '‖_'), symbol.written, `${view}: tooltip term`);
      assert.ok(symbol.tip.endsWith(symbol.definition), `${view}: ${symbol.written}: “${symbol.tip}”`);
      // One tab stop per symbol and lesson, never inside a link, label, summary or button.
      if (symbol.focusable) {
        assert.ok(!symbol.interactive, `${view}: ${symbol.written} is a tab stop inside a control`);
        assert.ok(!keys.has(symbol.written), `${view}: ${symbol.written} is a tab stop twice`);
        keys.add(symbol.written);
      }
    }
    const distinct = new Set(result.symbols.filter((s) => !s.interactive).map((s) => s.written));
    assert.equal(keys.size, distinct.size, `${view}: the first of each symbol outside controls is a tab stop`);
    counts.push(`${view} ${result.symbols.length} symbols, ${keys.size} tab stops`);
    assert.deepEqual(problems, []);
    await context.close();
  }
  console.log(`# ${counts.join('; ')}`);
});

test('a symbol added to a lesson without a definition is found', async () => {
  // The rule above, applied to a lesson given two symbols that the glossary does not define: an
  // italic letter and an upright Greek letter with an index; a defined one next to them passes.
  const { page, context } = await open('lora-linear', {
    before: () => document.querySelector('main[data-view="lora-linear"] .try ul')
      .insertAdjacentHTML('beforeend', '<li>New: <i>Q</i>, ζ<sub><i>j</i></sub> and <i>R</i>.</li>'),
  });
  const result = await page.evaluate(audit);
  assert.deepEqual(result.undefinedSymbols.map((s) => s.split(' in ')[0]), ['<i>Q</i>', 'ζ<sub><i>j</i></sub>']);
  await context.close();
});

test('keyboard: Tab reaches a symbol and shows its definition; Escape and leaving hide it; hover shows it', async () => {
  for (const [width, height] of [[1280, 800], [375, 812]]) {
    const { page, context, problems } = await open('lora-fnn', { viewport: { width, height } });
    const tip = () => page.evaluate(() => {
      const el = document.getElementById('symbol-tip');
      const box = el.getBoundingClientRect();
      const focus = document.activeElement;
      return { hidden: el.hidden, role: el.getAttribute('role'), text: el.textContent, left: box.left, right: box.right,
        focused: focus.dataset.sym ?? null, describedBy: focus.getAttribute('aria-describedby'), wide: document.documentElement.scrollWidth };
    });
    let state = null;
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      state = await tip();
      if (state.focused) break;
    }
    assert.ok(state.focused, 'Tab reaches a symbol');
    assert.equal(state.hidden, false);
    assert.equal(state.role, 'tooltip');
    assert.equal(state.describedBy, 'symbol-tip');
    assert.ok(state.text.length > 20, state.text);
    assert.ok(state.left >= 0 && state.right <= width, `the tooltip fits the window: ${state.left}–${state.right}`);
    assert.ok(state.wide <= width, `no sideways scroll: ${state.wide}`);
    await page.keyboard.press('Escape');
    state = await tip();
    assert.equal(state.hidden, true, 'Escape hides the tooltip');
    assert.equal(state.describedBy, null);
    assert.ok(state.focused, 'Escape leaves the focus where it was');
    // Focus the next symbol, then leave it: the tooltip goes with the focus.
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      state = await tip();
      if (state.focused) break;
    }
    assert.equal(state.hidden, false);
    await page.evaluate(() => document.activeElement.blur());
    assert.equal((await tip()).hidden, true, 'leaving the symbol hides the tooltip');
    // Hover with the pointer, then move away.
    const symbol = 'main:not([hidden]) .numbers [data-sym="LR_{RL}"]';
    await page.hover(symbol);
    state = await tip();
    assert.equal(state.hidden, false);
    assert.match(state.text, /best rank-r approximation of E/);
    await page.mouse.move(1, 1);
    await page.waitForFunction(() => document.getElementById('symbol-tip').hidden, null, { timeout: 2000 });
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('the whole glossary: a fold after the lessons, both parts, on a phone without sideways scroll', async () => {
  const { page, context, problems } = await open('icl-risk', { viewport: { width: 375, height: 812 } });
  await page.click('#glossary summary');
  const list = await page.evaluate(() => ({
    parts: [...document.querySelectorAll('#glossary section[data-part]')].map((s) => [s.dataset.part, s.querySelectorAll('dt').length]),
    empty: [...document.querySelectorAll('#glossary dd')].filter((dd) => dd.textContent.trim().length < 10).length,
    wide: document.documentElement.scrollWidth,
    after: document.querySelector('#glossary').previousElementSibling.matches('main.lesson'),
  }));
  assert.deepEqual(list.parts.map(([part]) => part), ['lora', 'icl']);
  assert.ok(list.parts.every(([, terms]) => terms > 25), JSON.stringify(list.parts));
  assert.equal(list.empty, 0);
  assert.equal(list.after, true);
  assert.ok(list.wide <= 375, `${list.wide} px wide`);
  // Words that the issue found undefined are defined.
  const text = await page.textContent('#glossary');
  assert.match(text, /skill α, the skill whose input mean is nearest μ\*/);
  assert.match(text, /best rank-r approximation of E/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('axe-core finds nothing with a tooltip shown and the glossary open (light and dark)', async () => {
  for (const scheme of ['light', 'dark']) {
    for (const view of ['lora-linear', 'icl-prompt']) {
      const { page, context } = await open(view, { colorScheme: scheme });
      await page.click('#glossary summary');
      await page.evaluate(() => [...document.querySelectorAll('main:not([hidden]) [data-sym][tabindex="0"]')]
        .find((el) => el.getClientRects().length > 0).focus());
      assert.equal(await page.evaluate(() => document.getElementById('symbol-tip').hidden), false);
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
      const found = results.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
      assert.deepEqual(found, [], `${view} (${scheme})`);
      await context.close();
    }
  }
});

test('marking up a lesson is a short task of its own (under 50 ms), off the first load', async () => {
  const measured = [];
  const { page, context, problems, transferred } = await lab.open('#v=1&view=lora-linear');
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => [e.startTime, e.duration])))
      .observe({ type: 'longtask', buffered: true });
  });
  // Nothing of the glossary is loaded before the reader does something.
  const before = [...transferred.keys()].filter((url) => /chunk-/.test(url));
  assert.equal(await page.evaluate(() => document.getElementById('glossary')), null);
  await page.mouse.move(3, 3);
  await page.waitForSelector('main.lesson:not([hidden])[data-glossary]');
  const loaded = [...transferred.keys()].filter((url) => /chunk-/.test(url) && !before.includes(url));
  assert.ok(loaded.length >= 1, 'the glossary loads on the first interaction');
  for (const view of VIEWS.slice(1)) {
    await page.evaluate((v) => { location.hash = `#v=1&view=${v}`; }, view);
    await page.waitForSelector(`main.lesson[data-view="${view}"]:not([hidden])[data-glossary]`);
  }
  const spans = await page.evaluate(() => [
    ['wiring', Number(document.body.dataset.glossaryAt), Number(document.body.dataset.glossaryMs)],
    ...[...document.querySelectorAll('main.lesson[data-glossary]')].map((m) => [m.dataset.view, Number(m.dataset.glossaryAt), Number(m.dataset.glossaryMs)]),
  ]);
  const longTasks = await page.evaluate(() => window.longTasks);
  for (const [name, at, ms] of spans) {
    measured.push(`${name} ${ms.toFixed(1)} ms`);
    assert.ok(ms < 50, `${name}: ${ms} ms`);
    // No long task (over 50 ms) contains the glossary's work.
    const inside = longTasks.filter(([start, duration]) => start <= at && at + ms <= start + duration);
    assert.deepEqual(inside, [], `${name}: inside a long task`);
  }
  console.log(`# glossary tasks: ${measured.join(', ')}`);
  assert.deepEqual(problems, []);
  await context.close();
});
