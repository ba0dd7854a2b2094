import { describe, expect, it } from 'vitest';
import { createProgressDisplay, duration, ProgressTracker, type ProgressSample } from '../../infra/local/progress';
import { dropTableOf, rowsByTable } from '../../infra/local/row-meter';

/** A clock the test moves by hand. */
function manualClock(start = Date.UTC(2026, 10, 29, 12, 0, 0)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const sample = (over: Partial<ProgressSample> = {}): ProgressSample => ({
  rowsByTable: {},
  ftasFound: 0,
  emailsSent: 0,
  emailsPending: 0,
  queueDepths: {},
  ...over,
});

function recordingStream(tty: boolean, columns?: number) {
  const writes: string[] = [];
  return { writes, stream: { isTTY: tty, columns, write: (t: string) => writes.push(t) } };
}

describe('the progress line of a long local run', () => {
  it('shows rows per table with their rate, FTAs, emails n/N with rate and ETA, and queue depths', () => {
    const clock = manualClock();
    const tracker = new ProgressTracker(clock.now, 10_000);
    tracker.record(sample({ rowsByTable: { A_TblCase: 1_000, tbl_schedule: 0 }, ftasFound: 10, emailsSent: 20, emailsPending: 100, queueDepths: { 'orr-notices': 100 } }));
    clock.advance(4_000);
    // 12,000 case rows in 4 s: 3,000/s; 12 emails in 4 s: 3/s, 88 left: 30 s (29.3 rounded up).
    tracker.record(sample({ rowsByTable: { A_TblCase: 13_000, tbl_schedule: 0 }, ftasFound: 130, emailsSent: 32, emailsPending: 88, queueDepths: { 'orr-notices': 88, 'nta-schedule': 0 } }));
    expect(tracker.line()).toBe('rows A_TblCase 13,000 (3,000/s) | FTAs 130 | emails 32/120 (3.0/s, ETA 0:30) | queues orr-notices 88, nta-schedule 0');
  });

  it('computes rates over the last window only, and says when no email went out lately', () => {
    const clock = manualClock();
    const tracker = new ProgressTracker(clock.now, 10_000);
    tracker.record(sample({ rowsByTable: { tbl_schedule: 0 }, emailsSent: 0, emailsPending: 5 }));
    clock.advance(10_000);
    tracker.record(sample({ rowsByTable: { tbl_schedule: 50_000 }, emailsSent: 0, emailsPending: 5 }));
    clock.advance(10_000);
    // The first sample fell out of the window: 50,000 -> 60,000 in the last 10 s is 1,000/s.
    tracker.record(sample({ rowsByTable: { tbl_schedule: 60_000 }, emailsSent: 0, emailsPending: 5 }));
    expect(tracker.line()).toBe('rows tbl_schedule 60,000 (1,000/s) | FTAs 0 | emails 0/5 (ETA unknown: none sent lately)');
  });

  it('formats an ETA as m:ss, and h:mm:ss from an hour on', () => {
    expect([duration(0), duration(59.2), duration(61), duration(3_600), duration(7_384)]).toEqual(['0:00', '1:00', '1:01', '1:00:00', '2:03:04']);
  });

  it('on a terminal, redraws one line in place, cut to the width, and prints log lines above it', () => {
    const clock = manualClock();
    const { writes, stream } = recordingStream(true, 40);
    const display = createProgressDisplay({ stream, now: clock.now });
    display.update(sample({ ftasFound: 3, emailsSent: 3, queueDepths: { 'orr-notices': 0, 'nta-schedule': 2 } }));
    display.log('ingest: drop d1 landed');
    display.finish();
    expect(writes).toEqual([
      '\r\x1b[2KFTAs 3 | emails 3/3 | queues orr-notic…',
      '\r\x1b[2K12:00:00  ingest: drop d1 landed\nFTAs 3 | emails 3/3 | queues orr-notic…',
      '\r\x1b[2K',
      '12:00:00  FTAs 3 | emails 3/3 | queues orr-notices 0, nta-schedule 2\n',
    ]);
  });

  it('elsewhere, prints a plain line only when the status changed and the interval passed, and the last one at the end', () => {
    const clock = manualClock();
    const { writes, stream } = recordingStream(false);
    const display = createProgressDisplay({ stream, now: clock.now, plainEveryMs: 30_000 });
    display.update(sample({ ftasFound: 1 }));
    clock.advance(1_000);
    display.update(sample({ ftasFound: 2 }));
    clock.advance(29_000);
    display.update(sample({ ftasFound: 2 }));
    clock.advance(1_000);
    display.update(sample({ ftasFound: 4 }));
    display.finish();
    expect(writes).toEqual([
      '12:00:00  FTAs 1 | emails 0/0\n',
      '12:00:30  FTAs 2 | emails 0/0\n',
      '12:00:31  FTAs 4 | emails 0/0\n',
    ]);
  });

  it('elsewhere with plain lines off, prints only the summary line at the end', () => {
    const clock = manualClock();
    const { writes, stream } = recordingStream(false);
    const display = createProgressDisplay({ stream, now: clock.now, plainEveryMs: 0 });
    display.update(sample({ ftasFound: 1 }));
    clock.advance(60_000);
    display.update(sample({ ftasFound: 9, emailsSent: 9 }));
    display.finish();
    expect(writes).toEqual(['12:01:00  FTAs 9 | emails 9/9\n']);
  });
});

describe('the rows per table the progress line shows', () => {
  it('tells a drop table object from anything else in the bucket', () => {
    expect(dropTableOf('drops/2026-11-20/A_TblCase.csv')).toEqual({ dropId: '2026-11-20', table: 'A_TblCase' });
    expect(dropTableOf('drops/r1/EOIR Case Data/tbl_schedule.txt')).toEqual({ dropId: 'r1', table: 'tbl_schedule' });
    expect(dropTableOf('unpacked/z1/B_TblProceeding.csv')).toEqual({ dropId: 'z1', table: 'B_TblProceeding' });
    expect([dropTableOf('drops/d1.zip'), dropTableOf('drops/d1/Count.txt'), dropTableOf('rosters/r/roster.csv'), dropTableOf('drops/A_TblCase.csv')]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("uses a drop's report once it is in, the meter's live count for a drop still running, summed over drops", () => {
    const meter = {
      linesByDrop: new Map([
        ['d1', new Map([['A_TblCase', 25]])],
        ['d2', new Map([['A_TblCase', 7], ['tbl_schedule', 40]])],
      ]),
      uninstall: () => undefined,
    };
    const reports = [{ dropId: 'd1', tables: { A_TblCase: { read: 22 }, tbl_schedule: { read: 44 } } }];
    expect(rowsByTable(meter, reports)).toEqual({ A_TblCase: 22 + 7, tbl_schedule: 44 + 40 });
    expect(rowsByTable(undefined, reports)).toEqual({ A_TblCase: 22, tbl_schedule: 44 });
  });
});
