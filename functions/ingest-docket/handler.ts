import type { Context, S3Event } from 'aws-lambda';
import { createDynamoCaseStore } from '../../shared/adapters/dynamo-case-store';
import { createS3DocketSource, dropFromObjectKey } from '../../shared/adapters/s3-docket-source';
import { createS3Quarantine } from '../../shared/adapters/s3-quarantine';
import { createSqsFtaPublisher } from '../../shared/adapters/sqs-fta-publisher';
import type { DropReport } from '../../shared/domain/drop-report';
import { systemClock } from '../../shared/ports/clock';
import { createAwsClients } from '../../shared/runtime/aws-clients';
import { loadConfig } from '../../shared/runtime/config';
import { createObservability } from '../../shared/runtime/observability';
import { DROP_BUCKET, ENV } from '../../shared/runtime/resources';
import { ingestDocketDrop } from '../../shared/use-cases/ingest-docket-drop';

const config = loadConfig('ingestDocket');
const { logger } = createObservability('ingest-docket');
const clients = createAwsClients();
const deps = {
  source: createS3DocketSource({ client: clients.s3, bucket: config[ENV.dropBucket] }),
  store: createDynamoCaseStore({ client: clients.dynamo, tableName: config[ENV.casesTable] }),
  publisher: createSqsFtaPublisher({
    client: clients.sqs,
    queueUrls: [config[ENV.orrNoticeQueueUrl], config[ENV.ntaScheduleQueueUrl]],
  }),
  quarantine: createS3Quarantine({ client: clients.s3, bucket: config[ENV.dropBucket] }),
  clock: systemClock,
  log: logger,
  chunks: { chunkBytes: config[ENV.ingestChunkBytes], parallelChunks: config[ENV.ingestParallelChunks] },
};

/**
 * S3 object created (a drop's completion marker) -> ingest that drop. A failure throws,
 * so Lambda retries the event (async invocation: 2 retries, then the on-failure
 * destination); re-ingesting a drop is idempotent.
 */
export const handler = async (event: S3Event, context: Context): Promise<DropReport[]> => {
  logger.addContext(context);
  const reports: DropReport[] = [];
  for (const record of event.Records) {
    // S3 event keys are URL-encoded, with spaces as '+'.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const drop = dropFromObjectKey(key, DROP_BUCKET.dropPrefix);
    if (drop === undefined) {
      logger.warn('object is not in a drop folder; ignored', { key });
      continue;
    }
    reports.push(await ingestDocketDrop(drop, deps));
  }
  return reports;
};
