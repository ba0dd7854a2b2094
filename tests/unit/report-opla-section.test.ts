import { describe, expect, it } from 'vitest';
import { oplaReconciliationSection } from '../../infra/local/report-opla-section';
import { reconcileOpla, type DojFta } from '../../shared/domain/opla-reconciliation';

const fta = (ftaId: string, caseId: string, aor: string): DojFta => ({ ftaId, kind: 'IN_ABSENTIA_ORDER', caseId, aNumber: null, date: '2026-01-10', status: 'OPEN', aor, recordedAt: '2026-01-10T00:00:00Z' });

describe("the report's OPLA section", () => {
  const r = reconcileOpla(
    [fta('IA-1', '1', 'HOU'), fta('IA-2', '2', 'MIA'), fta('IA-3', '3', 'MIA'), fta('IA-4', '4', 'HOU')],
    [{ line: 2, caseId: '4', aNumber: null, ftaDate: '2026-01-10', ftaType: 'IN_ABSENTIA_ORDER', recordedOn: '2026-01-11', aor: 'HOU' }],
    '2026-02-09',
  );
  const html = oplaReconciliationSection({ exportId: '<export>', dropId: 'drop-1', asOf: r.asOf, totals: r.totals, byAor: r.byAor });

  it('lists the AOR with the largest gap first, with its counts, and escapes the ids it names', () => {
    expect(html.indexOf('>MIA<')).toBeLessThan(html.indexOf('>HOU<'));
    expect(html).toContain('<tr><td>MIA</td><td class="n">2</td><td class="n">30</td><td class="n">0</td><td class="n">0</td><td class="n">0</td></tr>');
    expect(html).toContain('3 FTA(s) missing from OPLA');
    expect(html).toContain('&#60;export&#62;');
    expect(html).not.toContain('<export>');
  });
});
