import { emptyLatency, noticeLatencyBucket } from '../../shared/domain/notice-latency';

/** The latency histogram the notifier's aggregate holds after emails with these latencies (seconds). */
export function latencyOf(seconds: readonly number[] = []): number[] {
  const counts = emptyLatency();
  for (const s of seconds) {
    const i = noticeLatencyBucket(s * 1000);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}
