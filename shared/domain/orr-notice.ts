import { ageOn, type CaseDetails } from './case-details';
import { findCourt } from './courts';
import type { Fta, FtaKind, RescissionReason } from './fta';

/*
 * What an ORR notice says, as plain data for the templates in shared/templates/. The
 * wording people read lives in those files; the facts and their fallbacks live here.
 * Subjects carry ids and dates only (no names, no A-numbers): subjects travel into
 * notifications, previews and mail logs.
 */

const KIND_LABEL: Record<FtaKind, string> = {
  IN_ABSENTIA_ORDER: 'In-absentia removal order',
  NO_SHOW_ADJOURNMENT: 'Hearing adjourned: respondent did not appear',
};

const KIND_SHORT: Record<FtaKind, string> = {
  IN_ABSENTIA_ORDER: 'in-absentia order',
  NO_SHOW_ADJOURNMENT: 'no-show',
};

const RESCISSION_LABEL: Record<RescissionReason, string> = {
  ABSENTIA_WITHDRAWN: 'a later docket shows the proceeding without an in-absentia order',
  CASE_REOPENED: 'the case was reopened: a newer proceeding was opened after the order',
  ADJOURNMENT_CHANGED: 'a later docket no longer shows the hearing as a no-show',
};

/** EOIR CAL_TYPE codes (tblLookupCalType). */
const CAL_TYPE_LABEL: Record<string, string> = { I: 'Individual (merits) hearing', M: 'Master calendar hearing' };

const ADDRESS_SOURCE_LABEL: Record<string, string> = {
  EOIR_ADDRESS_OF_RECORD: 'EOIR address of record',
  EOIR: 'EOIR address of record',
  ORR_SPONSOR: 'ORR sponsor address',
  ROSTER: 'ORR sponsor address',
  ERO_VERIFIED: 'Verified by ERO',
};

export interface NoticeView {
  readonly reference: string;
  readonly subject: string;
  readonly kind: string;
  readonly kindLabel: string;
  readonly date: string;
  readonly court: string;
  readonly calendar: string;
  readonly child: {
    readonly identified: boolean;
    readonly name: string;
    readonly aNumber: string;
    readonly birthMonth: string;
    readonly ageAtHearing: string;
    readonly country: string;
  };
  readonly addresses: readonly { readonly source: string; readonly line: string; readonly asOf: string }[];
  readonly hasAddresses: boolean;
  readonly sponsor: { readonly name: string; readonly relationship: string; readonly address: string | null } | null;
  readonly aor: string;
  readonly juvenileCoordinator: string;
  readonly eoirCaseId: string;
  readonly eoirProceedingId: string;
  readonly eoirScheduleId: string | null;
  readonly orrCaseId: string;
  readonly source: string;
}

export interface IdentityFollowUpView extends NoticeView {
  readonly identitySource: string;
  readonly originalSubject: string;
}

export interface CorrectionView extends NoticeView {
  readonly reason: string;
  readonly originalSubject: string;
}

const UNKNOWN = 'not known';

/** The AOR's Field Office Juvenile Coordinator address, from configuration. */
export type JuvenileCoordinators = Readonly<Partial<Record<string, string>>>;

/** `[Docket Watch] 2024-03-05 FTA in-absentia order - EOIR case 123 - HOU - ref IA-456`: sorts by date, searches by ref. */
export function ftaSubject(fta: Fta): string {
  return `[Docket Watch] ${fta.date} FTA ${KIND_SHORT[fta.kind]} - EOIR case ${fta.caseId} - ${fta.aor ?? 'AOR unknown'} - ref ${fta.ftaId}`;
}

export function correctionSubject(fta: Fta): string {
  return `CORRECTION: ${ftaSubject(fta)}`;
}

export function identitySubject(fta: Fta): string {
  return `CHILD IDENTIFIED: ${ftaSubject(fta)}`;
}

/** The facts of the follow-up that names a child the notice could not name. */
export function identityFollowUpView(fta: Fta, details: CaseDetails, coordinators: JuvenileCoordinators): IdentityFollowUpView {
  const view = ftaNoticeView(fta, details, coordinators);
  return { ...view, subject: identitySubject(fta), originalSubject: view.subject, identitySource: 'the UC roster or a DOJ-to-DHS docket drop' };
}

function courtLine(code: string | null): string {
  const court = findCourt(code);
  if (court) return `${court.name}, ${court.city}${court.state ? `, ${court.state}` : ''} (${court.code})`;
  return code === null ? 'not given in the docket data' : `${code} (not in EOIR's court table)`;
}

