import { IdempotencyItemAlreadyExistsError, IdempotencyItemNotFoundError, IdempotencyRecordStatus } from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, type IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';

/**
 * Powertools idempotency records in memory, with the DynamoDB layer's conditions: a put
 * fails while a COMPLETED record is unexpired or an INPROGRESS one is within its invocation
 * (Date.now, so fake timers move it).
 */
export class MemoryIdempotencyStore extends BasePersistenceLayer {
  readonly records = new Map<string, IdempotencyRecord>();

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const record = this.records.get(idempotencyKey);
    if (record === undefined) throw new IdempotencyItemNotFoundError(`no record ${idempotencyKey}`);
    return record;
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const existing = this.records.get(record.idempotencyKey);
    if (existing !== undefined) {
      const completed = existing.getStatus() === IdempotencyRecordStatus.COMPLETED && !existing.isExpired();
      const inProgress = existing.getStatus() === IdempotencyRecordStatus.INPROGRESS && (existing.inProgressExpiryTimestamp ?? 0) > Date.now();
      if (completed || inProgress) throw new IdempotencyItemAlreadyExistsError(`record ${record.idempotencyKey} exists`, existing);
    }
    this.records.set(record.idempotencyKey, record);
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    this.records.set(record.idempotencyKey, record);
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    this.records.delete(record.idempotencyKey);
  }
}
