import { crmContracts, type CustomFieldDefinedData } from '@crm/contracts';
import { InvalidContactData, normalizeProfile, phoneTextProblem } from './contact-values';

const at = '2026-01-01T00:00:00.000Z';
const declarations = new Map<string, CustomFieldDefinedData>([
  ['shoeSize', { key: 'shoeSize', label: 'Shoe size', type: 'number', at }],
  ['vip', { key: 'vip', label: 'VIP', type: 'boolean', at }],
  ['since', { key: 'since', label: 'Customer since', type: 'date', at }],
  ['plan', { key: 'plan', label: 'Plan', type: 'single-select', options: ['basic', 'pro'], at }],
  ['interests', { key: 'interests', label: 'Interests', type: 'multi-select', options: ['a', 'b', 'c'], at }],
  ['note', { key: 'note', label: 'Note', type: 'text', at }],
]);
const context = { customFields: declarations, today: '2026-01-01' };

function problemsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidContactData) return error.problems.map((p) => p.field);
    throw error;
  }
  return [];
}

describe('normalizeProfile', () => {
  it('normalizes e-mails: lower case, no duplicates, one primary (the first unless one is marked)', () => {
    expect(
      normalizeProfile(
        { emails: [{ address: ' Ada@Example.COM ' }, { address: 'ada@example.com' }, { address: 'b@x.io' }] },
        context,
      ).emails,
    ).toEqual([
      { address: 'ada@example.com', primary: true },
      { address: 'b@x.io', primary: false },
    ]);
    expect(
      normalizeProfile({ emails: [{ address: 'a@x.io' }, { address: 'b@x.io', primary: true, label: 'work' }] }, context).emails,
    ).toEqual([
      { address: 'a@x.io', primary: false },
      { address: 'b@x.io', label: 'work', primary: true },
    ]);
    expect(
      problemsOf(() =>
        normalizeProfile(
          {
            emails: [
              { address: 'a@x.io', primary: true },
              { address: 'b@x.io', primary: true },
            ],
          },
          context,
        ),
      ),
    ).toEqual(['emails']);
  });

  it('stores phones in E.164, reading national numbers in the contact’s country', () => {
    expect(normalizeProfile({ phones: [{ number: '+41 44 668 18 00' }] }, context).phones).toEqual([
      { number: '+41446681800', primary: true },
    ]);
    expect(normalizeProfile({ country: 'GB', phones: [{ number: '020 7123 4567' }] }, context).phones).toEqual([
      { number: '+442071234567', primary: true },
    ]);
    expect(normalizeProfile({ phones: [{ number: '030 123456789' }] }, { ...context, country: 'DE' }).phones?.[0].number).toBe(
      '+4930123456789',
    );
  });

  it('refuses numbers that are not phone numbers, naming each', () => {
    expect(
      problemsOf(() =>
        normalizeProfile({ phones: [{ number: '+41446681800' }, { number: '12' }, { number: 'call me' }] }, context),
      ),
    ).toEqual(['phones[1].number', 'phones[2].number']);
  });

  it('checks custom values against their declarations', () => {
    expect(
      normalizeProfile(
        {
          customFields: [
            { key: 'shoeSize', value: 38 },
            { key: 'vip', value: true },
            { key: 'since', value: '2020-02-29' },
            { key: 'plan', value: 'pro' },
            { key: 'interests', value: ['a', 'c', 'a'] },
            { key: 'note', value: 'likes tea' },
          ],
        },
        context,
      ).customFields,
    ).toEqual([
      { key: 'shoeSize', value: 38 },
      { key: 'vip', value: true },
      { key: 'since', value: '2020-02-29' },
      { key: 'plan', value: 'pro' },
      { key: 'interests', value: ['a', 'c'] },
      { key: 'note', value: 'likes tea' },
    ]);
    expect(
      problemsOf(() =>
        normalizeProfile(
          {
            customFields: [
              { key: 'shoeSize', value: '38' },
              { key: 'vip', value: 'yes' },
              { key: 'since', value: '2021-02-29' },
              { key: 'plan', value: 'gold' },
              { key: 'interests', value: ['d'] },
              { key: 'unknown', value: 1 },
            ],
          },
          context,
        ),
      ),
    ).toEqual([
      'customFields[0].shoeSize',
      'customFields[1].vip',
      'customFields[2].since',
      'customFields[3].plan',
      'customFields[4].interests',
      'customFields[5].unknown',
    ]);
  });

  it('checks birthday, time zone and locale, and canonicalizes the locale', () => {
    expect(normalizeProfile({ birthday: '1990-05-01', timezone: 'Europe/Zurich', locale: 'de-ch' }, context)).toEqual({
      birthday: '1990-05-01',
      timezone: 'Europe/Zurich',
      locale: 'de-CH',
    });
    expect(
      problemsOf(() => normalizeProfile({ birthday: '2030-01-01', timezone: 'Mars/Olympus', locale: 'x-' }, context)),
    ).toEqual(['birthday', 'timezone', 'locale']);
  });

  it('trims names and tags, and refuses a blank given name', () => {
    expect(
      normalizeProfile({ name: { given: ' Ada ', family: ' Lovelace ', middle: ' ' }, tags: [' vip', 'vip ', ''] }, context),
    ).toEqual({
      name: { given: 'Ada', family: 'Lovelace' },
      tags: ['vip'],
    });
    expect(problemsOf(() => normalizeProfile({ name: { given: '  ', family: 'X' } }, context))).toEqual(['name.given']);
  });

  it('keeps only what the event contract takes: whatever it accepts, a ContactUpdated can carry', () => {
    const inputs = [
      ...[
        'de-ch',
        'zh-Hant-TW',
        'de-CH-1996',
        'en-GB-oxendict',
        'en-u-ca-gregory',
        'de-ch-x-private',
        'i-klingon',
        'x-private',
      ].map((locale) => ({ locale })),
      ...[
        'Europe/Zurich',
        'europe/zurich',
        'UTC',
        'Etc/GMT+1',
        'EST5EDT',
        'GMT0',
        '+01:00',
        'America/Argentina/Buenos_Aires',
      ].map((timezone) => ({ timezone })),
    ];
    const refused: unknown[] = [];
    for (const input of inputs) {
      try {
        const changes = normalizeProfile(input, context);
        const event = { contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40', changes, cleared: [], at };
        expect({ input, violations: crmContracts.validate('ContactUpdated', event) }).toEqual({ input, violations: [] });
      } catch (error) {
        if (!(error instanceof InvalidContactData)) throw error;
        refused.push(input);
      }
    }
    expect(refused).toEqual([
      { locale: 'en-u-ca-gregory' },
      { locale: 'de-ch-x-private' },
      { locale: 'i-klingon' },
      { locale: 'x-private' },
      { timezone: 'EST5EDT' },
      { timezone: 'GMT0' },
      { timezone: '+01:00' },
    ]);
  });
});

describe('phoneTextProblem', () => {
  const texts = [
    '+41 44 668 18 00',
    '044 668 18 00',
    '12',
    '1-800-FLOWERS',
    'not-a-phone',
    '',
    '0',
    '+41 12',
    '+999 123',
    '+1 800 FLOWERS',
  ];

  it('names what is no phone number before the country is known, and leaves national numbers for later', () => {
    expect(texts.filter((text) => phoneTextProblem(text) !== undefined)).toEqual([
      'not-a-phone',
      '',
      '0',
      '+41 12',
      '+999 123',
      '+1 800 FLOWERS',
    ]);
  });

  it('refuses nothing that normalizeProfile would take in any country', () => {
    for (const text of texts.filter((t) => phoneTextProblem(t) !== undefined)) {
      for (const country of [undefined, 'CH', 'US', 'GB', 'DE', 'FR']) {
        expect({
          text,
          country,
          problems: problemsOf(() => normalizeProfile({ phones: [{ number: text }] }, { ...context, country })),
        }).toEqual({ text, country, problems: ['phones[0].number'] });
      }
    }
  });
});
