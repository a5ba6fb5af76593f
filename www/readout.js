// Readouts: the value under the pointer on any figure (curve point with its standard error,
// heatmap entry, bar value), and the same by keyboard — focus a figure, then ← → step through its
// points in reading order, Home / End jump to the ends, Escape hides. Rust decides what is under
// the pointer and says it in words (the places were recorded while the figure was drawn).
import { $, $$, setRich } from './dom.js';

const RADIUS = 24; // CSS pixels within which the nearest point is read

export function wireReadouts(lab) {
  for (const figure of $$('figure[data-figure]')) {
    const canvas = $('canvas', figure);
    if (!canvas) continue;
    const key = figure.dataset.figure;
    const tip = Object.assign(document.createElement('p'), { className: 'readout', hidden: true });
    tip.setAttribute('role', 'status');
    canvas.after(tip);
    canvas.tabIndex = 0;
    canvas.dataset.readable = '1';
    // Device pixels of the canvas per CSS pixel of its box.
    const ratio = () => canvas.width / Math.max(1, canvas.getBoundingClientRect().width);
    const show = (reading) => {
      if (!reading) { tip.hidden = true; return; }
      setRich(tip, reading.text);
      tip.hidden = false;
      // Beside the point, kept inside the figure.
      const x = reading.x / ratio();
      const y = reading.y / ratio();
      const room = canvas.getBoundingClientRect().width;
      tip.style.left = `${Math.max(0, Math.min(x + 12, room - tip.offsetWidth))}px`;
      tip.style.top = `${canvas.offsetTop + Math.max(0, y - tip.offsetHeight - 10)}px`;
    };
    let pending = null;
    canvas.addEventListener('pointermove', (event) => {
      // One reading per frame, however fast the pointer reports.
      if (!pending) requestAnimationFrame(() => {
        const box = canvas.getBoundingClientRect();
        const r = ratio();
        show(lab().readout(key, Math.round((pending.x - box.left) * r), Math.round((pending.y - box.top) * r), Math.round(RADIUS * r)));
        pending = null;
      });
      pending = { x: event.clientX, y: event.clientY };
    });
    canvas.addEventListener('pointerleave', () => { if (document.activeElement !== canvas) tip.hidden = true; });
    let index = -1;
    const step = (to) => { index = to; show(lab().readoutAt(key, index)); };
    canvas.addEventListener('focus', () => { if (index >= 0) step(index); });
    canvas.addEventListener('blur', () => { tip.hidden = true; });
    canvas.addEventListener('keydown', (event) => {
      const moves = { ArrowRight: () => step(index + 1), ArrowLeft: () => step(Math.max(0, index) - 1), Home: () => step(0), End: () => step(-1), Escape: () => { tip.hidden = true; } };
      const move = moves[event.key];
      if (!move || event.ctrlKey || event.metaKey || event.altKey) return;
      event.preventDefault();
      event.stopPropagation();
      move();
    });
  }
}
