import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { createKafka, parseBrokers } from '@crm/messaging';
import { TEST_JWT_SECRET } from '@crm/platform/nest/testing';
import { ensureTopicsOfServicesNotStarted } from '../support/source-topics';
import { removeRunData } from './cleanup';
import { startService, type ServiceProcess } from './service-process';

export type ServiceName = 'contacts' | 'sales' | 'analytics';

/**
 * Some of the CRM's services as separate processes, as `npm start` runs them, each with a PostgreSQL schema, a
 * read-model database and a topic of its own (named `<name>…<run>`), and one subject-key store and master key for
 * all (ADR 0015: what one service seals, another opens). `stop()` removes all of it.
 */
export class ServiceSet {
  readonly run = randomBytes(3).toString('hex');
  /** The Kafka topic prefix: the contacts topic is `<prefix>.contacts`. */
  readonly prefix: string;
  /** The PostgreSQL schema of contacts' events and relay checkpoint, and of the subject keys every service uses. */
  readonly schema: string;
  private readonly processes = new Map<ServiceName, ServiceProcess>();
  private readonly envs = new Map<ServiceName, NodeJS.ProcessEnv>();
  /** Every service's topics, created empty before any starts: consumers wait for the topics they read. */
  private topics: string[] = [];

  /** `services` start in this order: a consumer after the producers it reads. */
  constructor(
    private readonly name: string,
    private readonly services: readonly ServiceName[] = ['contacts', 'analytics'],
  ) {
    this.prefix = `${name}-${this.run}`;
    this.schema = `${name}_${this.run}`;
  }

  /** The contacts topic. */
  get topic(): string {
    return this.topicOf('contacts');
  }

  topicOf(service: ServiceName): string {
    return `${this.prefix}.${service}`;
  }

  /** Contacts keeps the run's schema (the subject keys live there too); every other service has one of its own. */
  schemaOf(service: ServiceName): string {
    return service === 'contacts' ? this.schema : `${this.schema}_${service}`;
  }

  databaseOf(service: ServiceName): string {
    return `${this.name}_${service}_${this.run}`;
  }

  get contacts(): ServiceProcess {
    return this.process('contacts');
  }

  get sales(): ServiceProcess {
    return this.process('sales');
  }

  get analytics(): ServiceProcess {
    return this.process('analytics');
  }

  /** The processes started, in order. */
  get started(): ServiceProcess[] {
    return [...this.processes.values()];
  }

  process(service: ServiceName): ServiceProcess {
    const started = this.processes.get(service);
    if (!started) throw new Error(`${service} is not started in ${this.name}`);
    return started;
  }

  /** Starts the services in order; `env` goes to all of them. */
  async start(env: NodeJS.ProcessEnv = {}): Promise<void> {
    const shared = {
      JWT_SECRET: TEST_JWT_SECRET,
      PII_MASTER_KEY: randomBytes(32).toString('base64'),
      KAFKA_TOPIC_PREFIX: this.prefix,
      SUBJECT_KEYS_SCHEMA: this.schema,
      ...env,
    };
    const kafka = createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS ?? ''), clientId: `${this.prefix}-topics` });
    this.topics = await ensureTopicsOfServicesNotStarted(kafka, this.prefix, []);
    for (const service of this.services) {
      const prefix = service.toUpperCase();
      this.envs.set(service, {
        ...shared,
        [`${prefix}_DB_SCHEMA`]: this.schemaOf(service),
        [`${prefix}_READ_DB`]: this.databaseOf(service),
      });
      await this.restart(service);
    }
  }

  /** Starts `service` again, as it was started (after `kill` or `stop` of its process). */
  async restart(service: ServiceName): Promise<ServiceProcess> {
    const started = await startService(service, this.envs.get(service)!);
    this.processes.set(service, started);
    return started;
  }

  /** Stops all, then removes what the run left in PostgreSQL, MongoDB and Kafka (best effort, warned about). */
  async stop(): Promise<void> {
    await Promise.all(this.started.map((service) => service.stop()));
    const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    const kafka = createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS ?? ''), clientId: `${this.prefix}-cleanup` });
    try {
      const problems = await removeRunData({
        pool,
        schemas: this.services.map((service) => this.schemaOf(service)),
        mongoUri: process.env.MONGODB_URI!,
        databases: this.services.map((service) => this.databaseOf(service)),
        kafka,
        topics: this.topics,
      });
      if (problems.length > 0) console.warn(`${this.name} clean-up left something behind:\n${problems.join('\n')}`);
    } finally {
      await pool.end();
    }
  }
}
