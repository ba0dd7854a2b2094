import type { DropPii } from './drop-generator';

export interface PiiFinding {
  readonly kind: 'A_NUMBER' | 'NAME' | 'STREET' | 'BIRTH_DATE';
  readonly value: string;
  readonly line: string;
}

/**
 * An A-number: 9 digits (EOIR pads older 8-digit ones with a leading 0), optionally
 * `A`-prefixed and dashed (A-123-456-789). EOIR ids (IDNCASE ...) are at most 8 digits here.
 */
const A_NUMBER = /(?<![\w.:-])(?:A-?)?\d{3}-?\d{3}-?\d{3}(?![\d.:-])/g;

const normalize = (s: string): string => s.normalize('NFC').toLowerCase();

/**
 * Every place a log line (or any text) shows PII: anything shaped like an A-number, and
 * every known name, street and birth date of the drops that went through. Names are
 * matched whole, case-insensitively, also as a JSON-escaped string.
 */
export function scanForPii(lines: readonly string[], known: readonly DropPii[]): PiiFinding[] {
  const findings: PiiFinding[] = [];
  const needles: { kind: PiiFinding['kind']; value: string }[] = known.flatMap((p) => [
    ...p.aNumbers.map((value) => ({ kind: 'A_NUMBER' as const, value })),
    ...p.lastNames.map((value) => ({ kind: 'NAME' as const, value })),
    ...p.firstNames.map((value) => ({ kind: 'NAME' as const, value })),
    ...p.streets.map((value) => ({ kind: 'STREET' as const, value })),
    ...p.birthDates.map((value) => ({ kind: 'BIRTH_DATE' as const, value })),
  ]);
  const unique = [...new Map(needles.map((n) => [`${n.kind}:${normalize(n.value)}`, n])).values()];
  for (const line of lines) {
    // Parsing the JSON undoes \u escapes, so `Hern\u00e1ndez` is found too.
    let text = line;
    try {
      text = `${line}\n${JSON.stringify(JSON.parse(line), (_k, v: unknown) => v)}`;
      text += `\n${decodeJsonEscapes(line)}`;
    } catch {
      // Not JSON: scan as is.
    }
    const haystack = normalize(text);
    for (const m of text.matchAll(A_NUMBER)) findings.push({ kind: 'A_NUMBER', value: m[0], line });
    for (const n of unique) {
      if (haystack.includes(normalize(n.value))) findings.push({ kind: n.kind, value: n.value, line });
    }
  }
  return findings;
}

function decodeJsonEscapes(line: string): string {
  return line.replace(/\\u([0-9a-fA-F]{4})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
