import { ContractRegistry } from '../registry';
import {
  ContactCreated,
  ContactCreatedV1,
  ContactCreatedV2,
  ContactCreatedV3,
  contactCreatedV1ToV2,
  contactCreatedV2ToV3,
  contactCreatedV3ToV4,
  type ContactCreatedV2Data,
  splitFullName,
  type ContactCreatedV1Data,
} from './contact-created';
import { contactsContracts } from '.';

const registry = new ContractRegistry(contactsContracts);
const v1 = (fullName: string, email?: string): ContactCreatedV1Data => ({
  contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
  fullName,
  ...(email === undefined ? {} : { email }),
  at: '2024-11-02T08:00:00.000Z',
});

describe('splitFullName', () => {
  it.each([
    ['Ada Lovelace', 'Ada', 'Lovelace'],
    ['Ada King Lovelace', 'Ada King', 'Lovelace'],
    ['Plato', 'Plato', ''],
    ['  Ada   Lovelace  ', 'Ada', 'Lovelace'],
    ['Ada\tLovelace', 'Ada', 'Lovelace'],
    ['Gabriel García Márquez', 'Gabriel García', 'Márquez'],
  ])('splits "%s" into given "%s" and family "%s"', (fullName, given, family) => {
    expect(splitFullName(fullName)).toEqual({ given, family });
  });
});

describe('ContactCreated v1 → v2', () => {
  it('is the first upcaster of ContactCreated', () => {
    expect(registry.upcastersOf('ContactCreated')).toEqual([contactCreatedV1ToV2, contactCreatedV2ToV3, contactCreatedV3ToV4]);
    expect(registry.currentVersion('ContactCreated')).toBe(ContactCreated.version);
  });

  it('splits the name and keeps id, e-mail and time', () => {
    expect(contactCreatedV1ToV2.upcast(v1('Ada King Lovelace', 'ada@example.com'))).toEqual({
      contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
      name: { given: 'Ada King', family: 'Lovelace' },
      email: 'ada@example.com',
      at: '2024-11-02T08:00:00.000Z',
    });
  });

  it('leaves an absent e-mail absent', () => {
    expect(contactCreatedV1ToV2.upcast(v1('Ada Lovelace'))).not.toHaveProperty('email');
  });

  it('does not change the stored data', () => {
    const stored = v1('Ada Lovelace');
    const before = structuredClone(stored);
    contactCreatedV1ToV2.upcast(stored);
    expect(stored).toEqual(before);
  });

  // Every valid v1 must become a valid v2, or stored events would become unreadable.
  it.each([
    ['a single letter', 'A'],
    ['a single name', 'Plato'],
    ['a name in spaces', ' x '],
    ['a 199-letter name and a space', `${'a'.repeat(199)} `],
    ['two parts, 200 characters in all', `${'a'.repeat(100)} ${'b'.repeat(99)}`],
    ['one 200-letter name', 'a'.repeat(200)],
    ['a double space', 'Jean-Luc  Picard'],
  ])('turns a valid v1 name (%s) into a valid v2 and v3', (_, fullName) => {
    expect(registry.validate('ContactCreated', v1(fullName), 1)).toEqual([]);
    expect(registry.validate('ContactCreated', contactCreatedV1ToV2.upcast(v1(fullName)), 2)).toEqual([]);
    expect(registry.validate('ContactCreated', registry.toCurrent('ContactCreated', 1, v1(fullName)))).toEqual([]);
  });

  it('refuses a v1 name with no visible character', () => {
    expect(registry.validate('ContactCreated', v1('   '), 1)).toContainEqual(
      expect.objectContaining({ path: '/fullName', keyword: 'pattern' }),
    );
  });

  it('reads a stored v1 event as the current ContactCreated', () => {
    const stored = { type: 'ContactCreated', data: ContactCreatedV1.example, metadata: { schemaVersion: 1 } };
    expect(registry.toDomainEvent(stored)).toEqual({
      type: 'ContactCreated',
      data: contactCreatedV2ToV3.upcast(ContactCreatedV2.example),
    });
  });
});

describe('ContactCreated v2 → v3', () => {
  const v2 = (email?: string): ContactCreatedV2Data => ({
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    name: { given: 'Ada', family: 'Lovelace' },
    ...(email === undefined ? {} : { email }),
    at: '2024-11-02T08:00:00.000Z',
  });

  it('makes the e-mail the one primary address, and every contact a lead with empty lists', () => {
    expect(contactCreatedV2ToV3.upcast(v2('ada@example.com'))).toEqual({
      contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
      name: { given: 'Ada', family: 'Lovelace' },
      emails: [{ address: 'ada@example.com', primary: true }],
      phones: [],
      addresses: [],
      lifecycleStage: 'lead',
      tags: [],
      customFields: [],
      at: '2024-11-02T08:00:00.000Z',
    });
  });

  it('gives a contact without e-mail no addresses', () => {
    expect(contactCreatedV2ToV3.upcast(v2()).emails).toEqual([]);
  });

  it('turns every valid v2 into a valid v3', () => {
    for (const data of [v2(), v2('a@b.co'), ContactCreatedV2.example]) {
      expect(registry.validate('ContactCreated', data, 2)).toEqual([]);
      expect(registry.validate('ContactCreated', contactCreatedV2ToV3.upcast(data))).toEqual([]);
    }
  });
});

describe('ContactCreated v3 → v4', () => {
  const { name: _, ...nameless } = ContactCreated.example;
  const valid = (data: unknown) => registry.validate('ContactCreated', data);
  const phone = (extension: string) => ({
    ...ContactCreated.example,
    phones: [{ number: '+12025550123', extension, primary: true }],
  });

  it('reads a stored v3 event as it is', () => {
    expect(registry.toCurrent('ContactCreated', 3, ContactCreatedV3.example)).toEqual(ContactCreatedV3.example);
    expect(valid(ContactCreatedV3.example)).toEqual([]);
  });

  it('takes a contact without a name, and a name with a family name only, which v3 refused', () => {
    expect(valid(nameless)).toEqual([]);
    expect(registry.validate('ContactCreated', nameless, 3)).toContainEqual(expect.objectContaining({ keyword: 'required' }));
    const familyOnly = { ...ContactCreated.example, name: { given: '', family: 'Lovelace' } };
    expect(valid(familyOnly)).toEqual([]);
    expect(registry.validate('ContactCreated', familyOnly, 3)).toContainEqual(
      expect.objectContaining({ path: '/name/given', keyword: 'minLength' }),
    );
  });

  it('keeps a phone extension of digits only', () => {
    expect(valid(phone('43023'))).toEqual([]);
    expect(valid(phone('x12'))).toContainEqual(expect.objectContaining({ path: '/phones/0/extension', keyword: 'pattern' }));
    expect(valid(phone(''))).not.toEqual([]);
  });

  it('keeps the source system’s creation time in UTC', () => {
    expect(valid({ ...ContactCreated.example, sourceCreatedAt: '2019-04-02T13:45:00.000Z' })).toEqual([]);
    expect(valid({ ...ContactCreated.example, sourceCreatedAt: '2019-04-02' })).toContainEqual(
      expect.objectContaining({ path: '/sourceCreatedAt' }),
    );
  });

  it('keeps the name, phones and their extensions personal data, erased with the person', () => {
    expect(ContactCreated.pii).toEqual(ContactCreatedV3.pii);
    expect(ContactCreated.pii).toEqual(expect.arrayContaining(['/name', '/phones']));
  });
});
