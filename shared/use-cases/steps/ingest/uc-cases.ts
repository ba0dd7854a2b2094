import type { CaseStore, UcCaseMarks } from '../../../ports/case-store';
import type { CaseEvidence } from '../../../ports/fta-signals';

/**
 * Which case ids are UC cases: those marked in this run, else the store's answer, asked
 * once per batch for the ids not known yet. Only positives are kept, so memory grows with
 * the number of UC cases, never with the number of rows. Shared by the chunks of one
 * invocation (a UC mark is never removed, so a positive stays true).
 */
export class UcCases {
  private readonly known = new Set<string>();
  constructor(private readonly store: UcCaseMarks & Pick<CaseStore, 'signals'>) {}
  add(caseId: string): void {
    this.known.add(caseId);
  }
  /**
   * What the store knows of each case of these rows (UC mark, FTA signals), read once per
   * batch for every case: a case's signals matter whether it is a UC case or not.
   */
  async evidence<R>(rows: readonly R[], caseOf: (r: R) => string): Promise<ReadonlyMap<string, CaseEvidence>> {
    const ids = new Set<string>();
    for (const r of rows) ids.add(caseOf(r));
    const found = await this.store.signals.lookupCases([...ids]);
    for (const [id, e] of found) if (e.uc) this.known.add(id);
    return found;
  }
  has(caseId: string): boolean {
    return this.known.has(caseId);
  }
  async filter<R>(rows: readonly R[], caseOf: (r: R) => string): Promise<R[]> {
    const unknown = [...new Set(rows.map(caseOf).filter((id) => !this.known.has(id)))];
    const found = unknown.length > 0 ? await this.store.findUcCases(unknown) : new Set<string>();
    for (const id of found) this.known.add(id);
    return rows.filter((r) => this.known.has(caseOf(r)));
  }
}
