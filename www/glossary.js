// The glossary of symbols: a symbol in a lesson's prose, theorem card, table or control label shows
// its definition in a small tooltip when hovered (or tapped) or focused, and the whole list sits at
// the end of the page in a "Symbols" fold. The definitions are in one place, glossary-terms.js.
// A symbol is matched exactly as it is written: its letter with its sub- and superscripts (<i>W<sub>l</sub></i>,
// σ<sub><i>i</i></sub>, LR<sub><i>k</i></sub>, the MathML <msub><mi>W</mi><mi>l</mi></msub>), never by
// resemblance; in each part (LoRA, in-context learning) a symbol has its part's meaning.
// Loaded on the reader's first interaction (main.js), so it costs nothing on the first load.
import { $, $$ } from './dom.js';
import { GLOSSARY_HTML } from './glossary-terms.js';

const MATHML = 'http://www.w3.org/1998/Math/MathML';
const LETTER = /\p{L}\p{M}*/gu;
const ONE_LETTER = /^\p{L}\p{M}*$/u;
// Upright operators that make one symbol with the letter after them: ΔW_l, ΠW_l.
const PREFIXES = ['Δ', 'Π'];
// Upright names that are symbols with their index: LR_r(E).
const NAMES = ['LR'];
// MathML accents as the combining marks that the page's HTML text uses (W̄, π̃).
const ACCENTS = { '¯': '\u0304', '‾': '\u0304', '~': '\u0303', '˜': '\u0303' };
const SCRIPTED = ['msub', 'msup', 'msubsup', 'munder', 'mover', 'munderover', 'mmultiscripts'];
// Where no symbol is looked for: inside indices, in code, and in what the page writes at run time
// (live checks, summaries, numbers, values), which is plain text.
const SKIP = 'sub, sup, math, script, style, code, pre, canvas, select, option, textarea, button, output, td, '
  + '[aria-live], [data-summary], .layer-inputs, .figure-tools, .progress, details.data';
// A symbol inside one of these is hoverable but never a tab stop of its own.
const INTERACTIVE = 'a, button, label, summary, select, option, textarea, [role="button"]';

const isScript = (node) => node?.nodeType === Node.ELEMENT_NODE && (node.localName === 'sub' || node.localName === 'sup');
const compact = (node) => (node ? node.textContent.replace(/\s+/g, '') : '');
// An index as written in a key: one letter or digit as is, anything longer in braces (W_{2,L}).
const index = (text) => (ONE_LETTER.test(text) || /^\d$/.test(text) ? text : `{${text}}`);
// A superscript belongs to the symbol when it is a letter (W_O^h) or a star (F*); an exponent or ⊤
// or −1 does not.
const indexSup = (text) => ONE_LETTER.test(text) || text === '*';
function withScript(key, kind, text) {
  if (kind === 'sub') return `${key}_${index(text)}`;
  return text === '*' ? `${key}*` : `${key}^${index(text)}`;
}
const attaches = (node) => isScript(node) && (node.localName === 'sub' || indexSup(compact(node)));

