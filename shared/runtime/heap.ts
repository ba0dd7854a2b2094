import { getHeapStatistics } from 'node:v8';

/** Heap bytes allowed per case the ingest's stage cache keeps (an entry costs 60-400 B: at most ~3% of the heap). */
const HEAP_BYTES_PER_CACHED_CASE = 16 * 1024;
/** No more than this many, however big the heap (a 100k-row drop has about 27,000 cases). */
const MAX_CACHED_CASES = 200_000;

/**
 * How many cases' evidence a drop read inside one invocation keeps through a stage
 * (`IngestDeps.stageCacheCases`), from this process's V8 heap limit (bytes; the ingest runs
 * with `--max-old-space-size` INGEST_HEAP_MB): the cache saves a lookup of a case read again
 * in the stage, but its memory must stay a small part of a heap that also holds the
 * stage's batches and notes. Measured by the growth bench: under a 48 MB old space (heap
 * limit 60 MB) 5,000 cases let a 6.8M-row drop complete and 10,000 did not; the deployed
 * 768 MB (limit 816 MB) gives about 52,000.
 */
export function stageCacheCasesForHeap(heapLimitBytes: number = getHeapStatistics().heap_size_limit): number {
  return Math.max(0, Math.min(MAX_CACHED_CASES, Math.floor(heapLimitBytes / HEAP_BYTES_PER_CACHED_CASE)));
}
