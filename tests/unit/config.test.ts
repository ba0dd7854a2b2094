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
