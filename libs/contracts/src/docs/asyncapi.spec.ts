import { Type } from '@sinclair/typebox';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { Closed } from '../common-schemas';
import { defineEvent } from '../contract';
import { crmContracts } from '../crm-contracts';
import { contactsContracts } from '../contacts';
import { mapAtPointers, redact } from '../pointers';
import { ContractRegistry } from '../registry';
import { wireSchema } from '../wire';
import { buildAsyncApi, messageId, renderAsyncApi } from './asyncapi';

// A second service whose event concerns no customer, next to the real contacts contracts.
const ProductPriced = defineEvent({
  service: 'product-catalog',
  name: 'ProductPriced',
  version: 1,
  description: 'A product got a new price.',
  schema: Closed({ productId: Type.String({ maxLength: 36 }), priceMinor: Type.Integer({ minimum: 0 }) }),
  example: { productId: 'p-1', priceMinor: 999 },
});
const registry = new ContractRegistry(contactsContracts, { contracts: [ProductPriced] });
const doc = buildAsyncApi(registry) as unknown as AsyncApiDoc;

interface AsyncApiMessage {
  name: string;
  deprecated?: boolean;
  headers: { required: string[]; properties: Record<string, { const?: string }> };
  payload: { schemaFormat: string; schema: object };
  bindings: { kafka: { key: { description: string } } };
  examples: { headers: Record<string, string>; payload: unknown }[];
}
interface AsyncApiDoc {
  asyncapi: string;
  channels: Record<
    string,
    { address: string; messages: Record<string, { $ref: string }>; bindings: { kafka: { topic: string } } }
  >;
  operations: Record<string, { action: string; channel: { $ref: string }; messages: { $ref: string }[] }>;
  components: { messages: Record<string, AsyncApiMessage> };
}

function resolve(pointer: string): unknown {
  return pointer
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>(
      (node, segment) => (node as Record<string, unknown> | undefined)?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')],
      doc,
    );
}

/** A consumer's validator: strict, with formats, told the document's annotations. */
function consumerAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addVocabulary(['x-pii', 'x-pii-opened']);
  return ajv;
}

function refsIn(node: unknown): string[] {
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => (key === '$ref' && typeof value === 'string' ? [value] : refsIn(value)));
}

describe('AsyncAPI document', () => {
  it('has one Kafka channel per service topic', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(Object.values(doc.channels).map((channel) => [channel.address, channel.bindings.kafka.topic])).toEqual([
      ['crm.contacts', 'crm.contacts'],
      ['crm.product-catalog', 'crm.product-catalog'],
    ]);
  });

  it('resolves every reference, and each operation sends only its own channel’s messages', () => {
    for (const ref of refsIn(doc)) expect([ref, resolve(ref)]).toEqual([ref, expect.anything()]);
    for (const operation of Object.values(doc.operations)) {
      expect(operation.action).toBe('send');
      for (const message of operation.messages) expect(message.$ref.startsWith(`${operation.channel.$ref}/messages/`)).toBe(true);
    }
  });

  it('has a message per event type and version, the payload being the contract schema with personal data sealed', () => {
    for (const current of registry.all()) {
      for (const contract of registry.history(current.name)) {
        const message = doc.components.messages[messageId(contract, current)];
        expect(message.payload).toEqual({
          schemaFormat: 'application/schema+json;version=draft-07',
          schema: wireSchema(contract),
        });
        expect(message.deprecated ?? false).toBe(contract !== current);
        expect(message.headers.properties.ce_type.const).toBe(`crm.${contract.service}.${contract.name}`);
        expect(message.headers.properties.ce_dataversion.const).toBe(String(contract.version));
      }
    }
    expect(Object.keys(doc.components.messages)).toEqual([
      'ContactCreated',
      'ContactCreated_v3',
      'ContactCreated_v2',
      'ContactCreated_v1',
      'ContactUpdated',
      'ContactUpdated_v1',
      'ContactRenamed',
      'ContactEmailChanged',
      'ContactArchived',
      'ContactErased',
      'ContactConsentChanged',
      'ContactLinkedToCompany',
      'ContactUnlinkedFromCompany',
      'ContactsMerged',
      'ContactsMerged_v2',
      'ContactsMerged_v1',
      'ContactMergeUndone',
      'ContactMergeUndone_v1',
      'ContactMergedInto',
      'ContactUnmerged',
      'ContactLinkedToLead',
      'CompanyCreated',
      'CompanyUpdated',
      'CompanyArchived',
      'InteractionLogged',
      'CustomFieldDefined',
      'ContactExternalIdRecorded',
      'LeadLinkRefused',
      'ProductPriced',
    ]);
  });

  it('requires the subject header, and keys by customer, only for customer events', () => {
    const contactCreated = doc.components.messages.ContactCreated;
    expect(contactCreated.headers.required).toEqual(
      expect.arrayContaining(['ce_id', 'ce_type', 'ce_source', 'ce_specversion', 'ce_time', 'ce_dataversion', 'ce_subject']),
    );
    expect(contactCreated.headers.required).not.toContain('ce_correlationid');
    expect(contactCreated.bindings.kafka.key.description).toContain('`contactId`');
    const productPriced = doc.components.messages.ProductPriced;
    expect(productPriced.headers.required).not.toContain('ce_subject');
    expect(productPriced.headers.properties).not.toHaveProperty('ce_subject');
    expect(productPriced.bindings.kafka.key.description).toContain('aggregate');
  });

  it('types personal data as sent: a sealed string, null only where an upcast on publishing can meet an erasure', () => {
    const ajv = consumerAjv();
    const sealed = 'pii:v1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIj';
    for (const current of registry.all()) {
      for (const contract of registry.history(current.name).filter((c) => c.pii.length > 0)) {
        const validate = ajv.compile(doc.components.messages[messageId(contract, current)].payload.schema);
        const id = `${contract.name} v${contract.version}`;
        const withSealed = mapAtPointers(contract.example, contract.pii, () => sealed);
        expect([id, validate(withSealed), validate.errors]).toEqual([id, true, null]);
        expect([id, 'opened', validate(contract.example)]).toEqual([id, 'opened', false]);
        expect([id, 'erased', validate(redact(contract.example, contract.pii))]).toEqual([id, 'erased', contract.version > 1]);
      }
    }
    const name = (wireSchema(contactsContracts.contracts.find((c) => c.name === 'ContactRenamed')!).properties ?? {}).name;
    expect(name).toMatchObject({
      type: 'string',
      'x-pii': true,
      'x-pii-opened': { type: 'object', required: ['given', 'family'] },
    });
  });

  it('gives examples that satisfy their own header and payload schemas', () => {
    const ajv = consumerAjv();
    for (const [id, message] of Object.entries(doc.components.messages)) {
      const [example] = message.examples;
      expect([id, ajv.validate(message.headers, example.headers), ajv.errors]).toEqual([id, true, null]);
      expect([id, ajv.validate(message.payload.schema, example.payload), ajv.errors]).toEqual([id, true, null]);
      if (message.headers.required.includes('ce_subject'))
        expect(example.headers.ce_subject).toBe(registry.subjectOf(message.name, example.payload));
    }
  });

  it('renders YAML that reads back the same, even with a YAML 1.1 parser', () => {
    const text = renderAsyncApi(crmContracts);
    expect(parse(text)).toEqual(buildAsyncApi(crmContracts));
    expect(parse(text, { version: '1.1' })).toEqual(buildAsyncApi(crmContracts));
    expect(text).not.toMatch(/[&*]\w+\s*$/m); // no YAML anchors or aliases
  });
});
