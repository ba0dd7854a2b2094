import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import type { Emulators } from '../../infra/local/emulators';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import type { ReconcileRun } from '../../functions/reconcile-opla/handler';
import { generateDrop, type GeneratedDrop } from '../helpers/drop-generator';
import { connectEmulators, pipelineTestOptions, tempDir, uniqueSuffix } from '../helpers/local-stack';
import { generateOplaList, writeRescindingDrop, type GeneratedOplaList } from '../helpers/opla-list-generator';
import { scanForPii } from '../helpers/pii-scanner';

type Row = Record<string, string>;

/*
 * DOJ vs OPLA on the local AWS stack: a generated drop, then OPLA's list of it (12% of the
 * FTAs omitted, wrong entries and bad rows added), through S3 notifications, the
 * reconcile-opla function, DynamoDB Local, SES and the notice ledger; then a later drop
 * that rescinds two orders, whose finish re-runs the reconciliation.
 */
describe('OPLA reconciliation on the local AWS stack', () => {
  let emulators: Emulators;
  let restore: () => void;
  const suffix = uniqueSuffix();
  const outDir = tempDir('opla-out');
  const emf: string[] = [];
  let drop: GeneratedDrop;
  let list: GeneratedOplaList;
  let run: LocalRunResult;
  let recipients: Record<string, string[]>;
  const aorOfAddress = (a: string): string => /^opla-([a-z]+)-/.exec(a)?.[1]?.toUpperCase() ?? '?';
  const readCsv = async (key: string): Promise<Row[]> => parse(await readFile(join(outDir, key)), { columns: true, bom: true }) as Row[];
  const oplaEmails = async (from: number): Promise<ParsedMail[]> => {
    const mails = await Promise.all(run.pipeline.sentEmails.slice(from).map((e) => simpleParser(e.raw)));
    return mails.filter((m) => /OPLA reconciliation/.test(m.subject ?? ''));
  };

  beforeAll(async () => {
    restore = captureLambdaOutput({ onLog: () => undefined, onMetrics: (l) => emf.push(l) });
    emulators = await connectEmulators();
    drop = generateDrop({ seed: 611, cases: 80, dropId: `opla-drop-1${suffix}` });
    list = generateOplaList(drop, { seed: 611, folder: join(tempDir('opla'), `export${suffix}`) });
    recipients = Object.fromEntries([...new Set([...list.expected.aorOf.values(), 'HOU'])].map((a) => [a, [`opla-${a.toLowerCase()}${suffix}@ice.example.gov`]]));
    run = await runLocalPipeline(emulators, pipelineTestOptions(suffix, { drops: [drop.folder], opla: list.file, oplaRecipients: recipients, outDir, scheduledRuns: false }));
  }, 300_000);

  afterAll(async () => {
    await run?.pipeline.stop();
    restore?.();
    await emulators?.stop();
  });

  it('accounts for every row of the list: accepted, or rejected with its reason and quarantined', async () => {
    const ingested = run.summary.opla?.ingested ?? [];
    expect(ingested).toHaveLength(1);
    const rows = ingested[0]!.rows;
    const byReason: Record<string, number> = {};
    for (const r of list.expected.rejected) byReason[r.reason] = (byReason[r.reason] ?? 0) + 1;
    expect(rows).toMatchObject({ read: list.expected.rows, accepted: list.expected.rows - list.expected.rejected.length, rejectedByReason: byReason });
    const quarantined = await readCsv(ingested[0]!.quarantineKey!);
    expect(quarantined.map((q) => `${q.LINE} ${q.REASON}`).sort()).toEqual(list.expected.rejected.map((r) => `${r.line} ${r.reason}`).sort());
  });

  it('finds exactly the FTAs the list omits, the wrong entries with their reason, and the matches, per AOR, in the csv and the xlsx beside it', async () => {
    const r = run.summary.opla?.reconciliation;
    expect(r?.dropId).toBe(drop.dropId);
    expect(list.expected.omitted.length).toBe(Math.round(drop.expected.ftas * 0.12));
    const lines = await readCsv(r!.keys.csv);
    const ids = (cat: string) => lines.filter((l) => l.CATEGORY === cat).map((l) => l.FTA_ID).sort();
    expect(ids('MISSING_FROM_OPLA')).toEqual(list.expected.omitted.map((f) => f.ftaId).sort());
    expect(ids('MATCHED')).toEqual(list.expected.listed.map((f) => f.ftaId).sort());
    expect(lines.filter((l) => l.CATEGORY === 'UNSUPPORTED').map((l) => `${l.OPLA_LINE} ${l.REASON}`).sort()).toEqual(list.expected.wrong.map((w) => `${w.line} ${w.reason}`).sort());
    // Days missing: from the FTA's date to the report's day.
    for (const l of lines.filter((x) => x.CATEGORY === 'MISSING_FROM_OPLA')) {
      expect(Number(l.DAYS_SINCE_FTA)).toBe((Date.parse(`${r!.asOf}T00:00:00Z`) - Date.parse(`${l.DOJ_FTA_DATE}T00:00:00Z`)) / 86_400_000);
    }
    for (const a of r!.byAor) {
      expect(a.missingFromOpla).toBe(list.expected.omitted.filter((f) => list.expected.aorOf.get(f.ftaId) === a.aor).length);
      expect(a.unsupported).toBe(list.expected.wrong.filter((w) => w.aor === a.aor).length);
    }
    expect((await readFile(join(outDir, r!.keys.xlsx))).subarray(0, 2).toString()).toBe('PK');
    // Ids only in the report's keys.
    expect(r!.keys.csv).toBe(`reports/reconciliation/${basename(dirname(list.file))}-fta-list/${drop.dropId}/reconciliation.csv`);
  });

  it('emails each AOR its counts and its lines, with no PII in the subject, and publishes the gap per AOR', async () => {
    const r = run.summary.opla!.reconciliation!;
    const mails = await oplaEmails(0);
    expect(mails.map((m) => aorOfAddress((m.to as { text: string }).text)).sort()).toEqual(r.byAor.map((a) => a.aor).sort());
    for (const m of mails) {
      const aor = aorOfAddress((m.to as { text: string }).text);
      const expected = r.byAor.find((a) => a.aor === aor)!;
      expect(m.subject).toContain(`${expected.missingFromOpla} FTA(s) missing from OPLA`);
      expect(scanForPii([m.subject ?? ''], [drop.pii])).toEqual([]);
      const attached = parse(m.attachments[0]!.content, { columns: true, bom: true }) as Row[];
      expect(attached.filter((l) => l.CATEGORY === 'MISSING_FROM_OPLA').length).toBe(expected.missingFromOpla);
      expect(attached.every((l) => l.AOR === aor)).toBe(true);
    }
    const gap = emf.map((l) => JSON.parse(l) as Record<string, unknown>).filter((d) => d.FtasMissingFromOpla !== undefined && d.Aor !== undefined);
    const hou = list.expected.omitted.filter((f) => list.expected.aorOf.get(f.ftaId) === 'HOU').length;
    expect(gap.filter((d) => d.Aor === 'HOU').at(-1)?.FtasMissingFromOpla).toBe(hou);
  });

  it('the same export put again sends nothing new; a later drop rescinding two orders re-reconciles once: the listed one is RESCINDED_IN_DOJ, the omitted one is no longer missing', async () => {
    const sentBefore = run.pipeline.sentEmails.length;
    const runsBefore = run.pipeline.reconcileRuns.length;
    await run.pipeline.uploadOplaList(list.file, `${basename(dirname(list.file))}-fta-list`);
    await run.pipeline.drain();
    expect(await oplaEmails(sentBefore)).toHaveLength(0);

    // Not one of the first three listed FTAs: the generator adds a wrong entry near each of
    // them (a second entry for one would be RESCINDED_IN_DOJ too once its FTA is rescinded).
    const listedOrder = list.expected.listed.slice(3).find((f) => f.kind === 'IN_ABSENTIA_ORDER')!;
    const omittedOrder = list.expected.omitted.find((f) => f.kind === 'IN_ABSENTIA_ORDER')!;
    const later = writeRescindingDrop(drop, [listedOrder, omittedOrder], join(tempDir('opla-drop2'), `opla-drop-2${suffix}`));
    await run.pipeline.uploadDrop(later, basename(later));
    await run.pipeline.drain();
    const runs = run.pipeline.reconcileRuns.slice(runsBefore).map((x: ReconcileRun) => x.reconciliation).filter((x) => x !== null);
    const after = runs.at(-1)!;
    expect(after.dropId).toBe(basename(later));
    expect(after.totals).toMatchObject({
      missingFromOpla: list.expected.omitted.length - 1,
      matched: list.expected.listed.length - 1,
      unsupported: list.expected.wrong.length + 1,
      rescindedInDoj: 1,
    });
    const mails = await oplaEmails(sentBefore);
    expect(mails.length).toBe(after.byAor.length);
    // Once per report: running it again (the drop's report re-put) sends nothing more.
    const sent = run.pipeline.sentEmails.length;
    await run.pipeline.putObject(`reports/drops/${basename(later)}/again/report.json`, Buffer.from('{}'));
    await run.pipeline.drain();
    expect(run.pipeline.sentEmails.length).toBe(sent);
  }, 300_000);
});
