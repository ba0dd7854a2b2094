import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { operatorAsOf } from '../../shared/domain/fta-signal';
import { dropObjects } from './drop-upload';
import { readEnvFile } from './serve-env';

const HELP = `Uploads a DOJ docket drop the way the ingest expects it: every table first, the
completion marker (Count.txt, else an empty READY) last; a .zip as one object.

Usage: npm run upload -- PATH [options]

  PATH              A drop folder (EOIR tables and Count.txt) or a .zip of one.
  --as-of DATE      The drop's as-of (YYYY-MM-DD), as S3 user metadata \`as-of\` on the
                    marker or the zip; the ingest orders drops by it.
  --drop-id ID      The drop's id, its folder under drops/ (default: the folder's or zip's name).
  --serve-env PATH  The local stack to upload to (default: out/serve.env, written by npm run serve).
  --profile P --bucket B
                    Upload to the deployed drop bucket B instead, with the AWS profile P
                    (~/.aws/config and credentials; SSO profiles too).
  -h, --help        Show this help.
`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      'as-of': { type: 'string' },
      'drop-id': { type: 'string' },
      'serve-env': { type: 'string', default: 'out/serve.env' },
      profile: { type: 'string' },
      bucket: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const fail = (message: string): number => {
    process.stderr.write(`upload: ${message}\n`);
    return 2;
  };
  if (positionals.length !== 1) return fail('give one drop folder or .zip (npm run upload -- --help)');
  const asOf = values['as-of'];
  if (asOf !== undefined && operatorAsOf(asOf) === null) return fail(`--as-of ${asOf}: expected a date YYYY-MM-DD`);
  if (values['drop-id'] !== undefined && !/^[A-Za-z0-9._-]+$/.test(values['drop-id'])) return fail(`--drop-id ${values['drop-id']}: letters, digits, '.', '_' and '-' only`);
  if ((values.profile === undefined) !== (values.bucket === undefined)) return fail('--profile and --bucket go together (the deployed bucket)');

  let config: S3ClientConfig;
  let bucket: string;
  if (values.profile !== undefined && values.bucket !== undefined) {
    config = { profile: values.profile };
    bucket = values.bucket;
  } else {
    const envFile = resolve(values['serve-env']);
    try {
      await access(envFile);
    } catch {
      return fail(`${envFile} not found: start the local stack first (npm run serve), or give --profile and --bucket`);
    }
    const env = await readEnvFile(envFile);
    const need = ['AWS_ENDPOINT_URL_S3', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'DOCKET_WATCH_BUCKET'];
    const missing = need.filter((k) => !env[k]);
    if (missing.length > 0) return fail(`${envFile} lacks ${missing.join(', ')}`);
    config = {
      endpoint: env.AWS_ENDPOINT_URL_S3,
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID as string, secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string },
      forcePathStyle: true,
    };
    bucket = env.DOCKET_WATCH_BUCKET as string;
  }

  const path = resolve(positionals[0] as string);
  let objects;
  try {
    objects = await dropObjects(path, { dropId: values['drop-id'], metadata: asOf === undefined ? undefined : { 'as-of': asOf } });
  } catch (err) {
    return fail((err as NodeJS.ErrnoException).code === 'ENOENT' ? `${path}: no such file or folder` : (err as Error).message);
  }
  const s3 = new S3Client(config);
  try {
    for (const o of objects) {
      // Streamed, multipart when large: a table can be gigabytes.
      await new Upload({
        client: s3,
        params: { Bucket: bucket, Key: o.key, Body: o.file === null ? Buffer.alloc(0) : createReadStream(o.file), ...(o.metadata ? { Metadata: o.metadata } : {}) },
      }).done();
      const meta = o.metadata ? `  (${Object.entries(o.metadata).map(([k, v]) => `${k}=${v}`).join(', ')})` : '';
      process.stdout.write(`uploaded s3://${bucket}/${o.key}${meta}\n`);
    }
  } finally {
    s3.destroy();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`upload: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
