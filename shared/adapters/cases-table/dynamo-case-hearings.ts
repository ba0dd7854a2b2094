import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CaseHistory, Hearing } from '../../ports/case-store';
import { batchPutItems } from './batch-and-query';
import { keys } from './keys';

/*
 * A UC case's hearings as EOIR's tbl_schedule lists them (keys.ts: hearing, pk
 * CASE#<IDNCASE> sk HEARING#<IDNSCHEDULE>). The next upcoming hearing of any case is
 * dynamo-upcoming-hearings.ts's.
 */
export interface DynamoCaseHearingsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDynamoCaseHearings({ client, tableName }: DynamoCaseHearingsOptions): Pick<CaseHistory, 'recordHearings'> {
  return {
    async recordHearings(hearings: readonly Hearing[]): Promise<void> {
      // Keyed by IDNSCHEDULE: a later drop's version of the row replaces the earlier one, and a
      // line repeated within one list is written once (the last copy).
      await batchPutItems(
        client,
        tableName,
        hearings.map((h) => ({
          ...keys.hearing(h.caseId, h.scheduleId), type: 'HEARING', caseId: h.caseId,
          scheduleId: h.scheduleId, proceedingId: h.proceedingId, date: h.date, court: h.court,
          adjRsn: h.adjRsn, medium: h.medium, calType: h.calType, outcome: h.outcome, dropId: h.dropId,
        })),
      );
    },
  };
}
