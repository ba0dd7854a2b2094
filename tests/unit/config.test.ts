import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../shared/runtime/config';
import { ENV, unconfirmedGraceBoundSeconds } from '../../shared/runtime/resources';
import { functionEnvironment } from '../../infra/local/pipeline';

describe('loadConfig', () => {
  it('names every missing or malformed variable at once', () => {
    expect(() => loadConfig('notifyOrr', { [ENV.casesTable]: 'cases', [ENV.orrInbox]: 'not-an-address' })).toThrow(ConfigError);
    const message = (() => {
      try {
        loadConfig('notifyOrr', { [ENV.casesTable]: 'cases', [ENV.orrInbox]: 'not-an-address' });
        return 'no error';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toContain(ENV.idempotencyTable);
    expect(message).toContain(ENV.orrInbox);
    expect(message).toContain(ENV.mailFrom);
  });

  it('applies defaults and coerces numbers', () => {
    const base = { [ENV.casesTable]: 'cases', [ENV.dropBucket]: 'drops' };
    expect(loadConfig('scheduleNta', base)[ENV.reverifyDueBusinessDays]).toBe(10);
    expect(loadConfig('scheduleNta', { ...base, [ENV.reverifyDueBusinessDays]: '3' })[ENV.reverifyDueBusinessDays]).toBe(3);
  });

  it('reads the NTA plan capacity, per-AOR overrides and priority order, and refuses unknown ones', () => {
    const base = { [ENV.casesTable]: 'cases', [ENV.dropBucket]: 'drops' };
    const defaults = loadConfig('planNta', base);
    expect(defaults[ENV.ntaSlotsPerDay]).toBe(20);
    expect(defaults[ENV.ntaSlotsByAor]).toEqual({});
    expect(defaults[ENV.ntaPriorityOrder]).toEqual(['PRIOR_FTA', 'SAFETY_FLAG', 'LONGEST_SINCE_RELEASE', 'NEAREST_18TH_BIRTHDAY']);
    const set = loadConfig('planNta', {
      ...base,
      [ENV.ntaSlotsPerDay]: '5',
      [ENV.ntaSlotsByAor]: '{"HOU":40,"SPM":0}',
      [ENV.ntaPriorityOrder]: 'NEAREST_18TH_BIRTHDAY, PRIOR_FTA',
    });
    expect(set[ENV.ntaSlotsByAor]).toEqual({ HOU: 40, SPM: 0 });
    expect(set[ENV.ntaPriorityOrder]).toEqual(['NEAREST_18TH_BIRTHDAY', 'PRIOR_FTA']);
    expect(() => loadConfig('planNta', { ...base, [ENV.ntaSlotsByAor]: '{"XYZ":4}' })).toThrow(ConfigError);
    expect(() => loadConfig('planNta', { ...base, [ENV.ntaPriorityOrder]: 'AGE' })).toThrow(ConfigError);
  });
});

describe('ORR notifier configuration', () => {
  const base = { [ENV.casesTable]: 'cases', [ENV.idempotencyTable]: 'idem', [ENV.orrInbox]: 'orr@example.gov', [ENV.mailFrom]: 'dw@example.gov' };

  it('parses the juvenile coordinator map and defaults the rest', () => {
    const config = loadConfig('notifyOrr', { ...base, [ENV.juvenileCoordinators]: '{"HOU":"fojc@ice.example.gov"}' });
    expect(config[ENV.juvenileCoordinators]).toEqual({ HOU: 'fojc@ice.example.gov' });
    expect(config[ENV.unconfirmedGraceSeconds]).toBe(600);
    expect(config[ENV.sesMessageIdDomain]).toBe('email.amazonses.com');
    expect(loadConfig('notifyOrr', base)[ENV.juvenileCoordinators]).toEqual({});
  });

  it('names the variable when the map is not JSON, has an unknown AOR or a bad address', () => {
    for (const bad of ['{HOU:', '{"XYZ":"a@example.gov"}', '{"HOU":"not-an-address"}']) {
      expect(() => loadConfig('notifyOrr', { ...base, [ENV.juvenileCoordinators]: bad })).toThrow(ENV.juvenileCoordinators);
    }
  });

  it('parses digest recipients with optional AOR filters', () => {
    const env = { [ENV.casesTable]: 'cases', [ENV.mailFrom]: 'dw@example.gov', [ENV.digestRecipients]: '[{"address":"d@example.gov","aors":["HOU"]}]' };
    expect(loadConfig('sendOrrDigest', env)[ENV.digestRecipients]).toEqual([{ address: 'd@example.gov', aors: ['HOU'] }]);
    expect(() => loadConfig('sendOrrDigest', { ...env, [ENV.digestRecipients]: '[{"address":"x"}]' })).toThrow(ENV.digestRecipients);
  });
});

describe('the unconfirmed-notice grace period against the notice queue', () => {
  const base = { [ENV.casesTable]: 'cases', [ENV.idempotencyTable]: 'idem', [ENV.orrInbox]: 'orr@example.gov', [ENV.mailFrom]: 'dw@example.gov' };

  it('resends an unconfirmed notice before SQS gives up on it, deployed', () => {
    // 600 s < (5 - 1) receives x 180 s: the last delivery comes after the grace.
    expect(loadConfig('notifyOrr', base)[ENV.unconfirmedGraceSeconds]).toBeLessThan(unconfirmedGraceBoundSeconds());
  });

  it('and on the local stack, whose queues retry in seconds', () => {
    for (const visibility of [1, 2, 5]) {
      const env = functionEnvironment(
        { endpoints: { dynamodb: 'http://x', sqs: 'http://x', s3: 'http://x', ses: 'http://x' }, onS3Event: () => () => undefined, stop: async () => undefined },
        { queues: { orrNotices: { visibilityTimeoutSeconds: visibility }, ntaSchedule: {} }, chunkQueue: {} } as never,
        { orrInbox: 'orr@example.gov', mailFrom: 'dw@example.gov' },
      );
      const grace = loadConfig('notifyOrr', { ...env, ...base })[ENV.unconfirmedGraceSeconds];
      expect(grace, `visibility ${visibility}`).toBeLessThan(unconfirmedGraceBoundSeconds(visibility));
      expect(grace).toBeGreaterThan(0);
    }
  });
});
