import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoRosterStore } from '../../shared/adapters/cases-table/dynamo-roster-store';
import type { RosterUc } from '../../shared/domain/roster';
import { useCasesTable } from '../helpers/local-stack';

/*
 * The NTA scheduler's side of an FTA on DynamoDB Local: recordFtaForCase finds the roster UC
 * linked to the case and records the FTA against it, reading the UC once (the lookup's read
 * guards the transaction), not once to find it and again to update it.
 */
const NOW = '2026-11-27T12:00:00.000Z';
const rosterUc = (aNumber: string, eoirCaseId: string | null, over: Partial<RosterUc> = {}): RosterUc => ({
  aNumber, firstName: 'Lucia', lastName: 'Ramirez', birthDate: '2010-04-02', country: 'Honduras', orrTransferDate: '2024-01-02',
  orrReleaseDate: '2024-02-03', releaseType: 'SPONSOR', sponsorName: 'Marta Ramirez', sponsorRelationship: 'AUNT',
  sponsorAddress: { street: '12 Elm St', city: 'Houston', state: 'TX', zip: '77002' }, aor: 'HOU', ntaServedDate: null, eoirCaseId, safetyFlag: false,
  ...over,
});

/** The client, with the commands sent through it counted by name. */
function counting(client: DynamoDBDocumentClient): { client: DynamoDBDocumentClient; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const wrapped = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver) as unknown;
      return (command: object, ...rest: unknown[]) => {
        calls.set(command.constructor.name, (calls.get(command.constructor.name) ?? 0) + 1);
        return (target.send as (...a: unknown[]) => unknown)(command, ...rest);
      };
    },
  });
  return { client: wrapped, calls };
}

describe('an FTA recorded against the roster UC linked to its case', () => {
  const table = useCasesTable();

  it('reads the case’s link once and the UC once, then one transaction: the UC leaves the backlog', async () => {
    const roster = createDynamoRosterStore({ client: table.dynamo, tableName: table.tableName });
    // No EOIR case on the roster row: the UC waits in the NTA backlog; then a drop links a case to it.
    await roster.saveRosterUcs([rosterUc('302000001', null)], 'r1', NOW);
    await roster.linkRosterCases([{ caseId: '7302001', aNumber: '302000001' }], 'r1');
    expect((await roster.findRosterUc('302000001'))?.status).toBe('BACKLOG');

    const { client, calls } = counting(table.dynamo);
    const transition = await createDynamoRosterStore({ client, tableName: table.tableName }).recordFtaForCase('7302001', NOW);
    expect(transition).toEqual({ aNumber: '302000001', previous: { aor: 'HOU', status: 'BACKLOG' }, aor: 'HOU', status: 'EOIR_CASE' });
    // The Query of the case's link and UC mark; the UC and its backlog entry (BatchGetItem, two
    // keys' reads: the UC, then its backlog entry); the transaction. Reading the UC again would be 2 more.
    expect(Object.fromEntries(calls)).toEqual({ QueryCommand: 1, BatchGetCommand: 2, TransactWriteCommand: 1 });
    expect((await roster.findRosterUc('302000001'))?.status).toBe('EOIR_CASE');
  });

  it('records nothing for a case no roster UC is linked to, after one Query', async () => {
    const { client, calls } = counting(table.dynamo);
    expect(await createDynamoRosterStore({ client, tableName: table.tableName }).recordFtaForCase('7302999', NOW)).toBeUndefined();
    expect(Object.fromEntries(calls)).toEqual({ QueryCommand: 1 });
  });
});
