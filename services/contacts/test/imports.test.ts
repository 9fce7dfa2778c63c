import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { parse } from 'csv-parse/sync';
import type { Connection } from 'mongoose';
import { Pool } from 'pg';
import request from 'supertest';
import type { EventStore } from '@crm/eventsourcing';
import { EVENT_STORE } from '@crm/eventsourcing/nest/event-store.module';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { testToken } from '@crm/platform/nest/testing';
import { createServiceTestApp } from '@crm/service-kit/testing';
import { READ_MODELS } from '@crm/projections/nest/read-models.module';
import { contactsTestConfig } from './support';
import { contactsService } from '../src/contacts.service';
import { ABANDONED_REASON } from '@crm/csv';
import { ImportJobs } from '@crm/csv/nest';
import { companyIdFor, contactIdFor } from '../src/application/imports/external-ids';

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
    app = await createServiceTestApp(contactsService, config);
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
  const imported = async (csv: string, query: Record<string, string> = {}): Promise<Job> => {
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
      async () => (await listed(filter)).some((item) => (item as { customFields?: unknown[] }).customFields?.length === 2),
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
    ['another charset', 'givenName\nA', {}, 'text/csv; charset=latin1', 415, 'unsupported-media-type'],
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
      'text/csv',
      400,
      'invalid-csv',
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
    const other = await createServiceTestApp(contactsService, config);
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
