import { esc, fmt, shortDate } from './html';

/*
 * Plain inline SVG charts (no library, no script): every bar is a `rect.bar` carrying
 * `data-label` and `data-value`, every trend point a `circle.point` with `data-date` and
 * `data-value`, so a test reads back what was drawn. Each SVG has role="img", a <title> and
 * aria-labelledby to its section's heading.
 */

const niceMax = (max: number): number => {
  if (max <= 5) return Math.max(1, max);
  const step = 10 ** Math.floor(Math.log10(max));
  return Math.ceil(max / step) * step;
};

const svgOpen = (id: string, label: string, width: number, height: number): string =>
  `<svg role="img" aria-labelledby="${esc(id)}-title ${esc(id)}-svg" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg"><title id="${esc(id)}-svg">${esc(label)}</title>`;

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** CSS colour; the default blue when absent. */
  readonly fill?: string;
  /** Extra class (a series name). */
  readonly series?: string;
  /** The axis label when it differs from `label`. */
  readonly tick?: string;
}

const rect = (b: Bar, x: number, y: number, w: number, h: number, unit: string): string =>
  `<rect class="bar${b.series ? ` ${esc(b.series)}` : ''}" data-label="${esc(b.label)}" data-value="${b.value}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(
    1,
  )}" rx="2" fill="${b.fill ?? '#457b9d'}"><title>${esc(b.label)}: ${fmt(b.value)} ${esc(unit)}</title></rect>`;

/** Horizontal bars in groups (one group per category, one bar per series), in the order given. */
export function horizontalBars(id: string, label: string, groups: readonly { label: string; bars: readonly Bar[] }[], unit: string): string {
  const barH = 16;
  const gap = 8;
  const left = 110;
  const width = 560;
  const groupH = (g: { bars: readonly Bar[] }) => g.bars.length * barH + gap;
  const height = groups.reduce((a, g) => a + groupH(g), 0) + 10;
  const max = niceMax(Math.max(1, ...groups.flatMap((g) => g.bars.map((b) => b.value))));
  let y = 5;
  const body = groups
    .map((g) => {
      const top = y;
      const bars = g.bars
        .map((b, i) => {
          const w = ((width - left - 60) * b.value) / max;
          const by = top + i * barH;
          return `${rect(b, left, by + 1, Math.max(b.value > 0 ? 1 : 0, w), barH - 2, unit)}<text x="${(left + w + 6).toFixed(1)}" y="${by + 12}">${fmt(b.value)}</text>`;
        })
        .join('');
      y += groupH(g);
      return `<g><text x="${left - 8}" y="${top + (g.bars.length * barH) / 2 + 4}" text-anchor="end">${esc(g.label)}</text>${bars}</g>`;
    })
    .join('');
  return `${svgOpen(id, label, width, height)}${body}</svg>`;
}

/** Vertical columns over an ordered axis (weeks, latency groups), with a y scale. */
export function columns(id: string, label: string, bars: readonly Bar[], unit: string, width = 560): string {
  const height = 240;
  const left = 44;
  const bottom = 40;
  const plotW = width - left - 10;
  const plotH = height - bottom - 10;
  const max = niceMax(Math.max(1, ...bars.map((b) => b.value)));
  const slot = plotW / Math.max(1, bars.length);
  const labelEvery = bars.length <= 10 ? 1 : Math.ceil(bars.length / (width / 70));
  const grid = (max >= 2 ? [0, 0.5, 1] : [0, 1])
    .map((f) => {
      const y = 10 + plotH * (1 - f);
      return `<line x1="${left}" x2="${width - 10}" y1="${y}" y2="${y}" stroke="#dde3ea"/><text x="${left - 6}" y="${y + 4}" text-anchor="end">${fmt(Math.round(max * f))}</text>`;
    })
    .join('');
  const cols = bars
    .map((b, i) => {
      const h = (plotH * b.value) / max;
      const x = left + i * slot + slot * 0.15;
      const tick =
        i % labelEvery === 0 || b.series === 'folded'
          ? `<text x="${(x + slot * 0.35).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle">${esc(b.tick ?? shortDate(b.label))}</text>`
          : '';
      return `<g>${rect(b, x, 10 + plotH - h, slot * 0.7, Math.max(b.value > 0 ? 1 : 0, h), unit)}${tick}</g>`;
    })
    .join('');
  return `${svgOpen(id, label, width, height)}${grid}${cols}</svg>`;
}

/** A line over dates (x proportional to time), one `circle.point` per point. */
export function dateLine(id: string, label: string, points: readonly { date: string; value: number }[], unit: string): string {
  const width = 560;
  const height = 220;
  const left = 50;
  const right = 20;
  const bottom = 36;
  const plotW = width - left - right;
  const plotH = height - bottom - 14;
  const t = points.map((p) => Date.parse(`${p.date}T00:00:00Z`));
  const t0 = Math.min(...t);
  const t1 = Math.max(...t);
  const max = niceMax(Math.max(1, ...points.map((p) => p.value)));
  const x = (i: number): number => left + (t1 === t0 ? plotW / 2 : (plotW * ((t[i] ?? t0) - t0)) / (t1 - t0));
  const y = (v: number): number => 14 + plotH * (1 - v / max);
  const grid = [0, 0.5, 1]
    .map((f) => `<line x1="${left}" x2="${width - right}" y1="${y(max * f)}" y2="${y(max * f)}" stroke="#dde3ea"/><text x="${left - 6}" y="${y(max * f) + 4}" text-anchor="end">${fmt(Math.round(max * f))}</text>`)
    .join('');
  const line = points.length > 1 ? `<polyline fill="none" stroke="#457b9d" stroke-width="2" points="${points.map((p, i) => `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')}"/>` : '';
  const dots = points
    .map(
      (p, i) =>
        `<circle class="point" data-date="${esc(p.date)}" data-value="${p.value}" cx="${x(i).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3.5" fill="#1d3557"><title>${esc(p.date)}: ${fmt(p.value)} ${esc(unit)}</title></circle>`,
    )
    .join('');
  const ticks = [...new Set([0, Math.floor((points.length - 1) / 2), points.length - 1])]
    .map((i) => {
      const anchor = points.length === 1 ? 'middle' : i === 0 ? 'start' : i === points.length - 1 ? 'end' : 'middle';
      return `<text x="${x(i).toFixed(1)}" y="${height - bottom + 18}" text-anchor="${anchor}">${esc(shortDate(points[i]?.date ?? ''))}</text>`;
    })
    .join('');
  return `${svgOpen(id, label, width, height)}${grid}${line}${dots}${ticks}</svg>`;
}
