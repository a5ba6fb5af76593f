// The classroom features: copy the exact link, open a paper figure from the menu, embed one
// figure in a course page, present on a projector, switch light/dark, and keyboard shortcuts.
// Which figure and controls an embed shows is validated in Rust (the link's `embed`, `figure`
// and `controls`); this module only applies the result.
import { $, $$, announce, guarded, pageAddress, figureTools, isDark } from './dom.js';

let page = null;
let presenting = false;

// Lines and type are drawn this much larger in presenter mode (projectors, the back row).
export const presenterScale = () => (presenting ? 1.5 : 1);

// Shows one figure and its whitelisted controls when the link says `embed=1`.
export function applyPresentation(presentation, section) {
  const body = document.body;
  body.classList.toggle('embed', presentation.embed);
  if (!presentation.embed) {
    delete body.dataset.embedFigure;
    for (const hidden of $$('[data-embed-hidden]')) delete hidden.dataset.embedHidden;
    return;
  }
  body.dataset.embedFigure = presentation.figure;
  $('#open-full').href = `${pageAddress()}#${presentation.full_fragment}`;
  const allowed = presentation.controls;
  // Controls outside the whitelist are hidden by a data attribute (CSS), leaving `hidden` to
  // the lesson's own rules (e.g. settings that only one scenario uses).
  for (const control of $$('.control, .per-layer, .list-control', section)) {
    const key = control.dataset.control ?? control.dataset.list ?? $('[data-key]', control)?.dataset.key;
    if (!allowed || allowed.includes(key)) delete control.dataset.embedHidden;
    else control.dataset.embedHidden = '1';
  }
  watchVisibility(section);
  reportHeight();
}

// An embed tells its parent page its height whenever it changes, so the iframe can fit it:
// parent.postMessage({ type: 'adaptlab:height', height }) — see the README for the listener.
let heightObserver = null;
function reportHeight() {
  if (heightObserver || window.parent === window) return;
  let last = 0;
  heightObserver = new ResizeObserver(() => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: 'adaptlab:height', height }, '*');
    }
  });
  heightObserver.observe(document.documentElement);
}

// An embed that is scrolled out of view stops computing until it is visible again. The observer
// is made once per lesson shown (this runs on every render).
let visibilityObserver = null;
let watched = null;
function watchVisibility(section) {
  if (watched === section) return;
  watched = section;
  if (visibilityObserver) visibilityObserver.disconnect();
  visibilityObserver = new IntersectionObserver((entries) => {
    const visible = entries.some((entry) => entry.isIntersecting);
    document.body.dataset.offscreen = visible ? '0' : '1';
    page.setOffscreen(!visible);
  });
  visibilityObserver.observe(section);
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard API unavailable (file://, an iframe without permission): select and copy.
    const area = Object.assign(document.createElement('textarea'), { value: text, readOnly: true });
    document.body.append(area);
    area.select();
    const copied = document.execCommand('copy');
    area.remove();
    return copied;
  }
}

async function copyLink() {
  const fragment = guarded(() => page.lab().fragment());
  if (fragment === undefined) return;
  const link = `${pageAddress()}#${fragment}`;
  announce(await copyText(link) ? 'Link copied: it opens exactly this view.' : `Copy this link: ${link}`);
  document.body.dataset.copiedLink = link;
}

function setPresenting(on) {
  presenting = on;
  document.body.classList.toggle('presenting', on);
  $('#present-toggle').setAttribute('aria-pressed', String(on));
  if (on && !document.fullscreenElement && document.documentElement.requestFullscreen) {
    document.documentElement.requestFullscreen().catch(() => { /* refused (e.g. in an iframe): present windowed */ });
  } else if (!on && document.fullscreenElement) {
    document.exitFullscreen().catch(() => {});
  }
  page.redraw();
}

function setTheme(theme) {
  document.documentElement.dataset.theme = theme;
  $('#theme-toggle').setAttribute('aria-pressed', String(theme === 'dark'));
  try { localStorage.setItem('adaptlab-theme', theme); } catch { /* storage blocked: this page only */ }
  page.redraw();
}

function restoreTheme() {
  let theme = null;
  try { theme = localStorage.getItem('adaptlab-theme'); } catch { /* storage blocked */ }
  if (theme === 'dark' || theme === 'light') document.documentElement.dataset.theme = theme;
  $('#theme-toggle').setAttribute('aria-pressed', String(isDark()));
}

