import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NO_CASE_DETAILS, toBirthMonth, type CaseAddress, type CaseDetails, type CaseHearing } from '../../domain/case-details';
import type { CaseDetailsReader } from '../../ports/case-details';
import { queryPartition } from './batch-and-query';
import { addressItemsByEntry } from './address-items';
import { casePk, personKeys, SK_PREFIX } from './keys';

/*
 * Reads every item of one case (pk CASE#<IDNCASE>), then the roster UC the case belongs
 * to (one Query of its A-number's partition), and keeps only the fields a notice needs, mapped one by one, so a new attribute
 * never reaches an email by accident:
 *   UC          aNumber (ALIEN_NBR), firstName/lastName (ALIEN_FIRST_NAME/ALIEN_LAST_NAME),
 *               birthMonth (C_BIRTHDATE): the DOJ-to-DHS identity columns of A_TblCase
 *   ROSTER#...  roster link: the A-number of the roster row naming this case (EOIR_CASE_ID)
 *   PROFILE     an older profile item (aNumber, names, birthDate, country, sponsor)
 *   ADDR#...    source, street, city, state, zip, changedOn|asOf (EOIR A_TblCase; ERO)
 *   HEARING#<IDNSCHEDULE>  scheduleId, date, court, calType, outcome (tbl_schedule)
 * The roster UC is found by the link's A-number, else by the case's own ALIEN_NBR (the
 * roster by A-number): its item (pk aNumberKey, sk ROSTER) gives name, birth date,
 * country, sponsor and relationship; its ADDR# items the sponsor's (and ERO-verified)
 * addresses. A roster value wins over an EOIR one (the roster is the more complete source).
 */
export interface DynamoCaseDetailsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null);

export function createDynamoCaseDetails({ client, tableName }: DynamoCaseDetailsOptions): CaseDetailsReader {
  const detailsOf = caseDetailsFromItems({ client, tableName });
  return {
    async getCaseDetails(caseId: string): Promise<CaseDetails> {
      return detailsOf(await queryPartition(client, tableName, { pk: casePk(caseId), consistentRead: true }));
    },
  };
}

/**
 * The case details from a case's items already read (its whole partition): the roster UC
 * the case belongs to is read in one consistent Query of its A-number's partition, the
 * `ROSTER` item and its `ADDR#` items together (the sort keys between them are the
 * A-number's `INDEX#` entries, a few small items). No read at all when no A-number links
 * the case to the roster.
 */
export function caseDetailsFromItems({ client, tableName }: DynamoCaseDetailsOptions): (caseItems: readonly Record<string, unknown>[]) => Promise<CaseDetails> {
  return async (caseItems) => {
    const aNumber = rosterANumberOf(caseItems);
    if (aNumber === null) return toCaseDetails(caseItems);
    const rosterUcKey = personKeys.rosterUc(aNumber);
    const personItems = await queryPartition(client, tableName, {
      pk: rosterUcKey.pk,
      skBetween: { from: SK_PREFIX.address, to: rosterUcKey.sk },
      consistentRead: true,
    });
    const roster = personItems.find((i) => i.sk === rosterUcKey.sk);
    const ucAddresses = personItems.filter((i) => typeof i.sk === 'string' && i.sk.startsWith(SK_PREFIX.address));
    return toCaseDetails(caseItems, roster, ucAddresses);
  };
}

/** The A-number to look the case up on the roster by: the roster's own link first, then EOIR's ALIEN_NBR. */
export function rosterANumberOf(caseItems: readonly Record<string, unknown>[]): string | null {
  const link = caseItems.find((i) => typeof i.sk === 'string' && i.sk.startsWith('ROSTER#'));
  const mark = caseItems.find((i) => i.sk === 'UC');
  return str(link?.aNumber) ?? str(mark?.aNumber);
}

const toAddress = (i: Record<string, unknown>): CaseAddress => ({
  source: str(i.source) ?? 'UNKNOWN',
  street: str(i.street),
  city: str(i.city),
  state: str(i.state),
  zip: str(i.zip),
  asOf: str(i.asOf) ?? str(i.changedOn),
});

/** Exported for unit tests: the mapping from stored items to CaseDetails. */
export function toCaseDetails(
  items: readonly Record<string, unknown>[],
  rosterUc: Record<string, unknown> = {},
  ucAddresses: readonly Record<string, unknown>[] = [],
): CaseDetails {
  const uc = items.find((i) => i.sk === 'UC') ?? {};
  const profile = items.find((i) => i.sk === 'PROFILE') ?? {};
  const pick = (key: string): string | null => str(rosterUc[key]) ?? str(profile[key]) ?? str(uc[key]);
  const caseAddresses = [...addressItemsByEntry(items).values()].map(toAddress);
  const rosterAddresses = [...addressItemsByEntry(ucAddresses).values()].map(toAddress);
  // A roster saved before its sponsor address item existed still names the address.
  const sponsorFromRoster: CaseAddress[] =
    rosterAddresses.some((a) => a.source === 'ORR_SPONSOR') || !(str(rosterUc.sponsorStreet) ?? str(rosterUc.sponsorCity))
      ? []
      : [
          {
            source: 'ORR_SPONSOR',
            street: str(rosterUc.sponsorStreet),
            city: str(rosterUc.sponsorCity),
            state: str(rosterUc.sponsorState),
            zip: str(rosterUc.sponsorZip),
            asOf: str(rosterUc.orrReleaseDate),
          },
        ];
  // The same address recorded under the case and the UC (ERO-verified) is listed once.
  const addresses = [
    ...new Map(
      [...caseAddresses, ...rosterAddresses, ...sponsorFromRoster].map((a) => [JSON.stringify([a.source, a.street, a.city, a.state, a.zip, a.asOf]), a]),
    ).values(),
  ];
  const hearings: CaseHearing[] = items
    .filter((i) => typeof i.sk === 'string' && i.sk.startsWith('HEARING#'))
    .map((i) => ({
      scheduleId: str(i.scheduleId) ?? String(i.sk).slice('HEARING#'.length),
      date: str(i.date),
      court: str(i.court),
      calType: str(i.calType),
      outcome: str(i.outcome),
    }));
  return {
    ...NO_CASE_DETAILS,
    aNumber: pick('aNumber'),
    firstName: pick('firstName'),
    lastName: pick('lastName'),
    birthMonth: toBirthMonth(pick('birthMonth') ?? pick('birthDate')),
    country: pick('country'),
    sponsorName: pick('sponsorName'),
    sponsorRelationship: pick('sponsorRelationship'),
    orrCaseId: pick('orrCaseId'),
    addresses,
    hearings,
  };
}
