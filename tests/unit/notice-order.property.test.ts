import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fta, FtaStatus } from '../../shared/domain/fta';
import { toFtaRecordedMessage } from '../../shared/messages/fta-recorded';
import type { FtaRescindedMessage } from '../../shared/messages/fta-rescinded';
import type { Mailer, OutgoingMail } from '../../shared/ports/mailer';
import { loadNoticeRenderer } from '../../shared/runtime/templates';
import { correctionKey, ftaNoticeKey, notifyOrrOfFta, notifyOrrOfRescission, type NotifyDeps } from '../../shared/use-cases/notify-orr';
import { memoryNoticeCase, memoryNoticeLedger, silentLog } from '../helpers/in-memory-ports';

/*
 * Every delivery order of an FTA's notice message and its correction message, with
 * duplicates, the rescission landing at any point (also in the middle of the notice's
 * send) and sends whose outcome is lost (a crash after SES accepted). Whatever the order,
 * ORR's inbox must tell the truth: a correction only after its notice and threaded under
 * it; neither when the FTA was rescinded before any notice (the ledger says why); the last
 * email matches the FTA's status in the store.
 */
const fta: Fta = {
  ftaId: 'IA-8100001',
  kind: 'IN_ABSENTIA_ORDER',
  caseId: '7100001',
  proceedingId: '8100001',
  scheduleId: null,
  date: '2025-01-03',
  court: 'HOU',
  aor: 'HOU',
  provenance: { dropId: 'drop-1', table: 'B_TblProceeding', lineNumber: 2 },
};
const recorded = toFtaRecordedMessage(fta, '2026-01-02T00:00:00.000Z');
const rescinded: FtaRescindedMessage = {
  type: 'FTA_RESCINDED', version: 1, ftaId: fta.ftaId, kind: fta.kind, caseId: fta.caseId, aor: fta.aor,
  reason: 'ABSENTIA_WITHDRAWN', dropId: 'drop-2', rescindedAt: '2026-01-03T00:00:00.000Z',
};
const renderer = loadNoticeRenderer();
const GRACE_MS = 600_000;

type Step =
  /** The notice message is delivered (again). */
  | 'notice'
  /** The notice message is delivered, and the FTA is rescinded while its email is being sent. */
  | 'notice-rescinded-mid-send'
  /** The notice message is delivered; SES accepts the email, then the function dies. */
  | 'notice-crash-after-send'
  /** The correction message is delivered (again), if the FTA was rescinded. */
  | 'correction'
  /** The next drop rescinds the FTA: the store says RESCINDED and the correction message is queued. */
  | 'rescind'
  /** Time passes beyond the unconfirmed-send grace period. */
  | 'later';

function simulate(steps: readonly Step[]) {
  let status: FtaStatus = 'OPEN';
  let now = Date.parse('2026-01-02T00:00:00Z');
  const inbox: OutgoingMail[] = [];
  const ledger = memoryNoticeLedger();
  let duringSend: (() => void) | null = null;
  let crashAfterSend = false;
  const mailer: Mailer = {
    async send(mail) {
      duringSend?.();
      duringSend = null;
      inbox.push(mail);
      if (crashAfterSend) {
        crashAfterSend = false;
        throw new Error('crash after SES accepted');
      }
      return { messageId: `ses-${inbox.length}` };
    },
  };
  const deps: NotifyDeps = {
    // The store as a delivery reads it: the FTA's status at that moment and the ledger's records.
    cases: memoryNoticeCase({ ledger, ftasOf: () => [{ ...fta, status, recordedAt: recorded.recordedAt }] }),
    renderer,
    ledger,
    mailer,
    clock: { now: () => new Date(now) },
    log: silentLog,
    inbox: 'orr@example.gov',
    from: 'dw@example.gov',
    juvenileCoordinators: {},
    messageIdDomain: 'example.gov',
    sesMessageIdDomain: 'email.amazonses.com',
    unconfirmedGraceMs: GRACE_MS,
  };
  let noticeDone = false;
  let correctionQueued = false;
  let correctionDone = false;
  const rescind = () => {
    if (status === 'RESCINDED') return;
    status = 'RESCINDED';
    correctionQueued = true;
  };
  const deliverNotice = async () => {
    try {
      await notifyOrrOfFta(recorded, deps);
      noticeDone = true;
    } catch {
      // The queue redelivers it.
    }
  };
  const deliverCorrection = async () => {
    if (!correctionQueued) return;
    try {
      await notifyOrrOfRescission(rescinded, deps);
      correctionDone = true;
    } catch {
      // The queue redelivers it.
    }
  };
  return {
    inbox,
    ledger,
    status: () => status,
    async run() {
      for (const step of steps) {
        if (step === 'notice') await deliverNotice();
        else if (step === 'notice-rescinded-mid-send') {
          duringSend = rescind;
          await deliverNotice();
          duringSend = null;
        } else if (step === 'notice-crash-after-send') {
          crashAfterSend = true;
          await deliverNotice();
          crashAfterSend = false;
        } else if (step === 'correction') await deliverCorrection();
        else if (step === 'rescind') rescind();
        else now += GRACE_MS + 1;
      }
      // The queues keep redelivering until each message is handled (well within maxReceiveCount).
      for (let round = 0; round < 6 && !(noticeDone && (!correctionQueued || correctionDone)); round++) {
        now += GRACE_MS + 1;
        if (!noticeDone) await deliverNotice();
        if (correctionQueued && !correctionDone) await deliverCorrection();
      }
      return { noticeDone, correctionDone, correctionQueued };
    },
  };
}

