import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { LIFECYCLE_STAGES, type LifecycleStage } from '@crm/contracts';
import type { Identity } from './crm-ledger';

/** A phone as the test sent it and as the service must store it. */
export interface Phone {
  sent: string;
  e164: string;
}

/** What the test sends to create a person, and the identity it expects back. */
export interface Person {
  label: string;
  request: {
    name: { given: string; family: string };
    emails: { address: string }[];
    phones: { number: string }[];
    country: string;
    lifecycleStage: LifecycleStage;
    tags: string[];
    jobTitle?: string;
  };
  phones: Phone[];
  identity: Identity;
}

export type PhoneFormat = 'e164' | 'international' | 'national';
const FORMATS: readonly PhoneFormat[] = ['e164', 'international', 'national'];

const GIVEN = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Hedy', 'Margaret', 'Tim', 'Radia', 'Ken', 'Frances'];
const FAMILY = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Lamarr', 'Hamilton', 'Berners', 'Perlman'];
// Subscriber digits are drawn at random and kept only when libphonenumber-js (what the service uses) calls them valid.
const PHONE_PLANS: { country: CountryCode; prefix: string; digits: number }[] = [
  { country: 'GB', prefix: '+44207', digits: 7 },
  { country: 'DE', prefix: '+4930', digits: 8 },
  { country: 'CH', prefix: '+4144', digits: 7 },
  { country: 'FR', prefix: '+331', digits: 8 },
  { country: 'US', prefix: '+1212', digits: 7 },
];

/** A small deterministic generator, so that a failing run can be repeated with its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class PeopleFactory {
  private readonly usedPhones = new Set<string>();

  /** `tag` makes every name, e-mail and phone of this run unique, so that finding one anywhere means it came from here. */
  constructor(
    private readonly tag: string,
    private readonly random: () => number,
  ) {}

  phone(country: CountryCode, format: PhoneFormat): Phone {
    const plan = PHONE_PLANS.find((candidate) => candidate.country === country)!;
    for (;;) {
      const subscriber = Array.from({ length: plan.digits }, () => Math.floor(this.random() * 10)).join('');
      const parsed = parsePhoneNumberFromString(plan.prefix + subscriber);
      if (!parsed?.isValid() || this.usedPhones.has(parsed.number)) continue;
      this.usedPhones.add(parsed.number);
      const sent =
        format === 'e164' ? parsed.number : format === 'international' ? parsed.formatInternational() : parsed.formatNational();
      return { sent, e164: parsed.number };
    }
  }

  /**
   * Person number `index`: names and e-mails carry the run's tag and a three-digit number; phones are in the
   * person's country (a national number is read in it), sent in the given formats.
   */
  person(
    index: number,
    options: { emails?: number; phoneFormats?: PhoneFormat[]; lifecycleStage?: LifecycleStage; jobTitle?: string } = {},
  ): Person {
    const number = String(index).padStart(3, '0');
    const label = `c${number}`;
    const first = GIVEN[index % GIVEN.length];
    const last = FAMILY[index % FAMILY.length];
    const given = `${first}-${this.tag}${number}`;
    const family = `${last}-${this.tag}${number}`;
    const plan = PHONE_PLANS[index % PHONE_PLANS.length];
    const emails = [
      `${first}.${last}.${this.tag}${number}@example.com`,
      `${last}.${first}.${this.tag}${number}@example.org`,
    ].slice(0, options.emails ?? 1 + (index % 2));
    // Zero, one or two phones, in every format across the run.
    const phoneFormats = options.phoneFormats ?? [FORMATS[index % 3], FORMATS[(index + 1) % 3]].slice(0, index % 3);
    const phones = phoneFormats.map((format) => this.phone(plan.country, format));
    const lifecycleStage = options.lifecycleStage ?? LIFECYCLE_STAGES[index % LIFECYCLE_STAGES.length];
    const tags = [`segment-${index % 5}`, ...(index % 7 === 0 ? ['vip'] : [])];
    const jobTitle = options.jobTitle ?? (index % 4 === 0 ? 'Analyst' : undefined);
    return {
      label,
      request: {
        name: { given, family },
        emails: emails.map((address) => ({ address })),
        phones: phones.map((phone) => ({ number: phone.sent })),
        country: plan.country,
        lifecycleStage,
        tags,
        ...(jobTitle ? { jobTitle } : {}),
      },
      phones,
      identity: {
        name: { given, family },
        // Stored trimmed and lower-cased (docs/contacts.md); sent as written.
        emails: emails.map((address) => address.toLowerCase()),
        phones: phones.map((phone) => phone.e164),
        country: plan.country,
        lifecycleStage,
        tags,
        ...(jobTitle ? { jobTitle } : {}),
      },
    };
  }
}
