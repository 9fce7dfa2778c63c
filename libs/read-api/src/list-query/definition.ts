import type { ProjectionIndex } from '@crm/projections';
export const OPERATORS = ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'contains', 'startsWith', 'exists'] as const;
export type Operator = (typeof OPERATORS)[number];

export type FieldType = 'string' | 'enum' | 'uuid' | 'number' | 'integer' | 'boolean' | 'date' | 'date-time';

const COMPARABLE: readonly Operator[] = ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'exists'];

/** What each type can sensibly be asked; a field may narrow it further. */
export const OPERATORS_BY_TYPE: Readonly<Record<FieldType, readonly Operator[]>> = {
  string: OPERATORS,
  enum: ['eq', 'neq', 'in', 'exists'],
  uuid: ['eq', 'neq', 'in', 'exists'],
  boolean: ['eq', 'neq', 'exists'],
  number: COMPARABLE,
  integer: COMPARABLE,
  date: COMPARABLE,
  'date-time': COMPARABLE,
};

interface CommonField {
  /** Where the value lives in the stored document (`name.family`, `_id`); defaults to the field's name. */
  path?: string;
  /** The document holds an array: a condition matches when any element does (MongoDB's semantics). */
  array?: boolean;
  /** Narrows what the type allows, e.g. no `contains` on a large collection. */
  operators?: readonly Operator[];
  description?: string;
}

export interface StringField extends CommonField {
  type: 'string';
  /** Default 200. */
  maxLength?: number;
  /** Applied to every value, as the projection applied it when storing (`normalizeEmail`). */
  normalize?: (value: string) => string;
}

export interface EnumField extends CommonField {
  type: 'enum';
  values: readonly string[];
}

export interface DateTimeField extends CommonField {
  type: 'date-time';
  /** `string` (default): an ISO string from `Date#toISOString()`, as projections here store times; `date`: a BSON date. */
  storedAs?: 'string' | 'date';
}

export interface ScalarField extends CommonField {
  /** `date` is a `YYYY-MM-DD` string. */
  type: 'uuid' | 'number' | 'integer' | 'boolean' | 'date';
}

export type FieldDefinition = StringField | EnumField | DateTimeField | ScalarField;

export interface SearchDefinition {
  /** Document paths holding normalized text (see `normalize`): `q` is a prefix match on any of them. */
  paths: readonly string[];
  /** Default `normalizeSearchText`; must be what the projection stored. */
  normalize?: (text: string) => string;
  description?: string;
}

/** What a list query needs to know of its read model: the projection (`defineProjection`) it reads. */
export interface ListReadModel {
  readonly name: string;
  readonly collection: string;
  readonly indexes?: readonly ProjectionIndex[];
}

export interface ListQueryDefinition<F extends Record<string, FieldDefinition> = Record<string, FieldDefinition>> {
  fields: F;
  /**
   * The read model the list reads: every filter, sort and search must be served by one of its indexes (see
   * `indexNeeds`), checked at definition, so that a list never scans its collection on real MongoDB.
   */
  readModel?: ListReadModel;
  /**
   * Paths that every query of the list carries with equality, added by the endpoint itself (`contactId` for a
   * contact's interactions): the indexes start with them.
   */
  scope?: readonly string[];
  sortable?: readonly (keyof F & string)[];
  /** Same syntax as `sort` (`-createdAt,familyName`); `_id` ascending when absent. */
  defaultSort?: string;
  search?: SearchDefinition;
  /**
   * Further parameters the endpoint reads itself (`includeMerged`); passed over, never filtered on. With `values`, any
   * other value is refused like a bad filter.
   */
  extraKeys?: readonly string[] | Readonly<Record<string, ExtraKey>>;
  /** Default 50. */
  defaultLimit?: number;
  /** Default 200. */
  maxLimit?: number;
}

/** A parameter of the endpoint's own, beside the list's (`includeMerged`), as documentation and the parser see it. */
export interface ExtraKey {
  /** The only values it takes, e.g. `['true', 'false']`; any string up to MAX_VALUE_LENGTH without. */
  values?: readonly string[];
  description?: string;
}

export const RESERVED_KEYS = ['limit', 'cursor', 'sort', 'q', 'position'] as const;
export const ID_PATH = '_id';
export const MAX_VALUE_LENGTH = 200;
export const MAX_IN_VALUES = 100;
const MAX_LIMIT = 200;
const DEFAULT_LIMIT = 50;

