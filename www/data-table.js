// Accessible figures: every canvas is an image named by its figure's heading (its live text
// summary is linked by aria-describedby in the page), and a "Show data" table lists the values
// it plots — the same rows as its CSV export, built only while the table is open.
import { $, $$, guarded } from './dom.js';

let page = null;
const REFRESH_MS = 1000; // while a sweep fills in, an open table follows it at most once a second

// Whether the current view's background work is finished (its figures are final).
function workComplete() {
  const { done, total } = page.progress();
  return done >= total;
}

function fill(figure, complete = workComplete()) {
  // Rust builds the table from the figure's data: one row per x, one column per series.
  const { columns, rows, notes } = page.lab().table(figure.dataset.figure);
  const table = document.createElement('table');
  table.className = 'data-table';
  const caption = table.createCaption();
  caption.textContent = `Values plotted in “${$('h2, h3', figure).textContent}” (${rows.length} rows)`;
  const head = table.createTHead().insertRow();
  for (const name of columns) {
    const cell = document.createElement('th');
    cell.scope = 'col';
    cell.textContent = name;
    head.append(cell);
  }
  // The first column (the x the axis shows, a skill, a matrix row) heads each row.
  const body = table.createTBody();
  for (const [first, ...rest] of rows) {
    const row = body.insertRow();
    const head = Object.assign(document.createElement('th'), { scope: 'row', textContent: first });
    row.append(head);
    for (const text of rest) row.insertCell().textContent = text;
  }
  const list = document.createElement('ul');
  list.className = 'table-notes';
  for (const note of notes) list.append(Object.assign(document.createElement('li'), { textContent: note }));
  $('.table-wrap', figure).replaceChildren(table, ...(notes.length ? [list] : []));
  figure.dataset.tableFilled = String(performance.now());
  figure.dataset.tableComplete = complete ? '1' : '0';
}

export function wireDataTables(pageInterface) {
  page = pageInterface;
  for (const figure of $$('figure[data-figure]')) {
    $('canvas', figure).setAttribute('aria-label', $('h2, h3', figure).textContent);
    const details = document.createElement('details');
    details.className = 'data';
    const summary = document.createElement('summary');
    summary.textContent = 'Show data';
    const wrap = Object.assign(document.createElement('div'), { className: 'table-wrap' });
    details.append(summary, wrap);
    figure.append(details);
    details.addEventListener('toggle', () => { if (details.open) guarded(() => fill(figure)); });
  }
  // An open table follows the figure: at most once a second while work fills it in, and always
  // once the work is complete, so that it never stops short of the finished figure. Each table is
  // rebuilt in a task of its own after the render's (a large one takes tens of milliseconds).
  document.addEventListener('adaptlab:rendered', () => {
    const complete = workComplete();
    for (const figure of $$('main:not([hidden]) figure[data-figure]:not([hidden])')) {
      if (!$('details.data', figure).open) continue;
      const stale = performance.now() - Number(figure.dataset.tableFilled || 0) > REFRESH_MS;
      if (stale || (complete && figure.dataset.tableComplete !== '1')) {
        figure.dataset.tableFilled = String(performance.now()); // one rebuild on its way is enough
        setTimeout(() => { if (!figure.hidden && $('details.data', figure).open) guarded(() => fill(figure)); }, 0);
      }
    }
  });
}
