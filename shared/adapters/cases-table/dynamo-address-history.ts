import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AddressEntry, AddressSource } from '../../domain/address-history';
import type { RosterUc } from '../../domain/roster';
import type { CaseHistory, EoirAddressSighting } from '../../ports/case-store';
import type { AddressHistory } from '../../ports/roster-store';
import { mapWithLimit } from '../../lib/concurrency';
import { batchGetItems, batchPutItems, queryPartition } from './batch-and-query';
import { addressEntries } from './address-items';
import { casePk, keys, SK_PREFIX, personKeys, type ItemKey } from './keys';

/*
 * Address history: every `ADDR#` item, in a case's partition (CASE#<IDNCASE>) and in a
 * roster UC's (AN#<hmac>), is read as one type, the domain's AddressEntry (source, asOf,
 * street, city, state, zip), by `addressFromItem`, and has one sort-key scheme,
 * `ADDR#<source>#<entry>` (keys.ts), where the entry says what makes it one entry:
 *   caseAddress   ADDR#<source>#AD#<hmac>   EOIR addresses: one per distinct content and
 *                                          date, seen again in every drop (first/lastSeenDropId)
 *   datedAddress  ADDR#<source>#<asOf>     roster sponsor and ERO-verified addresses: one
 *                                          per source and day (a later report that day replaces it)
 * Migration, on read: items written before this scheme are `ADDR#<asOf>#<source>`
 * (legacyDatedAddress); `addressEntries` reads one as the datedAddress of the same source
 * and day, and a datedAddress written since wins over it. Items written before `asOf` was
 * stored on EOIR addresses hold `changedOn` only: the reader takes `asOf`, else `changedOn`.
 * Every scheme shares the ADDR# prefix, so one begins_with query reads a whole history.
 */
const CONCURRENCY = 16;

export interface DynamoAddressHistoryOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDynamoAddressHistory({ client, tableName }: DynamoAddressHistoryOptions): AddressHistory &
  Pick<CaseHistory, 'recordAddresses'> & { saveSponsorAddress(uc: RosterUc, rosterId: string, savedAt: string): Promise<void> } {
  const putDated = (pk: string, entry: AddressEntry, extra: Record<string, unknown> = {}) =>
    client.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keys.datedAddress(pk, entry.asOf, entry.source),
          type: 'ADDRESS',
          source: entry.source,
          asOf: entry.asOf,
          street: entry.street,
          city: entry.city,
          state: entry.state,
          zip: entry.zip,
          ...extra,
        },
      }),
    );

  return {
    /**
     * EOIR addresses seen in a drop (A_TblCase), each kept once per content and date. The
     * entries' items are read first (one BatchGetItem per 100): a new one is put whole, 25 to
     * a BatchWriteItem (first and last seen in this drop); one seen before gets only its last
     * drop (an UpdateItem, none when this drop is already its last).
     */
    async recordAddresses(entries: readonly EoirAddressSighting[]): Promise<void> {
      if (entries.length === 0) return;
      // One item per distinct address and date, keyed by their HMAC: a street in a sort key
      // would reach CloudTrail data events.
      const keyed = entries.map((e) => ({ e, key: personKeys.caseAddress(e.caseId, e.source, [e.address.street, e.address.city, e.address.state, e.address.zip, e.changedOn]) }));
      const stored = new Map(
        (await batchGetItems(client, tableName, keyed.map((k) => k.key), { projection: 'pk, sk, lastSeenDropId', consistentRead: true })).map((i) => [`${String(i.pk)}|${String(i.sk)}`, i]),
      );
      const fresh: Record<string, unknown>[] = [];
      const seenAgain = new Map<string, { key: ItemKey; dropId: string }>();
      for (const { e, key } of keyed) {
        const id = `${key.pk}|${key.sk}`;
        const item = stored.get(id);
        if (item === undefined) {
          const a = e.address;
          fresh.push({ ...key, source: e.source, city: a.city, state: a.state, zip: a.zip, street: a.street, changedOn: e.changedOn, firstSeenDropId: e.dropId, lastSeenDropId: e.dropId });
        } else if (item.lastSeenDropId !== e.dropId) seenAgain.set(id, { key, dropId: e.dropId });
      }
      await batchPutItems(client, tableName, fresh);
      await mapWithLimit([...seenAgain.values()], CONCURRENCY, ({ key, dropId }) =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key,
            UpdateExpression: 'SET lastSeenDropId = :d',
            ExpressionAttributeValues: { ':d': dropId },
          }),
        ),
      );
    },

    /** The ORR sponsor address of a roster UC, as of its release (else the day saved). */
    async saveSponsorAddress(uc: RosterUc, rosterId: string, savedAt: string): Promise<void> {
      if (uc.sponsorAddress.city === null && uc.sponsorAddress.street === null && uc.sponsorAddress.zip === null) return;
      const entry: AddressEntry = { source: 'ORR_SPONSOR', asOf: uc.orrReleaseDate ?? savedAt.slice(0, 10), ...uc.sponsorAddress };
      await putDated(personKeys.rosterUc(uc.aNumber).pk, entry, { rosterId });
    },

    /**
     * Adds an address to the history of a case (and of the roster UC linked to it) and
     * returns the whole history of both, every source, oldest first (addressEntries).
     */
    async recordAddress(caseId: string, entry: AddressEntry): Promise<AddressEntry[]> {
      const [link] = await queryPartition(client, tableName, { pk: casePk(caseId), skPrefix: SK_PREFIX.rosterLink, consistentRead: true, limit: 1 });
      const aNumber = link?.aNumber as string | undefined;
      const partitions = [casePk(caseId), ...(aNumber ? [personKeys.rosterUc(aNumber).pk] : [])];
      for (const pk of partitions) await putDated(pk, entry);
      const items: Record<string, unknown>[] = [];
      for (const pk of partitions) items.push(...(await queryPartition(client, tableName, { pk, skPrefix: SK_PREFIX.address, consistentRead: true })));
      return addressEntries(items);
    },

    /** Stores which sources disagree for a case (empty: they agree). */
    async flagAddressDisagreements(caseId: string, pairs: readonly (readonly [AddressSource, AddressSource])[], at: string): Promise<void> {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.addressFlag(caseId), type: 'ADDRESS_FLAG', disagree: pairs.length > 0, pairs: pairs.map((p) => p.join('|')), at },
        }),
      );
    },
  };
}
