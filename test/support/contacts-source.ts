import { Pool } from 'pg';
import type { Kafka } from 'kafkajs';
import { crmContracts, type ContactsEvent, type LeadEvent } from '@crm/contracts';
import { instanceOfStream, newId, PostgresEventStore } from '@crm/eventsourcing';
import {
  createKafka,
  deadLetterTopicOf,
  ensureTopics,
  EventRelay,
  parseBrokers,
  PostgresCheckpointStore,
  PostgresLease,
} from '@crm/messaging';
import { DEV_PII_MASTER_KEY } from '@crm/platform';
import { parseMasterKey, PersonalDataVault, PostgresSubjectKeyStore } from '@crm/privacy';

/** The names of a service's aggregates (a test of another service may not import it): its stream names. */
const aggregatesOf = {
  contacts: ['contact', 'company', 'interaction', 'custom-fields', 'external-contact-id', 'lead-link'],
  // A lead's conversion (ADR 0020), as contacts receives it.
  sales: ['lead'],
};

/**
 * The contacts service's side, as far as analytics sees it (or the sales service's leads, as contacts sees them): events validated and sealed with the person's key
 * (PostgreSQL key store), appended to a PostgreSQL event store, and published by the relay (upcast, still sealed,
 * CloudEvents binary mode, key = customer id) onto the topic. All in one schema and topic of its own.
 */
export class ContactsSource {
  readonly kafka: Kafka;
  readonly pool: Pool;
  readonly keys: PostgresSubjectKeyStore;
  private readonly store: PostgresEventStore;
  private readonly vault: PersonalDataVault;
  private relay?: EventRelay;

  readonly service: keyof typeof aggregatesOf;

  /** `keysSchema`: the subject keys' schema, when another source's (the key store services share). */
  constructor(
    readonly schema: string,
    readonly topic: string,
    { service = 'contacts', keysSchema = schema }: { service?: keyof typeof aggregatesOf; keysSchema?: string } = {},
  ) {
    this.service = service;
    this.pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 5 });
    this.store = new PostgresEventStore({ pool: this.pool, schema });
    this.keys = new PostgresSubjectKeyStore(this.pool, parseMasterKey(DEV_PII_MASTER_KEY), keysSchema);
    this.vault = new PersonalDataVault(crmContracts, this.keys);
    this.kafka = createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS ?? ''), clientId: 'analytics-test-contacts' });
  }

  async start(): Promise<void> {
    await this.store.migrate();
    await this.keys.migrate();
    const checkpoints = new PostgresCheckpointStore(this.pool, this.schema);
    await checkpoints.migrate();
    await ensureTopics(this.kafka, [this.topic, deadLetterTopicOf(this.topic)]);
    this.relay = new EventRelay({
      service: this.service,
      store: this.store,
      kafka: this.kafka,
      topic: this.topic,
      checkpoints,
      lease: new PostgresLease({ connectionString: process.env.DATABASE_URL }, `relay:${this.schema}:${this.service}`),
      subjectOf: (event) => crmContracts.subjectOf(event.type, event.data),
      aggregateIdOf: (event) =>
        instanceOfStream(
          aggregatesOf[this.service].map((name) => ({ name })),
          event.streamName,
        )!.id,
      prepare: (events) => this.vault.toPublished(events),
    });
    this.relay.start();
  }

  /** Records events as the service does: checked against the contract, sealed, appended. Returns their ids. */
  async record(stream: string, events: readonly (ContactsEvent | LeadEvent)[], actor = 'user-ada-admin'): Promise<string[]> {
    const prepared = events.map((event) => ({
      id: newId(),
      ...crmContracts.prepareForAppend<unknown>({ ...event, metadata: { actor, correlationId: newId() } }),
    }));
    await this.store.append(stream, await this.vault.seal(prepared));
    return prepared.map((event) => event.id);
  }

  /** Appends without checking the contract: a producer bug that consumers must dead-letter. */
  async recordUnchecked(stream: string, type: string, data: unknown): Promise<string> {
    const id = newId();
    const [sealed] = await this.vault.seal([{ id, type, data, metadata: { schemaVersion: crmContracts.currentVersion(type) } }]);
    await this.store.append(stream, [sealed]);
    return id;
  }

  /** Crypto-shredding, as POST /v1/contacts/{id}/erase does it: the keys first (the person's, their merges'), then the event. */
  async erase(contactId: string, mergeIds: readonly string[] = []): Promise<void> {
    for (const subject of [contactId, ...mergeIds]) await this.keys.erase(subject);
    await this.record(`contact-${contactId}`, [{ type: 'ContactErased', data: { contactId, at: new Date().toISOString() } }]);
  }

  async stop(): Promise<void> {
    await this.relay?.stop();
    await this.pool.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`).catch(() => undefined);
    await this.pool.end();
  }
}
