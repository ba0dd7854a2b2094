import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, sendConditional, transactWrite } from './transactions';
import { noticeSentAggregateUpdate } from './program-aggregates';
import type { NoticeKey, NoticeLedger, NoticeRecord } from '../../ports/notice-ledger';
import { keys } from './keys';

/*
 * Notice items in the cases table, beside the FTA they are about:
 *   pk CASE#<IDNCASE> | DIGEST | RECONCILIATION   sk NOTICE#<noticeId>
 *   type, ftaId, state, messageIdHeader, intentAt, ftaRecordedAt, sentAt, sesMessageId,
 *   providerAcceptedAt, recipients, identified, bounces, complaints, lastEventType, lastEventAt
 *   (WITHHELD: type, ftaId, state, withheldReason, withheldAt)
 * No PII: ids, timestamps and counts only. `sentAt - ftaRecordedAt` is the notification latency.
 */
export interface DynamoNoticeLedgerOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** The digest and the OPLA reconciliations keep partitions of their own (keys.notice). */
const keyOf = (k: NoticeKey) => keys.notice(k.scope, k.noticeId);

/** What every notice record item names: its key, scope, notice, type and FTA. */
const recordBase = (r: NoticeKey & { type: string; ftaId: string | null }) => ({ ...keyOf(r), scope: r.scope, noticeId: r.noticeId, type: r.type, ftaId: r.ftaId });

export function createDynamoNoticeLedger({ client, tableName }: DynamoNoticeLedgerOptions): NoticeLedger {
  return {
    async get(key) {
      const out = await client.send(new GetCommand({ TableName: tableName, Key: keyOf(key), ConsistentRead: true }));
      return out.Item === undefined ? undefined : noticeRecordFromItem(key, out.Item);
    },

    async begin(record) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...recordBase(record),
              state: 'SENDING',
              messageIdHeader: record.messageIdHeader,
              intentAt: record.intentAt,
              ftaRecordedAt: record.ftaRecordedAt,
              recipients: record.recipients,
              ...(record.identified === undefined ? {} : { identified: record.identified }),
              bounces: 0,
              complaints: 0,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        // The SDK retries a PutItem whose answer was lost (timeout, reset): the retry then
        // finds our own intent. Only another attempt's intent means "in progress".
        const out = await client.send(new GetCommand({ TableName: tableName, Key: keyOf(record), ConsistentRead: true }));
        return out.Item?.state === 'SENDING' && out.Item.messageIdHeader === record.messageIdHeader;
      }
    },

    async withhold(record) {
      return sendConditional(
        client,
        new PutCommand({
          TableName: tableName,
          Item: {
            ...recordBase(record),
            state: 'WITHHELD',
            withheldReason: record.reason,
            withheldAt: record.at,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async release(key, messageIdHeader) {
      return sendConditional(
        client,
        new DeleteCommand({
          TableName: tableName,
          Key: keyOf(key),
          ConditionExpression: '#state = :sending AND messageIdHeader = :mid AND attribute_not_exists(providerAcceptedAt)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':sending': 'SENDING', ':mid': messageIdHeader },
        }),
      );
    },

    async markSent(key, sent, countsAs) {
      const update = {
        TableName: tableName,
        Key: keyOf(key),
        UpdateExpression: 'SET #state = :sent, sentAt = if_not_exists(sentAt, :at), sesMessageId = if_not_exists(sesMessageId, :id)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sent': 'SENT', ':at': sent.sentAt, ':id': sent.sesMessageId },
      };
      if (countsAs !== undefined) {
        // The first mark counts the email in AGG#NOTICE, in the same transaction, so a
        // retried mark (sentAt already set) cannot count it twice.
        const outcome = await transactWrite(client, [
          { Update: { ...update, ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(sentAt)' } },
          {
            Update: noticeSentAggregateUpdate(tableName, {
              ...countsAs,
              // The ingest records an FTA minutes after its drop lands: the landing time.
              landedAt: countsAs.recordedAt,
              sentAt: sent.sentAt,
            }),
          },
        ]);
        if (outcome === 'applied') return;
        // Already counted (or not begun): fall through to the plain, idempotent update.
      }
      await client.send(new UpdateCommand({ ...update, ConditionExpression: 'attribute_exists(pk)' }));
    },

    async recordProviderEvent(key, event) {
      const counters: Record<string, string> = { Bounce: 'bounces', Complaint: 'complaints' };
      const counter = counters[event.type];
      const sets = ['lastEventType = :type', 'lastEventAt = :at', 'eventSesMessageId = :id'];
      if (event.type === 'Send') sets.push('providerAcceptedAt = if_not_exists(providerAcceptedAt, :at)');
      if (event.detail !== null) sets.push('lastEventDetail = :detail');
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(key),
            UpdateExpression: `SET ${sets.join(', ')}${counter ? ` ADD ${counter} :one` : ''}`,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: {
              ':type': event.type,
              ':at': event.at,
              ':id': event.sesMessageId,
              ...(event.detail !== null ? { ':detail': event.detail } : {}),
              ...(counter ? { ':one': 1 } : {}),
            },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },
  };
}

/** A stored notice item as the ledger reads it (every shape the ledger has written). */
export function noticeRecordFromItem(key: NoticeKey, item: Record<string, unknown>): NoticeRecord {
  const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    scope: key.scope,
    noticeId: key.noticeId,
    type: item.type as NoticeRecord['type'],
    ftaId: s(item.ftaId),
    state: item.state === 'SENT' ? 'SENT' : item.state === 'WITHHELD' ? 'WITHHELD' : 'SENDING',
    withheldReason: (s(item.withheldReason) as NoticeRecord['withheldReason']) ?? null,
    ...(typeof item.identified === 'boolean' ? { identified: item.identified } : {}),
    messageIdHeader: String(item.messageIdHeader ?? ''),
    intentAt: String(item.intentAt ?? item.withheldAt ?? ''),
    ftaRecordedAt: s(item.ftaRecordedAt),
    sentAt: s(item.sentAt),
    sesMessageId: s(item.sesMessageId) ?? s(item.eventSesMessageId),
    providerAcceptedAt: s(item.providerAcceptedAt),
    recipients: Number(item.recipients ?? 0),
    bounces: Number(item.bounces ?? 0),
    complaints: Number(item.complaints ?? 0),
  };
}
