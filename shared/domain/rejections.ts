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
} as const;

export type RowRejectionReason = keyof typeof ROW_REJECTIONS;

export const TABLE_REJECTIONS = {
  /** The header lacks a column the ingest needs. */
  HEADER_MISSING_COLUMNS: 'HEADER_MISSING_COLUMNS',
  /** The file is empty (no header line). */
  TABLE_EMPTY: 'TABLE_EMPTY',
  /** Count.txt lists the table but the drop has no file for it. */
  TABLE_MISSING: 'TABLE_MISSING',
  /** The zip entry could not be read safely (too large, bad compression ratio, bad path). */
  ENTRY_UNSAFE: 'ENTRY_UNSAFE',
} as const;

export type TableRejectionReason = keyof typeof TABLE_REJECTIONS;
