import mongoose from 'mongoose';
import { crmContracts } from '@crm/contracts';
import { createKafka, EventDecoder } from '@crm/messaging';
import { parseMasterKey, PersonalDataVault, readOnlySubjectKeys } from '@crm/privacy';
import { runRebuildCli, type RebuildCliIo } from '@crm/projections';
import { createPool } from '@crm/postgres';
import { loadServiceConfig, settingsOf, type ServiceConfig } from './config';
import type { ServiceDefinition } from './service';

/**
 * `main.js rebuild <projection>`: rebuilds one of the service's projections from offset 0 into a fresh collection and
 * swaps it in, with a progress bar; the running replicas follow the new collection. Returns the exit code.
 */
export async function rebuildCommand(
  definition: ServiceDefinition,
  io: RebuildCliIo = {},
  config: ServiceConfig = loadServiceConfig(definition),
): Promise<number> {
  const settings = settingsOf(definition.name, config);
  const { subjectKeys } = settings;
  const pool = createPool({ connectionString: subjectKeys.databaseUrl, max: 2 });
  const connection = await mongoose.createConnection(config.MONGODB_URI, { dbName: settings.readDatabase }).asPromise();
  try {
    // A rebuild only reads: it opens personal data, and never makes or erases a key.
    const keys = await readOnlySubjectKeys(pool, parseMasterKey(subjectKeys.masterKey), subjectKeys.schema, {
      timeoutMs: 10_000,
    });
    const vault = new PersonalDataVault(crmContracts, keys);
    return await runRebuildCli(
      definition.projections ?? [],
      {
        kafka: createKafka({ brokers: [...config.KAFKA_BROKERS], clientId: `${definition.name}-rebuild` }),
        connection,
        decoder: new EventDecoder({ registry: crmContracts, openPersonalData: (events) => vault.open(events), cacheSize: 0 }),
        topicOf: settings.topicOf,
      },
      io,
    );
  } finally {
    await connection.close();
    await pool.end();
  }
}
