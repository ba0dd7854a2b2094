import type { ProgramReport } from '../../shared/domain/program-report';
import { esc } from './report/html';
import { REPORT_SECTIONS } from './report/sections';
import { oplaReconciliationSection, type OplaSectionInput } from './report-opla-section';

/**
 * `out/report.html`: the program report (`summary.json` `program`) as a page a program
 * manager would rather look at than read. One self-contained file: inline CSS and SVG, no
 * script, no font or CDN, so it opens from disk or an email attachment. Counts only: no
 * ids, names or A-numbers. The sections are the list in ./report/sections.ts, one module each.
 */
/** Sections fed by inputs other than the program aggregates (each optional). */
export interface ReportExtras {
  /** The last OPLA reconciliation of the run, when OPLA's list was given. */
  readonly opla?: OplaSectionInput | null;
}

export function renderProgramReport(report: ProgramReport, extras: ReportExtras = {}): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Docket Watch program report</title>
<style>
body{font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f6f8;color:#1b2733}
header{background:#1d3557;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.85}
main{padding:20px 28px;max-width:1200px;display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px;align-items:start}
.wide{grid-column:1/-1}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px}
.tile{background:#fff;border-radius:8px;padding:12px 14px;box-shadow:0 1px 2px #0002}
.tile h2{font-size:13px;font-weight:600;margin:0;color:#56657a;text-transform:uppercase;letter-spacing:.03em}
.tile .v{font-size:30px;font-weight:700;margin:4px 0}.tile .s{font-size:13px;color:#56657a}
section{background:#fff;border-radius:8px;padding:14px 16px;box-shadow:0 1px 2px #0002}
section h2{margin:0;font-size:17px}section p{margin:2px 0 8px;color:#56657a;font-size:13px}
.coverage dl{display:flex;flex-wrap:wrap;gap:8px 28px;margin:6px 0 0}.coverage dt{font-size:12px;color:#56657a}.coverage dd{margin:0;font-weight:600}
svg{width:100%;height:auto}svg text{font:11px system-ui,sans-serif;fill:#33414f}
.empty{padding:40px 0;text-align:center;color:#8593a3}
details{font-size:13px}details.data{margin-top:6px}details.metrics{background:#fff;border-radius:8px;padding:10px 16px}
summary{cursor:pointer;color:#1d3557}
table{border-collapse:collapse;font-size:13px}caption{text-align:left;color:#56657a;padding:4px 0}th{text-align:left;padding:2px 10px}td{padding:2px 10px;border-bottom:1px solid #eee}td.n{text-align:right}
</style></head>
<body>
<header><h1>Docket Watch: unaccompanied children's failures to appear</h1>
<p>Program report generated ${esc(report.generatedAt.replace('T', ' ').slice(0, 16))} UTC, from the same aggregates the CloudWatch metrics are published from.</p></header>
<main>
${REPORT_SECTIONS.map((section) => section(report)).join('\n')}
${extras.opla ? oplaReconciliationSection(extras.opla) : ''}
</main></body></html>
`;
}
