import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The functions write Powertools JSON logs and EMF metric documents as Lambda expects:
 * INFO and DEBUG lines and EMF to stdout, WARN and ERROR lines to stderr (Powertools
 * writes each level through its console method; Lambda collects both streams). Locally,
 * route those JSON lines from both streams to sinks (files, a test's assertions) and let
 * every other write through. Returns a function that restores both streams.
 */
export function captureLambdaOutput(sinks: {
  onLog: (line: string) => void;
  onMetrics: (line: string) => void;
}): () => void {
  const restores = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (text.startsWith('{')) {
        for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
          if (line.includes('"_aws"')) sinks.onMetrics(line);
          else sinks.onLog(line);
        }
        return true;
      }
      return (original as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    return () => {
      stream.write = original;
    };
  });
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    for (const restore of restores) restore();
  };
}

/**
 * `npm start` and `npm run serve`: the functions' JSON logs to `<outDir>/logs/functions.jsonl`
 * and their EMF documents to `<outDir>/logs/metrics-emf.jsonl` (both emptied first), so the
 * terminal shows progress only. Returns the restore function of captureLambdaOutput.
 */
export async function captureLambdaOutputToFiles(outDir: string): Promise<() => void> {
  const logFile = join(outDir, 'logs', 'functions.jsonl');
  const metricsFile = join(outDir, 'logs', 'metrics-emf.jsonl');
  await mkdir(join(outDir, 'logs'), { recursive: true });
  await writeFile(logFile, '');
  await writeFile(metricsFile, '');
  return captureLambdaOutput({
    onLog: (line) => void appendFile(logFile, `${line}\n`),
    onMetrics: (line) => void appendFile(metricsFile, `${line}\n`),
  });
}
