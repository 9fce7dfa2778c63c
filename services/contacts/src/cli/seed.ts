/**
 * `npm run seed [-- --contacts 1000 --companies 200 --interactions 10000 --deals 2000 --orders 5000 --seed 1
 * --concurrency 16 --only contacts|sales]`: fills the running contacts service, then the sales service, with a
 * realistic data set through their public HTTP APIs (so commands, events, Kafka, projections and the analytics
 * timeline all see it as real use): contacts, then a catalog, pipelines, deals and orders for those contacts.
 * CONTACTS_URL (default http://127.0.0.1:3001), SALES_URL (default http://127.0.0.1:3002) and CRM_TOKEN (default:
 * an admin token signed with JWT_SECRET, or the development secret `npm start` uses).
 *
 * Ids are derived from the seed, so running it again adds nothing: a 409 on create, the 200 replay of an
 * interaction's external id, links or consents already on the contact, and the steps a deal or order has had
 * count as "already there". `--only sales` seeds the sales of contacts seeded before with the same flags.
 * It lives in the service (not scripts/) because the build already compiles it and it shares the contracts.
 */
import { parseArgs } from 'node:util';
import { generateSalesDataset, type SalesCustomer } from './sales-seed-data';
import { generateDataset, type ConsentBody, type SeedCountry, type SeedDataset, type SeedText } from './seed-data';
import {
  AccessRefused,
  Api,
  created,
  ok,
  RequestFailed,
  runPhase,
  tokenFromEnv,
  UsageError,
  waitUntilReady,
  type Outcome,
  type Tally,
} from './seed-http';
import { seedSales } from './seed-sales';

const USAGE = `usage: npm run seed -- [--contacts 1000] [--companies 200] [--interactions 10000] [--deals 2000] [--orders 5000]
                      [--seed 1] [--concurrency 16] [--only contacts|sales]
  CONTACTS_URL   the contacts service (default http://127.0.0.1:3001)
  SALES_URL      the sales service (default http://127.0.0.1:3002)
  CRM_TOKEN      a bearer token with a writer role (default: an admin token signed with JWT_SECRET or the dev secret)`;

/** faker, reseeded for every entity: the text of an entity depends on its own seed only. */
async function fakerText(): Promise<SeedText> {
  // faker is an ES module only: a dynamic import (Node >= 20.19 can also require it, TypeScript's node16 mode cannot).
  const f = await import('@faker-js/faker');
  const fakers: Record<SeedCountry, typeof f.faker> = {
    US: f.fakerEN_US,
    GB: f.fakerEN_GB,
    DE: f.fakerDE,
    FR: f.fakerFR,
    CH: f.fakerDE_CH,
    ES: f.fakerES,
    IT: f.fakerIT,
    NL: f.fakerNL,
    CA: f.fakerEN_CA,
    AU: f.fakerEN_AU,
  };
  return {
    entity(country, seed) {
      const faker = fakers[country];
      faker.seed([...seed]);
      return {
        firstName: (sex) => faker.person.firstName(sex),
        middleName: (sex) => faker.person.middleName(sex),
        lastName: () => faker.person.lastName(),
        prefix: (sex) => faker.person.prefix(sex),
        suffix: () => faker.person.suffix(),
        jobTitle: () => faker.person.jobTitle(),
        companyName: () => faker.company.name(),
        street: () => faker.location.streetAddress(),
        secondaryAddress: () => faker.location.secondaryAddress(),
        city: () => faker.location.city(),
        state: () => faker.location.state({ abbreviated: true }),
        zipCode: () => faker.location.zipCode(),
        productName: () => faker.commerce.productName(),
        catchPhrase: () => faker.company.catchPhrase(),
        buzzPhrase: () => faker.company.buzzPhrase(),
      };
    },
  };
}

