import { Type } from '@sinclair/typebox';
import { Closed } from './common-schemas';
import {
  cloudEventSource,
  cloudEventType,
  customerIdOf,
  defineEvent,
  parseCloudEventType,
  topicOf,
  type EventDefinition,
  type EventOf,
} from './contract';
import { ContractDefinitionError } from './errors';
import { pii } from './json-schema';

const ticketOpenedProperties = {
  ticketId: Type.String({ maxLength: 36 }),
  customerId: Type.String({ maxLength: 36 }),
  subject: pii(Type.String({ maxLength: 200 })),
  priority: Type.Integer({ minimum: 1, maximum: 4 }),
};
const ticketOpenedSchema = Closed(ticketOpenedProperties);

const ticketOpened: EventDefinition<'TicketOpened', typeof ticketOpenedSchema> = {
  service: 'support',
  name: 'TicketOpened',
  version: 3,
  description: 'A customer opened a support ticket.',
  customerIdField: 'customerId',
  timeline: { category: 'support-ticket', title: 'Ticket opened' },
  schema: ticketOpenedSchema,
  example: { ticketId: 't-1', customerId: 'c-1', subject: 'Invoice missing', priority: 2 },
};

const TicketOpened = defineEvent(ticketOpened);
const TicketClosed = defineEvent({
  service: 'support',
  name: 'TicketClosed',
  version: 1,
  description: 'A support ticket was closed.',
  schema: Closed({ ticketId: Type.String({ maxLength: 36 }), reason: Type.String({ maxLength: 100 }) }),
  example: { ticketId: 't-1', reason: 'solved' },
});

describe('defineEvent', () => {
  it('names and describes the schema, and lists its personal data', () => {
    expect(TicketOpened.schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'urn:crm:support:TicketOpened:v3',
      title: 'TicketOpened v3',
      description: 'A customer opened a support ticket.',
      additionalProperties: false,
    });
    expect(TicketOpened.pii).toEqual(['/subject']);
    expect(TicketOpened.customerIdField).toBe('customerId');
    expect(TicketOpened.timeline).toEqual({ category: 'support-ticket', title: 'Ticket opened' });
    expect(Object.isFrozen(TicketOpened)).toBe(true);
  });

  it('publishes the TypeBox schema as plain JSON Schema, `type` first as contracts are read', () => {
    const { schema } = TicketOpened;
    expect(Object.keys(schema)).toEqual([
      '$schema',
      '$id',
      'title',
      'description',
      'type',
      'additionalProperties',
      'required',
      'properties',
    ]);
    expect(Object.keys(schema.properties!.subject)).toEqual(['type', 'maxLength', 'x-pii']);
    expect(Object.getOwnPropertySymbols(schema.properties!.subject)).toEqual([]);
    expect(schema.required).toEqual(['ticketId', 'customerId', 'subject', 'priority']);
  });

  it.each([
    ['a service that is not kebab-case', { service: 'Support' }, /service "Support"/],
    ['a name that is not PascalCase', { name: 'ticket.opened' }, /name "ticket.opened"/],
    ['version 0', { version: 0 }, /version 0/],
    ['a fractional version', { version: 1.5 }, /version 1.5/],
    ['an empty description', { description: ' ' }, /description is empty/],
    [
      'an unbounded string',
      { schema: Closed({ ...ticketOpenedProperties, ticketId: Type.String() }) },
      /\/ticketId: string needs a maxLength/,
    ],
    ['an open object', { schema: Type.Object(ticketOpenedProperties) }, /\(root\): object must set additionalProperties: false/],
    ['a customer id field that is not a string', { customerIdField: 'priority' }, /customerIdField "priority"/],
    [
      'an optional customer id field',
      { schema: Closed({ ...ticketOpenedProperties, customerId: Type.Optional(Type.String({ maxLength: 36 })) }) },
      /customerIdField "customerId" must be a required/,
    ],
    ['a customer event without timeline presentation', { timeline: undefined }, /customerIdField needs a timeline/],
    [
      'a timeline category that is not kebab-case',
      { timeline: { category: 'Support', title: 'Ticket opened' } },
      /category "Support"/,
    ],
    ['an empty timeline title', { timeline: { category: 'support', title: ' ' } }, /timeline title is empty/],
  ] as const)('refuses %s', (_, change, message) => {
    const definition = { ...ticketOpened, ...change } as unknown as EventDefinition;
    expect(() => defineEvent(definition)).toThrow(ContractDefinitionError);
    expect(() => defineEvent(definition)).toThrow(message);
  });

  it('refuses a timeline for an event that concerns no customer: the timeline is a customer’s', () => {
    const definition = {
      service: 'support',
      name: 'TicketClosed',
      version: 1,
      description: 'A support ticket was closed.',
      timeline: { category: 'support-ticket', title: 'Ticket closed' },
      schema: Closed({ ticketId: Type.String({ maxLength: 36 }) }),
      example: { ticketId: 't-1' },
    };
    expect(() => defineEvent(definition)).toThrow(/timeline needs a customerIdField/);
    expect(TicketClosed.timeline).toBeUndefined();
  });

  it('refuses personal data in an event that concerns no customer: there would be no key to seal it with', () => {
    expect(() => defineEvent({ ...ticketOpened, customerIdField: undefined, timeline: undefined })).toThrow(
      /pii.*needs a customerIdField/,
    );
  });

  it('types each event by its name, so that a union of contracts narrows on `type`', () => {
    const ticketEvent = (event: EventOf<typeof TicketOpened | typeof TicketClosed>) =>
      event.type === 'TicketOpened' ? `priority ${event.data.priority}` : `closed: ${event.data.reason}`;
    expect(ticketEvent({ type: 'TicketClosed', data: TicketClosed.example })).toBe('closed: solved');
    expect(ticketEvent({ type: 'TicketOpened', data: ticketOpened.example })).toBe('priority 2');
  });
});

describe('CloudEvents and Kafka names', () => {
  it('derives topic, type and source from the service', () => {
    expect(topicOf('support')).toBe('crm.support');
    expect(topicOf('support', 'staging')).toBe('staging.support');
    expect(cloudEventType(TicketOpened)).toBe('crm.support.TicketOpened');
    expect(cloudEventSource('support')).toBe('/support');
  });

  it('reads service and name back from a CloudEvents type, and nothing from another string', () => {
    expect(parseCloudEventType(cloudEventType(TicketOpened))).toEqual({ service: 'support', name: 'TicketOpened' });
    expect(parseCloudEventType('crm.product-catalog.ProductPriced')).toEqual({
      service: 'product-catalog',
      name: 'ProductPriced',
    });
    for (const other of [
      'TicketOpened',
      'crm.support',
      'crm.support.ticketOpened',
      'crm.Support.TicketOpened',
      'x.support.TicketOpened',
      'crm.support.TicketOpened.v2',
      'crm',
    ]) {
      expect([other, parseCloudEventType(other)]).toEqual([other, undefined]);
    }
  });

  it('reads the customer id from the data', () => {
    expect(customerIdOf(TicketOpened, { ...TicketOpened.example, customerId: 'c-42' })).toBe('c-42');
    expect(customerIdOf(TicketOpened, null)).toBeUndefined();
    expect(customerIdOf(TicketClosed, TicketClosed.example)).toBeUndefined();
  });
});
