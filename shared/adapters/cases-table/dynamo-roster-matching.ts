import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { aorForCourt } from '../../domain/courts';
import type { RosterUcRef, UcCaseMark } from '../../domain/roster-matching';
import type { RosterMatching } from '../../ports/roster-store';
import { chunk } from '../../lib/concurrency';
import { scanPages } from './batch-and-query';
import { caseIdOfPk, keys } from './keys';
import { unmatchedAggregateDelta } from './program-aggregates';
import { TRANSACTION_BATCH } from './roster-uc-state';
import { applyGuardedChanges, type GuardedChange } from './transactions';

/*
 * The daily roster matching report's reads and writes: every UC mark, roster UC and
 * hearing (one filtered Scan), and the UC marks' unmatchedAor with its AGG#ROSTER count
 * moved in the same transaction, each guarded by the value read.
 */
export interface DynamoRosterMatchingOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDynamoRosterMatching({ client, tableName }: DynamoRosterMatchingOptions): RosterMatching {
  return {
    async readMatchingInputs() {
      const marks: UcCaseMark[] = [];
      const roster: RosterUcRef[] = [];
      const latestHearing = new Map<string, { date: string; court: string | null }>();
      // Hearings give an unmatched case its AOR (the court of its latest hearing).
      const filter = { expression: 'sk = :uc OR sk = :roster OR begins_with(sk, :h)', values: { ':uc': 'UC', ':roster': 'ROSTER', ':h': 'HEARING#' } };
      for await (const page of scanPages(client, tableName, filter)) {
        for (const item of page) {
          if (item.sk === 'UC') {
            // An EOIR basis wins over ROSTER, whichever marked the case first.
            const bases = [...((item.bases as Set<string> | undefined) ?? new Set([String(item.basis)]))];
            const basis = bases.find((b) => b !== 'ROSTER') ?? 'ROSTER';
            marks.push({
              caseId: String(item.caseId),
              basis,
              aNumber: (item.aNumber as string | undefined) ?? null,
              aor: null,
              countedUnmatchedIn: (item.unmatchedAor as string | undefined) ?? null,
            });
          } else if (item.sk === 'ROSTER') {
            roster.push({
              aNumber: String(item.aNumber),
              aor: String(item.aor),
              eoirCaseId:
                (item.eoirCaseId as string | null | undefined) ?? (item.ftaCaseId as string | undefined) ?? (item.matchedCaseId as string | undefined) ?? null,
              status: String(item.status),
            });
          } else {
            const caseId = caseIdOfPk(String(item.pk));
            const date = String(item.date ?? '');
            const seen = latestHearing.get(caseId);
            if (seen === undefined || date > seen.date) latestHearing.set(caseId, { date, court: (item.court as string | null | undefined) ?? null });
          }
        }
      }
      return { marks: marks.map((m) => ({ ...m, aor: aorForCourt(latestHearing.get(m.caseId)?.court ?? null) })), roster };
    },

    async saveUnmatched(changes) {
      const guarded = changes.map((c): GuardedChange<string> => {
        const values: Record<string, unknown> = {};
        let condition: string;
        if (c.from === null) condition = 'attribute_not_exists(unmatchedAor)';
        else {
          condition = 'unmatchedAor = :from';
          values[':from'] = c.from;
        }
        if (c.to !== null) values[':to'] = c.to;
        const toAor = (k: string) => (k === 'NONE' ? null : k);
        return {
          key: c.caseId,
          items: [
            {
              Update: {
                TableName: tableName,
                Key: keys.ucMark(c.caseId),
                UpdateExpression: c.to === null ? 'REMOVE unmatchedAor' : 'SET unmatchedAor = :to',
                ConditionExpression: `attribute_exists(pk) AND ${condition}`,
                ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
              },
            },
          ],
          deltas: [
            ...(c.from === null ? [] : [unmatchedAggregateDelta({ aor: toAor(c.from), delta: -1 })]),
            ...(c.to === null ? [] : [unmatchedAggregateDelta({ aor: toAor(c.to), delta: 1 })]),
          ],
        };
      });
      let stale = 0;
      for (const group of chunk(guarded, TRANSACTION_BATCH)) stale += (await applyGuardedChanges(client, tableName, group)).stale.length;
      return { written: changes.length - stale, stale };
    },
  };
}
