// The guided tour's panel (loaded on the first tour address): the stop's place in the tour,
// its title, two or three sentences and one thing to notice; previous / next by button and by
// ← →; a link per stop (#tour=n). A stop that asks for a prediction veils the figure and the
// live check until the reader has chosen an answer, then "Show me" opens the revealing state
// (#tour=n&answer), whose numbers tests/tour.rs checks against the stated answer.
import { $ } from './dom.js';

let current = { stops: [], index: 0 };
const chosen = new Map(); // stop index → the choice the reader committed to

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};
const go = (index, answer = false) => {
  if (index < 0 || index >= current.stops.length) return;
  location.hash = `#tour=${index + 1}${answer ? '&answer' : ''}`;
};

function prediction(stop, index, answered) {
  const p = stop.prediction;
  const box = el('div', { className: 'predict' });
  box.append(el('p', { className: 'question' }, el('strong', { textContent: 'Predict first: ' }), p.question));
  const choices = el('div', { className: 'choices', role: 'group' });
  choices.setAttribute('aria-label', 'Your prediction');
  const show = el('button', { type: 'button', className: 'show-me', textContent: 'Show me', disabled: !chosen.has(index) });
  p.choices.forEach((choice, i) => {
    const button = el('button', { type: 'button', textContent: choice, disabled: answered });
    button.setAttribute('aria-pressed', String(chosen.get(index) === i));
    if (answered && i === p.answer) button.classList.add('right');
    button.addEventListener('click', () => {
      chosen.set(index, i);
      for (const other of choices.children) other.setAttribute('aria-pressed', String(other === button));
      show.disabled = false;
    });
    choices.append(button);
  });
  box.append(choices);
  if (!answered) {
    show.addEventListener('click', () => go(index, true));
    box.append(show);
    return box;
  }
  const mine = chosen.get(index);
  const verdict = mine === undefined ? '' : mine === p.answer ? 'You predicted it. ' : `You predicted “${p.choices[mine]}”. `;
  box.append(el('p', { className: 'answer', role: 'status' }, el('strong', { textContent: `Answer: ${p.choices[p.answer]}. ` }), verdict, p.why));
  return box;
}

export function showStop(stops, index, answered) {
  current = { stops, index };
  const stop = stops[index];
  const panel = $('#tour');
  const waiting = Boolean(stop.prediction) && !answered;
  document.body.classList.toggle('predicting', waiting);
  const previous = el('button', { type: 'button', textContent: '← Previous', disabled: index === 0 });
  previous.addEventListener('click', () => go(index - 1));
  const next = el('button', { type: 'button', textContent: 'Next →', disabled: index === stops.length - 1 });
  next.addEventListener('click', () => go(index + 1));
  const progress = el('span', { className: 'tour-progress', textContent: `${index + 1} / ${stops.length}` });
  progress.setAttribute('aria-label', `Stop ${index + 1} of ${stops.length}`);
  const open = el('a', { href: `#${answered ? stop.prediction.reveal : stop.fragment}`, textContent: 'Open this state in the lab' });
  const link = el('a', { href: `#tour=${index + 1}`, textContent: 'Link to this stop' });
  panel.replaceChildren(
    el('div', { className: 'tour-head' },
      el('p', { className: 'tour-part' }, 'Guided tour · ', stop.part, ' · ', progress),
      el('div', { className: 'tour-nav' }, previous, next)),
    el('h2', { textContent: stop.title }),
    el('p', { className: 'tour-text', textContent: stop.text }),
    ...(stop.prediction ? [prediction(stop, index, answered)] : []),
    ...(waiting ? [] : [el('p', { className: 'tour-notice' }, el('strong', { textContent: 'Notice: ' }), stop.notice)]),
    el('p', { className: 'tour-links' }, link, ' · ', open, ' · ', el('a', { href: '#', textContent: 'Leave the tour' })),
  );
  document.title = `Adaptation Lab — tour ${index + 1} / ${stops.length}: ${stop.title}`;
}

// ← → step through the tour (not while typing, on a slider, or with a dialog open); they take
// precedence over the lessons' own arrow keys.
window.addEventListener('keydown', (event) => {
  if (!document.body.classList.contains('touring') || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
  const target = event.target;
  // A focused figure's arrows read its points (www/readout.js).
  if (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName) || target.dataset?.readable || $('dialog[open]')) return;
  event.preventDefault();
  event.stopPropagation();
  // Step from the stop the address names: a key pressed while the next stop is still being
  // shown (its modules loading) must not step from the stop being left.
  const addressed = /^#tour=(\d+)/.exec(location.hash);
  const from = addressed ? Math.min(Number(addressed[1]), current.stops.length) - 1 : current.index;
  go(from + (event.key === 'ArrowRight' ? 1 : -1));
}, true);
