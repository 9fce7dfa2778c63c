/**
 * The data set of `npm run seed`, as request bodies of the public API: companies, contacts, their company links,
 * consent statements and interactions. Pure and deterministic: every entity is made from its own seed
 * (`[seed, kind, index]`), so asking for more interactions leaves the contacts as they were, and an id is a UUIDv5 of the
 * seed and the index, so a second run finds everything already there instead of doubling it.
 *
 * Text (names, company names, streets, phrases) comes from a `SeedText` (faker in the CLI, a stub in the spec);
 * the structure (who works where, which channel, when, phone numbers) from a small seeded generator here.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { v5 as uuidv5 } from 'uuid';
import {
  INTERNET_DOMAIN_PATTERN,
  type CompanySize,
  type PostalAddress,
  type ConsentChannel,
  type ConsentPurpose,
  type InteractionChannel,
  type InteractionDirection,
  type LifecycleStage,
} from '@crm/contracts';

export type SeedCountry = 'US' | 'GB' | 'DE' | 'FR' | 'CH' | 'ES' | 'IT' | 'NL' | 'CA' | 'AU';
export type Sex = 'female' | 'male';

/** The text of one entity; the same seed always gives the same text. */
export interface EntityText {
  firstName(sex: Sex): string;
  middleName(sex: Sex): string;
  lastName(): string;
  prefix(sex: Sex): string;
  suffix(): string;
  jobTitle(): string;
  companyName(): string;
  street(): string;
  secondaryAddress(): string;
  city(): string;
  state(): string;
  zipCode(): string;
  productName(): string;
  catchPhrase(): string;
  buzzPhrase(): string;
}

export interface SeedText {
  /** Text in the country's language and conventions, seeded with `seed` (an entity's own seed). */
  entity(country: SeedCountry, seed: readonly number[]): EntityText;
}

export interface SeedOptions {
  seed: number;
  contacts: number;
  companies: number;
  interactions: number;
  /** Times (interactions, consents, birthdays) lie before it: the start of today in the CLI. */
  now: Date;
}

/** A postal address as the API takes it. */
export type AddressBody = PostalAddress;

export interface CompanyBody {
  companyId: string;
  name: string;
  domains: string[];
  industry: string;
  size: CompanySize;
  addresses: AddressBody[];
}

export interface ContactBody {
  contactId: string;
  name: { prefix?: string; given: string; middle?: string; family: string; suffix?: string };
  emails: { address: string; label: string; primary: boolean }[];
  phones: { number: string; label: string; primary: boolean }[];
  addresses?: AddressBody[];
  jobTitle?: string;
  locale: string;
  timezone: string;
  country: string;
  birthday?: string;
  source: string;
  lifecycleStage: LifecycleStage;
  ownerId?: string;
  tags: string[];
}

export interface LinkBody {
  contactId: string;
  companyId: string;
  role: string;
}

export interface ConsentBody {
  contactId: string;
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  status: 'granted' | 'withdrawn';
  source: string;
  at: string;
}

export interface InteractionBody {
  contactId: string;
  channel: InteractionChannel;
  direction: InteractionDirection;
  occurredAt: string;
  participants: { name?: string; email?: string; phone?: string; contactId?: string }[];
  subject?: string;
  body?: string;
  durationSeconds?: number;
  outcome?: string;
  externalId: string;
  companyId?: string;
}

export interface SeedDataset {
  companies: CompanyBody[];
  contacts: ContactBody[];
  links: LinkBody[];
  consents: ConsentBody[];
  interactions: InteractionBody[];
}

// Fixed, so that ids stay the same from run to run (and differ from every other UUIDv5 namespace in the code).
const SEED_NAMESPACE = 'c6a4f7d2-3b1e-5f08-9a7c-2d4e6f8a0b13';
export const seedId = (seed: number, kind: string, index: number): string => uuidv5(`${seed}:${kind}:${index}`, SEED_NAMESPACE);

const KIND = { company: 1, contact: 2, interaction: 3 } as const;

interface CountryProfile {
  weight: number;
  locales: string[];
  zones: string[];
  tld: string;
  hasRegion: boolean;
  personalMail: string[];
  /** A mobile number's national significant number (checked with libphonenumber, drawn again if invalid). */
  mobile: (r: Random) => string;
}

