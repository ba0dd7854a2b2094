import yauzl from 'yauzl';

/**
 * Reads an .xlsx the way a spreadsheet program does, without exceljs (the library that
 * wrote it): unzip (yauzl) and read the sheet XML. A cell's type (`t="s"`: a string from
 * the shared strings; no t: a number), its number format and any formula are what Excel
 * shows, so they are what the work-list tests check.
 */
export interface XlsxCell {
  readonly ref: string;
  /** Cell type attribute: 's' shared string, 'str' formula string, 'inlineStr', 'n'/undefined number. */
  readonly type: string | undefined;
  /** The value as the file holds it: the string itself for strings, the raw number text otherwise. */
  readonly value: string;
  readonly formula: string | undefined;
  /** The numFmt code of the cell's style ('@' text, 'yyyy-mm-dd', 'General'...). */
  readonly numFmt: string;
}

export interface XlsxSheet {
  readonly cells: ReadonlyMap<string, XlsxCell>;
  readonly frozenRows: number;
  readonly autoFilter: string | undefined;
  readonly sheetXml: string;
}

async function entries(bytes: Uint8Array): Promise<Map<string, string>> {
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) =>
    yauzl.fromBuffer(Buffer.from(bytes), { lazyEntries: true }, (e, z) => (e ? fail(e) : ok(z))),
  );
  const out = new Map<string, string>();
  await new Promise<void>((done, fail) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (e, stream) => {
        if (e) return fail(e);
        const parts: Buffer[] = [];
        stream.on('data', (d: Buffer) => parts.push(d));
        stream.on('end', () => {
          out.set(entry.fileName, Buffer.concat(parts).toString('utf8'));
          zip.readEntry();
        });
      });
    });
    zip.on('end', () => done());
    zip.on('error', fail);
    zip.readEntry();
  });
  return out;
}

const unescape = (s: string): string =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const attr = (tag: string, name: string): string | undefined => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];

/** Built-in number formats Excel knows by id (ECMA-376 18.8.30), those a work list may use. */
const BUILT_IN: Record<string, string> = { '0': 'General', '1': '0', '14': 'mm-dd-yy', '49': '@' };

export async function readXlsxSheet(bytes: Uint8Array, sheet = 'xl/worksheets/sheet1.xml'): Promise<XlsxSheet> {
  const files = await entries(bytes);
  const sheetXml = files.get(sheet) ?? '';
  const shared = [...(files.get('xl/sharedStrings.xml') ?? '').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) =>
    unescape([...(m[1] ?? '').matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1] ?? '').join('')),
  );
  const styles = files.get('xl/styles.xml') ?? '';
  const formats = new Map([...styles.matchAll(/<numFmt [^>]*\/>/g)].map((m) => [attr(m[0], 'numFmtId') ?? '', unescape(attr(m[0], 'formatCode') ?? '')]));
  const xfs = [...(/<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/.exec(styles)?.[1] ?? '').matchAll(/<xf [^>]*?(?:\/>|>)/g)].map((m) => attr(m[0], 'numFmtId') ?? '0');
  const cells = new Map<string, XlsxCell>();
  for (const m of sheetXml.matchAll(/<c ([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
    const tag = m[1] ?? '';
    const inner = m[2] ?? '';
    const ref = attr(tag, 'r') ?? '';
    const type = attr(tag, 't');
    const raw = /<v>([\s\S]*?)<\/v>/.exec(inner)?.[1];
    const inline = /<is>[\s\S]*?<t[^>]*>([\s\S]*?)<\/t>/.exec(inner)?.[1];
    const formula = /<f[^>]*>([\s\S]*?)<\/f>/.exec(inner)?.[1];
    const value = type === 's' ? (shared[Number(raw)] ?? '') : type === 'inlineStr' ? unescape(inline ?? '') : unescape(raw ?? '');
    const fmtId = xfs[Number(attr(tag, 's') ?? '0')] ?? '0';
    cells.set(ref, { ref, type, value, formula: formula === undefined ? undefined : unescape(formula), numFmt: formats.get(fmtId) ?? BUILT_IN[fmtId] ?? `#${fmtId}` });
  }
  const pane = /<pane [^>]*\/>/.exec(sheetXml)?.[0];
  return {
    cells,
    frozenRows: pane && attr(pane, 'state') === 'frozen' ? Number(attr(pane, 'ySplit') ?? 0) : 0,
    autoFilter: /<autoFilter ref="([^"]+)"/.exec(sheetXml)?.[1],
    sheetXml,
  };
}

/** The column letters of a 1-based column number (1 -> A, 27 -> AA). */
export function columnLetter(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

/** Excel's date serial (1900 system) as YYYY-MM-DD. */
export const excelSerialToIso = (serial: string): string => new Date(Math.round((Number(serial) - 25569) * 86_400_000)).toISOString().slice(0, 10);
