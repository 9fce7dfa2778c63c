import { customerIdOf, crmContracts } from '@crm/contracts';
import { decodedEvents, project, projectionSpec, type GivenEvent } from '@crm/projections/testing';
import { occurredAtOf, positionKey } from '../../domain/timeline';
import { ADA } from '../../testing/events';
import { customerEvents } from './customer-events';
import { timelineProjection } from './timeline';

const sealed = (value: string) => `pii:v1:${Buffer.from(value).toString('base64url')}`;

/** An event about Ada as the runner gives it: the subject is the customer, the sealed data as published. */
const aboutAda = (event: GivenEvent): GivenEvent => ({ subject: ADA, ...event });

describe('timeline', () => {
  it('keeps an interaction with its channel, direction and occurredAt, and its data sealed as it arrived', () => {
    const data = {
      interactionId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e55',
      contactId: ADA,
      channel: 'phone-call' as const,
      direction: 'outbound' as const,
      occurredAt: '2025-02-03T15:00:00Z',
      participants: [{ name: 'Charles' }],
      subject: 'Renewal',
      at: '2025-02-03T15:10:00.000Z',
    };
    const published = { ...data, participants: sealed('[{"name":"Charles"}]'), subject: sealed('"Renewal"') };
    projectionSpec(timelineProjection)
      .given([
        aboutAda({
          type: 'InteractionLogged',
          data,
          sealed: { version: 1, data: published },
          id: 'e-1',
          actor: 'user-7',
          correlationId: 'c-1',
          time: '2025-02-03T15:10:00.500Z',
          position: { commit: 1234n, prepare: 56n },
        }),
      ])
      .then({
        'e-1': {
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
          data: published,
        },
      });
  });

  it('dates other events by their `at` and files them under their contract’s category, without a channel', () => {
    const consent = aboutAda({
      type: 'ContactConsentChanged',
      id: 'consent',
      data: {
        contactId: ADA,
        channel: 'email',
        purpose: 'newsletter',
        status: 'granted',
        source: 'web-form',
        at: '2025-02-01T10:00:00.000Z',
      },
    });
    const entry = project(timelineProjection, [consent]).consent;
    expect(entry).toMatchObject({ type: 'ContactConsentChanged', category: 'consent', occurredAt: '2025-02-01T10:00:00.000Z' });
    expect(entry).not.toHaveProperty('channel');
    expect(entry).not.toHaveProperty('actor');
  });

  it('takes every event that concerns a customer, of any service, and none about no customer', () => {
    expect(timelineProjection.handles).toEqual(customerEvents);
    expect(customerEvents.every((contract) => contract.customerIdField !== undefined)).toBe(true);
    const names = timelineProjection.handles.map((contract) => contract.name);
    expect(names).toEqual(expect.arrayContaining(['InteractionLogged', 'ContactCreated', 'ContactErased', 'ContactsMerged']));
    expect(names).not.toContain('CompanyCreated');
    expect(names).not.toContain('CustomFieldDefined');
  });

  it('files each event under the category its contract gives it', () => {
    const entries = customerEvents.map((contract, index) => {
      const [event] = decodedEvents(timelineProjection, [{ type: contract.name, data: contract.example, id: `e-${index}` }]);
      return [
        contract.name,
        timelineProjection.evolve(undefined, { ...event, subject: customerIdOf(contract, contract.example) }),
      ];
    });
    for (const [name, entry] of entries)
      expect(entry).toMatchObject({ category: crmContracts.get(name as string).timeline!.category });
  });

  it('dead-letters an event of a type this build does not know, rather than missing it silently', () => {
    expect(timelineProjection.unknownEvents).toBe('dead-letter');
  });
});

describe('timeline times and positions', () => {
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
});