// The symbols written inside one <i> (one per letter, with the scripts that follow it; an <i> may
// hold a product such as W̄x or W_O^h W_V^h Z), and those that continue after it (<i>R</i><sub>1</sub>, <i>w</i>*).
function italicAtoms(italic) {
  const found = [];
  let open = null; // the symbol a script written next belongs to
  for (const node of [...italic.childNodes]) {
    if (node.nodeType === Node.TEXT_NODE) {
      open = null;
      for (const m of node.data.matchAll(LETTER)) {
        let to = m.index + m[0].length;
        let key = m[0];
        if (node.data[to] === '*') { key += '*'; to += 1; }
        open = { key, first: node, from: m.index, last: node, to };
        found.push(open);
        if (to < node.data.length) open = null;
      }
    } else if (open && attaches(node)) {
      open.key = withScript(open.key, node.localName, compact(node));
      open.last = node;
      open.to = undefined;
    } else open = null;
  }
  const last = found.at(-1);
  if (!last) return found;
  const endsHere = last.last === italic.lastChild && (last.to === undefined || last.to === last.last.data.length);
  const startsHere = (atom) => atom.first === italic.firstChild && atom.from === 0;
  // Scripts after the </i> continue its last symbol.
  let after = italic.nextSibling;
  let outside = null;
  let key = last.key;
  while (endsHere && attaches(after)) {
    key = withScript(key, after.localName, compact(after));
    outside = { node: after, to: undefined };
    after = after.nextSibling;
  }
  if (endsHere && after?.nodeType === Node.TEXT_NODE && after.data.startsWith('*') && !key.endsWith('*')) {
    key += '*';
    outside = { node: after, to: 1 };
  }
  const whole = found.length === 1 && startsHere(last) && endsHere;
  if (outside) {
    last.key = key;
    // The symbol is the whole <i> and what follows it; or, when the <i> also holds other letters
    // before it (<i>W<sub>o</sub>W</i><sub>2,L</sub>), its part of the <i> becomes an <i> of its own.
    if (!whole) last.split = italic;
    last.first = whole ? italic : last.first;
    last.last = outside.node;
    last.to = outside.to;
  } else if (whole) Object.assign(last, { first: italic, from: undefined, last: italic, to: undefined });
  // An upright Δ or Π just before the <i> belongs to its symbol (ΔW_l).
  const before = italic.previousSibling;
  const first = found[0];
  if (first.first === italic && before?.nodeType === Node.TEXT_NODE) {
    const text = before.data;
    const prefix = text.at(-1);
    if (PREFIXES.includes(prefix) && !/[\p{L}\p{M}]/u.test(text.at(-2) ?? '')) {
      Object.assign(first, { key: prefix + first.key, first: before, from: text.length - 1 });
    }
  }
  return found;
}

// Symbols in upright text: a Greek letter or a name with an index (σ_i, w̃_β, LR_k, ΔW_l), a norm's
// index (‖·‖_F), a starred letter (μ*), rank(·), and a lone Greek letter (β, δ, μ).
function textAtoms(node) {
  const found = [];
  const text = node.data;
  const next = node.nextSibling;
  let trailing = text.length; // where a symbol continued by the next sibling starts
  if (attaches(next)) {
    const word = /(?:\p{L}\p{M}*)+$/u.exec(text);
    let key = null;
    let from = 0;
    if (word) {
      const letters = word[0].match(LETTER);
      const symbol = letters.length === 1 || NAMES.includes(word[0])
        || (letters.length === 2 && PREFIXES.includes(letters[0]));
      if (symbol) [key, from] = [word[0], word.index];
    } else if (text.endsWith('‖') && next.localName === 'sub') [key, from] = ['‖·‖', text.length - 1];
    if (key !== null) {
      let last = node;
      for (let script = next; attaches(script); script = script.nextSibling) [key, last] = [withScript(key, script.localName, compact(script)), script];
      found.push({ key, first: node, from, last, to: undefined });
      trailing = from;
    }
  }
  const add = (key, from, length) => {
    if (from + length <= trailing) found.push({ key, first: node, from, last: node, to: from + length });
  };
  for (const m of text.matchAll(/(?<![\p{L}\p{M}])(\p{L}\p{M}*)\*/gu)) add(m[0], m.index, m[0].length);
  for (const m of text.matchAll(/(?<![\p{L}\p{M}])rank(?=\()/gu)) add('rank', m.index, 4);
  for (const m of text.matchAll(/(?<![\p{L}\p{M}])[\u0370-\u03ff]\p{M}*(?![\p{L}\p{M}*])/gu)) {
    // A prefix of the <i> that follows is part of that symbol.
    const end = m.index + m[0].length;
    if (!(end === text.length && next?.localName === 'i' && PREFIXES.includes(m[0]))) add(m[0], m.index, m[0].length);
  }
  return found;
}

// MathML: an <mi> letter with its scripts and accent (<msub><mover><mi>W</mi><mo>¯</mo></mover><mi>i</mi></msub> is W̄_i);
// letters inside an index or under an operator are part of that index, not symbols of their own.
function inScript(node, math) {
  for (; node !== math; node = node.parentElement) {
    const parent = node.parentElement;
    if (SCRIPTED.includes(parent.localName) && parent.firstElementChild !== node) return true;
  }
  return false;
}
function mathKey(el) {
  const [base, a, b] = el.children;
  const key = base ? mathKey(base) : null;
  switch (el.localName) {
    case 'mi': return ONE_LETTER.test(el.textContent.trim()) ? el.textContent.trim() : null;
    case 'mover': return key && ACCENTS[a?.textContent.trim()] ? key + ACCENTS[a.textContent.trim()] : null;
    case 'msub': return key && withScript(key, 'sub', compact(a));
    case 'msup': return key && indexSup(compact(a)) ? withScript(key, 'sup', compact(a)) : null;
    case 'msubsup': return key && indexSup(compact(b)) ? withScript(withScript(key, 'sub', compact(a)), 'sup', compact(b)) : null;
    default: return null;
  }
}
function mathAtoms(math) {
  const found = [];
  for (const mi of math.querySelectorAll('mi, mtext')) {
    if (inScript(mi, math)) continue;
    const text = mi.textContent.trim();
    if (mi.localName === 'mtext') {
      if (text === 'rank' && mi.nextElementSibling?.textContent.trim() === '(') found.push({ key: 'rank', first: mi, last: mi });
      continue;
    }
    if (!ONE_LETTER.test(text) || (PREFIXES.includes(text) && mi.nextElementSibling)) continue;
    let el = mi;
    while (el.parentElement.firstElementChild === el && mathKey(el.parentElement)) el = el.parentElement;
    const atom = { key: mathKey(el), first: el, last: el };
    const before = el.previousElementSibling;
    if (before?.localName === 'mi' && PREFIXES.includes(before.textContent.trim())) {
      Object.assign(atom, { key: before.textContent.trim() + atom.key, first: before });
    }
    found.push(atom);
  }
  return found;
}

// Every symbol written in `root`, in document order. One walk over the tree: an <i> or a <math> is
// read as a whole, and nothing inside a skipped element is read at all.
export function symbolsIn(root) {
  const atoms = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, (node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      atoms.push(...textAtoms(node));
      return NodeFilter.FILTER_SKIP;
    }
    if (node.localName === 'i') atoms.push(...italicAtoms(node));
    else if (node.localName === 'math') atoms.push(...mathAtoms(node));
    else if (!node.matches(SKIP)) return NodeFilter.FILTER_SKIP;
    return NodeFilter.FILTER_REJECT;
  });
  while (walker.nextNode()) { /* the filter reads each node */ }
  atoms.sort((a, b) => {
    if (a.first === b.first) return (a.from ?? 0) - (b.from ?? 0);
    return a.first.compareDocumentPosition(b.first) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
  });
  return atoms;
}

