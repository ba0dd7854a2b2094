/**
 * How long FTAs wait between their drop landing and ORR's email: the 24-hour target, and
 * the log-scale latency histogram the notice aggregates keep (AGG#NOTICE, attributes
 * `lg<i>`) and the metrics job and the report read.
 */

/** ORR is emailed within this many hours of the drop that shows the FTA landing. */
export const NOTICE_TARGET_HOURS = 24;

/**
 * Drop-landing-to-email latencies are kept as a log-scale histogram: bucket 0 holds
 * latencies up to 1 s, bucket i (1..LAST-1) those in (GROWTH^(i-1), GROWTH^i] seconds, the
 * last bucket everything longer (about 50 days). Each bucket is 10% wider than the one
 * before, so the median read from the histogram is within 10% of the middle email whatever
 * the latencies are (seconds locally, hours after a late drop), while the aggregate stays
 * one counter per bucket that was hit (sparse attributes `lg<i>`).
 */
export const NOTICE_LATENCY_GROWTH = 1.1;
export const NOTICE_LATENCY_BUCKETS = 161;
/** Upper bound (seconds) of latency bucket `i`; Infinity for the last one. */
export function latencyBucketUpperSeconds(i: number): number {
  return i >= NOTICE_LATENCY_BUCKETS - 1 ? Infinity : NOTICE_LATENCY_GROWTH ** i;
}
/** Lower bound (seconds, exclusive) of latency bucket `i`. */
export function latencyBucketLowerSeconds(i: number): number {
  return i === 0 ? 0 : NOTICE_LATENCY_GROWTH ** (i - 1);
}
/** The coarse groups the report's chart shows (upper bounds in minutes). */
export const NOTICE_LATENCY_DISPLAY_MINUTES = [15, 60, 240, 720, 1440, 2880, 4320, 10080, Infinity] as const;
export const NOTICE_LATENCY_LABELS = ['≤15 min', '≤1 h', '≤4 h', '≤12 h', '≤24 h', '≤2 d', '≤3 d', '≤7 d', '>7 d'] as const;

/** The latency bucket (0..NOTICE_LATENCY_BUCKETS-1) of one email. */
export function noticeLatencyBucket(latencyMs: number): number {
  const seconds = Math.max(0, latencyMs) / 1000;
  if (seconds <= 1) return 0;
  let i = Math.ceil(Math.log(seconds) / Math.log(NOTICE_LATENCY_GROWTH));
  // Floating point: make sure GROWTH^(i-1) < seconds <= GROWTH^i.
  while (i > 1 && latencyBucketUpperSeconds(i - 1) >= seconds) i -= 1;
  while (latencyBucketUpperSeconds(i) < seconds) i += 1;
  return Math.min(i, NOTICE_LATENCY_BUCKETS - 1);
}

/** An empty latency histogram. */
export const emptyLatency = (): number[] => new Array<number>(NOTICE_LATENCY_BUCKETS).fill(0);

/**
 * Median (seconds) of a latency histogram: the bucket holding the middle observation,
 * linearly interpolated inside it (so within 10% of the middle observations). Null with no
 * observations; the open last bucket answers its lower bound.
 */
export function histogramMedianSeconds(counts: readonly number[]): number | null {
  return histogramQuantileSeconds(counts, 0.5);
}

/**
 * The `q` quantile (0 < q <= 1, seconds) of a latency histogram, read like the median: the
 * bucket holding the observation at rank q x total, interpolated inside it (within 10% of
 * that observation). Null with no observations.
 */
export function histogramQuantileSeconds(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = total * q;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] ?? 0;
    const lower = latencyBucketLowerSeconds(i);
    const upper = latencyBucketUpperSeconds(i);
    if (n > 0 && seen + n >= rank) {
      if (!Number.isFinite(upper)) return Math.round(lower);
      return Math.round(lower + ((rank - seen) / n) * (upper - lower));
    }
    seen += n;
  }
  return null;
}

/** The fine histogram folded into the report's groups (NOTICE_LATENCY_DISPLAY_MINUTES), by each bucket's upper bound. */
export function latencyDisplayGroups(counts: readonly number[]): number[] {
  const groups = NOTICE_LATENCY_DISPLAY_MINUTES.map(() => 0);
  counts.forEach((n, i) => {
    if (n === 0) return;
    const minutes = latencyBucketUpperSeconds(i) / 60;
    const g = NOTICE_LATENCY_DISPLAY_MINUTES.findIndex((upper) => minutes <= upper);
    groups[g] = (groups[g] ?? 0) + n;
  });
  return groups;
}

export function mergedLatency(rows: readonly { readonly latency: readonly number[] }[]): number[] {
  const merged = emptyLatency();
  for (const r of rows) r.latency.forEach((n, i) => (merged[i] = (merged[i] ?? 0) + n));
  return merged;
}

