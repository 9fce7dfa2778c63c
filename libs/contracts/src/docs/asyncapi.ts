import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { cloudEventSource, cloudEventType, customerIdOf, topicOf, type AnyEventContract } from '../contract';
import { mapAtPointers } from '../pointers';
import type { ContractRegistry } from '../registry';
import { OPENED_KEYWORD, SEALED_VALUE_PREFIX, wireSchema } from '../wire';
import { CLOUDEVENTS_SPEC_VERSION, ENVELOPE_HEADERS, exampleHeaders, keyDescription } from './envelope';

const KAFKA_BINDING_VERSION = '0.5.0';
const DRAFT_07_FORMAT = 'application/schema+json;version=draft-07';

/** Message id in the document: the current version by its name, earlier ones with their version. */
export function messageId(contract: AnyEventContract, current: AnyEventContract): string {
  return contract.version === current.version ? contract.name : `${contract.name}_v${contract.version}`;
}

/** Channel id of a service's topic (channel ids cannot hold the topic's dot). */
function channelId(service: string): string {
  return service;
}

/**
 * The AsyncAPI 3.0 document of the CRM's Kafka streams: one channel per topic, one message per
 * event type and schema version, the CloudEvents headers and key of each.
 */
export function buildAsyncApi(registry: ContractRegistry): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};

  for (const service of registry.services()) {
    const channelMessages: Record<string, { $ref: string }> = {};
    for (const current of registry.all().filter((contract) => contract.service === service)) {
      // Newest first: earlier versions are on the topic only for events stored before the current one.
      for (const contract of registry.history(current.name).reverse()) {
        const id = messageId(contract, current);
        messages[id] = message(contract, contract.version !== current.version);
        channelMessages[id] = { $ref: `#/components/messages/${id}` };
      }
    }
    const channel = channelId(service);
    channels[channel] = {
      address: topicOf(service),
      title: `${service} events`,
      description: `Every event of the ${service} service. Key: the customer id for customer events, else the aggregate id; order holds per key only.`,
      messages: channelMessages,
      bindings: { kafka: { topic: topicOf(service), bindingVersion: KAFKA_BINDING_VERSION } },
    };
    operations[`publish${pascal(service)}Events`] = {
      action: 'send',
      channel: { $ref: `#/channels/${channel}` },
      title: `Publish ${service} events`,
      summary: `The ${service} service publishes every event it records, through its relay, at least once.`,
      messages: Object.keys(channelMessages).map((id) => ({ $ref: `#/channels/${channel}/messages/${id}` })),
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'CRM event streams',
      version: '1.0.0',
      description: [
        'The events of the CRM services on Kafka, one topic per service, for consumers such as the analytics team.',
        'Every message is a CloudEvents 1.0 event in binary mode: attributes in `ce_*` headers, the data as JSON in the value.',
        'Each message carries its schema version in `ce_dataversion`; a breaking change gets a new version.',
        'Delivery is at least once: deduplicate on `ce_id`.',
        `The payload schemas describe the data as sent. Properties marked \`x-pii: true\` hold personal data, sealed with the customer's key: a string \`pii:v1:…\` (null where the property says so), the schema of the opened value under \`${OPENED_KEYWORD}\`; libs/privacy opens them (see the event catalog). Validators that refuse unknown keywords (Ajv's strict mode) need \`x-pii\` and \`${OPENED_KEYWORD}\` declared as annotations.`,
        'Generated from libs/contracts by scripts/generate-contract-docs.ts.',
      ].join('\n'),
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: '{bootstrapServer}',
        protocol: 'kafka',
        protocolVersion: '3.9',
        description: 'Apache Kafka 3.9 (KRaft).',
        variables: { bootstrapServer: { default: 'localhost:9092', description: 'A broker of `KAFKA_BROKERS`, `host:port`.' } },
      },
    },
    channels,
    operations,
    components: { messages },
  };
}

function message(contract: AnyEventContract, superseded: boolean): Record<string, unknown> {
  const subject = customerIdOf(contract, contract.example);
  return {
    name: contract.name,
    title: `${contract.name} v${contract.version}`,
    summary: contract.description,
    ...(superseded ? { deprecated: true } : {}),
    contentType: 'application/json',
    correlationId: { description: 'The request or process the event belongs to.', location: '$message.header#/ce_correlationid' },
    headers: headersSchema(contract),
    payload: { schemaFormat: DRAFT_07_FORMAT, schema: wireSchema(contract) },
    bindings: {
      kafka: { key: { type: 'string', description: keyDescription(contract) }, bindingVersion: KAFKA_BINDING_VERSION },
    },
    examples: [
      {
        name: `${contract.name}_v${contract.version}`,
        summary: `A ${contract.name} event in version ${contract.version}.`,
        headers: exampleHeaders(contract, subject),
        payload: sealedExample(contract),
      },
    ],
  };
}

/** The example as Kafka carries it; its sealed values are stand-ins of the right form (no key seals the docs). */
function sealedExample(contract: AnyEventContract): unknown {
  const standIn = (value: unknown) =>
    SEALED_VALUE_PREFIX + createHash('sha256').update(JSON.stringify(value)).digest('base64url');
  return mapAtPointers(contract.example, contract.pii, standIn);
}

function headersSchema(contract: AnyEventContract): Record<string, unknown> {
  const exact: Record<string, string> = {
    ce_specversion: CLOUDEVENTS_SPEC_VERSION,
    ce_type: cloudEventType(contract),
    ce_source: cloudEventSource(contract.service),
    ce_dataversion: String(contract.version),
  };
  const applies = ENVELOPE_HEADERS.filter((header) => header.presence !== 'customer events' || contract.customerIdField);
  const properties = Object.fromEntries(
    applies.map((header) => [
      header.name,
      {
        type: 'string',
        description: header.description,
        ...(exact[header.name] === undefined ? {} : { const: exact[header.name] }),
      },
    ]),
  );
  return {
    type: 'object',
    required: applies.filter((header) => header.presence !== 'when known').map((header) => header.name),
    properties,
  };
}

function pascal(kebab: string): string {
  return kebab.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, letter: string) => letter.toUpperCase());
}

export function renderAsyncApi(registry: ContractRegistry): string {
  // YAML 1.1 quoting, so that 1.1 parsers (PyYAML) read timestamps and yes/no as strings too; no anchors for shared schemas.
  return stringify(buildAsyncApi(registry), { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
}
