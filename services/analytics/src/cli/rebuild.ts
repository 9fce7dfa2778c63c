// `npm run projections:rebuild -- timeline` (or customer-profile, companies, identities): rebuilds one of the
// analytics read models from offset 0 and swaps it in.
import mongoose from 'mongoose';
import { createPool } from '@crm/postgres';
import { createKafka } from '@crm/messaging';
import { runRebuildCli, type RebuildCliIo } from '@crm/projections';
import { loadAnalyticsConfig, subjectKeysDatabaseUrl, type AnalyticsConfig } from '../config';
import { analyticsProjections } from '../infrastructure/projections';
import { openingVault, waitForSubjectKeys } from '../infrastructure/subject-keys';
import { sourceTopics } from '../sources';

/** Runs the rebuild command; returns its exit code. */
export async function rebuildAnalytics(config: AnalyticsConfig, io: RebuildCliIo = {}): Promise<number> {
  const pool = createPool({ connectionString: subjectKeysDatabaseUrl(config), max: 2 });
  const connection = await mongoose.createConnection(config.MONGODB_URI, { dbName: config.ANALYTICS_READ_DB }).asPromise();
  try {
    await waitForSubjectKeys(pool, config.SUBJECT_KEYS_SCHEMA);
    const vault = openingVault(pool, { schema: config.SUBJECT_KEYS_SCHEMA, masterKey: config.PII_MASTER_KEY });
    return await runRebuildCli(
      analyticsProjections(sourceTopics(config.KAFKA_TOPIC_PREFIX)),
      {
        kafka: createKafka({ brokers: [...config.KAFKA_BROKERS], clientId: 'analytics-rebuild' }),
        connection,
        // The profile opens personal data; the timeline checks an opened copy against the contracts.
        openPersonalData: (events) => vault.open(events),
      },
      io,
    );
  } finally {
    await connection.close();
    await pool.end();
  }
}

if (require.main === module) {
  rebuildAnalytics(loadAnalyticsConfig()).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
