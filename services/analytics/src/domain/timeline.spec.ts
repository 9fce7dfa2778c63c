import { ContractViolationError, UnknownEventTypeError } from '@crm/contracts';
import { ADA, ENGINES, sourceEvent } from '../testing/events';
import { idFieldOf, occurredAtOf, positionKey } from './source-event';
import { categoryOf, checkTimelineEvent, timelineEntryOf } from './timeline';

const sealed = (value: string) => `pii:v1:${Buffer.from(value).toString('base64url')}`;

describe('timeline entries', () => {
  it('keep an interaction with its channel, direction and occurredAt, and its data sealed as it arrived', () => {
    const data = {
      interactionId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e55',
      contactId: ADA,
      channel: 'phone-call' as const,
      direction: 'outbound' as const,
      occurredAt: '2025-02-03T15:00:00Z',
      participants: sealed('[{"name":"Charles"}]') as never,
      subject: sealed('"Renewal"'),
      at: '2025-02-03T15:10:00.000Z',
    };
    const event = sourceEvent('InteractionLogged', data, {
      id: 'e-1',
      actor: 'user-7',
      correlationId: 'c-1',
      time: '2025-02-03T15:10:00.500Z',
      position: { commit: 1234n, prepare: 56n },
    });

    expect(timelineEntryOf(event)).toEqual({
      eventId: 'e-1',
      customerId: ADA,
      type: 'InteractionLogged',
      source: 'contacts',
      category: 'interaction',
      channel: 'phone-call',
      direction: 'outbound',
      occurredAt: '2025-02-03T15:00:00.000Z',
      recordedAt: '2025-02-03T15:10:00.500Z',
      actor: 'user-7',
      correlationId: 'c-1',
      position: '00000000000000001234.00000000000000000056',
      dataVersion: 1,
      data,
    });
  });

  it('date other events by their `at` and give them a category, without a channel', () => {
    const consent = sourceEvent('ContactConsentChanged', {
      contactId: ADA,
      channel: 'email',
      purpose: 'newsletter',
      status: 'granted',
      source: 'web-form',
      at: '2025-02-01T10:00:00.000Z',
    });
    expect(timelineEntryOf(consent)).toMatchObject({
      type: 'ContactConsentChanged',
      category: 'consent',
      occurredAt: '2025-02-01T10:00:00.000Z',
    });
    expect(timelineEntryOf(consent)).not.toHaveProperty('channel');
    expect(timelineEntryOf(consent)).not.toHaveProperty('actor');
  });

  it.each([
    ['ContactCreated', 'profile'],
    ['ContactUpdated', 'profile'],
    ['ContactArchived', 'profile'],
    ['ContactLinkedToCompany', 'company'],
    ['ContactsMerged', 'merge'],
    ['ContactUnmerged', 'merge'],
    ['ContactErased', 'privacy'],
    ['SomethingNew', 'other'],
  ])('put %s under %s', (type, category) => {
    expect(categoryOf(type)).toBe(category);
  });

  it('leave out events about no customer (companies, custom fields)', () => {
    const company = sourceEvent('CompanyCreated', {
      companyId: ENGINES,
      name: 'Analytical Engines Ltd',
      domains: [],
      addresses: [],
      at: '2025-01-10T09:00:00.000Z',
    });
    expect(timelineEntryOf(company)).toBeUndefined();
  });

  it('refuse an event type the contracts do not know (it is dead-lettered)', () => {
    expect(() =>
      timelineEntryOf({
        ...sourceEvent('ContactArchived', { contactId: ADA, at: '2025-01-01T00:00:00Z' }),
        type: 'crm.contacts.Nope',
      }),
    ).toThrow(UnknownEventTypeError);
  });
});

describe('the contract check of timeline events (on an opened copy)', () => {
  const interaction = (extra: object) =>
    sourceEvent('InteractionLogged', {
      interactionId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e55',
      contactId: ADA,
      channel: 'note',
      direction: 'internal',
      occurredAt: '2025-02-03T15:00:00.000Z',
      participants: [],
      at: '2025-02-03T15:10:00.000Z',
      ...extra,
    });

  it('passes a valid event, and one whose personal data opened as null (an erased person)', () => {
    expect(() => checkTimelineEvent(interaction({ subject: 'Renewal' }))).not.toThrow();
    expect(() => checkTimelineEvent(interaction({ participants: null, subject: null }))).not.toThrow();
  });

  it('throws for personal data that breaks the contract, which only the opened copy shows', () => {
    expect(() => checkTimelineEvent(interaction({ subject: '' }))).toThrow(ContractViolationError);
  });

  it('throws for any other breach, also once the personal data opens as null (a rebuild after an erasure)', () => {
    expect(() => checkTimelineEvent(interaction({ channel: 'pigeon' }))).toThrow(ContractViolationError);
    expect(() => checkTimelineEvent(interaction({ channel: 'pigeon', participants: null, subject: null }))).toThrow(/\/channel/);
  });
});

describe('source events', () => {
  it('prefer occurredAt, then at, then the recording time; normalized to milliseconds in UTC', () => {
    expect(occurredAtOf({ time: '2025-01-01T00:00:00Z', data: { occurredAt: '2024-12-31T23:00:00+01:00', at: 'x' } })).toBe(
      '2024-12-31T22:00:00.000Z',
    );
    expect(occurredAtOf({ time: '2025-01-01T00:00:00Z', data: { at: '2024-06-01T00:00:00.123456Z' } })).toBe(
      '2024-06-01T00:00:00.123Z',
    );
    expect(occurredAtOf({ time: '2025-01-01T00:00:00Z', data: {} })).toBe('2025-01-01T00:00:00.000Z');
  });

  it('sort positions as strings like the numbers they are', () => {
    const keys = [
      { commit: 10n, prepare: 2n },
      { commit: 9n, prepare: 100n },
      { commit: 10n, prepare: 11n },
    ].map(positionKey);
    expect([...keys].sort()).toEqual([keys[1], keys[0], keys[2]]);
  });

  it('take a document id from the events of the names given, and from no other', () => {
    const companyId = idFieldOf(['CompanyCreated'], 'companyId');
    const company = sourceEvent('CompanyCreated', {
      companyId: ENGINES,
      name: 'E',
      domains: [],
      addresses: [],
      at: '2025-01-01T00:00:00Z',
    });
    expect(companyId(company)).toBe(ENGINES);
    expect(
      companyId(sourceEvent('ContactLinkedToCompany', { contactId: ADA, companyId: ENGINES, at: '2025-01-01T00:00:00Z' })),
    ).toBeUndefined();
  });
});
