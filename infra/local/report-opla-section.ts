import type { AorReconciliation } from '../../shared/domain/opla-reconciliation';

/** What the OPLA section of `out/report.html` shows: the last reconciliation's counts (no ids, no A-numbers). */
export interface OplaSectionInput {
  readonly exportId: string;
  readonly dropId: string | null;
  readonly asOf: string;
  readonly totals: Omit<AorReconciliation, 'aor'>;
  readonly byAor: readonly AorReconciliation[];
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The report section "DOJ FTAs missing from OPLA": per AOR, a bar of the FTAs OPLA's list
 * lacks (OIG-24-46's gap) beside the matched ones, and the entries no open DOJ FTA supports.
 * Self-contained HTML (inline SVG), like the rest of the report.
 */
export function oplaReconciliationSection(r: OplaSectionInput): string {
  const rows = [...r.byAor].sort((a, b) => b.missingFromOpla - a.missingFromOpla || a.aor.localeCompare(b.aor));
  const max = Math.max(1, ...rows.map((a) => a.missingFromOpla + a.matched));
  const barW = 360;
  const rowH = 18;
  const bars = rows
    .map((a, i) => {
      const y = i * rowH;
      const miss = (a.missingFromOpla / max) * barW;
      const ok = (a.matched / max) * barW;
      return `<text x="0" y="${y + 13}">${esc(a.aor)}</text><rect x="60" y="${y + 3}" width="${miss.toFixed(1)}" height="12" fill="#e76f51"><title>${a.missingFromOpla} missing</title></rect><rect x="${(60 + miss).toFixed(1)}" y="${y + 3}" width="${ok.toFixed(1)}" height="12" fill="#2a9d8f"><title>${a.matched} matched</title></rect><text x="${(66 + miss + ok).toFixed(1)}" y="${y + 13}">${a.missingFromOpla} missing / ${a.matched} matched</text>`;
    })
    .join('');
  const table = rows
    .map((a) => `<tr><td>${esc(a.aor)}</td><td class="n">${a.missingFromOpla}</td><td class="n">${a.oldestMissingDays ?? '—'}</td><td class="n">${a.unsupported}</td><td class="n">${a.rescindedInDoj}</td><td class="n">${a.matched}</td></tr>`)
    .join('');
  const t = r.totals;
  return `<section><h2>DOJ FTAs missing from OPLA</h2>
<p>OPLA's FTA list (export ${esc(r.exportId)}) against DOJ's data (drop ${esc(r.dropId ?? 'none')}) as of ${esc(r.asOf)}: ${t.missingFromOpla} FTA(s) missing from OPLA, ${t.unsupported} OPLA entr${t.unsupported === 1 ? 'y' : 'ies'} no open DOJ FTA supports (${t.rescindedInDoj} rescinded in DOJ), ${t.matched} matched.</p>
${rows.length ? `<svg viewBox="0 0 ${60 + barW + 200} ${rows.length * rowH + 4}" role="img" aria-label="FTAs missing from OPLA by AOR">${bars}</svg>` : '<div class="empty">Nothing to reconcile yet.</div>'}
<table><tr><th>AOR</th><th>missing</th><th>longest missing (days)</th><th>unsupported</th><th>rescinded in DOJ</th><th>matched</th></tr>${table}</table></section>`;
}