// Makes one symbol a single element: an <i> or MathML element that is exactly the symbol is used as
// it is; otherwise its nodes go into a <span> (an <mrow> in MathML).
function wrap(atom) {
  let { first, last } = atom;
  // A symbol that starts or ends inside a text node: the rest of the text stays outside.
  if (atom.to !== undefined && last.nodeType === Node.TEXT_NODE && atom.to < last.data.length) last.splitText(atom.to);
  if (atom.from > 0 && first.nodeType === Node.TEXT_NODE) {
    const rest = first.splitText(atom.from);
    if (last === first) last = rest;
    first = rest;
  }
  if (atom.split) {
    // The symbol's part of the <i> (from `first` to its end) becomes an <i> of its own, just after it.
    const own = document.createElement('i');
    atom.split.after(own);
    for (let node = first; node;) { const next = node.nextSibling; own.append(node); node = next; }
    first = own;
  }
  if (first === last && first.nodeType === Node.ELEMENT_NODE) return first;
  const box = first.parentNode.namespaceURI === MATHML ? document.createElementNS(MATHML, 'mrow') : document.createElement('span');
  first.before(box);
  for (let node = first; ;) {
    const next = node.nextSibling;
    box.append(node);
    if (node === last) break;
    node = next;
  }
  return box;
}

