import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { runLocalPipeline } from './run';
import { checkLocalInputs } from './inputs';
import { captureLambdaOutputToFiles } from './capture-output';
import { LOCAL_OPLA_RECIPIENTS, oplaSummaryLines } from './opla-run';
import { PIPELINE_CLI_OPTIONS, pipelineSettings } from './cli-options';
import { createProgressDisplay } from './progress';

const HELP = `Docket Watch, the whole pipeline on a local AWS stack (DynamoDB Local, SQS, S3, SES emulators).

Usage: npm start -- [options]

  --drop PATH       A DOJ docket drop: a folder of EOIR tables (A_TblCase.csv,
                    B_TblProceeding.csv, tbl_schedule.csv, tbl_JuvenileHistory.csv,
                    Count.txt), or a .zip holding them. Repeat to process several
                    drops, in the order given.
                    Default: the bundled sample drop (tests/fixtures/sample-drop).
  --roster FILE     A UC roster CSV (docs/spec.md §1.2), put in the bucket as
                    rosters/<file name>/roster.csv before the drops: the roster ingest
                    stores the UCs, quarantines rejected rows and plans the NTA backlog.
                    Work lists land in DIR/worklists/<AOR>/<date>.xlsx (open this one) and
                    .csv, rejected rows in
                    DIR/quarantine/rosters/<name>/rejected.csv. The file must have an
                    A_NUMBER column (UTF-8 or Windows-1252; CRLF, LF or CR line ends).
  --return FILE     A work list a field office filled in and sent back (.xlsx or .csv,
                    from DIR/worklists/<AOR>/), put at returns/<AOR>/<file name> after the
                    drops: each row's NTA_SERVED_DATE, ADDRESS_VERIFIED_DATE (+ VERIFIED_*),
                    I830_FILED_DATE is recorded; rejected rows go to
                    DIR/quarantine/returns/<AOR>/. Repeatable. The AOR is the file's folder
                    name, else its AOR column.
  --opla FILE       OPLA's FTA list (PLANet export: EOIR_CASE_ID, A_NUMBER, FTA_DATE,
                    FTA_TYPE, RECORDED_ON, AOR), put at opla/<export id>/fta-list.csv after
                    the drops: rows checked (rejected ones in DIR/quarantine/opla/), then
                    reconciled with DOJ's FTAs: DIR/reports/reconciliation/<export>/<drop>/
                    reconciliation.xlsx, .csv, .json, and an email per AOR (to
                    opla-<aor>@ and ero-<aor>@ice.example.gov) in DIR/emails/.
                    E.g. --opla tests/fixtures/sample-opla/fta-list.csv.
  --nta-slots N     NTA service slots per business day in every AOR (default 20).
  --nta-slots-by-aor JSON
                    Per-AOR slots, e.g. '{"HOU":40,"SPM":0}' (0: UCs listed unscheduled).
  --nta-priority KEYS
                    Priority order, comma-separated (default PRIOR_FTA,SAFETY_FLAG,
                    LONGEST_SINCE_RELEASE,NEAREST_18TH_BIRTHDAY; A-number breaks ties).
  --out DIR         Where to write summary.json, ftas.jsonl, report.html, emails/*.eml, logs/
                    (default: out).
  --state DIR       Where the local DynamoDB and S3 keep their data between runs
                    (default: .local-state). A second run on the same drop finds its
                    FTAs already recorded and sends no email again.
  --reset           Delete the local state first (start from an empty store).
  --keep            Leave the emulators running after the run, print their addresses
                    (the SES web UI shows the emails), and wait for Ctrl-C.
  --orr-inbox ADDR  The ORR inbox address (default: orr-inbox@example.gov).
  --mail-from ADDR  The sender address (default: docket-watch@example.gov).
  --fojc AOR=ADDR   Copy ORR notices of that AOR to its Field Office Juvenile
                    Coordinator (repeatable), e.g. --fojc HOU=fojc-hou@example.gov.
  --today YYYY-MM-DD
                    The run's clock: the drops arrive as of that day, and the daily hearing
                    reminders run once for it at the end (reminders to the ORR inbox 14 and
                    3 days before each UC hearing, updates of moved or cancelled ones, the
                    week-ahead digest per AOR with its FOJC copied). Run again with the
                    same --state: nothing is sent twice.
  --reminder-days N,N
                    Days before a hearing the reminders go out (default 14,3).
  --digest-to ADDR  Also run the ORR daily digest once at the end, for today's FTAs,
                    to this address (repeatable); written to emails/ as well.
  --visibility-timeout S
                    Local SQS visibility timeout in seconds (default: 5; deployed
                    queues use the value in shared/runtime/resources.ts).
  --chunk-bytes N   Read tables larger than N bytes in byte-range chunks of N bytes, and
                    fan a drop with such a table out to the chunk worker through the
                    drop chunk queue, stage by stage (defaults: 256 MiB chunks, fan-out
                    above 512 MiB). A zip with such a table is first unpacked into
                    unpacked/<dropId>/ in the bucket. A small value (e.g. 2048) shows
                    it on the sample drop, or on a zip of it.
  -h, --help        Show this help.
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      ...PIPELINE_CLI_OPTIONS,
      drop: { type: 'string', multiple: true },
      roster: { type: 'string' },
      return: { type: 'string', multiple: true },
      opla: { type: 'string' },
      keep: { type: 'boolean', default: false },
      today: { type: 'string' },
      'reminder-days': { type: 'string' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const checked = pipelineSettings(values);
  if (!checked.ok) {
    process.stderr.write(`${checked.error}\n`);
    return 2;
  }
  const { planEnvironment, visibilityTimeoutSeconds: visibility, juvenileCoordinators, chunkBytes } = checked.settings;
  const today = values.today;
  if (today !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(Date.parse(`${today}T00:00:00Z`)))) {
    process.stderr.write('--today must be a date, YYYY-MM-DD\n');
    return 2;
  }
  const reminderDays = values['reminder-days']?.split(',').map((d) => Number(d.trim()));
  if (reminderDays !== undefined && (reminderDays.length === 0 || reminderDays.some((d) => !Number.isInteger(d) || d < 0 || d > 90))) {
    process.stderr.write('--reminder-days must be whole days 0-90, comma-separated (e.g. 14,3)\n');
    return 2;
  }
  const drops = values.drop ?? [join(import.meta.dirname, '../../tests/fixtures/sample-drop')];
  // A wrong path ends the run here, before anything is started that would have to be stopped.
  const problems = await checkLocalInputs({ drops, roster: values.roster, returns: values.return, opla: values.opla });
  if (problems.length > 0) {
    for (const p of problems) process.stderr.write(`docket-watch: ${p}\n`);
    process.stderr.write('Nothing was started. See npm start -- --help.\n');
    return 2;
  }
  // Loaded only now: a wrong argument ends the run above without loading the AWS SDK and
  // the functions (seconds of CPU).
  const [{ startEmulators }, { runLocalPipeline }, { installRowMeter }, { samplePipeline, startProgressTicker }] = await Promise.all([
    import('./emulators'),
    import('./run'),
    import('./row-meter'),
    import('./pipeline-progress'),
  ]);
  const outDir = resolve(values.out);
  const stateDir = resolve(values.state);
  if (values.reset) await rm(stateDir, { recursive: true, force: true });
  await mkdir(join(outDir, 'logs'), { recursive: true });

  // Log lines, and below them the live status (rows, FTAs, emails, queues) on a terminal.
  const display = createProgressDisplay({ stream: process.stderr, now: Date.now });
  const say = (line: string): void => display.log(line);
  // The functions log JSON (Powertools) and EMF metrics to stdout, as in Lambda; keep
  // them in files so the terminal shows progress only.
  const restore = await captureLambdaOutputToFiles(outDir);

  say('starting the local AWS stack (DynamoDB Local, SQS, S3, SES)');
  const emulators = await startEmulators({ stateDir });
  // Before the functions' clients exist: rows of a table as they stream, for the status line.
  const meter = installRowMeter();
  let keep = false;
  let stopTicker = (): Promise<void> => Promise.resolve();
  try {
    const result = await runLocalPipeline(emulators, {
      drops,
      roster: values.roster,
      returns: values.return,
      opla: values.opla,
      oplaRecipients: LOCAL_OPLA_RECIPIENTS,
      planEnvironment,
      outDir,
      orrInbox: values['orr-inbox'],
      mailFrom: values['mail-from'],
      visibilityTimeoutSeconds: visibility,
      juvenileCoordinators,
      digestRecipients: values['digest-to'],
      today,
      reminderHorizonDays: reminderDays,
      chunkBytes,
      onProgress: say,
      onPipelineStarted: (pipeline) => {
        stopTicker = startProgressTicker(pipeline, display, meter);
      },
    });
    await stopTicker();
    display.update(await samplePipeline(result.pipeline, meter));
    display.finish();
    await result.pipeline.stop();
    restore();
    printSummary(result.summary, outDir);
    printMetrics(result.metrics);
    if (values.keep) {
      keep = true;
      const e = emulators.endpoints;
      process.stdout.write(
        `\nEmulators left running (Ctrl-C to stop):\n  SES web UI  ${e.ses}/\n  DynamoDB    ${e.dynamodb}\n  SQS         ${e.sqs}\n  S3          ${e.s3} (credentials S3RVER/S3RVER)\n`,
      );
      await new Promise<void>((done) => process.once('SIGINT', () => done()));
    }
    // A drop with nothing readable, or a roster or return refused whole, is a failure too, never a quiet success.
    const refused = [...(result.summary.rosters ?? []), ...(result.summary.returns ?? []), ...(result.summary.opla?.ingested ?? [])].some((r) => r.rows.tableRejection !== undefined);
    return result.summary.ingestFailures.length > 0 || refused || result.summary.drops.some((d) => d.failure !== undefined) ? 1 : 0;
  } finally {
    await stopTicker();
    restore();
    await emulators.stop();
    if (keep) say('emulators stopped');
  }
}

function printSummary(summary: Awaited<ReturnType<typeof runLocalPipeline>>['summary'], outDir: string): void {
  const lines = ['', 'Docket Watch local run', ''];
  for (const r of summary.rosters ?? []) {
    const reasons = Object.entries(r.rows.rejectedByReason).map(([k, n]) => `${k} ${n}`).join(', ');
    const whole = r.rows.tableRejection ? `  ROSTER REJECTED: ${r.rows.tableRejection.reason} (${r.rows.tableRejection.detail})` : '';
    lines.push(`Roster ${r.rosterId}${r.encoding === 'WINDOWS-1252' ? ' (not UTF-8: decoded as Windows-1252)' : ''}`);
    lines.push(`  ${'roster rows'.padEnd(20)} read ${String(r.rows.read).padStart(7)}  accepted ${String(r.rows.accepted).padStart(7)}  rejected ${String(r.rows.rejected).padStart(5)}${reasons ? ` (${reasons})` : ''}${whole}`);
    lines.push(`  UCs: NTA backlog ${r.ucs.BACKLOG}, in ORR care ${r.ucs.IN_ORR_CARE}, NTA served ${r.ucs.NTA_SERVED}, with EOIR case ${r.ucs.EOIR_CASE}; EOIR cases marked UC ${r.casesMarked}`);
  }
  for (const r of summary.returns ?? []) {
    const reasons = Object.entries(r.rows.rejectedByReason).map(([k, n]) => `${k} ${n}`).join(', ');
    const whole = r.rows.tableRejection ? `  RETURN REFUSED: ${r.rows.tableRejection.reason} (${r.rows.tableRejection.detail})` : '';
    lines.push(`Returned work list ${r.objectKey}${r.format ? ` (${r.format})` : ''}`);
    lines.push(`  ${'rows with outcome'.padEnd(20)} read ${String(r.rows.read).padStart(7)}  accepted ${String(r.rows.accepted).padStart(7)}  rejected ${String(r.rows.rejected).padStart(5)}${reasons ? ` (${reasons})` : ''}${whole}`);
    lines.push(`  rows without outcome ${r.rowsWithoutOutcome}; NTAs served ${r.ntaServed} (left the backlog now ${r.leftBacklog}); addresses verified ${r.addressesVerified}; I-830s filed ${r.i830Filed}; re-verification tasks closed ${r.tasksClosed}`);
    if (r.quarantineKey) lines.push(`  rejected rows: ${r.quarantineKey}`);
  }
  for (const drop of summary.drops) {
    lines.push(`Drop ${drop.dropId}${drop.unpackedFrom ? ` (unpacked from ${drop.unpackedFrom}: a table was too big to read from the zip in one invocation)` : ''}`);
    for (const [table, c] of Object.entries(drop.tables)) {
      const reasons = Object.entries(c.rejectedByReason).map(([r, n]) => `${r} ${n}`).join(', ');
      const whole = c.tableRejection ? `  TABLE REJECTED: ${c.tableRejection.reason} (${c.tableRejection.detail})` : '';
      lines.push(`  ${table.padEnd(20)} read ${String(c.read).padStart(7)}  accepted ${String(c.accepted).padStart(7)}  rejected ${String(c.rejected).padStart(5)}${reasons ? ` (${reasons})` : ''}${c.repaired ? `  repaired ${c.repaired}` : ''}${c.duplicates ? `  duplicates ${c.duplicates}` : ''}${c.conflicts ? `  conflicting copies ${c.conflicts}` : ''}${Object.entries(c.valueNotes ?? {}).map(([r, n]) => `  ${r} ${n}`).join('')}${c.chunks ? `  in ${c.chunks} byte-range chunks` : ''}${whole}`);
      for (const f of c.files ?? []) {
        lines.push(`    file ${f.key}: ${f.tableRejection ? `NOT READ: ${f.tableRejection.reason} (${f.tableRejection.detail})` : `read ${f.read}, accepted ${f.accepted}, rejected ${f.rejected}`}`);
      }
    }
    for (const [table, c] of Object.entries(drop.countCheck ?? {})) {
      if (c && !c.matches) lines.push(`  COUNT.TXT MISMATCH ${table}: Count.txt says ${c.expected}, read ${c.read}`);
    }
    if (drop.missingTables?.length) lines.push(`  tables not in the drop: ${drop.missingTables.join(', ')}`);
    if (drop.ignoredFiles?.length) lines.push(`  files not read: ${describeUnreadFiles(drop.ignoredFiles)}`);
    if (drop.conflicts?.count) lines.push(`  keys repeated with conflicting values (FTA kept; listed in summary.json for review): ${drop.conflicts.count}`);
    if (drop.lists?.ignoredFiles) {
      const byReason = Object.entries(drop.ignoredByReason ?? {}).map(([r, n]) => `${n} ${r}`).join(', ');
      lines.push(`  files not read: ${drop.lists.ignoredFiles.count} (${byReason}); the list: s3 ${drop.lists.ignoredFiles.key}`);
    }
    if (drop.quarantine?.length) {
      const all = drop.lists?.quarantine;
      lines.push(`  rejected rows quarantined: ${all ? `${all.count} parts, listed in s3 ${all.key}` : drop.quarantine.join(', ')}`);
    }
    if (drop.failure) lines.push(`  DROP FAILED: ${drop.failure.reason}: ${drop.failure.detail}`);
    if (drop.fanOut) lines.push(`  fanned out to the chunk worker: ${drop.fanOut.chunks} chunk message(s) through the drop chunk queue, 3 stages`);
    if (drop.ucCasesOmitted) lines.push(`  UC cases this full drop omits (flagged, kept): ${drop.ucCasesOmitted}`);
    lines.push(`  UC cases marked ${drop.ucCasesMarked}; hearings recorded ${drop.hearingsRecorded ?? 0}; FTAs new ${drop.ftas.new}, repeated ${drop.ftas.repeated}, rescinded ${drop.ftas.rescinded}`);
  }
  lines.push(...oplaSummaryLines(summary.opla));
  const t = summary.total.ftas;
  lines.push('');
  lines.push(`FTAs: ${t.new} new, ${t.repeated} repeated, ${t.rescinded} rescinded`);
  lines.push(`Emails to ORR: ${summary.emailsSent}   Re-verification tasks opened: ${summary.ntaTasksScheduled}   Metrics published: ${summary.metricsPublished}`);
  const r = summary.hearingReminders;
  if (r !== undefined) {
    lines.push(`Hearing reminders on ${r.today}: UC hearings in the next 14 days ${r.hearingsUpcoming14Days}; reminders sent ${r.remindersSent}, updates ${r.updatesSent}, week-ahead digests ${r.digestsSent}`);
  }
  if (summary.ntaPlan !== undefined && summary.ntaPlan.byAor.length > 0) {
    const p = summary.ntaPlan;
    const withBacklog = p.byAor.filter((a) => a.backlog > 0);
    const dayLists = p.workListFiles.filter((f) => /\/\d{4}-\d{2}-\d{2}\.csv$/.test(f)).length;
    const overdue = Object.values(p.overdueTasks).reduce((a, b) => a + b, 0);
    lines.push(`NTA backlog: ${p.backlog} UC(s) in ${withBacklog.length} AOR(s)${p.unscheduled ? `, ${p.unscheduled} UNSCHEDULED (no capacity)` : ''}; daily work lists written: ${dayLists}; re-verification tasks overdue: ${overdue}`);
    const m = p.matching;
    lines.push(`Roster matching: ${m.matched} UC case(s) matched; juvenile cases without roster UC ${m.casesWithoutRosterUc}; roster UCs without EOIR case ${m.rosterUcsWithoutCase}`);
    for (const a of withBacklog) {
      lines.push(`  ${a.aor}  backlog ${String(a.backlog).padStart(6)}  next 30 days ${String(a.plannedNext30Days).padStart(6)}  first ${a.firstDate ?? '-'}  last ${a.lastDate ?? '-'}`);
    }
  }
  const dead = Object.entries(summary.deadLetters).filter(([, n]) => n > 0);
  lines.push(dead.length ? `DEAD-LETTERED: ${dead.map(([q, n]) => `${q} ${n}`).join(', ')}` : 'Dead-letter queues: empty');
  for (const f of summary.ingestFailures) lines.push(`INGEST FAILED: ${f.key}: ${f.error}`);
  for (const d of summary.drops.filter((x) => x.failure)) lines.push(`DROP FAILED: ${d.dropId}: nothing in it could be read (see above)`);
  lines.push('', `Written: ${join(outDir, 'summary.json')}, ${join(outDir, 'ftas.jsonl')}, ${join(outDir, 'emails')}/, ${join(outDir, 'report.html')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printMetrics(points: Awaited<ReturnType<typeof runLocalPipeline>>['metrics']): void {
  // Totals, then the per-AOR values of each metric on one line (the full set is in report.html).
  const rows: string[] = [];
  for (const p of points.filter((q) => q.aor === undefined)) {
    const byAor = points.filter((q) => q.name === p.name && q.aor !== undefined && q.value !== 0).map((q) => `${q.aor} ${q.value}`);
    rows.push(`  ${p.name.padEnd(28)} ${String(p.value).padStart(8)} ${p.unit.padEnd(8)}${byAor.length ? ` ${byAor.join(', ')}` : ''}`.trimEnd());
  }
  process.stdout.write(`\nMetrics (as published to CloudWatch: metric, total, unit, per AOR)\n${rows.join('\n')}\n`);
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    const { JavaMissingError } = await import('./emulators');
    if (err instanceof JavaMissingError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`docket-watch: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

/**
 * EOIR's own files (lookup tables, tables the ingest does not use) by count, since a
 * release holds about 90 of them; anything else by name (up to 5), since it is worth a look.
 */
function describeUnreadFiles(files: readonly { file: string; reason: string }[]): string {
  const lookups = files.filter((f) => f.reason === 'EOIR_LOOKUP_TABLE').length;
  const others = files.filter((f) => f.reason === 'EOIR_TABLE_NOT_READ').length;
  const rest = files.filter((f) => f.reason !== 'EOIR_LOOKUP_TABLE' && f.reason !== 'EOIR_TABLE_NOT_READ');
  const parts: string[] = [];
  if (lookups > 0) parts.push(`${lookups} EOIR lookup table(s)`);
  if (others > 0) parts.push(`${others} other EOIR table(s)`);
  const named = rest.slice(0, 5).map((f) => `${f.file} (${f.reason})`);
  if (rest.length > 5) named.push(`and ${rest.length - 5} more`);
  return [...parts, ...named].join(', ');
}
