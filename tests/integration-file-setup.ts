import { afterAll, vi } from 'vitest';

/*
 * Runs before each integration file, in the worker that runs it. The files of a worker share
 * its loaded node_modules (the AWS SDK, Powertools, s3rver...: most of a file's start-up), but
 * not what the project's own modules hold: the handler modules read their configuration and
 * create their clients at import, from the environment the file's local pipeline sets, so
 * each file imports them afresh, and finds the environment as the worker started.
 */
vi.resetModules();
const environment = { ...process.env };
afterAll(() => {
  for (const name of Object.keys(process.env)) if (!(name in environment)) delete process.env[name];
  Object.assign(process.env, environment);
});
