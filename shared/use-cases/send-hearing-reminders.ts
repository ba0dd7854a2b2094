import { aorForCourt } from '../domain/courts';
import { hearingDigestView, reminderView, updateView, type CourtAddress, type DigestLine, type HearingChange } from '../domain/hearing-reminder';
import type { JuvenileCoordinators } from '../domain/orr-notice';
import type { MetricPoint } from '../domain/metrics';
import { FTA_RATE_WINDOW_DAYS, ftaRates, reminderRunMetrics, type PastHearing } from '../domain/reminder-metrics';
import { addDays, calendarLabel, dueHorizon, mediumLabel, timeLabel, type StoredUpcomingHearing } from '../domain/upcoming-hearing';
import type { CaseDetailsReader } from '../ports/case-details';
import type { NoticeKey, NoticeRecord } from '../ports/notice-ledger';
import type { NoticeRenderer } from '../ports/notice-renderer';
import type { UpcomingHearingStore } from '../ports/upcoming-hearings';
import { deliverNoticeOnce, type DeliveryDeps, type DeliveryOutcome } from './steps/deliver-notice-once';

export interface ReminderDeps extends DeliveryDeps {
  readonly hearings: UpcomingHearingStore;
  /** The case store's UC marks and OPEN FTAs. */
  readonly cases: {
    findUcCases(caseIds: readonly string[]): Promise<ReadonlySet<string>>;
    openFtasOfCases(caseIds: readonly string[]): Promise<readonly { readonly caseId: string; readonly ftaId: string; readonly date: string }[]>;
  };
  readonly caseDetails: CaseDetailsReader;
  readonly renderer: NoticeRenderer;
  readonly inbox: string;
  readonly from: string;
  readonly juvenileCoordinators: JuvenileCoordinators;
  /** Domain SES uses in the Message-IDs it assigns (threads the update under the reminder). */
  readonly sesMessageIdDomain: string;
  /** Days before the hearing a reminder goes out (default 14 and 3). */
  readonly horizons: readonly number[];
  /** A court's street address from the releases' Lookup/tblLookupBaseCity, when one was read. */
  readonly courtAddress?: (code: string) => Promise<CourtAddress | null>;
}

export interface ReminderRun {
  readonly today: string;
  /** UC cases' hearings from today to 14 days ahead. */
  readonly hearingsUpcoming14Days: number;
  readonly remindersSent: number;
  readonly updatesSent: number;
  readonly digestsSent: number;
  readonly outcomes: readonly DeliveryOutcome[];
  readonly metrics: readonly MetricPoint[];
}

export const reminderKey = (caseId: string, date: string, horizon: number): NoticeKey => ({ scope: caseId, noticeId: `REMINDER.${date}.${horizon}D` });
const WEEK_DAYS = 7;
const COUNT_DAYS = 14;

/**
 * The daily reminder run for `today` (YYYY-MM-DD, the injected clock's day):
 *
 * 1. Read every case's UPCOMING hearing from today to the largest horizon (and the week
 *    ahead), and keep the UC cases' (decided now, so a case that became a UC case after the
 *    drop that showed its hearing is reminded too).
 * 2. Per hearing, the reminder of the horizon due today (dueHorizon), once (ledger key
 *    REMINDER.<day>.<horizon>D): the child and sponsor, date, time, court and address,
 *    calendar, medium, and the risk factors the data can answer. A moved hearing is read as
 *    its new date, a cancelled or held one is no longer UPCOMING: no stale reminder.
 * 3. Per hearing reminded before whose stored hearing is no longer that day's UPCOMING one
 *    (moved, cancelled, held), one short update threaded under the last reminder sent
 *    (In-Reply-To/References), once per change.
 * 4. Per AOR, the week-ahead digest to the ORR inbox with the AOR's FOJC copied, once a day.
 *
 * A send that fails does not stop the others; the run then throws, so the schedule retries
 * it (what went out is not sent again).
 */
