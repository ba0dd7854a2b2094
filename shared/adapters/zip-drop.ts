import { Readable } from 'node:stream';
import * as zipjs from '@zip.js/zip.js';
import yauzl from 'yauzl';
import { tableForFileName, unreadFileReason, type EoirTableName } from '../domain/eoir-table';
import type { FileRejectionReason } from '../domain/rejections';
import type { DropListing, TableFile } from '../ports/docket-source';
import { DocketWatchError } from '../domain/errors';

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

/** Compression methods yauzl reads itself: Stored (0) and Deflate (8). */
const YAUZL_METHODS = new Set([0, 8]);
/** Deflate64 ("enhanced deflate"), what Windows' own zip writes for large archives. */
const DEFLATE64 = 9;

// No web workers in Lambda; the Deflate64 decoder is zip.js's bundled WebAssembly module.
zipjs.configure({ useWebWorkers: false });

/**
 * zip.js reading the zip through the same byte ranges: each range it asks for as a stream
 * is one ranged read (never a GET per small chunk).
 */
class RangeZipReader extends zipjs.Reader<null> {
  constructor(private readonly readRange: RangeReader, size: number) {
    super(null);
    this.size = size;
  }
  override async readUint8Array(index: number, length: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const c of this.readRange(index, Math.min(this.size, index + length))) parts.push(c);
    return Buffer.concat(parts);
  }
  override createReadable(options: zipjs.CreateReadableOptions = {}): ReadableStream<Uint8Array> {
    const start = options.offset ?? 0;
    const end = options.size === undefined ? this.size : Math.min(this.size, start + options.size);
    return Readable.toWeb(Readable.from(this.readRange(start, end))) as ReadableStream<Uint8Array>;
  }
}

/** Reads this small or smaller (directory records, local headers) are served from whole blocks. */
const SMALL_READ_BYTES = 64 * 1024;
const BLOCK_BYTES = 1024 * 1024;
const BLOCKS_KEPT = 4;

/**
 * yauzl's reads through byte ranges of the zip object. yauzl reads the central directory
 * one record at a time (thousands of reads of ~100 bytes for a zip of thousands of
 * entries); each small read is served from a 1 MiB block read once, so a directory costs a
 * few ranged GETs, not one per entry. Entry data (large reads) streams straight through.
 */
class RangeAccessReader extends yauzl.RandomAccessReader {
  private readonly blocks = new Map<number, Promise<Buffer>>();
  constructor(private readonly readRange: RangeReader, private readonly size: number) {
    super();
  }
  override _readStreamForRange(start: number, end: number): Readable {
    if (end - start > SMALL_READ_BYTES) return Readable.from(this.readRange(start, end));
    return Readable.from(this.fromBlocks(start, end));
  }
  private async *fromBlocks(start: number, end: number): AsyncIterable<Buffer> {
    for (let b = Math.floor(start / BLOCK_BYTES); b * BLOCK_BYTES < end; b++) {
      const block = await this.block(b);
      yield block.subarray(Math.max(0, start - b * BLOCK_BYTES), Math.min(block.length, end - b * BLOCK_BYTES));
    }
  }
  private block(b: number): Promise<Buffer> {
    let found = this.blocks.get(b);
    if (found === undefined) {
      found = (async () => {
        const parts: Uint8Array[] = [];
        for await (const c of this.readRange(b * BLOCK_BYTES, Math.min(this.size, (b + 1) * BLOCK_BYTES))) parts.push(c);
        return Buffer.concat(parts);
      })();
      // A failed read is not kept: the next read tries again.
      found.catch(() => this.blocks.delete(b));
      this.blocks.set(b, found);
      if (this.blocks.size > BLOCKS_KEPT) this.blocks.delete(this.blocks.keys().next().value as number);
    }
    return found;
  }
}

