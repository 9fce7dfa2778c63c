import {
  cloudEventSource,
  cloudEventType,
  customerIdOf,
  defineEvent,
  parseCloudEventType,
  topicOf,
  type EventDefinition,
} from './contract';
import { ContractDefinitionError } from './errors';
import { pii, type JsonSchema } from './json-schema';

interface TicketOpenedData {
  ticketId: string;
  customerId: string;
  subject: string;
  priority: number;
}

const ticketOpened: EventDefinition<TicketOpenedData> = {
  service: 'support',
  name: 'TicketOpened',
  version: 3,
  description: 'A customer opened a support ticket.',
  customerIdField: 'customerId',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['ticketId', 'customerId', 'subject', 'priority'],
    properties: {
      ticketId: { type: 'string', maxLength: 36 },
      customerId: { type: 'string', maxLength: 36 },
      subject: pii({ type: 'string', maxLength: 200 }),
      priority: { type: 'integer', minimum: 1, maximum: 4 },
    },
  },
  example: { ticketId: 't-1', customerId: 'c-1', subject: 'Invoice missing', priority: 2 },
};

describe('defineEvent', () => {
  it('names and describes the schema, and lists its personal data', () => {
    const contract = defineEvent(ticketOpened);
    expect(contract.schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'urn:crm:support:TicketOpened:v3',
      title: 'TicketOpened v3',
      description: 'A customer opened a support ticket.',
      additionalProperties: false,
    });
    expect(contract.pii).toEqual(['/subject']);
    expect(contract.customerIdField).toBe('customerId');
    expect(Object.isFrozen(contract)).toBe(true);
  });

  it.each([
    ['a service that is not kebab-case', { service: 'Support' }, /service "Support"/],
    ['a name that is not PascalCase', { name: 'ticket.opened' }, /name "ticket.opened"/],
    ['version 0', { version: 0 }, /version 0/],
    ['a fractional version', { version: 1.5 }, /version 1.5/],
    ['an empty description', { description: ' ' }, /description is empty/],
    [
      'an unbounded string',
      { schema: { ...ticketOpened.schema, properties: { ...ticketOpened.schema.properties, ticketId: { type: 'string' } } } },
      /\/ticketId: string needs a maxLength/,
    ],
    ['a customer id field that is not a string', { customerIdField: 'priority' }, /customerIdField "priority"/],
    [
      'an optional customer id field',
      { schema: { ...ticketOpened.schema, required: ['ticketId', 'subject', 'priority'] } },
      /customerIdField "customerId" must be a required/,
    ],
  ] as const)('refuses %s', (_, change, message) => {
    const definition = { ...ticketOpened, ...change } as EventDefinition<TicketOpenedData>;
    expect(() => defineEvent(definition)).toThrow(ContractDefinitionError);
    expect(() => defineEvent(definition)).toThrow(message);
  });
});

describe('CloudEvents and Kafka names', () => {
  const contract = defineEvent(ticketOpened);

  it('derives topic, type and source from the service', () => {
    expect(topicOf('support')).toBe('crm.support');
    expect(topicOf('support', 'staging')).toBe('staging.support');
    expect(cloudEventType(contract)).toBe('crm.support.TicketOpened');
    expect(cloudEventSource('support')).toBe('/support');
  });

  it('reads service and name back from a CloudEvents type, and nothing from another string', () => {
    expect(parseCloudEventType(cloudEventType(contract))).toEqual({ service: 'support', name: 'TicketOpened' });
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
    expect(customerIdOf(contract, { ...contract.example, customerId: 'c-42' })).toBe('c-42');
    expect(customerIdOf(contract, null)).toBeUndefined();
    const noPii: JsonSchema = {
      ...ticketOpened.schema,
      properties: { ...ticketOpened.schema.properties, subject: { type: 'string', maxLength: 200 } },
    };
    expect(
      customerIdOf(defineEvent({ ...ticketOpened, schema: noPii, customerIdField: undefined }), contract.example),
    ).toBeUndefined();
  });

  it('refuses personal data in an event that concerns no customer: there would be no key to seal it with', () => {
    expect(() => defineEvent({ ...ticketOpened, customerIdField: undefined })).toThrow(/pii.*needs a customerIdField/);
  });
});
