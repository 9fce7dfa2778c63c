// `npm run projections:rebuild -- contact-list`: rebuilds one of the contacts service's projections.
import mongoose from 'mongoose';
import { createKafka, topicOfService } from '@crm/messaging';
import { runRebuildCli } from '@crm/projections';
import { loadContactsConfig } from '../config';
import { contactListProjection } from '../infrastructure/contact-list.projection';

async function main(): Promise<void> {
  const config = loadContactsConfig();
  const topic = topicOfService('contacts', config.KAFKA_TOPIC_PREFIX);
  const connection = await mongoose.createConnection(config.MONGODB_URI, { dbName: config.CONTACTS_READ_DB }).asPromise();
  try {
    await runRebuildCli([contactListProjection(topic)], {
      kafka: createKafka({ brokers: [...config.KAFKA_BROKERS], clientId: 'contacts-rebuild' }),
      connection,
    });
  } finally {
    await connection.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
