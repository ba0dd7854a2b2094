import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { isDropMarker } from '../../shared/domain/eoir-table';
import { DROP_BUCKET } from '../../shared/runtime/resources';
import { DocketWatchError } from '../../shared/domain/errors';

/** One object of a drop upload: the local file (none: an empty READY marker), its key, its user metadata. */
export interface DropObject {
  readonly key: string;
  readonly file: string | null;
  readonly metadata?: Record<string, string>;
}

/**
 * The objects of a drop, in upload order, under `drops/`:
 * - a folder: every file under `drops/<dropId>/` (sub-folders kept, as a release copied
 *   as a folder has `EOIR Case Data/`), sorted, then its completion marker last (a
 *   Count.txt or READY, any letter case, at the top or one folder down; else an empty
 *   READY at the top). The ingest starts when the marker lands, so every table must be
 *   in the bucket before it; `aws s3 cp --recursive` uploads in no set order.
 * - a zip: one object `drops/<dropId>.zip` (S3 writes an object whole, so it is complete
 *   when it lands).
 * `metadata` goes on the marker or the zip only (the ingest reads the operator's
 * `as-of` there). `dropId` defaults to the folder's or zip's name.
 */
export async function dropObjects(path: string, options: { dropId?: string; metadata?: Record<string, string> } = {}): Promise<DropObject[]> {
  const info = await stat(path);
  const metadata = options.metadata && Object.keys(options.metadata).length > 0 ? { metadata: options.metadata } : {};
  if (info.isFile()) {
    if (!/\.zip$/i.test(path)) throw new DocketWatchError('CLI_ARGUMENT_INVALID', `${path}: not a folder or a .zip`);
    const dropId = options.dropId ?? basename(path).replace(/\.zip$/i, '');
    return [{ key: `${DROP_BUCKET.dropPrefix}${dropId}.zip`, file: path, ...metadata }];
  }
  if (!info.isDirectory()) throw new DocketWatchError('CLI_ARGUMENT_INVALID', `${path}: not a folder or a .zip`);
  const dropId = options.dropId ?? basename(path);
  const files = (await readdir(path, { withFileTypes: true, recursive: true }))
    .filter((f) => f.isFile())
    .map((f) => relative(path, join(f.parentPath, f.name)).split(sep).join('/'));
  const marker = files.find((f) => f.split('/').length <= 2 && isDropMarker(f));
  const prefix = `${DROP_BUCKET.dropPrefix}${dropId}/`;
  return [
    ...files
      .filter((f) => f !== marker)
      .sort()
      .map((f) => ({ key: `${prefix}${f}`, file: join(path, f) })),
    marker === undefined ? { key: `${prefix}READY`, file: null, ...metadata } : { key: `${prefix}${marker}`, file: join(path, marker), ...metadata },
  ];
}
