import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { chunkId } from '../../domain/drop-plan';
import type { KeyConflict } from '../../domain/drop-duplicates';
import type { EoirTableName } from '../../domain/eoir-table';
import { noteId, type DropKeys, type KeyVerdict } from '../../ports/drop-keys';
import { mapWithLimit } from '../../lib/concurrency';
import { queryPages } from './batch-and-query';
import { keys } from './keys';

/*
 * Items in the cases table, beside the run in the drop ledger (dynamo-drop-ledger.ts):
 *   key   pk DROP#<dropId>  sk RUN#<runId>#KEY#<table>#<key>   table, key, firstChunk, ftaChunk?,
 *                                                              vals (string set)
 * One item per key of a UC case's row in a run, about 200 bytes: for a full release about
 * 4-5 million (UC cases' proceedings, hearings, case and juvenile rows), one UpdateItem per
 * key and chunk. Conditional-free updates: `if_not_exists` claims "first" and "records the
 * FTA" for the chunk that arrives first, and a retry of that chunk finds its own claim.
 */
const CONCURRENCY = 16;

export function createDynamoDropKeys({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }): DropKeys {
  return {
    async noteKeys(run, chunk, notes) {
      const me = chunkId(chunk);
      const verdicts = new Map<string, KeyVerdict>();
      await mapWithLimit(notes, CONCURRENCY, async (n) => {
        const sets = ['#t = :t', '#k = :k', 'firstChunk = if_not_exists(firstChunk, :me)'];
        const values: Record<string, unknown> = { ':t': n.table, ':k': n.key, ':me': me, ':v': new Set(n.values) };
        if (n.fta) sets.push('ftaChunk = if_not_exists(ftaChunk, :me)');
        const out = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.runKey(run.drop.dropId, run.runId, n.table, n.key),
            UpdateExpression: `SET ${sets.join(', ')} ADD vals :v`,
            ExpressionAttributeNames: { '#t': 'table', '#k': 'key' },
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        );
        verdicts.set(noteId(n), { first: out.Attributes?.firstChunk === me, recordsFta: out.Attributes?.ftaChunk === me });
      });
      return verdicts;
    },

    async *settledKeys(run) {
      const pages = queryPages(client, tableName, {
        pk: keys.dropPk(run.drop.dropId),
        skPrefix: keys.runKeyPrefix(run.runId),
        filter: { expression: 'size(vals) > :one', values: { ':one': 1 } },
        consistentRead: true,
      });
      for await (const page of pages) {
        const conflicts: KeyConflict[] = [];
        for (const item of page) {
          const vals = [...((item.vals as Set<string> | undefined) ?? [])].sort();
          if (vals.length > 1) conflicts.push({ table: item.table as EoirTableName, key: String(item.key), values: vals });
        }
        if (conflicts.length > 0) yield { conflicts };
      }
    },
  };
}
