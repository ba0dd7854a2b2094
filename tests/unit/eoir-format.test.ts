import { describe, expect, it } from 'vitest';
import { cleanField, decodeLine, detectDelimiter, parseEoirDate, splitLines } from '../../shared/domain/eoir-format';

async function* chunks(...parts: (string | Buffer)[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield typeof p === 'string' ? Buffer.from(p, 'latin1') : p;
}

async function lines(...parts: (string | Buffer)[]): Promise<string[]> {
  const out: string[] = [];
  for await (const l of splitLines(chunks(...parts))) out.push(l.bytes.toString('latin1'));
  return out;
}

describe('splitLines', () => {
  it('splits LF and CRLF lines and drops the line ends', async () => {
    expect(await lines('a\r\nb\nc\r\n')).toEqual(['a', 'b', 'c']);
  });

  it('joins a line split across chunks, even between CR and LF', async () => {
    expect(await lines('ab', 'c\r', '\nde', 'f')).toEqual(['abc', 'def']);
  });

  it('keeps a last line without a line end, and numbers lines from 1', async () => {
    const numbered: number[] = [];
    for await (const l of splitLines(chunks('h\nx\ny'))) numbered.push(l.lineNumber);
    expect(numbered).toEqual([1, 2, 3]);
  });
});

describe('decodeLine', () => {
  it('reads UTF-8 as UTF-8 and other bytes as Windows-1252', () => {
    expect(decodeLine(Buffer.from('Mayagüez', 'utf8'))).toBe('Mayagüez');
    expect(decodeLine(Buffer.from([0x4d, 0x61, 0x79, 0x61, 0x67, 0xfc, 0x65, 0x7a]))).toBe('Mayagüez');
    // 0x93/0x94 are curly quotes in Windows-1252, not C1 controls as in Latin-1.
    expect(decodeLine(Buffer.from([0x93, 0x41, 0x94]))).toBe('\u201cA\u201d');
  });
});

describe('cleanField', () => {
  it('trims padding and removes NULs and control characters', () => {
    expect(cleanField('SP ')).toBe('SP');
    expect(cleanField('S\u0000P\u001b')).toBe('SP');
    expect(cleanField(' Y\r')).toBe('Y');
  });

  it('turns NULL, N/A and empty into null but keeps NA, a real code', () => {
    expect(cleanField('')).toBeNull();
    expect(cleanField('  ')).toBeNull();
    expect(cleanField('NULL')).toBeNull();
    expect(cleanField('N/A')).toBeNull();
    expect(cleanField(undefined)).toBeNull();
    expect(cleanField('NA')).toBe('NA');
  });
});

describe('parseEoirDate', () => {
  it('reads EOIR datetimes as calendar dates', () => {
    expect(parseEoirDate('2019-12-22 00:00:00.000')).toBe('2019-12-22');
    expect(parseEoirDate('2014-09-06 19:24:46.373')).toBe('2014-09-06');
    expect(parseEoirDate('2020-02-24')).toBe('2020-02-24');
  });

  it('rejects impossible and out-of-range dates and non-dates', () => {
    expect(parseEoirDate('2019-02-30 00:00:00.000')).toBeNull();
    expect(parseEoirDate('1899-01-01 00:00:00.000')).toBeNull();
    expect(parseEoirDate('2099-01-01')).toBeNull();
    expect(parseEoirDate('0900')).toBeNull();
    expect(parseEoirDate(null)).toBeNull();
  });
});

describe('detectDelimiter', () => {
  it('detects tab and pipe headers', () => {
    expect(detectDelimiter('IDNCASE\tIDNPROCEEDING')).toBe('\t');
    expect(detectDelimiter('IDNCASE|IDNPROCEEDING|ABSENTIA')).toBe('|');
  });
});
