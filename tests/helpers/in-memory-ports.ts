import type { DropReport } from '../../shared/domain/drop-report';
import type { EoirTableName } from '../../shared/domain/eoir-table';
import type { Fta } from '../../shared/domain/fta';
import type { FtaRecordedMessage } from '../../shared/messages/fta-recorded';
import type { CaseStore, RecordOutcome, StoredFta, UcMark } from '../../shared/ports/case-store';
import type { Clock } from '../../shared/ports/clock';
import type { DocketSource, DropRef } from '../../shared/ports/docket-source';
import type { FtaPublisher } from '../../shared/ports/fta-publisher';
import type { Log } from '../../shared/ports/log';

/** Port implementations in memory, for use-case unit tests (adapters are tested on the emulators). */
export function memoryDocketSource(files: Partial<Record<EoirTableName, string>>): DocketSource {
  return {
    async listTables(): Promise<ReadonlyMap<EoirTableName, string>> {
      return new Map(Object.keys(files).map((t) => [t as EoirTableName, t]));
    },
    async *openTable(_drop: DropRef, key: string): AsyncIterable<Uint8Array> {
      yield Buffer.from(files[key as EoirTableName] ?? '', 'latin1');
    },
  };
}

export function memoryCaseStore(): CaseStore & { ucCases: Set<string>; ftas: Map<string, StoredFta & { published: boolean }>; reports: DropReport[] } {
  const ucCases = new Set<string>();
  const ftas = new Map<string, StoredFta & { published: boolean }>();
  const reports: DropReport[] = [];
  return {
    ucCases,
    ftas,
    reports,
    async markUcCases(marks: readonly UcMark[]) {
      for (const m of marks) ucCases.add(m.caseId);
    },
    async findUcCases(ids: readonly string[]) {
      return new Set(ids.filter((id) => ucCases.has(id)));
    },
    async recordFtas(list: readonly Fta[], recordedAt: string): Promise<RecordOutcome[]> {
      return list.map((fta) => {
        if (ftas.has(fta.ftaId)) return 'repeated';
        ftas.set(fta.ftaId, { fta, recordedAt, published: false });
        return 'new';
      });
    },
    async *unpublishedFtas() {
      const page = [...ftas.values()].filter((f) => !f.published);
      if (page.length) yield page;
    },
    async markFtasPublished(list: readonly Fta[]) {
      for (const f of list) {
        const entry = ftas.get(f.ftaId);
        if (entry) entry.published = true;
      }
    },
    async saveDropReport(report: DropReport) {
      reports.push(report);
    },
  };
}

export function memoryPublisher(options: { failIds?: Set<string> } = {}): FtaPublisher & { sent: FtaRecordedMessage[] } {
  const sent: FtaRecordedMessage[] = [];
  return {
    sent,
    async publish(messages) {
      const ok = messages.filter((m) => !options.failIds?.has(m.ftaId));
      sent.push(...ok);
      return new Set(ok.map((m) => m.ftaId));
    },
  };
}

export const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });

export const silentLog: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };
