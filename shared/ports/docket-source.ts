import type { EoirTableName } from '../domain/eoir-table';

/** A DOJ drop: a folder (S3 prefix) of EOIR tables. */
export interface DropRef {
  /** Stable id of the drop: its folder name (`drops/<dropId>/...`). */
  readonly dropId: string;
  readonly location: string;
}

/** Reads the tables of a drop. Reads only; calling it twice gives the same bytes. */
export interface DocketSource {
  /** The EOIR tables present in the drop, with the object each was found in. */
  listTables(drop: DropRef): Promise<ReadonlyMap<EoirTableName, string>>;
  /**
   * Every file in the drop (object keys), tables or not, so files the ingest does not
   * read are reported rather than silently skipped. Optional: sources without it report none.
   */
  listFiles?(drop: DropRef): Promise<readonly string[]>;
  /** The raw bytes of one table file, streamed. */
  openTable(drop: DropRef, objectKey: string): AsyncIterable<Uint8Array>;
}
