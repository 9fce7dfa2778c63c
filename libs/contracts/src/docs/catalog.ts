import { cloudEventType, topicOf, type AnyEventContract } from '../contract';
import type { ContractRegistry } from '../registry';
import { ENVELOPE_HEADERS, keyDescription } from './envelope';

export const GENERATED_NOTICE =
  'Generated from libs/contracts by scripts/generate-contract-docs.ts: do not edit; change the contracts and run the generator.';

/** The event catalog in Markdown: per topic, every event with its version, key, personal data, schema and example. */
export function renderCatalog(registry: ContractRegistry): string {
  const services = registry.services();
  return [
    `<!-- ${GENERATED_NOTICE} -->`,
    '# Event catalog',
    'Every event the CRM services publish on Kafka, one topic per service. The machine-readable form is [the AsyncAPI document](../asyncapi.yaml).',
    '## Envelope',
    'Each Kafka message is a [CloudEvents 1.0](https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md) event in binary mode: its attributes are `ce_*` headers and its value is the event data as JSON (`content-type: application/json`).',
    table(
      ['Header', 'Present', 'Meaning'],
      ENVELOPE_HEADERS.map((header) => [code(header.name), header.presence, header.description]),
    ),
    'The Kafka key is the customer (contact) id when the event concerns a customer, else the id of the aggregate it belongs to. Order holds per key, never across keys or topics. Delivery is at least once: deduplicate on `ce_id`.',
    '## Versions',
    'Each event type has one current schema version. A breaking change gets the next version and an upcaster that turns data of the previous version into the new shape; `ce_dataversion` tells which version a message carries. Producers validate data against the current version before they record it. Consumers that use libs/contracts call `crmContracts.decode(type, version, data)`: it upcasts to the current version and validates. Other consumers read `ce_dataversion` and keep a reader per version.',
    '## Personal data',
    "Properties marked `x-pii: true` in a schema (listed under \"Personal data\" below as JSON pointers into the data, `*` for every array element) hold personal data. On Kafka (and in the event store) each such value is sealed with the key of the event's customer: a string `pii:v1:…` (AES-256-GCM over the value's JSON, the customer id as associated data) in place of the value. The schemas below describe the opened value; [the AsyncAPI document](../asyncapi.yaml) describes the data as sent. Consumers that use libs/privacy open them with `PersonalDataVault.open` (the keys live in the subject key store, ADR 0007). Once a person is erased (`ContactErased`) their key is gone: their sealed values can no longer be opened and read as null. An event stored in an earlier version than the current one is upcast as the relay publishes it: published after its customer's erasure, it carries null in place of every personal value. Keep personal data sealed where you store it, or drop it on `ContactErased`.",
    '## Topics',
    table(
      ['Topic', 'Service', 'Events'],
      services.map((service) => [
        code(topicOf(service)),
        service,
        eventsOf(registry, service)
          .map((contract) => contract.name)
          .join(', '),
      ]),
    ),
    ...services.flatMap((service) => [
      `## ${code(topicOf(service))}`,
      `Events of the ${service} service, source ${code(`/${service}`)}.`,
      ...eventsOf(registry, service).flatMap((contract) => eventSection(registry, contract)),
    ]),
  ].join('\n\n');
}

function eventsOf(registry: ContractRegistry, service: string): AnyEventContract[] {
  return registry.all().filter((contract) => contract.service === service);
}

function eventSection(registry: ContractRegistry, current: AnyEventContract): string[] {
  const earlier = registry.history(current.name).filter((contract) => contract.version !== current.version);
  const upcasters = registry.upcastersOf(current.name);
  return [
    `### ${current.name}`,
    current.description,
    table(
      ['Attribute', 'Value'],
      [
        ['CloudEvents type', code(cloudEventType(current))],
        ['Current version', String(current.version)],
        ['Kafka key', keyDescription(current)],
        ['Personal data', current.pii.length > 0 ? current.pii.map(code).join(', ') : 'none'],
        ['Timeline', current.timeline ? `${code(current.timeline.category)}: ${current.timeline.title}` : 'none'],
        ...(upcasters.length > 0
          ? [['Upcasting', upcasters.map((u) => `v${u.fromVersion} → v${u.toVersion}: ${u.description}`).join('<br>')]]
          : []),
      ],
    ),
    `Schema (v${current.version}):`,
    json(current.schema),
    'Example:',
    json(current.example),
    ...earlier
      .reverse()
      .flatMap((contract) => [
        `#### ${current.name} v${contract.version} (superseded)`,
        contract.description,
        'Schema:',
        json(contract.schema),
        'Example:',
        json(contract.example),
      ]),
  ];
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function code(text: string): string {
  return `\`${text}\``;
}

function json(value: unknown): string {
  return ['```json', JSON.stringify(value, null, 2), '```'].join('\n');
}
