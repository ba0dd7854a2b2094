import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulators } from '../../infra/local/emulators';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import { createDynamoUpcomingHearings } from '../../shared/adapters/cases-table/dynamo-upcoming-hearings';
import { HEARINGS_BY_DAY_INDEX } from '../../shared/runtime/resources';
import { createAwsClients } from '../../shared/runtime/aws-clients';
import { connectEmulators, pipelineTestOptions, SAMPLE_DROP, SAMPLE_ROSTER, tempDir, uniqueSuffix } from '../helpers/local-stack';

/*
 * The hearing reminders on the local stack, the run's clock set to 2027-01-04 (--today):
 * the sample drop holds hearings of UC cases 3 days (9431127, Houston), 6 days (9431162,
 * San Antonio) and 14 days (9431134, New York, by video) ahead; one moved hearing (9431141:
 * its 2027-01-06 row adjourned, the new date 2027-02-22); one hearing of a case that is no
 * UC case (9431204). Later drops move and cancel hearings, repeat the drop, and a roster
 * makes 9431204 a UC case after its hearing was read.
 */
const TODAY = '2027-01-04';
const SCHEDULE_HEADER = readFileSync(join(SAMPLE_DROP, 'tbl_schedule.csv'), 'latin1').split('\r\n')[0] ?? '';
const SAMPLE_ROW = readFileSync(join(SAMPLE_DROP, 'tbl_schedule.csv'), 'latin1').split('\r\n').find((l) => l.startsWith('48120101\t')) ?? '';

/** A tbl_schedule line like the sample's, with these ids, date, reason and medium. */
function scheduleLine(ids: { schedule: string; proceeding: string; caseId: string; court: string }, date: string, rsn: string, medium: string): string {
  const f = SAMPLE_ROW.split('\t');
  [f[0], f[1], f[2], f[8], f[9], f[18], f[21], f[22]] = [ids.schedule, ids.proceeding, ids.caseId, ids.court, ids.court, `${date} 00:00:00.000`, rsn, medium];
  return f.join('\t');
}

