import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NoticeCaseReader, StoredFta } from '../../ports/notice-case';
import type { NoticeRecord } from '../../ports/notice-ledger';
import { queryPartition } from './batch-and-query';
import { caseDetailsFromItems } from './dynamo-case-details';
import { noticeRecordFromItem } from './dynamo-notice-ledger';
import { fromFtaItem } from './fta-item';
import { casePk, SK_PREFIX } from './keys';

/*
 * One case's partition (pk CASE#<IDNCASE>) read once, consistently, for the notifier: the
 * FTA items (FTA#<ftaId>), the notice items (NOTICE#<noticeId>, the notice ledger's) and the
 * items the case details map (UC, PROFILE, ADDR#, HEARING#, ROSTER#), then the roster UC
 * the case belongs to, if any, in one more Query. Each item is mapped by the module that
 * owns its family (fta-item.ts, dynamo-notice-ledger.ts, dynamo-case-details.ts), so what
 * older writes left (every notice shape, legacy address keys) reads as there.
 */
export interface DynamoNoticeCaseOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDynamoNoticeCase({ client, tableName }: DynamoNoticeCaseOptions): NoticeCaseReader {
  const detailsOf = caseDetailsFromItems({ client, tableName });
  return {
    async readCase(caseId) {
      const items = await queryPartition(client, tableName, { pk: casePk(caseId), consistentRead: true });
      const ftas = new Map<string, StoredFta>();
      const notices = new Map<string, NoticeRecord>();
      for (const item of items) {
        const sk = typeof item.sk === 'string' ? item.sk : '';
        if (sk.startsWith(SK_PREFIX.fta)) {
          const fta = fromFtaItem(item);
          ftas.set(fta.ftaId, fta);
        } else if (sk.startsWith(SK_PREFIX.notice)) {
          const noticeId = sk.slice(SK_PREFIX.notice.length);
          notices.set(noticeId, noticeRecordFromItem({ scope: caseId, noticeId }, item));
        }
      }
      return { ftas, notices, details: await detailsOf(items) };
    },
  };
}
