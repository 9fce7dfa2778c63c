import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { parse } from 'yaml';
import { crmContracts } from '@crm/contracts';
import { newId } from '@crm/eventsourcing';

// What a consumer of another team does with a service's topic: reads the messages the relay really published and
// checks each against the published AsyncAPI document (docs/asyncapi.yaml). For the services' wire tests.

/** A message of the published AsyncAPI document, as far as a consumer checks messages against it. */
interface PublishedMessage {
  headers: { properties: { ce_type: { const: string }; ce_dataversion: { const: string } } };
  payload: { schema: object };
}

/** A consumer's validators of the published document's messages, by `<ce_type> v<ce_dataversion>`. */
export function publishedMessageValidators(): Map<string, { headers: ValidateFunction; payload: ValidateFunction }> {
  const document = parse(readFileSync(join(__dirname, '../../docs/asyncapi.yaml'), 'utf8')) as {
    components: { messages: Record<string, PublishedMessage> };
  };
  // Strict, as a careful consumer's is: told the document's annotations, as its description says.
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addVocabulary(['x-pii', 'x-pii-opened']);
  return new Map(
    Object.values(document.components.messages).map((message) => [
      `${message.headers.properties.ce_type.const} v${message.headers.properties.ce_dataversion.const}`,
      { headers: ajv.compile(message.headers), payload: ajv.compile(message.payload.schema) },
    ]),
  );
}

export const header = (message: KafkaMessage, name: string): string | undefined => message.headers?.[name]?.toString();

/** Reads the topic from the start until every given event id has arrived (a redelivery counts once). */
export async function readEvents(
  kafka: Kafka,
  topic: string,
  ids: ReadonlySet<string>,
  timeoutMs = 60_000,
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `wire-${newId()}` });
  const byId = new Map<string, KafkaMessage>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Only ${byId.size}/${ids.size} events on ${topic} after ${timeoutMs} ms`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ message }) => {
          byId.set(header(message, 'ce_id') ?? '', message);
          if ([...ids].every((id) => byId.has(id))) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return [...byId.values()];
}

/** The key of a message about no customer: the id of the aggregate it belongs to, by contract name. */
export type NonCustomerKeys = Readonly<Record<string, (data: unknown) => string>>;

/**
 * Checks each published message as a consumer would: its headers and payload against the published document's
 * message of its type and version, its key and `ce_subject` as the catalog says (the customer id for a customer event,
 * else the id of the aggregate it belongs to, `nonCustomerKeys`). Returns the contract names seen.
 */
export function expectPublishedAsDocumented(messages: readonly KafkaMessage[], nonCustomerKeys: NonCustomerKeys): Set<string> {
  const validators = publishedMessageValidators();
  const seen = new Set<string>();
  for (const message of messages) {
    const type = header(message, 'ce_type')!;
    const version = header(message, 'ce_dataversion')!;
    const checked = validators.get(`${type} v${version}`);
    const id = `${type} v${version} (${header(message, 'ce_id')})`;
    expect([id, checked !== undefined]).toEqual([id, true]);
    const headers = Object.fromEntries(Object.keys(message.headers ?? {}).map((name) => [name, header(message, name)]));
    const data: unknown = JSON.parse(String(message.value));
    expect([id, checked!.headers(headers), checked!.headers.errors]).toEqual([id, true, null]);
    expect([id, checked!.payload(data), checked!.payload.errors]).toEqual([id, true, null]);

    const contract = crmContracts.get(type);
    const customerId = crmContracts.subjectOf(type, data);
    const key = contract.customerIdField ? customerId : nonCustomerKeys[contract.name]?.(data);
    expect([id, message.key?.toString()]).toEqual([id, key]);
    expect([id, header(message, 'ce_subject')]).toEqual([id, customerId]);
    seen.add(contract.name);
  }
  return seen;
}
