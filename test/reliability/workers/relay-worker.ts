// A relay in its own process, so the reliability test can SIGKILL it.
import { instanceOfStream, PostgresEventStore } from '@crm/eventsourcing';
import { EventRelay, PostgresCheckpointStore, PostgresLease, createKafka, parseBrokers } from '@crm/messaging';

async function main() {
  const { DATABASE_URL, KAFKA_BROKERS, RELIABILITY_SCHEMA, RELIABILITY_TOPIC } = process.env as Record<string, string>;
  const store = new PostgresEventStore({ connection: { connectionString: DATABASE_URL, max: 3 }, schema: RELIABILITY_SCHEMA });
  const checkpoints = new PostgresCheckpointStore(store.pool, RELIABILITY_SCHEMA);
  const relay = new EventRelay({
    service: 'reliability',
    store,
    kafka: createKafka({ brokers: parseBrokers(KAFKA_BROKERS), clientId: 'reliability-relay' }),
    topic: RELIABILITY_TOPIC,
    checkpoints,
    lease: new PostgresLease({ connectionString: DATABASE_URL }, `reliability:${RELIABILITY_SCHEMA}`, 100),
    name: 'reliability',
    batchSize: 200,
    subjectOf: () => undefined,
    // The test's streams are `item-<id>`: keyed by the item's id.
    aggregateIdOf: (event) => instanceOfStream([{ name: 'item' }], event.streamName)!.id,
    logger: { info: (message) => console.log(message), error: (message, context) => console.error(message, context) },
  });
  relay.start();
  process.on(
    'SIGTERM',
    () =>
      void relay
        .stop()
        .then(() => store.close())
        .then(() => process.exit(0)),
  );
  console.log('relay started');
}

void main();
