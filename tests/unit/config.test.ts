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
