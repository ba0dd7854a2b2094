/**
 * The functions write Powertools JSON logs and EMF metric documents to stdout, as Lambda
 * expects. Locally, route those lines to sinks (files, a test's assertions) and let every
 * other write through. Returns a function that restores stdout.
 */
export function captureLambdaOutput(sinks: {
  onLog: (line: string) => void;
  onMetrics: (line: string) => void;
}): () => void {
  const original = process.stdout.write.bind(process.stdout);
  let restored = false;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.startsWith('{')) {
      for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
        if (line.includes('"_aws"')) sinks.onMetrics(line);
        else sinks.onLog(line);
      }
      return true;
    }
    return (original as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  return () => {
    if (restored) return;
    restored = true;
    process.stdout.write = original;
  };
}
