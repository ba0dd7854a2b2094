import type { Context, S3Event } from 'aws-lambda';
import { installPiiKey } from '../../shared/runtime/pii-key';
import { config, deps, logger } from '../../shared/runtime/wiring/record-work-list-returns';
import {
  recordWorkListReturn,
  workListReturnFromObjectKey,
  type WorkListReturnReport,
} from '../../shared/use-cases/record-work-list-return';

/**
 * S3 object created under `returns/<AOR>/` (a work list a field office filled in) -> record
 * each row's outcomes. A failure throws, so Lambda retries the event; recording again is
 * idempotent. An object that is not a .xlsx or .csv is logged and left.
 */
export const handler = async (event: S3Event, context: Context): Promise<WorkListReturnReport[]> => {
  logger.addContext(context);
  await installPiiKey(config); // deployed: the HMAC key of PII-derived item keys, read once per cold start
  const reports: WorkListReturnReport[] = [];
  for (const record of event.Records) {
    // S3 event keys are URL-encoded, with spaces as '+'.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const ref = workListReturnFromObjectKey(key);
    if (ref === undefined) {
      logger.warn('object under returns/ is not a returned work list (.xlsx or .csv in returns/<AOR>/); ignored', { key });
      continue;
    }
    reports.push(await recordWorkListReturn(ref, deps));
  }
  return reports;
};
