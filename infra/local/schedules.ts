import { DocketWatchError } from '../../shared/domain/errors';

/**
 * EventBridge schedules played locally: each job runs every `everyMs` (first after one
 * interval, as a rate rule does), never twice at once; a failed run is logged and the next
 * one comes on time, as a failed scheduled invocation would be retried by the next rule firing.
 */
export interface LocalSchedule {
  /** The rule's name, for the log (e.g. `compute-metrics`). */
  readonly name: string;
  readonly everyMs: number;
  /** One run; returns a line for the log, or nothing. */
  readonly run: () => Promise<string | undefined>;
}

export interface RunningSchedules {
  /** Cancels every pending run and waits for a running one to end. */
  stop(): Promise<void>;
}

export function startSchedules(schedules: readonly LocalSchedule[], log: (line: string) => void): RunningSchedules {
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  const arm = (s: LocalSchedule): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (stopped) return;
      const run = s
        .run()
        .then((line) => {
          if (line !== undefined) log(`${s.name}: ${line}`);
        })
        .catch((err: unknown) => log(`${s.name}: scheduled run failed: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => {
          running.delete(run);
          if (!stopped) arm(s);
        });
      running.add(run);
    }, s.everyMs);
    timers.add(timer);
  };
  for (const s of schedules) arm(s);
  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all([...running]);
    },
  };
}

/**
 * A schedule interval from the command line: `90s`, `5m`, `1h`, `500ms`, or `off`
 * (returns null). Throws on anything else, naming the flag.
 */
export function parseEvery(flag: string, value: string): number | null {
  if (value.trim().toLowerCase() === 'off') return null;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim());
  if (m === null) throw new DocketWatchError('CLI_ARGUMENT_INVALID', `--${flag} ${value}: expected a duration such as 30s, 5m, 1h, or off`);
  const ms = Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  if (ms < 100) throw new DocketWatchError('CLI_ARGUMENT_INVALID', `--${flag} ${value}: at least 100ms`);
  return ms;
}