// The glossary's own styles, which load with it (not with the page's first load): a dotted
// underline marks a symbol that has a definition; the tooltip; the list at the end of the page.
const STYLE = `
.sym { text-decoration: underline dotted var(--muted); text-decoration-thickness: 1px; text-underline-offset: .18em; cursor: help; }
math .sym { text-decoration: none; border-bottom: 1px dotted var(--muted); }
.symbol-tip { position: absolute; z-index: 30; max-width: min(24rem, calc(100vw - 1rem)); padding: .45rem .7rem; font-size: .9rem; line-height: 1.45;
  background: var(--background); color: var(--text); border: 1px solid var(--muted); border-radius: 6px; box-shadow: 0 4px 14px rgb(0 0 0 / 22%); }
.symbol-tip .tip-term { font-weight: 600; }
.glossary { max-width: 1240px; margin: 0 auto 1.5rem; padding: 0 1.5rem; }
.glossary summary { cursor: pointer; font-weight: 600; }
.glossary-parts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 28rem), 1fr)); gap: 0 2.5rem; }
.glossary dl { margin: 0; }
.glossary dl > div { display: grid; grid-template-columns: 6rem minmax(0, 1fr); column-gap: 1rem; padding: .3rem 0; border-top: 1px solid var(--rule); }
.glossary dt { grid-column: 1; }
.glossary dt.also { font-size: .85em; color: var(--muted); }
.glossary dd { grid-column: 2; grid-row: 1 / span 6; margin: 0; }
body.embed .glossary, body.presenting .glossary { display: none; }
@media (max-width: 700px) { .glossary { padding: 0 .8rem; } .glossary dl > div { grid-template-columns: 4.8rem minmax(0, 1fr); column-gap: .7rem; } }
`;

// part → key → { term: the <dt> as the lessons write it, general: the first <dt> of its entry when
// that is another form, definition: the <dd> }. A part is read when a lesson of it is first marked
// up (in that task, not the wiring's: reading the symbols of every <dt> takes 10–20 ms).
const terms = new Map();
function termsOf(part) {
  if (!terms.has(part)) {
    const entries = new Map();
    for (const entry of $$(`#glossary section[data-part="${part}"] dl > div`)) {
      const forms = $$('dt', entry);
      for (const form of forms) {
        const [symbol] = symbolsIn(form);
        if (symbol) entries.set(symbol.key, { term: form, general: form === forms[0] ? null : forms[0], definition: $('dd', entry) });
      }
    }
    terms.set(part, entries);
  }
  return terms.get(part);
}

const partOf = (lesson) => (lesson.dataset.view.startsWith('icl') ? 'icl' : 'lora');

// Marks every symbol of a lesson that its part defines; the first of each is a tab stop (unless it
// sits in a link, a label or a summary, which take the focus themselves), the others hover only.
function annotate(lesson) {
  const started = performance.now();
  const known = termsOf(partOf(lesson));
  const atoms = symbolsIn(lesson).filter((atom) => known.has(atom.key));
  // Wrapped from the last to the first, so that splitting a text node keeps earlier symbols' offsets.
  const marked = atoms.reverse().map((atom) => [atom.key, wrap(atom)]).reverse();
  const focusable = new Set();
  for (const [key, el] of marked) {
    el.classList.add('sym');
    el.setAttribute('data-sym', key);
    if (!focusable.has(key) && !el.closest(INTERACTIVE)) {
      focusable.add(key);
      el.setAttribute('tabindex', '0');
    }
  }
  // What it cost, for the tests: when this task started and how long it took.
  lesson.dataset.glossary = String(marked.length);
  lesson.dataset.glossaryAt = started.toFixed(1);
  lesson.dataset.glossaryMs = (performance.now() - started).toFixed(1);
}

