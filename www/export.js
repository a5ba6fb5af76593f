// The export and import buttons: PNG, SVG, CSV and JSON on every figure, and the file inputs
// (a saved state, matrices for the linear lesson, a prior for the risk lesson). What they do is
// in `export-actions.js`, loaded on the first click so that the page's first load stays small.
import { $, $$, guarded, figureTools } from './dom.js';

let page = null;
let loaded = null;
const actions = () => {
  loaded ??= import('./export-actions.js').then((module) => {
    module.usePage(page);
    return module;
  });
  return loaded;
};
const run = (name, ...args) => actions().then((module) => guarded(() => module[name](...args)));

export function wireExport(pageInterface) {
  page = pageInterface;
  for (const figure of $$('figure[data-figure]')) {
    const title = $('h2, h3', figure).textContent;
    const tools = figureTools(figure);
    for (const [label, action, describe] of [
      ['PNG', () => run('png', figure), 'Save this figure as a PNG image at twice its size, with a caption'],
      ['SVG', (event) => run('svg', figure, event.currentTarget), 'Save this figure as an SVG drawing'],
      ['CSV', () => run('csv', figure), 'Save the plotted values of this figure as CSV'],
      ['JSON', () => run('json', figure), 'Save the full state of this view as JSON'],
    ]) {
      const button = Object.assign(document.createElement('button'), { type: 'button', textContent: label });
      button.dataset.export = label.toLowerCase();
      button.dataset.describe = describe;
      button.setAttribute('aria-label', `${describe}: ${title}`);
      button.addEventListener('click', action);
      tools.append(button);
    }
  }
  $('#forget-matrices').addEventListener('click', () => page.set('cm', ''));
  for (const [input, read] of [['#import-state', 'importState'], ['#import-prior', 'importPrior'], ['#import-matrices', 'importMatrices']]) {
    $(input).addEventListener('change', (event) => {
      const [file] = event.target.files;
      event.target.value = '';
      if (file) run(read, file);
    });
  }
}
