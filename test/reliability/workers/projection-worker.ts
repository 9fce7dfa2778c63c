// A projection runner in its own process, so the reliability test can SIGKILL it.
import mongoose from 'mongoose';
import { createKafka, parseBrokers } from '@crm/messaging';
import { ProjectionRunner } from '@crm/projections';
import { streamTallyDeps, streamTallyProjection } from '../stream-tally.projection';

async function main() {
  const { KAFKA_BROKERS, MONGODB_URI, RELIABILITY_DB, RELIABILITY_TOPIC } = process.env as Record<string, string>;
  const connection = await mongoose.createConnection(MONGODB_URI, { dbName: RELIABILITY_DB }).asPromise();
  const runner = new ProjectionRunner(streamTallyProjection, {
    kafka: createKafka({ brokers: parseBrokers(KAFKA_BROKERS), clientId: 'reliability-projection' }),
    connection,
    ...streamTallyDeps(RELIABILITY_TOPIC),
  });
  await runner.start();
  process.on(
    'SIGTERM',
    () =>
      void runner
        .stop()
        .then(() => connection.close())
        .then(() => process.exit(0)),
  );
  console.log('projection started');
}

void main();
