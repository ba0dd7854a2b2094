import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CaseSighting, MarkClaim, UcCaseMarks, UcMark } from '../../ports/case-store';
import { mapWithLimit } from '../../lib/concurrency';
import { batchGetItems, scanPages } from './batch-and-query';
import { keys } from './keys';
import { sendUpdatesGrouped } from './grouped-updates';

/*
 * UC case marks (keys.ts: ucMark, pk CASE#<IDNCASE> sk UC): why a case is a UC case
 * (`bases`: juvenile history, case priority, roster), the drop that last showed it, the
 * omission flag of a full drop that did not, and the identity columns a DOJ-to-DHS drop
 * carried (PII: never logged).
 */
const CONCURRENCY = 16;

export interface DynamoUcCaseMarksOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDynamoUcCaseMarks({ client, tableName }: DynamoUcCaseMarksOptions): UcCaseMarks & {
  aNumbersOf(caseIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
} {
  const markUpdate = (m: UcMark) => ({
    TableName: tableName,
    Key: keys.ucMark(m.caseId),
    // `bases` keeps every reason the case is a UC case (juvenile history, case
    // priority, roster), whichever arrived first: roster matching needs the EOIR ones.
    // A roster match by A-number keeps that A-number on the mark (PII: never logged).
    UpdateExpression: `SET caseId = :c, basis = if_not_exists(basis, :b), dropId = if_not_exists(dropId, :d)${m.aNumber === undefined ? '' : ', aNumber = if_not_exists(aNumber, :a)'} ADD bases :bs`,
    ExpressionAttributeValues: {
      ':c': m.caseId, ':b': m.basis, ':d': m.dropId, ':bs': new Set([m.basis]), ...(m.aNumber === undefined ? {} : { ':a': m.aNumber }),
    } as Record<string, unknown>,
  });

  return {
    async markUcCases(marks: readonly UcMark[], claim?: MarkClaim): Promise<number> {
      // An update, not a put: the mark's sighting, A-number and omission flag must survive a
      // re-mark. Up to 100 to a transaction (sendUpdatesGrouped): each mark's outcome is its own.
      const updates = marks.map((m) => {
        const plain = markUpdate(m);
        if (claim === undefined) return plain;
        // The first step of the run to mark the case claims it (counted once per run, with
        // its basis); the same step's retry passes again. Marked already by an earlier step
        // of this run (the juvenile stage before the case table): that step's basis is this
        // drop's, as when the drop is read in order, and the mark is not claimed again.
        return {
          ...plain,
          // markDrop: a roster leaves the case to this drop's finish while the drop is read.
          UpdateExpression: plain.UpdateExpression.replace(' ADD ', ', markRun = :run, markBy = :by, markDrop = :md ADD '),
          ConditionExpression: 'attribute_not_exists(markRun) OR markRun <> :run OR markBy = :by',
          ExpressionAttributeValues: { ...plain.ExpressionAttributeValues, ':run': claim.runId, ':by': claim.by, ':md': m.dropId },
        };
      });
      return (await sendUpdatesGrouped(client, updates)).filter(Boolean).length;
    },

    async findUcCases(caseIds: readonly string[], options?: { readonly consistentRead?: boolean }): Promise<ReadonlySet<string>> {
      const items = await batchGetItems(client, tableName, caseIds.map((id) => keys.ucMark(id)), {
        projection: 'caseId', ...(options?.consistentRead === true ? { consistentRead: true } : {}),
      });
      return new Set(items.map((item) => String(item.caseId)));
    },

    async recordCaseSightings(sightings: readonly CaseSighting[]): Promise<void> {
      await sendUpdatesGrouped(
        client,
        sightings.map((s) => {
          // Seen again: no longer omitted. Identity columns are kept once known (PII: never logged).
          const sets = ['lastSeenDropId = :d'];
          const values: Record<string, unknown> = { ':d': s.dropId };
          for (const [field, value] of [['aNumber', s.aNumber], ['firstName', s.firstName], ['lastName', s.lastName]] as const) {
            if (value === null || value === undefined) continue;
            sets.push(`${field} = :${field}`);
            values[`:${field}`] = value;
          }
          return { TableName: tableName, Key: keys.ucMark(s.caseId), UpdateExpression: `SET ${sets.join(', ')} REMOVE omittedFromDropId, omittedAt`, ExpressionAttributeValues: values };
        }),
      );
    },

    async flagUcCasesNotSeen(dropId: string, flaggedAt: string): Promise<number> {
      // A full scan of UC marks, once per full drop (monthly). A GSI on lastSeenDropId would
      // avoid it at the cost of a hot partition per drop; not worth it at ~0.5M UC cases.
      let flagged = 0;
      const filter = {
        // Cases this drop flagged already are counted again (a retried sweep reports the same number).
        expression: 'sk = :uc AND (attribute_not_exists(lastSeenDropId) OR lastSeenDropId <> :d) AND (attribute_not_exists(omittedFromDropId) OR omittedFromDropId = :d)',
        values: { ':uc': 'UC', ':d': dropId },
      };
      for await (const page of scanPages(client, tableName, filter)) {
        await mapWithLimit(page, CONCURRENCY, (item) =>
          client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { pk: item.pk, sk: 'UC' },
              UpdateExpression: 'SET omittedFromDropId = :d, omittedAt = :at',
              ExpressionAttributeValues: { ':d': dropId, ':at': flaggedAt },
            }),
          ),
        );
        flagged += page.length;
      }
      return flagged;
    },

    /** A-numbers of UC cases, where a DOJ-to-DHS drop carried them (for exports; PII, never logged). */
    async aNumbersOf(caseIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
      const items = await batchGetItems(client, tableName, caseIds.map((id) => keys.ucMark(id)), { projection: 'caseId, aNumber' });
      return new Map(items.flatMap((item) => (typeof item.aNumber === 'string' ? [[String(item.caseId), item.aNumber] as const] : [])));
    },
  };
}
