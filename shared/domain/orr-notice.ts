import { findCourt } from './courts';
import type { Fta } from './fta';

export interface NoticeContent {
  readonly subject: string;
  readonly text: string;
}

const KIND_LABEL: Record<Fta['kind'], string> = {
  IN_ABSENTIA_ORDER: 'In-absentia removal order',
  NO_SHOW_ADJOURNMENT: 'Hearing adjourned: respondent did not appear',
};

/**
 * The email ORR receives for a new FTA. The subject starts with a sortable date and the
 * stable reference, so the inbox sorts by hearing date and searches by reference.
 * The public EOIR layout carries no names or A-numbers; the message says so plainly.
 */
export function renderFtaNotice(fta: Fta): NoticeContent {
  return { subject: ftaSubject(fta), text: ftaText(fta) };
}

export type RescissionReason = 'ABSENTIA_WITHDRAWN' | 'CASE_REOPENED' | 'ADJOURNMENT_CHANGED';

const RESCISSION_LABEL: Record<RescissionReason, string> = {
  ABSENTIA_WITHDRAWN: 'a later docket shows the proceeding without an in-absentia order',
  CASE_REOPENED: 'the case was reopened: a newer proceeding was opened after the order',
  ADJOURNMENT_CHANGED: 'a later docket no longer shows the hearing as a no-show',
};

/**
 * The correction ORR receives when an FTA is rescinded. Its subject is the original's with
 * `CORRECTION:` in front, so it sorts and threads next to the notice it corrects.
 */
export function renderRescissionNotice(fta: Fta, reason: RescissionReason): NoticeContent {
  const text = [
    `CORRECTION to the Docket Watch notice ${fta.ftaId}: this failure to appear has been rescinded.`,
    '',
    `Why: ${RESCISSION_LABEL[reason]}.`,
    '',
    'The original notice, for reference:',
    '',
    ftaText(fta),
  ].join('\n');
  return { subject: `CORRECTION: ${ftaSubject(fta)}`, text };
}

function ftaSubject(fta: Fta): string {
  return `[Docket Watch] ${fta.date} FTA ${fta.kind === 'IN_ABSENTIA_ORDER' ? 'in-absentia order' : 'no-show'} - EOIR case ${fta.caseId} - ${fta.aor ?? 'AOR unknown'} - ref ${fta.ftaId}`;
}

function ftaText(fta: Fta): string {
  const court = findCourt(fta.court);
  const courtLine = court
    ? `${court.name}, ${court.city}${court.state ? `, ${court.state}` : ''} (${court.code})`
    : fta.court === null
      ? 'not given in the docket data'
      : `${fta.court} (not in EOIR's court table)`;
  return [
    'A child released from ORR care has failed to appear in immigration court.',
    '',
    `What happened:   ${KIND_LABEL[fta.kind]}`,
    `Date:            ${fta.date}`,
    `Court:           ${courtLine}`,
    `ICE field office (AOR): ${fta.aor ?? 'unknown (the court maps to no AOR)'}`,
    '',
    `EOIR case id:    ${fta.caseId}`,
    `EOIR proceeding: ${fta.proceedingId}`,
    ...(fta.scheduleId ? [`EOIR hearing:    ${fta.scheduleId}`] : []),
    '',
    'Child: the docket data in this drop carries no name or A-number (public EOIR layout).',
    'Match the EOIR case id against ORR records to identify the child and sponsor.',
    '',
    `Reference: ${fta.ftaId} (quote it in replies)`,
    `Source: drop ${fta.provenance.dropId}, ${fta.provenance.table} line ${fta.provenance.lineNumber}`,
    '',
    '-- Docket Watch',
  ].join('\n');
}