const steps = fc.array(
  fc.constantFrom<Step>('notice', 'notice-rescinded-mid-send', 'notice-crash-after-send', 'correction', 'rescind', 'later'),
  { maxLength: 12 },
);

describe('notice and correction, in every delivery order', () => {
  it('never lets a correction precede its notice, and the last email matches the store', async () => {
    await fc.assert(
      fc.asyncProperty(steps, async (plan) => {
        const sim = simulate(plan);
        const { noticeDone, correctionDone, correctionQueued } = await sim.run();
        expect(noticeDone).toBe(true);
        expect(!correctionQueued || correctionDone, 'a queued correction is delivered in the end').toBe(true);
        const kinds = sim.inbox.map((m) => (m.subject.startsWith('CORRECTION: ') ? 'correction' : 'notice'));
        const notices = sim.inbox.filter((_, i) => kinds[i] === 'notice');
        const corrections = sim.inbox.filter((_, i) => kinds[i] === 'correction');
        // One notice and one correction at most (a resend after a lost answer reuses the Message-ID).
        expect(new Set(notices.map((m) => m.messageIdHeader)).size).toBeLessThanOrEqual(1);
        expect(new Set(corrections.map((m) => m.messageIdHeader)).size).toBeLessThanOrEqual(1);
        // A correction only after its notice, threaded under it.
        const firstCorrection = kinds.indexOf('correction');
        const firstNotice = kinds.indexOf('notice');
        expect(
          firstCorrection < 0 ||
            (firstNotice >= 0 && firstNotice < firstCorrection && !kinds.slice(firstCorrection).includes('notice') && corrections[0]?.inReplyTo?.[0] === notices[0]?.messageIdHeader),
          `a correction follows its notice, threaded under it: ${kinds.join(', ')}`,
        ).toBe(true);
        const noticeRecord = await sim.ledger.get(ftaNoticeKey(fta));
        const correctionRecord = await sim.ledger.get(correctionKey(fta));
        const seen = {
          hasCorrection: kinds.includes('correction'),
          lastKind: kinds.at(-1) ?? null,
          notice: noticeRecord?.state,
          noticeWhy: noticeRecord?.withheldReason,
          correction: correctionRecord?.state,
          correctionWhy: correctionRecord?.withheldReason,
        };
        const want =
          sim.status() === 'OPEN'
            ? { hasCorrection: false, notice: 'SENT' }
            : notices.length === 0
              ? // Rescinded before any notice went out: nothing, and the ledger says why.
                { hasCorrection: false, notice: 'WITHHELD', noticeWhy: 'FTA_RESCINDED_BEFORE_NOTICE', correction: 'WITHHELD', correctionWhy: 'NOTICE_WITHHELD' }
              : // ORR was told: the last email is the correction.
                { lastKind: 'correction', correction: 'SENT' };
        expect(seen).toMatchObject(want);
      }),
      { numRuns: 400 },
    );
  });

  it('withholds both when the rescission is handled before the notice (the order queues gave on main)', async () => {
    const sim = simulate(['rescind', 'correction', 'notice']);
    await sim.run();
    expect(sim.inbox).toEqual([]);
    expect(await sim.ledger.get(ftaNoticeKey(fta))).toMatchObject({ state: 'WITHHELD', withheldReason: 'FTA_RESCINDED_BEFORE_NOTICE' });
  });
});
