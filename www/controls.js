// Writes Rust's description of the shown lesson's controls into its inputs: values, ranges,
// whether a setting applies (hidden when it changes nothing now), the per-layer ranks and the
// list settings' one input per entry.
import { $, $$ } from './dom.js';

// A menu's entries are Rust's options and their labels; written once, rewritten only if they differ.
function writeOptions(select, control) {
  const same = select.options.length === control.options.length
    && control.options.every((value, i) => select.options[i].value === value && select.options[i].text === control.option_labels[i]);
  if (!same) select.replaceChildren(...control.options.map((value, i) => new Option(control.option_labels[i], value)));
}

export function writeControls(controls, root, change) {
  for (const control of controls) {
    for (const input of $$(`[data-key="${control.key}"]`, root)) {
      if (input.tagName === 'SELECT') writeOptions(input, control);
      if (input.type === 'checkbox') {
        input.checked = control.value === '1';
        continue;
      }
      if (control.min !== undefined && control.min !== null) input.min = control.min;
      if (control.max !== undefined && control.max !== null) input.max = control.max;
      if (input.value !== control.value) input.value = control.value;
      if (input.type === 'range') input.setAttribute('aria-valuetext', `${control.label}: ${control.value}`);
    }
    // A setting that changes nothing in the current state is hidden (Rust decides which).
    for (const input of $$(`[data-key="${control.key}"], [data-list="${control.key}"]`, root)) {
      const box = input.closest('.control, .list-control');
      if (box) box.hidden = !control.applies;
    }
    const output = $(`output[data-for="${control.key}"]`, root);
    if (output) output.textContent = control.value;
    if (control.key === 'ranks') syncLayerRanks(control, change);
    if (control.key === 'cm') {
      const own = control.value !== '';
      $('#forget-matrices').hidden = !own;
      $('#matrices-status').textContent = own ? 'Showing your matrices (they are in the link).' : '';
    }
    const list = $(`[data-list="${control.key}"] .layer-inputs`, root);
    if (list) syncList(control, list, change);
  }
}

function syncLayerRanks(control, change) {
  const perLayer = control.value !== '';
  $('#per-layer-toggle').checked = perLayer;
  $('#layer-ranks').hidden = !perLayer;
  $('#ctl-R').disabled = perLayer;
  const box = $('#layer-ranks .layer-inputs');
  const values = perLayer ? control.value.split(',') : [];
  if (box.children.length !== values.length) {
    box.replaceChildren(...values.map((_, index) => {
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.type = 'number';
      input.addEventListener('change', () => change('ranks', $$('#layer-ranks input').map((i) => i.value).join(',')));
      label.append(`R${String.fromCharCode(0x2081 + index)} `, input);
      return label;
    }));
  }
  $$('input', box).forEach((input, index) => {
    input.min = control.min;
    input.max = control.max;
    if (input.value !== values[index]) input.value = values[index];
  });
}

// A list setting (the prompt lesson's weights and centres) as one number input per entry,
// showing the values in effect when the list is not set.
const LIST_LABELS = {
  pi: (i) => `π${String.fromCharCode(0x2081 + i)}`,
  centres: (i) => `w${String.fromCharCode(0x2081 + Math.floor(i / 2))} ${i % 2 ? 'y' : 'x'}`,
};
function syncList(control, box, change) {
  const values = (control.value || control.unset || '').split(',').filter((v) => v !== '');
  if (box.children.length !== values.length) {
    box.replaceChildren(...values.map((_, index) => {
      const label = document.createElement('label');
      const input = Object.assign(document.createElement('input'), { type: 'number' });
      input.step = control.key === 'pi' ? '1' : '0.01';
      input.addEventListener('change', () => change(control.key, $$('input', box).map((i) => i.value).join(',')));
      label.append(`${LIST_LABELS[control.key](index)} `, input);
      return label;
    }));
  }
  $$('input', box).forEach((input, index) => {
    input.min = control.min;
    input.max = control.max;
    if (input.value !== values[index]) input.value = values[index];
  });
}
