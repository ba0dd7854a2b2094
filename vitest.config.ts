import { configDefaults, defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './tests/longest-first-sequencer';

/**
 * Unit files that change what other files would see in the same worker: aws-sdk-client-mock
 * stubs a client class's `send` for the whole process and these files never restore it; the
 * config test resets the module registry and sets the process's PII key. They run isolated.
 */
const UNIT_FILES_WITH_PROCESS_STATE = [
  'tests/unit/batch-helpers.test.ts',
  'tests/unit/config.test.ts',
  'tests/unit/dynamo-case-store.test.ts',
  'tests/unit/ses-mailer.test.ts',
  'tests/unit/sqs-fta-publisher.test.ts',
];

// Three suites: unit (no network; unit-isolated are its files with process-wide mocks), integration (real handlers against the local AWS
// emulators started once in tests/global-setup.ts), infra (CDK Template assertions).
export default defineConfig({
  test: {
    // Vitest's default on 2 cores is one worker: every file in series. Integration files
    // spend most of their time waiting on the emulators, so files run side by side, three
    // at a time (--maxWorkers overrides it): suite by suite, the longest suite and in it the
    // longest file first (tests/longest-first-sequencer.ts says why).
    maxWorkers: 3,
    sequence: { sequencer: LongestFirstSequencer },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...UNIT_FILES_WITH_PROCESS_STATE],
          environment: 'node',
          // Most of a unit file's time is importing the domain, zod, csv-parse, exceljs and
          // fast-check: a worker keeps them loaded from one file to the next. The files hold
          // no module state of their own (each builds its ports and clocks in its tests).
          isolate: false,
        },
      },
      {
        test: {
          name: 'unit-isolated',
          include: UNIT_FILES_WITH_PROCESS_STATE,
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/global-setup.ts'],
          // A worker runs file after file and keeps its node_modules loaded (the AWS SDK,
          // Powertools, s3rver, exceljs, mailparser: seconds of CPU a file, most of its import);
          // the set-up file gives each file the project's modules afresh (the handlers read
          // their environment at import) and the worker's environment as it was.
          isolate: false,
          setupFiles: ['tests/integration-file-setup.ts'],
          // Guards against a hang, not time limits: files share the cores (and a shared
          // machine's load), so a setup that takes 30 s alone can take minutes.
          testTimeout: 240_000,
          hookTimeout: 240_000,
          // Files run in parallel (three workers) against one set of emulators: each file
          // provisions its own uniquely named tables, queues and bucket, starts its own
          // s3rver, and reads only its own ORR inbox's emails from the shared SES emulator.
        },
      },
      {
        test: {
          name: 'infra',
          include: ['tests/infra/**/*.test.ts'],
          environment: 'node',
          // A hang guard: a synth is synchronous CPU work, slow when files share the cores.
          testTimeout: 300_000,
          // The files only read synthesized templates (no env, no mocks, no global state), so
          // a worker keeps aws-cdk-lib and the synthesized app loaded from one file to the next
          // instead of loading and synthesizing them again for each file.
          isolate: false,
        },
      },
    ],
  },
});