function scheduleDrop(name: string, lines: readonly string[]): string {
  const dir = join(tempDir('reminder-drop'), name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tbl_schedule.csv'), [SCHEDULE_HEADER, ...lines, ''].join('\r\n'), 'latin1');
  return dir;
}

const parse = (run: LocalRunResult, from: number): Promise<ParsedMail[]> => Promise.all(run.pipeline.sentEmails.slice(from).map((e) => simpleParser(e.raw)));
const reference = (m: ParsedMail): string => String(m.headers.get('x-docket-watch-reference'));
const sanAntonio = (mails: readonly ParsedMail[]): string => mails.find((m) => reference(m) === 'REMINDER.2027-01-10.14D')?.text ?? '';

describe('hearing reminders through the emulators', () => {
  let emulators: Emulators;
  const suffix = uniqueSuffix();
  const fojc = `fojc-hou${suffix}@example.gov`;
  let run: LocalRunResult;
  let first: ParsedMail[];

  beforeAll(async () => {
    emulators = await connectEmulators();
    run = await runLocalPipeline(emulators, pipelineTestOptions(suffix, { drops: [SAMPLE_DROP], roster: SAMPLE_ROSTER, today: TODAY, juvenileCoordinators: { HOU: fojc }, scheduledRuns: false }));
    first = (await parse(run, 0)).filter((m) => /^(REMINDER|HEARINGS)\./.test(reference(m)));
  });

  afterAll(async () => {
    await run?.pipeline.stop();
    await emulators?.stop();
  });

  it('reminds ORR of each UC hearing at the horizon due today, once, and of no other', () => {
    const reminders = first.filter((m) => reference(m).startsWith('REMINDER.')).map(reference).sort();
    expect(reminders).toEqual(['REMINDER.2027-01-07.3D', 'REMINDER.2027-01-10.14D', 'REMINDER.2027-01-18.14D']);
    expect(run.summary.hearingReminders).toMatchObject({ today: TODAY, remindersSent: 3, updatesSent: 0, hearingsUpcoming14Days: 3 });
  });

  it('says what ORR needs: child, sponsor, date, time, court address, calendar, medium and the risks, unknowns named', () => {
    const houston = first.find((m) => reference(m) === 'REMINDER.2027-01-07.3D');
    expect(houston?.subject).toBe('[Docket Watch] Hearing 2027-01-07 in 3 day(s) - EOIR case 9431127 - HOU - ref REMINDER.2027-01-07.3D');
    expect(houston?.cc).toMatchObject({ text: fojc });
    const text = houston?.text ?? '';
    expect(text).toMatch(/Name: +Child1 Sample/);
    expect(text).toContain('Sponsor1 Sample (PARENT)');
    expect(text).toMatch(/Time: +09:00/);
    // The release's Lookup/tblLookupBaseCity gives the street address.
    expect(text).toMatch(/Court address: +100 SAMPLE COURT ST, SUITE 200, HOUSTON, TX 77002/);
    expect(text).toMatch(/Calendar: +master calendar/);
    expect(text).toMatch(/Medium: +not in the data/);
    // Case 9431127 has an in-absentia order in the sample drop.
    expect(text).toMatch(/Prior failure to appear: yes: 1 open FTA\(s\) \(IA-9329341\)/);
    expect(text).toMatch(/Address of record differs from the sponsor's: no/);
    // A_TblCase's LATEST_HEARING shows this hearing, with no E_28_DATE and no ATTY_NBR.
    expect(text).toMatch(/No attorney of record: yes/);
    expect(sanAntonio(first)).toMatch(/No attorney of record: unknown/);

    const newYork = first.find((m) => reference(m) === 'REMINDER.2027-01-18.14D')?.text ?? '';
    expect(newYork).toMatch(/Medium: +video/);
    expect(newYork).toMatch(/Calendar: +individual/);
    expect(newYork).toMatch(/Address of record differs from the sponsor's: yes/);
    // San Antonio is not in the drop's court lookup: the bundled table's city stands in.
    expect(sanAntonio(first)).toMatch(/Court address: +SAN ANTONIO, TX \(street address not in the data/);
  });

  it('sends each AOR the week ahead, its FOJC copied', () => {
    const digests = first.filter((m) => reference(m).startsWith('HEARINGS.'));
    expect(digests.map(reference).sort()).toEqual([`HEARINGS.${TODAY}.HOU`, `HEARINGS.${TODAY}.SNA`]);
    const hou = digests.find((m) => reference(m).endsWith('.HOU'));
    expect(hou?.cc).toMatchObject({ text: fojc });
    expect(hou?.text).toContain('EOIR case 9431127: Child1 Sample');
    expect(hou?.text).not.toContain('9431162');
  });

  it('reads the court lookup row by row: the row without a street is rejected with its reason', () => {
    expect(run.summary.drops[0]?.courtLookup).toMatchObject({ read: 4, accepted: 3, rejected: 1, rejectedByReason: { NO_ADDRESS: 1 } });
  });

  it('sends nothing twice: the same day again, and the same drop again under another id', async () => {
    const before = run.pipeline.sentEmails.length;
    expect(await run.pipeline.runScheduledReminders(TODAY)).toMatchObject({ remindersSent: 0, digestsSent: 0 });
    await run.pipeline.uploadDrop(SAMPLE_DROP, `sample-drop-copy${suffix}`, { 'as-of': TODAY });
    await run.pipeline.drain();
    expect(await run.pipeline.runScheduledReminders(TODAY)).toMatchObject({ remindersSent: 0, updatesSent: 0, hearingsUpcoming14Days: 3 });
    expect(run.pipeline.sentEmails.length).toBe(before);
  });

  it('never reminds of a moved, cancelled or held hearing; follows a sent reminder up once, threaded', async () => {
    const ny = { schedule: '48120102', proceeding: '9329352', caseId: '9431134', court: 'NYC' };
    const hou = { schedule: '48120101', proceeding: '9329341', caseId: '9431127', court: 'HOU' };
    const sna = { schedule: '48120105', proceeding: '9329396', caseId: '9431162', court: 'SNA' };
    const moved = scheduleDrop(`moves${suffix}`, [
      scheduleLine(hou, '2027-01-07', '01', ''),
      scheduleLine({ ...hou, schedule: '48120201' }, '2027-02-15', '', ''),
      scheduleLine(ny, '2027-01-18', '9C', ''),
      scheduleLine(sna, '2027-01-10', '', 'P'),
    ]);
    await run.pipeline.uploadDrop(moved, `moves${suffix}`, { 'as-of': '2027-01-05' });
    await run.pipeline.drain();
    const store = createDynamoUpcomingHearings({ client: createAwsClients().dynamo, tableName: run.pipeline.resources.casesTable, byDayIndex: HEARINGS_BY_DAY_INDEX });
    const stored = await store.ofCases(['9431127', '9431134', '9431141']);
    expect(stored.get('9431127')).toMatchObject({ date: '2027-02-15', status: 'UPCOMING', scheduleId: '48120201' });
    expect(stored.get('9431134')).toMatchObject({ date: '2027-01-18', status: 'CANCELLED' });
    expect(stored.get('9431141')).toMatchObject({ date: '2027-02-22', status: 'UPCOMING' });

    const before = run.pipeline.sentEmails.length;
    const day = await run.pipeline.runScheduledReminders('2027-01-05');
    const sent = await parse(run, before);
    const updates = sent.filter((m) => reference(m).startsWith('REMINDER_UPDATE.'));
    expect(updates.map(reference).sort()).toEqual(['REMINDER_UPDATE.2027-01-07.MOVED-2027-02-15', 'REMINDER_UPDATE.2027-01-18.CANCELLED']);
    const originals = first.filter((m) => reference(m).startsWith('REMINDER.'));
    for (const u of updates) {
      const original = originals.find((o) => o.subject?.includes(`EOIR case ${/EOIR case (\d+)/.exec(u.subject ?? '')?.[1]}`));
      expect(u.inReplyTo).toBe(original?.messageId);
      expect(u.references).toContain(original?.messageId);
    }
    expect(updates.find((u) => reference(u).includes('MOVED'))?.text).toContain('moved to 2027-02-15');
    // The held-ahead San Antonio hearing (medium P set on its date, no reason) stays upcoming; no
    // reminder is due for any hearing on this day: every one was sent its horizon's already.
    expect(sent.filter((m) => reference(m).startsWith('REMINDER.'))).toEqual([]);
    expect(day).toMatchObject({ remindersSent: 0, updatesSent: 2 });
    expect(await run.pipeline.runScheduledReminders('2027-01-05')).toMatchObject({ updatesSent: 0 });
  });

  it('reminds of the hearing of a case that became a UC case after the drop that showed it', async () => {
    const dir = tempDir('late-roster');
    const header = readFileSync(SAMPLE_ROSTER, 'utf8').split(/\r?\n/)[0];
    const file = join(dir, 'late.csv');
    writeFileSync(file, `${header}\r\n201000099,Late,Sample,2010-05-01,HN,2022-03-01,2022-04-15,SPONSOR,Sponsor9 Sample,AUNT,900 Example St,Queens,NY,11101,NYC,2022-05-01,9431204\r\n`);
    await run.pipeline.uploadRoster(file, `late${suffix}`);
    await run.pipeline.drain();
    const before = run.pipeline.sentEmails.length;
    await run.pipeline.runScheduledReminders('2027-01-05');
    const late = (await parse(run, before)).filter((m) => reference(m).startsWith('REMINDER.'));
    expect(late.map(reference)).toEqual(['REMINDER.2027-01-07.3D']);
    expect(late[0]?.subject).toContain('EOIR case 9431204');
    expect(late[0]?.text).toMatch(/Name: +Late Sample/);
  });

  it('measures, once hearings are past, the FTA rate of reminded hearings by AOR and horizon', async () => {
    // San Antonio's hearing (reminded 14 days before) ends in a no-show.
    const noShow = scheduleDrop(`no-show${suffix}`, [scheduleLine({ schedule: '48120105', proceeding: '9329396', caseId: '9431162', court: 'SNA' }, '2027-01-10', '11', 'P')]);
    await run.pipeline.uploadDrop(noShow, `no-show${suffix}`, { 'as-of': '2027-01-12' });
    await run.pipeline.drain();
    const later = await run.pipeline.runScheduledReminders('2027-01-20');
    const rate = (name: string, aor: string) => later.metrics.find((p) => p.name === name && p.aor === aor)?.value;
    expect(rate('FtaRateReminded', 'SNA')).toBe(100);
    expect(rate('FtaRateReminded14Days', 'SNA')).toBe(100);
    // The late UC case's hearing of 2027-01-07, reminded 3 days before, with no FTA.
    expect(rate('FtaRateReminded3Days', 'NYC')).toBe(0);
    expect(later.metrics.filter((p) => p.name === 'FtaRateNotReminded')).toEqual([]);
  });
});
