// uPlot time charts shared by the overview and dyad panels: UTC time axis,
// width that follows the panel, a click on a period picks it, and the
// selected period is shaded.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export const QUAD_COLORS = ['#7fbf7b', '#1b7837', '#f1a340', '#b2182b'];
export const QUAD_NAMES = ['verbal cooperation', 'material cooperation', 'verbal conflict', 'material conflict'];

const utc = (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC');

/** Shade the period at x index `idx()` (null: nothing). */
function selectionPlugin(selIdx) {
  return {
    hooks: {
      drawClear: (u) => {
        const i = selIdx();
        const xs = u.data[0];
        if (i == null || i < 0 || i >= xs.length) return;
        const x = u.valToPos(xs[i], 'x', true);
        const j = i + 1 < xs.length ? i + 1 : i - 1;
        const step = j >= 0 ? Math.abs(u.valToPos(xs[j], 'x', true) - x) : u.bbox.width / 4;
        const { ctx } = u;
        ctx.save();
        ctx.fillStyle = 'rgba(40, 90, 200, 0.14)';
        ctx.fillRect(x - step / 2, u.bbox.top, step, u.bbox.height);
        ctx.restore();
      },
    },
  };
}

/**
 * Create a chart in `el`.
 * @param {HTMLElement} el container (emptied)
 * @param {object} o {height, series, axes?, scales?, plugins?, data, onPick(idx), selIdx(),
 *   xRange?: [min, max] seconds, so that charts of one range line up}
 * @returns {uPlot}
 */
export function timeChart(el, o) {
  el.replaceChildren();
  const width = Math.max(el.clientWidth, 280);
  const opts = {
    width,
    height: o.height,
    tzDate: utc,
    cursor: { drag: { x: false, y: false }, points: { size: 7 } },
    legend: { live: true },
    scales: { x: { time: true, ...(o.xRange ? { range: () => o.xRange } : {}) }, ...(o.scales || {}) },
    axes: o.axes || [{}, { size: 44 }],
    series: [{ label: 'period', value: (u, v) => (v == null ? '' : utc(v).toISOString().slice(0, 10)) }, ...o.series],
    plugins: [selectionPlugin(o.selIdx || (() => null)), ...(o.plugins || [])],
  };
  const u = new uPlot(opts, o.data, el);
  u.over.style.cursor = 'pointer';
  u.over.addEventListener('click', () => {
    const i = u.cursor.idx;
    if (i != null && o.onPick) o.onPick(i);
  });
  const ro = new ResizeObserver(() => {
    const w = Math.max(el.clientWidth, 280);
    if (Math.abs(w - u.width) > 2) u.setSize({ width: w, height: o.height });
  });
  ro.observe(el);
  const destroy = u.destroy.bind(u);
  u.destroy = () => {
    ro.disconnect();
    destroy();
  };
  return u;
}

export const bars = (ratio = 0.7) => uPlot.paths.bars({ size: [ratio, 60], align: 0 });