// The tooltip: one element, shown beside the symbol hovered or focused.
let tip = null;
let anchor = null;
let hideTimer = 0;
const clone = (node) => [...node.childNodes].map((child) => child.cloneNode(true));
function show(el) {
  const lesson = el.closest('main.lesson');
  const entry = lesson && termsOf(partOf(lesson)).get(el.dataset.sym);
  if (!entry) return;
  clearTimeout(hideTimer);
  if (anchor && anchor !== el) anchor.removeAttribute('aria-describedby');
  anchor = el;
  const term = (dt) => { const span = Object.assign(document.createElement('span'), { className: 'tip-term' }); span.append(...clone(dt)); return span; };
  const general = entry.general ? [' (a case of ', term(entry.general), ')'] : [];
  tip.replaceChildren(term(entry.term), ...general, ': ', ...clone(entry.definition));
  // Inside the lesson's landmark, like the symbol it describes (positioned on the page, not in it).
  if (tip.parentElement !== lesson) lesson.append(tip);
  el.setAttribute('aria-describedby', tip.id);
  tip.hidden = false;
  place(el);
}
function hide() {
  clearTimeout(hideTimer);
  if (anchor) anchor.removeAttribute('aria-describedby');
  anchor = null;
  tip.hidden = true;
}
// Below the symbol, or above it when the window has no room below or when the symbol labels a
// control (which stays uncovered), within the window's width.
function place(el) {
  // Measured at the left edge, where nothing narrows it, then moved.
  tip.style.left = '0px';
  tip.style.top = '0px';
  const [box, width, height] = [el.getBoundingClientRect(), tip.offsetWidth, tip.offsetHeight];
  const left = Math.max(8, Math.min(box.left + box.width / 2 - width / 2, document.documentElement.clientWidth - width - 8));
  const above = (el.closest('label, legend') || box.bottom + 6 + height > window.innerHeight) && box.top - height - 6 > 0;
  const top = above ? box.top - height - 6 : box.bottom + 6;
  tip.style.left = `${Math.round(left + window.scrollX)}px`;
  tip.style.top = `${Math.round(top + window.scrollY)}px`;
}

function wireTooltip() {
  tip = Object.assign(document.createElement('div'), { id: 'symbol-tip', className: 'symbol-tip', hidden: true });
  tip.setAttribute('role', 'tooltip');
  document.body.append(tip);
  document.addEventListener('mouseover', (event) => {
    const el = event.target.closest?.('[data-sym]');
    if (el) show(el);
    else if (tip.contains(event.target)) clearTimeout(hideTimer);
  });
  // Leaving the symbol (or the tooltip, which the pointer may move onto) hides it, unless the
  // symbol has the keyboard focus.
  document.addEventListener('mouseout', (event) => {
    const to = event.relatedTarget;
    if (!anchor || (to && (anchor.contains(to) || tip.contains(to))) || document.activeElement === anchor) return;
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 150);
  });
  document.addEventListener('focusin', (event) => { if (event.target.matches?.('[data-sym]')) show(event.target); });
  document.addEventListener('focusout', (event) => { if (event.target === anchor) hide(); });
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape' && !tip.hidden) hide(); });
  tip.addEventListener('click', hide); // a tap on the tooltip puts it away (touch screens have no pointer to move off)
  for (const type of ['resize', 'hashchange']) window.addEventListener(type, () => { if (anchor) hide(); });
}

// The whole glossary, at the end of the page: a "Symbols" fold with both parts.
function buildList() {
  const template = document.createElement('template');
  template.innerHTML = GLOSSARY_HTML;
  const section = Object.assign(document.createElement('section'), { id: 'glossary', className: 'glossary' });
  section.setAttribute('aria-labelledby', 'glossary-title');
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.append(Object.assign(document.createElement('span'), { id: 'glossary-title', textContent: 'Symbols' }), ': what each letter means (in a lesson, hover over or tap a symbol with a dotted underline, or reach it with Tab)');
  const parts = Object.assign(document.createElement('div'), { className: 'glossary-parts' });
  parts.append(template.content);
  details.append(summary, parts);
  section.append(details);
  // After the lessons, before whatever the page shows below them.
  const lessons = $$('main.lesson');
  if (lessons.length) lessons.at(-1).after(section); else document.body.append(section);
}

export function wireGlossary() {
  if (tip) return;
  const started = performance.now();
  const style = new CSSStyleSheet();
  style.replaceSync(STYLE);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, style];
  buildList();
  wireTooltip();
  document.body.dataset.glossaryAt = started.toFixed(1);
  document.body.dataset.glossaryMs = (performance.now() - started).toFixed(1);
  // Each lesson is marked up (and its part of the glossary read) when it is first shown, in a task
  // of its own (not the render's, nor this one).
  const shown = () => {
    const lesson = $('main.lesson:not([hidden])');
    if (lesson && lesson.dataset.glossary === undefined) annotate(lesson);
    if (anchor && (!anchor.isConnected || anchor.closest('[hidden]'))) hide();
  };
  setTimeout(shown, 0);
  document.addEventListener('adaptlab:rendered', () => setTimeout(shown, 0));
}