const digits = (r: Random, n: number) => Array.from({ length: n }, () => r.int(0, 9)).join('');
const northAmerican = (areaCodes: number[]) => (r: Random) => `${r.pick(areaCodes)}${r.int(2, 9)}${digits(r, 2)}${digits(r, 4)}`;

export const COUNTRIES: Record<SeedCountry, CountryProfile> = {
  US: {
    weight: 30,
    locales: ['en-US'],
    zones: ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'],
    tld: 'com',
    hasRegion: true,
    personalMail: ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com'],
    mobile: northAmerican([212, 213, 206, 303, 312, 415, 512, 617, 646, 702, 305, 404]),
  },
  GB: {
    weight: 12,
    locales: ['en-GB'],
    zones: ['Europe/London'],
    tld: 'co.uk',
    hasRegion: false,
    personalMail: ['gmail.com', 'outlook.com', 'btinternet.com'],
    mobile: (r) => `7${r.int(4, 9)}${digits(r, 8)}`,
  },
  DE: {
    weight: 12,
    locales: ['de-DE'],
    zones: ['Europe/Berlin'],
    tld: 'de',
    hasRegion: false,
    personalMail: ['gmail.com', 'web.de', 'gmx.de', 't-online.de'],
    mobile: (r) => `17${r.int(0, 9)}${digits(r, 7)}`,
  },
  FR: {
    weight: 8,
    locales: ['fr-FR'],
    zones: ['Europe/Paris'],
    tld: 'fr',
    hasRegion: false,
    personalMail: ['gmail.com', 'orange.fr', 'free.fr'],
    mobile: (r) => `6${digits(r, 8)}`,
  },
  CH: {
    weight: 5,
    locales: ['de-CH', 'fr-CH'],
    zones: ['Europe/Zurich'],
    tld: 'ch',
    hasRegion: false,
    personalMail: ['gmail.com', 'bluewin.ch'],
    mobile: (r) => `7${r.pick([6, 7, 8, 9])}${digits(r, 7)}`,
  },
  ES: {
    weight: 6,
    locales: ['es-ES'],
    zones: ['Europe/Madrid'],
    tld: 'es',
    hasRegion: false,
    personalMail: ['gmail.com', 'hotmail.es'],
    mobile: (r) => `6${digits(r, 8)}`,
  },
  IT: {
    weight: 6,
    locales: ['it-IT'],
    zones: ['Europe/Rome'],
    tld: 'it',
    hasRegion: false,
    personalMail: ['gmail.com', 'libero.it'],
    mobile: (r) => `3${r.int(2, 9)}${digits(r, 8)}`,
  },
  NL: {
    weight: 6,
    locales: ['nl-NL'],
    zones: ['Europe/Amsterdam'],
    tld: 'nl',
    hasRegion: false,
    personalMail: ['gmail.com', 'ziggo.nl'],
    mobile: (r) => `6${r.int(1, 5)}${digits(r, 7)}`,
  },
  CA: {
    weight: 8,
    locales: ['en-CA', 'fr-CA'],
    zones: ['America/Toronto', 'America/Vancouver', 'America/Edmonton'],
    tld: 'ca',
    hasRegion: true,
    personalMail: ['gmail.com', 'outlook.com', 'rogers.com'],
    mobile: northAmerican([416, 604, 514, 403, 613, 647]),
  },
  AU: {
    weight: 7,
    locales: ['en-AU'],
    zones: ['Australia/Sydney', 'Australia/Melbourne', 'Australia/Brisbane'],
    tld: 'com.au',
    hasRegion: true,
    personalMail: ['gmail.com', 'bigpond.com', 'outlook.com'],
    mobile: (r) => `4${digits(r, 8)}`,
  },
};
const COUNTRY_CODES = Object.keys(COUNTRIES) as SeedCountry[];

