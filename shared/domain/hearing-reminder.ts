import type { Aor } from './aor';
import { childIdentified, type JuvenileCoordinators } from './orr-notice';
import { ageOn, type CaseAddress, type CaseDetails } from './case-details';
import { aorForCourt, findCourt } from './courts';
import { calendarLabel, daysBetween, mediumLabel, timeLabel, type StoredUpcomingHearing } from './upcoming-hearing';

/*
 * What a hearing reminder, its update and the AOR's week-ahead digest say, as plain data for
 * the templates (shared/templates/hearing-*.txt|html). Subjects carry ids, dates and the AOR
 * only (no names, no A-numbers).
 */

/** A court's street address, from the release's Lookup/tblLookupBaseCity. */
export interface CourtAddress {
  readonly street: string | null;
  readonly city: string | null;
  readonly state: string | null;
  readonly zip: string | null;
}

/** What the store knows that raises the risk of a failure to appear. */
export interface RiskFacts {
  /** IDs of this case's OPEN FTAs. */
  readonly openFtaIds: readonly string[];
  /** When ORR was last sent a notice about this case (ISO), or null: none yet. */
  readonly lastNoticeSentAt: string | null;
}

export interface RiskLine {
  readonly factor: string;
  /** 'yes', 'no' or 'unknown', then why. */
  readonly answer: string;
  readonly raised: boolean;
}

export interface ReminderView {
  readonly reference: string;
  readonly subject: string;
  readonly daysBefore: number;
  readonly date: string;
  readonly time: string;
  readonly court: string;
  readonly courtAddress: string;
  readonly calendar: string;
  readonly medium: string;
  readonly child: { readonly identified: boolean; readonly name: string; readonly aNumber: string; readonly birthMonth: string; readonly ageAtHearing: string };
  readonly sponsor: { readonly name: string; readonly relationship: string; readonly address: string } | null;
  readonly risks: readonly RiskLine[];
  readonly risksRaised: number;
  readonly aor: string;
  readonly juvenileCoordinator: string;
  readonly eoirCaseId: string;
  readonly eoirScheduleId: string;
  readonly source: string;
}

const UNKNOWN = 'not known';

/** `[Docket Watch] Hearing 2027-01-07 in 3 day(s) - EOIR case 123 - HOU - ref REMINDER.2027-01-07.3D` */
export function reminderSubject(h: StoredUpcomingHearing, daysBefore: number, reference: string): string {
  return `[Docket Watch] Hearing ${h.date} in ${daysBefore} day(s) - EOIR case ${h.caseId} - ${aorForCourt(h.court) ?? 'AOR unknown'} - ref ${reference}`;
}

function addressLine(a: { street: string | null; city: string | null; state: string | null; zip: string | null }): string {
  const cityState = [a.city, a.state].filter(Boolean).join(', ');
  return [a.street, [cityState, a.zip].filter(Boolean).join(' ')].filter(Boolean).join(', ') || 'no address given';
}

function newest(addresses: readonly CaseAddress[], sources: readonly string[]): CaseAddress | undefined {
  return addresses.filter((a) => sources.includes(a.source)).sort((a, b) => (b.asOf ?? '').localeCompare(a.asOf ?? ''))[0];
}

const SPONSOR_SOURCES = ['ORR_SPONSOR', 'ROSTER'];
const EOIR_SOURCES = ['EOIR_ADDRESS_OF_RECORD', 'EOIR'];
const norm = (v: string | null): string => (v ?? '').trim().toUpperCase();

/**
 * The risk factors of a failure to appear the data can speak to, each answered yes, no or
 * unknown (and why): a prior FTA of this child, an EOIR address of record that differs from
 * the sponsor's (compared on city, state and ZIP: the public layout has no street), an
 * address changed since ORR's last notice about the case, no attorney of record.
 */
export function riskLines(h: StoredUpcomingHearing, details: CaseDetails, facts: RiskFacts): RiskLine[] {
  const lines: RiskLine[] = [];
  lines.push(
    facts.openFtaIds.length > 0
      ? { factor: 'Prior failure to appear', answer: `yes: ${facts.openFtaIds.length} open FTA(s) (${facts.openFtaIds.join(', ')})`, raised: true }
      : { factor: 'Prior failure to appear', answer: "no: none in Docket Watch's records", raised: false },
  );
  const eoir = newest(details.addresses, EOIR_SOURCES);
  const sponsor = newest(details.addresses, SPONSOR_SOURCES);
  if (eoir === undefined || sponsor === undefined) {
    lines.push({ factor: "Address of record differs from the sponsor's", answer: `unknown: no ${eoir === undefined ? 'EOIR address of record' : 'sponsor address'} in the data`, raised: false });
  } else {
    const differs = norm(eoir.city) !== norm(sponsor.city) || norm(eoir.state) !== norm(sponsor.state) || (eoir.zip !== null && sponsor.zip !== null && eoir.zip !== sponsor.zip);
    lines.push({ factor: "Address of record differs from the sponsor's", answer: differs ? `yes: EOIR has ${addressLine(eoir)}` : 'no', raised: differs });
  }
  if (facts.lastNoticeSentAt === null) {
    lines.push({ factor: 'Address changed since the last notice', answer: 'unknown: ORR has had no earlier notice about this case', raised: false });
  } else if (eoir?.asOf == null) {
    lines.push({ factor: 'Address changed since the last notice', answer: 'unknown: EOIR gives no date of change (ADDRESS_CHANGEDON)', raised: false });
  } else {
    const changed = eoir.asOf > facts.lastNoticeSentAt.slice(0, 10);
    lines.push({ factor: 'Address changed since the last notice', answer: changed ? `yes: changed ${eoir.asOf}, last notice ${facts.lastNoticeSentAt.slice(0, 10)}` : 'no', raised: changed });
  }
  lines.push(
    h.attorneyOfRecord === undefined
      ? { factor: 'No attorney of record', answer: "unknown: the case's A_TblCase row did not show this hearing", raised: false }
      : h.attorneyOfRecord
        ? { factor: 'No attorney of record', answer: 'no: an attorney is on file (E_28_DATE or ATTY_NBR)', raised: false }
        : { factor: 'No attorney of record', answer: 'yes: no EOIR-28 and no attorney number on file', raised: true },
  );
  return lines;
}

