import type { ProgressDisplay, ProgressSample } from './progress';
import type { LocalPipeline } from './pipeline';
import { rowsByTable, type RowMeter } from './row-meter';

/**
 * The local pipeline's progress so far: rows per table (the drop reports' counts, the
 * meter's estimate for a drop still running) and FTAs from the drops ingested,
 * ORR notices sent (SES accepted) and still queued, and every queue's depth (dead-letter
 * queues only when not empty).
 */
export async function samplePipeline(pipeline: LocalPipeline, meter?: RowMeter): Promise<ProgressSample> {
  let ftasFound = 0;
  for (const r of pipeline.ingestReports) ftasFound += r.ftas.new;
  const depths = await pipeline.queueDepths();
  const noticeQueue = pipeline.resources.queues.orrNotices.definition.localName;
  const queueDepths = Object.fromEntries(Object.entries(depths).filter(([name, n]) => !name.endsWith('-dlq') || n > 0));
  return {
    rowsByTable: rowsByTable(meter, pipeline.ingestReports),
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
export function startProgressTicker(pipeline: LocalPipeline, display: ProgressDisplay, meter?: RowMeter, everyMs = 1_000): () => Promise<void> {
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  const tick = (): void => {
    current = samplePipeline(pipeline, meter)
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