const INDUSTRIES = [
  'Software',
  'Manufacturing',
  'Retail',
  'Healthcare',
  'Financial Services',
  'Logistics',
  'Education',
  'Energy',
  'Media',
  'Hospitality',
  'Construction',
  'Telecommunications',
  'Consulting',
  'Food & Beverage',
  'Automotive',
];
const SIZE_WEIGHTS: Record<CompanySize, number> = {
  '1-10': 15,
  '11-50': 30,
  '51-200': 25,
  '201-1000': 15,
  '1001-5000': 10,
  '5000+': 5,
};
const STAGE_WEIGHTS: Record<LifecycleStage, number> = {
  subscriber: 10,
  lead: 30,
  'marketing-qualified': 15,
  'sales-qualified': 10,
  opportunity: 10,
  customer: 20,
  evangelist: 3,
  other: 2,
};
const SOURCES = ['web-form', 'import', 'referral', 'trade-show', 'webinar', 'cold-outreach', 'partner', 'linkedin'];
const TAGS = [
  'vip',
  'newsletter',
  'partner',
  'trade-show-2026',
  'webinar',
  'churn-risk',
  'beta',
  'referral',
  'enterprise',
  'smb',
];
const ROLES = ['Decision maker', 'Champion', 'Buyer', 'Technical contact', 'Billing contact', 'End user', 'Executive sponsor'];
const CHANNEL_WEIGHTS: Record<InteractionChannel, number> = {
  email: 35,
  'phone-call': 18,
  meeting: 10,
  note: 10,
  chat: 8,
  sms: 6,
  'social-message': 5,
  'web-visit': 5,
  'in-person-visit': 3,
};
const PAGES = [
  '/pricing',
  '/features',
  '/docs/getting-started',
  '/blog/crm-migration',
  '/customers',
  '/contact-sales',
  '/security',
];
const OWNERS = 8;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A small seeded generator (mulberry32): the structure of the data set, independent of the text library. */
export class Random {
  private state: number;

  constructor(seed: readonly number[]) {
    // FNV-1a over the parts' 32-bit halves, then murmur3's finalizer: nearby seeds give unrelated streams.
    let h = 0x811c9dc5;
    for (const part of seed)
      for (const word of [part >>> 0, Math.floor(part / 0x100000000) >>> 0]) h = Math.imul(h ^ word, 0x01000193);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    this.state = (h ^ (h >>> 16)) >>> 0;
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  weighted<K extends string>(weights: Record<K, number>): K {
    const entries = Object.entries(weights) as [K, number][];
    let roll = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [key, weight] of entries) if ((roll -= weight) < 0) return key;
    return entries[entries.length - 1][0];
  }

  some<T>(items: readonly T[], min: number, max: number): T[] {
    const pool = [...items];
    return Array.from(
      { length: Math.min(pool.length, this.int(min, max)) },
      () => pool.splice(this.int(0, pool.length - 1), 1)[0],
    );
  }
}

/** Letters and digits only, accents and ligatures folded: `Zoë O'Neil-Müller` -> `zoeoneilmueller`. */
export function asciiFold(text: string): string {
  const folds: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd' };
  return text
    .toLowerCase()
    .replace(/[äöüßæœøłđ]/g, (c) => folds[c])
    .normalize('NFKD')
    .replace(/[^a-z0-9]/g, '');
}

const DOMAIN = new RegExp(INTERNET_DOMAIN_PATTERN);
const LEGAL_FORMS = /\b(inc|llc|ltd|plc|gmbh|ag|sa|sarl|srl|spa|bv|nv|and|und|et|e|y|co|group|kg|ohg|pty)\b\.?/gi;

/** A realistic number in E.164 for the country, valid for libphonenumber (the API's check). */
export function mobileNumber(country: SeedCountry, r: Random): string {
  for (let attempt = 0; attempt < 50; attempt++) {
    const parsed = parsePhoneNumberFromString(COUNTRIES[country].mobile(r), country as CountryCode);
    // Valid, and of this country (some UK ranges belong to Jersey, Guernsey or the Isle of Man).
    if (parsed?.isValid() && parsed.country === country) return parsed.number;
  }
  throw new Error(`No valid ${country} number in 50 attempts: the pattern in COUNTRIES is wrong`);
}

function uniqueName(wanted: string, taken: Set<string>, join: (base: string, n: number) => string): string {
  let name = wanted;
  for (let n = 2; taken.has(name); n++) name = join(wanted, n);
  taken.add(name);
  return name;
}