function addressLine(a: CaseDetails['addresses'][number]): string {
  const cityState = [a.city, a.state].filter(Boolean).join(', ');
  return [a.street, [cityState, a.zip].filter(Boolean).join(' ')].filter(Boolean).join(', ') || 'no address given';
}

/** The sponsor's newest address (the roster's), as one line. */
function sponsorAddress(details: CaseDetails): string | null {
  const newest = details.addresses
    .filter((a) => a.source === 'ORR_SPONSOR' || a.source === 'ROSTER')
    .sort((a, b) => (b.asOf ?? '').localeCompare(a.asOf ?? ''))[0];
  return newest === undefined ? null : addressLine(newest);
}

/** Whether the notice can name the child: a name or an A-number is known. */
export function childIdentified(details: CaseDetails): boolean {
  return [details.firstName, details.lastName].some(Boolean) || details.aNumber !== null;
}

/** The facts of a new-FTA notice, with a plain fallback for every unknown. */
export function ftaNoticeView(fta: Fta, details: CaseDetails, coordinators: JuvenileCoordinators): NoticeView {
  const hearing = fta.scheduleId === null ? undefined : details.hearings.find((h) => h.scheduleId === fta.scheduleId);
  const name = [details.firstName, details.lastName].filter(Boolean).join(' ');
  const age = ageOn(details.birthMonth, fta.date);
  const identified = childIdentified(details);
  return {
    reference: fta.ftaId,
    subject: ftaSubject(fta),
    kind: fta.kind,
    kindLabel: KIND_LABEL[fta.kind],
    date: fta.date,
    court: courtLine(hearing?.court ?? fta.court),
    calendar: hearing?.calType ? (CAL_TYPE_LABEL[hearing.calType] ?? `CAL_TYPE ${hearing.calType}`) : UNKNOWN,
    child: {
      identified,
      name: name || UNKNOWN,
      aNumber: details.aNumber ?? UNKNOWN,
      birthMonth: details.birthMonth ?? UNKNOWN,
      ageAtHearing: age === null ? UNKNOWN : String(age),
      country: details.country ?? UNKNOWN,
    },
    addresses: [...details.addresses]
      .sort((a, b) => (b.asOf ?? '').localeCompare(a.asOf ?? ''))
      .map((a) => ({
      source: ADDRESS_SOURCE_LABEL[a.source] ?? a.source,
      line: addressLine(a),
      asOf: a.asOf ?? 'date not given',
    })),
    hasAddresses: details.addresses.length > 0,
    sponsor:
      details.sponsorName || details.sponsorRelationship
        ? { name: details.sponsorName ?? UNKNOWN, relationship: details.sponsorRelationship ?? UNKNOWN, address: sponsorAddress(details) }
        : null,
    aor: fta.aor ?? 'unknown (the court maps to no AOR)',
    juvenileCoordinator: (fta.aor && coordinators[fta.aor]) || 'no contact configured',
    eoirCaseId: fta.caseId,
    eoirProceedingId: fta.proceedingId,
    eoirScheduleId: fta.scheduleId,
    orrCaseId: details.orrCaseId ?? UNKNOWN,
    source: `drop ${fta.provenance.dropId}, ${fta.provenance.table} line ${fta.provenance.lineNumber}`,
  };
}

/** The facts of a correction: the original notice's, plus why it no longer holds. */
export function correctionView(
  fta: Fta,
  details: CaseDetails,
  coordinators: JuvenileCoordinators,
  reason: RescissionReason,
): CorrectionView {
  const view = ftaNoticeView(fta, details, coordinators);
  return { ...view, subject: correctionSubject(fta), originalSubject: view.subject, reason: RESCISSION_LABEL[reason] };
}

/** One digest CSV row per FTA: ids, dates and places only (the attachment may be forwarded). */
export const DIGEST_CSV_COLUMNS = ['reference', 'date', 'kind', 'eoir_case_id', 'eoir_proceeding_id', 'court', 'aor', 'a_number'] as const;

export function digestCsv(rows: readonly { fta: Fta; aNumber: string | null }[]): string {
  const cell = (v: string | null): string => {
    const s = v ?? '';
    // RFC 4180 quoting, and a leading quote against spreadsheet formula injection.
    const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = rows.map(({ fta, aNumber }) =>
    [fta.ftaId, fta.date, fta.kind, fta.caseId, fta.proceedingId, fta.court, fta.aor, aNumber].map(cell).join(','),
  );
  return [DIGEST_CSV_COLUMNS.join(','), ...lines].join('\r\n') + '\r\n';
}
