// The transport of a lesson that has one (Rust's `capabilities.play`), found in the lesson's
// markup by `data-transport`:
// - `work`: Play runs the lesson's background work (a training run) at its pace, Pause stops it,
//   Step does one unit, Reset starts it again; "Run again" once it has ended.
// - `setting`: Play steps an integer setting (the prompt's number of examples k) at the chosen
//   speed; Step adds one, Double doubles it, Reset sets it to 0, and Jump sets it to a typed
//   value, which goes through the lesson's gate in Rust.
import { $, $$, showNotices } from './dom.js';
import { currentProgress, scheduleWork, stepOnce, stopWork } from './work.js';

let page = null;
let paused = false; // the `work` transport's run is paused
let timer = 0; // the `setting` transport's play timer

const play = () => page.capabilities().play ?? { kind: 'none' };
const control = (name) => $(`[data-transport="${name}"]`, page.section());
const settingInput = () => $(`[data-key="${play().key}"]`, page.section());
const settingValue = () => Number(settingInput().value);

// Play speeds of the `setting` transport: values per tick, tick in ms.
const SPEEDS = { slow: [1, 500], normal: [1, 100], fast: [4, 100] };
const speed = () => SPEEDS[control('speed')?.value] ?? SPEEDS.normal;

// The reader's system asks for reduced motion: a run is computed at full speed and its figures
// drawn only when it ends or pauses (the progress bar still moves).
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
export const stillFigures = () => reducedMotion.matches && play().kind === 'work';
// Whether the page holds the lesson's work (a paused run).
export const workPaused = () => paused && play().kind === 'work';

const runEnded = () => play().kind === 'work' && currentProgress().done >= currentProgress().total;

// The `work` transport says what is true now: "Pause" only while the run runs, "Play" while it is
// paused, "Run again" once it has ended (stepped to its end or diverged); Step has nothing left
// to do then.
export function showTransport() {
  if (play().kind !== 'work') return;
  const running = !paused && !runEnded();
  const button = control('play');
  button.textContent = runEnded() ? 'Run again' : running ? 'Pause' : 'Play';
  button.setAttribute('aria-pressed', String(running));
  control('step').disabled = runEnded();
  control('still').hidden = !stillFigures();
}

function stopSetting() {
  clearInterval(timer);
  timer = 0;
  document.body.dataset.playing = '0';
  for (const button of $$('[data-transport="play"]')) {
    if (button.getAttribute('aria-pressed') !== 'true' || button.closest('main.lesson') === page.section()) continue;
    button.textContent = 'Play';
    button.setAttribute('aria-pressed', 'false');
  }
}

function tick() {
  if (play().kind !== 'setting') { // the reader went to another lesson: play stops
    stopSetting();
    return;
  }
  const [perTick] = speed();
  const value = settingValue();
  const max = Number(settingInput().max);
  if (value >= max) { setPlaying(false); return; }
  page.changeHeld(play().key, String(Math.min(max, value + perTick)));
}

export const isPlaying = () => (play().kind === 'setting' ? timer !== 0 : !paused && !runEnded());

export const setPlaying = (playing) => page.act(() => {
  const kind = play().kind;
  if (kind === 'setting') {
    clearInterval(timer);
    timer = playing ? setInterval(tick, speed()[1]) : 0;
    if (!playing) page.writeOwnAddress();
    control('play').textContent = playing ? 'Pause' : 'Play';
    control('play').setAttribute('aria-pressed', String(playing));
    document.body.dataset.playing = playing ? '1' : '0';
    return;
  }
  if (kind !== 'work') return;
  paused = !playing;
  if (playing && runEnded()) {
    // "Run again": the same run from step 0 (the same numbers, at the chosen pace).
    page.rawLab().reset();
    page.refresh();
    return;
  }
  if (!paused) scheduleWork();
  else {
    stopWork();
    page.renderNow(); // show exactly where the run stopped
  }
  page.showProgress();
});

export const step = () => page.act(() => {
  const kind = play().kind;
  if (kind === 'work') {
    stepOnce();
    page.showProgress();
    page.renderNow();
  } else if (kind === 'setting') page.change(play().key, String(settingValue() + 1));
});

export const stepBack = () => {
  if (play().kind === 'setting') page.change(play().key, String(Math.max(0, settingValue() - 1)));
};

// Restart (the R key): a run starts again from its first unit; any other lesson opens at its
// defaults.
export const restart = () => page.act(() => {
  if (play().kind === 'work') {
    page.rawLab().reset();
    page.refresh();
  } else location.hash = `#v=1&view=${page.rawLab().view()}`;
});

// The Reset button: a run starts again; a played setting goes back to 0.
function reset() {
  if (play().kind !== 'setting') {
    restart();
    return;
  }
  setPlaying(false);
  page.change(play().key, '0');
}

export function wireTransport(host) {
  page = host;
  for (const button of $$('[data-transport="play"]')) button.addEventListener('click', () => setPlaying(!isPlaying()));
  for (const button of $$('[data-transport="step"]')) button.addEventListener('click', step);
  for (const button of $$('[data-transport="reset"]')) button.addEventListener('click', reset);
  for (const button of $$('[data-transport="double"]')) {
    button.addEventListener('click', () => page.change(play().key, String(Math.max(1, settingValue() * 2))));
  }
  for (const select of $$('[data-transport="speed"]')) {
    if (reducedMotion.matches) select.value = 'slow';
    select.addEventListener('change', () => { if (timer !== 0) setPlaying(true); });
  }
  // Jump: the value goes through the lesson's gate (Rust); one the gate would repair changes
  // nothing: the state before it is restored, and the gate's reason is shown without its repair.
  for (const form of $$('[data-transport="jump"]')) {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      page.act(() => {
        const lab = page.rawLab();
        const key = play().key;
        const before = lab.fragment();
        const now = settingValue();
        const notices = lab.set(key, $('input', form).value);
        if (notices.length) {
          lab.load(before);
          showNotices(notices.map((n) => `${n.replace(/; using [^;]*$/, '')}; nothing was changed (${key} stays ${now}).`), `Jump to ${key}:`);
          return;
        }
        $('#notice').hidden = true;
        page.syncControls();
        page.refresh();
      });
    });
  }
}
