import { WrongExpectedRevisionError } from '@crm/eventsourcing';
import { ProblemError } from '@crm/platform';
import { v5 as uuidv5 } from 'uuid';
import type { ImportField } from './import-columns';
import type { RowFieldError } from './row-validation';

/** What a row did. */
export type RowOutcome = 'created' | 'updated' | 'unchanged';

/** How one kind of import writes one row; one instance per job (it remembers what the job has seen). */
export interface RowImporter {
  /** Rows that share a key are imported one after the other (two rows for one person must not both create). */
  keysOf(values: Partial<Record<ImportField, string>>): string[];
  importRow(values: Partial<Record<ImportField, string>>): Promise<RowOutcome>;
}

/** A row the import refuses before writing anything: a 400 like the API's, naming import fields. */
export class InvalidRowError extends ProblemError {
  override name = 'InvalidRowError';
  constructor(errors: readonly RowFieldError[]) {
    super({
      status: 400,
      type: 'validation',
      title: 'The row is invalid',
      detail: `${errors.length} ${errors.length === 1 ? 'field breaks' : 'fields break'} the rules; see errors.`,
      errors,
    });
  }
}

/** Ids derived from external ids: a re-import of the same record finds the one it made. */
const EXTERNAL_ID_NAMESPACE = '8d6c2f0a-4b7e-4f3a-9c1d-2e5f7a9b0c3d';
export const contactIdFor = (externalId: string): string => uuidv5(`contact:${externalId}`, EXTERNAL_ID_NAMESPACE);
export const companyIdFor = (externalId: string): string => uuidv5(`company:${externalId}`, EXTERNAL_ID_NAMESPACE);

const CONFLICT_RETRIES = 3;

/**
 * Runs a load-decide-write again when someone else wrote the stream in between (a row is built from what
 * it loaded), or created what the row was about to create (`alsoConflict`).
 */
export async function retryOnConflict<T>(write: () => Promise<T>, alsoConflict: (error: unknown) => boolean): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      const conflict = error instanceof WrongExpectedRevisionError || alsoConflict(error);
      if (!conflict || attempt >= CONFLICT_RETRIES) throw error;
    }
  }
}
