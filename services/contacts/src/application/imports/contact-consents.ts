import type { ConsentChannel, ConsentEntry, ConsentPurpose, ConsentStatus } from '@crm/contracts';
import { mergeByField, type RowFieldError, type RowResult } from '@crm/csv';
import { inputErrors } from '@crm/platform/nest';
import { consentKey, consentTimeProblem, type ConsentKey } from '../../domain/consent';
import { RecordConsentDto } from '../inputs/contact.dto';
import { consentOfColumn, isConsentColumn, type ContactValues } from './import-columns';

/** The source of an imported consent statement when the row has no `consentSource`. */
export const IMPORT_CONSENT_SOURCE = 'import';

/** A row's consent cells: a status per channel and purpose, with the source and time that apply to all of them. */
export interface ConsentCells {
  statements: { channel: ConsentChannel; purpose: ConsentPurpose; status: ConsentStatus }[];
  source: string;
  /** When the person said it (normalized to UTC); absent: when the row is imported. */
  at?: string;
}

// A Map, not an object literal: a cell such as `constructor` must not find Object.prototype's members.
const STATUSES: ReadonlyMap<string, ConsentStatus> = new Map([
  ['granted', 'granted'],
  ['yes', 'granted'],
  ['true', 'granted'],
  ['1', 'granted'],
  ['withdrawn', 'withdrawn'],
  ['no', 'withdrawn'],
  ['false', 'withdrawn'],
  ['0', 'withdrawn'],
]);

/** What `POST /v1/contacts/{id}/consents` calls a field, as the import names it. */
const FIELD_OF_PATH: Readonly<Record<string, string>> = { source: 'consentSource', at: 'consentAt' };

/**
 * Reads the row's `consent.<channel>.<purpose>` cells, and `consentSource` and `consentAt` for all of them,
 * checked as the API checks a statement (RecordConsentDto). A row without consent cells has no statement and
 * leaves `consentSource` and `consentAt` unread.
 */
export function readConsentCells(values: ContactValues): RowResult<ConsentCells> {
  const errors: RowFieldError[] = [];
  const statements: ConsentCells['statements'] = [];
  for (const [field, cell] of Object.entries(values)) {
    if (!isConsentColumn(field) || cell === undefined) continue;
    const status = STATUSES.get(cell.toLowerCase());
    if (status === undefined)
      errors.push({ field, messages: ['must be granted or withdrawn (yes/no, true/false and 1/0 also do)'] });
    else statements.push({ ...consentOfColumn(field), status });
  }
  const source = values.consentSource ?? IMPORT_CONSENT_SOURCE;
  if (statements.length === 0) return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { statements, source } };

  for (const statement of statements) {
    for (const { field, messages } of inputErrors(RecordConsentDto, { ...statement, source, at: values.consentAt })) {
      errors.push({ field: FIELD_OF_PATH[field] ?? field, messages: [...messages] });
    }
  }
  if (errors.length > 0) return { ok: false, errors: mergeByField(errors) };
  return {
    ok: true,
    value: { statements, source, ...(values.consentAt !== undefined && { at: new Date(values.consentAt).toISOString() }) },
  };
}

/**
 * The statements to record on a contact whose current consent is `current`: a statement that says what the
 * contact's current state already says (the same status) adds nothing, so that a re-import records no event.
 * `now` dates the statements of a row without `consentAt`.
 */
export function consentsToRecord(
  cells: ConsentCells,
  current: Partial<Record<ConsentKey, ConsentEntry>>,
  now: string,
): ConsentEntry[] {
  return cells.statements
    .filter((statement) => current[consentKey(statement)]?.status !== statement.status)
    .map((statement) => ({ ...statement, source: cells.source, at: cells.at ?? now }));
}

/** `consentAt` judged against the time of the import, as the domain judges a statement's time (not in the future). */
export function consentTimeErrors(cells: ConsentCells, now: string): RowFieldError[] {
  const problem = cells.at === undefined ? undefined : consentTimeProblem(cells.at, now);
  return problem ? [{ field: 'consentAt', messages: [problem] }] : [];
}