function addressOf(text: EntityText, country: SeedCountry, r: Random, label?: string): AddressBody {
  const lines = [text.street()];
  if (r.chance(0.2)) lines.push(text.secondaryAddress());
  return {
    ...(label ? { label } : {}),
    lines: lines.map((line) => line.slice(0, 200)),
    city: text.city().slice(0, 100),
    ...(COUNTRIES[country].hasRegion ? { region: text.state().slice(0, 100) } : {}),
    postalCode: text.zipCode().slice(0, 20),
    country,
  };
}

const pickCountry = (r: Random) =>
  r.weighted(Object.fromEntries(COUNTRY_CODES.map((c) => [c, COUNTRIES[c].weight])) as Record<SeedCountry, number>);

/** The whole data set for the options; see the comment at the top. */
export function generateDataset(options: SeedOptions, text: SeedText): SeedDataset {
  const { seed, now } = options;
  const domains = new Set<string>();
  const companies = Array.from({ length: options.companies }, (_, index) => {
    const r = new Random([seed, KIND.company, index]);
    const country = pickCountry(r);
    const t = text.entity(country, [seed, KIND.company, index]);
    const name = t.companyName().slice(0, 200);
    const slug =
      name
        .replace(LEGAL_FORMS, ' ')
        .split(/[\s,&/-]+/)
        .map(asciiFold)
        .filter(Boolean)
        .slice(0, 3)
        .join('-')
        .slice(0, 40) || 'company';
    const domain = uniqueName(`${slug}.${COUNTRIES[country].tld}`, domains, (d, n) => d.replace('.', `${n}.`));
    if (!DOMAIN.test(domain)) throw new Error(`Generated an invalid domain: ${domain}`);
    const addresses = [addressOf(t, country, r, 'head office')];
    if (r.chance(0.15)) addresses.push(addressOf(t, pickCountry(r), r, 'branch'));
    return {
      company: {
        companyId: seedId(seed, 'company', index),
        name,
        domains: [domain],
        industry: r.pick(INDUSTRIES),
        size: r.weighted(SIZE_WEIGHTS),
        addresses,
      } satisfies CompanyBody,
      country,
    };
  });

  const owners = Array.from({ length: OWNERS }, (_, index) => seedId(seed, 'owner', index));
  const emails = new Set<string>();
  const links: LinkBody[] = [];
  const consents: ConsentBody[] = [];
  const people = Array.from({ length: options.contacts }, (_, index) => {
    const r = new Random([seed, KIND.contact, index]);
    const employer = companies.length > 0 && r.chance(0.85) ? companies[r.int(0, companies.length - 1)] : undefined;
    const country = employer && r.chance(0.8) ? employer.country : pickCountry(r);
    const profile = COUNTRIES[country];
    const t = text.entity(country, [seed, KIND.contact, index]);
    const sex: Sex = r.chance(0.5) ? 'female' : 'male';
    const given = t.firstName(sex).slice(0, 200);
    const family = t.lastName().slice(0, 200);
    const name: ContactBody['name'] = {
      ...(r.chance(0.08) ? { prefix: t.prefix(sex).slice(0, 100) } : {}),
      given,
      ...((country === 'US' || country === 'GB') && r.chance(0.2) ? { middle: t.middleName(sex).slice(0, 100) } : {}),
      family,
      ...(country === 'US' && r.chance(0.03) ? { suffix: t.suffix().slice(0, 100) } : {}),
    };
    const local = [asciiFold(given), asciiFold(family)].filter(Boolean).join(r.pick(['.', '.', '_', ''])) || 'contact';
    const address = (domain: string) => uniqueName(`${local}@${domain}`, emails, (e, n) => e.replace('@', `${n}@`));
    const contactEmails: ContactBody['emails'] = [];
    if (employer) contactEmails.push({ address: address(employer.company.domains[0]), label: 'work', primary: true });
    if (!employer || r.chance(0.3))
      contactEmails.push({ address: address(r.pick(profile.personalMail)), label: 'personal', primary: !employer });
    const phones: ContactBody['phones'] = [{ number: mobileNumber(country, r), label: 'mobile', primary: true }];
    if (r.chance(0.2)) phones.push({ number: mobileNumber(country, r), label: employer ? 'work' : 'other', primary: false });
    const birthYear = now.getUTCFullYear() - r.int(22, 70);
    const contactId = seedId(seed, 'contact', index);
    const contact: ContactBody = {
      contactId,
      name,
      emails: contactEmails,
      phones,
      ...(r.chance(0.3) ? { addresses: [addressOf(t, country, r, 'home')] } : {}),
      ...(r.chance(0.9) ? { jobTitle: t.jobTitle().slice(0, 200) } : {}),
      locale: r.pick(profile.locales),
      timezone: r.pick(profile.zones),
      country,
      ...(r.chance(0.3)
        ? { birthday: `${birthYear}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}` }
        : {}),
      source: r.pick(SOURCES),
      lifecycleStage: r.weighted(STAGE_WEIGHTS),
      ...(r.chance(0.85) ? { ownerId: r.pick(owners) } : {}),
      tags: r.some(TAGS, 0, 3),
    };
    if (employer) links.push({ contactId, companyId: employer.company.companyId, role: r.pick(ROLES) });
    // About a third have a say on e-mail and a few on other channels; some withdrew later.
    if (r.chance(0.35)) {
      for (const [channel, purpose] of r.some(
        [
          ['email', 'newsletter'],
          ['email', 'marketing'],
          ['email', 'product-updates'],
          ['sms', 'marketing'],
          ['phone', 'surveys'],
        ] as const,
        1,
        2,
      )) {
        const granted = new Date(now.getTime() - r.int(30, 365) * DAY_MS - r.int(0, DAY_MS - 1));
        const source = r.pick(['web-form', 'double-opt-in', 'trade-show', 'phone']);
        consents.push({ contactId, channel, purpose, status: 'granted', source, at: granted.toISOString() });
        if (r.chance(0.2)) {
          const withdrawn = new Date(granted.getTime() + r.int(1, 25) * DAY_MS);
          consents.push({
            contactId,
            channel,
            purpose,
            status: 'withdrawn',
            source: 'unsubscribe-link',
            at: withdrawn.toISOString(),
          });
        }
      }
    }
    return { contact, employer: employer?.company, country };
  });

  // A fifth of the people have half of the interactions: real customers are unevenly active.
  const busy = people.slice(0, Math.max(1, Math.ceil(people.length / 5)));
  const interactions =
    people.length === 0
      ? []
      : Array.from({ length: options.interactions }, (_, index) => {
          const r = new Random([seed, KIND.interaction, index]);
          const person = r.chance(0.5) ? busy[r.int(0, busy.length - 1)] : people[r.int(0, people.length - 1)];
          const t = text.entity(person.country, [seed, KIND.interaction, index]);
          return interactionOf(person.contact, person.employer, r, t, now, `seed-${seed}-interaction-${index}`);
        });

  return {
    companies: companies.map(({ company }) => company),
    contacts: people.map(({ contact }) => contact),
    links,
    consents,
    interactions,
  };
}