export async function sendHearingReminders(today: string, deps: ReminderDeps): Promise<ReminderRun> {
  const horizon = Math.max(COUNT_DAYS, WEEK_DAYS, ...deps.horizons);
  const days = Array.from({ length: horizon + 1 }, (_, i) => addDays(today, i));
  const all = await deps.hearings.onDays(days);
  const uc = all.length === 0 ? new Set<string>() : await deps.cases.findUcCases([...new Set(all.map((h) => h.caseId))]);
  const hearings = all.filter((h) => uc.has(h.caseId)).sort((a, b) => a.date.localeCompare(b.date) || a.caseId.localeCompare(b.caseId));
  const failures: unknown[] = [];
  const outcomes: DeliveryOutcome[] = [];
  const attempt = async (send: () => Promise<DeliveryOutcome | null>): Promise<DeliveryOutcome | null> => {
    try {
      const out = await send();
      if (out !== null) outcomes.push(out);
      return out;
    } catch (err) {
      failures.push(err);
      return null;
    }
  };

  const views = new Map<string, ReturnType<typeof reminderView>>();
  const weekEnd = addDays(today, WEEK_DAYS);
  let remindersSent = 0;
  for (const h of hearings) {
    const due = dueHorizon(h.date, today, deps.horizons);
    if (due === null && h.date > weekEnd) continue;
    const view = await hearingView(h, today, due === null ? `HEARING.${h.date}` : reminderKey(h.caseId, h.date, due).noticeId, deps);
    views.set(h.caseId, view);
    if (due === null) continue;
    const key = reminderKey(h.caseId, h.date, due);
    const out = await attempt(async () => {
      const existing = await deps.ledger.get(key);
      if (existing?.state === 'SENT' || existing?.state === 'WITHHELD') return null;
      // Noted before the send: a hearing that moves after a reminder went out is always followed up.
      await deps.hearings.noteReminded({ caseId: h.caseId, hearingDate: h.date, noticeId: key.noticeId, horizon: due });
      const body = deps.renderer.render('hearing-reminder', view);
      return deliverNoticeOnce(
        {
          key,
          type: 'REMINDER',
          ftaId: null,
          ftaRecordedAt: null,
          mail: () => ({ to: [deps.inbox], cc: copyFor(h, deps), from: deps.from, subject: view.subject, ...body, referenceId: key.noticeId, tags: { scope: key.scope, notice: key.noticeId } }),
        },
        deps,
      );
    });
    if (out?.outcome === 'sent') remindersSent += 1;
  }

  let updatesSent = 0;
  const reminded = await deps.hearings.remindedFrom(today);
  const current = reminded.length === 0 ? new Map<string, StoredUpcomingHearing>() : await deps.hearings.ofCases(reminded.map((r) => r.caseId));
  for (const r of reminded) {
    const now = current.get(r.caseId);
    if (now !== undefined && now.status === 'UPCOMING' && now.date === r.hearingDate) continue;
    const change: HearingChange = now === undefined || now.status === 'CANCELLED' ? { kind: 'CANCELLED' } : now.status === 'HELD' ? { kind: 'HELD' } : { kind: 'MOVED', to: now };
    const out = await attempt(async () => {
      const original = await deps.ledger.get({ scope: r.caseId, noticeId: r.noticeId });
      // Nothing went out (or its send is unconfirmed yet): nothing to update; tomorrow's run looks again.
      if (original?.state !== 'SENT') return null;
      const what = change.kind === 'MOVED' ? `MOVED-${change.to.date}` : change.kind;
      const key: NoticeKey = { scope: r.caseId, noticeId: `REMINDER_UPDATE.${r.hearingDate}.${what}` };
      const view = updateView(r.caseId, r.hearingDate, change, { reference: r.noticeId, aor: aorForCourt(now?.court ?? null) });
      const body = deps.renderer.render('hearing-update', view);
      return deliverNoticeOnce(
        {
          key,
          type: 'REMINDER_UPDATE',
          ftaId: null,
          ftaRecordedAt: null,
          mail: () => ({
            to: [deps.inbox],
            cc: now === undefined ? [] : copyFor(now, deps),
            from: deps.from,
            subject: view.subject,
            ...body,
            inReplyTo: threadOf(original, deps),
            referenceId: key.noticeId,
            tags: { scope: key.scope, notice: key.noticeId },
          }),
        },
        deps,
      );
    });
    if (out?.outcome === 'sent') updatesSent += 1;
  }

  let digestsSent = 0;
  const byAor = new Map<string, { h: StoredUpcomingHearing; line: DigestLine }[]>();
  for (const h of hearings) {
    if (h.date > weekEnd) continue;
    const view = views.get(h.caseId);
    const aor = aorForCourt(h.court) ?? 'UNKNOWN';
    const line: DigestLine = {
      date: h.date,
      time: timeLabel(h.time),
      court: view?.court ?? h.court ?? 'not in the data',
      calendar: calendarLabel(h.calType),
      medium: mediumLabel(h.medium),
      eoirCaseId: h.caseId,
      child: view?.child.identified ? view.child.name + (view.child.aNumber === 'not known' ? '' : `, A-number ${view.child.aNumber}`) : 'identity not in the data',
      risksRaised: view?.risksRaised ?? 0,
    };
    byAor.set(aor, [...(byAor.get(aor) ?? []), { h, line }]);
  }
  for (const [aor, entries] of [...byAor].sort(([a], [b]) => a.localeCompare(b))) {
    const view = hearingDigestView(today, aor, entries.map((e) => e.line));
    const key: NoticeKey = { scope: 'DIGEST', noticeId: `HEARINGS.${today}.${aor}` };
    const body = deps.renderer.render('hearing-digest', view);
    const fojc = deps.juvenileCoordinators[aor];
    const out = await attempt(() =>
      deliverNoticeOnce(
        {
          key,
          type: 'HEARING_DIGEST',
          ftaId: null,
          ftaRecordedAt: null,
          mail: () => ({ to: [deps.inbox], cc: fojc ? [fojc] : [], from: deps.from, subject: view.subject, ...body, referenceId: key.noticeId, tags: { scope: key.scope, notice: key.noticeId } }),
        },
        deps,
      ),
    );
    if (out?.outcome === 'sent') digestsSent += 1;
  }

  const countEnd = addDays(today, COUNT_DAYS);
  const hearingsUpcoming14Days = hearings.filter((h) => h.date <= countEnd).length;
  const metrics = reminderRunMetrics(hearingsUpcoming14Days, remindersSent, await pastHearingRates(today, deps));
  deps.log.info('hearing reminders', { today, hearings: hearings.length, hearingsUpcoming14Days, remindersSent, updatesSent, digestsSent });
  if (failures.length > 0) throw new AggregateError(failures, `hearing reminders ${today}: ${failures.length} send(s) failed`);
  return { today, hearingsUpcoming14Days, remindersSent, updatesSent, digestsSent, outcomes, metrics };
}

