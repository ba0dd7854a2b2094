import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { fetchReceivedEmails } from '../../infra/local/outputs';
import { localClientConfig } from '../../infra/local/provision';
import { runLocalPipeline } from '../../infra/local/run';
import { rosterCsv } from '../helpers/ledger-run';
import { pipelineTestOptions, tempDir, uniqueSuffix, useLocalStack } from '../helpers/local-stack';
import { orderSighting } from '../helpers/signal-fixtures';

/**
 * Through the functions on the local AWS stack: a roster (ingest-roster) lands while a drop
 * run holds its claim on the drop and has written a case's FTA signal, so the roster leaves
 * the case to that run (a hand-off); the run dies (its claim is left to expire), and the
 * scheduled outbox sweep (sweep-outbox) settles the case: the FTA is recorded and ORR gets
 * its notice. The dead run's state (its claim, the sighting it wrote) is written through the
 * case store, as the run's own adapters write it.
 */
describe('a case left to a drop run that dies, through the local AWS stack', () => {
  const stack = useLocalStack();
  const suffix = uniqueSuffix();

  it('is settled by the scheduled outbox sweep once the run\'s claim expires: FTA recorded OPEN, one notice', async () => {
    const result = await runLocalPipeline(stack.emulators, pipelineTestOptions(suffix, { drops: [], scheduledRuns: false }));
    const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(stack.emulators.endpoints.dynamodb)));
    try {
      const store = createDynamoCaseStore({ client: dynamo, tableName: result.pipeline.resources.casesTable });
      const caseId = '7800001';
      const dropId = 'dead-run-drop';
      // The run claimed its drop and wrote a sighting of an order of a case not yet a UC case.
      await store.readingDrops.claim(dropId, 'dead-run', '2999-01-01T00:00:00.000Z');
      await store.signals.recordSightings([orderSighting(caseId, '8800001', dropId)]);
      const rosterFile = join(tempDir('roster'), 'roster.csv');
      writeFileSync(rosterFile, rosterCsv({ kind: 'roster', rosterId: 'mid-run', rows: [{ aNumber: `02${caseId}`, eoirCaseId: caseId }] }));
      await result.pipeline.uploadRoster(rosterFile, 'mid-run');
      await result.pipeline.drain();
      expect(result.pipeline.rosterReports.map((r) => ({ casesMarked: r.casesMarked, ftas: r.ftas, left: r.casesLeftToDrops }))).toEqual([
        { casesMarked: 1, ftas: { new: 0, rescinded: 0 }, left: 1 },
      ]);
      expect(await store.readingDrops.handedOff(dropId)).toEqual([caseId]);
      expect(await store.listCaseFtaIds(caseId)).toEqual([]);

      // Still claimed: the sweep leaves it to the run.
      expect(await result.pipeline.runScheduledOutboxSweep()).toEqual({ ftas: 0, rescissions: 0 });
      expect(await store.listCaseFtaIds(caseId)).toEqual([]);
      // The run died: its claim expires.
      await store.readingDrops.claim(dropId, 'dead-run', '2000-01-01T00:00:00.000Z');
      expect(await result.pipeline.runScheduledOutboxSweep()).toEqual({ ftas: 1, rescissions: 0 });
      await result.pipeline.drain();
      expect((await store.getFta(caseId, 'IA-8800001'))?.status).toBe('OPEN');
      expect(await store.readingDrops.handedOff(dropId)).toEqual([]);
      const emails = (await fetchReceivedEmails(stack.emulators.endpoints.ses)).filter((e) => e.to.some((t) => t.includes(`orr${suffix}@`)));
      expect(emails.map((e) => e.subject).filter((subject) => subject.includes('IA-8800001'))).toHaveLength(1);
      // Swept again: nothing left.
      expect(await result.pipeline.runScheduledOutboxSweep()).toEqual({ ftas: 0, rescissions: 0 });
    } finally {
      dynamo.destroy();
      await result.pipeline.stop();
    }
  });
});
