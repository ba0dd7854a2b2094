import type { ProgramReport } from '../../../shared/domain/program-report';
import { esc, fmt } from './html';

/** Every metric point as the job published it (CloudWatch's names, units and AOR dimension). */
export function allMetricsSection(report: ProgramReport): string {
  const rows = report.metrics
    .map((p) => `<tr><td>${esc(p.name)}</td><td>${esc(p.aor ?? 'all')}</td><td class="n" data-value="${p.value}">${fmt(p.value)}</td><td>${esc(p.unit)}</td></tr>`)
    .join('');
  return `<details class="metrics wide"><summary>Every metric as published (${report.metrics.length})</summary><table><thead><tr><th scope="col">metric</th><th scope="col">AOR</th><th scope="col">value</th><th scope="col">unit</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}
