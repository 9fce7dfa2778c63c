import { ActivityErased, ActivityRecorded } from '../test/activity';
import { InvalidProjectionError, defineProjection, takerOf, topicsOf, type ProjectionDefinition } from './projection';

const definition = (overrides: Partial<ProjectionDefinition>): ProjectionDefinition => ({
  name: 'contact-list',
  collection: 'contacts',
  handles: [ActivityRecorded],
  documentId: (event) => event.subject,
  evolve: (doc) => doc ?? {},
  ...overrides,
});

describe('defineProjection', () => {
  it('accepts a valid definition, its version whole and from 1', () => {
    expect(defineProjection(definition({})).version).toBeUndefined();
    expect(defineProjection(definition({ version: 3 })).version).toBe(3);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.MAX_VALUE])('refuses version %p', (version) => {
    expect(() => defineProjection(definition({ version }))).toThrow(InvalidProjectionError);
  });

  it.each([
    [{ name: 'has space' }, /Invalid projection name/],
    [{ collection: 'system.users' }, /Invalid collection name/],
    [{ collection: 'contacts__rebuild_x' }, /Invalid collection name/],
    [{ handles: [] }, /handles no events/],
  ])('refuses %p', (overrides, message) => {
    expect(() => defineProjection(definition(overrides))).toThrow(message);
  });
});

describe('topicsOf and takerOf', () => {
  const projection = defineProjection(definition({ handles: [ActivityRecorded, ActivityErased] }));

  it('reads the topic of each service whose events it handles, once', () => {
    expect(topicsOf(projection, (service) => `tenant-a.${service}`)).toEqual(['tenant-a.activity']);
  });

  it('takes its events by CloudEvents type, and unknown ones only when it dead-letters them', () => {
    const known = (type: string) => type !== 'crm.activity.New';
    expect(takerOf(projection, known)({ type: 'crm.activity.ActivityErased' })).toBe(true);
    expect(takerOf(projection, known)({ type: 'crm.other.ActivityErased' })).toBe(false);
    expect(takerOf(projection, known)({ type: 'crm.activity.New' })).toBe(false);
    expect(takerOf({ ...projection, unknownEvents: 'dead-letter' }, known)({ type: 'crm.activity.New' })).toBe(true);
  });
});