// The embed dialog writes the <iframe> snippet for one figure, a size and a choice of controls.
const SIZES = { small: [480, 420], medium: [760, 620], large: [960, 760] };
function openEmbedDialog(figure) {
  const dialog = $('#embed-dialog');
  dialog.dataset.figure = figure.dataset.figure;
  $('#embed-figure-name').textContent = $('h2, h3', figure).textContent;
  const box = $('#embed-controls');
  const controls = guarded(() => page.lab().controls());
  if (controls === undefined) return;
  box.replaceChildren(...controls.map((control) => {
    const label = document.createElement('label');
    const input = Object.assign(document.createElement('input'), { type: 'checkbox', value: control.key, checked: true });
    input.addEventListener('change', writeSnippet);
    label.append(input, ` ${control.label}`);
    return label;
  }));
  writeSnippet();
  dialog.showModal();
}

function writeSnippet() {
  const dialog = $('#embed-dialog');
  const all = $$('#embed-controls input');
  const chosen = all.filter((input) => input.checked).map((input) => input.value);
  // '' asks for every control; ',' (an empty list) for none.
  const controls = chosen.length === all.length ? '' : chosen.join(',') || ',';
  const fragment = guarded(() => page.lab().embed_fragment(dialog.dataset.figure, controls));
  const src = `${pageAddress()}#${fragment}`;
  const size = $('#embed-size').value;
  const [width, height] = SIZES[size] ?? [760, 620];
  const title = `Adaptation Lab: ${$('#embed-figure-name').textContent}`.replace(/"/g, '&quot;');
  const widthAttr = size === 'full' ? 'width="100%" height="620"' : `width="${width}" height="${height}"`;
  $('#embed-snippet').value = `<iframe src="${src.replace(/"/g, '%22')}" title="${title}" ${widthAttr} style="border:0;max-width:100%" loading="lazy"></iframe>`;
  $('#embed-preview').href = src;
}

// Keyboard shortcuts; none fires while the reader is typing in a field or a dialog is open.
function typing(event) {
  const target = event.target;
  return target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName) || $('dialog[open]') !== null;
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
  // Space on a focused button or link presses it; it is not a shortcut there.
  if (event.key === ' ' && ['BUTTON', 'A', 'SUMMARY'].includes(event.target.tagName)) return;
  // Number keys open the menu's entries that name them (`data-shortcut`, shown as "1 · …").
  const number = '1234567890'.indexOf(event.key);
  const actions = {
    ' ': () => page.setPlaying(!page.isPlaying()),
    ArrowRight: () => page.step(),
    ArrowLeft: () => page.stepBack(),
    r: () => page.restart(),
    p: () => setPresenting(!presenting),
    '?': () => $('#keys-dialog').showModal(),
    t: () => setTheme(isDark() ? 'light' : 'dark'),
  };
  const numbered = (digit) => $(`#preset-menu option[data-shortcut="${digit}"]`);
  const action = number >= 0 ? numbered(event.key) && (() => { location.hash = numbered(event.key).value; })
    : actions[event.key.length === 1 ? event.key.toLowerCase() : event.key];
  if (!action) return;
  event.preventDefault();
  action();
}

export function wireClassroom(pageInterface) {
  page = pageInterface;
  restoreTheme();
  $('#copy-link').addEventListener('click', copyLink);
  $('#present-toggle').addEventListener('click', () => setPresenting(!presenting));
  $('#theme-toggle').addEventListener('click', () => setTheme(isDark() ? 'light' : 'dark'));
  $('#keys-open').addEventListener('click', () => $('#keys-dialog').showModal());
  $('#preset-menu').addEventListener('change', (event) => {
    const fragment = event.target.value;
    event.target.value = '';
    if (fragment) location.hash = fragment;
  });
  for (const figure of $$('figure[data-figure]')) {
    const button = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Embed…' });
    button.setAttribute('aria-haspopup', 'dialog');
    button.dataset.describe = 'Embed this figure';
    button.setAttribute('aria-label', `Embed this figure: ${$('h2, h3', figure).textContent}`);
    button.addEventListener('click', () => openEmbedDialog(figure));
    figureTools(figure).append(button);
  }
  $('#embed-size').addEventListener('change', writeSnippet);
  $('#embed-copy').addEventListener('click', async () => {
    announce(await copyText($('#embed-snippet').value) ? 'Embed code copied.' : 'Select the code and copy it.');
  });
  for (const dialog of $$('dialog')) {
    $('.close', dialog).addEventListener('click', () => dialog.close());
  }
  document.addEventListener('keydown', onKey);
}
