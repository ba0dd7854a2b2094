import {
  latencyDisplayGroups,
  mergedLatency,
  NOTICE_LATENCY_LABELS,
  addDays,
  weekOf,
  type MetricPoint,
  type ProgramState,
} from '../../shared/domain/program-metrics';
import { hearingRemindersSection } from './report-reminders';

/**
 * `out/report.html`: the program metrics as a page a program manager would rather look at
 * than read. One self-contained file: inline CSS and SVG, no script, no font or CDN, so it
 * opens from disk or an email attachment. Counts only: no ids, names or A-numbers.
 */
export function renderProgramReport(input: {
  readonly generatedAt: string;
  readonly state: ProgramState;
  readonly points: readonly MetricPoint[];
}): string {
  const { state, points } = input;
  const total = (name: string): number | undefined => points.find((p) => p.name === name && p.aor === undefined)?.value;
  const fmt = (n: number | undefined, suffix = ''): string => (n === undefined ? '—' : `${n.toLocaleString('en-US')}${suffix}`);
  const median = total('NoticeLatencyMedian');
  const tiles: [string, string, string][] = [
    ['FTAs open', fmt(total('FtasOpen')), `${fmt(total('FtasNewLast7Days'))} new, ${fmt(total('FtasRescindedLast7Days'))} rescinded in 7 days`],
    ['Emailed to ORR within 24 h', fmt(total('NotifiedWithin24hShare'), '%'), `median ${median === undefined ? '—' : humanDuration(median)} from drop to email`],
    ['FTAs not emailed after 24 h', fmt(total('FtasAwaitingNoticeOver24h')), 'should be 0'],
    ['NTA backlog', fmt(total('NtaBacklog')), `${fmt(total('NtasPlannedNext30Days'))} NTAs planned in the next 30 days`],
    ['Re-verification tasks', fmt(total('ReverificationTasksOpen')), `${fmt(total('ReverificationTasksOverdue'))} overdue`],
    ['Last drop', `${fmt(total('HoursSinceLastDrop'))} h ago`, `${fmt(total('RowsRejectedLastDrop'))} rows rejected (${fmt(total('RowsRejectedShareLastDrop'), '%')})`],
    ['UC cases not on the roster', fmt(total('UcCasesUnmatchedToRoster')), 'to match by hand'],
  ];

  const backlog = sumByAor(state.backlog.map((b) => [b.aor, b.open]));
  const ftasOpen = sumByAor([...state.ftasOpenByAor]);
  const weeks = ftaWeeks(state, input.generatedAt.slice(0, 10));
  const latency = latencyDisplayGroups(mergedLatency(state.notices));

  const sections = [
    chartSection(
      'NTA backlog by AOR',
      'UCs released by ORR with no Notice to Appear served and no EOIR case, per ICE field office.',
      backlog.length ? barsByCategory(backlog, 'UCs') : empty('No backlog data yet: the UC roster has not been loaded.'),
    ),
    chartSection(
      'Open FTAs by AOR',
      'Failures to appear of UC cases, not rescinded, per field office (court to AOR).',
      ftasOpen.length ? barsByCategory(ftasOpen, 'FTAs') : empty('No FTA recorded yet.'),
    ),
    chartSection(
      'FTAs by week',
      'Failures to appear per week of the order or missed hearing (rescinded ones removed).',
      weeks.some(([, n]) => n > 0) ? columns(weeks, 'FTAs') : empty('No FTA recorded yet.'),
    ),
    chartSection(
      'Notification latency',
      'Time from the drop landing to the email reaching ORR, in the last 30 days. Target: within 24 h; later emails in orange.',
      latency.some((n) => n > 0)
        ? columns(NOTICE_LATENCY_LABELS.map((label, i) => [label, latency[i] ?? 0] as [string, number]), 'emails', 4)
        : empty('No notice timings recorded yet.'),
    ),
    ...[hearingRemindersSection(points)].filter((x): x is string => x !== null),
  ];

  const table = points
    .map((p) => `<tr><td>${esc(p.name)}</td><td>${esc(p.aor ?? 'all')}</td><td class="n">${p.value}</td><td>${esc(p.unit)}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Docket Watch program report</title>
<style>
body{font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f6f8;color:#1b2733}
header{background:#1d3557;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.85}
main{padding:20px 28px;max-width:1200px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px;margin-bottom:20px}
.tile{background:#fff;border-radius:8px;padding:12px 14px;box-shadow:0 1px 2px #0002}
.tile h2{font-size:13px;font-weight:600;margin:0;color:#56657a;text-transform:uppercase;letter-spacing:.03em}
.tile .v{font-size:30px;font-weight:700;margin:4px 0}.tile .s{font-size:13px;color:#56657a}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px}
section{background:#fff;border-radius:8px;padding:14px 16px;box-shadow:0 1px 2px #0002}
section h2{margin:0;font-size:17px}section p{margin:2px 0 8px;color:#56657a;font-size:13px}
svg{width:100%;height:auto}svg text{font:11px system-ui,sans-serif;fill:#33414f}
.empty{padding:40px 0;text-align:center;color:#8593a3}
details{margin-top:20px;background:#fff;border-radius:8px;padding:10px 16px}
table{border-collapse:collapse;font-size:13px}td{padding:2px 10px;border-bottom:1px solid #eee}td.n{text-align:right}
</style></head>
<body>
<header><h1>Docket Watch: unaccompanied children's failures to appear</h1>
<p>Program report generated ${esc(input.generatedAt.replace('T', ' ').slice(0, 16))} UTC, from the same aggregates the CloudWatch metrics are published from.</p></header>
<main>
<div class="tiles">${tiles.map(([t, v, s]) => `<div class="tile"><h2>${esc(t)}</h2><div class="v">${esc(v)}</div><div class="s">${esc(s)}</div></div>`).join('')}</div>
<div class="charts">${sections.join('\n')}</div>
<details><summary>Every metric as published</summary><table><tr><th>metric</th><th>AOR</th><th>value</th><th>unit</th></tr>${table}</table></details>
</main></body></html>
`;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function humanDuration(seconds: number): string {
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round((seconds / 3600) * 10) / 10} h`;
  return `${Math.round((seconds / 86_400) * 10) / 10} days`;
}

function sumByAor(entries: readonly (readonly [string, number])[]): [string, number][] {
  const sums = new Map<string, number>();
  for (const [aor, n] of entries) sums.set(aor === 'NONE' ? 'UNKNOWN' : aor, (sums.get(aor === 'NONE' ? 'UNKNOWN' : aor) ?? 0) + n);
  return [...sums].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Weekly FTA counts from the first week with data (at most 104 weeks back) to this week. */
function ftaWeeks(state: ProgramState, today: string): [string, number][] {
  const byWeek = new Map<string, number>();
  for (const w of state.ftaWeeks) byWeek.set(w.week, (byWeek.get(w.week) ?? 0) + w.count);
  const thisWeek = weekOf(today);
  const earliest = addDays(thisWeek, -7 * 103);
  const first = [...byWeek.keys()].filter((w) => w >= earliest).sort()[0] ?? addDays(thisWeek, -7 * 25);
  const out: [string, number][] = [];
  for (let w = first; w <= thisWeek; w = addDays(w, 7)) out.push([w, byWeek.get(w) ?? 0]);
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** A week's Monday as `3 Feb 25`; other labels as they are. */
const shortLabel = (label: string): string =>
  /^\d{4}-\d{2}-\d{2}$/.test(label) ? `${Number(label.slice(8))} ${MONTHS[Number(label.slice(5, 7)) - 1]} ${label.slice(2, 4)}` : label;

const chartSection = (title: string, note: string, body: string): string =>
  `<section><h2>${esc(title)}</h2><p>${esc(note)}</p>${body}</section>`;
const empty = (text: string): string => `<div class="empty">${esc(text)}</div>`;

const niceMax = (max: number): number => {
  if (max <= 5) return Math.max(1, max);
  const step = 10 ** Math.floor(Math.log10(max));
  return Math.ceil(max / step) * step;
};

/** Horizontal bars, one per category, largest first. */
function barsByCategory(rows: readonly [string, number][], unit: string): string {
  const barH = 18;
  const gap = 6;
  const left = 70;
  const width = 560;
  const height = rows.length * (barH + gap) + 10;
  const max = niceMax(Math.max(...rows.map(([, n]) => n)));
  const bars = rows
    .map(([label, n], i) => {
      const y = 5 + i * (barH + gap);
      const w = Math.max(1, ((width - left - 60) * n) / max);
      return `<g><title>${esc(label)}: ${n} ${unit}</title><text x="${left - 8}" y="${y + 13}" text-anchor="end">${esc(label)}</text><rect class="bar" x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" rx="3" fill="#457b9d"/><text x="${(left + w + 6).toFixed(1)}" y="${y + 13}">${n}</text></g>`;
    })
    .join('');
  return `<svg role="img" aria-label="${esc(unit)} by AOR" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${bars}</svg>`;
}

