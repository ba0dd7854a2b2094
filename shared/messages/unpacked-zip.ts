import { z } from 'zod';
import { EOIR_TABLES } from '../domain/eoir-table';
import { FILE_REJECTIONS, type FileRejectionReason } from '../domain/rejections';

/** The manifest's object name in the folder a zip drop was unpacked into. */
export const UNPACKED_ZIP_MANIFEST = 'unpacked-from-zip.json';

/**
 * What the ingest of a big zip drop leaves in the folder it unpacked the zip's tables into
 * (`drops/<dropId>/unpacked-from-zip.json`), for the folder's own ingest: which zip, and
 * what the zip held besides the tables (entries refused before reading, entries not read),
 * so the folder's report accounts for them as a zip read whole would. Entry names and
 * sizes only, no PII.
 */
export const UnpackedZipManifest = z.object({
  type: z.literal('UNPACKED_ZIP'),
  version: z.literal(1),
  dropId: z.string().min(1),
  zipKey: z.string().min(1),
  /** The zip's S3 event (its sequencer): a duplicate event finds it and unpacks nothing again. */
  trigger: z.string().min(1),
  unpackedAt: z.string().datetime(),
  /** Whether the zip held a Count.txt (copied as the marker); READY marks a zip without one. */
  countFile: z.boolean(),
  tables: z.array(z.object({ table: z.enum(EOIR_TABLES), entry: z.string().min(1), key: z.string().min(1), bytes: z.number().int().min(0) })),
  refused: z.array(z.object({ table: z.enum(EOIR_TABLES), detail: z.string() })),
  ignored: z.array(z.object({ file: z.string(), reason: z.enum(Object.keys(FILE_REJECTIONS) as [FileRejectionReason, ...FileRejectionReason[]]) })),
});
export type UnpackedZipManifest = z.infer<typeof UnpackedZipManifest>;
