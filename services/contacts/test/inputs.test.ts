import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { newId } from '@crm/eventsourcing';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { edgeInputs, fieldPathsOf, testToken } from '@crm/platform/nest/testing';
import { LogInteractionDto } from '../src/api/interaction.dto';
import { DefineCustomFieldDto } from '../src/api/custom-fields.controller';
import { CreateCompanyDto, UpdateCompanyDto } from '../src/application/inputs/company.dto';
import {
  CompanyLinkDto,
  CreateContactDto,
  MergeContactsDto,
  RecordConsentDto,
  UpdateContactDto,
} from '../src/application/inputs/contact.dto';
import { contactsTestConfig, createContactsTestApp } from './support';

/** Values worth trying in particular fields, beside null, other types and variations of the valid value. */
const FIELD_EDGES: Record<string, readonly unknown[]> = {
  locale: ['en-u-ca-gregory', 'x-private', 'i-klingon', 'zh-Hant-TW', 'de-CH-1996', 'EN-gb'],
  timezone: ['+01:00', 'EST5EDT', 'GMT0', 'europe/zurich', 'UTC', 'Etc/GMT+1'],
  birthday: ['0000-01-01', '2000-02-29', '2024-02-30', '9999-12-31'],
  country: ['XX', 'ch', 'AQ'],
  'addresses[0].country': ['XX', 'AQ'],
  'addresses[0].lines': [[''], ['  ']],
  'phones[0].number': ['+999 123', '12', '0', 'not-a-phone', '+1 800 FLOWERS', '044 668 18 00'],
  'emails[0].address': ['jöhn@example.com', '"a b"@example.com', 'a@b.co'],
  'participants[0].email': ['jöhn@example.com', '"a b"@example.com'],
  occurredAt: ['2009-W01-1', '-2025-01-01', '0000-01-01T00:30:00+01:00', '2025-01-01', '9999-12-31T23:59:59-01:00'],
  at: ['2009-W01-1', '-2025-01-01', '2025-01-01'],
  tags: [['a\nb'], ['a\u2028b'], [' a'], ['  '], ['A', 'a']],
  'customFields[0].value': [1, true, ['x'], 'x'.repeat(1001)],
  options: [['S', 's'], [' ']],
  domains: [['WWW.Example.COM'], ['www.example.com', 'example.com'], ['-a.com'], ['a..com']],
  duplicateIds: [['0192F5E4-7B1C-7C3A-9F2E-3B8D5A6C1E40']],
  choices: [
    { name: null },
    { name: '0192F5E4-7B1C-7C3A-9F2E-3B8D5A6C1E40' },
    { nickname: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40' },
  ],
};

interface WriteRoute {
  name: string;
  dto: Type<object>;
  /** A valid body with every field the DTO has. */
  body: Record<string, unknown>;
  /** The request for one case: fresh ids where a repeat would only find the first write (and check nothing). */
  send: (body: Record<string, unknown>, field: string) => request.Test;
}

/**
 * The contacts service against hostile and careless input: whatever request validation lets through must be something
 * the domain and the event contracts take, so no input reaches the contract check (which answers 500).
 */
describe('contacts API inputs', () => {
  let app: NestExpressApplication;
  const admin = `Bearer ${testToken(['admin'])}`;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createContactsTestApp(contactsTestConfig(uniqueSchema('contacts_inputs')));
  });
  afterAll(async () => {
    await app?.close();
  });

  const address = { label: 'home', lines: ['1 Main St'], city: 'Zurich', region: 'ZH', postalCode: '8000', country: 'CH' };
  const name = { prefix: 'Dr.', given: 'Ada', middle: 'K', family: 'Lovelace', suffix: 'PhD' };
  const profile = {
    emails: [{ address: 'ada@example.com', label: 'work', primary: true }],
    phones: [{ number: '+41 44 668 18 00', extension: '12', label: 'work', primary: true }],
    addresses: [address],
    jobTitle: 'Analyst',
    locale: 'de-CH',
    timezone: 'Europe/Zurich',
    country: 'CH',
    birthday: '1990-05-01',
    source: 'web',
    sourceCreatedAt: '2019-04-02T13:45:00Z',
    lifecycleStage: 'lead',
    ownerId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e99',
    tags: ['vip'],
    customFields: [{ key: 'plan', value: 'gold' }],
  };
  const createContact = async (body: object = { name }) =>
    (await http().post('/v1/contacts').set('Authorization', admin).send(body).expect(201)).body.contactId as string;
  /** The top-level field a PATCH case changes: sent alone, so that each case changes something the contract checks. */
  const topField = (field: string) => field.split(/[.[]/)[0];

  it('answers every write route 400 or success, never 500, for null and edge values in every field', async () => {
    await http()
      .post('/v1/custom-fields')
      .set('Authorization', admin)
      .send({ key: 'plan', label: 'Plan', type: 'text' })
      .expect(201);
    const contact = await createContact();
    const company = (await http().post('/v1/companies').set('Authorization', admin).send({ name: 'Acme' }).expect(201)).body
      .companyId as string;
    const routes: WriteRoute[] = [
      {
        name: 'POST /v1/contacts',
        dto: CreateContactDto,
        body: { contactId: newId(), name, ...profile },
        send: (body, field) =>
          http()
            .post('/v1/contacts')
            .send(field === 'contactId' ? body : { ...body, contactId: newId() }),
      },
      {
        name: 'PATCH /v1/contacts/{id}',
        dto: UpdateContactDto,
        body: { name, ...profile, clear: ['source'] },
        send: (body, field) =>
          http()
            .patch(`/v1/contacts/${contact}`)
            .send({ [topField(field)]: body[topField(field)] }),
      },
      {
        name: 'POST /v1/companies',
        dto: CreateCompanyDto,
        body: {
          companyId: newId(),
          name: 'Acme',
          domains: ['acme.example'],
          industry: 'Tools',
          size: '1-10',
          addresses: [address],
        },
        send: (body, field) =>
          http()
            .post('/v1/companies')
            .send(field === 'companyId' ? body : { ...body, companyId: newId() }),
      },
      {
        name: 'PATCH /v1/companies/{id}',
        dto: UpdateCompanyDto,
        body: {
          name: 'Acme',
          domains: ['acme.example'],
          industry: 'Tools',
          size: '1-10',
          addresses: [address],
          clear: ['industry'],
        },
        send: (body, field) =>
          http()
            .patch(`/v1/companies/${company}`)
            .send({ [topField(field)]: body[topField(field)] }),
      },
      {
        name: 'POST /v1/interactions',
        dto: LogInteractionDto,
        body: {
          contactId: contact,
          channel: 'note',
          direction: 'internal',
          occurredAt: '2025-01-01T10:00:00Z',
          participants: [{ name: 'Bob', email: 'bob@example.com', phone: '+41446681800', contactId: contact }],
          subject: 'Hi',
          body: 'Text',
          durationSeconds: 10,
          outcome: 'answered',
          externalId: 'call-1',
          companyId: company,
        },
        send: (body, field) =>
          http()
            .post('/v1/interactions')
            .send(field === 'externalId' ? body : { ...body, externalId: newId() }),
      },
      {
        name: 'POST /v1/custom-fields',
        dto: DefineCustomFieldDto,
        body: { key: 'size', label: 'Size', type: 'single-select', options: ['S', 'M'] },
        send: (body, field) =>
          http()
            .post('/v1/custom-fields')
            .send(field === 'key' ? body : { ...body, key: `k${newId().replace(/-/g, '')}` }),
      },
      {
        name: 'POST /v1/contacts/{id}/consents',
        dto: RecordConsentDto,
        body: { channel: 'email', purpose: 'marketing', status: 'granted', source: 'web', at: '2025-01-01T10:00:00Z' },
        send: (body) => http().post(`/v1/contacts/${contact}/consents`).send(body),
      },
      {
        name: 'PUT /v1/contacts/{id}/companies/{companyId}',
        dto: CompanyLinkDto,
        body: { role: 'CTO' },
        send: (body) => http().put(`/v1/contacts/${contact}/companies/${company}`).send(body),
      },
      {
        name: 'POST /v1/contacts/{id}/merge',
        dto: MergeContactsDto,
        body: { duplicateIds: [newId()], choices: { jobTitle: contact } },
        // A fresh survivor each time: a merge that succeeds uses its duplicate up.
        send: (body) => http().post(`/v1/contacts/${newId()}/merge`).send(body),
      },
    ];

    const failures: string[] = [];
    let cases = 0;
    for (const route of routes) {
      expect({ route: route.name, missing: fieldPathsOf(route.dto, route.body).missing }).toEqual({
        route: route.name,
        missing: [],
      });
      for (const { field, value, body } of edgeInputs(route.dto, route.body, FIELD_EDGES)) {
        const response = await route.send(body as Record<string, unknown>, field).set('Authorization', admin);
        cases++;
        if (response.status >= 500 || ![200, 201, 204, 400, 404, 409].includes(response.status)) {
          failures.push(`${route.name} ${field}=${JSON.stringify(value)?.slice(0, 80)}: ${response.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(cases).toBeGreaterThan(2000);

    // Ids in paths are taken in any case too, and kept in lower case.
    await http()
      .put(`/v1/contacts/${contact.toUpperCase()}/companies/${company.toUpperCase()}`)
      .set('Authorization', admin)
      .send({ role: 'Owner' })
      .expect(200);
    const read = await http().get(`/v1/contacts/${contact.toUpperCase()}`).set('Authorization', admin).expect(200);
    expect(read.body.contactId).toBe(contact);
    for (const asOf of ['2009-W01-1', '-2025-01-01']) {
      await http().get(`/v1/contacts/${contact}`).query({ asOf }).set('Authorization', admin).expect(400);
    }
  }, 300_000);

  it('refuses null with 400 naming the field, on create and on update (a field is removed with clear)', async () => {
    const created = await http()
      .post('/v1/contacts')
      .set('Authorization', admin)
      .send({ name: { ...name, middle: null }, jobTitle: null, ownerId: null, country: null })
      .expect(400);
    expect(created.body.errors).toEqual([
      { field: 'name.middle', messages: ['middle must not be null: leave the field out instead'] },
      { field: 'jobTitle', messages: ['jobTitle must not be null: leave the field out instead'] },
      { field: 'country', messages: ['country must not be null: leave the field out instead'] },
      { field: 'ownerId', messages: ['ownerId must not be null: leave the field out instead'] },
    ]);
    const contactId = await createContact({ name, jobTitle: 'Analyst' });
    const patch = (body: object) => http().patch(`/v1/contacts/${contactId}`).set('Authorization', admin).send(body);
    expect((await patch({ jobTitle: null }).expect(400)).body.errors).toEqual([
      {
        field: 'jobTitle',
        messages: ['jobTitle must not be null: leave the field out to keep its value, or name it in `clear` to remove it'],
      },
    ]);
    expect((await patch({ clear: ['jobTitle'] }).expect(200)).body.jobTitle).toBeUndefined();
    const consent = { channel: 'email', purpose: 'newsletter', status: 'granted', source: 'web-form' };
    const refused = await http()
      .post(`/v1/contacts/${contactId}/consents`)
      .set('Authorization', admin)
      .send({ ...consent, at: null })
      .expect(400);
    expect(refused.body.errors).toEqual([{ field: 'at', messages: ['at must not be null: leave the field out instead'] }]);
  });

  it('names a bad e-mail and a bad phone number in one answer', async () => {
    const response = await http()
      .post('/v1/contacts')
      .set('Authorization', admin)
      .send({ name, emails: [{ address: 'not-an-email' }], phones: [{ number: 'not-a-phone' }], country: 'XX' })
      .expect(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'emails[0].address',
      'phones[0].number',
      'country',
    ]);
  });

  it('refuses __proto__ keys in list queries instead of listing everything', async () => {
    for (const query of ['email[__proto__]=x', '__proto__[x]=1']) {
      const response = await http().get(`/v1/contacts?${query}`).set('Authorization', admin).expect(400);
      expect(response.body.errors).toContainEqual(
        expect.objectContaining({ messages: ['"__proto__" is not allowed'], in: 'query' }),
      );
    }
  });

  it('dates no seeded contact’s last change before its creation', async () => {
    const contactId = await createContact();
    const read = async () => (await http().get(`/v1/contacts/${contactId}`).set('Authorization', admin).expect(200)).body;
    const { createdAt } = await read();
    // A statement given a year ago, recorded now (what the seed and an import of old consents do).
    await http()
      .post(`/v1/contacts/${contactId}/consents`)
      .set('Authorization', admin)
      .send({ channel: 'email', purpose: 'newsletter', status: 'granted', source: 'paper-form', at: '2025-01-01T10:00:00Z' })
      .expect(200);
    expect((await read()).updatedAt).toBe(createdAt);

    // The seed itself, against this service: every contact it made has updatedAt >= createdAt, in the API and the list.
    const server = app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const seed = join(__dirname, '../../../dist/services/contacts/src/cli/seed.js');
    const seededAfter = new Date().toISOString();
    await promisify(execFile)(
      process.execPath,
      [seed, '--contacts', '12', '--companies', '2', '--interactions', '4', '--seed', '7'],
      {
        env: { ...process.env, CONTACTS_URL: `http://127.0.0.1:${port}`, CRM_TOKEN: testToken(['admin'], 'seed') },
      },
    );
    const listed = await eventually(async () => {
      const { body } = await http()
        .get('/v1/contacts')
        .query({ 'createdAt[gte]': seededAfter, includeMerged: 'true', limit: 100 })
        .set('Authorization', admin);
      return body.items?.length >= 12 ? (body.items as { contactId: string; createdAt: string; updatedAt: string }[]) : undefined;
    });
    for (const item of listed) {
      expect(item.updatedAt >= item.createdAt).toBe(true);
      const { body } = await http().get(`/v1/contacts/${item.contactId}`).set('Authorization', admin).expect(200);
      expect({ id: item.contactId, later: body.updatedAt >= body.createdAt }).toEqual({ id: item.contactId, later: true });
    }
  }, 120_000);
});

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
