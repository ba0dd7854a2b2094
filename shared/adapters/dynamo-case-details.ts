import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NO_CASE_DETAILS, toBirthMonth, type CaseAddress, type CaseDetails, type CaseHearing } from '../domain/case-details';
import type { CaseDetailsReader } from '../ports/case-details';

/*
 * Reads every item of one case (pk CASE#<IDNCASE>) and keeps only the fields a notice
 * needs, mapped one by one, so a new attribute never reaches an email by accident:
 *   UC          aNumber, firstName, lastName, birthDate/birthMonth (EOIR identity columns)
 *   PROFILE     roster person: aNumber, firstName, lastName, birthDate, country, orrCaseId,
 *               sponsorName, sponsorRelationship (UC roster, issue 5)
 *   ADDR#...    source, street, city, state, zip, changedOn|asOf (EOIR A_TblCase; roster sponsor)
 *   HEARING#<IDNSCHEDULE>  scheduleId, date, court, calType, outcome (tbl_schedule)
 * A PROFILE value wins over a UC value (the roster is the more complete source).
 */
export interface DynamoCaseDetailsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null);

export function createDynamoCaseDetails({ client, tableName }: DynamoCaseDetailsOptions): CaseDetailsReader {
  return {
    async getCaseDetails(caseId: string): Promise<CaseDetails> {
      const items: Record<string, unknown>[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `CASE#${caseId}` },
            ExclusiveStartKey: startKey,
            ConsistentRead: true,
          }),
        );
        items.push(...(out.Items ?? []));
        startKey = out.LastEvaluatedKey;
      } while (startKey !== undefined);
      return toCaseDetails(items);
    },
  };
}

/** Exported for unit tests: the mapping from stored items to CaseDetails. */
export function toCaseDetails(items: readonly Record<string, unknown>[]): CaseDetails {
  const uc = items.find((i) => i.sk === 'UC') ?? {};
  const profile = items.find((i) => i.sk === 'PROFILE') ?? {};
  const pick = (key: string): string | null => str(profile[key]) ?? str(uc[key]);
  const addresses: CaseAddress[] = items
    .filter((i) => typeof i.sk === 'string' && i.sk.startsWith('ADDR#'))
    .map((i) => ({
      source: str(i.source) ?? 'UNKNOWN',
      street: str(i.street),
      city: str(i.city),
      state: str(i.state),
      zip: str(i.zip),
      asOf: str(i.asOf) ?? str(i.changedOn),
    }));
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
