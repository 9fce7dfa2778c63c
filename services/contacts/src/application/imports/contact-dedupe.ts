import type { RowFieldError } from '@crm/csv';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { normalizeEmail } from '../../domain/contact-values';
import type { ContactField } from './import-columns';

/** A key of a row (an e-mail address or an E.164 number) and the column field it came from. */
export interface RowKey {
  value: string;
  field: ContactField;
}

/** What a row can be recognized by, normalized. */
export interface DedupeKeys {
  /** The name the row gives (either part may be missing): a number's holder must bear it to be found by the number. */
  name?: PersonName;
  /** The row's `contactId`: a contact is created with it when it names none. */
  contactId?: string;
  emails: readonly RowKey[];
  phones: readonly RowKey[];
}

/** A contact an id of the row names (through merges), with the e-mail addresses and numbers it holds. */
export interface NamedContact {
  contactId: string;
  emails: readonly string[];
  phones: readonly string[];
}

/** What the store says of the row's keys: the contact each id names, and who holds each e-mail address and number. */
export interface DedupeFacts {
  byContactId?: NamedContact;
  byExternalId?: NamedContact;
  emailOwner: (email: string) => string | undefined;
  phoneOwner: (phone: string) => string | undefined;
  /** The name of a contact holding one of the row's numbers (undefined: not known). */
  nameOf?: (contactId: string) => PersonName | undefined;
}

export type DedupeOutcome =
  | { by: 'contactId' | 'externalId' | 'email' | 'phone'; contactId: string }
  | { by: 'none' }
  | { by: 'conflict'; errors: RowFieldError[] };

export const NOT_MERGED = 'not merged (merge the two contacts first, or correct the row)';

/**
 * The contact a row is for (the dedupe table of docs/import-export.md): its `contactId`'s, else its `externalId`'s,
 * else the one holding its e-mail addresses, else the one holding its phone numbers; none: a new contact. Keys that
 * point at two contacts are a conflict, reported and never merged: an id naming one contact while the row's e-mail
 * belongs to another (and not to it too), two ids naming two, the row's e-mails held by two contacts, or (when no
 * e-mail decides) its numbers held by two. A `contactId` naming no contact creates one with that id, unless the
 * row's `externalId` or e-mail names a contact (a conflict too). A phone held by another contact than the e-mail's or the
 * id's is no conflict, and a number finds its holder only for a row naming the same person: offices share numbers.
 */
export function dedupe(keys: DedupeKeys, facts: DedupeFacts): DedupeOutcome {
  const named = (
    [
      ['contactId', facts.byContactId],
      ['externalId', facts.byExternalId],
    ] as const
  ).filter((entry): entry is ['contactId' | 'externalId', NamedContact] => entry[1] !== undefined);
  if (named.length > 0) {
    const [[by, target], ...others] = named;
    const errors: RowFieldError[] = others
      .filter(([, other]) => other.contactId !== target.contactId)
      .map(([field, other]) => ({
        field,
        messages: [`names contact ${other.contactId}, the ${by} ${target.contactId}: ${NOT_MERGED}`],
      }));
    if (keys.contactId !== undefined && !facts.byContactId)
      errors.push({
        field: 'contactId',
        messages: [`names no contact, while the ${by} names contact ${target.contactId}: correct the row`],
      });
    for (const { value, field } of keys.emails) {
      const owner = facts.emailOwner(value);
      if (owner !== undefined && owner !== target.contactId && !target.emails.includes(value))
        errors.push({
          field,
          messages: [`belongs to contact ${owner}, while the ${by} names contact ${target.contactId}: ${NOT_MERGED}`],
        });
    }
    return errors.length > 0 ? { by: 'conflict', errors } : { by, contactId: target.contactId };
  }
  if (keys.contactId !== undefined) {
    const errors = keys.emails.flatMap(({ value }) => {
      const owner = facts.emailOwner(value);
      return owner === undefined
        ? []
        : [
            {
              field: 'contactId',
              messages: [`names no contact, while the row's e-mail address belongs to contact ${owner}: ${NOT_MERGED}`],
            },
          ];
    });
    return errors.length > 0 ? { by: 'conflict', errors: errors.slice(0, 1) } : { by: 'none' };
  }
  const byEmail = soleOwner(keys.emails, facts.emailOwner, 'e-mail addresses');
  if (byEmail.by !== 'none') return byEmail.by === 'conflict' ? byEmail : { by: 'email', contactId: byEmail.contactId };
  const byPhone = soleOwner(keys.phones, facts.phoneOwner, 'phone numbers');
  if (byPhone.by !== 'owner') return byPhone;
  // A row naming another person than the number's holder is someone else at the same number (an office's).
  return sameName(keys.name, facts.nameOf?.(byPhone.contactId)) ? { by: 'phone', contactId: byPhone.contactId } : { by: 'none' };
}

export interface PersonName {
  given?: string;
  family?: string;
}

/** Each part the row gives equals the holder's, without case or surrounding spaces; true when either is not known. */
function sameName(row: PersonName | undefined, holder: PersonName | undefined): boolean {
  if (!row || !holder) return true;
  const same = (a?: string, b?: string) => !a?.trim() || a.trim().toLowerCase() === (b ?? '').trim().toLowerCase();
  return same(row.given, holder.given) && same(row.family, holder.family);
}

function soleOwner(
  keys: readonly RowKey[],
  ownerOf: (key: string) => string | undefined,
  what: string,
): { by: 'owner'; contactId: string } | { by: 'none' } | { by: 'conflict'; errors: RowFieldError[] } {
  const owned = keys.flatMap((key) => {
    const owner = ownerOf(key.value);
    return owner === undefined ? [] : [{ ...key, owner }];
  });
  const owners = [...new Set(owned.map(({ owner }) => owner))];
  if (owners.length === 0) return { by: 'none' };
  if (owners.length === 1) return { by: 'owner', contactId: owners[0] };
  const fields = [...new Set(owned.map(({ field }) => field))];
  return {
    by: 'conflict',
    errors: fields.map((field) => ({
      field,
      messages: [`the row's ${what} belong to different contacts (${owners.join(', ')}): ${NOT_MERGED}`],
    })),
  };
}

/** The row's e-mail addresses, normalized, with the field each came from. */
export function emailKeys(email: string | undefined, otherEmails: readonly string[]): RowKey[] {
  return [
    ...(email?.trim() ? [{ value: normalizeEmail(email), field: 'email' as const }] : []),
    ...otherEmails
      .filter((other) => other.trim())
      .map((other) => ({ value: normalizeEmail(other), field: 'otherEmails' as const })),
  ];
}

/** The row's phone numbers in E.164, national ones read in `country`; a number that is none is no key (the write refuses it). */
export function phoneKeys(phone: string | undefined, otherPhones: readonly string[], country: string | undefined): RowKey[] {
  const keyOf = (text: string, field: ContactField): RowKey[] => {
    const number = parsePhoneNumberFromString(text, country as CountryCode | undefined);
    return number?.isValid() ? [{ value: number.number, field }] : [];
  };
  return [...(phone?.trim() ? keyOf(phone, 'phone') : []), ...otherPhones.flatMap((other) => keyOf(other, 'otherPhones'))];
}