function interactionOf(
  contact: ContactBody,
  company: CompanyBody | undefined,
  r: Random,
  t: EntityText,
  now: Date,
  externalId: string,
): InteractionBody {
  const channel = r.weighted(CHANNEL_WEIGHTS);
  // Mostly in office hours, any day of the past year.
  const day = new Date(now.getTime() - r.int(1, 365) * DAY_MS);
  const occurredAt = new Date(
    Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), r.int(7, 18), r.int(0, 59), r.int(0, 59)),
  ).toISOString();
  const given = contact.name.given;
  const fullName = `${given} ${contact.name.family}`.trim();
  const email = contact.emails.find((e) => e.primary)?.address;
  const phone = contact.phones[0].number;
  const product = t.productName();
  const base = {
    contactId: contact.contactId,
    channel,
    occurredAt,
    externalId,
    ...(company ? { companyId: company.companyId } : {}),
  };
  switch (channel) {
    case 'email': {
      const direction = r.pick(['inbound', 'outbound'] as const);
      const subject = r.pick([
        `Quote for ${product}`,
        `Re: ${product} renewal`,
        `Follow-up on our call`,
        `Invoice ${r.int(10000, 99999)}`,
        `Your trial of ${product}`,
        `Question about ${product}`,
      ]);
      const body =
        direction === 'outbound'
          ? `Hi ${given},\n\nthanks for your time. ${t.catchPhrase()}. I attached the details on ${product}.\n\nBest regards`
          : `Hello,\n\ncould you send me more information on ${product}? We want to ${t.buzzPhrase()}.\n\n${fullName}`;
      const outcome = direction === 'outbound' ? r.pick(['sent', 'opened', 'replied', 'bounced']) : 'received';
      return { ...base, direction, participants: [{ name: fullName, email }], subject, body, outcome };
    }
    case 'phone-call': {
      const direction = r.pick(['inbound', 'outbound', 'outbound'] as const);
      const outcome =
        direction === 'inbound' ? 'answered' : r.pick(['answered', 'answered', 'answered', 'voicemail', 'no-answer', 'busy']);
      const durationSeconds = outcome === 'answered' ? r.int(60, 1800) : outcome === 'voicemail' ? r.int(15, 60) : 0;
      const subject = r.pick(['Discovery call', 'Renewal discussion', `Pricing of ${product}`, 'Support follow-up', 'Check-in']);
      const body =
        outcome === 'answered' ? `Talked about ${product}. ${t.catchPhrase()}. Next step: send a proposal.` : undefined;
      return {
        ...base,
        direction,
        participants: [{ name: fullName, phone }],
        subject,
        ...(body ? { body } : {}),
        durationSeconds,
        outcome,
      };
    }
    case 'meeting': {
      const outcome = r.pick(['held', 'held', 'held', 'rescheduled', 'no-show']);
      return {
        ...base,
        direction: 'outbound',
        participants: [{ name: fullName, email }],
        subject: r.pick([
          `Demo of ${product}`,
          'Quarterly business review',
          'Kick-off',
          'Contract negotiation',
          'Roadmap session',
        ]),
        body: `Agenda: ${t.buzzPhrase()}. ${outcome === 'held' ? `Agreed to ${t.buzzPhrase()}.` : 'To be rescheduled.'}`,
        durationSeconds: outcome === 'held' ? r.int(1, 8) * 15 * 60 : 0,
        outcome,
      };
    }
    case 'in-person-visit':
      return {
        ...base,
        direction: r.pick(['inbound', 'outbound'] as const),
        participants: [{ name: fullName }],
        subject: company ? `Visit at ${company.name}`.slice(0, 500) : 'Visit at our booth',
        body: `Walked through ${product}. ${t.catchPhrase()}.`,
        durationSeconds: r.int(2, 12) * 15 * 60,
        outcome: 'held',
      };
    case 'sms': {
      const direction = r.pick(['inbound', 'outbound'] as const);
      return {
        ...base,
        direction,
        participants: [{ name: fullName, phone }],
        body:
          direction === 'outbound'
            ? `Hi ${given}, a reminder of our call tomorrow at ${r.int(9, 17)}:00.`
            : 'Thanks, see you then!',
        outcome: direction === 'outbound' ? 'delivered' : 'received',
      };
    }
    case 'chat':
      return {
        ...base,
        direction: r.chance(0.8) ? 'inbound' : 'outbound',
        participants: [{ name: fullName, email }],
        subject: 'Website chat',
        body: `Does ${product} support single sign-on? We need to ${t.buzzPhrase()}.`,
        durationSeconds: r.int(60, 900),
        outcome: r.pick(['resolved', 'handed over to sales', 'no reply']),
      };
    case 'social-message':
      return {
        ...base,
        direction: r.pick(['inbound', 'outbound'] as const),
        participants: [{ name: fullName }],
        subject: r.pick(['LinkedIn message', 'X direct message']),
        body: `Saw your post about ${product}. ${t.catchPhrase()}?`,
        outcome: r.pick(['replied', 'no reply', 'connected']),
      };
    case 'web-visit': {
      const pages = r.some(PAGES, 1, 4);
      return {
        ...base,
        direction: 'inbound',
        participants: [],
        subject: `Visited ${pages[0]}`,
        body: `Pages: ${pages.join(', ')}`,
        durationSeconds: r.int(20, 900),
      };
    }
    case 'note':
      return {
        ...base,
        direction: 'internal',
        participants: [],
        subject: 'Note',
        body: `${given} mentioned that they plan to ${t.buzzPhrase()}. Budget decision in Q${r.int(1, 4)}.`,
      };
  }
}