function openZip(reader: RangeReader, size: number): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // validateEntrySizes (default): a stream whose bytes exceed the declared size fails.
    // decodeStrings off: yauzl would fail the whole zip on one entry with `..` in its path;
    // we decode names ourselves (entryName) and refuse only that entry (unsafeEntryReason).
    yauzl.fromRandomAccessReader(new RangeAccessReader(reader, size), size, { lazyEntries: true, autoClose: false, decodeStrings: false }, (err, zip) =>
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

/** A zip drop opened once: its listing, and a reader of any of its table entries. */
export interface ZipDrop {
  readonly listing: DropListing;
  openEntry(name: string, fromByte: number): AsyncIterable<Uint8Array>;
}

/**
 * A zip drop read in place through byte ranges of the zip object (the central directory at
 * its end, then each entry's bytes): nothing is downloaded whole, nothing is written to
 * disk. The central directory is read once here; the returned ZipDrop serves every table
 * and chunk of the invocation from it. EOIR's zip has a data folder (`Data/` or `EOIR Case
 * Data/`), so entries are matched by their base name, case-insensitively; two entries of
 * one table (`tbl_schedule.csv`, `tbl_schedule.txt`) are both listed. A deflated entry
 * cannot be entered mid-stream, so zip tables are read whole, never in byte ranges
 * (`rangeReadable: false`). Stored and Deflate entries are read by yauzl; Deflate64 entries
 * (method 9) by zip.js, whose decoder yauzl lacks; any other method is refused, per table,
 * with the method named.
 */
export async function openZipDrop(
  _zipKey: string,
  reader: RangeReader,
  size: number,
): Promise<ZipDrop> {
  const zip = await openZip(reader, size);
  const entries = new Map<string, yauzl.Entry>();
  const tables = new Map<EoirTableName, TableFile[]>();
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
      const unreadable = unsafe ?? unsupportedMethodReason(entry);
      if (table !== undefined) {
        if (unreadable !== null) refused.set(table, `${base}: ${unreadable}`);
        else {
          entries.set(fileName, entry);
          const files = tables.get(table) ?? [];
          files.push({ key: fileName, size: entry.uncompressedSize, rangeReadable: false });
          files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
          tables.set(table, files);
        }
      } else if (/^count\.txt$/i.test(base) && unreadable === null && entry.uncompressedSize < 1024 * 1024) {
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

  // zip.js's view of the same zip, read only when a Deflate64 entry is (its own directory read, once).
  let deflate64: Promise<Map<number, zipjs.FileEntry>> | undefined;
  const deflate64Entries = (): Promise<Map<number, zipjs.FileEntry>> =>
    (deflate64 ??= new zipjs.ZipReader(new RangeZipReader(reader, size)).getEntries().then((all) => {
      const byOffset = new Map<number, zipjs.FileEntry>();
      for (const e of all) if (!e.directory) byOffset.set(e.offset, e);
      return byOffset;
    }));

  async function* entryBytes(entry: yauzl.Entry): AsyncIterable<Uint8Array> {
    if (entry.compressionMethod !== DEFLATE64) {
      yield* (await new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))))) as AsyncIterable<Uint8Array>;
      return;
    }
    const found = (await deflate64Entries()).get(entry.relativeOffsetOfLocalHeader);
    if (found === undefined) throw new DocketWatchError('ZIP_ENTRY_NOT_FOUND', 'zip entry not found by the Deflate64 reader');
    const pipe = new TransformStream<Uint8Array, Uint8Array>();
    const written = found.getData(pipe.writable);
    let complete = false;
    try {
      for await (const c of pipe.readable as unknown as AsyncIterable<Uint8Array>) yield c;
      complete = true;
      await written;
    } finally {
      // A reader that stops early (a header read) cancels the stream; the decoder's abort is expected then.
      if (!complete) written.catch(() => undefined);
    }
  }

  let countFile: Buffer | null = null;
  if (countEntry !== undefined) {
    const parts: Uint8Array[] = [];
    for await (const c of entryBytes(countEntry)) parts.push(c);
    countFile = Buffer.concat(parts);
  }

  return {
    listing: { tables, countFile, refused, ignored },
    async *openEntry(name: string, fromByte: number): AsyncIterable<Uint8Array> {
      const entry = entries.get(name);
      if (entry === undefined) throw new DocketWatchError('ZIP_ENTRY_NOT_FOUND', 'zip entry not found');
      let skipped = 0;
      for await (const chunk of entryBytes(entry)) {
        const c = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
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

/** Why an entry's compression cannot be read, or null: Stored, Deflate and Deflate64 can. */
function unsupportedMethodReason(entry: yauzl.Entry): string | null {
  if (YAUZL_METHODS.has(entry.compressionMethod) || entry.compressionMethod === DEFLATE64) return null;
  return `compression method ${entry.compressionMethod} is not supported (Stored 0, Deflate 8 and Deflate64 9 are)`;
}
