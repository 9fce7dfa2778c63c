import { InvalidProjectionError, defineProjection, type ProjectionDefinition } from './projection';

const definition = (overrides: Partial<ProjectionDefinition>): ProjectionDefinition => ({
  name: 'contact-list',
  collection: 'contacts',
  topics: ['crm.contacts'],
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
    [{ topics: [] }, /has no topics/],
  ])('refuses %p', (overrides, message) => {
    expect(() => defineProjection(definition(overrides))).toThrow(message);
  });
});
