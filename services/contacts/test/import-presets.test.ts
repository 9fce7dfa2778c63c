import { readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Connection } from 'mongoose';
import request from 'supertest';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { testToken } from '@crm/platform/nest/testing';
import { READ_MODELS } from '@crm/projections/nest/read-models.module';
import { companyIdFor, contactIdFor } from '../src/application/imports/external-ids';
import { contactsTestConfig, createContactsTestApp } from './support';

interface Job {
  jobId: string;
  status: string;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  warnings: number;
  onInvalidCell: string;
  columns: { position: number; header: string; field?: string; values?: Record<string, string> }[];
  badRows: unknown[];
}

const fixture = (name: string) => readFile(join(__dirname, 'fixtures', 'imports', name), 'utf8');

/** Other systems' exports imported as they are, with their preset (issue 16), against the real servers. */
describe('imports of other systems’ exports', () => {
  let app: NestExpressApplication;
  let spoolDir: string;
  const schema = uniqueSchema('import_presets_test');
  const sales = `Bearer ${testToken(['sales'], 'sally')}`;
  const analyst = `Bearer ${testToken(['analyst'])}`;

  beforeAll(async () => {
    spoolDir = await mkdtemp(join(tmpdir(), 'import-presets-test-'));
    app = await createContactsTestApp(contactsTestConfig(schema, { CONTACTS_IMPORT_SPOOL_DIR: spoolDir }));
  });
  afterAll(async () => {
    await app?.close();
    await rm(spoolDir, { recursive: true, force: true });
  });

  const http = () => request(app.getHttpServer());
  const upload = (csv: string, query: Record<string, string>) =>
    http().post('/v1/imports').query(query).set('Authorization', sales).set('Content-Type', 'text/csv').send(csv);
  const imported = async (csv: string, query: Record<string, string>): Promise<Job> => {
    const { jobId } = (await upload(csv, query).expect(202)).body as Job;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      const job = (await http().get(`/v1/imports/${jobId}`).set('Authorization', sales).expect(200)).body as Job;
      if (job.status === 'completed' || job.status === 'failed') return job;
    }
    throw new Error(`import ${jobId} did not finish`);
  };
  const contact = async (contactId: string) =>
    (await http().get(`/v1/contacts/${contactId}`).set('Authorization', analyst).expect(200)).body as Record<string, unknown> & {
      companies: { companyId: string; role?: string }[];
    };
  const company = async (companyId: string) =>
    (await http().get(`/v1/companies/${companyId}`).set('Authorization', analyst).expect(200)).body as Record<string, unknown>;
  const companyList = () => app.get<Connection>(READ_MODELS).db!.collection('company_list');
  const listedCompanies = async (count: number, filter: Record<string, unknown>) => {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      if ((await companyList().countDocuments(filter)) >= count) return companyList().find(filter).toArray();
    }
    throw new Error(`fewer than ${count} companies listed for ${JSON.stringify(filter)}`);
  };

  it('refuses a HubSpot export without its preset, naming the positions of its repeated headers (item 1)', async () => {
    const refused = await upload(await fixture('hubspot-contacts.csv'), {}).expect(400);
    const messages = (refused.body.errors as { messages: string[] }[]).flatMap((error) => error.messages);
    expect(messages).toContain(
      'columns 5 and 21 ("Phone Number") both fill phone; map one by position: mapping[#21]=<field> or mapping[#21]=ignore',
    );
    const byHeader = await upload(await fixture('hubspot-contacts.csv'), { preset: 'hubspot', 'mapping[Phone Number]': 'phone' });
    expect(byHeader.status).toBe(400);
    expect(byHeader.body.errors).toContainEqual({
      field: 'mapping[Phone Number]',
      messages: ['"Phone Number" heads columns 5 and 21; map each by position: mapping[#5]=<field>, mapping[#21]=<field>'],
      in: 'query',
    });
  });

  it('imports a HubSpot contacts export with its preset: ids, lifecycle labels, countries, companies by name (items 1, 5, 7)', async () => {
    const job = await imported(await fixture('hubspot-contacts.csv'), { preset: 'hubspot' });
    expect(job).toMatchObject({ status: 'completed', created: 34, failed: 0 });
    // The company's repeated columns fill nothing; the lifecycle column carries the preset's values.
    expect(job.columns[20]).toEqual({ position: 21, header: 'Phone Number' });
    expect(job.columns[8]).toMatchObject({
      position: 9,
      field: 'lifecycleStage',
      values: { 'Marketing Qualified Lead': 'marketing-qualified' },
    });

    const jordan = await contact(contactIdFor('1298'));
    expect(jordan).toMatchObject({
      name: { given: 'Jordan', family: 'Whitlow' },
      lifecycleStage: 'marketing-qualified',
      country: 'US',
      phones: [{ number: '+16175550102', primary: true }],
    });
    const northpeak = await company(jordan.companies[0].companyId);
    expect(northpeak).toMatchObject({ name: 'Northpeak Logistics LLC', domains: ['northpeak.example'] });
    expect((await contact(contactIdFor('1251'))).lifecycleStage).toBe('lead');
    // Five companies named in 28 rows: each created once, by name.
    const created = await listedCompanies(5, {
      domains: { $regex: '\\.example$' },
      name: { $in: [/Brightwave/, /Northpeak/, /Kestrel/, /Rheinblick/, /Lumen/] },
    });
    expect(created).toHaveLength(5);
  });

  it('leaves bad cells out with a warning by default with a preset, and refuses their rows when asked to be strict', async () => {
    const csv = [
      'Record ID,First Name,Last Name,Email,Phone Number,Create Date',
      'skip-1,Noor,Placeholder,noor.placeholder@example.com,1234,3/15/2024 2:30 PM',
      'skip-2,Omar,Valid,omar.valid@example.com,+1 617 555 0199,2024-01-15 10:00',
    ].join('\n');
    const lenient = await imported(csv, { preset: 'hubspot' });
    expect(lenient).toMatchObject({ status: 'completed', onInvalidCell: 'skip', created: 2, failed: 0, warnings: 1 });
    expect(await contact(contactIdFor('skip-1'))).toMatchObject({
      phones: [],
      sourceCreatedAt: '2024-03-15T14:30:00.000Z',
    });

    // Other people (ids, e-mails and the phone changed), so that none is found as the first import's.
    const others = csv
      .replace(/skip-/g, 'strict-')
      .replace(/@example/g, '.strict@example')
      .replace('0199', '0198');
    const strict = await imported(others, {
      preset: 'hubspot',
      onInvalidCell: 'strict',
    });
    expect(strict).toMatchObject({ status: 'completed', onInvalidCell: 'strict', created: 1, failed: 1, warnings: 0 });
  });

  it("applies the user's own value mappings over the preset's, and refuses those of an unknown field (item 7)", async () => {
    const csv = ['Record ID,First Name,Lifecycle Stage', '77001,Sasha,Marketing Qualified Lead', '77002,Robin,Nurture'].join(
      '\n',
    );
    const job = await imported(csv, {
      preset: 'hubspot',
      'values[lifecycleStage][marketing qualified lead]': 'lead',
      'values[lifecycleStage][Nurture]': 'subscriber',
    });
    expect(job).toMatchObject({ status: 'completed', created: 2, failed: 0 });
    expect((await contact(contactIdFor('77001'))).lifecycleStage).toBe('lead');
    expect((await contact(contactIdFor('77002'))).lifecycleStage).toBe('subscriber');

    const json = await imported(['Record ID,First Name,Lifecycle Stage', '77003,Kai,Nurture'].join('\n'), {
      preset: 'hubspot',
      values: JSON.stringify({ lifecycleStage: { nurture: 'evangelist' } }),
    });
    expect(json).toMatchObject({ status: 'completed', created: 1 });
    expect((await contact(contactIdFor('77003'))).lifecycleStage).toBe('evangelist');

    const refused = await upload(csv, { 'values[shoeSize][9]': '42' }).expect(400);
    expect(refused.body.errors).toEqual([
      {
        field: 'values[shoeSize]',
        messages: [expect.stringContaining('"shoeSize" is not a field of a contacts import')],
        in: 'query',
      },
    ]);
    expect((await upload(csv, { preset: 'zoho' }).expect(400)).body.errors[0].field).toBe('preset');
  });

  it('imports Salesforce Data Loader exports: accounts, then contacts linked by AccountId (items 5, 8)', async () => {
    const accounts = await imported(await fixture('salesforce-accounts.csv'), { preset: 'salesforce', kind: 'companies' });
    expect(accounts).toMatchObject({ status: 'completed', created: 5, failed: 0 });
    const cobalt = await company(companyIdFor('0015g00000f0L3aB5T'));
    // Its website as the domain; its country's name as the code.
    expect(cobalt).toMatchObject({ name: 'Cobalt Ridge Manufacturing', domains: ['cobaltridge.example'] });

    const contacts = await imported(await fixture('salesforce-contacts.csv'), { preset: 'salesforce' });
    expect(contacts).toMatchObject({ status: 'completed', created: 30, failed: 0 });
    const quinn = await contact(contactIdFor('0035g00000VZmnNBYD'));
    expect(quinn).toMatchObject({
      name: { prefix: 'Ms.', given: 'Quinn', family: 'Northcott' },
      country: 'US',
      source: 'Phone Inquiry',
      companies: [{ companyId: companyIdFor('0015g00000f0L3aB5T') }],
    });
  });

  it('imports an Odoo partner export with German headers, creating each related company once (item 8)', async () => {
    const job = await imported(await fixture('odoo-partners.csv'), { preset: 'odoo' });
    expect(job).toMatchObject({ status: 'completed', created: 24, failed: 0 });
    const [bergkristall] = await listedCompanies(1, { name: 'Bergkristall Treuhand AG' });
    expect(await companyList().countDocuments({ name: 'Bergkristall Treuhand AG' })).toBe(1);
    // Found by its Odoo external id; its two street columns are two lines.
    expect(await contact(contactIdFor('__export__.res_partner_311_8f610'))).toMatchObject({
      name: { prefix: 'Dr.', given: 'Lukas Vogelsang' },
      addresses: [{ lines: ['Marktgasse 20', '2. OG'], postalCode: '3011', city: 'Bern', country: 'CH' }],
      country: 'CH',
      phones: [{ number: '+41313104010', primary: true }],
      // Its Verkäufer, whom CONTACTS_IMPORT_OWNERS does not name here, is kept as a tag (with a warning).
      tags: ['Kunde', 'owner:Mitchell Admin'],
      companies: [{ companyId: bergkristall.companyId }],
    });
  });

  it('imports a Pipedrive people export with its labels, in the default country (items 5, 7)', async () => {
    const job = await imported(await fixture('pipedrive-people.csv'), { preset: 'pipedrive', defaultCountry: 'US' });
    expect(job).toMatchObject({ status: 'completed', created: 28, failed: 0 });
    const casey = await contact(contactIdFor('802'));
    expect(casey).toMatchObject({
      name: { given: 'Casey', family: 'Wexford' },
      lifecycleStage: 'marketing-qualified',
      country: 'US',
      phones: [{ number: '+12125550101', primary: true }],
      companies: [{ companyId: companyIdFor('4102') }],
    });
    expect(await company(companyIdFor('4102'))).toMatchObject({ name: 'Bluefin Robotics, Inc.' });
    expect((await contact(contactIdFor('801'))).lifecycleStage).toBe('sales-qualified');
  });

  it('creates the company a contact names only for a row that is written (item 7: a clear reason on the column)', async () => {
    const job = await imported(
      [
        'First Name,Email,Company Name,companyDomain',
        'Nell,not-an-email,Ghostly Widgets Ltd,',
        'Orla,orla@visible.example,Visible Widgets Ltd,',
        'Pia,pia@unknown.example,,unknown-widgets.example',
      ].join('\n'),
      {},
    );
    expect(job).toMatchObject({ status: 'completed', created: 1, failed: 2 });
    expect(job.badRows).toMatchObject([
      { row: 2, errors: [{ field: 'email', column: 'Email' }] },
      {
        row: 4,
        errors: [
          {
            field: 'companyDomain',
            column: 'companyDomain',
            messages: ['no company has this domain: import the companies first, or give companyName to create it'],
          },
        ],
      },
    ]);
    await listedCompanies(1, { name: 'Visible Widgets Ltd' });
    expect(await companyList().countDocuments({ name: 'Ghostly Widgets Ltd' })).toBe(0);
  });

  it('matches companies without a domain or id by name: a file imported twice creates no duplicate (item 8)', async () => {
    const csv = await fixture('companies-without-domains.csv');
    const names = { name: /^(Harrowgate|Pinecrest|PINECREST|Saltmarsh|Ivory|Wrenfield|Glasshouse)/ };
    const first = await imported(csv, { kind: 'companies' });
    // Harrowgate Bakeries Ltd/Limited and Pinecrest Dental/PINECREST DENTAL, INC. are one company each.
    expect(first).toMatchObject({ status: 'completed', created: 6, failed: 0 });
    expect(first.updated + first.unchanged).toBe(2);
    await listedCompanies(6, names);
    const again = await imported(csv, { kind: 'companies' });
    expect(again).toMatchObject({ status: 'completed', created: 0, failed: 0 });
    expect(await companyList().countDocuments(names)).toBe(6);
  });
});