/** A field checked and completed once, at definition. */
export interface CompiledField {
  readonly name: string;
  readonly type: FieldType;
  readonly path: string;
  readonly array: boolean;
  readonly operators: readonly Operator[];
  readonly maxLength: number;
  readonly values?: readonly string[];
  readonly normalize?: (value: string) => string;
  readonly storedAs: 'value' | 'date';
  readonly sortable: boolean;
  readonly description?: string;
}

export interface CompiledDefinition {
  readonly fields: ReadonlyMap<string, CompiledField>;
  readonly defaultSort: string | undefined;
  readonly search?: {
    readonly paths: readonly string[];
    readonly normalize?: (text: string) => string;
    readonly description?: string;
  };
  readonly extraKeys: ReadonlyMap<string, ExtraKey>;
  readonly defaultLimit: number;
  readonly maxLimit: number;
}

export class InvalidListQueryDefinitionError extends Error {
  override readonly name = 'InvalidListQueryDefinitionError';
}

// API names are what clients type and what the platform's unsafe-key guard lets through: no `.`, `$` or leading `_`.
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export function compileDefinition<F extends Record<string, FieldDefinition>>(
  definition: ListQueryDefinition<F>,
): CompiledDefinition {
  const fail = (message: string): never => {
    throw new InvalidListQueryDefinitionError(message);
  };
  const sortable = new Set<string>(definition.sortable ?? []);
  const extraKeys = new Map<string, ExtraKey>(
    Array.isArray(definition.extraKeys)
      ? definition.extraKeys.map((key: string) => [key, {}])
      : Object.entries((definition.extraKeys ?? {}) as Readonly<Record<string, ExtraKey>>),
  );
  const fields = new Map<string, CompiledField>();
  for (const [name, field] of Object.entries(definition.fields)) {
    if (!FIELD_NAME.test(name)) fail(`Field name "${name}" must be letters, digits and "_", starting with a letter`);
    if ((RESERVED_KEYS as readonly string[]).includes(name) || extraKeys.has(name)) fail(`Field name "${name}" is reserved`);
    const path = field.path ?? name;
    if (!PATH.test(path)) fail(`Field ${name} has an invalid path "${path}"`);
    if (!Object.hasOwn(OPERATORS_BY_TYPE, field.type)) fail(`Field ${name} has an unknown type "${field.type}"`);
    const allowed = OPERATORS_BY_TYPE[field.type];
    const operators = field.operators ?? allowed;
    const misfit = operators.filter((op) => !allowed.includes(op));
    if (misfit.length > 0) fail(`Field ${name} (${field.type}) cannot take ${misfit.join(', ')}`);
    if (field.type === 'enum' && field.values.length === 0) fail(`Enum field ${name} has no values`);
    if (sortable.has(name) && field.array)
      fail(`Array field ${name} cannot be sortable: keyset paging needs one value per document`);
    fields.set(name, {
      name,
      type: field.type,
      path,
      array: field.array ?? false,
      operators: OPERATORS.filter((op) => operators.includes(op)),
      maxLength: (field.type === 'string' && field.maxLength) || MAX_VALUE_LENGTH,
      values: field.type === 'enum' ? [...field.values] : undefined,
      normalize: field.type === 'string' ? field.normalize : undefined,
      storedAs: field.type === 'date-time' && field.storedAs === 'date' ? 'date' : 'value',
      sortable: sortable.has(name),
      description: field.description,
    });
  }
  for (const name of sortable) if (!fields.has(name)) fail(`Sortable field ${name} is not a field`);
  const sortPaths = [...sortable].map((name) => fields.get(name)!.path);
  if (new Set(sortPaths).size !== sortPaths.length) fail('Two sortable fields share one path');
  for (const key of extraKeys.keys())
    if ((RESERVED_KEYS as readonly string[]).includes(key)) fail(`Extra key "${key}" is reserved`);
  for (const path of definition.search?.paths ?? []) if (!PATH.test(path)) fail(`Invalid search path "${path}"`);
  if (definition.search && definition.search.paths.length === 0) fail('Search needs at least one path');
  const maxLimit = definition.maxLimit ?? MAX_LIMIT;
  const defaultLimit = definition.defaultLimit ?? Math.min(DEFAULT_LIMIT, maxLimit);
  if (!Number.isSafeInteger(maxLimit) || maxLimit < 1) fail(`maxLimit must be a positive integer`);
  if (!Number.isSafeInteger(defaultLimit) || defaultLimit < 1 || defaultLimit > maxLimit)
    fail(`defaultLimit must be 1..${maxLimit}`);
  return {
    fields,
    defaultSort: definition.defaultSort,
    search: definition.search && { ...definition.search, paths: [...definition.search.paths] },
    extraKeys,
    defaultLimit,
    maxLimit,
  };
}
