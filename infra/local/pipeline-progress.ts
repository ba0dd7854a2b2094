import type { ProgressDisplay, ProgressSample } from './progress';
import type { LocalPipeline } from './pipeline';

/**
 * The local pipeline's progress so far: rows per table and FTAs from the drops ingested,
 * ORR notices sent (SES accepted) and still queued, and every queue's depth (dead-letter
 * queues only when not empty).
 */
export async function samplePipeline(pipeline: LocalPipeline): Promise<ProgressSample> {
  const rowsByTable: Record<string, number> = {};
  let ftasFound = 0;
  for (const r of pipeline.ingestReports) {
    for (const [table, c] of Object.entries(r.tables)) rowsByTable[table] = (rowsByTable[table] ?? 0) + c.read;
    ftasFound += r.ftas.new;
  }
  const depths = await pipeline.queueDepths();
  const noticeQueue = pipeline.resources.queues.orrNotices.definition.localName;
  const queueDepths = Object.fromEntries(Object.entries(depths).filter(([name, n]) => !name.endsWith('-dlq') || n > 0));
  return {
    rowsByTable,
    ftasFound,
    emailsSent: pipeline.sentEmails.filter((e) => e.fn === 'notifyOrr').length,
    emailsPending: depths[noticeQueue] ?? 0,
    queueDepths,
  };
}

/**
 * Samples the pipeline every `everyMs` into `display` until the returned stop is called
 * (which waits for a sample in progress). A failed sample (an emulator going down) is skipped.
 */
export function startProgressTicker(pipeline: LocalPipeline, display: ProgressDisplay, everyMs = 1_000): () => Promise<void> {
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  const tick = (): void => {
    current = samplePipeline(pipeline)
      .then((s) => {
        if (!stopped) display.update(s);
      })
      .catch(() => undefined);
  };
  const timer = setInterval(tick, everyMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await current;
  };
}
