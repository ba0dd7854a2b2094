import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StoredUpcomingHearing, UpcomingStatus } from '../../domain/upcoming-hearing';
import type { RemindedHearing, UpcomingHearingStore } from '../../ports/upcoming-hearings';
import { mapWithLimit } from '../../lib/concurrency';
import { batchGetItems, queryPartition } from './batch-and-query';
import { casePk, keys, SK_PREFIX } from './keys';
import { isConditionFailure } from './transactions';

/*
 * Items in the cases table:
 *   upcoming hearing  pk CASE#<IDNCASE>  sk UPCOMING_HEARING   caseId, date, time, calType, medium,
 *                     court, scheduleId, source, asOf, dropId, status (UPCOMING|HELD|CANCELLED),
 *                     attorneyOfRecord?; hearingDay (= date) only while UPCOMING: the sparse
 *                     `hearingsByDay` index finds the hearings of a day
 *   reminded hearing  pk REMINDED          sk <hearingDate>#<IDNCASE>   caseId, hearingDate, noticeId, horizon
 * Any case's hearing is kept (a case can become a UC case later); who is a UC case is
 * decided when reminders are sent. No PII: ids, dates, codes.
 */
const CONCURRENCY = 16;
const NAMES = { '#date': 'date', '#time': 'time', '#source': 'source', '#status': 'status' };

export interface DynamoUpcomingHearingsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The table's index of upcoming hearings by day (`hearingDay`): HEARINGS_BY_DAY_INDEX of shared/runtime/resources.ts. */
  readonly byDayIndex: string;
}

export function createDynamoUpcomingHearings({ client, tableName, byDayIndex }: DynamoUpcomingHearingsOptions): UpcomingHearingStore {
  /** Runs a conditional update; a failed condition means a later or earlier-dated view stands. */
  async function conditional(command: UpdateCommand): Promise<void> {
    try {
      await client.send(command);
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  return {
    async record(hearings) {
      await mapWithLimit(hearings, CONCURRENCY, async (h) => {
        // Same drop: the earliest day stands; on the same day a schedule row (court, medium,
        // IDNSCHEDULE) is worth more than A_TblCase's LATEST_* copy of it.
        const sameDrop = h.source === 'SCHEDULE' ? '(#date > :d OR (#date = :d AND #source = :latest))' : '#date > :d';
        const sets = [
          'caseId = :c', '#date = :d', 'hearingDay = :d', '#time = :t', 'calType = :ct', 'medium = :m', 'court = :court',
          'scheduleId = :s', '#source = :src', 'asOf = :a', 'dropId = :drop', '#status = :up',
          ...(h.attorneyOfRecord === undefined ? [] : ['attorneyOfRecord = :atty']),
        ];
        await conditional(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.upcomingHearing(h.caseId),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: `attribute_not_exists(pk) OR asOf < :a OR (asOf = :a AND (#status <> :up OR ${sameDrop}))`,
            ExpressionAttributeNames: NAMES,
            ExpressionAttributeValues: {
              ':c': h.caseId, ':d': h.date, ':t': h.time, ':ct': h.calType, ':m': h.medium, ':court': h.court,
              ':s': h.scheduleId, ':src': h.source, ':a': h.asOf, ':drop': h.dropId, ':up': 'UPCOMING',
              ...(h.source === 'SCHEDULE' ? { ':latest': 'CASE_LATEST' } : {}),
              ...(h.attorneyOfRecord === undefined ? {} : { ':atty': h.attorneyOfRecord }),
            },
          }),
        );
      });
    },

    async recordAdjourned(adjourned) {
      await mapWithLimit(adjourned, CONCURRENCY, async (a) => {
        await conditional(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.upcomingHearing(a.caseId),
            UpdateExpression: 'SET #status = :st, asOf = :a, dropId = :drop REMOVE hearingDay',
            ConditionExpression: 'scheduleId = :s AND asOf <= :a AND #status = :up',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':st': a.status, ':a': a.asOf, ':drop': a.dropId, ':s': a.scheduleId, ':up': 'UPCOMING' },
          }),
        );
      });
    },

    async onDays(days) {
      const found: StoredUpcomingHearing[] = [];
      for (const day of days) {
        const items = await queryPartition(client, tableName, { pk: day, index: { name: byDayIndex, keyName: 'hearingDay' } });
        found.push(...items.map(fromItem));
      }
      return found;
    },

    async ofCases(caseIds) {
      const items = await batchGetItems(client, tableName, [...new Set(caseIds)].map((id) => keys.upcomingHearing(id)), { consistentRead: true });
      return new Map(items.map((i) => [String(i.caseId), fromItem(i)]));
    },

    async noteReminded(r) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.reminded(r.hearingDate, r.caseId), caseId: r.caseId, hearingDate: r.hearingDate, noticeId: r.noticeId, horizon: r.horizon },
        }),
      );
    },

    async remindedFrom(day) {
      const items = await queryPartition(client, tableName, { pk: keys.remindedPk, skFrom: day, consistentRead: true });
      return items.map((i): RemindedHearing => ({ caseId: String(i.caseId), hearingDate: String(i.hearingDate), noticeId: String(i.noticeId), horizon: Number(i.horizon) }));
    },

    async lastNoticeSentAt(caseId) {
      let last: string | null = null;
      const items = await queryPartition(client, tableName, { pk: casePk(caseId), skPrefix: SK_PREFIX.notice, projection: 'sentAt', consistentRead: true });
      for (const i of items) if (typeof i.sentAt === 'string' && (last === null || i.sentAt > last)) last = i.sentAt;
      return last;
    },
  };
}

function fromItem(i: Record<string, unknown>): StoredUpcomingHearing {
  const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    caseId: String(i.caseId),
    scheduleId: s(i.scheduleId),
    date: String(i.date),
    time: s(i.time),
    calType: s(i.calType),
    medium: s(i.medium),
    court: s(i.court),
    source: i.source === 'CASE_LATEST' ? 'CASE_LATEST' : 'SCHEDULE',
    asOf: String(i.asOf),
    dropId: String(i.dropId),
    status: (s(i.status) ?? 'UPCOMING') as UpcomingStatus,
    ...(typeof i.attorneyOfRecord === 'boolean' ? { attorneyOfRecord: i.attorneyOfRecord } : {}),
  };
}
