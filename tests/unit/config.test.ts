import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../shared/runtime/config';
import { ENV } from '../../shared/runtime/resources';

describe('loadConfig', () => {
  it('names every missing or malformed variable at once', () => {
    expect(() => loadConfig('notifyOrr', { [ENV.casesTable]: 'cases', [ENV.orrInbox]: 'not-an-address' })).toThrow(ConfigError);
    try {
      loadConfig('notifyOrr', { [ENV.casesTable]: 'cases', [ENV.orrInbox]: 'not-an-address' });
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toContain(ENV.idempotencyTable);
      expect(message).toContain(ENV.orrInbox);
      expect(message).toContain(ENV.mailFrom);
    }
  });

  it('applies defaults and coerces numbers', () => {
    expect(loadConfig('scheduleNta', { [ENV.casesTable]: 'cases' })[ENV.reverifyDueBusinessDays]).toBe(10);
    expect(loadConfig('scheduleNta', { [ENV.casesTable]: 'cases', [ENV.reverifyDueBusinessDays]: '3' })[ENV.reverifyDueBusinessDays]).toBe(3);
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
