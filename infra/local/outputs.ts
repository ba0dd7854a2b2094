import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { emptyTableCounts, mergeTableCounts, type DropReport, type TableCounts } from '../../shared/domain/drop-report';
import type { ProgramReport } from '../../shared/domain/program-report';
import type { FtaQueueName } from '../../shared/runtime/resources';
import type { RosterReport } from '../../shared/ports/roster-store';
import type { ReplanOutcome } from '../../shared/use-cases/steps/replan-nta-backlog';
import type { WorkListReturnReport } from '../../shared/use-cases/record-work-list-return';
import { simpleParser } from 'mailparser';
import type { SentEmail } from './aws-calls';
import type { OplaRunSummary } from './opla-run';

/** `out/summary.json` (pipeline spec section 5). */
export interface RunSummary {
  readonly generatedAt: string;
  readonly drops: readonly (DropReport & { source: string })[];
  readonly total: {
    readonly tables: Record<string, TableCounts>;
    readonly ftas: { new: number; repeated: number; rescinded: number };
  };
  readonly emailsSent: number;
  readonly ntaTasksScheduled: number;
  readonly metricsPublished: number;
  readonly deadLetters: Record<FtaQueueName | 'dropChunks', number>;
  readonly ingestFailures: readonly { key: string; error: string }[];
  /** The hearing reminders run on the local clock (--today): reminders, updates and week-ahead digests sent (their emails are in emailsSent). */
  readonly hearingReminders?: { today: string; hearingsUpcoming14Days: number; remindersSent: number; updatesSent: number; digestsSent: number };
  /** UC rosters ingested in this run: row accounting, UCs by backlog status. */
  readonly rosters?: readonly RosterReport[];
  /** Work lists returned by field offices in this run (--return): row accounting, follow-ups recorded. */
  readonly returns?: readonly WorkListReturnReport[];
  /** The NTA backlog plan per AOR after the run (the morning re-plan's outcome), and the files written under out/. */
  readonly ntaPlan?: {
    readonly byAor: readonly ReplanOutcome[];
    readonly backlog: number;
    readonly unscheduled: number;
    readonly workListFiles: readonly string[];
    readonly quarantineFiles: readonly string[];
    /** Open re-verification tasks past their due date, per AOR (NONE: no AOR known). */
    readonly overdueTasks: Record<string, number>;
    /** Roster UCs matched to EOIR UC cases; lists in out/reports/roster-matching/. */
    readonly matching: { matched: number; casesWithoutRosterUc: number; rosterUcsWithoutCase: number; leftBacklog: number };
  };
  /** Re-verification tasks open in the store after the run, all runs included. */
  readonly reverificationTasksOpen?: number;
  /** The program report's numbers (what out/report.html draws), from the metrics' aggregates. */
  readonly program?: ProgramReport;
  /** OPLA's FTA list (--opla): its rows, and the reconciliation with DOJ's FTAs. */
  readonly opla?: OplaRunSummary;
}

export function summarize(input: {
  drops: readonly (DropReport & { source: string })[];
  emailsSent: number;
  ntaTasksScheduled: number;
  metricsPublished: number;
  deadLetters: Record<FtaQueueName | 'dropChunks', number>;
  ingestFailures: readonly { key: string; error: string }[];
  now: Date;
  rosters?: RunSummary['rosters'];
  returns?: RunSummary['returns'];
  ntaPlan?: RunSummary['ntaPlan'];
  reverificationTasksOpen?: number;
  program?: ProgramReport;
}): RunSummary {
  const tables: Record<string, TableCounts> = {};
  const ftas = { new: 0, repeated: 0, rescinded: 0 };
  for (const drop of input.drops) {
    for (const [name, counts] of Object.entries(drop.tables)) {
      // Rows, rejections by reason, duplicates and value notes, summed over the drops.
      mergeTableCounts((tables[name] ??= emptyTableCounts()), counts);
    }
    ftas.new += drop.ftas.new;
    ftas.repeated += drop.ftas.repeated;
    ftas.rescinded += drop.ftas.rescinded;
  }
  return {
    generatedAt: input.now.toISOString(),
    drops: input.drops,
    total: { tables, ftas },
    emailsSent: input.emailsSent,
    ntaTasksScheduled: input.ntaTasksScheduled,
    metricsPublished: input.metricsPublished,
    deadLetters: input.deadLetters,
    ingestFailures: input.ingestFailures,
    ...(input.rosters === undefined ? {} : { rosters: input.rosters }),
    ...(input.returns === undefined || input.returns.length === 0 ? {} : { returns: input.returns }),
    ...(input.ntaPlan === undefined ? {} : { ntaPlan: input.ntaPlan }),
    ...(input.reverificationTasksOpen === undefined ? {} : { reverificationTasksOpen: input.reverificationTasksOpen }),
    ...(input.program === undefined ? {} : { program: input.program }),
  };
}

