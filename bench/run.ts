import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `npm run bench`: runs every bench/*.bench.ts file, in name order. Each bench
 * file runs itself on import and prints its own figures; a failed budget sets exitCode 1.
 * `npm run bench -- nta` runs only the files whose name contains "nta".
 */
const filter = process.argv[2];
const files = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.bench.ts') && (filter === undefined || f.includes(filter)))
  .sort();
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  await import(pathToFileURL(join(import.meta.dirname, file)).href);
}
