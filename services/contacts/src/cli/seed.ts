/**
 * `npm run seed [-- --contacts 1000 --companies 200 --interactions 10000 --seed 1 --concurrency 16]`: fills the
 * running contacts service with a realistic data set through its public HTTP API (so commands, events, Kafka,
 * projections and the analytics timeline all see it as real use). CONTACTS_URL (default http://127.0.0.1:3001)
 * and CRM_TOKEN (default: an admin token signed with JWT_SECRET, or the development secret `npm start` uses).
 *
 * Ids are derived from the seed, so running it again adds nothing: a 409 on create, the 200 replay of an
 * interaction's external id, and links or consents already on the contact count as "already there".
 * It lives in the service (not scripts/) because the build already compiles it and it shares the contracts.
 */
import { SingleBar, Presets } from 'cli-progress';
import { parseArgs } from 'node:util';
import { issueToken, DEV_JWT_SECRET } from '@crm/platform';
import { generateDataset, type ConsentBody, type SeedCountry, type SeedText } from './seed-data';

const USAGE = `usage: npm run seed -- [--contacts 1000] [--companies 200] [--interactions 10000] [--seed 1] [--concurrency 16]
  CONTACTS_URL   the contacts service (default http://127.0.0.1:3001)
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
  concurrency: number;
}

class UsageError extends Error {}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string', default: '1' },
      contacts: { type: 'string', default: '1000' },
      companies: { type: 'string', default: '200' },
      interactions: { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '16' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new UsageError(USAGE);
  const count = (name: keyof Options, min: number, max: number): number => {
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
    concurrency: count('concurrency', 1, 256),
  };
}

interface Reply {
  status: number;
  body: unknown;
}

type Outcome = 'created' | 'there';

class RequestFailed extends Error {
  constructor(
    readonly what: string,
    readonly reply: Reply,
  ) {
    super(`${what}: ${reply.status}`);
  }
}

/** Fatal for the whole run: the token is refused, so every other request would be too. */
class AccessRefused extends Error {}

class Api {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** One request; retried (everything the seed sends is idempotent) on network errors, 429 and 5xx. */
  async send(method: string, path: string, body?: unknown): Promise<Reply> {
    for (let attempt = 1; ; attempt++) {
      let reply: Reply | undefined;
      let failure: unknown;
      try {
        const response = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        reply = { status: response.status, body: text ? parseJson(text) : undefined };
      } catch (error) {
        failure = error;
      }
      if (reply && (reply.status === 401 || reply.status === 403))
        throw new AccessRefused(
          `The service refused the token (${reply.status} ${problemTitle(reply.body)}): set CRM_TOKEN to a writer's token, ` +
            'or JWT_SECRET to the secret the service uses.',
        );
      const retriable = reply === undefined || reply.status === 429 || reply.status >= 500;
      if (!retriable || attempt === 4) {
        if (reply) return reply;
        throw failure;
      }
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** (attempt - 1)));
    }
  }
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

const problemTitle = (body: unknown): string =>
  typeof body === 'object' && body !== null && 'title' in body ? String((body as { title: unknown }).title) : '';
const problemType = (body: unknown): string =>
  typeof body === 'object' && body !== null && 'type' in body ? String((body as { type: unknown }).type) : '';

/** 201 is new; 409 `<kind>-already-exists` means a previous run made it. */
function created(what: string, reply: Reply, kind: string): Outcome {
  if (reply.status === 201) return 'created';
  if (reply.status === 409 && problemType(reply.body).endsWith(`${kind}-already-exists`)) return 'there';
  throw new RequestFailed(what, reply);
}

function ok(what: string, reply: Reply): Reply {
  if (reply.status >= 200 && reply.status < 300) return reply;
  throw new RequestFailed(what, reply);
}

interface Tally {
  phase: string;
  created: number;
  there: number;
  failed: number;
  failures: RequestFailed[];
}

/**
 * Runs `work` over the items with at most `concurrency` in flight, with a progress bar. Each item may stand for
 * several requests (`weight`), e.g. a contact's consent statements, which must be sent in order.
 */
async function runPhase<T>(
  phase: string,
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<Outcome[]>,
  weight: (item: T) => number = () => 1,
): Promise<Tally> {
  const tally: Tally = { phase, created: 0, there: 0, failed: 0, failures: [] };
  const total = items.reduce((sum, item) => sum + weight(item), 0);
  const bar = new SingleBar(
    {
      format: `${phase.padEnd(13)} {bar} {value}/{total} | {percentage}% | ETA {eta_formatted}`,
      hideCursor: true,
      etaBuffer: 200,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  let next = 0;
  let fatal: unknown;
  const worker = async () => {
    while (next < items.length && fatal === undefined) {
      const item = items[next++];
      try {
        for (const outcome of await work(item)) tally[outcome]++;
      } catch (error) {
        if (!(error instanceof RequestFailed)) {
          fatal ??= error;
          break;
        }
        tally.failed += weight(item);
        if (tally.failures.length < 5) tally.failures.push(error);
      }
      bar.increment(weight(item));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  bar.stop();
  if (fatal !== undefined) throw fatal;
  console.log(`${phase.padEnd(13)} created ${tally.created}, already there ${tally.there}, failed ${tally.failed}`);
  return tally;
}

/** Exits 1 with one line when nothing listens; waits (up to a minute) while the service is still starting. */
async function waitUntilReady(baseUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let said = false;
  for (;;) {
    let status: number;
    try {
      status = (await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(5_000) })).status;
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new UsageError(
        `seed: cannot reach the contacts service at ${baseUrl} (${code}). Run \`npm start\` in another terminal first (or set CONTACTS_URL).`,
      );
    }
    if (status === 200) return;
    if (Date.now() > deadline) throw new UsageError(`seed: ${baseUrl}/health/ready still answers ${status} after a minute.`);
    if (!said) console.log(`The contacts service is starting (ready: ${status}); waiting...`);
    said = true;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

function tokenFromEnv(): string {
  if (process.env.CRM_TOKEN) return process.env.CRM_TOKEN;
  const secret = process.env.JWT_SECRET || DEV_JWT_SECRET;
  return issueToken({ sub: 'seed', roles: ['admin'] }, secret, '2h', {
    issuer: process.env.JWT_ISSUER,
    audience: process.env.JWT_AUDIENCE,
  });
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const baseUrl = (process.env.CONTACTS_URL ?? 'http://127.0.0.1:3001').replace(/\/+$/, '');
  await waitUntilReady(baseUrl);
  const api = new Api(baseUrl, tokenFromEnv());
  const started = performance.now();
  // Times lie before the start of today (UTC): a second run the same day sends the very same bodies.
  const today = new Date(new Date().toISOString().slice(0, 10));
  const data = generateDataset({ ...options, now: today }, await fakerText());
  console.log(
    `Seeding ${baseUrl} (seed ${options.seed}): ${data.companies.length} companies, ${data.contacts.length} contacts, ` +
      `${data.links.length} company links, ${data.consents.length} consent statements, ${data.interactions.length} interactions`,
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
    if (sample && !stopped && failures.length === 0)
      console.log(
        `\nTry: GET ${baseUrl}/v1/contacts/${sample.contactId} and, on analytics (port 3005 under npm start), ` +
          `GET /v1/customers/${sample.contactId}/timeline`,
      );
  };

  const steps: (() => Promise<boolean>)[] = [
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
  let stopped = true;
  try {
    // A failed phase stops the run: what follows depends on it.
    for (const step of steps) if (!(await step())) break;
    stopped = false;
  } finally {
    finish(stopped);
  }
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
