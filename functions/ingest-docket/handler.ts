import { randomUUID } from 'node:crypto';
import type { Context, S3Event } from 'aws-lambda';
import { installPiiKey } from '../../shared/runtime/pii-key';
import { config, deps, dropOfObjectKey, logger } from '../../shared/runtime/wiring/ingest-docket';
import { startDocketDrop, type DropStarted } from '../../shared/use-cases/start-docket-drop';

/**
 * S3 object created (a drop's completion marker, or a zip) -> ingest that drop here, fan
 * a big one out to the chunk workers, or unpack a big zip into `unpacked/<dropId>/` (whose
 * marker invokes this function again, on the folder). A failure throws, so Lambda retries the event (async
 * invocation: 2 retries, then the on-failure destination); the event's sequencer names
 * the run, so a retry or a duplicate event resumes the same run and counts nothing twice.
 */
export const handler = async (event: S3Event, context: Context): Promise<DropStarted[]> => {
  logger.addContext(context);
  await installPiiKey(config); // deployed: the HMAC key of PII-derived item keys, read once per cold start
  const started: DropStarted[] = [];
  for (const record of event.Records) {
    // S3 event keys are URL-encoded, with spaces as '+'.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    // Every object under the drop prefixes lands here (S3 filters cannot match any letter
    // case); only a completion marker or a zip starts an ingest.
    const drop = dropOfObjectKey(key);
    if (drop === undefined) {
      logger.debug('object starts no ingest (not a completion marker or zip drop)', { key });
      continue;
    }
    // The sequencer orders events on one key: the same for a duplicate delivery, new for a
    // new upload. (S3 always sets it; a hand-made event without it gets a run of its own.)
    const trigger = record.s3.object.sequencer ? String(record.s3.object.sequencer) : randomUUID();
    started.push(await startDocketDrop(drop, trigger, deps));
  }
  return started;
};
