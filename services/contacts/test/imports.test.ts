import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type { Connection } from 'mongoose';
import { Pool } from 'pg';
import request from 'supertest';
import type { EventStore } from '@crm/eventsourcing';
import { EVENT_STORE } from '@crm/eventsourcing/nest/event-store.module';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { testToken } from '@crm/platform/nest/testing';
import { READ_MODELS } from '@crm/projections/nest/read-models.module';
import { contactsTestConfig, createContactsTestApp } from './support';
import { ABANDONED_REASON } from '@crm/csv';
import { ImportJobs } from '@crm/csv/nest';
import { companyIdFor, contactIdFor } from '../src/application/imports/external-ids';
import { NOT_MERGED } from '../src/application/imports/contact-dedupe';

interface Job {
  jobId: string;
  status: string;
  rowsTotal: number;
  rowsRead: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  bytesTotal: number;
  bytesProcessed: number;
  failureReason?: string;
  badRows: { row: number; type: string; title: string; errors?: { field: string; column?: string; messages: string[] }[] }[];
}

/** CSV import and export against the real PostgreSQL, Kafka and MongoDB-wire servers. */
describe('contacts import and export', () => {
  let app: NestExpressApplication;
  let pool: Pool;
  let spoolDir: string;
  const schema = uniqueSchema('imports_test');
  const sales = `Bearer ${testToken(['sales'], 'sally')}`;
  const otherSales = `Bearer ${testToken(['sales'], 'sam')}`;
  const admin = `Bearer ${testToken(['admin'], 'root')}`;
  const analyst = `Bearer ${testToken(['analyst'])}`;
  const support = `Bearer ${testToken(['support'])}`;
  const run = Date.now().toString(36);

  beforeAll(async () => {
    spoolDir = await mkdtemp(join(tmpdir(), 'imports-test-'));
    const config = contactsTestConfig(schema, { CONTACTS_IMPORT_MAX_BYTES: '1mb', CONTACTS_IMPORT_SPOOL_DIR: spoolDir });
    app = await createContactsTestApp(config);
    pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  });
  afterAll(async () => {
    await app?.close();
    await pool?.end();
    await rm(spoolDir, { recursive: true, force: true });
  });

  const http = () => request(app.getHttpServer());
  const upload = (csv: string | Buffer, query: Record<string, string> = {}, token = sales, type = 'text/csv') =>
    http().post('/v1/imports').query(query).set('Authorization', token).set('Content-Type', type).send(csv);
  const jobOf = async (jobId: string, token = sales): Promise<Job> =>
    (await http().get(`/v1/imports/${jobId}`).set('Authorization', token).expect(200)).body as Job;
  const finished = async (jobId: string): Promise<Job> => {
    let job = await jobOf(jobId);
    await eventually(async () => ['completed', 'failed'].includes((job = await jobOf(jobId)).status), `import ${jobId} finished`);
    return job;
  };
  const imported = async (csv: string | Buffer, query: Record<string, string> = {}): Promise<Job> => {
    const response = await upload(csv, query).expect(202);
    expect(response.headers.location).toBe(`/v1/imports/${response.body.jobId}`);
    return finished(response.body.jobId);
  };
  const eventCount = async () => (await app.get<EventStore>(EVENT_STORE).readAll({ maxCount: 1_000_000 })).length;
  const listed = async (query: Record<string, string>) =>
    (
      await http()
        .get('/v1/contacts')
        .query({ limit: '200', ...query })
        .set('Authorization', analyst)
        .expect(200)
    ).body.items as {
      contactId: string;
      email?: string;
    }[];
  const readModel = () => app.get<Connection>(READ_MODELS).db!;

  // 300 people; the rows that must fail and the duplicate are placed among them.
  const people = Array.from({ length: 300 }, (_, i) => ({
    first: `Person${i}`,
    last: `Import${run}`,
    email: `p${i}.${run}@example.com`,
    phone: `+41 44 668 ${String(1000 + i).slice(0, 2)} ${String(1000 + i).slice(2)}`,
    stage: i % 3 === 0 ? 'Customer' : 'lead',
    tags: `batch-${run}${i % 2 === 0 ? ';even' : ''}`,
    ext: i < 100 ? `crm-a-${run}-${i}` : '',
  }));
  people[10].email = 'not-an-email';
  people[20].phone = '+1 555';
  people[30].stage = 'prospect';
  // Row of person 40 again further down: the same e-mail, another tag. It merges into the first.
  const duplicate = { ...people[140], tags: `batch-${run};late`, ext: '' };
  const contactsCsv = () =>
    [
      'First Name,Last Name,E-Mail,Mobile,Lifecycle Stage,Tags,External Id',
      ...[...people, duplicate].map((p) => [p.first, p.last, p.email, p.phone, p.stage, p.tags, p.ext].join(',')),
    ].join('\n');
  const rowOf = (index: number) => index + 2; // the header is row 1

  it('imports a few hundred contacts through the API’s rules: bad rows are reported, the good ones land', async () => {
    const before = await eventCount();
    const job = await imported(contactsCsv(), { 'mapping[Mobile]': 'phone' });
    expect(job).toMatchObject({
      status: 'completed',
      rowsTotal: 301,
      rowsRead: 301,
      created: 297,
      updated: 1,
      unchanged: 0,
      failed: 3,
    });
    expect(job.bytesProcessed).toBe(job.bytesTotal);
    expect(job.badRows.map((bad) => [bad.row, bad.errors?.map((e) => [e.field, e.column])])).toEqual([
      [rowOf(10), [['email', 'E-Mail']]],
      [rowOf(20), [['phone', 'Mobile']]],
      [rowOf(30), [['lifecycleStage', 'Lifecycle Stage']]],
    ]);
    expect(job.badRows[0]).toMatchObject({ type: 'https://crm.example/problems/validation', title: 'The row is invalid' });
    expect(job.badRows[2].errors![0].messages[0]).toContain('lifecycleStage must be one of');
    // One event per created contact, one for the duplicate's change; nothing for the bad rows.
    expect((await eventCount()) - before).toBe(297 + 1);

    // A contact with an external id has the id derived from it; the duplicate row added its tag to the first.
    const ada = await http()
      .get(`/v1/contacts/${contactIdFor(people[0].ext)}`)
      .set('Authorization', analyst)
      .expect(200);
    expect(ada.body).toMatchObject({
      name: { given: 'Person0', family: `Import${run}` },
      emails: [{ address: people[0].email, primary: true }],
      phones: [{ number: '+41446681000', primary: true }],
      lifecycleStage: 'customer',
      tags: [`batch-${run}`, 'even'],
    });
    await eventually(async () => (await listed({ email: people[140].email })).length === 1, 'the duplicate listed once');
    const [merged] = await listed({ email: people[140].email });
    const read = await http().get(`/v1/contacts/${merged.contactId}`).set('Authorization', analyst).expect(200);
    expect(read.body.tags).toEqual([`batch-${run}`, 'even', 'late']);
    expect(await listed({ email: 'not-an-email' })).toEqual([]);

    // Every bad row with its reason, as CSV for a spreadsheet.
    const errors = await http().get(`/v1/imports/${job.jobId}/errors`).set('Authorization', sales).expect(200);
    expect(errors.headers['content-type']).toContain('text/csv');
    expect(parse(errors.text, { columns: true })).toEqual([
      expect.objectContaining({ row: String(rowOf(10)), column: 'E-Mail', field: 'email' }),
      expect.objectContaining({ row: String(rowOf(20)), column: 'Mobile', field: 'phone' }),
      expect.objectContaining({ row: String(rowOf(30)), column: 'Lifecycle Stage', field: 'lifecycleStage' }),
    ]);
  });

  it('makes a re-import of the same file update instead of duplicating: unchanged rows record no event', async () => {
    await eventually(
      async () =>
        (await readModel()
          .collection('contact_list')
          .countDocuments({ familyName: `Import${run}` })) === 297,
      'the first import listed',
    );
    const before = await eventCount();
    const job = await imported(contactsCsv(), { mapping: JSON.stringify({ Mobile: 'phone' }) });
    expect(job).toMatchObject({ status: 'completed', created: 0, updated: 0, unchanged: 298, failed: 3 });
    expect(await eventCount()).toBe(before);
    expect(
      await readModel()
        .collection('contact_list')
        .countDocuments({ familyName: `Import${run}` }),
    ).toBe(297);
  });

  it('takes another system’s record ids as external ids, never as ours (issue 16: Contact ID, OwnerId)', async () => {
    const ids = [String(Date.now()), String(Date.now() + 1)]; // numeric, as HubSpot's record ids
    const job = await imported(
      [
        'Record ID,First Name,Last Name,Email',
        `${ids[0]},Grace,Record${run},grace.record.${run}@example.com`,
        `${ids[1]},Alan,Record${run},alan.record.${run}@example.com`,
      ].join('\n'),
    );
    expect(job).toMatchObject({ status: 'completed', created: 2, failed: 0 });
    const grace = await http()
      .get(`/v1/contacts/${contactIdFor(ids[0])}`)
      .set('Authorization', analyst)
      .expect(200);
    expect(grace.body).toMatchObject({ name: { given: 'Grace', family: `Record${run}` } }); // found by its external id

    // A column that only resembles one of our ids fills nothing by itself: a clear refusal, not every row failing.
    const refused = await upload(['OwnerId,First Name,Email', `005xx000001Sv6A,Ada,ada.owner.${run}@example.com`].join('\n'));
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      {
        field: 'columns[0]',
        messages: [
          'column "OwnerId" fills no field; map it (mapping[OwnerId]=<field>), drop it (mapping[OwnerId]=ignore) or send ignoreUnknownColumns=true',
        ],
      },
    ]);
  });

  it('detects a semicolon or tab file’s separator when the request names none (issue 16)', async () => {
    const job = await imported(
      [
        'Vorname;Nachname;E-Mail',
        `Ada;Semikolon${run};ada.semi.${run}@example.com`,
        `Alan;Semikolon${run};"alan;semi.${run}@example.com"`,
      ].join('\n'),
      { 'mapping[Vorname]': 'givenName', 'mapping[Nachname]': 'familyName', 'mapping[E-Mail]': 'email' },
    );
    // Both rows were read as three cells: the second fails on its e-mail, not on its width.
    expect(job).toMatchObject({ status: 'completed', created: 1, failed: 1 });
    expect(job.badRows.map((bad) => (bad.errors ?? []).map((error) => error.field))).toEqual([['email']]);
    const tabbed = await imported(['givenName\tfamilyName', `Grace\tTab${run}`].join('\n'));
    expect(tabbed).toMatchObject({ status: 'completed', created: 1 });
  });

  it('reads a file without a country column in the import’s default country (issue 16)', async () => {
    const ext = `swiss-${run}`;
    const job = await imported(
      ['externalId,First Name,Last Name,Phone Number', `${ext},Ada,Default${run},044 668 18 00`].join('\n'),
      {
        defaultCountry: 'Schweiz',
      },
    );
    expect(job).toMatchObject({ status: 'completed', created: 1, failed: 0, defaultCountry: 'CH' });
    const contact = await http()
      .get(`/v1/contacts/${contactIdFor(ext)}`)
      .set('Authorization', analyst)
      .expect(200);
    expect(contact.body).toMatchObject({ country: 'CH', phones: [{ number: '+41446681800', primary: true }] });

    const refused = await upload('givenName\nAda', { defaultCountry: 'Atlantis' }).expect(400);
    expect(refused.body.errors).toEqual([
      { field: 'defaultCountry', messages: ['"Atlantis" is no country name or ISO 3166-1 code'], in: 'query' },
    ]);
  });

  describe('dedupe (issue 16: contactId, then externalId, then e-mail, then phone)', () => {
    const fixture = (name: string) => readFile(join(__dirname, 'fixtures/imports', name), 'utf8');
    const dedupeFamily = { familyName: 'Dedupe' };
    const hubspot = { ignoreUnknownColumns: 'true', defaultCountry: 'CH' };
    const listedDedupe = async (count: number) => {
      await eventually(async () => (await listed(dedupeFamily)).length === count, `${count} Dedupe contacts listed`);
      return listed(dedupeFamily);
    };
    const contactOf = async (contactId: string) =>
      (await http().get(`/v1/contacts/${contactId}`).set('Authorization', analyst).expect(200)).body;

    it('finds the people of a file imported without ids again when it comes with ids, and keeps the ids', async () => {
      const first = await imported(await fixture('hubspot-contacts-without-ids.csv'), hubspot);
      expect(first).toMatchObject({ status: 'completed', created: 4, failed: 0 });
      const people = await listedDedupe(4);

      // By e-mail (Ada in other case, Grace, Alan) and by phone (Hedy: a national number before, E.164 now).
      const second = await imported(await fixture('hubspot-contacts-with-ids.csv'), hubspot);
      expect(second).toMatchObject({ status: 'completed', created: 0, updated: 0, unchanged: 4, failed: 0 });
      expect((await listed(dedupeFamily)).map((each) => each.contactId).sort()).toEqual(
        people.map((each) => each.contactId).sort(),
      );

      // The external ids were kept: a row with Ada's id and a new address finds her by the id alone.
      const ada = people.find((each) => each.email === 'ada@dedupe.example')!;
      const third = await imported(
        ['Record ID,First Name,Last Name,Email', '151234567801,Ada,Dedupe,ada.new@dedupe.example'].join('\n'),
      );
      expect(third).toMatchObject({ status: 'completed', created: 0, updated: 1, failed: 0 });
      const addresses = (await contactOf(ada.contactId)).emails.map((email: { address: string }) => email.address);
      expect(addresses.sort()).toEqual(['ada.new@dedupe.example', 'ada@dedupe.example']);
      await http()
        .get(`/v1/contacts/${contactIdFor('151234567801')}`)
        .set('Authorization', analyst)
        .expect(404);
      expect(await listedDedupe(4)).toHaveLength(4);
    });

    it('reports a row whose external id and e-mail point at two contacts, naming both, and merges nothing', async () => {
      const people = await listedDedupe(4);
      const idOf = (email: string) => people.find((each) => each.email === email)!.contactId;
      const [grace, alan] = [idOf('grace@dedupe.example'), idOf('alan@dedupe.example')];
      const before = await eventCount();
      const job = await imported(
        [
          'Record ID,First Name,Last Name,Email,otherEmails',
          // Grace's id, Alan's address.
          '151234567802,Grace,Dedupe,alan@dedupe.example,',
          // No id, Grace's and Alan's addresses.
          ',Grace,Dedupe,grace@dedupe.example,alan@dedupe.example',
        ].join('\n'),
      );
      expect(job).toMatchObject({ status: 'completed', created: 0, updated: 0, unchanged: 0, failed: 2 });
      expect(job.badRows.map((bad) => [bad.row, bad.errors])).toEqual([
        [
          2,
          [
            {
              field: 'email',
              column: 'Email',
              messages: [`belongs to contact ${alan}, while the externalId names contact ${grace}: ${NOT_MERGED}`],
            },
          ],
        ],
        [
          3,
          ['email', 'otherEmails'].map((field) => ({
            field,
            column: field === 'email' ? 'Email' : 'otherEmails',
            messages: [`the row's e-mail addresses belong to different contacts (${grace}, ${alan}): ${NOT_MERGED}`],
          })),
        ],
      ]);
      expect(await eventCount()).toBe(before);
      expect((await contactOf(grace)).emails).toEqual([{ address: 'grace@dedupe.example', primary: true }]);
      expect((await contactOf(alan)).emails).toEqual([{ address: 'alan@dedupe.example', primary: true }]);
    });

    it('finds a contact by its phone number, and finds contacts the same job created before', async () => {
      const job = await imported(
        [
          'First Name,Last Name,Email,Phone Number,Job Title',
          // Hedy of the fixture by her number alone, read in the default country.
          'Hedy,Dedupe,,044 668 19 03,Engineer',
          `Katherine,Job${run},katherine.job@dedupe.example,+41 44 668 19 10,`,
          `Other,Job${run},other.job@dedupe.example,,`,
          // Katherine again, by her number, then by her address (and number: rows sharing no key may run in any order).
          `Katherine,Job${run},,044 668 19 10,Mathematician`,
          `Katherine,Job${run},katherine.job@dedupe.example,+41446681910,Physicist`,
        ].join('\n'),
        { defaultCountry: 'CH' },
      );
      expect(job).toMatchObject({ status: 'completed', created: 2, updated: 3, failed: 0 });
      const hedy = (await listedDedupe(4)).find((each) => each.email === undefined)!;
      expect(await contactOf(hedy.contactId)).toMatchObject({ jobTitle: 'Engineer', phones: [{ number: '+41446681903' }] });
      await eventually(async () => (await listed({ familyName: `Job${run}` })).length === 2, 'the Job contacts listed');
      const [katherine] = await listed({ email: 'katherine.job@dedupe.example' });
      expect(await contactOf(katherine.contactId)).toMatchObject({ jobTitle: 'Physicist' });
    });
  });

  it('imports a HubSpot export of contacts known by e-mail or phone only, with extensions, a city alone and the Create Date (issue 16)', async () => {
    const file = readFileSync(join(__dirname, 'fixtures/imports/hubspot-email-only.csv'), 'utf8');
    const hubspot = {
      'mapping[Country/Region]': 'country',
      'mapping[Original Source]': 'source',
      'mapping[Create Date]': 'sourceCreatedAt',
    };
    const job = await imported(file, hubspot);
    expect(job).toMatchObject({ status: 'completed', created: 5, failed: 1 });
    // The row with no name, e-mail or phone, on its First Name column.
    expect(job.badRows).toEqual([
      expect.objectContaining({
        row: 7,
        errors: [
          {
            field: 'givenName',
            column: 'First Name',
            messages: [
              'a contact needs a name (givenName or familyName), an e-mail address (email) or a phone number (phone): the row gives none',
            ],
          },
        ],
      }),
    ]);
    const contact = async (recordId: string) =>
      (
        await http()
          .get(`/v1/contacts/${contactIdFor(recordId)}`)
          .set('Authorization', analyst)
          .expect(200)
      ).body;
    const lena = await contact('151234567901');
    expect(lena).not.toHaveProperty('name');
    expect(lena).toMatchObject({
      emails: [{ address: 'lena.marsh@hubspot-fixture.example', primary: true }],
      sourceCreatedAt: '2021-03-04T10:15:00.000Z',
    });
    expect(lena.createdAt).not.toBe(lena.sourceCreatedAt);
    expect(await contact('151234567903')).toMatchObject({
      name: { given: 'Mara', family: 'Quinn' },
      phones: [{ number: '+13125550103', extension: '123', primary: true }],
      // A city alone, in the contact's country.
      addresses: [{ lines: [], city: 'Chicago', country: 'US' }],
      sourceCreatedAt: '2020-01-15T16:45:00.000Z',
    });
    expect(await contact('151234567904')).toMatchObject({
      phones: [{ number: '+16175550104', extension: '43023', primary: true }],
      sourceCreatedAt: '2019-11-30T00:00:00.000Z',
    });
    expect(await contact('151234567905')).toMatchObject({
      phones: [{ number: '+41446681800', extension: '43023', primary: true }],
      addresses: [{ lines: [], city: 'Zürich', country: 'CH' }],
    });

    // Again: nothing changes (phones compare by number and extension, the source date is kept).
    const before = await eventCount();
    expect(await imported(file, hubspot)).toMatchObject({ created: 0, updated: 0, unchanged: 5, failed: 1 });
    expect(await eventCount()).toBe(before);

    // The export writes the extensions and the source date back; importing it changes nothing.
    const filter = { source: 'Offline Sources' };
    await eventually(async () => (await listed(filter)).length === 5, 'the HubSpot contacts listed');
    const csv = await http()
      .get('/v1/contacts/export')
      .query({ ...filter, format: 'csv', sort: 'createdAt' })
      .set('Authorization', sales)
      .expect(200);
    const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(rows.find((row) => row.contactId === contactIdFor('151234567904'))).toMatchObject({
      givenName: '',
      email: '',
      // Text that starts with `+` is marked as text for spreadsheets (escapeCell); the import takes the mark off.
      phone: "'+16175550104 ext. 43023",
      sourceCreatedAt: '2019-11-30T00:00:00.000Z',
    });
    expect(await imported(csv.text)).toMatchObject({ created: 0, updated: 0, unchanged: 5, failed: 0 });
    expect(await eventCount()).toBe(before);
  });

  it('takes a city or a postal code alone in the default country, and names its column when no country is known (issue 16)', async () => {
    const file = [
      'First Name,Email,City,Postal Code',
      `Ada,ada.city.${run}@example.com,Zürich,`,
      `Alan,alan.zip.${run}@example.com,,8001`,
    ].join('\n');
    const job = await imported(file);
    expect(job).toMatchObject({ created: 0, failed: 2 });
    const message = 'addressCountry is needed: the address names no country and the contact has none';
    expect(job.badRows.map((bad) => bad.errors)).toEqual([
      [{ field: 'city', column: 'City', messages: [message] }],
      [{ field: 'postalCode', column: 'Postal Code', messages: [message] }],
    ]);
    expect(await imported(file, { defaultCountry: 'CH' })).toMatchObject({ created: 2, failed: 0 });
    const byEmail = { email: `alan.zip.${run}@example.com` };
    await eventually(async () => (await listed(byEmail)).length === 1, 'the postal-code-only contact listed');
    const [alan] = await listed(byEmail);
    const read = await http().get(`/v1/contacts/${alan.contactId}`).set('Authorization', analyst).expect(200);
    expect(read.body.addresses).toEqual([{ lines: [], postalCode: '8001', country: 'CH' }]);
  });

  describe('preview (issue 16)', () => {
    const preview = (csv: string, query: Record<string, string> = {}, headers: Record<string, string> = {}) =>
      http()
        .post('/v1/imports/preview')
        .query(query)
        .set('Authorization', sales)
        .set('Content-Type', 'text/csv')
        .set(headers)
        .send(csv);
    const ext = (n: number) => `preview-${run}-${n}`;
    const file = (rows: string[]) => ['External Id,First Name,familyName,E-Mail,Mobile,Fax', ...rows].join('\n');
    const previewRows = [
      `${ext(1)},Ada,Preview${run},ada.preview.${run}@example.com,+41 44 668 18 00,+41 44 668 18 99`,
      `${ext(2)},Alan (renamed),Preview${run},,,`,
      `${ext(3)},Grace,Preview${run},grace.preview.${run}@example.com,,`,
      `${ext(4)},Bad,Preview${run},not-an-email,+1 555,`,
      `,,Preview${run},,,`,
    ];

    beforeAll(async () => {
      const seeded = await imported(
        [
          'externalId,givenName,familyName,email,phone',
          `${ext(1)},Ada,Preview${run},ada.preview.${run}@example.com,+41 44 668 18 00`,
          `${ext(2)},Alan,Preview${run},,`,
        ].join('\n'),
      );
      expect(seeded).toMatchObject({ status: 'completed', created: 2 });
    });

    it('shows the guessed mapping, samples and confidence, and lists the column problems instead of refusing', async () => {
      const events = await eventCount();
      const jobs = await jobCount();
      const response = await preview(file(previewRows), { 'mapping[Mobile]': 'phone' }).expect(200);
      expect(response.body).toMatchObject({ kind: 'contacts', delimiter: ',', rowsTotal: 5, valueMappings: {}, rows: [] });
      expect(response.body.columns).toEqual([
        { position: 1, header: 'External Id', field: 'externalId', confidence: 'resemblance', samples: [ext(1), ext(2), ext(3)] },
        {
          position: 2,
          header: 'First Name',
          field: 'givenName',
          confidence: 'alias',
          samples: ['Ada', 'Alan (renamed)', 'Grace'],
        },
        { position: 3, header: 'familyName', field: 'familyName', confidence: 'exact', samples: Array(3).fill(`Preview${run}`) },
        {
          position: 4,
          header: 'E-Mail',
          field: 'email',
          confidence: 'resemblance',
          samples: [`ada.preview.${run}@example.com`, `grace.preview.${run}@example.com`, 'not-an-email'],
        },
        { position: 5, header: 'Mobile', field: 'phone', confidence: 'mapped', samples: ['+41 44 668 18 00', '+1 555'] },
        { position: 6, header: 'Fax', confidence: 'none', samples: ['+41 44 668 18 99'] },
      ]);
      // What POST /v1/imports would answer 400 with.
      expect(response.body.columnErrors).toEqual([
        { field: 'columns[5]', messages: [expect.stringContaining('column "Fax" fills no field')] },
      ]);
      expect(await eventCount()).toBe(events);
      expect(await jobCount()).toBe(jobs);
    });

    it('shows what each of the first rows would do, and writes nothing: no event, no job, no idempotency record, no file', async () => {
      const events = await eventCount();
      const jobs = await jobCount();
      const keys = await idempotencyKeyCount();
      const response = await preview(
        file(previewRows),
        { 'mapping[Mobile]': 'phone', ignoreUnknownColumns: 'true', rows: '4' },
        { 'Idempotency-Key': `preview-${run}` },
      ).expect(200);
      expect(response.body.columnErrors).toEqual([]);
      expect(response.body.columns[5]).toEqual({ position: 6, header: 'Fax', confidence: 'none', samples: ['+41 44 668 18 99'] });
      expect(response.body.rows).toEqual([
        { row: 2, outcome: 'unchanged', targetId: contactIdFor(ext(1)) },
        { row: 3, outcome: 'updated', targetId: contactIdFor(ext(2)) },
        { row: 4, outcome: 'created' },
        {
          row: 5,
          outcome: 'failed',
          severity: 'error',
          type: 'https://crm.example/problems/validation',
          title: 'The row is invalid',
          detail: expect.any(String),
          errors: [
            { field: 'email', column: 'E-Mail', messages: expect.any(Array) },
            { field: 'phone', column: 'Mobile', messages: expect.any(Array) },
          ],
        },
      ]);
      // With onInvalidCell=skip, the bad row would land without its bad cells, each a warning.
      const lenient = await preview(file(previewRows), {
        'mapping[Mobile]': 'phone',
        ignoreUnknownColumns: 'true',
        onInvalidCell: 'skip',
      });
      expect(lenient.body.rows[3]).toEqual({
        row: 5,
        outcome: 'created',
        warnings: [
          { field: 'email', column: 'E-Mail', messages: expect.any(Array) },
          { field: 'phone', column: 'Mobile', messages: expect.any(Array) },
        ],
      });
      expect(await eventCount()).toBe(events);
      expect(await jobCount()).toBe(jobs);
      expect(await idempotencyKeyCount()).toBe(keys);
      expect(await readdir(spoolDir)).toEqual([]);
      const renamed = await http()
        .get(`/v1/contacts/${contactIdFor(ext(2))}`)
        .set('Authorization', analyst)
        .expect(200);
      expect(renamed.body.name.given).toBe('Alan');
    });

    it('tells each row what the import then does with the same file', async () => {
      const query = { 'mapping[Mobile]': 'phone', 'mapping[Fax]': 'ignore' };
      const planned = (await preview(file(previewRows), { ...query, rows: '100' }).expect(200)).body as {
        rows: { row: number; outcome: string; targetId?: string; errors?: unknown }[];
      };
      // Each row's contact (rows 2 to 5 carry external ids) as it is before the import: its ETag tells a change.
      const etagOf = async (n: number) =>
        (
          await http()
            .get(`/v1/contacts/${contactIdFor(ext(n))}`)
            .set('Authorization', analyst)
        ).headers.etag as string | undefined;
      const before = await Promise.all([1, 2, 3, 4].map(etagOf));
      const job = await imported(file(previewRows), query);
      const after = await Promise.all([1, 2, 3, 4].map(etagOf));
      const done = planned.rows.slice(0, 4).map((_, index) => {
        if (before[index] === undefined) return after[index] === undefined ? 'failed' : 'created';
        return after[index] === before[index] ? 'unchanged' : 'updated';
      });
      expect(done).toEqual(planned.rows.slice(0, 4).map((row) => row.outcome));
      const count = (outcome: string) => planned.rows.filter((row) => row.outcome === outcome).length;
      expect(planned.rows).toHaveLength(5);
      expect(job).toMatchObject({
        created: count('created'),
        updated: count('updated'),
        unchanged: count('unchanged'),
        failed: count('failed'),
      });
      const failedRows = planned.rows.filter((row) => row.outcome === 'failed');
      expect(job.badRows.map(({ row, errors }) => ({ row, errors }))).toEqual(
        failedRows.map(({ row, errors }) => ({ row, errors })),
      );
      // Once imported, the same file plans nothing but unchanged rows and the same failure; the last row (a family name
      // alone: no id or e-mail to find its contact by) would be created again, as docs/import-export.md says.
      const again = (await preview(file(previewRows), query).expect(200)).body.rows as { outcome: string }[];
      expect(again.map((row) => row.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged', 'failed', 'created']);
    });

    it('refuses what POST /v1/imports refuses before reading the file, with the same roles', async () => {
      await preview('givenName\nA', { rows: '101' }).expect(400);
      await preview('givenName\nA', { 'mapping[Fax]': 'fax' }).expect(400);
      await http()
        .post('/v1/imports/preview')
        .set('Authorization', analyst)
        .set('Content-Type', 'text/csv')
        .send('givenName\nA')
        .expect(403);
      await http()
        .post('/v1/imports/preview')
        .set('Authorization', sales)
        .set('Content-Type', 'application/json')
        .send('{}')
        .expect(415);
    });
  });

  describe('files as other tools save them (issue 16, item 10)', () => {
    const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures/imports', name));
    const odoo = fixture('odoo-partners-windows-1252.csv');
    const odooMapping = {
      'mapping[ID]': 'externalId',
      'mapping[Vorname]': 'givenName',
      'mapping[Nachname]': 'familyName',
      'mapping[Position]': 'jobTitle',
      'mapping[Notiz]': 'ignore',
    };
    const contactOf = async (ext: string) =>
      (
        await http()
          .get(`/v1/contacts/${contactIdFor(ext)}`)
          .set('Authorization', analyst)
          .expect(200)
      ).body as { name: { given: string; family: string }; jobTitle?: string; birthday?: string; emails: { address: string }[] };
    const form = (token = sales) => http().post('/v1/imports').set('Authorization', token);

    it('reads an Odoo export in windows-1252 by its declared charset, and detects it when none is declared', async () => {
      const declared = await upload(odoo, odooMapping, sales, 'text/csv; charset=windows-1252').expect(202);
      expect(await finished(declared.body.jobId)).toMatchObject({ status: 'completed', created: 3, failed: 0 });
      expect(await contactOf('__export__.res_partner_4711')).toMatchObject({
        name: { given: 'Jürgen', family: 'Müller' },
        jobTitle: 'Geschäftsführer',
      });
      expect(await contactOf('__export__.res_partner_4712')).toMatchObject({ name: { given: 'Käthe', family: 'Weiß' } });
      // Read the same way without a charset, and as ISO-8859-1 (which browsers read as windows-1252): nothing changes.
      for (const type of ['text/csv', 'text/csv; charset=ISO-8859-1']) {
        const again = await upload(odoo, odooMapping, sales, type).expect(202);
        expect(await finished(again.body.jobId)).toMatchObject({ status: 'completed', created: 0, unchanged: 3, failed: 0 });
      }
      // Bytes it cannot tell (Czech in windows-1250) are refused, naming the charsets to declare.
      const czech = Buffer.from('givenName,familyName\nJi\xf8\xed,Dvo\xf8\xe1k\nP\xf8emysl,\xc8ech\n', 'latin1');
      const refused = await upload(czech).expect(415);
      expect(refused.body.detail).toMatch(/charset could not be told.*charset=\.\.\.: utf-8, windows-1252, iso-8859-1, utf-16le/);
      expect(await readdir(spoolDir)).toEqual([]);
    });

    it('reads Excel’s “Unicode text” (UTF-16LE with a BOM, tabs) as it is', async () => {
      const job = await imported(fixture('excel-unicode-text-utf-16le.txt'));
      expect(job).toMatchObject({ status: 'completed', created: 2, failed: 0 });
      expect(job.bytesProcessed).toBe(job.bytesTotal);
      expect(await contactOf('excel-ut-2')).toMatchObject({ name: { given: 'Łukasz', family: 'Żółć' }, jobTitle: 'Dyrektor' });
    });

    it('takes a browser’s multipart upload: a CSV by its name, whatever its part’s type, and an .xlsx', async () => {
      const csv = await form()
        .query(odooMapping)
        .attach('upload', odoo, { filename: 'Partner (res.partner).csv', contentType: 'application/vnd.ms-excel' })
        .expect(202);
      expect(await finished(csv.body.jobId)).toMatchObject({ status: 'completed', rowsTotal: 3, failed: 0 });
      expect(await contactOf('__export__.res_partner_4713')).toMatchObject({ name: { given: 'François', family: 'Lefèvre' } });

      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('Kontakte');
      sheet.addRow(['externalId', 'givenName', 'familyName', 'birthday', 'email']);
      sheet.addRow([
        152533000001,
        'Grete',
        `Formel${run}`,
        new Date(Date.UTC(1985, 2, 14)),
        { formula: 'LOWER("GRETE@EXAMPLE.COM")', result: `grete.${run}@example.com` },
      ]);
      sheet.addRow([152533000002, 'Hans', `Formel${run}`, null, null]);
      sheet.addRow([]);
      const xlsx = Buffer.from(await book.xlsx.writeBuffer());
      const job = await finished((await form().attach('file', xlsx, 'kontakte.xlsx').expect(202)).body.jobId);
      expect(job).toMatchObject({ status: 'completed', rowsTotal: 2, created: 2, failed: 0 });
      // The 12-digit id kept whole (not 1.52533E+11), the date as a date, the formula's result.
      expect(await contactOf('152533000001')).toMatchObject({
        name: { given: 'Grete' },
        birthday: '1985-03-14',
        emails: [expect.objectContaining({ address: `grete.${run}@example.com` })],
      });
      const direct = await upload(xlsx, {}, sales, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').expect(
        202,
      );
      expect(await finished(direct.body.jobId)).toMatchObject({ status: 'completed', unchanged: 2 });
    });

    it('refuses forms and workbooks it cannot take, and writes nothing', async () => {
      const events = await eventCount();
      const jobs = await jobCount();
      const noFile = await upload('--XYZ--\r\n', {}, sales, 'multipart/form-data; boundary=XYZ').expect(400);
      expect(noFile.body).toMatchObject({
        type: 'https://crm.example/problems/validation',
        detail: expect.stringContaining('no file'),
      });
      const field = await form().field('kind', 'contacts').attach('file', Buffer.from('givenName\nA'), 'a.csv').expect(400);
      expect(field.body.detail).toContain('a field besides the file');
      const twoFiles = await form()
        .attach('a', Buffer.from('givenName\nA'), 'a.csv')
        .attach('b', Buffer.from('givenName\nB'), 'b.csv')
        .expect(400);
      expect(twoFiles.body.detail).toContain('more than one file');
      // A form cut short in its file part.
      const cutForm = await upload(
        '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\ngivenName\nA\r\n',
        {},
        sales,
        'multipart/form-data; boundary=XYZ',
      ).expect(400);
      expect(cutForm.body.detail).toMatch(/Unexpected end of (form|file)/);
      await upload('givenName\nA', {}, sales, 'multipart/form-data').expect(400); // no boundary
      // A file part past the size limit gets the 413 a body gets.
      const large = await form()
        .attach('file', Buffer.from(`givenName\n${'A'.repeat(2 * 1024 * 1024)}`), 'big.csv')
        .expect(413);
      expect(large.body).toMatchObject({ type: 'https://crm.example/problems/payload-too-large' });
      const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
      const xlsPart = await form().attach('file', xls, 'Kontakte.xls').expect(415);
      expect(xlsPart.body.detail).toContain('save the sheet as .xlsx or as CSV UTF-8');
      await upload(xls, {}, sales, 'application/vnd.ms-excel').expect(415);
      const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      const book = new ExcelJS.Workbook();
      book.addWorksheet('Kontakte').addRow(['givenName', 'familyName']);
      const whole = Buffer.from(await book.xlsx.writeBuffer());
      const cut = await upload(whole.subarray(0, whole.length - 100), {}, sales, xlsx).expect(400);
      expect(cut.body).toMatchObject({ type: 'https://crm.example/problems/invalid-workbook' });
      // Small as a file, past the limit (1 MiB here) as CSV: 40,000 rows of the same long cells.
      const big = new ExcelJS.Workbook();
      const rows = big.addWorksheet('Viele');
      rows.addRow(['givenName', 'familyName']);
      for (let i = 0; i < 40_000; i++) rows.addRow(['Bartholomäus-Maximilian', 'Mustermann-Schwarzenegger']);
      const tooBig = await upload(Buffer.from(await big.xlsx.writeBuffer()), {}, sales, xlsx).expect(413);
      expect(tooBig.body.detail).toContain('converts to more than 1048576 bytes');
      // More rows than the instance takes (3 here), each counted as the sheet is converted.
      const few = await createContactsTestApp(
        contactsTestConfig(schema, { CONTACTS_IMPORT_MAX_ROWS: '3', CONTACTS_IMPORT_SPOOL_DIR: spoolDir }),
      );
      try {
        const four = new ExcelJS.Workbook();
        const sheet = four.addWorksheet('Vier');
        sheet.addRow(['givenName']);
        ['Anna', 'Bert', 'Carl', 'Dora'].forEach((name) => sheet.addRow([name]));
        const tooMany = await request(few.getHttpServer())
          .post('/v1/imports')
          .set('Authorization', sales)
          .set('Content-Type', xlsx)
          .send(Buffer.from(await four.xlsx.writeBuffer()))
          .expect(413);
        expect(tooMany.body.detail).toBe('An import takes at most 3 rows; split the file.');
      } finally {
        await few.close();
      }
      expect(await eventCount()).toBe(events);
      expect(await jobCount()).toBe(jobs);
      expect(await readdir(spoolDir)).toEqual([]);
    });
  });

  it('imports companies, then contacts that link to them by domain or external id with a role', async () => {
    const companies = await imported(
      [
        'externalId,name,domains,industry,size',
        `acme-${run},Acme ${run},acme-${run}.example;www.acme-${run}.example,Machinery,51-200`,
        `,Globex ${run},globex-${run}.example,,`,
        `,Initech ${run},bad_domain,,`,
      ].join('\n'),
      { kind: 'companies' },
    );
    expect(companies).toMatchObject({ status: 'completed', created: 2, failed: 1 });
    expect(companies.badRows[0]).toMatchObject({ row: 4, errors: [{ field: 'domains', column: 'domains' }] });
    const acme = await http()
      .get(`/v1/companies/${companyIdFor(`acme-${run}`)}`)
      .set('Authorization', analyst)
      .expect(200);
    expect(acme.body).toMatchObject({ name: `Acme ${run}`, domains: [`acme-${run}.example`], size: '51-200' });
    await eventually(
      async () =>
        (await readModel()
          .collection('company_list')
          .countDocuments({ domains: `globex-${run}.example` })) === 1,
      'the companies listed',
    );

    const contacts = await imported(
      [
        'givenName,familyName,email,companyExternalId,companyDomain,role',
        `Wile,Coyote,wile.${run}@example.com,acme-${run},,Customer`,
        `Hank,Scorpio,hank.${run}@example.com,,GLOBEX-${run}.example,CEO`,
        `Nobody,Else,nobody.${run}@example.com,,nowhere-${run}.example,`,
      ].join('\n'),
    );
    expect(contacts).toMatchObject({ status: 'completed', created: 2, failed: 1 });
    expect(contacts.badRows[0]).toMatchObject({ row: 4, errors: [{ field: 'companyDomain', column: 'companyDomain' }] });
    const [hank] = await listedEventually({ email: `hank.${run}@example.com` });
    const read = await http().get(`/v1/contacts/${hank.contactId}`).set('Authorization', analyst).expect(200);
    const globexId = (await readModel()
      .collection('company_list')
      .findOne({ domains: `globex-${run}.example` }))!.companyId;
    expect(read.body.companies).toEqual([{ companyId: globexId, role: 'CEO' }]);

    // Again: the companies found by external id and by domain, nothing changes.
    const again = await imported(
      ['externalId,name,domains', `acme-${run},Acme ${run},acme-${run}.example`, `,Globex ${run},globex-${run}.example`].join(
        '\n',
      ),
      { kind: 'companies' },
    );
    expect(again).toMatchObject({ status: 'completed', created: 0, unchanged: 2 });
  });

  describe('persons and companies in one file (issue 16: an Odoo partner export)', () => {
    const odoo = readFileSync(join(__dirname, 'fixtures/imports/odoo-partners-mixed.csv'), 'utf8');
    const odooQuery = {
      'rowsWhere[companies]': 'is_company',
      'mapping[id]': 'externalId',
      'mapping[name]': 'givenName',
      'mapping[parent_id/id]': 'companyExternalId',
      'mapping[function]': 'jobTitle',
      'mapping[zip]': 'postalCode',
      'mapping[country_id]': 'addressCountry',
      'mapping[website]': 'ignore',
    };
    const analytical = companyIdFor('__export__.res_partner_40_a1b2c3d4');

    it('imports the company rows first, then the persons, linked to their company by its external id', async () => {
      const job = await imported(odoo, odooQuery);
      expect(job).toMatchObject({
        status: 'completed',
        rowsTotal: 5,
        rowsRead: 5,
        created: 5,
        failed: 0,
        rowsWhere: { kind: 'companies', header: 'is_company', position: 3 },
      });
      expect(job.bytesProcessed).toBe(job.bytesTotal);
      const company = await http().get(`/v1/companies/${analytical}`).set('Authorization', analyst).expect(200);
      expect(company.body).toMatchObject({
        name: 'Analytical Engines AG',
        addresses: [{ lines: ['Bahnhofstrasse 1'], city: 'Zürich', postalCode: '8001', country: 'CH' }],
      });
      // Ada comes before her company in the file, and is linked to it all the same.
      const ada = await http()
        .get(`/v1/contacts/${contactIdFor('__export__.res_partner_41_5f3a9c1e')}`)
        .set('Authorization', analyst)
        .expect(200);
      expect(ada.body).toMatchObject({ jobTitle: 'Chief Engineer', companies: [{ companyId: analytical }] });
      const charles = await http()
        .get(`/v1/contacts/${contactIdFor('__export__.res_partner_42_0d9e8f7a')}`)
        .set('Authorization', analyst)
        .expect(200);
      expect(charles.body.companies).toEqual([{ companyId: analytical }]);
      const grace = await http()
        .get(`/v1/contacts/${contactIdFor('__export__.res_partner_44_12ab34cd')}`)
        .set('Authorization', analyst)
        .expect(200);
      expect(grace.body.companies).toEqual([]);
      await http()
        .get(`/v1/contacts/${contactIdFor('__export__.res_partner_40_a1b2c3d4')}`)
        .set('Authorization', analyst)
        .expect(404);

      const again = await imported(odoo, odooQuery);
      expect(again).toMatchObject({ status: 'completed', created: 0, updated: 0, unchanged: 5, failed: 0 });
      const previewed = await http()
        .post('/v1/imports/preview')
        .query(odooQuery)
        .set('Authorization', sales)
        .set('Content-Type', 'text/csv')
        .send(odoo)
        .expect(200);
      expect(
        previewed.body.rows.map((row: { row: number; kind: string; outcome: string }) => [row.row, row.kind, row.outcome]),
      ).toEqual([
        [2, 'contacts', 'unchanged'],
        [3, 'companies', 'unchanged'],
        [4, 'contacts', 'unchanged'],
        [5, 'companies', 'unchanged'],
        [6, 'contacts', 'unchanged'],
      ]);
      expect(previewed.body.rowsWhere.columns.slice(0, 4)).toEqual([
        { position: 1, header: 'id', field: 'externalId', confidence: 'mapped', samples: expect.any(Array) },
        { position: 2, header: 'name', field: 'name', confidence: 'exact', samples: expect.any(Array) },
        { position: 3, header: 'is_company', confidence: 'none', samples: ['False', 'True', 'False'] },
        { position: 4, header: 'parent_id/id', confidence: 'none', samples: expect.any(Array) },
      ]);
    });

    it('fails a row whose split cell is neither true nor false, naming the column', async () => {
      const job = await imported(
        [
          'is_company,name,givenName,email',
          `maybe,Vague ${run},Vague,vague.${run}@example.com`,
          `0,,Clear,clear.${run}@example.com`,
        ].join('\n'),
        { 'rowsWhere[companies]': 'is_company' },
      );
      expect(job).toMatchObject({ status: 'completed', created: 1, failed: 1 });
      expect(job.badRows).toEqual([
        expect.objectContaining({
          row: 2,
          errors: [
            { field: 'rowsWhere[companies]', column: 'is_company', messages: [expect.stringContaining('must be true or false')] },
          ],
        }),
      ]);
    });

    it('refuses a split naming no column or no other kind, and a column neither kind takes', async () => {
      const csv = 'is_company,name,givenName,Fax\nTrue,Acme,,1';
      const none = await upload(csv, { 'rowsWhere[companies]': 'Ist ein Unternehmen' }).expect(400);
      expect(none.body.errors).toEqual([
        { field: 'rowsWhere[companies]', messages: ['names no column of the file'], in: 'query' },
      ]);
      const kind = await upload(csv, { 'rowsWhere[contacts]': 'is_company' }).expect(400);
      expect(kind.body.errors[0]).toMatchObject({ field: 'rowsWhere[contacts]', in: 'query' });
      const fax = await upload(csv, { 'rowsWhere[companies]': 'is_company' }).expect(400);
      expect(fax.body.errors).toEqual([
        { field: 'columns[3]', messages: [expect.stringContaining('column "Fax" fills no field')] },
      ]);
      await upload(csv, { 'rowsWhere[companies]': 'is_company', 'mapping[Fax]': 'fax' }).expect(400);
    });
  });

  it('exports the filtered list as CSV and JSON, and the CSV export imports back unchanged', async () => {
    const filter = { tags: 'even', familyName: `Import${run}`, sort: 'givenName' };
    await eventually(async () => (await listed(filter)).length === 147, 'the even people listed');
    const csv = await http()
      .get('/v1/contacts/export')
      .query({ ...filter, format: 'csv' })
      .set('Authorization', sales)
      .expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(147);
    expect(rows.map((r) => r.givenName)).toEqual([...rows.map((r) => r.givenName)].sort());
    expect(rows[0]).toMatchObject({ familyName: `Import${run}`, tags: expect.stringContaining('even'), status: 'active' });

    const json = await http()
      .get('/v1/contacts/export')
      .query(filter)
      .set('Accept', 'application/json')
      .set('Authorization', sales)
      .expect(200);
    expect(json.headers['content-type']).toContain('application/json');
    const items = JSON.parse(json.text) as { contactId: string; search?: unknown }[];
    expect(items.map((item) => item.contactId)).toEqual(rows.map((r) => r.contactId));
    expect(items[0].search).toBeUndefined();

    const before = await eventCount();
    const job = await imported(csv.text);
    expect(job).toMatchObject({ status: 'completed', created: 0, updated: 0, unchanged: 147, failed: 0 });
    expect(await eventCount()).toBe(before);

    const companies = await http()
      .get('/v1/companies/export')
      .query({ q: `acme ${run}` })
      .set('Authorization', sales)
      .expect(200);
    expect(parse(companies.text, { columns: true })).toEqual([
      expect.objectContaining({ companyId: companyIdFor(`acme-${run}`), domains: `acme-${run}.example` }),
    ]);
    const paged = await http().get('/v1/contacts/export').query({ limit: '10' }).set('Authorization', sales).expect(400);
    expect(paged.body).toMatchObject({ type: 'https://crm.example/problems/invalid-query', errors: [{ field: 'limit' }] });
  });

  it('fills declared custom fields by their types, reports bad custom cells on their columns, and merges them by key', async () => {
    for (const field of [
      { key: 'plan', label: 'Plan', type: 'single-select', options: ['free', 'pro'] },
      { key: 'seats', label: 'Seats', type: 'number' },
    ]) {
      await http().post('/v1/custom-fields').set('Authorization', admin).send(field).expect(201);
    }
    const good = { ext: `custom-${run}`, email: `custom.good.${run}@example.com` };
    const job = await imported(
      [
        'externalId,givenName,familyName,email,custom.plan,custom.seats,custom.color',
        `${good.ext},Good,Custom${run},${good.email},pro,12,`,
        `,Many,Custom${run},custom.many.${run}@example.com,free,many,`,
        `,Color,Custom${run},custom.color.${run}@example.com,,3,red`,
      ].join('\n'),
    );
    expect(job).toMatchObject({ status: 'completed', created: 1, failed: 2 });
    expect(job.badRows.map((bad) => [bad.row, bad.errors])).toEqual([
      [3, [{ field: 'custom.seats', column: 'custom.seats', messages: [expect.stringContaining('must be a number')] }]],
      [4, [{ field: 'custom.color', column: 'custom.color', messages: ['is not a declared custom field'] }]],
    ]);
    const contact = async () =>
      (
        await http()
          .get(`/v1/contacts/${contactIdFor(good.ext)}`)
          .set('Authorization', analyst)
          .expect(200)
      ).body;
    expect((await contact()).customFields).toEqual([
      { key: 'plan', value: 'pro' },
      { key: 'seats', value: 12 },
    ]);

    // Again with only the seats, from a column mapped to the custom field: seats change, the plan stays.
    const again = await imported([`externalId,Seats`, `${good.ext},20`].join('\n'), { 'mapping[Seats]': 'custom.seats' });
    expect(again).toMatchObject({ status: 'completed', created: 0, updated: 1, failed: 0 });
    expect((await contact()).customFields).toEqual([
      { key: 'plan', value: 'pro' },
      { key: 'seats', value: 20 },
    ]);
    const same = await imported([`externalId,Seats`, `${good.ext},20`].join('\n'), { 'mapping[Seats]': 'custom.seats' });
    expect(same).toMatchObject({ status: 'completed', updated: 0, unchanged: 1 });

    // The export writes a column per declared field, and what it writes imports back as it is.
    const filter = { familyName: `Custom${run}` };
    await eventually(
      // The seats as changed last: the list caught up with both imports.
      async () =>
        (await listed(filter)).some((item) =>
          (item as { customFields?: { key: string; value: unknown }[] }).customFields?.some(
            (field) => field.key === 'seats' && field.value === 20,
          ),
        ),
      'the custom values listed',
    );
    const csv = await http().get('/v1/contacts/export').query(filter).set('Authorization', sales).expect(200);
    const [exported] = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(exported).toMatchObject({ contactId: contactIdFor(good.ext), 'custom.plan': 'pro', 'custom.seats': '20' });
    const json = await http()
      .get('/v1/contacts/export')
      .query({ ...filter, format: 'json' })
      .set('Authorization', sales)
      .expect(200);
    expect(JSON.parse(json.text)[0].customFields).toEqual([
      { key: 'plan', value: 'pro' },
      { key: 'seats', value: 20 },
    ]);
    expect(await imported(csv.text)).toMatchObject({ status: 'completed', created: 0, updated: 0, unchanged: 1, failed: 0 });
  });

  it('reports every bad field of a row at once: unreadable cells and what the API would refuse', async () => {
    await http()
      .post('/v1/custom-fields')
      .set('Authorization', admin)
      .send({ key: 'tier', label: 'Tier', type: 'single-select', options: ['gold', 'silver'] })
      .expect(201);
    const events = await eventCount();
    const job = await imported(
      [
        'givenName,familyName,email,phone,consent.email.marketing,custom.tier,role',
        `Both,Stages${run},not-an-email,12,maybe,bronze,CTO`,
      ].join('\n'),
    );
    expect(job).toMatchObject({ status: 'completed', created: 0, failed: 1 });
    const fields = (job.badRows[0].errors ?? []).map((error) => error.field).sort();
    expect(fields).toEqual(['consent.email.marketing', 'custom.tier', 'email', 'phone', 'role']);
    expect(await eventCount()).toBe(events);
  });

  it('records consent columns through the consent ledger, reports bad consent cells on their columns, and skips what is already so', async () => {
    const ext = `consent-${run}`;
    const file = [
      'externalId,givenName,familyName,email,consent.email.marketing,consent.sms.surveys,consentAt',
      `${ext},Good,Consent${run},consent.good.${run}@example.com,granted,Withdrawn,`,
      `,Maybe,Consent${run},consent.maybe.${run}@example.com,maybe,,`,
      `,Late,Consent${run},consent.late.${run}@example.com,yes,,yesterday`,
    ].join('\n');
    const job = await imported(file);
    expect(job).toMatchObject({ status: 'completed', created: 1, updated: 0, unchanged: 0, failed: 2 });
    expect(job.badRows.map((bad) => [bad.row, bad.errors])).toEqual([
      [
        3,
        [
          {
            field: 'consent.email.marketing',
            column: 'consent.email.marketing',
            messages: ['must be granted or withdrawn (yes/no, true/false and 1/0 also do)'],
          },
        ],
      ],
      [4, [{ field: 'consentAt', column: 'consentAt', messages: [expect.stringContaining('must be an RFC 3339 time')] }]],
    ]);
    const path = `/v1/contacts/${contactIdFor(ext)}`;
    const ledger = async () =>
      (await http().get(`${path}/consents`).set('Authorization', analyst).expect(200)).body.items as Record<string, string>[];
    const statements = [
      { channel: 'email', purpose: 'marketing', status: 'granted', source: 'import' },
      { channel: 'sms', purpose: 'surveys', status: 'withdrawn', source: 'import' },
    ];
    expect(await ledger()).toEqual(statements.map((statement) => expect.objectContaining(statement)));
    const contact = await http().get(path).set('Authorization', analyst).expect(200);
    expect(contact.body.consents).toEqual(
      expect.arrayContaining(statements.map((statement) => ({ ...statement, at: expect.any(String) }))),
    );
    expect(contact.body.consents).toHaveLength(2);

    // The same file again: the good row's statements say what the contact already says; nothing is recorded.
    const events = await eventCount();
    expect(await imported(file)).toMatchObject({ status: 'completed', created: 0, updated: 0, unchanged: 1, failed: 2 });
    expect(await eventCount()).toBe(events);
    expect(await ledger()).toHaveLength(2);

    // A withdrawal, from a column mapped to the consent: one new statement, the other consent untouched.
    const withdrawal = await imported([`externalId,Marketing mails`, `${ext},withdrawn`].join('\n'), {
      'mapping[Marketing mails]': 'consent.email.marketing',
    });
    expect(withdrawal).toMatchObject({ status: 'completed', created: 0, updated: 1, unchanged: 0, failed: 0 });
    const after = await ledger();
    expect(after).toHaveLength(3);
    expect(after[2]).toMatchObject({ channel: 'email', purpose: 'marketing', status: 'withdrawn', source: 'import' });
    const withdrawn = await http().get(path).set('Authorization', analyst).expect(200);
    expect(withdrawn.body.consents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: 'email', purpose: 'marketing', status: 'withdrawn' }),
        expect.objectContaining({ channel: 'sms', purpose: 'surveys', status: 'withdrawn' }),
      ]),
    );

    // An older statement that differs from the current state: kept in the ledger, once, however often it is imported.
    const older = [`externalId,consent.email.marketing,consentAt`, `${ext},granted,2025-01-01T00:00:00Z`].join('\n');
    expect(await imported(older)).toMatchObject({ status: 'completed', updated: 1, unchanged: 0, failed: 0 });
    expect(await ledger()).toHaveLength(4);
    expect(await imported(older)).toMatchObject({ status: 'completed', updated: 0, unchanged: 1, failed: 0 });
    expect(await ledger()).toHaveLength(4);
    expect((await http().get(path).set('Authorization', analyst).expect(200)).body.consents).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: 'email', purpose: 'marketing', status: 'withdrawn' })]),
    );

    // The export writes the current consents (a column per channel and purpose held), and imports back unchanged.
    const filter = { familyName: `Consent${run}` };
    await eventually(
      async () =>
        (await listed(filter)).some((item) =>
          (item as { consents?: { status: string }[] }).consents?.every((consent) => consent.status === 'withdrawn'),
        ),
      'the withdrawal listed',
    );
    const csv = await http().get('/v1/contacts/export').query(filter).set('Authorization', sales).expect(200);
    const [exported] = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(exported).toMatchObject({
      contactId: contactIdFor(ext),
      'consent.email.marketing': 'withdrawn',
      'consent.sms.surveys': 'withdrawn',
    });
    const header = csv.text.split('\n')[0].split(',');
    expect(header.indexOf('consent.email.marketing')).toBeLessThan(header.indexOf('consent.sms.surveys'));
    const json = await http()
      .get('/v1/contacts/export')
      .query({ ...filter, format: 'json' })
      .set('Authorization', sales)
      .expect(200);
    expect(JSON.parse(json.text)[0].consents).toEqual([
      expect.objectContaining({ channel: 'email', purpose: 'marketing', status: 'withdrawn', source: 'import' }),
      expect.objectContaining({ channel: 'sms', purpose: 'surveys', status: 'withdrawn', source: 'import' }),
    ]);
    const eventsBefore = await eventCount();
    expect(await imported(csv.text)).toMatchObject({ status: 'completed', created: 0, updated: 0, unchanged: 1, failed: 0 });
    expect(await eventCount()).toBe(eventsBefore);
  });

  it.each([
    ['an unknown mapping field', 'givenName\nA', { 'mapping[givenName]': 'nickname' }, 'text/csv', 400, 'validation'],
    ['an unknown kind', 'givenName\nA', { kind: 'deals' }, 'text/csv', 400, 'validation'],
    ['an empty file', '', {}, 'text/csv', 400, 'invalid-csv'],
    ['a header without rows', 'givenName,email\n', {}, 'text/csv', 400, 'invalid-csv'],
    ['a column that fills no field', 'givenName,Shoe Size\nA,42', {}, 'text/csv', 400, 'import-columns'],
    ['JSON', '{"givenName":"A"}', {}, 'application/json', 415, 'unsupported-media-type'],
    ['plain text', 'givenName\nA', {}, 'text/plain', 415, 'unsupported-media-type'],
    ['a charset no decoder reads', 'givenName\nA', {}, 'text/csv; charset=klingon', 415, 'unsupported-media-type'],
    [
      'unbalanced quotes at the end',
      `givenName,email\n${'A,a@example.com\n'.repeat(50)}"B,b@example.com`,
      {},
      'text/csv',
      400,
      'invalid-csv',
    ],
    [
      'a row wider than the header',
      'givenName,email\nA,a@example.com\nB,b@example.com,extra',
      {},
      'text/csv',
      400,
      'invalid-csv',
    ],
    [
      'too many columns',
      `${Array.from({ length: 201 }, (_, i) => `c${i}`).join(',')}\n${','.repeat(200)}x`,
      {},
      'text/csv',
      400,
      'invalid-csv',
    ],
    [
      'bytes that are not UTF-8',
      Buffer.from([0x67, 0x69, 0x76, 0x65, 0x6e, 0x4e, 0x61, 0x6d, 0x65, 0x0a, 0xff, 0xfe]),
      {},
      'text/csv; charset=utf-8',
      400,
      'invalid-csv',
    ],
    [
      'bytes of no charset it can tell',
      Buffer.from([0x67, 0x69, 0x76, 0x65, 0x6e, 0x4e, 0x61, 0x6d, 0x65, 0x0a, 0xff, 0xfe]),
      {},
      'text/csv',
      415,
      'unsupported-media-type',
    ],
    ['a body over the limit', `givenName\n${'A'.repeat(2 * 1024 * 1024)}`, {}, 'text/csv', 413, 'payload-too-large'],
  ])('refuses %s with a 4xx problem and writes nothing', async (_, body, query, type, status, problem) => {
    const events = await eventCount();
    const jobs = await jobCount();
    const response = await upload(body, query as Record<string, string>, sales, type).expect(status as number);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.type).toBe(`https://crm.example/problems/${problem}`);
    expect(await eventCount()).toBe(events);
    expect(await jobCount()).toBe(jobs);
    expect(await readdir(spoolDir)).toEqual([]);
  });

  it('names the line of a broken quote and every bad column at once', async () => {
    const broken = await upload('givenName,email\nA,a@example.com\nB,"b@example.com\n').expect(400);
    expect(broken.body).toMatchObject({ line: 3, detail: expect.stringContaining('never closed') });
    const columns = await upload('Vorname,E-Mail,email\nA,b,c', { 'mapping[Fax]': 'phone' }).expect(400);
    expect(columns.body.errors.map((e: { field: string }) => e.field)).toEqual(['columns[0]', 'mapping[Fax]', 'columns']);
  });

  it('requires a token (401), an importing role (403), and shows a job to its owner and admins only', async () => {
    await http().post('/v1/imports').set('Content-Type', 'text/csv').send('givenName\nA').expect(401);
    await http().get('/v1/contacts/export').expect(401);
    await upload('givenName\nA', {}, analyst).expect(403);
    await upload('givenName\nA', {}, support).expect(403);
    await http().get('/v1/contacts/export').set('Authorization', analyst).expect(403);
    await http().get('/v1/companies/export').set('Authorization', support).expect(403);

    const job = await imported(`givenName,familyName\nSolo,Owner${run}`);
    await http().get(`/v1/imports/${job.jobId}`).expect(401);
    await http().get(`/v1/imports/${job.jobId}`).set('Authorization', otherSales).expect(404);
    await http().get(`/v1/imports/${job.jobId}/errors`).set('Authorization', otherSales).expect(404);
    await jobOf(job.jobId, admin);
    const mine = await http().get('/v1/imports').set('Authorization', sales).expect(200);
    expect(mine.body.items.map((j: Job) => j.jobId)).toContain(job.jobId);
    const theirs = await http().get('/v1/imports').set('Authorization', otherSales).expect(200);
    expect(theirs.body.items).toEqual([]);
  });

  it('fails a job whose process stopped (its heartbeat went silent), saying how to recover', async () => {
    const jobId = '0192a8f0-1111-7000-8000-00000000abcd';
    await pool.query(
      `INSERT INTO "${schema}".import_jobs (job_id, kind, status, created_by, columns, delimiter, bytes_total, rows_total, owner, heartbeat_at)
       VALUES ($1, 'contacts', 'running', 'sally', '[]', ',', 10, 1, 'gone:1:dead', now() - interval '5 minutes')`,
      [jobId],
    );
    await app.get(ImportJobs).sweep();
    expect(await jobOf(jobId)).toMatchObject({ status: 'failed', failureReason: ABANDONED_REASON });
  });

  it('fails the jobs of an instance that shuts down, so the file can be imported again', async () => {
    const config = contactsTestConfig(schema, { CONTACTS_IMPORT_SPOOL_DIR: spoolDir });
    const other = await createContactsTestApp(config);
    const rows = Array.from({ length: 1000 }, (_, i) => `Stop${i},Shutdown${run},stop${i}.${run}@example.com`);
    const response = await request(other.getHttpServer())
      .post('/v1/imports')
      .set('Authorization', sales)
      .set('Content-Type', 'text/csv')
      .send(['givenName,familyName,email', ...rows].join('\n'))
      .expect(202);
    await other.close();
    const job = await jobOf(response.body.jobId);
    expect(job).toMatchObject({ status: 'failed', failureReason: expect.stringContaining('The service stopped') });
    expect(job.rowsRead).toBeLessThan(1000);
    expect(await readdir(spoolDir)).toEqual([]);
  });

  async function jobCount(): Promise<number> {
    return Number((await pool.query(`SELECT count(*) FROM "${schema}".import_jobs`)).rows[0].count);
  }

  async function idempotencyKeyCount(): Promise<number> {
    return Number((await pool.query(`SELECT count(*) FROM "${schema}".idempotency_keys`)).rows[0].count);
  }

  async function listedEventually(query: Record<string, string>) {
    await eventually(async () => (await listed(query)).length > 0, `listed ${JSON.stringify(query)}`);
    return listed(query);
  }
});

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