/** One line of `out/ftas.jsonl` (pipeline spec section 5). */
export interface FtaLine {
  ftaId: string;
  kind: string;
  caseId: string;
  proceedingId: string;
  scheduleId: string | null;
  date: string;
  status: string;
  aNumber: string | null;
  aor: string | null;
}

export async function exportFtas(store: ReturnType<typeof createDynamoCaseStore>): Promise<FtaLine[]> {
  const lines: FtaLine[] = [];
  for await (const f of store.listFtas()) {
    lines.push({
      ftaId: f.ftaId,
      kind: f.kind,
      caseId: f.caseId,
      proceedingId: f.proceedingId,
      scheduleId: f.scheduleId,
      date: f.date,
      status: f.status,
      // Known when a DOJ-to-DHS drop carried ALIEN_NBR for the case (or, later, the roster).
      aNumber: null,
      aor: f.aor,
    });
  }
  const aNumbers = await store.aNumbersOf(lines.map((l) => l.caseId));
  for (const l of lines) l.aNumber = aNumbers.get(l.caseId) ?? null;
  return lines.sort((a, b) => a.date.localeCompare(b.date) || a.ftaId.localeCompare(b.ftaId));
}

export interface ReceivedEmail {
  readonly messageId: string;
  readonly eml: string;
  readonly subject: string;
  readonly to: readonly string[];
  readonly text: string;
}

/**
 * The emails as the functions sent them: the exact raw MIME each SendRawEmail carried
 * (captured on the SDK client, infra/local/aws-calls.ts), with SES's message id. The
 * emulator's own copy is rebuilt: it drops our Message-ID and threading headers.
 */
export async function sentEmailsAsReceived(sent: readonly SentEmail[]): Promise<ReceivedEmail[]> {
  return Promise.all(
    sent.map(async (e) => {
      const parsed = await simpleParser(e.raw);
      const addresses = (field: typeof parsed.to) => [field ?? []].flat().flatMap((a) => a.value.map((v) => v.address ?? ''));
      return {
        messageId: e.messageId,
        eml: e.raw.toString('utf8'),
        subject: parsed.subject ?? '',
        to: [...addresses(parsed.to), ...addresses(parsed.cc)],
        text: parsed.text ?? '',
      };
    }),
  );
}

/** Every message the local SES received, with the MIME source it rebuilt (aws-ses-v2-local's API). */
export async function fetchReceivedEmails(sesEndpoint: string): Promise<ReceivedEmail[]> {
  const store = (await (await fetch(`${sesEndpoint}/store`)).json()) as {
    emails: { messageId: string; subject: string; destination: { to: string[] }; body: { text?: string } }[];
  };
  const emails: ReceivedEmail[] = [];
  for (const e of store.emails) {
    const res = await fetch(`${sesEndpoint}/get-emlContent?messageId=${encodeURIComponent(e.messageId)}`);
    const payload = (await res.json()) as { body: string | { type: 'Buffer'; data: number[] } };
    const eml = typeof payload.body === 'string' ? payload.body : Buffer.from(payload.body.data).toString('utf8');
    emails.push({ messageId: e.messageId, eml, subject: e.subject, to: e.destination.to, text: e.body.text ?? '' });
  }
  return emails;
}

export async function writeOutputs(
  outDir: string,
  summary: RunSummary,
  ftas: readonly FtaLine[],
  emails: readonly ReceivedEmail[],
): Promise<void> {
  const emailDir = join(outDir, 'emails');
  await rm(emailDir, { recursive: true, force: true });
  await mkdir(emailDir, { recursive: true });
  await writeFile(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(join(outDir, 'ftas.jsonl'), ftas.map((f) => JSON.stringify(f)).join('\n') + (ftas.length ? '\n' : ''));
  let n = 0;
  for (const email of emails) {
    n += 1;
    await writeFile(join(emailDir, emailFileName(n, email)), email.eml);
  }
}

/** `emails/<nnnn>-<SES message id>.eml`: the n-th email of the run (from 1), in send order. */
export function emailFileName(n: number, email: Pick<ReceivedEmail, 'messageId'>): string {
  return `${String(n).padStart(4, '0')}-${email.messageId.replace(/[^A-Za-z0-9-]/g, '_')}.eml`;
}
