// Which lab state an address opens: the bare address is the landing page (the two results, the
// lessons as numbered cards, the tour), `#tour=n` is stop n of the guided tour and
// `#tour=n&answer` the same stop with its prediction's answer shown; any other address is a lab
// state. The tour's stops (tour-stops.js, generated from src/tour.rs) and its panel (tour.js)
// load on the first tour address.
import { $, $$ } from './dom.js';

const TOUR = /^#tour=(\d+)(&answer)?$/;
let routed = false; // an address was routed before (a later one is a navigation)

// Following a link (a "Try this", "Next" or the nav) opens the lesson at its top, where the
// question, the main figure, its controls and the live check fit one screen.
function toTop() {
  document.addEventListener('adaptlab:rendered', () => window.scrollTo(0, 0), { once: true });
}

// Resolves to the fragment the lab should load for `hash`, or null for the landing page.
export async function route(hash) {
  const navigation = routed;
  routed = true;
  if (navigation) toTop();
  const landing = hash === '' || hash === '#';
  const tour = TOUR.exec(hash);
  $('#landing').hidden = !landing;
  document.body.classList.toggle('at-landing', landing);
  document.body.classList.toggle('touring', tour !== null);
  if (!tour) {
    $('#tour').hidden = true;
    document.body.classList.remove('predicting');
  }
  if (landing) {
    for (const lesson of $$('main.lesson')) lesson.hidden = true;
    for (const link of $$('[data-view-link]')) link.removeAttribute('aria-current');
    document.title = 'Adaptation Lab';
    if (navigation) window.scrollTo(0, 0);
    return null;
  }
  if (!tour) return hash;
  const [{ showStop }, { stops }] = await Promise.all([import('./tour.js'), import('./tour-stops.js')]);
  const index = Math.min(Math.max(Number(tour[1]), 1), stops.length) - 1;
  const answered = tour[2] !== undefined && Boolean(stops[index].prediction);
  $('#tour').hidden = false;
  showStop(stops, index, answered);
  return `#${answered ? stops[index].prediction.reveal : stops[index].fragment}`;
}
