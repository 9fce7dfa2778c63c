import { Module } from '@nestjs/common';
import { ContactCreated, ContactRenamed } from '@crm/contracts';
import type { Aggregate } from '@crm/eventsourcing';
import { defineProjection } from '@crm/projections';
import { loadServiceConfig, serviceConfigSpec, settingsOf } from './config';
import { defineService, InvalidServiceDefinitionError, type ServiceDefinition } from './service';

@Module({})
class Application {}

const aggregate = (name: string): Aggregate => ({
  name,
  decider: { initialState: null, decide: () => [], evolve: (state) => state },
});
const projection = (name: string, collection = name) =>
  defineProjection({ name, collection, handles: [ContactRenamed], documentId: () => undefined, evolve: () => null });

const definition = (overrides: Partial<ServiceDefinition> = {}): ServiceDefinition => ({
  name: 'customer-success',
  title: 'CRM customer success API',
  access: { read: ['analyst'], write: ['support'] },
  application: Application,
  ...overrides,
});

describe('defineService', () => {
  it('accepts a declaration and keeps it as it is', () => {
    const aggregates = [aggregate('playbook')];
    expect(defineService(definition({ aggregates }))).toMatchObject({ name: 'customer-success', aggregates });
  });

  it.each([
    [{ name: 'Customer Success' }, /lower-case kebab-case/],
    [{ contracts: { contracts: [ContactCreated] } }, /contract ContactCreated belongs to contacts, not customer-success/],
    [{ aggregates: [aggregate('playbook'), aggregate('playbook')] }, /aggregate playbook is declared twice/],
    [{ aggregates: [aggregate('Playbook')] }, /aggregate "Playbook" must be lower-case kebab-case/],
    [
      { aggregates: [aggregate('playbook'), aggregate('playbook-step')] },
      /streams of playbook-step \(playbook-step-<id>\) read as streams of playbook/,
    ],
    [{ projections: [projection('a', 'same'), projection('b', 'same')] }, /collection same is declared twice/],
    [{ access: { read: [], write: ['support'] } }, /no reader or no writer/],
    [{ timers: ['sla-breach', 'sla-breach'] }, /timer kind sla-breach is declared twice/],
    [{ timers: ['SLA breach'] }, /timer kind "SLA breach" must be lower-case kebab-case/],
  ])('refuses %p, naming what is wrong', (overrides, message) => {
    expect(() => defineService(definition(overrides as Partial<ServiceDefinition>))).toThrow(InvalidServiceDefinitionError);
    expect(() => defineService(definition(overrides as Partial<ServiceDefinition>))).toThrow(message);
  });
});

describe('the configuration of a service', () => {
  const env = {
    NODE_ENV: 'test',
    KAFKA_BROKERS: '127.0.0.1:9092',
    MONGODB_URI: 'mongodb://127.0.0.1:27017',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/crm',
  };

  it('names its own schema and read database after it, with defaults, and the shared subject keys', () => {
    const spec = serviceConfigSpec(definition());
    expect(Object.keys(spec)).toEqual(expect.arrayContaining(['CUSTOMER_SUCCESS_DB_SCHEMA', 'CUSTOMER_SUCCESS_READ_DB']));
    const settings = settingsOf('customer-success', loadServiceConfig(definition(), env));
    expect(settings).toMatchObject({
      schema: 'customer_success',
      readDatabase: 'crm_customer_success',
      topicPrefix: 'crm',
      subjectKeys: { databaseUrl: env.DATABASE_URL, schema: 'privacy' },
    });
    expect(settings.topicOf('sales')).toBe('crm.sales');
  });

  it('takes what the environment says, the topic prefix included', () => {
    const config = loadServiceConfig(definition(), {
      ...env,
      CUSTOMER_SUCCESS_DB_SCHEMA: 'cs',
      KAFKA_TOPIC_PREFIX: 'tenant-a',
      SUBJECT_KEYS_DATABASE_URL: 'postgres://keys@10.0.0.9:5432/keys',
    });
    const settings = settingsOf('customer-success', config);
    expect(settings).toMatchObject({ schema: 'cs', subjectKeys: { databaseUrl: 'postgres://keys@10.0.0.9:5432/keys' } });
    expect(settings.topicOf('contacts')).toBe('tenant-a.contacts');
  });

  it('needs DATABASE_URL with aggregates (events, relay), else only for the subject keys', () => {
    const { DATABASE_URL: _, ...withoutDatabase } = env;
    expect(() => loadServiceConfig(definition({ aggregates: [aggregate('playbook')] }), withoutDatabase)).toThrow(/DATABASE_URL/);
    expect(() => loadServiceConfig(definition(), withoutDatabase)).toThrow(
      /DATABASE_URL is required when SUBJECT_KEYS_DATABASE_URL is unset/,
    );
    expect(() =>
      loadServiceConfig(definition(), { ...withoutDatabase, SUBJECT_KEYS_DATABASE_URL: env.DATABASE_URL }),
    ).not.toThrow();
  });

  it('reads the timers’ variables of a service that declares timer kinds, with defaults, and needs DATABASE_URL for them', () => {
    const withTimers = definition({ timers: ['sla-breach'] });
    expect(loadServiceConfig(withTimers, env)).toMatchObject({
      TIMERS_POLL_INTERVAL: 1000,
      TIMERS_BATCH_SIZE: 20,
      TIMERS_LEASE: 30_000,
    });
    expect(loadServiceConfig(withTimers, { ...env, TIMERS_LEASE: '2m' })).toMatchObject({ TIMERS_LEASE: 120_000 });
    expect(() => loadServiceConfig(withTimers, { ...env, TIMERS_BATCH_SIZE: '0' })).toThrow(/TIMERS_BATCH_SIZE/);
    expect(serviceConfigSpec(definition())).not.toHaveProperty('TIMERS_LEASE');
    const { DATABASE_URL: _, ...withoutDatabase } = env;
    expect(() => loadServiceConfig(withTimers, { ...withoutDatabase, SUBJECT_KEYS_DATABASE_URL: env.DATABASE_URL })).toThrow(
      /DATABASE_URL/,
    );
  });

  it('adds the variables the service declares, checked like the rest', () => {
    const spec = { CUSTOMER_SUCCESS_PLAYBOOK_LIMIT: serviceConfigSpec(definition()).PORT };
    expect(() => loadServiceConfig(definition({ config: spec }), { ...env, CUSTOMER_SUCCESS_PLAYBOOK_LIMIT: 'many' })).toThrow(
      /CUSTOMER_SUCCESS_PLAYBOOK_LIMIT/,
    );
  });
});
