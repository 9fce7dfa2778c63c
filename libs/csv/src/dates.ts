import type { RowFieldError, RowValues } from './rows';

/** The order of day, month and year in a file's dates: `14/03/1980` is dmy, `3/14/80` mdy, `1980-03-14` ymd. */
export const DATE_ORDERS = ['dmy', 'mdy', 'ymd'] as const;
export type DateOrder = (typeof DATE_ORDERS)[number];

// Three numbers with one separator (`/`, `.`, `-`), then maybe a time: `3/14/80`, `14.03.1980`, `1980-03-14T09:30Z`.
const DATE_CELL = /^(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})((?:[ T]\S.*)?)$/;

interface DateParts {
  first: string;
  second: string;
  third: string;
  /** What follows the date (a time), as written. */
  rest: string;
}

function partsOf(cell: string): DateParts | undefined {
  const match = DATE_CELL.exec(cell.trim());
  return match ? { first: match[1], second: match[3], third: match[4], rest: match[5] } : undefined;
}

/** A four-digit first number is a year: the order is year, month, day whatever the file's order (ISO 8601). */
const yearFirst = (parts: DateParts): boolean => parts.first.length === 4;

/** A year of two digits, in the 100 years up to `latestYear`: birthdays are past (`latestYear` this year). */
export function fullYear(twoDigits: number, latestYear: number): number {
  return latestYear - (((latestYear % 100) - twoDigits + 100) % 100);
}

export type DateRead = { value: string } | { problem: string };

/**
 * A date cell as ISO 8601 (`YYYY-MM-DD`, and the time after it, if any, as `THH:MM...`), read in `order` unless its
 * first number has four digits (a year: ISO). Without an order only ISO dates are read: `03/04/1980` could be either.
 * Two-digit years are read by `fullYear`. Messages name the rule and the parameter, never the cell.
 */
export function readDateCell(cell: string, order: DateOrder | undefined, latestYear: number): DateRead {
  const parts = partsOf(cell);
  if (!parts)
    return { problem: 'must be a date: YYYY-MM-DD, or day, month and year in the order dateOrder names (dmy, mdy, ymd)' };
  let day: string, month: string, year: string;
  if (yearFirst(parts)) [year, month, day] = [parts.first, parts.second, parts.third];
  else if (order === undefined) {
    return {
      problem:
        'is not YYYY-MM-DD and its column does not tell day from month: give the file’s order with dateOrder (dmy, mdy or ymd)',
    };
  } else if (order === 'dmy') [day, month, year] = [parts.first, parts.second, parts.third];
  else if (order === 'mdy') [month, day, year] = [parts.first, parts.second, parts.third];
  else [year, month, day] = [parts.first, parts.second, parts.third];
  const readOrder = yearFirst(parts) ? 'ymd' : order;
  if (day.length > 2 || (year.length !== 2 && year.length !== 4)) {
    return { problem: `is no date read as ${readOrder} (day and month of 1 or 2 digits, a year of 2 or 4)` };
  }
  const y = year.length === 2 ? fullYear(Number(year), latestYear) : Number(year);
  const [m, d] = [Number(month), Number(day)];
  // Date.UTC rolls 31/02 over into March: a real date comes back as it went in.
  const date = new Date(Date.UTC(y, m - 1, d));
  if (m < 1 || m > 12 || date.getUTCDate() !== d || date.getUTCMonth() !== m - 1) {
    return { problem: `is no date in the calendar read as ${readOrder}` };
  }
  const iso = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return { value: iso + timeOf(parts.rest) };
}

// A time as spreadsheets and US exports write it: `9:05`, `14:30:12`, `2:30 PM`, `12:00 am`.
const CLOCK_TIME = /^[ T](\d{1,2}):(\d{2})(:\d{2}(?:\.\d+)?)?\s*([ap])\.?m\.?$|^[ T](\d{1,2}):(\d{2})(:\d{2}(?:\.\d+)?)?$/i;

/**
 * What follows a date, as ISO 8601's `THH:MM[:SS]`: a 12-hour time made 24-hour, a one-digit hour padded; anything else
 * (an offset, `Z`) as written after the `T`, for the field's own rule to judge.
 */
function timeOf(rest: string): string {
  const clock = CLOCK_TIME.exec(rest);
  if (!clock) return rest.replace(/^ /, 'T');
  const [hour, minutes, seconds = '', meridiem] = clock[1] !== undefined ? clock.slice(1, 5) : clock.slice(5, 8);
  const h = Number(hour);
  const h24 = meridiem === undefined ? h : (h % 12) + (meridiem.toLowerCase() === 'p' ? 12 : 0);
  // `13:00 PM` is no time; left as written, it fails the field's rule.
  if (meridiem !== undefined && (h < 1 || h > 12)) return rest.replace(/^ /, 'T');
  return `T${String(h24).padStart(2, '0')}:${minutes}${seconds}`;
}

/**
 * What a column's cells tell of its date order: a first number over 12 is a day (dmy), a second one over 12 is a day
 * (mdy). Cells that say neither (`03/04/1980`), ISO dates and other cells tell nothing. Fed cell by cell, as the file
 * is read.
 */
export class DateOrderEvidence {
  private dmy = false;
  private mdy = false;

  add(cell: string): void {
    const parts = partsOf(cell);
    if (!parts || yearFirst(parts)) return;
    if (Number(parts.first) > 12) this.dmy = true;
    if (Number(parts.second) > 12) this.mdy = true;
  }

  /** The order when the cells point to one; none when they point to none, or to both (a column of mixed orders). */
  order(): DateOrder | undefined {
    return this.dmy === this.mdy ? undefined : this.dmy ? 'dmy' : 'mdy';
  }
}

/**
 * A row's date cells (the fields of `latestYears`, each with its latest year for two-digit years) in ISO 8601, each
 * read in its column's order (`orders`, by field). A cell not shaped as a date (`yesterday`, `2025-W05`) is left as
 * written, for the field's own rule to judge; a date cell that cannot be read is an error on its field, and left out.
 */
export function readDateCells<Field extends string>(
  values: RowValues<Field>,
  latestYears: Partial<Record<Field, number>>,
  orders: Readonly<Partial<Record<string, DateOrder>>> = {},
): { values: RowValues<Field>; errors: RowFieldError[] } {
  const read: RowValues<Field> = { ...values };
  const errors: RowFieldError[] = [];
  for (const [field, latestYear] of Object.entries(latestYears) as [Field, number][]) {
    const cell = values[field];
    if (cell === undefined || !partsOf(cell)) continue;
    const date = readDateCell(cell, orders[field], latestYear);
    if ('value' in date) read[field] = date.value;
    else {
      // Reported once, here: the field's own rule would only repeat that it is no date.
      delete read[field];
      errors.push({ field, messages: [date.problem] });
    }
  }
  return { values: read, errors };
}
