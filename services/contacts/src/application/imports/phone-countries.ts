import { countryCodeOf, listItems, type ImportOptions, type RowFieldError } from '@crm/csv';
import { getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { ContactValues } from './import-columns';

const NORTH_AMERICA = '1';

/**
 * The row's national phone numbers (no `+`) read in a country outside North America that are valid North American
 * numbers too: a US number on a row of country CN is a valid Chinese number as well, and would be stored as one
 * unsaid. Each is written as read, with a warning naming its column and both countries: the number is valid where the
 * row says, so refusing it would fail rows that are right; only the file's owner can tell. (A number invalid in the
 * row's country is refused, or left out, by the rules as any bad number.) The country is the row's, else the import's
 * default; a contact the row updates without either keeps its own, not looked at here.
 */
export function phoneCountryWarnings(values: ContactValues, { defaultCountry }: ImportOptions = {}): RowFieldError[] {
  const country = ((values.country && countryCodeOf(values.country)) ?? defaultCountry) as CountryCode | undefined;
  if (country === undefined || getCountryCallingCode(country) === NORTH_AMERICA) return [];
  const cells = { phone: values.phone === undefined ? [] : [values.phone], otherPhones: listItems(values.otherPhones) ?? [] };
  return Object.entries(cells).flatMap(([field, numbers]) =>
    numbers.some((text) => alsoNorthAmerican(text, country))
      ? [{ field, messages: [`is read as a number of ${country} but is also a US one: write it with its country code (+…)`] }]
      : [],
  );
}

function alsoNorthAmerican(text: string, country: CountryCode): boolean {
  if (/^\s*(\+|00)/.test(text)) return false;
  return !!parsePhoneNumberFromString(text, country)?.isValid() && !!parsePhoneNumberFromString(text, 'US')?.isValid();
}