/**
 * The FTA rates of UC hearings of the last FTA_RATE_WINDOW_DAYS days, reminded or not: a
 * hearing ended in an FTA when an OPEN FTA of its case is dated that day.
 */
async function pastHearingRates(today: string, deps: ReminderDeps): Promise<MetricPoint[]> {
  const from = addDays(today, -FTA_RATE_WINDOW_DAYS);
  const days = Array.from({ length: FTA_RATE_WINDOW_DAYS }, (_, i) => addDays(from, i));
  const all = await deps.hearings.onDays(days);
  if (all.length === 0) return [];
  const ids = [...new Set(all.map((h) => h.caseId))];
  const uc = await deps.cases.findUcCases(ids);
  const past = all.filter((h) => uc.has(h.caseId));
  if (past.length === 0) return [];
  const reminded = new Map((await deps.hearings.remindedFrom(from)).map((r) => [`${r.caseId}|${r.hearingDate}`, r.horizon]));
  const ftaDays = new Set((await deps.cases.openFtasOfCases([...uc])).map((f) => `${f.caseId}|${f.date}`));
  const rows: PastHearing[] = past.map((h) => ({
    aor: aorForCourt(h.court) ?? 'UNKNOWN',
    remindedAt: reminded.get(`${h.caseId}|${h.date}`) ?? null,
    fta: ftaDays.has(`${h.caseId}|${h.date}`),
  }));
  return ftaRates(rows);
}

async function hearingView(h: StoredUpcomingHearing, today: string, reference: string, deps: ReminderDeps) {
  const [details, open, lastNoticeSentAt, courtAddress] = await Promise.all([
    deps.caseDetails.getCaseDetails(h.caseId),
    deps.cases.openFtasOfCases([h.caseId]),
    deps.hearings.lastNoticeSentAt(h.caseId),
    h.court === null || deps.courtAddress === undefined ? Promise.resolve(null) : deps.courtAddress(h.court),
  ]);
  return reminderView(h, {
    details,
    facts: { openFtaIds: open.map((f) => f.ftaId).sort(), lastNoticeSentAt },
    courtAddress,
    coordinators: deps.juvenileCoordinators,
    today,
    reference,
  });
}

function copyFor(h: StoredUpcomingHearing, deps: ReminderDeps): string[] {
  const aor = aorForCourt(h.court);
  const fojc = aor ? deps.juvenileCoordinators[aor] : undefined;
  return fojc ? [fojc] : [];
}

/** The Message-IDs an answer to `original` threads under: ours and the one SES assigned. */
function threadOf(original: NoticeRecord, deps: ReminderDeps): string[] {
  return [original.messageIdHeader, ...(original.sesMessageId ? [`<${original.sesMessageId}@${deps.sesMessageIdDomain}>`] : [])];
}
