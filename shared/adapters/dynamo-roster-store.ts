import {
  BatchGetCommand,
  DeleteCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { AddressEntry, AddressSource } from '../domain/address-history';
import { isAor, type Aor } from '../domain/aor';
import type { PlannedUc } from '../domain/nta-plan';
import type { RosterUcRef, UcCaseMark } from '../domain/roster-matching';
import { backlogStatus, type BacklogStatus, type RosterUc } from '../domain/roster';
import type { AorPlanSummary, RosterStore, RosterTransition, StoredBacklogUc } from '../ports/roster-store';
import { backoffMs, chunk, mapWithLimit, sleep } from '../runtime/concurrency';

/*
 * Items in the cases table (PII stays in the table and the bucket, never in logs):
 *   roster UC      pk UC#<aNumber>     sk ROSTER                   roster fields, aor, status,
 *                                                                  priorFta, ftaCaseId, rosterId
 *   address        pk UC#<aNumber>     sk ADDR#<date>#ORR_SPONSOR  street, city, state, zip, source
 *   backlog entry  pk BACKLOG#<aor>    sk <aNumber>                planning keys, work-list fields,
 *                                                                  plannedDate, rank
 *   UC mark        pk CASE#<IDNCASE>   sk UC                       basis ROSTER unless EOIR marked it
 *   roster link    pk CASE#<IDNCASE>   sk ROSTER#<aNumber>         aNumber
 *   plan aggregate pk AGG#NTA          sk AOR#<aor>                backlog, unscheduled,
 *                                                                  plannedNext30Days, ageBuckets, ...
 *   roster report  pk ROSTER#<id>      sk REPORT#<startedAt>       report (map)
 */
export interface DynamoRosterStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** AWS limit: BatchGetItem takes 100 keys. */
const BATCH_GET_MAX = 100;
const CONCURRENCY = 16;
const MAX_ATTEMPTS = 8;

interface PreviousUc {
  aor: Aor;
  status: BacklogStatus;
  ftaCaseId: string | null;
}

export function createDynamoRosterStore({ client, tableName }: DynamoRosterStoreOptions): RosterStore & {
  readPlanSummaries(): Promise<AorPlanSummary[]>;
} {
  async function previousOf(aNumbers: readonly string[]): Promise<Map<string, PreviousUc>> {
    const found = new Map<string, PreviousUc>();
    await mapWithLimit(chunk(aNumbers, BATCH_GET_MAX), CONCURRENCY, async (ids) => {
      let keys: Record<string, unknown>[] = ids.map((a) => ({ pk: `UC#${a}`, sk: 'ROSTER' }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt >= MAX_ATTEMPTS) throw new Error(`BatchGetItem left ${keys.length} keys unprocessed`);
        if (attempt > 0) await sleep(backoffMs(attempt));
        const out = await client.send(
          new BatchGetCommand({
            RequestItems: {
              [tableName]: { Keys: keys, ProjectionExpression: 'aNumber, aor, #s, ftaCaseId', ExpressionAttributeNames: { '#s': 'status' } },
            },
          }),
        );
        for (const item of out.Responses?.[tableName] ?? []) {
          found.set(String(item.aNumber), {
            aor: item.aor as Aor,
            status: item.status as BacklogStatus,
            ftaCaseId: (item.ftaCaseId as string | undefined) ?? null,
          });
        }
        keys = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
    });
    return found;
  }

  async function saveOne(uc: RosterUc, prev: PreviousUc | undefined, rosterId: string, savedAt: string): Promise<RosterTransition> {
    // An FTA already tied this UC to an EOIR case: a roster that does not know it yet
    // must not put the child back in the backlog.
    const status = backlogStatus({ ...uc, eoirCaseId: uc.eoirCaseId ?? prev?.ftaCaseId ?? null });
    const fields: Record<string, unknown> = {
      type: 'ROSTER_UC',
      aNumber: uc.aNumber,
      firstName: uc.firstName,
      lastName: uc.lastName,
      birthDate: uc.birthDate,
      country: uc.country,
      orrTransferDate: uc.orrTransferDate,
      orrReleaseDate: uc.orrReleaseDate,
      releaseType: uc.releaseType,
      sponsorName: uc.sponsorName,
      sponsorRelationship: uc.sponsorRelationship,
      sponsorStreet: uc.sponsorAddress.street,
      sponsorCity: uc.sponsorAddress.city,
      sponsorState: uc.sponsorAddress.state,
      sponsorZip: uc.sponsorAddress.zip,
      aor: uc.aor,
      ntaServedDate: uc.ntaServedDate,
      eoirCaseId: uc.eoirCaseId,
      safetyFlag: uc.safetyFlag,
      status,
      rosterId,
      savedAt,
    };
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':false': false };
    const sets = Object.entries(fields).map(([k, v], i) => {
      names[`#f${i}`] = k;
      values[`:v${i}`] = v;
      return `#f${i} = :v${i}`;
    });
    const out = await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: `UC#${uc.aNumber}`, sk: 'ROSTER' },
        UpdateExpression: `SET ${sets.join(', ')}, priorFta = if_not_exists(priorFta, :false)`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    const priorFta = out.Attributes?.priorFta === true;
    const addressDate = uc.orrReleaseDate ?? savedAt.slice(0, 10);
    if (uc.sponsorAddress.city !== null || uc.sponsorAddress.street !== null || uc.sponsorAddress.zip !== null) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: `UC#${uc.aNumber}`,
            sk: `ADDR#${addressDate}#ORR_SPONSOR`,
            type: 'ADDRESS',
            source: 'ORR_SPONSOR',
            asOf: addressDate,
            street: uc.sponsorAddress.street,
            city: uc.sponsorAddress.city,
            state: uc.sponsorAddress.state,
            zip: uc.sponsorAddress.zip,
            rosterId,
          },
        }),
      );
    }
    if (prev?.status === 'BACKLOG' && (status !== 'BACKLOG' || prev.aor !== uc.aor)) {
      await client.send(new DeleteCommand({ TableName: tableName, Key: { pk: `BACKLOG#${prev.aor}`, sk: uc.aNumber } }));
    }
    if (status === 'BACKLOG') {
      // An update, not a put: the planned date of a UC already in the plan is kept.
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: `BACKLOG#${uc.aor}`, sk: uc.aNumber },
          UpdateExpression:
            'SET #t = :t, aNumber = :a, aor = :aor, releaseDate = :rel, birthDate = :b, priorFta = :p, safetyFlag = :s, workList = :w',
          ExpressionAttributeNames: { '#t': 'type' },
          ExpressionAttributeValues: {
            ':t': 'BACKLOG_UC',
            ':a': uc.aNumber,
            ':aor': uc.aor,
            ':rel': uc.orrReleaseDate,
            ':b': uc.birthDate,
            ':p': priorFta,
            ':s': uc.safetyFlag,
            ':w': {
              LAST_NAME: uc.lastName,
              FIRST_NAME: uc.firstName,
              BIRTH_DATE: uc.birthDate,
              COUNTRY: uc.country,
              ORR_RELEASE_DATE: uc.orrReleaseDate,
              PRIOR_FTA: priorFta ? 'Y' : 'N',
              SAFETY_FLAG: uc.safetyFlag ? 'Y' : 'N',
              SPONSOR_NAME: uc.sponsorName,
              SPONSOR_RELATIONSHIP: uc.sponsorRelationship,
              SPONSOR_STREET: uc.sponsorAddress.street,
              SPONSOR_CITY: uc.sponsorAddress.city,
              SPONSOR_STATE: uc.sponsorAddress.state,
              SPONSOR_ZIP: uc.sponsorAddress.zip,
            },
          },
        }),
      );
    }
    return { aNumber: uc.aNumber, previous: prev ? { aor: prev.aor, status: prev.status } : null, aor: uc.aor, status };
  }

  async function queryAll(pk: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  return {
    async saveRosterUcs(ucs, rosterId, savedAt) {
      const prev = await previousOf(ucs.map((u) => u.aNumber));
      return mapWithLimit(ucs, CONCURRENCY, (uc) => saveOne(uc, prev.get(uc.aNumber), rosterId, savedAt));
    },

    async linkRosterCases(links, rosterId) {
      await mapWithLimit(links, CONCURRENCY, async ({ caseId, aNumber }) => {
        // Keep the basis an EOIR drop gave the case (juvenile history, case priority).
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: `CASE#${caseId}`, sk: 'UC' },
            UpdateExpression: 'SET caseId = :c, basis = if_not_exists(basis, :b), dropId = if_not_exists(dropId, :r) ADD bases :bs',
            ExpressionAttributeValues: { ':c': caseId, ':b': 'ROSTER', ':r': `roster:${rosterId}`, ':bs': new Set(['ROSTER']) },
          }),
        );
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { pk: `CASE#${caseId}`, sk: `ROSTER#${aNumber}`, type: 'ROSTER_LINK', caseId, aNumber, rosterId },
          }),
        );
      });
    },

    async findRosterUcForCase(caseId) {
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :r)',
          ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':r': 'ROSTER#' },
          ConsistentRead: true,
        }),
      );
      const aNumber = out.Items?.[0]?.aNumber as string | undefined;
      if (aNumber === undefined) return undefined;
      const prev = (await previousOf([aNumber])).get(aNumber);
      return prev ? { aNumber, aor: prev.aor, status: prev.status } : undefined;
    },

    async recordFtaForUc(aNumber, caseId) {
      const out = await client
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: `UC#${aNumber}`, sk: 'ROSTER' },
            UpdateExpression: 'SET priorFta = :t, ftaCaseId = if_not_exists(ftaCaseId, :c)',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':t': true, ':c': caseId },
            ReturnValues: 'ALL_OLD',
          }),
        )
        .catch((err: { name?: string }) => {
          if (err.name === 'ConditionalCheckFailedException') return undefined;
          throw err;
        });
      const old = out?.Attributes;
      if (old === undefined) return undefined;
      const aor = old.aor as Aor;
      const previous = { aor, status: old.status as BacklogStatus };
      if (previous.status !== 'BACKLOG') return { aNumber, previous, aor, status: previous.status };
      // An FTA means an EOIR case: the child leaves the NTA backlog, with that reason.
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: `UC#${aNumber}`, sk: 'ROSTER' },
          UpdateExpression: 'SET #s = :e',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':e': 'EOIR_CASE' },
        }),
      );
      await client.send(new DeleteCommand({ TableName: tableName, Key: { pk: `BACKLOG#${aor}`, sk: aNumber } }));
      return { aNumber, previous, aor, status: 'EOIR_CASE' };
    },

    async loadBacklog(aor): Promise<StoredBacklogUc[]> {
      return (await queryAll(`BACKLOG#${aor}`)).map((item) => ({
        aNumber: String(item.aNumber),
        aor: isAor(String(item.aor)) ? (item.aor as Aor) : aor,
        releaseDate: String(item.releaseDate),
        birthDate: (item.birthDate as string | null | undefined) ?? null,
        priorFta: item.priorFta === true,
        safetyFlag: item.safetyFlag === true,
        plannedDate: (item.plannedDate as string | null | undefined) ?? null,
        workList: (item.workList as Record<string, string | null> | undefined) ?? {},
      }));
    },

    async savePlan(changed: readonly PlannedUc[], summary: AorPlanSummary) {
      await mapWithLimit(changed, CONCURRENCY, (p) =>
        client
          .send(
            new UpdateCommand({
              TableName: tableName,
              Key: { pk: `BACKLOG#${p.aor}`, sk: p.aNumber },
              UpdateExpression: 'SET plannedDate = :d, #r = :r',
              // Only UCs still in the backlog: one that left meanwhile is not re-created.
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#r': 'rank' },
              ExpressionAttributeValues: { ':d': p.plannedDate, ':r': p.rank },
            }),
          )
          .catch((err: { name?: string }) => {
            if (err.name !== 'ConditionalCheckFailedException') throw err;
          }),
      );
      await client.send(
        new PutCommand({ TableName: tableName, Item: { pk: 'AGG#NTA', sk: `AOR#${summary.aor}`, type: 'NTA_PLAN_AGG', ...summary } }),
      );
    },

    async saveRosterReport(report) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: `ROSTER#${report.rosterId}`, sk: `REPORT#${report.startedAt}`, rosterId: report.rosterId, report },
        }),
      );
    },

    async recordAddress(caseId, entry) {
      const link = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :r)',
          ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':r': 'ROSTER#' },
          ConsistentRead: true,
        }),
      );
      const aNumber = link.Items?.[0]?.aNumber as string | undefined;
      const partitions = [`CASE#${caseId}`, ...(aNumber ? [`UC#${aNumber}`] : [])];
      for (const pk of partitions) {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              pk,
              sk: `ADDR#${entry.asOf}#${entry.source}`,
              type: 'ADDRESS',
              source: entry.source,
              asOf: entry.asOf,
              street: entry.street,
              city: entry.city,
              state: entry.state,
              zip: entry.zip,
            },
          }),
        );
      }
      const history = new Map<string, AddressEntry>();
      for (const pk of partitions) {
        const out = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
            ExpressionAttributeValues: { ':pk': pk, ':a': 'ADDR#' },
            ConsistentRead: true,
          }),
        );
        for (const item of out.Items ?? []) {
          history.set(String(item.sk), {
            source: item.source as AddressSource,
            asOf: String(item.asOf),
            street: (item.street as string | null | undefined) ?? null,
            city: (item.city as string | null | undefined) ?? null,
            state: (item.state as string | null | undefined) ?? null,
            zip: (item.zip as string | null | undefined) ?? null,
          });
        }
      }
      return [...history.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, e]) => e);
    },

    async readMatchingInputs() {
      const marks: UcCaseMark[] = [];
      const roster: RosterUcRef[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: 'sk = :uc OR sk = :roster',
            ExpressionAttributeValues: { ':uc': 'UC', ':roster': 'ROSTER' },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of out.Items ?? []) {
          if (item.sk === 'UC') {
            // An EOIR basis wins over ROSTER, whichever marked the case first.
            const bases = [...((item.bases as Set<string> | undefined) ?? new Set([String(item.basis)]))];
            const basis = bases.find((b) => b !== 'ROSTER') ?? 'ROSTER';
            marks.push({ caseId: String(item.caseId), basis, aNumber: (item.aNumber as string | undefined) ?? null });
          } else {
            roster.push({
              aNumber: String(item.aNumber),
              aor: String(item.aor),
              eoirCaseId: (item.eoirCaseId as string | null | undefined) ?? (item.ftaCaseId as string | undefined) ?? null,
              status: String(item.status),
            });
          }
        }
        startKey = out.LastEvaluatedKey;
      } while (startKey !== undefined);
      return { marks, roster };
    },

    async saveMatchCounts(counts) {
      await client.send(new PutCommand({ TableName: tableName, Item: { pk: 'AGG#MATCH', sk: 'LAST', type: 'MATCH_AGG', ...counts } }));
    },

    async flagAddressDisagreements(caseId, pairs, at) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: `CASE#${caseId}`, sk: 'ADDRFLAG', type: 'ADDRESS_FLAG', disagree: pairs.length > 0, pairs: pairs.map((p) => p.join('|')), at },
        }),
      );
    },

    async readPlanSummaries() {
      return (await queryAll('AGG#NTA')).map((item) => {
        const { pk: _pk, sk: _sk, type: _type, ...summary } = item;
        return summary as unknown as AorPlanSummary;
      });
    },
  };
}
