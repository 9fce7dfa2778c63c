import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { INTERACTION_CHANNELS, type InteractionChannel, type LifecycleStage } from '@crm/contracts';
import { createKafka, deadLetterTopicOf, parseBrokers } from '@crm/messaging';
import { TEST_JWT_SECRET, testToken } from '@crm/platform/nest/testing';
import { ensureTopicsOfServicesNotStarted } from '../support/source-topics';
import { removeRunData } from './cleanup';
import { CrmLedger, type ContactRecord, type LoggedInteraction } from './crm-ledger';
import { HttpClient, mapLimit } from './http-client';
import { PeopleFactory, seededRandom, type Person, type PhoneFormat } from './people';
import { scanKafkaTopic, scanMongoDatabase, scanPostgresSchema, TextScan } from './scans';
import { startService, type ServiceProcess } from './service-process';

/**
 * Issue #4, end to end: the contacts and analytics services as separate processes (built `dist/`), driven only
 * through their HTTP APIs, with PostgreSQL, Kafka and the MongoDB-wire server underneath. What the test does is
 * written down in a ledger; what both services show afterwards is compared with what the ledger expects, and every
 * place that holds data is scanned for the personal data of the people who were erased.
 */
const PEOPLE = 200;
const INTERACTIONS = 1000;
/** Interactions posted, after the merges, with a merged duplicate's id: they land on its survivor. */
const PER_MERGED_DUPLICATE = 5;
const CONCURRENCY = 16;
const SEED = Number(process.env.E2E_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** Who plays which part, by person number. */
const MERGES: { survivor: number; duplicates: number[] }[] = [
  { survivor: 10, duplicates: [11] },
  { survivor: 20, duplicates: [21, 22] }, // the survivor is erased afterwards: so are 21 and 22
  { survivor: 30, duplicates: [31, 32] },
  { survivor: 40, duplicates: [41] },
  { survivor: 50, duplicates: [51, 52] }, // undone: 51 and 52 get their own lives back
];
const UNDONE_MERGE = 4;
const LATE_INTERACTIONS = PER_MERGED_DUPLICATE * MERGES.flatMap((merge) => merge.duplicates).length;
/**
 * 60: a person with interactions on several channels. 20: the survivor of a merge that stays in force; erasing a
 * survivor also erases the contacts merged into it (docs/contacts.md), so 21 and 22 go too. 70: a person whose
 * phones were sent in national and international format.
 */
const ERASED = [60, 20, 70];
const SPECIAL: Record<
  number,
  { phoneFormats?: PhoneFormat[]; lifecycleStage?: LifecycleStage; jobTitle?: string; emails?: number }
> = {
  // Survivors have phones and an early stage, so that the merged profile's phone is theirs and the stage comes from a duplicate.
  10: { phoneFormats: ['e164'], lifecycleStage: 'lead' },
  11: { lifecycleStage: 'customer' },
  20: { phoneFormats: ['national', 'e164'], lifecycleStage: 'subscriber', emails: 2 },
  21: { phoneFormats: ['international'], lifecycleStage: 'opportunity' },
  22: { phoneFormats: ['national'], lifecycleStage: 'other' },
  30: { phoneFormats: ['international'], lifecycleStage: 'lead' },
  31: { lifecycleStage: 'other', jobTitle: 'Buyer' }, // the survivor has no job title: it takes this one
  32: { lifecycleStage: 'evangelist' },
  40: { phoneFormats: ['e164'], lifecycleStage: 'customer' },
  41: { lifecycleStage: 'lead' }, // less advanced: the survivor's stage stays
  50: { phoneFormats: ['e164'], lifecycleStage: 'lead' },
  51: { phoneFormats: ['national'], lifecycleStage: 'sales-qualified' },
  52: { lifecycleStage: 'customer', emails: 2 },
  60: { phoneFormats: ['international', 'national'], emails: 2 },
  70: { phoneFormats: ['national', 'international'], emails: 2 },
};

interface ContactView {
  contactId: string;
  name: { given: string; family: string };
  emails: { address: string; primary: boolean }[];
  phones: { number: string; primary: boolean }[];
  country?: string;
  lifecycleStage: LifecycleStage;
  tags: string[];
  jobTitle?: string;
  mergedInto?: string;
  createdAt: string;
  updatedAt: string;
}
interface InteractionView {
  interactionId: string;
  contactId: string;
}
interface TimelineItem {
  eventId: string;
  customerId: string;
  type: string;
  channel?: string;
  occurredAt: string;
  data: Record<string, unknown>;
}
interface TimelinePage {
  customerId: string;
  mergedInto?: string;
  contactIds: string[];
  items: TimelineItem[];
  next?: string;
}
interface Problem {
  type: string;
}

const countBy = (values: string[]) =>
  values.reduce<Record<string, number>>((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});
/** JSON with sorted keys: equal for equal content, whatever the order the keys were set in. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
const pick = <T>(record: Record<string, T>, keys: string[]) => Object.fromEntries(keys.map((key) => [key, record[key]]));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('Given contacts and analytics as separate processes, when 200 contacts get 1,000 interactions, 5 merges (one undone) and 3 erasures', () => {
  const run = randomBytes(3).toString('hex');
  const schema = `e2e_contacts_${run}`;
  const contactsReadDb = `e2e_contacts_${run}`;
  const analyticsDb = `e2e_analytics_${run}`;
  const prefix = `e2e-${run}`;
  const topic = `${prefix}.contacts`;
  /** The topics of the services this run does not start (sales), which analytics waits for. */
  let otherTopics: string[] = [];
  const mongoUri = process.env.MONGODB_URI!;
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  const kafka = createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS ?? ''), clientId: `e2e-${run}` });
  const ledger = new CrmLedger();
  const people: Person[] = [];
  const ids: string[] = [];
  const interactionsById = new Map<string, LoggedInteraction>();
  const services: ServiceProcess[] = [];
  let sales: HttpClient;
  let admin: HttpClient;
  let reader: HttpClient;
  let analytics: HttpClient;
  const timings: Record<string, number> = {};
  const started = Date.now();

  /** A failure shows what the services printed last. */
  const withServiceOutput = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      if (error instanceof Error) error.message += `\n\n${services.map((service) => service.output(40)).join('\n\n')}`;
      throw error;
    }
  };
  const timed = async (phase: string, work: () => Promise<void>) => {
    const from = Date.now();
    await work();
    timings[phase] = Date.now() - from;
  };

  beforeAll(
    () =>
      withServiceOutput(async () => {
        // One secret and one master key for both: analytics opens what contacts sealed, with the same key store.
        const shared = {
          JWT_SECRET: TEST_JWT_SECRET,
          PII_MASTER_KEY: randomBytes(32).toString('base64'),
          KAFKA_TOPIC_PREFIX: prefix,
          SUBJECT_KEYS_SCHEMA: schema,
        };
        await timed('start', async () => {
          otherTopics = await ensureTopicsOfServicesNotStarted(kafka, prefix, ['contacts']);
          const failedToStart = new AbortController();
          const starting = [
            startService(
              'contacts',
              { ...shared, CONTACTS_DB_SCHEMA: schema, CONTACTS_READ_DB: contactsReadDb },
              { signal: failedToStart.signal },
            ),
            startService('analytics', { ...shared, ANALYTICS_READ_DB: analyticsDb }, { signal: failedToStart.signal }),
          ].map((start) =>
            start.catch((error: Error) => {
              failedToStart.abort('the other service did not start');
              throw error;
            }),
          );
          // Keep whichever started, so that afterAll stops it even when the other did not.
          const results = await Promise.allSettled(starting);
          for (const result of results) if (result.status === 'fulfilled') services.push(result.value);
          const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
          if (failed) throw failed.reason;
        });
        const [contacts, analyticsService] = services;
        sales = new HttpClient(contacts.url, testToken(['sales'], 'e2e-sales'));
        admin = new HttpClient(contacts.url, testToken(['admin'], 'e2e-admin'));
        reader = new HttpClient(contacts.url, testToken(['analyst'], 'e2e-analyst'));
        analytics = new HttpClient(analyticsService.url, testToken(['analyst'], 'e2e-analyst'));

        await timed('create', createPeople);
        await timed('interactions', logInteractions);
        await timed('merges', mergeDuplicates);
        await timed('undo', undoOneMerge);
        await timed('erasures', erasePeople);
      }),
    240000,
  );

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    if (!process.env.E2E_KEEP) {
      const problems = await removeRunData({
        pool,
        schemas: [schema],
        mongoUri,
        databases: [contactsReadDb, analyticsDb],
        kafka,
        topics: [topic, deadLetterTopicOf(topic), ...otherTopics],
      });
      if (problems.length > 0) console.warn(`e2e clean-up left something behind:\n${problems.join('\n')}`);
    }
    await pool.end();
    console.log(`e2e run ${run} (seed ${SEED}): ${JSON.stringify({ ...timings, total: Date.now() - started })} ms`);
  }, 60000);

  async function createPeople(): Promise<void> {
    const factory = new PeopleFactory(run, seededRandom(SEED));
    for (let index = 0; index < PEOPLE; index++) people.push(factory.person(index, SPECIAL[index]));
    const created = await mapLimit(people, CONCURRENCY, (person) =>
      sales.expect<ContactView>(201, 'POST', '/v1/contacts', person.request, idempotencyKey(`create-${person.label}`)),
    );
    created.forEach(({ body }, index) => {
      const person = people[index];
      // The service keeps what was sent, normalized as documented: e-mails lower case, phones E.164.
      expect({ label: person.label, ...pickIdentity(body) }).toEqual({ label: person.label, ...person.identity });
      ids.push(body.contactId);
      ledger.created(person.label, body.contactId, person.identity, body.createdAt);
    });
    // A retried create with the same Idempotency-Key gets the first answer again, and creates nothing.
    for (const index of [0, 1, 2]) {
      const again = await sales.request('POST', '/v1/contacts', people[index].request, idempotencyKey(`create-c00${index}`));
      expect({ status: again.status, text: again.text }).toEqual({ status: 201, text: created[index].text });
    }
  }

  /** Every POST carries one (docs: API conventions), so the kept responses are in the store the scans look at. */
  const idempotencyKey = (what: string) => ({ 'Idempotency-Key': `e2e-${run}-${what}` });

  /** Interaction number `n` for `person`, on a channel and at a time that spread them over channels and 2025. */
  function interactionRequest(n: number, requestedId: string, person: Person) {
    const channel: InteractionChannel = INTERACTION_CHANNELS[n % INTERACTION_CHANNELS.length];
    const { given, family } = person.request.name;
    const participant =
      channel === 'phone-call' && person.phones.length > 0
        ? [{ name: `${given} ${family}`, phone: person.phones[0].e164 }]
        : channel === 'email'
          ? [{ name: `${given} ${family}`, email: person.request.emails[0].address }]
          : undefined;
    return {
      contactId: requestedId,
      channel,
      direction: (['inbound', 'outbound'] as const)[n % 2],
      occurredAt: new Date(Date.UTC(2025, 0, 1) + n * 7 * 3600000 + (n % 997)).toISOString(),
      // Message contents name the person too: sealed with their key, so erased with them.
      ...(n % 3 === 0 ? { subject: `Quote for ${given} ${family}` } : n % 3 === 1 ? { subject: `Follow-up ${n}` } : {}),
      ...(n % 5 === 0 ? { body: `Spoke with ${given} ${family} about the renewal.` } : {}),
      ...(participant ? { participants: participant } : {}),
      ...(channel === 'phone-call' ? { durationSeconds: 60 + (n % 600) } : {}),
      externalId: `e2e-${run}-${n}`,
    };
  }

  async function postInteraction(n: number, requestedId: string, person: Person): Promise<void> {
    const request = interactionRequest(n, requestedId, person);
    const { body } = await sales.expect<InteractionView>(
      201,
      'POST',
      '/v1/interactions',
      request,
      idempotencyKey(`interaction-${n}`),
    );
    const logged = ledger.logged(requestedId, {
      interactionId: body.interactionId,
      channel: request.channel,
      occurredAt: request.occurredAt,
      subject: request.subject,
      externalId: request.externalId,
    });
    // Logged on the contact the id stands for: a merged duplicate's survivor (docs/contacts.md, interactions).
    expect({ n, contactId: body.contactId }).toEqual({ n, contactId: logged.contactId });
    interactionsById.set(body.interactionId, logged);
  }

  async function logInteractions(): Promise<void> {
    const random = seededRandom(SEED + 1);
    // Everyone gets at least one; the rest go to people at random.
    const owners = Array.from({ length: INTERACTIONS - LATE_INTERACTIONS }, (_, n) =>
      n < PEOPLE ? n : Math.floor(random() * PEOPLE),
    );
    await mapLimit(owners, CONCURRENCY, (index, n) => postInteraction(n, ids[index], people[index]));
    // Integrations retry: an external id posted again answers 200 with the first interaction and logs nothing.
    for (const n of [0, 1, 2, 3, 4]) {
      const again = await sales.expect<InteractionView>(
        200,
        'POST',
        '/v1/interactions',
        interactionRequest(n, ids[n], people[n]),
      );
      expect(interactionsById.get(again.body.interactionId)?.externalId).toBe(`e2e-${run}-${n}`);
    }
  }

  async function mergeDuplicates(): Promise<void> {
    for (const { survivor, duplicates } of MERGES) {
      const { body } = await sales.expect<ContactView & { mergeId: string }>(
        200,
        'POST',
        `/v1/contacts/${ids[survivor]}/merge`,
        { duplicateIds: duplicates.map((index) => ids[index]) },
        idempotencyKey(`merge-${survivor}`),
      );
      ledger.merged(
        ids[survivor],
        duplicates.map((index) => ids[index]),
        body.mergeId,
        body.updatedAt,
      );
      expect({ survivor, ...pickIdentity(body) }).toEqual({ survivor, ...ledger.contact(ids[survivor]).identity });
    }
    // After the merges, duplicates' ids still take interactions: they are logged on the survivors.
    let n = INTERACTIONS - LATE_INTERACTIONS;
    const late = MERGES.flatMap((merge) => merge.duplicates).flatMap((index) =>
      Array.from({ length: PER_MERGED_DUPLICATE }, () => ({ index, n: n++ })),
    );
    await mapLimit(late, CONCURRENCY, ({ index, n }) => postInteraction(n, ids[index], people[index]));
  }

  async function undoOneMerge(): Promise<void> {
    const merge = ledger.merges[UNDONE_MERGE];
    const { body } = await sales.expect<ContactView>(
      200,
      'POST',
      `/v1/contacts/${merge.survivorId}/merges/${merge.mergeId}/undo`,
      undefined,
      idempotencyKey('undo'),
    );
    ledger.undone(merge.mergeId, body.updatedAt);
    expect(pickIdentity(body)).toEqual(ledger.contact(merge.survivorId).identity);
  }

  async function erasePeople(): Promise<void> {
    for (const index of ERASED) {
      await sales.expect(403, 'POST', `/v1/contacts/${ids[index]}/erase`); // admin only
      await admin.expect(204, 'POST', `/v1/contacts/${ids[index]}/erase`, undefined, idempotencyKey(`erase-${index}`));
      ledger.erased(ids[index]);
    }
  }

  const erasedRecords = () => [...ledger.contacts.values()].filter((record) => record.erased);

  /** Everything personal the test sent for a person, in every form it was sent or is stored in. */
  function personalValues(record: ContactRecord): string[] {
    const person = people[ids.indexOf(record.contactId)];
    const { given, family } = person.request.name;
    return [
      given,
      family,
      `${given} ${family}`,
      ...person.request.emails.map((email) => email.address),
      ...person.identity.emails,
      ...person.phones.flatMap((phone) => [phone.sent, phone.e164, phone.e164.slice(1)]),
    ];
  }

  it('Then the scenario was what the issue asks for: 200 contacts, 1,000 interactions, 5 merges (one undone), 3 erasures', () => {
    const records = [...ledger.contacts.values()];
    expect(records).toHaveLength(PEOPLE);
    expect(records.reduce((sum, record) => sum + record.interactions.length, 0)).toBe(INTERACTIONS);
    expect(new Set(records.flatMap((record) => record.interactions.map((i) => i.channel))).size).toBe(
      INTERACTION_CHANNELS.length,
    );
    expect(ledger.merges.map((merge) => merge.undone)).toEqual([false, false, false, false, true]);
    expect(erasedRecords().map((record) => record.label)).toEqual(['c020', 'c021', 'c022', 'c060', 'c070']);
  });

  it('Then the contacts API answers live, merged and erased contacts as documented', () =>
    withServiceOutput(async () => {
      const views = await mapLimit(ids, CONCURRENCY, (id) => reader.request<ContactView & Problem>('GET', `/v1/contacts/${id}`));
      const actual: Record<string, unknown> = {};
      const expected: Record<string, unknown> = {};
      views.forEach((view, index) => {
        const record = ledger.contact(ids[index]);
        const survivor = ledger.contact(ledger.resolve(record.contactId));
        if (record.erased) {
          expected[record.label] = { status: 410, type: 'https://crm.example/problems/contact-erased' };
          actual[record.label] = { status: view.status, type: view.body.type };
          return;
        }
        // A merged id answers with its survivor and names it in Content-Location.
        expected[record.label] = {
          status: 200,
          contactId: survivor.label,
          contentLocation: survivor === record ? null : `/v1/contacts/${survivor.contactId}`,
          ...survivor.identity,
        };
        actual[record.label] = {
          status: view.status,
          contactId: ledger.label(view.body.contactId),
          contentLocation: view.headers.get('content-location'),
          ...pickIdentity(view.body),
        };
      });
      expect(actual).toEqual(expected);
    }));

  /**
   * Polls `observe` for the ids whose answer does not equal `expectView` yet (read models are eventually consistent),
   * until all do or `waitMs` passed; then asserts, naming the wait, with a diff of the ones that still differ.
   */
  async function settles(
    customerIds: string[],
    expectView: (id: string) => unknown,
    observe: (id: string) => Promise<unknown>,
    waitMs: number,
  ): Promise<void> {
    const expected = Object.fromEntries(customerIds.map((id) => [ledger.label(id), expectView(id)]));
    const actual: Record<string, unknown> = {};
    let pending = [...customerIds];
    for (const deadline = Date.now() + waitMs; ; await sleep(500)) {
      const observed = await mapLimit(pending, CONCURRENCY, observe);
      pending.forEach((id, index) => (actual[ledger.label(id)] = observed[index]));
      pending = pending.filter((id) => canonical(actual[ledger.label(id)]) !== canonical(expected[ledger.label(id)]));
      if (pending.length === 0 || Date.now() > deadline) break;
    }
    const differing = pending.map((id) => ledger.label(id));
    const what = `differing after waiting up to ${waitMs} ms`;
    expect({ [what]: pick(actual, differing) }).toEqual({ [what]: pick(expected, differing) });
  }

  it(
    'Then analytics catches up: every customer’s timeline and profile hold exactly what was done, merged ids resolved',
    () =>
      withServiceOutput(async () => {
        const from = Date.now();
        await settles(ids, expectedView, observeCustomer, 90000);
        timings.catchUp = Date.now() - from;
      }),
    150000,
  );

  it(
    'Then the contacts service lists each customer’s interactions, those of contacts merged into it included',
    () =>
      withServiceOutput(async () => {
        const live = ids.filter((id) => !ledger.contact(id).erased);
        await settles(live, (id) => ledger.expectedTimeline(id).interactionIds, listedInteractions, 60000);
      }),
    120000,
  );

  async function listedInteractions(id: string): Promise<string[] | string> {
    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const query = `limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await reader.request<{ items: InteractionView[]; next?: string }>(
        'GET',
        `/v1/contacts/${id}/interactions?${query}`,
      );
      if (page.status !== 200) return `answered ${page.status}`;
      listed.push(...page.body.items.map((item) => item.interactionId));
      cursor = page.body.next;
    } while (cursor);
    return listed.sort();
  }

  /** What the ledger expects analytics to answer for an id (labels instead of ids, to read a diff). */
  function expectedView(id: string) {
    const { customerId, mergedInto, contactIds, ...timeline } = ledger.expectedTimeline(id);
    return {
      timeline: {
        customerId: ledger.label(customerId),
        ...(mergedInto ? { mergedInto: ledger.label(mergedInto) } : {}),
        contactIds: contactIds.map((contactId) => ledger.label(contactId)).sort(),
        ...timeline,
        newestFirst: true,
        personalDataMismatches: [],
      },
      profile: labelled(ledger.expectedProfile(id)),
    };
  }

  async function observeCustomer(id: string) {
    const items: TimelineItem[] = [];
    let page: TimelinePage | undefined;
    let cursor: string | undefined;
    do {
      const response = await analytics.request<TimelinePage>(
        'GET',
        `/v1/customers/${id}/timeline?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      if (response.status !== 200) return { timeline: `answered ${response.status}`, profile: 'not read' };
      page = response.body;
      items.push(...page.items);
      cursor = page.next;
    } while (cursor);
    const profile = await analytics.request<Record<string, unknown>>('GET', `/v1/customers/${id}/profile`);
    const interactions = items.filter((item) => item.type === 'InteractionLogged');
    return {
      timeline: {
        customerId: ledger.label(page.customerId),
        ...(page.mergedInto ? { mergedInto: ledger.label(page.mergedInto) } : {}),
        contactIds: page.contactIds.map((contactId) => ledger.label(contactId)).sort(),
        entries: items.length,
        types: countBy(items.map((item) => item.type)),
        channels: countBy(interactions.map((item) => item.channel ?? 'none')),
        interactionIds: interactions.map((item) => String(item.data.interactionId)).sort(),
        newestFirst: items.every((item, index) => index === 0 || items[index - 1].occurredAt >= item.occurredAt),
        personalDataMismatches: items.flatMap(personalDataMismatch),
      },
      profile: profile.status === 200 ? labelled(profile.body) : `answered ${profile.status}`,
    };
  }

  /** Opened with the right person's key while they live; null for every personal value once they are erased. */
  function personalDataMismatch(item: TimelineItem): string[] {
    const record = ledger.contacts.get(item.customerId);
    if (!record) return [`${item.eventId}: an entry of an unknown contact ${item.customerId}`];
    const { data } = item;
    const where = `${item.type} ${item.eventId} of ${record.label}`;
    if (record.erased) {
      const personal =
        item.type === 'ContactCreated'
          ? [data.name, data.emails, data.phones]
          : item.type === 'InteractionLogged'
            ? [data.participants, data.subject, data.body]
            : [];
      return personal.every((value) => value === null || value === undefined) ? [] : [`${where}: personal data not null`];
    }
    if (item.type === 'ContactCreated' && canonical(data.name) !== canonical(people[ids.indexOf(record.contactId)].request.name))
      return [`${where}: name opened as ${JSON.stringify(data.name)}`];
    if (item.type === 'InteractionLogged') {
      const sent = interactionsById.get(String(data.interactionId));
      if (sent?.contactId !== item.customerId) return [`${where}: not the contact it was logged on`];
      if (data.subject !== sent.subject) return [`${where}: subject opened as ${JSON.stringify(data.subject)}`];
    }
    return [];
  }

  /** Ids as labels, and a time where only its presence is known. */
  function labelled(profile: Record<string, unknown>): Record<string, unknown> {
    const { customerId, mergedInto, contactIds, erasedAt, ...rest } = profile;
    return {
      ...rest,
      customerId: ledger.label(String(customerId)),
      ...(mergedInto ? { mergedInto: ledger.label(String(mergedInto)) } : {}),
      contactIds: (contactIds as string[]).map((contactId) => ledger.label(contactId)).sort(),
      ...(erasedAt === undefined
        ? {}
        : { erasedAt: typeof erasedAt === 'string' && ISO_TIME.test(erasedAt) ? '<a time>' : erasedAt }),
    };
  }

  it('Then erased people are gone from every answer: 410 from contacts, no personal value from analytics', () =>
    withServiceOutput(async () => {
      const erased = erasedRecords();
      const secrets = erased.flatMap(personalValues);
      const answers = new TextScan(secrets);
      const statuses: Record<string, Record<string, number>> = {};
      for (const [number, record] of erased.entries()) {
        const id = record.contactId;
        const responses = {
          contact: await reader.request('GET', `/v1/contacts/${id}`),
          history: await reader.request('GET', `/v1/contacts/${id}/history`),
          update: await sales.request('PATCH', `/v1/contacts/${id}`, { jobTitle: 'Ghost' }),
          interaction: await sales.request(
            'POST',
            '/v1/interactions',
            interactionRequest(9990 + number, id, people[ids.indexOf(id)]),
          ),
          eraseAgain: await admin.request('POST', `/v1/contacts/${id}/erase`),
          personalData: await admin.request('GET', `/v1/contacts/${id}/personal-data`),
          // The kept answer to the create was sealed with the person's key: a replay cannot show it any more.
          createReplay: await sales.request(
            'POST',
            '/v1/contacts',
            people[ids.indexOf(id)].request,
            idempotencyKey(`create-${record.label}`),
          ),
          timeline: await analytics.request('GET', `/v1/customers/${id}/timeline?limit=200`),
          profile: await analytics.request('GET', `/v1/customers/${id}/profile`),
        };
        statuses[record.label] = Object.fromEntries(Object.entries(responses).map(([name, response]) => [name, response.status]));
        for (const [name, response] of Object.entries(responses)) answers.look(`${record.label} ${name}`, response.text);
        // The docs give no status for these; whatever they answer for an erased person must not show them.
        for (const path of [
          `/v1/contacts/${id}/interactions`,
          `/v1/contacts/${id}/duplicates`,
          `/v1/interactions/${record.interactions[0].interactionId}`,
        ]) {
          answers.look(`${record.label} GET ${path}`, (await reader.request('GET', path)).text);
        }
      }
      // The list searches names and e-mail addresses by prefix. It is eventually consistent: each search is repeated
      // until the erasure reached it (or the shared deadline passed), then its answer is looked at.
      const listDeadline = Date.now() + 30000;
      for (const record of erased) {
        const { name, emails } = people[ids.indexOf(record.contactId)].identity;
        for (const prefix of [name.given, name.family, ...emails]) {
          const search = () =>
            reader.expect<{ items: unknown[] }>(200, 'GET', `/v1/contacts?includeMerged=true&q=${encodeURIComponent(prefix)}`);
          let listed = await search();
          while (listed.body.items.length > 0 && Date.now() < listDeadline) {
            await sleep(250);
            listed = await search();
          }
          answers.look(`list q=${prefix}`, listed.text);
        }
      }
      const expectedStatuses = {
        contact: 410,
        history: 410,
        update: 410,
        interaction: 410,
        eraseAgain: 204, // repeating an erasure is harmless
        personalData: 410,
        createReplay: 410,
        timeline: 200,
        profile: 200,
      };
      expect(statuses).toEqual(Object.fromEntries(erased.map((record) => [record.label, expectedStatuses])));
      expect(
        Object.fromEntries(secrets.map((secret) => [secret, answers.placesOf(secret)]).filter(([, at]) => at.length)),
      ).toEqual({});
    }));

  it('Then no erased name, e-mail or phone is stored anywhere: MongoDB, the event store schema, the Kafka topics', () =>
    withServiceOutput(async () => {
      const secrets = erasedRecords().flatMap(personalValues);
      const livingEmail = ledger.contact(ids[0]).identity.emails[0];
      const erasedInteraction = ledger.contact(ids[60]).interactions[0];
      const scan = new TextScan([...secrets, livingEmail, erasedInteraction.externalId, ids[60]]);
      const deadLetters = deadLetterTopicOf(topic);

      const from = Date.now();
      const collections = {
        contacts: await scanMongoDatabase(scan, mongoUri, contactsReadDb),
        analytics: await scanMongoDatabase(scan, mongoUri, analyticsDb),
      };
      const tables = await scanPostgresSchema(scan, pool, schema);
      const published = await scanKafkaTopic(scan, kafka, topic);
      const deadLettered = await scanKafkaTopic(scan, kafka, deadLetters);
      timings.scans = Date.now() - from;
      console.log(`e2e scanned (records per place): ${JSON.stringify(Object.fromEntries(scan.scanned), null, 1)}`);

      expect(Object.fromEntries(secrets.map((secret) => [secret, scan.placesOf(secret)]).filter(([, at]) => at.length))).toEqual(
        {},
      );

      // The scans can fail: they look where the data is. Read models hold live people in plaintext…
      expect(collections.contacts).toContain('contact_list');
      expect(collections.analytics).toEqual(expect.arrayContaining(['timeline', 'customer_profiles', 'identities']));
      expect(scan.placesOf(livingEmail)).toEqual(
        expect.arrayContaining([`mongo:${analyticsDb}.customer_profiles`, `mongo:${contactsReadDb}.contact_list`]),
      );
      // …while the store and Kafka hold them sealed…
      expect(scan.placesOf(livingEmail).filter((place) => !place.startsWith('mongo:'))).toEqual([]);
      // …and hold every event, the erased person's non-personal facts (ids, external ids) included.
      const written = ledger.eventCount();
      expect(tables).toEqual(expect.arrayContaining(['events', 'subject_keys', 'idempotency_keys']));
      expect(scan.scanned.get(`pg:${schema}.events`)).toBe(written);
      expect(scan.scanned.get(`mongo:${analyticsDb}.timeline`)).toBe(written);
      const { rows } = await pool.query<{ event_id: string }>(`SELECT event_id FROM "${schema}".events`);
      expect(rows.filter((row) => !published.eventIds.has(row.event_id))).toEqual([]);
      expect(published.messages.length).toBeGreaterThanOrEqual(written);
      for (const control of [erasedInteraction.externalId, ids[60]]) {
        expect(scan.placesOf(control)).toEqual(
          expect.arrayContaining([`pg:${schema}.events`, `kafka:${topic}`, `mongo:${analyticsDb}.timeline`]),
        );
      }

      // Nothing was dead-lettered on the way, by analytics or by the contacts service's own projections.
      const reasons = deadLettered.messages.map((message) =>
        ['dlq_consumer_group', 'ce_type', 'dlq_reason'].map((name) => String(message.headers?.[name] ?? '')).join(' | '),
      );
      expect({ deadLetters: deadLettered.messages.length, reasons: [...new Set(reasons)] }).toEqual({
        deadLetters: 0,
        reasons: [],
      });
    }));
  // Last, as it erases one more person: the counts the scans above check are the scenario's.
  it('Then erasing a contact of the undone merge leaves nothing of theirs in the survivor’s records (the merge’s key goes too)', () =>
    withServiceOutput(async () => {
      const merge = ledger.merges[UNDONE_MERGE];
      const duplicate = ledger.contact(merge.duplicateIds[0]);
      const { survivorId } = merge;
      /** Looks at the survivor's history, export, timeline and the replay of the merge request; the replay's status. */
      const lookAtSurvivor = async (scan: TextScan): Promise<number> => {
        scan.look('history', (await reader.request('GET', `/v1/contacts/${survivorId}/history`)).text);
        scan.look('export', (await admin.request('GET', `/v1/contacts/${survivorId}/personal-data`)).text);
        scan.look('timeline', (await analytics.request('GET', `/v1/customers/${survivorId}/timeline?limit=200`)).text);
        const body = { duplicateIds: merge.duplicateIds };
        const replay = await sales.request(
          'POST',
          `/v1/contacts/${survivorId}/merge`,
          body,
          idempotencyKey(`merge-${ids.indexOf(survivorId)}`),
        );
        scan.look('merge replay', replay.text);
        return replay.status;
      };
      const foundIn = (scan: TextScan) =>
        personalValues(duplicate).flatMap((value) => scan.placesOf(value).map((place) => `${value} in ${place}`));

      // Control: before the erasure the survivor's merge records do show the duplicate's values.
      const before = new TextScan(personalValues(duplicate));
      expect(await lookAtSurvivor(before)).toBe(200);
      expect(foundIn(before)).not.toEqual([]);

      await admin.expect(204, 'POST', `/v1/contacts/${duplicate.contactId}/erase`);
      const after = new TextScan(personalValues(duplicate));
      expect(await lookAtSurvivor(after)).toBe(410);
      expect(foundIn(after)).toEqual([]);
      // The survivor itself lives on, with its own values.
      const survivor = await reader.expect<ContactView>(200, 'GET', `/v1/contacts/${survivorId}`);
      expect(pickIdentity(survivor.body)).toEqual(ledger.contact(survivorId).identity);
    }));
});

function pickIdentity(view: ContactView) {
  return {
    name: { given: view.name.given, family: view.name.family },
    emails: view.emails.map((email) => email.address),
    phones: view.phones.map((phone) => phone.number),
    country: view.country,
    lifecycleStage: view.lifecycleStage,
    tags: view.tags,
    ...(view.jobTitle ? { jobTitle: view.jobTitle } : {}),
  };
}
