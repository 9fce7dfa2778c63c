import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { createKafka, deadLetterTopicOf, parseBrokers } from '@crm/messaging';
import { TEST_JWT_SECRET } from '@crm/platform/nest/testing';
import { ensureTopicsOfServicesNotStarted } from '../support/source-topics';
import { removeRunData } from './cleanup';
import { startService, type ServiceProcess } from './service-process';

/**
 * The contacts and analytics services as separate processes, as `npm start` runs them, with a PostgreSQL schema,
 * read-model databases and topics of their own (named `<name>…<run>`), all removed by `stop()`.
 */
export class ServicePair {
  readonly run = randomBytes(3).toString('hex');
  /** The Kafka topic prefix: the contacts topic is `<prefix>.contacts`. */
  readonly prefix: string;
  /** The PostgreSQL schema of both (contacts' events, relay checkpoint, and the subject keys both use). */
  readonly schema: string;
  private readonly databases: { contacts: string; analytics: string };
  private started: ServiceProcess[] = [];
  /** The topics of the services it does not start (sales), created empty: analytics waits for them. */
  private otherTopics: string[] = [];

  constructor(private readonly name: string) {
    this.prefix = `${name}-${this.run}`;
    this.schema = `${name}_${this.run}`;
    this.databases = { contacts: `${name}_contacts_${this.run}`, analytics: `${name}_analytics_${this.run}` };
  }

  get topic(): string {
    return `${this.prefix}.contacts`;
  }

  get services(): readonly ServiceProcess[] {
    return this.started;
  }

  get contacts(): ServiceProcess {
    return this.started[0];
  }

  get analytics(): ServiceProcess {
    return this.started[1];
  }

  /** Starts contacts, then analytics (one master key for both: analytics opens what contacts sealed); `env` goes to both. */
  async start(env: NodeJS.ProcessEnv = {}): Promise<void> {
    const shared = {
      JWT_SECRET: TEST_JWT_SECRET,
      PII_MASTER_KEY: randomBytes(32).toString('base64'),
      KAFKA_TOPIC_PREFIX: this.prefix,
      SUBJECT_KEYS_SCHEMA: this.schema,
      ...env,
    };
    const { contacts, analytics } = this.databases;
    const kafka = createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS ?? ''), clientId: `${this.prefix}-topics` });
    this.otherTopics = await ensureTopicsOfServicesNotStarted(kafka, this.prefix, ['contacts']);
    this.started.push(await startService('contacts', { ...shared, CONTACTS_DB_SCHEMA: this.schema, CONTACTS_READ_DB: contacts }));
    this.started.push(await startService('analytics', { ...shared, ANALYTICS_READ_DB: analytics }));
  }

  /** Stops both, then removes what the run left in PostgreSQL, MongoDB and Kafka (best effort, warned about). */
  async stop(): Promise<void> {
    await Promise.all(this.started.map((service) => service.stop()));
    const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    const kafka = createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS ?? ''), clientId: `${this.prefix}-cleanup` });
    try {
      const problems = await removeRunData({
        pool,
        schema: this.schema,
        mongoUri: process.env.MONGODB_URI!,
        databases: [this.databases.contacts, this.databases.analytics],
        kafka,
        topics: [this.topic, deadLetterTopicOf(this.topic), ...this.otherTopics],
      });
      if (problems.length > 0) console.warn(`${this.name} clean-up left something behind:\n${problems.join('\n')}`);
    } finally {
      await pool.end();
    }
  }
}
