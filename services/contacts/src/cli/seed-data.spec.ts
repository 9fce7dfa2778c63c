import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { INTERACTION_CHANNELS } from '@crm/contracts';
import { CreateCompanyDto } from '../application/inputs/company.dto';
import { CompanyLinkDto, CreateContactDto, RecordConsentDto } from '../application/inputs/contact.dto';
import { LogInteractionDto } from '../api/interaction.dto';
import { normalizeProfile } from '../domain/contact-values';
import { asciiFold, generateDataset, mobileNumber, Random, COUNTRIES, type SeedCountry, type SeedText } from './seed-data';

// faker is an ES module, which jest cannot load here: the spec stands in for it with awkward names on purpose.
const stubText: SeedText = {
  entity(_country, seed) {
    const r = new Random(seed);
    return {
      firstName: () => r.pick(['Zoë', 'Jürgen', 'Łukasz', 'Søren', 'Anne-Marie', "D'Angelo", 'José']),
      middleName: () => r.pick(['Ray', 'Lee']),
      lastName: () => r.pick(["O'Neil", 'Müller', 'García', 'van der Berg', 'Œuvray', 'Straße', '']),
      prefix: () => r.pick(['Dr.', 'Mrs.']),
      suffix: () => 'Jr.',
      jobTitle: () => 'Head of Operations',
      companyName: () => r.pick(['Müller & Söhne GmbH', 'Acme, Inc.', 'Ørsted A/S', 'Smith and Sons', '東京商事']),
      street: () => `${r.int(1, 200)} Main Street`,
      secondaryAddress: () => 'Suite 5',
      city: () => 'Springfield',
      state: () => 'NY',
      zipCode: () => '12345',
      productName: () => 'Ergonomic Steel Chair',
      catchPhrase: () => 'Robust zero-defect synergy',
      buzzPhrase: () => 'streamline vertical channels',
    };
  },
};

const NOW = new Date('2026-11-23T00:00:00Z');
const OPTIONS = { seed: 7, contacts: 150, companies: 25, interactions: 900, now: NOW };
const PIPE = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };

function problems(dto: new () => object, body: object): string[] {
  return validateSync(plainToInstance(dto, body), PIPE).map((error) => JSON.stringify(error));
}

describe('seed data set', () => {
  const data = generateDataset(OPTIONS, stubText);

  it('has the counts asked for and most people at a company', () => {
    expect([data.companies.length, data.contacts.length, data.interactions.length]).toEqual([25, 150, 900]);
    expect(data.links.length).toBeGreaterThan(100);
    expect(data.consents.length).toBeGreaterThan(0);
  });

  it('consists of bodies the API accepts (DTO validation with the platform pipe options, and the domain checks)', () => {
    expect(data.companies.flatMap((company) => problems(CreateCompanyDto, company))).toEqual([]);
    expect(data.contacts.flatMap((contact) => problems(CreateContactDto, contact))).toEqual([]);
    for (const contact of data.contacts) {
      const normalized = normalizeProfile(contact, { customFields: new Map(), today: '2026-11-23' });
      // Already normalized: the phones are E.164 and the addresses lower case, so the service stores what was sent.
      expect(normalized.phones).toEqual(contact.phones);
      expect(normalized.emails).toEqual(contact.emails);
    }
    expect(data.links.flatMap(({ contactId: _, companyId: __, ...link }) => problems(CompanyLinkDto, link))).toEqual([]);
    expect(data.consents.flatMap(({ contactId: _, ...consent }) => problems(RecordConsentDto, consent))).toEqual([]);
    expect(data.interactions.flatMap((interaction) => problems(LogInteractionDto, interaction))).toEqual([]);
  });

  it('refers only to what it creates, with unique e-mail addresses, domains and external ids', () => {
    const contacts = new Set(data.contacts.map((c) => c.contactId));
    const companies = new Set(data.companies.map((c) => c.companyId));
    for (const { contactId, companyId } of [...data.links, ...data.interactions]) {
      expect(contacts.has(contactId)).toBe(true);
      if (companyId) expect(companies.has(companyId)).toBe(true);
    }
    const addresses = data.contacts.flatMap((c) => c.emails.map((e) => e.address));
    expect(new Set(addresses).size).toBe(addresses.length);
    const domains = data.companies.flatMap((c) => c.domains);
    expect(new Set(domains).size).toBe(domains.length);
    expect(new Set(data.interactions.map((i) => i.externalId)).size).toBe(data.interactions.length);
  });

  it('spreads interactions over every channel and the past year, and withdraws consent only after granting it', () => {
    expect(new Set(data.interactions.map((i) => i.channel))).toEqual(new Set(INTERACTION_CHANNELS));
    const times = data.interactions.map((i) => Date.parse(i.occurredAt));
    expect(Math.max(...times)).toBeLessThan(NOW.getTime());
    expect(Math.min(...times)).toBeGreaterThanOrEqual(NOW.getTime() - 366 * 24 * 3600 * 1000);
    for (const withdrawn of data.consents.filter((c) => c.status === 'withdrawn')) {
      const granted = data.consents.find(
        (c) => c.contactId === withdrawn.contactId && c.channel === withdrawn.channel && c.purpose === withdrawn.purpose,
      );
      expect(granted?.status).toBe('granted');
      expect(granted!.at < withdrawn.at).toBe(true);
    }
  });

  it('is the same for the same seed, and each entity does not depend on the other counts', () => {
    expect(generateDataset(OPTIONS, stubText)).toEqual(data);
    const more = generateDataset({ ...OPTIONS, interactions: 10 }, stubText);
    expect(more.contacts).toEqual(data.contacts);
    expect(more.interactions).toEqual(data.interactions.slice(0, 10));
    const other = generateDataset({ ...OPTIONS, seed: 8 }, stubText);
    expect(other.contacts[0].contactId).not.toBe(data.contacts[0].contactId);
  });
});

describe('seed values', () => {
  it('makes valid mobile numbers for every country', () => {
    for (const country of Object.keys(COUNTRIES) as SeedCountry[]) {
      const r = new Random([1, country.charCodeAt(0), country.charCodeAt(1)]);
      for (let i = 0; i < 50; i++) {
        const number = mobileNumber(country, r);
        const parsed = parsePhoneNumberFromString(number);
        expect(parsed?.isValid() && parsed.country === country && parsed.number === number).toBe(true);
      }
    }
  });

  it('folds names into e-mail and domain parts', () => {
    expect(["Zoë O'Neil-Müller", 'Łukasz', 'Søren Straße', 'Œuvray', '東京'].map(asciiFold)).toEqual([
      'zoeoneilmueller',
      'lukasz',
      'sorenstrasse',
      'oeuvray',
      '',
    ]);
  });
});
