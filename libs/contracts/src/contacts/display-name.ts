import type { ContactProfile, PhoneNumber } from './contact-profile';

/** A phone as people read it: the E.164 number, and its extension after `ext.`. */
export const phoneText = (phone: Pick<PhoneNumber, 'number' | 'extension'>): string =>
  phone.extension === undefined ? phone.number : `${phone.number} ext. ${phone.extension}`;

/**
 * How a contact is shown wherever the product names one (lists, exports, the timeline): the full name, else the
 * primary e-mail address, else the primary phone number. A contact always has one of them (the contacts domain refuses
 * one with none); an erased contact's values read as null and show as the empty string.
 */
export function contactDisplayName(profile: Partial<Pick<ContactProfile, 'name' | 'emails' | 'phones'>>): string {
  const { name, emails, phones } = profile;
  const fullName = name ? [name.prefix, name.given, name.middle, name.family, name.suffix].filter(Boolean).join(' ') : '';
  if (fullName !== '') return fullName;
  const email = emails?.find((entry) => entry.primary) ?? emails?.[0];
  if (email) return email.address;
  const phone = phones?.find((entry) => entry.primary) ?? phones?.[0];
  return phone ? phoneText(phone) : '';
}
