import { createAwsClients } from '../aws-clients';
import { loadConfig } from '../config';
import { createObservability } from '../observability';
import { chunkDeps } from './common/docket-ingest';

/** ingest-drop-chunk, built once per cold start: the docket ingest's ports, without the zip unpacking. */
export const config = loadConfig('ingestDropChunk');
export const { logger, metrics } = createObservability('ingest-drop-chunk');
export const deps = chunkDeps(config, createAwsClients(), logger, metrics);
