import { dropTriggeredBy } from '../../adapters/s3-docket-source';
import type { DropRef } from '../../ports/docket-source';
import { createAwsClients } from '../aws-clients';
import { loadConfig } from '../config';
import { createObservability } from '../observability';
import { DROP_BUCKET } from '../resources';
import { ingestDeps } from './common/docket-ingest';

/** ingest-docket, built once per cold start: the docket ingest's ports, with the bucket writes that unpack a big zip. */
export const config = loadConfig('ingestDocket');
export const { logger, metrics } = createObservability('ingest-docket');
export const deps = ingestDeps(config, createAwsClients(), logger, metrics);
/** The drop an object key starts (a completion marker or zip under the drop prefixes), if any. */
export const dropOfObjectKey = (key: string): DropRef | undefined => dropTriggeredBy(key, { drops: DROP_BUCKET.dropPrefix, unpacked: DROP_BUCKET.unpackedPrefix });
