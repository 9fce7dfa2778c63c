import { dedupe, emailKeys, phoneKeys, type DedupeFacts, type DedupeKeys, type NamedContact } from './contact-dedupe';

const A = 'contact-a';
const B = 'contact-b';

const contact = (contactId: string, emails: string[] = [], phones: string[] = []): NamedContact => ({
  contactId,
  emails,
  phones,
});
const holders = (owners: Record<string, string>) => (key: string) => owners[key];
const facts = (given: Partial<DedupeFacts> = {}): DedupeFacts => ({
  emailOwner: () => undefined,
  phoneOwner: () => undefined,
  ...given,
});
const keys = (given: Partial<DedupeKeys> = {}): DedupeKeys => ({ emails: [], phones: [], ...given });
const email = (value: string, field: 'email' | 'otherEmails' = 'email') => ({ value, field });
const phone = (value: string, field: 'phone' | 'otherPhones' = 'phone') => ({ value, field });

describe('the dedupe table: the contact a row is for', () => {
  it('is the one its contactId names, before anything else', () => {
    const outcome = dedupe(
      keys({ contactId: A, emails: [email('ada@example.com')] }),
      facts({ byContactId: contact(A, ['ada@example.com']), emailOwner: holders({ 'ada@example.com': A }) }),
    );
    expect(outcome).toEqual({ by: 'contactId', contactId: A });
  });

  it('is the one its externalId names when it has no contactId', () => {
    expect(dedupe(keys(), facts({ byExternalId: contact(A) }))).toEqual({ by: 'externalId', contactId: A });
  });

  it('is the one holding its e-mail address when no id names one (an external id not seen before included)', () => {
    const outcome = dedupe(
      keys({ emails: [email('ada@example.com')] }),
      facts({ emailOwner: holders({ 'ada@example.com': A }) }),
    );
    expect(outcome).toEqual({ by: 'email', contactId: A });
  });

  it('is the one holding its phone number when no id or e-mail finds one', () => {
    const outcome = dedupe(
      keys({ emails: [email('new@example.com')], phones: [phone('+41446681800')] }),
      facts({ phoneOwner: holders({ '+41446681800': B }) }),
    );
    expect(outcome).toEqual({ by: 'phone', contactId: B });
  });

  it('is the e-mail holder, not the phone holder, when they differ (offices share numbers)', () => {
    const outcome = dedupe(
      keys({ emails: [email('ada@example.com')], phones: [phone('+41446681800')] }),
      facts({ emailOwner: holders({ 'ada@example.com': A }), phoneOwner: holders({ '+41446681800': B }) }),
    );
    expect(outcome).toEqual({ by: 'email', contactId: A });
  });

  it('is none for a row naming another person than its number’s holder (an office number)', () => {
    const byNumber = (name: { given?: string; family?: string }) =>
      dedupe(keys({ name, phones: [phone('+41446681800')] }), {
        ...facts({ phoneOwner: holders({ '+41446681800': B }) }),
        nameOf: () => ({ given: 'Ada', family: 'Lovelace' }),
      });
    expect(byNumber({ given: 'Ada', family: 'Default' })).toEqual({ by: 'none' });
    expect(byNumber({ given: ' ada ', family: 'LOVELACE' })).toEqual({ by: 'phone', contactId: B });
    expect(byNumber({ family: 'Lovelace' })).toEqual({ by: 'phone', contactId: B });
    expect(byNumber({})).toEqual({ by: 'phone', contactId: B });
  });

  it('is none when nothing finds one: a new contact', () => {
    expect(dedupe(keys({ emails: [email('new@example.com')], phones: [phone('+41446681800')] }), facts())).toEqual({
      by: 'none',
    });
  });

  it('is none for a contactId naming no contact whose e-mail nobody holds: created with that id', () => {
    expect(dedupe(keys({ contactId: A, emails: [email('new@example.com')] }), facts())).toEqual({ by: 'none' });
  });

  it('takes an e-mail address the id’s contact holds as well as an older contact as no conflict', () => {
    const outcome = dedupe(
      keys({ emails: [email('shared@example.com')] }),
      facts({ byExternalId: contact(A, ['shared@example.com']), emailOwner: holders({ 'shared@example.com': B }) }),
    );
    expect(outcome).toEqual({ by: 'externalId', contactId: A });
  });

  it('takes an id’s contact holding another contact’s phone as no conflict', () => {
    const outcome = dedupe(
      keys({ phones: [phone('+41446681800')] }),
      facts({ byExternalId: contact(A), phoneOwner: holders({ '+41446681800': B }) }),
    );
    expect(outcome).toEqual({ by: 'externalId', contactId: A });
  });
});

