/**
 * What an operator watching a long local run needs to see: rows read per EOIR table with
 * their rate, FTAs found, ORR emails sent out of those due with rate and ETA, and the
 * queues' depths. On a terminal, one status line redrawn in place (log lines print above
 * it); elsewhere (CI, a file) a plain line now and then, and a last one at the end.
 * The clock is injected: rates and ETAs are computed over a sliding window of samples.
 */

/** One observation of the local stack, cumulative since it started. */
export interface ProgressSample {
  /** Rows read so far per EOIR table (A_TblCase, tbl_schedule, ...). */
  readonly rowsByTable: Readonly<Record<string, number>>;
  /** New FTAs recorded so far. */
  readonly ftasFound: number;
  /** ORR notice emails SES accepted so far. */
  readonly emailsSent: number;
  /** Notices still to send: the ORR notice queue's messages, in flight included. */
  readonly emailsPending: number;
  /** Messages in each queue (visible and in flight), by queue name. */
  readonly queueDepths: Readonly<Record<string, number>>;
}

interface Timed {
  readonly at: number;
  readonly sample: ProgressSample;
}

/** Rates over the last `windowMs` of samples (units per second), and the status line. */
export class ProgressTracker {
  private readonly samples: Timed[] = [];

  constructor(
    private readonly now: () => number,
    private readonly windowMs = 10_000,
  ) {}

  record(sample: ProgressSample): void {
    const at = this.now();
    this.samples.push({ at, sample });
    // Keep one sample older than the window, so a rate always spans the whole window.
    while (this.samples.length > 2 && (this.samples[1]?.at ?? at) <= at - this.windowMs) this.samples.shift();
  }

  /** Units per second of `pick` between the oldest kept sample and the last one; 0 without two samples. */
  private rate(pick: (s: ProgressSample) => number): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (first === undefined || last === undefined || last.at <= first.at) return 0;
    return Math.max(0, (pick(last.sample) - pick(first.sample)) / ((last.at - first.at) / 1000));
  }

  /** The status line for the last sample, e.g. `rows A_TblCase 20,000 (1,200/s) | FTAs 130 | emails 40/130 (3.1/s, ETA 0:29) | queues orr-notices 90`. */
  line(): string {
    const last = this.samples[this.samples.length - 1]?.sample;
    if (last === undefined) return 'waiting for work';
    const parts: string[] = [];
    const tables = Object.entries(last.rowsByTable).filter(([, n]) => n > 0);
    if (tables.length > 0) {
      parts.push(
        `rows ${tables
          .map(([table, n]) => {
            const r = this.rate((s) => s.rowsByTable[table] ?? 0);
            return `${table} ${count(n)}${r > 0 ? ` (${count(Math.round(r))}/s)` : ''}`;
          })
          .join(', ')}`,
      );
    }
    parts.push(`FTAs ${count(last.ftasFound)}`);
    const due = last.emailsSent + last.emailsPending;
    const sendRate = this.rate((s) => s.emailsSent);
    const pace =
      last.emailsPending === 0 ? '' : sendRate > 0 ? ` (${sendRate.toFixed(1)}/s, ETA ${duration(last.emailsPending / sendRate)})` : ' (ETA unknown: none sent lately)';
    parts.push(`emails ${count(last.emailsSent)}/${count(due)}${pace}`);
    const queues = Object.entries(last.queueDepths);
    if (queues.length > 0) parts.push(`queues ${queues.map(([q, n]) => `${q} ${count(n)}`).join(', ')}`);
    return parts.join(' | ');
  }
}

/** Where the display writes: a terminal (isTTY, columns) or anything else. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressDisplay {
  /** Records a sample and shows it (redrawn on a terminal; at most every `plainEveryMs` otherwise). */
  update(sample: ProgressSample): void;
  /** Prints a log line (above the status line on a terminal). */
  log(line: string): void;
  /** Ends the display: the last status as a plain line. */
  finish(): void;
}

const CLEAR_LINE = '\r\x1b[2K';

/**
 * The status line on `stream`. A terminal gets it redrawn in place (cut to the width);
 * anything else gets a plain timestamped line when the status changed and `plainEveryMs`
 * passed since the last one (0: only the final line from `finish`).
 */
export function createProgressDisplay(options: { stream: ProgressStream; now: () => number; plainEveryMs?: number; windowMs?: number }): ProgressDisplay {
  const { stream, now } = options;
  const tty = stream.isTTY === true;
  const plainEveryMs = options.plainEveryMs ?? 30_000;
  const tracker = new ProgressTracker(now, options.windowMs);
  let status = '';
  let printed = '';
  let printedAt = Number.NEGATIVE_INFINITY;
  const stamp = (): string => new Date(now()).toISOString().slice(11, 19);
  const fit = (line: string): string => {
    const width = stream.columns ?? 0;
    return width > 1 && line.length >= width ? `${line.slice(0, width - 2)}…` : line;
  };
  return {
    update(sample) {
      tracker.record(sample);
      status = tracker.line();
      if (tty) {
        stream.write(`${CLEAR_LINE}${fit(status)}`);
        return;
      }
      if (plainEveryMs > 0 && status !== printed && now() - printedAt >= plainEveryMs) {
        stream.write(`${stamp()}  ${status}\n`);
        printed = status;
        printedAt = now();
      }
    },
    log(line) {
      if (tty) stream.write(`${CLEAR_LINE}${stamp()}  ${line}\n${fit(status)}`);
      else stream.write(`${stamp()}  ${line}\n`);
    },
    finish() {
      if (tty) stream.write(CLEAR_LINE);
      if (status !== '' && (tty || status !== printed)) stream.write(`${stamp()}  ${status}\n`);
      printed = status;
    },
  };
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Seconds as m:ss, or h:mm:ss from an hour on. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
