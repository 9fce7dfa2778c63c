import { crmContracts, type CustomFieldDefinedData } from '@crm/contracts';
import { InvalidContactData, missingIdentity, normalizeProfile, phoneTextProblem, type PhoneInput } from './contact-values';

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

  it('trims names and tags, and refuses a name with neither a given nor a family name', () => {
    expect(
      normalizeProfile({ name: { given: ' Ada ', family: ' Lovelace ', middle: ' ' }, tags: [' vip', 'vip ', ''] }, context),
    ).toEqual({
      name: { given: 'Ada', family: 'Lovelace' },
      tags: ['vip'],
    });
    expect(normalizeProfile({ name: { given: '  ', family: 'Lovelace' } }, context).name).toEqual({
      given: '',
      family: 'Lovelace',
    });
    expect(normalizeProfile({ name: { family: 'Lovelace' } }, context).name).toEqual({ given: '', family: 'Lovelace' });
    expect(problemsOf(() => normalizeProfile({ name: { given: '  ', family: '', prefix: 'Dr.' } }, context))).toEqual(['name']);
  });

  describe('phone extensions', () => {
    const phonesOf = (phones: PhoneInput[], country?: string) => normalizeProfile({ phones }, { ...context, country }).phones;

    it.each([
      ['+1 202-555-0123 x123', '123'],
      ['+1 202-555-0123 ext. 43023', '43023'],
      ['+1 (202) 555-0123 Ext 43023', '43023'],
      ['+12025550123;ext=12', '12'],
      ['tel:+1-202-555-0123;ext=12', '12'],
    ])('keeps the extension written in "%s" apart from the E.164 number', (number, extension) => {
      expect(phonesOf([{ number }])).toEqual([{ number: '+12025550123', extension, primary: true }]);
    });

    it('reads a national number with its extension in the contact’s country', () => {
      expect(phonesOf([{ number: '020 7123 4567 ext 4' }], 'GB')).toEqual([
        { number: '+442071234567', extension: '4', primary: true },
      ]);
    });

    it('takes an extension given apart, and refuses one that is not digits or differs from the one in the number', () => {
      expect(phonesOf([{ number: '+12025550123', extension: ' 77 ' }])).toEqual([
        { number: '+12025550123', extension: '77', primary: true },
      ]);
      expect(
        problemsOf(() =>
          normalizeProfile(
            {
              phones: [
                { number: '+12025550123', extension: 'x77' },
                { number: '+12025550124 x1', extension: '2' },
              ],
            },
            context,
          ),
        ),
      ).toEqual(['phones[0].extension', 'phones[1].extension']);
    });

    it('tells phones apart by number and extension: a switchboard with two extensions is two phones', () => {
      expect(
        phonesOf([{ number: '+12025550123 x1' }, { number: '+1 202 555 0123', extension: '1' }, { number: '+12025550123 x2' }]),
      ).toEqual([
        { number: '+12025550123', extension: '1', primary: true },
        { number: '+12025550123', extension: '2', primary: false },
      ]);
    });
  });

  describe('partial addresses', () => {
    it('takes a city alone or a postal code alone, in the contact’s country when the address names none', () => {
      expect(normalizeProfile({ country: 'CH', addresses: [{ city: ' Zürich ' }] }, context).addresses).toEqual([
        { lines: [], city: 'Zürich', country: 'CH' },
      ]);
      expect(normalizeProfile({ addresses: [{ postalCode: '8001' }] }, { ...context, country: 'CH' }).addresses).toEqual([
        { lines: [], postalCode: '8001', country: 'CH' },
      ]);
      expect(normalizeProfile({ country: 'CH', addresses: [{ city: 'Paris', country: 'FR' }] }, context).addresses).toEqual([
        { lines: [], city: 'Paris', country: 'FR' },
      ]);
    });

    it('refuses an address with no part, and one with no country when the contact has none', () => {
      expect(
        problemsOf(() => normalizeProfile({ addresses: [{ lines: [' '], country: 'CH' }, { city: 'Zürich' }] }, context)),
      ).toEqual(['addresses[0]', 'addresses[1].country']);
    });
  });

  describe('sourceCreatedAt', () => {
    const read = (sourceCreatedAt: string) => normalizeProfile({ sourceCreatedAt }, context).sourceCreatedAt;

    it.each([
      ['2019-04-02T13:45:00Z', '2019-04-02T13:45:00.000Z'],
      ['2019-04-02T15:45:00+02:00', '2019-04-02T13:45:00.000Z'],
      ['2019-04-02T13:45:00.123', '2019-04-02T13:45:00.123Z'],
      ['2019-04-02 13:45', '2019-04-02T13:45:00.000Z'],
      ['2019-04-02', '2019-04-02T00:00:00.000Z'],
    ])('reads "%s" as %s (UTC when no offset is given)', (text, instant) => {
      expect(read(text)).toBe(instant);
    });

    it('refuses what is no date, and a date in the future', () => {
      for (const text of ['04/02/2019', '2019-02-30', '2019-04-02 24:00', '2019-04-02 25:00', 'yesterday']) {
        expect({ text, problems: problemsOf(() => read(text)) }).toEqual({ text, problems: ['sourceCreatedAt'] });
      }
      expect(problemsOf(() => read('2026-01-02'))).toEqual(['sourceCreatedAt']);
      expect(read('2026-01-01T23:00:00Z')).toBe('2026-01-01T23:00:00.000Z');
    });
  });

  describe('missingIdentity', () => {
    const none = { emails: [], phones: [] };
    it('asks for a name, an e-mail address or a phone number, and any one of them will do', () => {
      expect(missingIdentity(none)).toEqual({ field: 'name', message: expect.stringContaining('e-mail address (emails)') });
      expect(missingIdentity({ ...none, name: { given: '', family: 'Lovelace' } })).toBeUndefined();
      expect(missingIdentity({ ...none, emails: [{ address: 'ada@example.com', primary: true }] })).toBeUndefined();
      expect(missingIdentity({ ...none, phones: [{ number: '+12025550123', primary: true }] })).toBeUndefined();
    });
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
