// Dragging the marks of a lesson's figure that has handles (Rust's `capabilities.handles`: the
// skill centres of the one-prompt lesson's 2-D prior on its weight-space figure), with a mouse,
// a pen or a finger. Rust decides which centre is under the pointer and where it
// moves to (the figure's frame), and validates the new centres like any other setting.

export function wireDragging(page, canvas) {
  let dragging = -1;
  let pending = null;
  // The pointer in the canvas's device pixels (the coordinates the figure was drawn in).
  const at = (event) => {
    const box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * (canvas.width / box.width), (event.clientY - box.top) * (canvas.height / box.height)];
  };
  const under = (event) => page.lab().centre_at(...at(event), canvas.width, canvas.height, Number(canvas.dataset.scale));
  canvas.addEventListener('pointerdown', (event) => {
    const index = under(event);
    if (index < 0) return;
    dragging = index;
    canvas.setPointerCapture(event.pointerId);
    canvas.classList.add('dragging');
    event.preventDefault();
  });
  canvas.addEventListener('pointermove', (event) => {
    if (dragging < 0) {
      canvas.classList.toggle('grab', under(event) >= 0);
      return;
    }
    // One move per frame, however fast the pointer reports.
    if (!pending) {
      const index = dragging;
      requestAnimationFrame(() => { page.moveCentre(index, ...pending, canvas); pending = null; });
    }
    pending = at(event);
  });
  const drop = () => {
    dragging = -1;
    canvas.classList.remove('dragging');
  };
  canvas.addEventListener('pointerup', drop);
  canvas.addEventListener('pointercancel', drop);
}