/** The court as a line, and its street address (the release's lookup, else the bundled table's city). */
export function courtLines(code: string | null, address: CourtAddress | null): { court: string; courtAddress: string } {
  const court = findCourt(code);
  const name = court ? `${court.name}, ${court.city}${court.state ? `, ${court.state}` : ''} (${court.code})` : code === null ? 'not given in the docket data' : `${code} (not in EOIR's court table)`;
  if (address !== null) return { court: name, courtAddress: addressLine(address) };
  return { court: name, courtAddress: court ? `${court.city}, ${court.state} (street address not in the data: no release's Lookup/tblLookupBaseCity read so far lists this court)` : 'not in the data' };
}

/** The facts of one reminder `daysBefore` the hearing. */
export function reminderView(
  h: StoredUpcomingHearing,
  input: { details: CaseDetails; facts: RiskFacts; courtAddress: CourtAddress | null; coordinators: JuvenileCoordinators; today: string; reference: string },
): ReminderView {
  const { details } = input;
  const daysBefore = daysBetween(input.today, h.date);
  const aor: Aor | null = aorForCourt(h.court);
  const sponsorAddress = newest(details.addresses, SPONSOR_SOURCES);
  const risks = riskLines(h, details, input.facts);
  const age = ageOn(details.birthMonth, h.date);
  return {
    reference: input.reference,
    subject: reminderSubject(h, daysBefore, input.reference),
    daysBefore,
    date: h.date,
    time: timeLabel(h.time),
    ...courtLines(h.court, input.courtAddress),
    calendar: calendarLabel(h.calType),
    medium: mediumLabel(h.medium),
    child: {
      identified: childIdentified(details),
      name: [details.firstName, details.lastName].filter(Boolean).join(' ') || UNKNOWN,
      aNumber: details.aNumber ?? UNKNOWN,
      birthMonth: details.birthMonth ?? UNKNOWN,
      ageAtHearing: age === null ? UNKNOWN : String(age),
    },
    sponsor:
      details.sponsorName || details.sponsorRelationship || sponsorAddress
        ? { name: details.sponsorName ?? UNKNOWN, relationship: details.sponsorRelationship ?? UNKNOWN, address: sponsorAddress ? addressLine(sponsorAddress) : UNKNOWN }
        : null,
    risks,
    risksRaised: risks.filter((r) => r.raised).length,
    aor: aor ?? 'unknown (the court maps to no AOR)',
    juvenileCoordinator: (aor && input.coordinators[aor]) || 'no contact configured',
    eoirCaseId: h.caseId,
    eoirScheduleId: h.scheduleId ?? 'none (A_TblCase LATEST_HEARING)',
    source: `drop ${h.dropId} (${h.source === 'SCHEDULE' ? 'tbl_schedule' : 'A_TblCase LATEST_HEARING'})`,
  };
}

/** What became of a hearing ORR was reminded of. */
export type HearingChange = { readonly kind: 'MOVED'; readonly to: StoredUpcomingHearing } | { readonly kind: 'CANCELLED' } | { readonly kind: 'HELD' };

export function updateView(caseId: string, hearingDate: string, change: HearingChange, original: { reference: string; aor: Aor | null }) {
  const what =
    change.kind === 'MOVED'
      ? `moved to ${change.to.date} at ${timeLabel(change.to.time)} (${calendarLabel(change.to.calType)}); a reminder for the new date follows at its horizons`
      : change.kind === 'HELD'
        ? 'recorded as held before the date the reminder gave'
        : 'cancelled or adjourned: no new date in the docket data yet';
  return {
    subject: `UPDATE: [Docket Watch] Hearing ${hearingDate} - EOIR case ${caseId} - ${original.aor ?? 'AOR unknown'} - ref ${original.reference}`,
    reference: original.reference,
    hearingDate,
    eoirCaseId: caseId,
    what,
  };
}

export interface DigestLine {
  readonly date: string;
  readonly time: string;
  readonly court: string;
  readonly calendar: string;
  readonly medium: string;
  readonly eoirCaseId: string;
  readonly child: string;
  readonly risksRaised: number;
}

/** The week-ahead digest of one AOR. */
export function hearingDigestView(today: string, aor: string, lines: readonly DigestLine[]) {
  return {
    subject: `[Docket Watch] ${today} UC hearings in the week ahead - ${aor} - ${lines.length} hearing(s)`,
    today,
    aor,
    count: lines.length,
    hearings: [...lines].sort((a, b) => a.date.localeCompare(b.date) || a.time.localeCompare(b.time) || a.eoirCaseId.localeCompare(b.eoirCaseId)),
  };
}