describe('the dedupe table: conflicts, reported and never merged', () => {
  it('when the external id names one contact and the e-mail belongs to another, naming both', () => {
    const outcome = dedupe(
      keys({ emails: [email('ada@example.com')] }),
      facts({ byExternalId: contact(A, ['other@example.com']), emailOwner: holders({ 'ada@example.com': B }) }),
    );
    expect(outcome).toEqual({
      by: 'conflict',
      errors: [
        {
          field: 'email',
          messages: [
            `belongs to contact ${B}, while the externalId names contact ${A}: not merged (merge the two contacts first, or correct the row)`,
          ],
        },
      ],
    });
  });

  it('when the contactId names one contact and an other e-mail address belongs to another', () => {
    const outcome = dedupe(
      keys({ contactId: A, emails: [email('ada@example.com'), email('ada@work.example', 'otherEmails')] }),
      facts({
        byContactId: contact(A, ['ada@example.com']),
        emailOwner: holders({ 'ada@example.com': A, 'ada@work.example': B }),
      }),
    );
    expect(outcome.by).toBe('conflict');
    expect(outcome.by === 'conflict' && outcome.errors.map((error) => error.field)).toEqual(['otherEmails']);
  });

  it('when the contactId and the externalId name two contacts', () => {
    const outcome = dedupe(keys({ contactId: A }), facts({ byContactId: contact(A), byExternalId: contact(B) }));
    expect(outcome).toEqual({
      by: 'conflict',
      errors: [
        {
          field: 'externalId',
          messages: [`names contact ${B}, the contactId ${A}: not merged (merge the two contacts first, or correct the row)`],
        },
      ],
    });
  });

  it('when the row’s two e-mail addresses belong to two contacts', () => {
    const outcome = dedupe(
      keys({ emails: [email('ada@example.com'), email('ada@work.example', 'otherEmails')] }),
      facts({ emailOwner: holders({ 'ada@example.com': A, 'ada@work.example': B }) }),
    );
    expect(outcome).toEqual({
      by: 'conflict',
      errors: ['email', 'otherEmails'].map((field) => ({
        field,
        messages: [
          `the row's e-mail addresses belong to different contacts (${A}, ${B}): not merged (merge the two contacts first, or correct the row)`,
        ],
      })),
    });
  });

  it('when no e-mail decides and the row’s phone numbers belong to two contacts', () => {
    const outcome = dedupe(
      keys({ phones: [phone('+41446681800'), phone('+41791234567', 'otherPhones')] }),
      facts({ phoneOwner: holders({ '+41446681800': A, '+41791234567': B }) }),
    );
    expect(outcome.by === 'conflict' && outcome.errors.map((error) => error.field)).toEqual(['phone', 'otherPhones']);
  });

  it('when a contactId naming no contact comes with an external id naming one', () => {
    expect(dedupe(keys({ contactId: A }), facts({ byExternalId: contact(B) }))).toEqual({
      by: 'conflict',
      errors: [{ field: 'contactId', messages: [`names no contact, while the externalId names contact ${B}: correct the row`] }],
    });
  });

  it('when a contactId naming no contact comes with an e-mail address another contact holds', () => {
    const outcome = dedupe(
      keys({ contactId: A, emails: [email('ada@example.com')] }),
      facts({ emailOwner: holders({ 'ada@example.com': B }) }),
    );
    expect(outcome).toEqual({
      by: 'conflict',
      errors: [
        {
          field: 'contactId',
          messages: [
            `names no contact, while the row's e-mail address belongs to contact ${B}: not merged (merge the two contacts first, or correct the row)`,
          ],
        },
      ],
    });
  });
});

describe('the keys of a row', () => {
  it('are its e-mail addresses normalized, with the column field each came from', () => {
    expect(emailKeys(' Ada@Example.COM ', ['ada@work.example', ' '])).toEqual([
      { value: 'ada@example.com', field: 'email' },
      { value: 'ada@work.example', field: 'otherEmails' },
    ]);
  });

  it('are its phone numbers in E.164, national ones read in the given country, numbers that are none left out', () => {
    expect(phoneKeys('044 668 18 00', ['+49 30 901820', '1234'], 'CH')).toEqual([
      { value: '+41446681800', field: 'phone' },
      { value: '+4930901820', field: 'otherPhones' },
    ]);
    expect(phoneKeys('044 668 18 00', [], undefined)).toEqual([]);
  });
});
