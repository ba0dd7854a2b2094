import type { Context, S3Event } from 'aws-lambda';
import { installPiiKey } from '../../shared/runtime/pii-key';
import { config, deps, logger, rosterPrefix } from '../../shared/runtime/wiring/ingest-roster';
import { ingestRoster, rosterFromObjectKey, type RosterReport } from '../../shared/use-cases/ingest-roster';

/**
 * S3 object created under `rosters/` (a UC roster CSV) -> ingest it, record and send the
 * FTAs of the cases it makes UC cases, and re-plan the AORs it touched. A failure throws, so Lambda retries the event; re-ingesting is idempotent.
 */
export const handler = async (event: S3Event, context: Context): Promise<RosterReport[]> => {
  logger.addContext(context);
  await installPiiKey(config); // deployed: the HMAC key of PII-derived item keys, read once per cold start
  const reports: RosterReport[] = [];
  for (const record of event.Records) {
    // S3 event keys are URL-encoded, with spaces as '+'.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const roster = rosterFromObjectKey(key, rosterPrefix);
    if (roster === undefined) {
      logger.warn('object is not a roster file; ignored', { key });
      continue;
    }
    reports.push(await ingestRoster(roster, deps));
  }
  return reports;
};
