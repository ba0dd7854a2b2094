import type { ProgramReport } from '../../../shared/domain/program-report';

/** HTML pieces every report section shares: escaping, number and date formats, the chart frame. */

export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const fmt = (n: number | null | undefined, suffix = ''): string => (n === null || n === undefined ? '—' : `${n.toLocaleString('en-US')}${suffix}`);

/** Seconds as `12 min`, `3.5 h` or `2.1 days`; `—` for null. */
export function humanDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round((seconds / 3600) * 10) / 10} h`;
  return `${Math.round((seconds / 86_400) * 10) / 10} days`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `2025-02-03` as `3 Feb 2025`; anything else as it is. */
export const longDate = (day: string): string =>
  /^\d{4}-\d{2}-\d{2}/.test(day) ? `${Number(day.slice(8, 10))} ${MONTHS[Number(day.slice(5, 7)) - 1]} ${day.slice(0, 4)}` : day;
/** `2025-02-03` as `3 Feb 25` (axis ticks); anything else as it is. */
export const shortDate = (day: string): string =>
  /^\d{4}-\d{2}-\d{2}$/.test(day) ? `${Number(day.slice(8))} ${MONTHS[Number(day.slice(5, 7)) - 1]} ${day.slice(2, 4)}` : day;

export const empty = (text: string): string => `<div class="empty">${esc(text)}</div>`;

/** A data table: the chart's numbers for screen readers and for copying. Cells that are numbers carry `data-value`. */
export function dataTable(caption: string, headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (v: string | number): string => (typeof v === 'number' ? `<td class="n" data-value="${v}">${fmt(v)}</td>` : `<td>${esc(v)}</td>`);
  return `<details class="data"><summary>Data table</summary><table><caption>${esc(caption)}</caption><thead><tr>${headers
    .map((h) => `<th scope="col">${esc(h)}</th>`)
    .join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table></details>`;
}

/**
 * One chart as a `<section class="chart" data-chart="<id>">`: a heading, a note saying what
 * it counts and from which metric or aggregate, the chart (or why there is none), and its
 * data table. The SVG inside names the heading as its accessible name.
 */
export function chartSection(s: { id: string; title: string; note: string; chart: string; table: string; wide?: boolean }): string {
  return `<section class="chart${s.wide ? ' wide' : ''}" data-chart="${esc(s.id)}" aria-labelledby="${esc(s.id)}-title"><h2 id="${esc(s.id)}-title">${esc(s.title)}</h2><p>${esc(
    s.note,
  )}</p>${s.chart}${s.table}</section>`;
}

/**
 * A report section: a function from the program report (`summary.json` `program`) to HTML.
 * Chart sections use `chartSection`; the page lays them out in a grid (class `wide` spans it).
 */
export type ReportSection = (report: ProgramReport) => string;
