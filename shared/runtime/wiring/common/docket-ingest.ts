import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { createPowertoolsMetricsSink } from '../../../adapters/powertools-metrics-sink';
import { createS3ReportArchive } from '../../../adapters/s3-report-archive';
import { createDynamoCaseStore } from '../../../adapters/cases-table/dynamo-case-store';
import { createDynamoDropLedger } from '../../../adapters/cases-table/dynamo-drop-ledger';
import { createDynamoUpcomingHearings } from '../../../adapters/cases-table/dynamo-upcoming-hearings';
import { createDynamoCourtAddresses } from '../../../adapters/cases-table/dynamo-court-addresses';
import { createS3DocketSource } from '../../../adapters/s3-docket-source';
import { createS3DropStaging } from '../../../adapters/s3-drop-staging';
import { createS3Quarantine } from '../../../adapters/s3-quarantine';
import { createSqsChunkQueue } from '../../../adapters/sqs-chunk-queue';
import { createSqsFtaPublisher } from '../../../adapters/sqs-fta-publisher';
import { systemClock } from '../../../ports/clock';
import type { FanOutDeps } from '../../../use-cases/start-docket-drop';
import type { AwsClients } from '../../aws-clients';
import type { Config } from '../../config';
import { DROP_BUCKET, ENV, HEARINGS_BY_DAY_INDEX } from '../../resources';
import { stageCacheCasesForHeap } from '../../heap';

/**
 * The docket ingest's ports: the chunk worker's (chunkDeps), and the bucket writes that
 * unpack a big zip drop into `unpacked/<dropId>/`.
 */
export function ingestDeps(config: Config<'ingestDocket'>, clients: AwsClients, logger: Logger, metrics?: Metrics): FanOutDeps {
  const staging = createS3DropStaging({ client: clients.s3, bucket: config[ENV.dropBucket] });
  return { ...chunkDeps(config, clients, logger, metrics), unpack: { staging, prefix: DROP_BUCKET.unpackedPrefix } };
}

/**
 * The docket ingest and its chunk worker wire the same ports the same way: the drop
 * source, quarantine and report lists (S3), drop metrics (EMF, when given), the case store and drop ledger (DynamoDB), the FTA fan-out
 * queues and the chunk queue (SQS), and the chunking settings. The chunk worker never
 * unpacks a zip (it may not write under `unpacked/`).
 */
export function chunkDeps(config: Config<'ingestDocket'>, clients: AwsClients, logger: Logger, metrics?: Metrics): FanOutDeps {
  const tableName = config[ENV.casesTable];
  return {
    source: createS3DocketSource({ client: clients.s3, bucket: config[ENV.dropBucket] }),
    store: createDynamoCaseStore({ client: clients.dynamo, tableName }),
    ledger: createDynamoDropLedger({ client: clients.dynamo, tableName }),
    hearings: createDynamoUpcomingHearings({ client: clients.dynamo, tableName, byDayIndex: HEARINGS_BY_DAY_INDEX }),
    courts: createDynamoCourtAddresses({ client: clients.dynamo, tableName }),
    publisher: createSqsFtaPublisher({
      client: clients.sqs,
      queueUrls: [config[ENV.orrNoticeQueueUrl], config[ENV.ntaScheduleQueueUrl]],
    }),
    queue: createSqsChunkQueue({ client: clients.sqs, queueUrl: config[ENV.dropChunkQueueUrl] }),
    quarantine: createS3Quarantine({ client: clients.s3, bucket: config[ENV.dropBucket] }),
    reports: createS3ReportArchive({ client: clients.s3, bucket: config[ENV.dropBucket], prefix: DROP_BUCKET.reportPrefix }),
    ...(metrics === undefined ? {} : { metrics: createPowertoolsMetricsSink(metrics) }),
    clock: systemClock,
    log: logger,
    chunks: { chunkBytes: config[ENV.ingestChunkBytes], parallelChunks: config[ENV.ingestParallelChunks] },
    fanOutBytes: config[ENV.ingestFanOutBytes],
    ...(config[ENV.ingestFinishNotesInMemory] === undefined ? {} : { finishNotesInMemory: config[ENV.ingestFinishNotesInMemory] }),
    stageCacheCases: stageCacheCasesForHeap(),
  };
}
