import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { testToken } from '@crm/platform/nest/testing';
import { contactsTestConfig, createContactsTestApp } from './support';
import { contactIdFor } from '../src/application/imports/external-ids';

interface RowReport {
  row: number;
  severity: 'error' | 'warning';
  title: string;
  errors?: { field: string; column?: string; items?: number[]; messages: string[] }[];
}
interface Job {
  jobId: string;
  status: string;
  onInvalidCell: string;
  columns: { header: string; field?: string; dateOrder?: string }[];
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  warnings: number;
  badRows: RowReport[];
  warningRows: RowReport[];
}

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures/imports', name), 'utf8');
const ANN = '0192a8f0-0000-7000-8000-0000000000a1';

/** Per-cell leniency, warnings, date orders and owners (issue 16, items 7 and 9), through the HTTP API. */
describe('lenient contacts imports', () => {
  let app: NestExpressApplication;
  const schema = uniqueSchema('imports_lenient_test');
  const sales = `Bearer ${testToken(['sales'], 'sally')}`;
  const analyst = `Bearer ${testToken(['analyst'])}`;

  beforeAll(async () => {
    app = await createContactsTestApp(
      contactsTestConfig(schema, { CONTACTS_IMPORT_OWNERS: `ann@example.com=${ANN};Ann Smith=${ANN}` }),
    );
  });
  afterAll(async () => {
    await app?.close();
  });

  const http = () => request(app.getHttpServer());
  const jobOf = async (jobId: string): Promise<Job> =>
    (await http().get(`/v1/imports/${jobId}`).set('Authorization', sales).expect(200)).body as Job;
  const imported = async (csv: string, query: Record<string, string> = {}): Promise<Job> => {
    const response = await http()
      .post('/v1/imports')
      .query(query)
      .set('Authorization', sales)
      .set('Content-Type', 'text/csv')
      .send(csv)
      .expect(202);
    let job = await jobOf(response.body.jobId);
    for (let tries = 0; !['completed', 'failed'].includes(job.status); tries++) {
      if (tries > 300) throw new Error(`import ${job.jobId} did not finish`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      job = await jobOf(job.jobId);
    }
    return job;
  };
  const contact = async (contactId: string) =>
    (await http().get(`/v1/contacts/${contactId}`).set('Authorization', analyst).expect(200)).body;
  const contactByEmail = async (email: string) => {
    for (let tries = 0; tries < 300; tries++) {
      const { items } = (await http().get('/v1/contacts').query({ email }).set('Authorization', analyst).expect(200)).body;
      if (items.length > 0) return contact(items[0].contactId);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${email} never listed`);
  };

  it('refuses rows with placeholder phones and unknown lifecycle labels when strict, and lands them without those cells when skipping', async () => {
    const file = fixture('hubspot-contacts-placeholders.csv');
    const otherEmails = { 'mapping[Additional email addresses]': 'otherEmails' };
    const strict = await imported(file, otherEmails);
    // `null` and `N/A` are blank cells: those rows land; `1234` and a label we do not know fail theirs.
    expect(strict).toMatchObject({ status: 'completed', onInvalidCell: 'strict', created: 2, failed: 2, warnings: 1 });
    expect(strict.badRows.map((bad) => bad.row)).toEqual([2, 5]);
    const byField = (errors: RowReport['errors']) =>
      errors!.map((error) => [error.field, error.column, error.items]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(byField(strict.badRows[0].errors)).toEqual([
      ['lifecycleStage', 'Lifecycle Stage', undefined],
      ['otherEmails', 'Additional email addresses', [2]],
      ['phone', 'Phone Number', undefined],
    ]);
    expect((await contact(contactIdFor('9103'))).phones).toEqual([]);

    const lenient = await imported(file, { ...otherEmails, onInvalidCell: 'skip' });
    expect(lenient).toMatchObject({ status: 'completed', onInvalidCell: 'skip', created: 1, failed: 1, warnings: 2 });
    expect(lenient.warningRows.map((row) => [row.row, row.severity, byField(row.errors)])).toEqual([
      [
        2,
        'warning',
        [
          ['lifecycleStage', 'Lifecycle Stage', undefined],
          ['otherEmails', 'Additional email addresses', [2]],
          ['phone', 'Phone Number', undefined],
        ],
      ],
      [3, 'warning', [['owner', 'Contact owner', undefined]]],
    ]);
    // A row left with nothing to create a contact from is a bad row all the same.
    expect(lenient.badRows.map((bad) => [bad.row, bad.severity])).toEqual([[5, 'error']]);
    // No personal value in what the job keeps.
    expect(JSON.stringify(lenient.warningRows)).not.toMatch(/1234|Marketing Qualified|bob\.unknown|not-an-email/);

    // Only the bad address of the list was left out.
    const ada = await contact(contactIdFor('9101'));
    expect(ada).toMatchObject({ name: { given: 'Ada', family: 'Lenient' }, phones: [], ownerId: ANN });
    expect(ada.emails.map((email: { address: string }) => email.address)).toEqual([
      'ada.lenient@example.com',
      'ada.work@example.com',
    ]);
    expect(ada.lifecycleStage).toBe('lead'); // a new contact's stage: the label was left out

    // Every row with its severity, in row order, for a spreadsheet; or only the warnings.
    const report = await http().get(`/v1/imports/${lenient.jobId}/errors`).set('Authorization', sales).expect(200);
    const lines = parse(report.text, { columns: true }) as Record<string, string>[];
    expect(lines.find((line) => line.field === 'otherEmails')).toMatchObject({
      row: '2',
      severity: 'warning',
      reason: expect.stringMatching(/^item 2: /),
    });
    expect(lines.sort((a, b) => a.row.localeCompare(b.row) || a.field.localeCompare(b.field))).toEqual([
      expect.objectContaining({ row: '2', severity: 'warning', column: 'Lifecycle Stage', field: 'lifecycleStage' }),
      expect.objectContaining({ row: '2', severity: 'warning', column: 'Additional email addresses', field: 'otherEmails' }),
      expect.objectContaining({ row: '2', severity: 'warning', column: 'Phone Number', field: 'phone' }),
      expect.objectContaining({ row: '3', severity: 'warning', column: 'Contact owner', field: 'owner' }),
      // Without its bad e-mail and phone the row has no name, e-mail or phone left: refused, each reason listed.
      expect.objectContaining({ row: '5', severity: 'error', field: 'email' }),
      expect.objectContaining({ row: '5', severity: 'error', field: 'givenName' }),
      expect.objectContaining({ row: '5', severity: 'error', field: 'phone' }),
    ]);
    const warnings = await http()
      .get(`/v1/imports/${lenient.jobId}/errors`)
      .query({ format: 'json', severity: 'warning' })
      .set('Authorization', sales)
      .expect(200);
    expect(warnings.body.map((row: RowReport) => row.row)).toEqual([2, 3]);
  });

  it('refuses an onInvalidCell or dateOrder it does not know, naming the parameter', async () => {
    for (const query of [{ onInvalidCell: 'lenient' }, { dateOrder: 'dym' }]) {
      const refused = await http()
        .post('/v1/imports')
        .query(query)
        .set('Authorization', sales)
        .set('Content-Type', 'text/csv')
        .send('givenName\nAda')
        .expect(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: Object.keys(query)[0] })]);
    }
  });

  it('resolves an owner given by e-mail or name, and keeps one it cannot resolve as a tag, with a warning', async () => {
    const job = await imported(
      [
        'First Name,Last Name,Email,Owner',
        'Nora,Owned,nora.owned@example.com,Ann Smith',
        'Olaf,Owned,olaf.owned@example.com,bob.unknown@example.com',
      ].join('\n'),
    );
    expect(job).toMatchObject({ status: 'completed', created: 2, failed: 0, warnings: 1 });
    expect(job.warningRows).toEqual([
      expect.objectContaining({
        row: 3,
        errors: [{ field: 'owner', column: 'Owner', messages: [expect.stringContaining('kept as a tag: owner:')] }],
      }),
    ]);
    expect(await contactByEmail('nora.owned@example.com')).toMatchObject({ ownerId: ANN, tags: [] });
    const olaf = await contactByEmail('olaf.owned@example.com');
    expect(olaf.ownerId).toBeUndefined();
    expect(olaf.tags).toEqual(['owner:bob.unknown@example.com']);
  });

  it('stores a US-style number on a row of country CN as read, with a warning naming its column', async () => {
    const job = await imported(
      ['First Name,Last Name,Email,Country,Mobile Phone Number', 'Wei,Doubt,wei.doubt@example.com,CN,(212) 736-5000'].join('\n'),
      { 'mapping[Mobile Phone Number]': 'phone' },
    );
    expect(job).toMatchObject({ status: 'completed', created: 1, failed: 0, warnings: 1 });
    expect(job.warningRows[0].errors).toEqual([
      {
        field: 'phone',
        column: 'Mobile Phone Number',
        messages: ['is read as a number of CN but is also a US one: write it with its country code (+…)'],
      },
    ]);
    expect(await contactByEmail('wei.doubt@example.com')).toMatchObject({ phones: [{ number: '+862127365000' }] });
  });

  it('reads M/D/YY birthdays in the order the column tells, or the one given, and asks for it when none tells', async () => {
    const told = await imported(fixture('salesforce-contacts-birthdates.csv'), { 'mapping[Birthdate]': 'birthday' });
    expect(told).toMatchObject({ status: 'completed', created: 3, failed: 0, warnings: 0 });
    expect(told.columns.find((column) => column.field === 'birthday')).toEqual({
      position: 4,
      header: 'Birthdate',
      field: 'birthday',
      dateOrder: 'mdy',
    });
    expect(await contactByEmail('marie.dated@example.com')).toMatchObject({ birthday: '1980-03-04', ownerId: ANN });
    expect(await contactByEmail('pierre.dated@example.com')).toMatchObject({ birthday: '1975-12-25' });

    const ambiguous = fixture('salesforce-contacts-ambiguous-dates.csv');
    const unknown = await imported(ambiguous, { 'mapping[Birthdate]': 'birthday' });
    expect(unknown).toMatchObject({ status: 'completed', created: 1, failed: 1 });
    expect(unknown.badRows[0]).toMatchObject({
      row: 2,
      errors: [{ field: 'birthday', column: 'Birthdate', messages: [expect.stringContaining('dateOrder')] }],
    });
    const given = await imported(ambiguous, { 'mapping[Birthdate]': 'birthday', dateOrder: 'dmy' });
    expect(given).toMatchObject({ status: 'completed', created: 1, unchanged: 1, failed: 0 });
    expect(await contactByEmail('lise.ambiguous@example.com')).toMatchObject({ birthday: '1980-04-03' });
  });
});
