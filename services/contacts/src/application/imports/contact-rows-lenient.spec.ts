import 'reflect-metadata';
import type { CustomFieldDefinedData } from '@crm/contracts';
import { importSkippingInvalidCells, InvalidRowError, readDateCells, valuesByField } from '@crm/csv';
import { contactDateFields, contactWrite, readContactRow, resolveOwner } from './contact-rows';
import type { ContactValues } from './import-columns';

const today = '2026-03-01';

/** What the importer checks of a new contact, without the stores: the row read, then the API's rules. */
async function createContact(values: ContactValues): Promise<'created'> {
  const read = readContactRow(values);
  if (!read.ok) throw new InvalidRowError(read.errors);
  const write = contactWrite(read.value, undefined, today);
  if (!write.ok) throw new InvalidRowError(write.errors);
  return 'created';
}

describe('onInvalidCell=skip on contacts rows', () => {
  it('leaves out a placeholder phone, an unknown lifecycle label and a bad other e-mail, and keeps the rest', async () => {
    const values: ContactValues = {
      givenName: 'Ada',
      email: 'ada@example.com',
      phone: '1234',
      lifecycleStage: 'Marketing Qualified Lead',
      otherEmails: 'not-an-email',
      jobTitle: 'Engineer',
    };
    await expect(createContact(values)).rejects.toBeInstanceOf(InvalidRowError);
    const imported = await importSkippingInvalidCells(values, createContact, ['contactId', 'externalId']);
    expect(imported.outcome).toBe('created');
    expect(imported.warnings.map((warning) => warning.field).sort()).toEqual(['lifecycleStage', 'otherEmails', 'phone']);
    // No personal value in a warning: the rules only.
    expect(JSON.stringify(imported.warnings)).not.toMatch(/1234|Marketing|not-an-email/);
  });

  it('leaves out only the bad addresses of otherEmails and the bad numbers of otherPhones', async () => {
    const imported = await importSkippingInvalidCells(
      {
        givenName: 'Ada',
        email: 'ada@example.com',
        otherEmails: 'ada@work.example; not-an-email; ada@home.example',
        otherPhones: '12; +41 44 668 18 00',
      },
      async (cells) => {
        expect(await createContact(cells)).toBe('created');
        expect(cells).toMatchObject({ otherEmails: 'ada@work.example; ada@home.example', otherPhones: '+41 44 668 18 00' });
        return 'created';
      },
      [],
    );
    expect(imported.warnings).toEqual([
      { field: 'otherEmails', items: [2], messages: [expect.stringContaining('must be an e-mail address')] },
      {
        field: 'otherPhones',
        items: [1],
        messages: expect.arrayContaining([expect.stringContaining('not a valid phone number')]),
      },
    ]);
  });

  it('still refuses a row left without a name, e-mail or phone, and never leaves out the id that says which contact', async () => {
    await expect(importSkippingInvalidCells({ phone: '1234' }, createContact, ['contactId'])).rejects.toMatchObject({
      errors: expect.arrayContaining([expect.objectContaining({ field: 'givenName' })]),
    });
    // An e-mail address is enough to create the contact without its bad phone.
    await expect(
      importSkippingInvalidCells({ email: 'ada@example.com', phone: '1234' }, createContact, ['contactId']),
    ).resolves.toMatchObject({ outcome: 'created' });
    await expect(
      importSkippingInvalidCells({ contactId: 'not-a-uuid', givenName: 'Ada' }, createContact, ['contactId']),
    ).rejects.toMatchObject({ errors: [expect.objectContaining({ field: 'contactId' })] });
  });

  it('reads placeholder cells as blank in every mode: no tag "null", no phone "N/A"', () => {
    const columns = ['givenName', 'phone', 'tags', 'companyDomain'].map((field, index) => ({
      position: index + 1,
      header: field,
      field,
    }));
    expect(valuesByField(columns, ['Ada', 'N/A', 'null', '-'])).toEqual({ givenName: 'Ada' });
  });
});

describe('owners', () => {
  const ann = '0192a8f0-0000-7000-8000-00000000000a';
  const owners = new Map([
    ['ann@example.com', ann],
    ['ann smith', ann],
  ]);

  it('resolves an owner given by e-mail or name, in any case, to the user id', () => {
    expect(resolveOwner({ givenName: 'Ada', owner: 'Ann@Example.com' }, owners)).toEqual({
      values: { givenName: 'Ada', ownerId: ann },
      warnings: [],
    });
    expect(resolveOwner({ owner: 'Ann Smith' }, owners).values).toEqual({ ownerId: ann });
  });

  it('lets an ownerId column win over an owner', () => {
    const other = '0192a8f0-0000-7000-8000-00000000000b';
    expect(resolveOwner({ owner: 'ann@example.com', ownerId: other }, owners).values).toEqual({ ownerId: other });
  });

  it('keeps an owner it cannot resolve as a tag, with a warning that holds no value', () => {
    const { values, warnings } = resolveOwner({ owner: 'bob@example.com', tags: 'vip' }, owners);
    expect(values).toEqual({ tags: 'vip;owner:bob@example.com' });
    expect(warnings).toEqual([{ field: 'owner', messages: [expect.stringContaining('CONTACTS_IMPORT_OWNERS')] }]);
    expect(JSON.stringify(warnings)).not.toContain('bob');
    expect(resolveOwner({ owner: 'Ray; Bob' }).values).toEqual({ tags: 'owner:Ray, Bob' });
    expect(resolveOwner({ givenName: 'Ada' }, owners)).toEqual({ values: { givenName: 'Ada' }, warnings: [] });
  });
});

describe('contact date fields', () => {
  it('dates birthdays and consent in the past, custom dates up to 20 years ahead', () => {
    const declarations = new Map<string, CustomFieldDefinedData>([
      ['renewal', { key: 'renewal', label: 'Renewal', type: 'date' } as CustomFieldDefinedData],
      ['plan', { key: 'plan', label: 'Plan', type: 'text' } as CustomFieldDefinedData],
    ]);
    expect(contactDateFields({ 'custom.renewal': '1/2/40', 'custom.plan': 'pro' }, declarations, 2026)).toEqual({
      birthday: 2026,
      consentAt: 2026,
      sourceCreatedAt: 2026,
      'custom.renewal': 2046,
    });
  });

  it("reads a source's creation time in its column's day/month order, its time kept (Odoo's `Erstellt am`)", () => {
    const dated = readDateCells({ sourceCreatedAt: '06.05.2023 14:30:12' }, contactDateFields({}, new Map(), 2026), {
      sourceCreatedAt: 'dmy',
    });
    expect(dated).toEqual({ values: { sourceCreatedAt: '2023-05-06T14:30:12' }, errors: [] });
    const read = readContactRow({ email: 'ada@example.com', ...dated.values });
    expect(read.ok && contactWrite(read.value, undefined, today)).toMatchObject({
      ok: true,
      value: { action: 'create', input: { sourceCreatedAt: '2023-05-06T14:30:12.000Z' } },
    });
  });
});
