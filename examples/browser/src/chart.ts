/** One line of the chart: points (x = step) in [0, max] on its own axis. */
export interface Series {
  label: string;
  color: string;
  points: Array<[number, number]>;
  /** Fixed y range; the max of the points when omitted. */
  yMax?: number;
}

/**
 * Draws the series on a plain 2-D canvas: axes, lines and a legend with the last values. The
 * canvas's `data-points` attribute then holds the number of points drawn per series, as JSON keyed
 * by label (`{"loss":125,"train accuracy":125,"test accuracy":1}`; `{}` when no 2-D context), so
 * tests can check the chart was drawn.
 */
export function drawChart(canvas: HTMLCanvasElement, series: Series[]): void {
  const ctx = canvas.getContext('2d');
  canvas.dataset.points = JSON.stringify(ctx ? Object.fromEntries(series.map((s) => [s.label, s.points.length])) : {});
  if (!ctx) return;
  const { width: w, height: h } = canvas;
  const pad = { l: 40, r: 10, t: 24, b: 22 };
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.strokeStyle = '#999';
  ctx.lineWidth = 1;
  ctx.strokeRect(pad.l, pad.t, w - pad.l - pad.r, h - pad.t - pad.b);
  const xMax = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p[0])));
  ctx.font = '12px sans-serif';
  ctx.fillStyle = '#333';
  ctx.fillText('0', pad.l - 10, h - 6);
  ctx.fillText(`step ${xMax}`, w - pad.r - 60, h - 6);
  let legendX = pad.l;
  for (const s of series) {
    const yMax = s.yMax ?? Math.max(1e-6, ...s.points.map((p) => p[1]));
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    s.points.forEach(([x, y], i) => {
      const px = pad.l + (x / xMax) * (w - pad.l - pad.r);
      const py = pad.t + (1 - Math.min(y, yMax) / yMax) * (h - pad.t - pad.b);
      if (i === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    });
    ctx.stroke();
    if (s.points.length < 30) {
      // Sparse series (one point per epoch): mark each point.
      ctx.fillStyle = s.color;
      for (const [x, y] of s.points) {
        ctx.beginPath();
        ctx.arc(pad.l + (x / xMax) * (w - pad.l - pad.r), pad.t + (1 - Math.min(y, yMax) / yMax) * (h - pad.t - pad.b), 4, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    const last = s.points.at(-1)?.[1];
    const text = `${s.label}${last === undefined ? '' : ` ${last.toFixed(3)}`}`;
    ctx.fillStyle = s.color;
    ctx.fillText(text, legendX, 16);
    legendX += ctx.measureText(text).width + 16;
  }
}
