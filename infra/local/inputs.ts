import { open, readdir, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { csvRecords, sniffText } from '../../shared/formats/csv-records';
import { parseRosterHeader } from '../../shared/domain/roster';
import { parseReturnHeader } from '../../shared/domain/work-list-return';

/**
 * What `npm start` checks before it starts anything: every --drop, --roster and --return
 * path exists and holds a table. A wrong path is the most common mistake at the command
 * line; it must end the run at once with a sentence, never after the emulators started.
 */
export async function checkLocalInputs(input: {
  readonly drops: readonly string[];
  readonly roster?: string;
  readonly returns?: readonly string[];
  readonly opla?: string;
}): Promise<string[]> {
  const problems: string[] = [];
  for (const drop of input.drops) {
    const problem = await checkDrop(drop);
    if (problem) problems.push(`--drop ${drop}: ${problem}`);
  }
  if (input.roster !== undefined) {
    const problem = await checkRoster(input.roster);
    if (problem) problems.push(`--roster ${input.roster}: ${problem}`);
  }
  for (const file of input.returns ?? []) {
    const problem = await checkReturn(file);
    if (problem) problems.push(`--return ${file}: ${problem}`);
  }
  if (input.opla !== undefined) {
    const k = await kind(input.opla);
    if (k !== 'file') problems.push(`--opla ${input.opla}: ${k === 'missing' ? 'no such file' : 'not a file (OPLA\'s FTA list is one CSV file)'}`);
  }
  return problems;
}

const kind = async (path: string): Promise<'file' | 'dir' | 'missing' | 'other'> => {
  try {
    const s = await stat(path);
    return s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other';
  } catch {
    return 'missing';
  }
};

/** A table file of a drop: any .csv/.txt but the completion marker (Count.txt). */
const TABLE_FILE = /\.(csv|txt|tsv)$/i;

async function checkDrop(path: string): Promise<string | undefined> {
  const full = resolve(path);
  const k = await kind(full);
  if (k === 'missing') return 'no such file or folder';
  if (k === 'file') {
    if (!/\.zip$/i.test(full)) return 'not a folder or a .zip (a drop is a folder of EOIR tables, or a .zip of one)';
    const head = Buffer.alloc(4);
    const handle = await open(full, 'r');
    try {
      await handle.read(head, 0, 4, 0);
    } finally {
      await handle.close();
    }
    return head.readUInt32LE(0) === 0x04034b50 ? undefined : 'not a zip file (no zip signature)';
  }
  if (k !== 'dir') return 'not a folder or a .zip';
  const entries = await readdir(full, { recursive: true, withFileTypes: true });
  const tables = entries.filter((e) => e.isFile() && TABLE_FILE.test(e.name) && !/^count\.txt$/i.test(e.name));
  return tables.length > 0 ? undefined : 'the folder holds no table (.csv or .txt file)';
}

async function checkRoster(path: string): Promise<string | undefined> {
  const full = resolve(path);
  const k = await kind(full);
  if (k === 'missing') return 'no such file';
  if (k !== 'file') return 'not a file (a roster is one CSV file)';
  const sniff = await sniffText(createReadStream(full));
  if (!sniff.ok) return `not a roster: ${sniff.reason} (${sniff.detail})`;
  for await (const record of csvRecords(createReadStream(full), sniff.encoding)) {
    const header = record.ok ? parseRosterHeader(record.fields) : undefined;
    if (header === undefined) return 'not a roster: its header line cannot be read';
    return header.ok ? undefined : `not a roster: ${header.reason} (${header.detail})`;
  }
  return 'not a roster: no header line';
}

async function checkReturn(path: string): Promise<string | undefined> {
  const full = resolve(path);
  const k = await kind(full);
  if (k === 'missing') return 'no such file';
  if (k !== 'file') return 'not a file (a returned work list is one .xlsx or .csv file)';
  if (!/\.(xlsx|csv)$/i.test(full)) return 'not a .xlsx or .csv file';
  // Loaded only for a --return: the workbook reader (exceljs) costs a second of CPU.
  const { readReturnFile } = await import('../../shared/formats/work-list-return-file');
  const file = await readReturnFile(full, () => createReadStream(full));
  if (!file.ok) return `not a work list: ${file.reason} (${file.detail})`;
  for await (const record of file.records) {
    const header = record.ok ? parseReturnHeader(record.fields) : undefined;
    if (header === undefined) return 'not a work list: its header row cannot be read';
    return header.ok ? undefined : `not a work list: ${header.reason} (${header.detail})`;
  }
  return 'not a work list: no header row';
}