interface Options {
  seed: number;
  contacts: number;
  companies: number;
  interactions: number;
  deals: number;
  orders: number;
  concurrency: number;
  /** Which services are seeded; the sales part always uses the contacts the other flags make. */
  only?: 'contacts' | 'sales';
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string', default: '1' },
      contacts: { type: 'string', default: '1000' },
      companies: { type: 'string', default: '200' },
      interactions: { type: 'string', default: '10000' },
      deals: { type: 'string', default: '2000' },
      orders: { type: 'string', default: '5000' },
      concurrency: { type: 'string', default: '16' },
      only: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new UsageError(USAGE);
  if (values.only !== undefined && values.only !== 'contacts' && values.only !== 'sales')
    throw new UsageError(`--only is contacts or sales\n${USAGE}`);
  const count = (name: Exclude<keyof Options, 'only'>, min: number, max: number): number => {
    const value = Number(values[name]);
    if (!Number.isSafeInteger(value) || value < min || value > max)
      throw new UsageError(`--${name} must be an integer from ${min} to ${max}\n${USAGE}`);
    return value;
  };
  return {
    seed: count('seed', 0, 2 ** 31 - 1),
    contacts: count('contacts', 0, 1_000_000),
    companies: count('companies', 0, 1_000_000),
    interactions: count('interactions', 0, 10_000_000),
    deals: count('deals', 0, 1_000_000),
    orders: count('orders', 0, 10_000_000),
    concurrency: count('concurrency', 1, 256),
    ...(values.only !== undefined && { only: values.only }),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const seedsContacts = options.only !== 'sales';
  const seedsSales = options.only !== 'contacts';
  const baseUrl = (process.env.CONTACTS_URL ?? 'http://127.0.0.1:3001').replace(/\/+$/, '');
  const salesUrl = (process.env.SALES_URL ?? 'http://127.0.0.1:3002').replace(/\/+$/, '');
  if (seedsContacts) await waitUntilReady(baseUrl, 'contacts', 'CONTACTS_URL');
  if (seedsSales) await waitUntilReady(salesUrl, 'sales', 'SALES_URL');
  const token = tokenFromEnv();
  const api = new Api(baseUrl, token);
  const started = performance.now();
  // Times lie before the start of today (UTC): a second run the same day sends the very same bodies.
  const today = new Date(new Date().toISOString().slice(0, 10));
  // The sales part needs the contacts (the customers), never their interactions.
  const interactions = seedsContacts ? options.interactions : 0;
  const data = generateDataset({ ...options, interactions, now: today }, await fakerText());
  const sales = generateSalesDataset({ ...options, today }, seedsSales ? customersOf(data) : []);
  if (seedsContacts)
    console.log(
      `Seeding ${baseUrl} (seed ${options.seed}): ${data.companies.length} companies, ${data.contacts.length} contacts, ` +
        `${data.links.length} company links, ${data.consents.length} consent statements, ${data.interactions.length} interactions`,
    );
  if (seedsSales)
    console.log(
      `Seeding ${salesUrl} (seed ${options.seed}): ${sales.products.length} products, ${sales.pipelines.length} pipelines, ` +
        `${sales.deals.length} deals, ${sales.orders.length} orders for the ${data.contacts.length} contacts`,
    );

  const existing = new Set<string>();
  const tallies: Tally[] = [];
  const phase = async <T>(...args: Parameters<typeof runPhase<T>>) => {
    const tally = await runPhase(...args);
    tallies.push(tally);
    return tally.failed === 0;
  };
  const finish = (stopped: boolean) => {
    const seconds = (performance.now() - started) / 1000;
    const sum = (key: 'created' | 'there' | 'failed') => tallies.reduce((total, t) => total + t[key], 0);
    console.log(
      `\nDone in ${seconds.toFixed(1)} s: ${sum('created')} created, ${sum('there')} already there, ${sum('failed')} failed.`,
    );
    const failures = tallies.flatMap((t) => t.failures).slice(0, 5);
    for (const failure of failures)
      console.error(`\n${failure.what}: ${failure.reply.status}\n${JSON.stringify(failure.reply.body, null, 2)}`);
    if (failures.length > 0) process.exitCode = 1;
    const sample = data.contacts[0];
    if (sample && !stopped && failures.length === 0 && seedsContacts)
      console.log(
        `\nTry: GET ${baseUrl}/v1/contacts/${sample.contactId} and, on analytics (port 3005 under npm start), ` +
          `GET /v1/customers/${sample.contactId}/timeline`,
      );
    const buyer = sales.orders[0]?.contactId;
    if (buyer && !stopped && failures.length === 0 && seedsSales)
      console.log(`${seedsContacts ? 'And' : 'Try'}: GET ${salesUrl}/v1/purchase-history/${buyer}`);
  };

  const contactSteps: (() => Promise<boolean>)[] = [
    () =>
      phase('companies', data.companies, options.concurrency, async (company) => [
        created(`POST /v1/companies (${company.companyId})`, await api.send('POST', '/v1/companies', company), 'company'),
      ]),
    () =>
      phase('contacts', data.contacts, options.concurrency, async (contact) => {
        const what = `POST /v1/contacts (${contact.contactId})`;
        const outcome = created(what, await api.send('POST', '/v1/contacts', contact), 'contact');
        if (outcome === 'there') existing.add(contact.contactId);
        return [outcome];
      }),
    () =>
      phase('links', data.links, options.concurrency, async ({ contactId, companyId, role }) => {
        // Only a contact made by an earlier run can have it already (PUT answers 200 either way).
        if (existing.has(contactId)) {
          const view = ok(`GET /v1/contacts/${contactId}`, await api.send('GET', `/v1/contacts/${contactId}`)).body as {
            companies?: { companyId: string; role?: string }[];
          };
          if (view.companies?.some((link) => link.companyId === companyId && link.role === role)) return ['there'];
        }
        const path = `/v1/contacts/${contactId}/companies/${companyId}`;
        ok(`PUT ${path}`, await api.send('PUT', path, { role }));
        return ['created'];
      }),
    () =>
      phase(
        'consents',
        byContact(data.consents),
        options.concurrency,
        async ([contactId, statements]) => {
          const path = `/v1/contacts/${contactId}/consents`;
          // The ledger keeps every statement: one already there (same channel, purpose, status, source) is not sent again.
          const ledger = existing.has(contactId)
            ? ((ok(`GET ${path}`, await api.send('GET', path)).body as { items: Omit<ConsentBody, 'contactId'>[] }).items ?? [])
            : [];
          const outcomes: Outcome[] = [];
          for (const { contactId: _, ...statement } of statements) {
            const same = (entry: Omit<ConsentBody, 'contactId'>) =>
              (['channel', 'purpose', 'status', 'source'] as const).every((key) => entry[key] === statement[key]);
            if (ledger.some(same)) outcomes.push('there');
            else {
              ok(`POST ${path}`, await api.send('POST', path, statement));
              outcomes.push('created');
            }
          }
          return outcomes;
        },
        ([, statements]) => statements.length,
      ),
    () =>
      phase('interactions', data.interactions, options.concurrency, async (interaction) => {
        const reply = await api.send('POST', '/v1/interactions', interaction);
        if (reply.status === 201) return ['created'];
        if (reply.status === 200) return ['there'];
        throw new RequestFailed(`POST /v1/interactions (${interaction.externalId})`, reply);
      }),
  ];
  const steps = [
    ...(seedsContacts ? contactSteps : []),
    ...(seedsSales ? [() => seedSales(new Api(salesUrl, token), sales, options.concurrency, phase)] : []),
  ];
  let stopped = true;
  try {
    // A failed phase stops the run: what follows depends on it.
    for (const step of steps) if (!(await step())) break;
    stopped = false;
  } finally {
    finish(stopped);
  }
}

/** The seeded contacts as customers: their country prices their orders, their company and owner go on their deals. */
function customersOf(data: SeedDataset): SalesCustomer[] {
  const employer = new Map(data.links.map((link) => [link.contactId, link.companyId]));
  return data.contacts.map(({ contactId, country, ownerId }) => {
    const companyId = employer.get(contactId);
    return { contactId, country, ...(companyId && { companyId }), ...(ownerId && { ownerId }) };
  });
}

function byContact(consents: readonly ConsentBody[]): [string, ConsentBody[]][] {
  const grouped = new Map<string, ConsentBody[]>();
  for (const consent of consents) grouped.set(consent.contactId, [...(grouped.get(consent.contactId) ?? []), consent]);
  return [...grouped];
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof AccessRefused) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`seed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = error instanceof UsageError && error.message === USAGE ? 0 : 1;
});
