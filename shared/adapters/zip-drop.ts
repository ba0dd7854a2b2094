import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { tableForFileName, unreadFileReason, type EoirTableName } from '../domain/eoir-table';
import type { FileRejectionReason } from '../domain/rejections';
import type { DropListing, TableFile } from '../ports/docket-source';

/** Guards against zip bombs and hostile archives (limits chosen for EOIR's ~4 GB / ~20 GB release). */
export const ZIP_LIMITS = {
  /** More entries than this is not an EOIR release (it has 97 files). */
  maxEntries: 10_000,
  /** One table, uncompressed. The largest real table (tbl_schedule, 46.6M rows) is well below. */
  maxEntryBytes: 64 * 1024 ** 3,
  /** Tab-separated text compresses about 10-30:1; a bomb compresses 1000:1 and more. */
  maxCompressionRatio: 200,
} as const;

type RangeReader = (start: number, end: number) => AsyncIterable<Uint8Array>;

class RangeAccessReader extends yauzl.RandomAccessReader {
  constructor(private readonly readRange: RangeReader) {
    super();
  }
  override _readStreamForRange(start: number, end: number): Readable {
    return Readable.from(this.readRange(start, end));
  }
}

function openZip(reader: RangeReader, size: number): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // validateEntrySizes (default): a stream whose bytes exceed the declared size fails.
    // decodeStrings off: yauzl would fail the whole zip on one entry with `..` in its path;
    // we decode names ourselves (entryName) and refuse only that entry (unsafeEntryReason).
    yauzl.fromRandomAccessReader(new RangeAccessReader(reader), size, { lazyEntries: true, autoClose: false, decodeStrings: false }, (err, zip) =>
      err ? reject(err) : resolve(zip),
    );
  });
}

/** An entry's path as yauzl would decode it (UTF-8 flag, Info-ZIP Unicode path field; `\\` read as `/`). */
function entryName(entry: yauzl.Entry): string {
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
}

/** Why an entry must not be read, or null when it is safe. */
export function unsafeEntryReason(entry: { fileName: string; uncompressedSize: number; compressedSize: number }): string | null {
  if (entry.fileName.startsWith('/') || /^[A-Za-z]:/.test(entry.fileName) || entry.fileName.split(/[\\/]/).includes('..')) {
    return 'entry path points outside the drop';
  }
  if (entry.uncompressedSize > ZIP_LIMITS.maxEntryBytes) return 'entry larger than the uncompressed size limit';
  if (entry.uncompressedSize > 1024 * 1024 && entry.uncompressedSize / Math.max(1, entry.compressedSize) > ZIP_LIMITS.maxCompressionRatio) {
    return 'entry compression ratio is that of a zip bomb';
  }
  return null;
}

/**
 * A zip drop read in place through byte ranges of the zip object (the central directory at
 * its end, then each entry's bytes): nothing is downloaded whole, nothing is written to
 * disk. EOIR's zip has a data folder (`Data/` or `EOIR Case Data/`), so entries are matched
 * by their base name. A deflated entry cannot be entered mid-stream, so zip tables are
 * read whole, never in byte ranges (`rangeReadable: false`).
 */
export async function openZipDrop(
  _zipKey: string,
  reader: RangeReader,
  size: number,
): Promise<{ listing: DropListing; openEntry: (name: string, fromByte: number) => AsyncIterable<Uint8Array> }> {
  const zip = await openZip(reader, size);
  const entries = new Map<string, yauzl.Entry>();
  const tables = new Map<EoirTableName, TableFile>();
  const refused = new Map<EoirTableName, string>();
  const ignored: { file: string; reason: FileRejectionReason }[] = [];
  let countEntry: yauzl.Entry | undefined;
  await new Promise<void>((resolve, reject) => {
    let seen = 0;
    zip.on('entry', (entry: yauzl.Entry) => {
      seen += 1;
      if (seen > ZIP_LIMITS.maxEntries) {
        reject(new Error('zip drop has too many entries'));
        return;
      }
      const fileName = entryName(entry);
      const base = fileName.replace(/^.*[\\/]/, '');
      const table = tableForFileName(base);
      const unsafe = unsafeEntryReason({ fileName, uncompressedSize: entry.uncompressedSize, compressedSize: entry.compressedSize });
      if (table !== undefined) {
        if (unsafe !== null) refused.set(table, unsafe);
        else {
          entries.set(fileName, entry);
          tables.set(table, { key: fileName, size: entry.uncompressedSize, rangeReadable: false });
        }
      } else if (/^count\.txt$/i.test(base) && unsafe === null && entry.uncompressedSize < 1024 * 1024) {
        countEntry = entry;
      } else if (!fileName.endsWith('/')) {
        // Not read: EOIR's lookup and other tables, or anything else (each named for what it is); a hostile path is named as such.
        const outside = unsafe !== null && unsafe.includes('outside');
        ignored.push({ file: fileName, reason: outside ? 'ENTRY_UNSAFE' : unreadFileReason(fileName) });
      }
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });

  const stream = (entry: yauzl.Entry): Promise<Readable> =>
    new Promise((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))));

  let countFile: Buffer | null = null;
  if (countEntry !== undefined) {
    const parts: Buffer[] = [];
    for await (const c of await stream(countEntry)) parts.push(c as Buffer);
    countFile = Buffer.concat(parts);
  }

  return {
    listing: { tables, countFile, refused, ignored },
    async *openEntry(name: string, fromByte: number): AsyncIterable<Uint8Array> {
      const entry = entries.get(name);
      if (entry === undefined) throw new Error('zip entry not found');
      let skipped = 0;
      for await (const chunk of await stream(entry)) {
        const c = chunk as Buffer;
        if (skipped + c.length <= fromByte) {
          skipped += c.length;
          continue;
        }
        yield skipped < fromByte ? c.subarray(fromByte - skipped) : c;
        skipped = fromByte;
      }
    },
  };
}
