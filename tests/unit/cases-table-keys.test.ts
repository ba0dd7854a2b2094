import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGG, familiesOf, ITEM_FAMILIES, keys, type ItemKey, personKeys } from '../../shared/adapters/cases-table/keys';

// PII a key must never carry: an A-number, a name, a street, a birth date.
const A_NUMBER = '201234567';
const STREET = '12 Elm Street';
const BIRTH_DATE = '2011-04-05';

/** One key of every family, built by the builders the stores use. */
const examples: Record<string, ItemKey> = {
  ucMark: keys.ucMark('1234567'),
  fta: keys.fta('1234567', 'fta-abc'),
  rescission: keys.rescission('1234567', 'fta-abc'),
  signalsMarker: keys.signalsMarker('1234567'),
  signal: keys.signal('1234567', 'fta-abc'),
  signalSighting: keys.signalSighting('1234567', 'IA-998', 'drop-2024-03-01'),
  signalWithdrawal: keys.signalWithdrawal('1234567', 'IA-998', 'drop-2024-04-01', 'ABSENTIA_WITHDRAWN'),
  hearing: keys.hearing('1234567', '998877'),
  upcomingHearing: keys.upcomingHearing('1234567'),
  caseAddress: personKeys.caseAddress('1234567', 'EOIR_ADDRESS_OF_RECORD', [STREET, 'Austin', 'TX', '78701', BIRTH_DATE]),
  datedAddress: keys.datedAddress(personKeys.rosterUc(A_NUMBER).pk, '2024-03-01', 'ORR_SPONSOR'),
  // Written before the one address scheme; no builder makes it now, stored items still hold it.
  legacyDatedAddress: { pk: personKeys.rosterUc(A_NUMBER).pk, sk: 'ADDR#2024-03-01#ORR_SPONSOR' },
  addressFlag: keys.addressFlag('1234567'),
  rosterLink: personKeys.rosterLink('1234567', A_NUMBER),
  reverifyTask: keys.reverifyTask('1234567', 'fta-abc'),
  notice: keys.notice('1234567', 'n-1'),
  rosterUc: personKeys.rosterUc(A_NUMBER),
  aNumberCase: personKeys.aNumberCase(A_NUMBER, '1234567'),
  aNumberRoster: personKeys.aNumberRoster(A_NUMBER),
  backlogEntry: personKeys.backlogEntry('HOU', A_NUMBER),
  planLease: keys.planLease('HOU'),
  rosterReport: keys.rosterReport('roster-2024-03-01', '2024-03-01T10:00:00.000Z'),
  openTask: keys.openTask('HOU', '2024-03-08', 'fta-abc'),
  dropReport: keys.dropReport('drop-1', '2024-03-01T10:00:00.000Z'),
  dropAsOf: keys.dropAsOf('drop-1'),
  dropRun: keys.dropRun('drop-1', 'run-1'),
  runChunk: keys.runChunk('drop-1', 'run-1', 'tbl_schedule#0'),
  runSettle: keys.runSettle('drop-1', 'run-1', '1234567'),
  readingClaim: keys.readingClaim('drop-1'),
  handOff: keys.handOff('drop-1', '1234567'),
  runKey: keys.runKey('drop-1', 'run-1', 'tbl_schedule', '998877'),
  reminded: keys.reminded('2024-03-08', '1234567'),
  courtAddress: keys.courtAddress('HOU'),
  oplaExport: keys.oplaExport('2024-03'),
  aggregate: { pk: AGG.fta, sk: 'AOR#HOU#3' },
  lastDrop: keys.lastDrop(),
  sendSlots: keys.sendSlots('ORR_NOTICES'),
};

describe('cases-table key catalogue', () => {
  it('has an example here for every family it lists, and lists every family an example is given for', () => {
    expect(Object.keys(examples).sort()).toEqual(ITEM_FAMILIES.map((f) => f.name).sort());
  });

  it('places every key the builders make in exactly its own family: no two families share a key', () => {
    const placed = Object.entries(examples).map(([name, key]) => [name, familiesOf(key).map((f) => f.name)]);
    expect(placed).toEqual(Object.keys(examples).map((name) => [name, [name]]));
  });

  it('keeps the roster sponsor address, the case digest notice and the task index apart from look-alikes', () => {
    // Keys one character away from another family's shape belong to one family only.
    expect(familiesOf({ pk: 'DIGEST', sk: 'NOTICE#d-1' }).map((f) => f.name)).toEqual(['notice']);
    expect(familiesOf({ pk: 'DROP#d', sk: 'RUN#r#KEY#tbl#1#2' }).map((f) => f.name)).toEqual(['runKey']);
    expect(familiesOf({ pk: AGG.drop, sk: 'DROP#2024-03-01T10:00:00.000Z#d' }).map((f) => f.name)).toEqual(['aggregate']);
  });

  it('builds no key attribute from raw PII: the A-number, street and birth date appear only as HMACs', () => {
    const all = Object.values(examples).flatMap((k) => [k.pk, k.sk]);
    for (const raw of [A_NUMBER, STREET, BIRTH_DATE.replace(/-/g, '')]) expect(all.filter((k) => k.includes(raw))).toEqual([]);
    expect(all.filter((k) => /\d{9}/.test(k))).toEqual([]);
    expect(examples.rosterUc!.pk).toMatch(/^AN#[a-p]{40}$/);
    expect(examples.caseAddress!.sk).toMatch(/^ADDR#EOIR_ADDRESS_OF_RECORD#AD#[a-p]{40}$/);
  });

  it('names an existing store module for every family', () => {
    const missing = ITEM_FAMILIES.filter((f) => !existsSync(join(__dirname, '../../shared/adapters/cases-table', f.store))).map((f) => `${f.name}: ${f.store}`);
    expect(missing).toEqual([]);
  });
});
