import { describe, expect, it } from 'vitest';
import { ingestDocketDrop } from '../../shared/use-cases/steps/ingest/ingest-docket-drop';
import { fixedClock, memoryCaseStore, memoryDocketSource, memoryPublisher, memoryQuarantine, silentLog } from '../helpers/in-memory-ports';

/*
 * Within a batch of proceedings or hearings, a UC case's FTA is queued before the signals
 * of cases that are not UC cases (most of a batch, kept in case they become UC cases) are
 * stored: ORR's notices do not wait on that storage. The store and publisher are in memory;
 * the order of their calls is what is checked, and the outcome is the same either way.
 */
const JUV = 'idnJuvenileHistory\tidnCase\tidnProceeding\tidnJuvenile\tDATCREATEDON\tDATMODIFIEDON\r\n';
const CASE = 'IDNCASE\tALIEN_CITY\tALIEN_STATE\tALIEN_ZIPCODE\tADDRESS_CHANGEDON\tCASEPRIORITY_CODE\r\n';
const caseRow = (id: string, priority: string) => `${id}\tHOUSTON\tTX\t77002\t\t${priority}\r\n`;
const PROC = 'IDNPROCEEDING\tIDNCASE\tOSC_DATE\tBASE_CITY_CODE\tCASE_TYPE\tDEC_CODE\tABSENTIA\tHEARING_DATE\tCOMP_DATE\r\n';
const order = (proc: string, cases: readonly string[]) =>
  cases.map((c) => `${c}1\t${c}\t2022-01-01 00:00:00.000\tHOU\tRMV\tX\t${proc}\t2025-03-01 00:00:00.000\t2025-03-04 00:00:00.000\r\n`).join('');

describe('UC cases first within a batch', () => {
  it('queues a UC case\'s FTA before it stores the signals of the batch\'s other cases, with the same FTAs and signals', async () => {
    const store = memoryCaseStore();
    const publisher = memoryPublisher();
    const events: string[] = [];
    const recordSightings = store.signals.recordSightings.bind(store.signals);
    store.signals.recordSightings = async (list, options) => {
      events.push(`signals of ${[...new Set(list.map((s) => s.signal.caseId))].sort().join(',')}`);
      return recordSightings(list, options);
    };
    const publish = publisher.publish.bind(publisher);
    publisher.publish = async (messages) => {
      events.push(`queued FTAs of ${[...new Set(messages.map((m) => m.caseId))].sort().join(',')}`);
      return publish(messages);
    };
    // 100 is a UC case (UJ); 400 and 500 are not; all three have an in-absentia order.
    const source = memoryDocketSource({
      tbl_JuvenileHistory: `${JUV}1\t100\t10\t4\t\t\r\n`,
      B_TblProceeding: PROC + order('Y', ['400', '100', '500']),
    });
    const report = await ingestDocketDrop({ dropId: 'd1', location: 'drops/d1/' }, { source, store, publisher, quarantine: memoryQuarantine(), clock: fixedClock('2026-11-28T00:00:00Z'), log: silentLog });
    expect(events).toEqual(['signals of 100', 'queued FTAs of 100', 'signals of 400,500']);
    expect(report.ftas).toEqual({ new: 1, repeated: 0, rescinded: 0 });
    // The other cases' signals are kept: a case becoming a UC case later gets its FTA from them.
    expect((await store.signals.signalsOfCases(['400', '500'])).map((s) => s.caseId).sort()).toEqual(['400', '500']);
  });

  it('records the case table\'s rows of cases this run marked while the store is asked about the others: each sighting after its case\'s mark, a case the store knew after the look-up', async () => {
    const store = memoryCaseStore();
    // 200 was marked by an earlier drop: only the store knows it.
    await store.markUcCases([{ caseId: '200', basis: 'JUVENILE_HISTORY', dropId: 'd0' }]);
    const events: string[] = [];
    let lookUpAnswered!: () => void;
    const answered = new Promise<void>((resolve) => {
      lookUpAnswered = resolve;
    });
    const markUcCases = store.markUcCases.bind(store);
    store.markUcCases = async (marks, claim) => {
      events.push(`marked ${marks.map((m) => m.caseId).sort().join(',')}`);
      return markUcCases(marks, claim);
    };
    const findUcCases = store.findUcCases.bind(store);
    store.findUcCases = async (ids, options) => {
      events.push(`asked ${[...ids].sort().join(',')}`);
      // The store answers only once the rows of the cases the run marked are recorded.
      await answered;
      events.push('answered');
      return findUcCases(ids, options);
    };
    const recordCaseSightings = store.recordCaseSightings.bind(store);
    store.recordCaseSightings = async (list) => {
      events.push(`sighted ${list.map((x) => x.caseId).sort().join(',')}`);
      if (list.some((x) => x.caseId === '300')) lookUpAnswered();
      return recordCaseSightings(list);
    };
    // 100: juvenile history (stage before); 300: CASEPRIORITY UC (this batch); 200: the store's; 400: none.
    const source = memoryDocketSource({
      tbl_JuvenileHistory: `${JUV}1\t100\t10\t4\t\t\r\n`,
      A_TblCase: CASE + caseRow('100', '') + caseRow('200', '') + caseRow('300', 'UC') + caseRow('400', ''),
    });
    await ingestDocketDrop({ dropId: 'd1', location: 'drops/d1/' }, { source, store, publisher: memoryPublisher(), quarantine: memoryQuarantine(), clock: fixedClock('2026-11-28T00:00:00Z'), log: silentLog });
    const caseStage = events.slice(events.findIndex((e) => e.startsWith('asked 200')));
    expect(caseStage).toEqual(['asked 200,400', 'marked 300', 'sighted 100,300', 'answered', 'sighted 200']);
    // Every UC case's row is a sighting; the case that is none is not.
    expect(await store.findUcCases(['100', '200', '300', '400'])).toEqual(new Set(['100', '200', '300']));
  });

  it('never records a case\'s row before its UC mark is written, when another chunk read at the same time writes the mark', async () => {
    for (const chunkBytes of [20, 30, 40, 60]) {
      const store = memoryCaseStore();
      const events: string[] = [];
      const markUcCases = store.markUcCases.bind(store);
      store.markUcCases = async (marks, claim) => {
        // A slow write (throttled, retried): the other chunks go on meanwhile.
        await new Promise((r) => setTimeout(r, 30));
        const n = await markUcCases(marks, claim);
        events.push(...marks.map((m) => `marked ${m.caseId}`));
        return n;
      };
      const recordCaseSightings = store.recordCaseSightings.bind(store);
      store.recordCaseSightings = async (list) => {
        events.push(...list.map((x) => `sighted ${x.caseId}`));
        return recordCaseSightings(list);
      };
      // 500's two lines (CASEPRIORITY UC, then none) in chunks of their own, read at once.
      const source = memoryDocketSource({ A_TblCase: CASE + caseRow('500', 'UC') + caseRow('500', '') + caseRow('600', '') });
      await ingestDocketDrop({ dropId: 'd1', location: 'drops/d1/' }, { source, store, publisher: memoryPublisher(), quarantine: memoryQuarantine(), clock: fixedClock('2026-11-28T00:00:00Z'), log: silentLog, chunks: { chunkBytes, parallelChunks: 4 } });
      const firstSighting = events.indexOf('sighted 500');
      expect(firstSighting, `chunks of ${chunkBytes} bytes: ${events.join(', ')}`).toBeGreaterThan(events.indexOf('marked 500'));
      expect(events.indexOf('marked 500')).toBeGreaterThanOrEqual(0);
      expect(events).not.toContain('sighted 600');
    }
  });
});
