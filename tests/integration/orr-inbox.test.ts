import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulators } from '../../infra/local/emulators';
import { localClientConfig } from '../../infra/local/provision';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import type { DropPii } from '../helpers/drop-generator';
import { connectEmulators, pipelineTestOptions, SAMPLE_DROP, SAMPLE_ROSTER, tempDir, uniqueSuffix } from '../helpers/local-stack';
import { scanForPii } from '../helpers/pii-scanner';

/*
 * What ORR's inbox gets from the local stack when the roster lands after the drop: the
 * sample drop's notices (public layout: no names), then one follow-up per notice, threaded
 * under it, once the roster names the children. out/emails/ holds the MIME as sent.
 */
describe("ORR's inbox on the local stack, the roster landing after the drop", () => {
  let emulators: Emulators;
  const suffix = uniqueSuffix();
  const outDir = tempDir('out');
  let run: LocalRunResult;
  let followUps: ParsedMail[];
  let roster: DropPii;

  beforeAll(async () => {
    emulators = await connectEmulators();
    run = await runLocalPipeline(
      emulators,
      pipelineTestOptions(suffix, { drops: [SAMPLE_DROP], outDir, juvenileCoordinators: { HOU: `fojc${suffix}@example.gov` }, digestRecipients: [`digest${suffix}@example.gov`] }),
    );
    const before = run.pipeline.sentEmails.length;
    await run.pipeline.uploadRoster(SAMPLE_ROSTER, `later${suffix}`);
    await run.pipeline.drain();
    followUps = await Promise.all(run.pipeline.sentEmails.slice(before).map((e) => simpleParser(e.raw)));
    // SES's Delivery event for the first notice, through the SNS subscription's function.
    const first = await simpleParser(run.pipeline.sentEmails[0]!.raw);
    const scope = /EOIR case (\d+)/.exec(first.subject ?? '')?.[1] ?? '';
    const reference = String(first.headers.get('x-docket-watch-reference'));
    await run.pipeline.deliverSesEvent({
      eventType: 'Delivery',
      mail: { messageId: run.pipeline.sentEmails[0]!.messageId, timestamp: new Date().toISOString(), tags: { scope: [scope], notice: [`FTA.${reference}`] } },
      delivery: { timestamp: new Date().toISOString(), recipients: [] },
    });
    await run.pipeline.stop();
    const rows = (await readFile(SAMPLE_ROSTER, 'utf8')).trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
    roster = {
      aNumbers: rows.map((r) => r[0] ?? '').filter((a) => /^\d{8,9}$/.test(a)),
      firstNames: rows.map((r) => r[1] ?? '').filter(Boolean),
      // Every row's last name is the fixture's placeholder "Sample", also the drop's name.
      lastNames: [],
      streets: rows.map((r) => r[10] ?? '').filter(Boolean),
      birthDates: rows.map((r) => r[3] ?? '').filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)),
    };
  });

  afterAll(async () => {
    await emulators?.stop();
  });

  it('writes out/emails/ as sent: our Message-ID, reference header, CRLF line ends only', async () => {
    const files = (await readdir(join(outDir, 'emails'))).filter((f) => f.endsWith('.eml'));
    // Nine notices and the day's digest.
    expect(files).toHaveLength(10);
    for (const file of files) {
      const raw = await readFile(join(outDir, 'emails', file), 'latin1');
      expect(raw.match(/(?<!\r)\n/g) ?? []).toEqual([]);
      const mail = await simpleParser(raw);
      const reference = mail.headers.get('x-docket-watch-reference');
      expect(typeof reference).toBe('string');
      expect(mail.subject).toContain(String(reference).startsWith('DIGEST.') ? 'daily digest' : `ref ${String(reference)}`);
      expect(mail.messageId).toMatch(new RegExp(`^<(FTA\\.)?${String(reference).replace(/\./g, '\\.')}\\.\\d+@example\\.gov>$`));
    }
  });

  it('follows each unnamed notice up once, threaded under it, naming the child and sponsor', async () => {
    const notices = (await Promise.all(run.pipeline.sentEmails.map((e) => simpleParser(e.raw)))).filter((m) => /^<FTA\./.test(m.messageId ?? ''));
    expect(notices).toHaveLength(9);
    expect(notices.every((n) => n.text?.includes('IDENTITY NOT IN THE DATA'))).toBe(true);
    expect(followUps).toHaveLength(9);
    for (const followUp of followUps) {
      const reference = String(followUp.headers.get('x-docket-watch-reference'));
      const notice = notices.find((n) => n.headers.get('x-docket-watch-reference') === reference);
      expect(followUp.subject).toBe(`CHILD IDENTIFIED: ${notice?.subject}`);
      expect(followUp.inReplyTo).toBe(notice?.messageId);
      expect(followUp.references).toContain(notice?.messageId);
      expect(followUp.text).toMatch(/Name: +Child\d+ Sample/);
      expect(followUp.text).toMatch(/Sponsor\d+ Sample \(PARENT\)/);
      expect(followUp.text).toMatch(/Address: \d+ Example St/);
    }
  });

  it('keeps A-numbers, names, streets and birth dates out of every DynamoDB key', async () => {
    const client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(emulators.endpoints.dynamodb)));
    try {
      const keys: string[] = [];
      for await (const page of paginateScan({ client }, { TableName: run.pipeline.resources.casesTable, ProjectionExpression: 'pk, sk, outboxPk, outboxSk' })) {
        for (const item of page.Items ?? []) keys.push(JSON.stringify(item));
      }
      expect(keys.length).toBeGreaterThan(50);
      expect(keys.some((k) => k.includes('AN#'))).toBe(true);
      expect(scanForPii(keys, [roster])).toEqual([]);
    } finally {
      client.destroy();
    }
  });
});
