/**
 * Stable reason codes for rows and tables the ingest does not accept. They appear in
 * drop reports, quarantine files and `out/summary.json`; add codes, never rename them.
 */
export const ROW_REJECTIONS = {
  /** More fields than the header (an EOIR stray tab the ingest could not repair unambiguously). */
  ROW_EXTRA_FIELDS: 'ROW_EXTRA_FIELDS',
  /** Fewer fields than the header (a truncated or broken line). */
  ROW_MISSING_FIELDS: 'ROW_MISSING_FIELDS',
  /** A primary or foreign key (IDNCASE, IDNPROCEEDING, ...) is empty. */
  KEY_MISSING: 'KEY_MISSING',
  /** A key is not a positive integer, e.g. `FC` in IDNPROCEEDING. */
  KEY_NOT_INTEGER: 'KEY_NOT_INTEGER',
  /** tbl_JuvenileHistory.idnJuvenile is empty or not one of EOIR's codes. */
  JUVENILE_CODE_INVALID: 'JUVENILE_CODE_INVALID',
  /** An in-absentia order with neither COMP_DATE nor HEARING_DATE usable. */
  FTA_DATE_MISSING: 'FTA_DATE_MISSING',
  /** A no-show adjournment (ADJ_RSN 11) whose ADJ_DATE is not a usable date. */
  NO_SHOW_DATE_MISSING: 'NO_SHOW_DATE_MISSING',
  /** UC roster: A_NUMBER missing or not 8/9 digits (docs/spec.md §1.2). */
  A_NUMBER_INVALID: 'A_NUMBER_INVALID',
  /** UC roster: a date column is not YYYY-MM-DD (BIRTH_DATE, ORR_*_DATE, NTA_SERVED_DATE). */
  DATE_INVALID: 'DATE_INVALID',
  /** UC roster: AOR is not one of the 25 ERO field office codes. */
  AOR_INVALID: 'AOR_INVALID',
  /** UC roster: RELEASE_TYPE is not SPONSOR, FOSTER, AGED_OUT or OTHER. */
  RELEASE_TYPE_INVALID: 'RELEASE_TYPE_INVALID',
  /** UC roster: EOIR_CASE_ID is given but not an IDNCASE (a positive integer). */
  CASE_ID_INVALID: 'CASE_ID_INVALID',
  /** UC roster: an unbalanced double quote. */
  ROW_MALFORMED_QUOTES: 'ROW_MALFORMED_QUOTES',
  /** UC roster: the same A-number appears earlier in the same file (first row wins). */
  A_NUMBER_DUPLICATE: 'A_NUMBER_DUPLICATE',
  /** A line longer than MAX_LINE_BYTES (shared/domain/eoir-format.ts): not read, counted. */
  ROW_TOO_LONG: 'ROW_TOO_LONG',
  /** Returned work list: a verified address without its date, or a date without any address field. */
  OUTCOME_INCOMPLETE: 'OUTCOME_INCOMPLETE',
  /** Returned work list: no roster UC has this A-number (or is linked to this EOIR case). */
  NOT_ON_ROSTER: 'NOT_ON_ROSTER',
  /** Returned work list: an address verified or an I-830 filed for a UC with no EOIR case known. */
  NO_EOIR_CASE: 'NO_EOIR_CASE',
  /** OPLA FTA list: FTA_TYPE is not IN_ABSENTIA_ORDER or NO_SHOW. */
  FTA_TYPE_INVALID: 'FTA_TYPE_INVALID',
  /** OPLA FTA list: the same case, FTA_TYPE and FTA_DATE as an earlier row of the file (first row wins). */
  OPLA_ENTRY_DUPLICATE: 'OPLA_ENTRY_DUPLICATE',
} as const;

export type RowRejectionReason = keyof typeof ROW_REJECTIONS;

export const TABLE_REJECTIONS = {
  /** Returned work list: the folder under returns/ is not one of the 25 ERO AOR codes. */
  AOR_UNKNOWN: 'AOR_UNKNOWN',
  /** Returned work list: not a .xlsx workbook that can be opened, or too large to be a work list. */
  WORKBOOK_UNREADABLE: 'WORKBOOK_UNREADABLE',
  /** The header lacks a column the ingest needs. */
  HEADER_MISSING_COLUMNS: 'HEADER_MISSING_COLUMNS',
  /** The file is empty (no header line). */
  TABLE_EMPTY: 'TABLE_EMPTY',
  /** Count.txt lists the table but the drop has no file for it. */
  TABLE_MISSING: 'TABLE_MISSING',
  /** The zip entry could not be read safely (too large, bad compression ratio, bad path). */
  ENTRY_UNSAFE: 'ENTRY_UNSAFE',
  /** The file is not text: its header line holds NUL bytes or exceeds MAX_LINE_BYTES. */
  TABLE_NOT_TEXT: 'TABLE_NOT_TEXT',
  /** Roster: the object under rosters/ is not a `.csv` file (any letter case) in a roster folder, `rosters/<rosterId>/<name>.csv`. */
  NOT_A_ROSTER_FILE: 'NOT_A_ROSTER_FILE',
} as const;

/** Files in a drop that the ingest does not read, and why. */
export const FILE_REJECTIONS = {
  /** An EOIR lookup table (code descriptions: a `Lookup/` folder, `tblLookup…`): not read. */
  EOIR_LOOKUP_TABLE: 'EOIR_LOOKUP_TABLE',
  /** One of EOIR's other main tables (custody history, bonds, appeals…; EOIR_OTHER_TABLES): not read. */
  EOIR_TABLE_NOT_READ: 'EOIR_TABLE_NOT_READ',
  /** No file EOIR's export is known to hold, nor a table the ingest reads, nor a completion marker: worth a look. */
  UNKNOWN_TABLE: 'UNKNOWN_TABLE',
  /** A zip entry that is no table but whose path points outside the drop (absolute, `..`): never read. */
  ENTRY_UNSAFE: 'ENTRY_UNSAFE',
  /**
   * A file in a folder the ingest unpacked a zip drop into that this zip did not hold
   * (left there by an earlier zip of the same drop id): not read.
   */
  NOT_IN_ZIP: 'NOT_IN_ZIP',
} as const;

/**
 * Values an accepted row holds that the ingest does not act on: the row is used for its
 * other fields, the value is counted per table in the drop report (`valueNotes`).
 */
export const VALUE_NOTES = {
  /** B_TblProceeding.ABSENTIA is neither `Y` (an order) nor `N`/empty (no order), e.g. a date from a shifted column: no FTA is recorded or rescinded on it. */
  ABSENTIA_VALUE_UNKNOWN: 'ABSENTIA_VALUE_UNKNOWN',
} as const;

export type ValueNoteReason = keyof typeof VALUE_NOTES;

export type FileRejectionReason = keyof typeof FILE_REJECTIONS;

export type TableRejectionReason = keyof typeof TABLE_REJECTIONS;