/** Vertical columns over an ordered axis (weeks, latency buckets), with a y scale. */
function columns(rows: readonly [string, number][], unit: string, highlightUpTo = -1): string {
  const width = 560;
  const height = 240;
  const left = 40;
  const bottom = 40;
  const plotW = width - left - 10;
  const plotH = height - bottom - 10;
  const max = niceMax(Math.max(...rows.map(([, n]) => n)));
  const slot = plotW / rows.length;
  const labelEvery = rows.length <= 10 ? 1 : Math.ceil(rows.length / 8);
  const grid = (max >= 2 ? [0, 0.5, 1] : [0, 1])
    .map((f) => {
      const y = 10 + plotH * (1 - f);
      return `<line x1="${left}" x2="${width - 10}" y1="${y}" y2="${y}" stroke="#dde3ea"/><text x="${left - 6}" y="${y + 4}" text-anchor="end">${Math.round(max * f)}</text>`;
    })
    .join('');
  const cols = rows
    .map(([label, n], i) => {
      const h = (plotH * n) / max;
      const x = left + i * slot + slot * 0.15;
      const fill = highlightUpTo >= 0 && i > highlightUpTo ? '#e76f51' : '#457b9d';
      const tick = i % labelEvery === 0 ? `<text x="${(x + slot * 0.35).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle">${esc(shortLabel(label))}</text>` : '';
      return `<g><title>${esc(label)}: ${n} ${unit}</title><rect class="bar" x="${x.toFixed(1)}" y="${(10 + plotH - h).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${Math.max(n > 0 ? 1 : 0, h).toFixed(1)}" fill="${fill}"/>${tick}</g>`;
    })
    .join('');
  return `<svg role="img" aria-label="${esc(unit)}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${grid}${cols}</svg>`;
}
