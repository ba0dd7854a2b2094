import { signalOfFta } from '../fta-signal';
import type { ScannedRows } from '../eoir-table-rows';
import { detectNoShow, noShowFtaId, NO_SHOW_ADJ_RSN, SCHEDULE_COLUMN, type ScheduleRow } from '../schedule';
import { asOfDay, hearingOfSchedule, type HearingAdjourned, type UpcomingHearing } from '../upcoming-hearing';
import { rowAt, standingAt, type CaseStanding, type DropContext, type KeyLine, type Refusals, type RowsIn, type SignalShown, type SignalWithdrawn, type StandingOf } from './row-verdicts';

/**
 * tbl_schedule's rules (docs/spec.md §3), for every case, UC or not:
 * - ADJ_RSN `11` is a no-show, dated ADJ_DATE; one without a usable date is refused
 *   NO_SHOW_DATE_MISSING (unusable data, whatever the case);
 * - a no-show is a signal shown by the drop (an FTA at once for a UC case);
 * - another ADJ_RSN on a hearing the case has a no-show signal for withdraws it
 *   (ADJOURNMENT_CHANGED);
 * - a row dated on or after the drop's day is the case's upcoming hearing, or an adjourned
 *   one (hearingOfSchedule); rows before that day are not looked at for it;
 * - a UC case's rows are its hearings (with their outcome) and give key lines.
 * A row that is no no-show, dated before the drop's day, of a case with no UC mark and no
 * signals has nothing to say: from the row scan it is passed over on its IDNCASE, ADJ_RSN
 * and ADJ_DATE alone, never built.
 */
export function classifyScheduleRows(
  rows: RowsIn<ScheduleRow>,
  standing: StandingOf,
  drop: DropContext,
): {
  refusals: Refusals;
  keyLines: KeyLine[];
  shown: SignalShown[];
  withdrawn: SignalWithdrawn[];
  hearings: (ScheduleRow & { dropId: string })[];
  upcoming: UpcomingHearing[];
  adjourned: HearingAdjourned[];
} {
  const { dropId, asOf } = drop;
  const day = asOfDay(asOf);
  const refusals: Refusals = new Map();
  const keyLines: KeyLine[] = [];
  const shown: SignalShown[] = [];
  const withdrawn: SignalWithdrawn[] = [];
  const hearings: (ScheduleRow & { dropId: string })[] = [];
  const upcoming: UpcomingHearing[] = [];
  const adjourned: HearingAdjourned[] = [];
  const scanned = Array.isArray(rows) ? null : (rows as ScannedRows<ScheduleRow>);
  for (let i = 0; i < rows.length; i++) {
    let known: CaseStanding | undefined;
    if (scanned !== null) {
      known = standingAt(scanned, i, standing);
      const passOver =
        known?.uc !== true && (known?.signals ?? null) === null &&
        !scanned.fieldIs(i, SCHEDULE_COLUMN.ADJ_RSN, NO_SHOW_ADJ_RSN) && !scanned.fieldAtLeast(i, SCHEDULE_COLUMN.ADJ_DATE, day);
      if (passOver) continue;
    }
    const r = rowAt(rows, i);
    const s = r.value;
    if (s.date !== null && s.date >= day) {
      const ahead = hearingOfSchedule(s, drop);
      if (ahead?.kind === 'upcoming') upcoming.push(ahead.hearing);
      else if (ahead?.kind === 'adjourned') adjourned.push(ahead.adjourned);
    }
    const noShow = s.adjRsn === NO_SHOW_ADJ_RSN;
    if (noShow && s.date === null) {
      refusals.set(i, 'NO_SHOW_DATE_MISSING');
      continue;
    }
    if (scanned === null) known = standing(s.caseId);
    const ucCase = known?.uc === true;
    if (ucCase) hearings.push(hearingOf(s, dropId));
    if (noShow) {
      const found = detectNoShow(s, { dropId, table: 'tbl_schedule', lineNumber: r.lineNumber, byteOffset: r.byteOffset });
      if (found.kind === 'fta') {
        shown.push({ signal: signalOfFta(found.fta), asOf, ucCase });
        if (ucCase) keyLines.push({ key: s.scheduleId, value: `ADJ_RSN=${NO_SHOW_ADJ_RSN} ${found.fta.date}`, fta: true });
        continue;
      }
    }
    if (ucCase) keyLines.push({ key: s.scheduleId, value: `ADJ_RSN=${s.adjRsn ?? ''}`, fta: false });
    if (known?.signals?.noShows.has(s.scheduleId) === true) {
      withdrawn.push({ caseId: s.caseId, ftaId: noShowFtaId(s.scheduleId), withdrawal: { asOf, reason: 'ADJOURNMENT_CHANGED', dropId } });
    }
  }
  return { refusals, keyLines, shown, withdrawn, hearings, upcoming, adjourned };
}

/**
 * A UC case's hearing: its row with the drop it came in, built field by field (an object
 * spread of the row cost more than the rest of the rule here); `satisfies` names every
 * field of ScheduleRow, so a field added to it fails the build until it is copied here.
 */
function hearingOf(s: ScheduleRow, dropId: string): ScheduleRow & { dropId: string } {
  return {
    scheduleId: s.scheduleId,
    proceedingId: s.proceedingId,
    caseId: s.caseId,
    court: s.court,
    date: s.date,
    adjRsn: s.adjRsn,
    medium: s.medium,
    calType: s.calType,
    outcome: s.outcome,
    time: s.time,
    dropId,
  } satisfies Record<keyof ScheduleRow | 'dropId', unknown>;
}
