// `npm run projections:rebuild -- contact-list`: rebuilds one of the contacts service's projections.
import mongoose from 'mongoose';
import { createPool } from '@crm/postgres';
import { crmContracts } from '@crm/contracts';
import { createKafka, topicOfService } from '@crm/messaging';
import { PersonalDataVault, parseMasterKey, PostgresSubjectKeyStore } from '@crm/privacy';
import { runRebuildCli } from '@crm/projections';
import { loadContactsConfig } from '../config';
import { contactsProjections } from '../infrastructure/projections';

async function main(): Promise<void> {
  const config = loadContactsConfig();
  const topic = topicOfService('contacts', config.KAFKA_TOPIC_PREFIX);
  const pool = createPool({ connectionString: config.DATABASE_URL, max: 2 });
  const connection = await mongoose.createConnection(config.MONGODB_URI, { dbName: config.CONTACTS_READ_DB }).asPromise();
  try {
    // The contact list holds opened personal data: the rebuild opens events with the service's own keys.
    const vault = new PersonalDataVault(
      crmContracts,
      new PostgresSubjectKeyStore(pool, parseMasterKey(config.PII_MASTER_KEY), config.CONTACTS_DB_SCHEMA),
    );
    process.exitCode = await runRebuildCli(contactsProjections(topic), {
      kafka: createKafka({ brokers: [...config.KAFKA_BROKERS], clientId: 'contacts-rebuild' }),
      connection,
      openPersonalData: (events) => vault.open(events),
    });
  } finally {
    await connection.close();
    await pool.end();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
