import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { chunkId, tablesInReadOrder, type ChunkResult, type DropChunk } from '../../domain/drop-plan';
import type { DropReport } from '../../domain/drop-report';
import type { DropLedger, DropRun, RunState } from '../../ports/drop-ledger';
import { batchPutItems, queryPages } from './batch-and-query';
import { createDynamoDropKeys } from './dynamo-drop-keys';
import { keys } from './keys';
import { isConditionFailure, sendConditional, transactWrite } from './transactions';

/*
 * Items in the cases table, under the drop's partition:
 *   run      pk DROP#<dropId>  sk RUN#<runId>                      run (plan, chunks per stage), stage,
 *                                                                  done<stage> counters, advancedBy<stage>,
 *                                                                  followedUp<stage>, report
 *   chunk    pk DROP#<dropId>  sk RUN#<runId>#CHUNK#<table>#<start> result (counts of one byte range)
 *   settle   pk DROP#<dropId>  sk RUN#<runId>#SETTLE#<caseId>       caseId (FTAs settled by the finish step)
 * A run's items are a few hundred bytes each: about 30 chunks per GB of table (256 MiB
 * ranges), and one `settle` item per case whose FTAs the finish step settles (the run's
 * repeated keys are dynamo-drop-keys.ts's items).
 */

export interface DynamoDropLedgerOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** Plain data only (no undefined, no class instances) in the stored maps. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function createDynamoDropLedger({ client, tableName }: DynamoDropLedgerOptions): DropLedger {
  const runKey = (run: DropRun) => keys.dropRun(run.drop.dropId, run.runId);
  const chunkKey = (run: DropRun, chunk: DropChunk) => keys.runChunk(run.drop.dropId, run.runId, chunkId(chunk));
  const toState = (item: Record<string, unknown>): RunState => ({
    run: item.run as DropRun,
    stage: Number(item.stage),
    report: item.report === undefined ? null : tablesInReadOrder(item.report as DropReport),
  });

  async function getRun(dropId: string, runId: string): Promise<RunState | undefined> {
    const out = await client.send(
      new GetCommand({ TableName: tableName, Key: keys.dropRun(dropId, runId), ConsistentRead: true }),
    );
    return out.Item === undefined ? undefined : toState(out.Item);
  }

  async function* queryRun(run: DropRun, kind: 'CHUNK' | 'OPENED' | 'SETTLE'): AsyncIterable<Record<string, unknown>[]> {
    yield* queryPages(client, tableName, { pk: keys.dropPk(run.drop.dropId), skPrefix: `${keys.runSk(run.runId)}#${kind}#`, consistentRead: true });
  }

  return {
    // Repeated keys of the run (duplicates, conflicts): items of their own.
    ...createDynamoDropKeys({ client, tableName }),
    async startRun(run) {
      const counters = Object.fromEntries(run.stages.map((_, i) => [`done${i}`, 0]));
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...runKey(run), type: 'DROP_RUN', dropId: run.drop.dropId, runId: run.runId, run: plain(run), stage: 0, ...counters },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return { created: true, state: { run, stage: 0, report: null } };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        const state = await getRun(run.drop.dropId, run.runId);
        if (state === undefined) throw err;
        return { created: false, state };
      }
    },

    getRun,

    async recordChunk(run: DropRun, chunk: DropChunk, result: ChunkResult) {
      // The chunk's result and its stage counter in one transaction: a redelivered chunk
      // fails the first condition and changes nothing, a crash before it leaves neither.
      const outcome = await transactWrite(client, [
        {
          Put: {
            TableName: tableName,
            Item: { ...chunkKey(run, chunk), type: 'DROP_CHUNK', result: plain(result) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName: tableName,
            Key: runKey(run),
            UpdateExpression: 'ADD #done :one',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#done': `done${chunk.stage}` },
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
      ]);
      return outcome === 'applied' ? 'recorded' : 'duplicate';
    },

    async isChunkRecorded(run, chunk) {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: chunkKey(run, chunk), ProjectionExpression: 'pk', ConsistentRead: true }),
      );
      return out.Item !== undefined;
    },

    async advanceStage(run, stage, by) {
      return sendConditional(
        client,
        new UpdateCommand({
          TableName: tableName,
          Key: runKey(run),
          UpdateExpression: 'SET #stage = :next, #by = :by',
          // Exactly one caller moves the stage (all chunks done, stage unchanged); the same
          // caller's retry passes again so it can redo its follow-up after a crash.
          ConditionExpression: '(#stage = :stage AND #done = :total) OR (#stage = :next AND #by = :by AND attribute_not_exists(#followed))',
          ExpressionAttributeNames: { '#stage': 'stage', '#done': `done${stage}`, '#by': `advancedBy${stage}`, '#followed': `followedUp${stage}` },
          ExpressionAttributeValues: { ':stage': stage, ':next': stage + 1, ':total': run.stages[stage]?.length ?? 0, ':by': by },
        }),
      );
    },

    async markFollowUpDone(run, stage) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: runKey(run),
          UpdateExpression: 'SET #followed = :t',
          ExpressionAttributeNames: { '#followed': `followedUp${stage}` },
          ExpressionAttributeValues: { ':t': true },
        }),
      );
    },

    async chunkResults(run) {
      const results: ChunkResult[] = [];
      for await (const page of queryRun(run, 'CHUNK')) for (const item of page) results.push(item.result as ChunkResult);
      return results;
    },

    async noteToSettle(run, caseIds) {
      // 25 to a BatchWriteItem (the helper drops repeated keys): a chunk notes hundreds of cases.
      await batchPutItems(client, tableName, caseIds.map((caseId) => ({ ...keys.runSettle(run.drop.dropId, run.runId, caseId), caseId })));
    },

    async *toSettle(run) {
      for await (const page of queryRun(run, 'SETTLE')) yield page.map((item) => String(item.caseId));
    },

    async finishRun(run, report) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: runKey(run),
          UpdateExpression: 'SET report = :r, finishedAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':r': plain(report), ':at': report.finishedAt },
        }),
      );
    },
  };
}
