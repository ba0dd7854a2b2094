import type { EoirTableName } from '../domain/eoir-table';
import type { FileRejectionReason } from '../domain/rejections';

/** A DOJ drop: a folder (S3 prefix) of EOIR tables, or one `.zip` object holding them. */
export interface DropRef {
  /** Stable id of the drop: its folder name (`drops/<dropId>/...`) or zip name (`drops/<dropId>.zip`). */
  readonly dropId: string;
  /** The folder prefix, or the zip object's key. */
  readonly location: string;
  readonly kind?: 'folder' | 'zip';
}

export interface TableFile {
  /** Object key (folder drop) or entry name (zip drop). */
  readonly key: string;
  /** Size in bytes (uncompressed). */
  readonly size: number;
  /** Whether byte ranges can be read directly (an S3 object yes; a deflated zip entry no). */
  readonly rangeReadable: boolean;
}

export interface DropListing {
  /**
   * The files of each table, matched by base name case-insensitively (`a_tblcase.TXT` is
   * A_TblCase), in key order. A table may have more than one (`tbl_schedule.csv` and
   * `tbl_schedule.txt`): every one is read.
   */
  readonly tables: ReadonlyMap<EoirTableName, readonly TableFile[]>;
  /** The bytes of Count.txt, when the drop has one. */
  readonly countFile: Buffer | null;
  /** Table files refused before reading (zip entries outside the drop, bomb-like ratios). */
  readonly refused: ReadonlyMap<EoirTableName, string>;
  /**
   * Files of the drop that are neither a table the ingest reads nor a completion marker
   * (Count.txt, READY), each with its reason: reported, never read, never silently skipped.
   */
  readonly ignored?: readonly { readonly file: string; readonly reason: FileRejectionReason }[];
  /** The zip drop's key, when this folder holds the tables the ingest unpacked from it. */
  readonly unpackedFrom?: string;
  /**
   * The operator's as-of for the drop, as given (`YYYY-MM-DD`): the `as-of` user metadata
   * of its completion marker or zip (`x-amz-meta-as-of`), when set.
   */
  readonly operatorAsOf?: string;
}

/** Reads the tables of a drop. Reads only; calling it twice gives the same bytes. */
export interface DocketSource {
  listDrop(drop: DropRef): Promise<DropListing>;
  /**
   * The raw bytes of one table file, streamed, from byte `fromByte` (default 0) to the end.
   * A consumer may stop early; the stream is then closed.
   */
  openTable(drop: DropRef, key: string, fromByte?: number): AsyncIterable<Uint8Array>;
}
