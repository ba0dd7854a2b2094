import type { AwsCall } from './aws-calls';
import type { LocalPipelineOptions } from './function-environment';
import type { LocalResources } from './provision';

/**
 * The functions' AWS calls with the local resource names replaced by the deployed stack's
 * logical ones (cases, dropBucket/<key>, orrNotices, ses:identity/mailFrom) and the
 * addresses by their role (mailFrom, orrInbox, fojc, digestRecipient, oplaRecipient), so
 * calls of runs with different suffixes compare (tests/infra/recorded-aws-calls.json).
 */
export function callsByLogicalName(calls: readonly AwsCall[], r: LocalResources, options: LocalPipelineOptions): AwsCall[] {
  // By queue name (a URL's last segment): a URL may name the queue through another host (a
  // proxy in front of the emulator, or the emulator's own answer to GetQueueUrl).
  const queueName = (urlOrName: string): string => urlOrName.slice(urlOrName.lastIndexOf('/') + 1);
  const queues = new Map<string, string>([
    ...Object.entries(r.queues).flatMap(([name, q]) => [[q.url, name], [q.dlqUrl, `${name}Dlq`]] as [string, string][]),
    [r.chunkQueue.url, 'dropChunks'],
    [r.chunkQueue.dlqUrl, 'dropChunksDlq'],
  ].map(([url, name]) => [queueName(url as string), name as string]));
  const role = (address: string): string => {
    const a = address.toLowerCase();
    if (a === options.mailFrom.toLowerCase()) return 'mailFrom';
    if (a === options.orrInbox.toLowerCase()) return 'orrInbox';
    if (Object.values(options.juvenileCoordinators ?? {}).some((f) => f.toLowerCase() === a)) return 'fojc';
    if ((options.digestRecipients ?? []).some((d) => d.toLowerCase() === a)) return 'digestRecipient';
    if (Object.values(options.oplaReconciliationRecipients ?? {}).flat().some((o) => o.toLowerCase() === a)) return 'oplaRecipient';
    return `other:${a}`;
  };
  return calls.map((c) => {
    const [kind, ...rest] = c.resource.split(':');
    const name = rest.join(':');
    let resource = c.resource;
    if (kind === 'table') {
      const [table, index] = name.split('/index/');
      const logical = table === r.casesTable ? 'cases' : table === r.idempotencyTable ? 'idempotency' : `table:${table}`;
      resource = index === undefined ? logical : `${logical}/index/${index}`;
    }
    else if (kind === 'bucket') resource = name === r.dropBucket ? 'dropBucket' : c.resource;
    else if (kind === 'object') resource = name.startsWith(`${r.dropBucket}/`) ? `dropBucket/${name.slice(r.dropBucket.length + 1)}` : c.resource;
    else if (kind === 'queue') resource = queues.get(queueName(name)) ?? c.resource;
    else if (kind === 'ses-identity') resource = `ses:identity/${role(name)}`;
    const context = c.context === undefined ? undefined : Object.fromEntries(
      Object.entries(c.context).map(([k, v]) => [k, k.startsWith('ses:') ? (Array.isArray(v) ? v.map(role) : role(v as string)) : v]),
    );
    return { ...c, resource, ...(context === undefined ? {} : { context }) };
  });
}
