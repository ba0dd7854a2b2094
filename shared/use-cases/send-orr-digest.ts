import type { Fta } from '../domain/fta';
import { digestCsv } from '../domain/orr-notice';
import type { CaseDetailsReader } from '../ports/case-details';
import type { NoticeRenderer } from '../ports/notice-renderer';
import { deliverNoticeOnce, type DeliveryDeps, type DeliveryOutcome } from './steps/deliver-notice-once';

export interface DigestRecipient {
  readonly address: string;
  /** Only FTAs of these AORs; all when absent. */
  readonly aors?: readonly string[];
}

export interface DigestDeps extends DeliveryDeps {
  /** Every FTA in the store with when it was recorded. */
  readonly ftas: { listFtas(): AsyncIterable<Fta & { readonly recordedAt: string }> };
  readonly caseDetails: CaseDetailsReader;
  readonly renderer: NoticeRenderer;
  readonly from: string;
  readonly recipients: readonly DigestRecipient[];
  /**
   * A recipient's stable id in its ledger key (shared/adapters/cases-table/pii-keys.ts recipientKey):
   * the key follows the address, not its place in the list, so a reordered, shortened or
   * extended list neither re-sends nor skips anyone's digest.
   */
  readonly recipientKey: (address: string) => string;
}

/** The UTC day (YYYY-MM-DD) before `now`: the day a 06:00 UTC digest reports. */
export function previousUtcDay(now: Date): string {
  return new Date(now.getTime() - 24 * 3600 * 1000).toISOString().slice(0, 10);
}

/**
 * Sends the daily digest: one email per configured recipient listing the FTAs recorded
 * on `day` (UTC) in their AORs, with the same list as a CSV attachment.
 *
 * 1. Read the FTAs recorded that day (and each child's A-number, when known, for the CSV).
 * 2. Per recipient: filter by AOR, render, deliver once (ledger key DIGEST.<day>.<recipientKey>).
 *
 * A repeated run (schedule retry, manual re-run) sends nothing already sent. A recipient
 * whose send fails does not stop the others; the run then throws, so it is retried.
 */
export async function sendOrrDigest(day: string, deps: DigestDeps): Promise<readonly DeliveryOutcome[]> {
  const ftas: (Fta & { recordedAt: string })[] = [];
  for await (const f of deps.ftas.listFtas()) if (f.recordedAt.slice(0, 10) === day) ftas.push(f);
  ftas.sort((a, b) => a.date.localeCompare(b.date) || a.ftaId.localeCompare(b.ftaId));
  const aNumbers = new Map<string, string | null>();
  for (const f of ftas) if (!aNumbers.has(f.caseId)) aNumbers.set(f.caseId, (await deps.caseDetails.getCaseDetails(f.caseId)).aNumber);

  const outcomes: DeliveryOutcome[] = [];
  const failures: unknown[] = [];
  for (const recipient of deps.recipients) {
    const mine = ftas.filter((f) => !recipient.aors || (f.aor !== null && recipient.aors.includes(f.aor)));
    const view = {
      day,
      count: mine.length,
      hasFtas: mine.length > 0,
      ftas: mine.map((f) => ({ date: f.date, kind: f.kind, caseId: f.caseId, aor: f.aor ?? 'unknown', reference: f.ftaId })),
    };
    const body = deps.renderer.render('digest', view);
    const key = { scope: 'DIGEST', noticeId: `DIGEST.${day}.${deps.recipientKey(recipient.address)}` };
    try {
      outcomes.push(
        await deliverNoticeOnce(
          {
            key,
            type: 'DIGEST',
            ftaId: null,
            ftaRecordedAt: null,
            mail: () => ({
              to: [recipient.address],
              from: deps.from,
              subject: `[Docket Watch] ${day} daily digest - ${mine.length} new FTA(s)`,
              ...body,
              referenceId: key.noticeId,
              tags: { scope: key.scope, notice: key.noticeId },
              attachments: [
                {
                  filename: `docket-watch-ftas-${day}.csv`,
                  contentType: 'text/csv',
                  content: digestCsv(mine.map((fta) => ({ fta, aNumber: aNumbers.get(fta.caseId) ?? null }))),
                },
              ],
            }),
          },
          deps,
        ),
      );
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `digest ${day}: ${failures.length} recipient(s) failed`);
  return outcomes;
}
