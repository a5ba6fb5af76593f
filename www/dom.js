// Small DOM helpers shared by the page's modules. Text only ever enters the page through
// textContent, never as HTML, so nothing from a link or an imported file can become markup.
export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

// Writes the lab's marked-up text (W_l, LR_{RL}(E), ‖·‖_F^2: `_` and `^` lower or raise the next
// character or a braced group, as src/plots/rich.rs draws them) with real <sub> and <sup>
// elements, built as nodes with textContent; text in `backticks` is code, kept as written.
export function setRich(element, text) {
  const nodes = [];
  let plain = '';
  const flush = () => { if (plain) nodes.push(plain); plain = ''; };
  const chars = [...String(text)];
  for (let i = 0; i < chars.length; i += 1) {
    const c = chars[i];
    if (c === '`') {
      const end = chars.indexOf('`', i + 1);
      if (end > i) {
        flush();
        nodes.push(Object.assign(document.createElement('code'), { textContent: chars.slice(i + 1, end).join('') }));
        i = end;
        continue;
      }
    }
    const next = chars[i + 1];
    if ((c === '_' || c === '^') && next !== undefined && next !== ' ') {
      let script = next;
      i += 1;
      if (next === '{') {
        const end = chars.indexOf('}', i);
        script = chars.slice(i + 1, end < 0 ? chars.length : end).join('');
        i = end < 0 ? chars.length : end;
      }
      flush();
      nodes.push(Object.assign(document.createElement(c === '_' ? 'sub' : 'sup'), { textContent: script }));
      continue;
    }
    plain += c;
  }
  flush();
  element.replaceChildren(...nodes);
}

export function showError(error) {
  const banner = $('#error-banner');
  $('.message', banner).textContent = String(error && error.message ? error.message : error);
  banner.hidden = false;
  document.body.dataset.error = '1';
}

export function showNotices(notices, prefix) {
  const box = $('#notice');
  if (!notices.length) return;
  $('.message', box).textContent = `${prefix} ${notices.join(' ')}`;
  box.hidden = false;
}

// A Rust panic aborts the wasm instance (a WebAssembly.RuntimeError such as "unreachable"): its
// memory and the Lab's borrow flags are left mid-call, so every later call would fail. The page
// (main.js) registers what to do then: discard the instance and start a fresh one on the next action.
let trapHandler = null;
export function onTrap(handler) {
  trapHandler = handler;
}

// Every call into wasm goes through here, so a panic or error becomes a visible message.
export function guarded(action) {
  try {
    return action();
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError && trapHandler) trapHandler(error);
    else showError(error);
    return undefined;
  }
}

// A short-lived status line in the toolbar ("Link copied", "Saved figure.png").
export function announce(text) {
  const status = $('#toolbar-status');
  status.textContent = text;
  clearTimeout(announce.timer);
  announce.timer = setTimeout(() => { status.textContent = ''; }, 4000);
}

export function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  announce(`Saved ${name}`);
}

// The page's own address without the fragment: the base of every shared or embedded link.
export const pageAddress = () => `${location.origin === 'null' ? location.protocol + '//' : location.origin}${location.pathname}`;

// Whether the dark palette is in use: the reader's choice on this page, else the system's.
export function isDark() {
  const chosen = document.documentElement.dataset.theme;
  return chosen ? chosen === 'dark' : window.matchMedia('(prefers-color-scheme: dark)').matches;
}

// The row of buttons in a figure's heading (export, embed), created on first use.
export function figureTools(figure) {
  const head = $('.figure-head', figure);
  let tools = $('.figure-tools', head);
  if (!tools) {
    tools = Object.assign(document.createElement('span'), { className: 'figure-tools' });
    tools.setAttribute('role', 'group');
    tools.setAttribute('aria-label', `Export or embed: ${$('h2, h3', head).textContent}`);
    head.append(tools);
  }
  return tools;
}
