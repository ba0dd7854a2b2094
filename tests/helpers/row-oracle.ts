/**
 * The byte offset of every row of a table file, found without the parser: a row is each
 * line after the header (lines end at LF; one CR before it belongs to the line end) that
 * is not empty. Whatever the parser does, it must read exactly these rows.
 */
export function rowOffsets(bytes: Buffer): number[] {
  const offsets: number[] = [];
  let start = bytes.indexOf(0x0a) + 1; // after the header line
  if (start === 0) return offsets;
  while (start < bytes.length) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl === -1 ? bytes.length : nl;
    const length = end - start - (end > start && bytes[end - 1] === 0x0d ? 1 : 0);
    if (length > 0) offsets.push(start);
    if (nl === -1) break;
    start = nl + 1;
  }
  return offsets;
}
