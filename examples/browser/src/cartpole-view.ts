/** CartPole-v1's geometry (Gymnasium): the track spans x in [-2.4, 2.4], the pole is 1 m long. */
const X_LIMIT = 2.4;
const POLE_LENGTH = 1;

/**
 * Draws a CartPole state `[x, ẋ, θ, θ̇]` on a 2-D canvas: the track (with its ±2.4 limits), the
 * cart, its axle and the pole at angle θ (0 = upright, positive = leaning right). The canvas's
 * `data-frames` attribute counts the frames drawn, so tests can check the view is live.
 */
export function drawCartPole(canvas: HTMLCanvasElement, state: ArrayLike<number>, caption = ''): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  canvas.dataset.frames = String(Number(canvas.dataset.frames ?? 0) + 1);
  const { width: w, height: h } = canvas;
  const margin = 20;
  const scale = (w - 2 * margin) / (2 * X_LIMIT); // pixels per metre
  const trackY = h * 0.75;
  const x = Number(state[0]);
  const theta = Number(state[2]);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);

  // Track and its limits.
  ctx.strokeStyle = '#444';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(margin, trackY);
  ctx.lineTo(w - margin, trackY);
  ctx.stroke();
  ctx.strokeStyle = '#c33';
  for (const edge of [margin, w - margin]) {
    ctx.beginPath();
    ctx.moveTo(edge, trackY - 12);
    ctx.lineTo(edge, trackY + 12);
    ctx.stroke();
  }

  // Cart.
  const cartW = 0.5 * scale;
  const cartH = 0.3 * scale;
  const cx = w / 2 + x * scale;
  const axleY = trackY - cartH * 0.75;
  ctx.fillStyle = '#333';
  ctx.fillRect(cx - cartW / 2, trackY - cartH, cartW, cartH);

  // Pole: from the axle, θ measured from the vertical.
  const poleLen = POLE_LENGTH * scale;
  ctx.strokeStyle = '#ca8a4b';
  ctx.lineWidth = Math.max(4, 0.1 * scale);
  ctx.lineCap = 'round';
  ctx.beginPath();
  ctx.moveTo(cx, axleY);
  ctx.lineTo(cx + poleLen * Math.sin(theta), axleY - poleLen * Math.cos(theta));
  ctx.stroke();
  ctx.fillStyle = '#8184cb';
  ctx.beginPath();
  ctx.arc(cx, axleY, Math.max(3, 0.05 * scale), 0, 2 * Math.PI);
  ctx.fill();

  if (caption) {
    ctx.fillStyle = '#222';
    ctx.font = '14px sans-serif';
    ctx.fillText(caption, margin, 20);
  }
}
