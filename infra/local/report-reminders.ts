import type { MetricName, MetricPoint } from '../../shared/domain/metrics';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The report's hearing-reminder section: UC hearings in the next 14 days, reminders sent,
 * and, per AOR, the FTA rate of past hearings reminded (and by horizon) against not
 * reminded. Null when the run published no reminder metric (no --today run).
 */
export function hearingRemindersSection(points: readonly MetricPoint[]): string | null {
  const total = (name: MetricName): number | undefined => points.find((p) => p.name === name && p.aor === undefined)?.value;
  const upcoming = total('HearingsUpcoming14Days');
  if (upcoming === undefined) return null;
  const rates = points.filter((p) => p.name.startsWith('FtaRate') && p.aor !== undefined);
  const aors = [...new Set(rates.map((p) => p.aor as string))].sort();
  const names = [...new Set(rates.map((p) => p.name))].sort();
  const cell = (name: string, aor: string): string => {
    const v = rates.find((p) => p.name === name && p.aor === aor)?.value;
    return `<td class="n">${v === undefined ? '—' : `${v}%`}</td>`;
  };
  const table = rates.length
    ? `<table><tr><th>AOR</th>${names.map((n) => `<th>${esc(n)}</th>`).join('')}</tr>${aors.map((a) => `<tr><td>${esc(a)}</td>${names.map((n) => cell(n, a)).join('')}</tr>`).join('')}</table>`
    : '<div class="empty">No UC hearing has passed yet in the last 30 days: no FTA rate to compare.</div>';
  return `<section><h2>Hearing reminders</h2>
<p>UC hearings in the next 14 days: ${upcoming}; reminders sent by this run: ${total('RemindersSent') ?? 0}. FTA rate of past UC hearings (last 30 days) reminded, by the horizon of the last reminder, and not reminded.</p>
${table}</section>`;
}
