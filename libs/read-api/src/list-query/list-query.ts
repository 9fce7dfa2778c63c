import {
  compileDefinition,
  InvalidListQueryDefinitionError,
  MAX_IN_VALUES,
  MAX_VALUE_LENGTH,
  OPERATORS,
  type CompiledDefinition,
  type CompiledField,
  type FieldDefinition,
  type ListQueryDefinition,
  type ListReadModel,
  type Operator,
} from './definition';
import { afterCursor, decodeCursor } from './cursor';
import { suggestedIndex, unindexedQueries } from './indexes';
import { QueryErrors } from './errors';
import { allOf, type ListFilter } from './filter';
import { readQueryParams, type QueryInput, type QueryParam } from './query-params';
import { parseSort, truncate, withTiebreaker, type SortKey } from './sort';
import { escapeRegex, normalizeSearchText } from './text';
import { readPositionToken } from '../read-position';
import { codePoints, invalid, parseBoolean, parseValue, type Parsed, type QueryValue } from './values';

/** A query string made safe: hand it to `find(filter).sort(sort).limit(limit + 1)`, then to `page`. */
export interface ParsedListQuery {
  /** Filters, search and the cursor's position, all ANDed. Keys come from the definition, values are scalars. */
  readonly filter: ListFilter;
  /** The order, `_id` last as tiebreaker. */
  readonly sort: Readonly<Record<string, 1 | -1>>;
  /** Page size; fetch one more to know whether a next page exists. */
  readonly limit: number;
  /** The order as keys: what `page` encodes the next cursor from. */
  readonly keys: readonly SortKey[];
  /** `q` after normalization, when given. */
  readonly search?: string;
  /** A write's Position-Token (`position`), as sent: `findPage` waits until the collection shows that write. */
  readonly position?: string;
}

const MONGO_OPERATOR = { eq: '$eq', neq: '$ne', gt: '$gt', gte: '$gte', lt: '$lt', lte: '$lte' } as const;
const MAX_ITEM_MESSAGES = 10;

/** Made by `defineListQuery`. */
export class ListQuery {
  private readonly defaultKeys: readonly SortKey[];

  constructor(
    readonly compiled: CompiledDefinition,
    /** The read model it reads, whose indexes serve it, and the paths the endpoint narrows it by (see `defineListQuery`). */
    readonly readModel?: ListReadModel,
    readonly scope: readonly string[] = [],
  ) {
    const { defaultSort, fields } = compiled;
    const parsed =
      defaultSort === undefined ? ({ ok: true, value: withTiebreaker([]) } as const) : parseSort(defaultSort, fields);
    if (!parsed.ok) throw new InvalidListQueryDefinitionError(`defaultSort "${defaultSort}": ${parsed.messages.join('; ')}`);
    this.defaultKeys = parsed.value;
  }

  /**
   * The query, or an InvalidQueryError (400 `invalid-query`) that lists every bad parameter. `widenSearch`: a
   * condition of the endpoint's own that `q` also matches by (e.g. ids found by searching another collection).
   */
  parse(query: QueryInput, options: { widenSearch?: ListFilter } = {}): ParsedListQuery {
    const errors = new QueryErrors();
    const params = readQueryParams(query, errors);
    const byName = new Map<string, QueryParam[]>();
    for (const param of params) byName.set(param.name, [...(byName.get(param.name) ?? []), param]);

    const reserved = (name: string): string | undefined => {
      const sent = byName.get(name);
      if (!sent) return undefined;
      byName.delete(name);
      const withOperator = sent.find((param) => param.operator !== undefined);
      if (withOperator) errors.add(withOperator.param, `${name} takes no operator`);
      else if (sent.flatMap((param) => param.values).length > 1) errors.add(name, 'is given more than once');
      else return sent[0].values[0];
      return undefined;
    };

    const limit = this.parseLimit(reserved('limit'), errors);
    const sortParam = reserved('sort');
    const cursor = reserved('cursor');
    const q = this.compiled.search ? reserved('q') : undefined;
    const position = reserved('position');
    // Checked with the rest, before anything is read: which list it is of is for the list to tell (findPage).
    if (position !== undefined && !readPositionToken(position)) errors.add('position', 'is not a position token');

    const sort =
      sortParam === undefined ? ({ ok: true, value: this.defaultKeys } as const) : parseSort(sortParam, this.compiled.fields);
    if (!sort.ok) errors.add('sort', ...sort.messages);
    const keys = sort.ok ? sort.value : this.defaultKeys;

    const conditions: ListFilter[] = [];
    for (const [name, params] of byName) {
      const extra = this.compiled.extraKeys.get(name);
      if (extra) {
        this.checkExtra(name, extra.values, params, errors);
        continue;
      }
      const field = this.compiled.fields.get(name);
      if (field) conditions.push(...this.fieldConditions(field, params, errors));
      else for (const { param } of params) errors.add(param, `is not a parameter of this list (${this.parameterNames()})`);
    }

    const search = q === undefined ? undefined : this.searchText(q, errors);
    if (search) {
      const condition = this.searchCondition(search);
      conditions.push(options.widenSearch ? { $or: [condition, options.widenSearch] } : condition);
    }

    // Against a sort that is itself wrong, a cursor cannot be judged.
    if (cursor !== undefined && sort.ok) {
      const position = decodeCursor(cursor, keys);
      if (position.ok) conditions.push(afterCursor(keys, position.value));
      else errors.add('cursor', ...position.messages);
    }

    errors.throwIfAny(params.map(({ param }) => param));
    return {
      filter: allOf(conditions),
      sort: Object.fromEntries(keys.map((key) => [key.path, key.direction])),
      limit,
      keys,
      ...(search ? { search } : {}),
      ...(position !== undefined ? { position } : {}),
    };
  }

  /** An endpoint's own parameter that names its values: one of them; one that does not is the endpoint's to read. */
  private checkExtra(name: string, values: readonly string[] | undefined, params: readonly QueryParam[], errors: QueryErrors) {
    if (!values) return;
    const withOperator = params.find((param) => param.operator !== undefined);
    const sent = params.flatMap((param) => param.values);
    if (withOperator) errors.add(withOperator.param, `${name} takes no operator`);
    else if (sent.length > 1) errors.add(name, 'is given more than once');
    else if (!values.includes(sent[0])) errors.add(name, `must be one of: ${values.join(', ')}`);
  }

  private parseLimit(raw: string | undefined, errors: QueryErrors): number {
    if (raw === undefined) return this.compiled.defaultLimit;
    const limit = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
    if (limit >= 1 && limit <= this.compiled.maxLimit) return limit;
    errors.add('limit', `must be an integer from 1 to ${this.compiled.maxLimit}`);
    return this.compiled.defaultLimit;
  }

  /** One condition per operator on the field; the same operator twice is an error, except `in` (its lists add up). */
  private fieldConditions(field: CompiledField, params: readonly QueryParam[], errors: QueryErrors): ListFilter[] {
    const byOperator = new Map<Operator, { param: string; values: string[] }>();
    for (const { param, operator = 'eq', values } of params) {
      if (!isOperator(operator)) {
        errors.add(param, `has an unknown operator "${truncate(operator)}"; ${field.name} takes ${field.operators.join(', ')}`);
      } else if (!field.operators.includes(operator)) {
        errors.add(param, `cannot use ${operator} on ${field.name} (${field.type}); it takes ${field.operators.join(', ')}`);
      } else {
        const entry = byOperator.get(operator);
        if (entry) entry.values.push(...values);
        else byOperator.set(operator, { param, values: [...values] });
      }
    }
    const conditions: ListFilter[] = [];
    for (const [operator, { param, values }] of byOperator) {
      if (values.length > 1 && operator !== 'in') {
        errors.add(
          param,
          operator === 'eq' ? 'is given more than once; use [in] for any of several values' : 'is given more than once',
        );
        continue;
      }
      const condition = operatorCondition(field, operator, values);
      if (condition.ok) conditions.push({ [field.path]: condition.value });
      else errors.add(param, ...condition.messages);
    }
    return conditions;
  }

  private searchText(q: string, errors: QueryErrors): string | undefined {
    if (codePoints(q) > MAX_VALUE_LENGTH) errors.add('q', `must be at most ${MAX_VALUE_LENGTH} characters`);
    else if (/\p{Cc}/u.test(q)) errors.add('q', 'must not contain control characters');
    else return (this.compiled.search!.normalize ?? normalizeSearchText)(q) || undefined; // `q=` from an empty search box: no search
    return undefined;
  }

  /** Case-sensitive and anchored on normalized text: on MongoDB a prefix that an index serves. */
  private searchCondition(search: string): ListFilter {
    const branches = this.compiled.search!.paths.map((path) => ({ [path]: { $regex: `^${escapeRegex(search)}` } }));
    return branches.length === 1 ? branches[0] : { $or: branches };
  }

  private parameterNames(): string {
    const reserved = ['limit', 'cursor', 'sort', ...(this.compiled.search ? ['q'] : []), 'position'];
    return `it takes ${[...this.compiled.fields.keys(), ...reserved, ...this.compiled.extraKeys.keys()].join(', ')}`;
  }
}

/**
 * Checks the definition once, where it is declared: a mistake stops the service at start, not at the first request.
 * With its `readModel`, that includes a filter, sort or search that none of the read model's indexes serves.
 */
export function defineListQuery<const F extends Record<string, FieldDefinition>>(definition: ListQueryDefinition<F>): ListQuery {
  const compiled = compileDefinition(definition);
  const { readModel, scope = [] } = definition;
  const unindexed = readModel ? unindexedQueries(compiled, readModel.indexes ?? [], scope) : [];
  if (readModel && unindexed.length > 0) {
    throw new InvalidListQueryDefinitionError(
      `No index of ${readModel.collection} (projection ${readModel.name}) serves: ` +
        unindexed.map((need) => `${need.query} (add ${suggestedIndex(need, scope)})`).join('; '),
    );
  }
  return new ListQuery(compiled, readModel, scope);
}

function operatorCondition(field: CompiledField, operator: Operator, values: readonly string[]): Parsed<ListFilter> {
  const [raw] = values;
  switch (operator) {
    case 'exists': {
      const exists = parseBoolean(raw);
      return exists.ok ? { ok: true, value: { $exists: exists.value } } : exists;
    }
    case 'in':
      return inCondition(field, values);
    case 'contains':
    case 'startsWith': {
      const value = parseValue(field, raw);
      if (!value.ok) return value;
      // Both servers honour `i` (mongo-java-server with Unicode case folding); neither can use an index for it.
      const pattern = (operator === 'startsWith' ? '^' : '') + escapeRegex(value.value as string);
      return { ok: true, value: { $regex: pattern, $options: 'i' } };
    }
    default: {
      const value = parseValue(field, raw);
      return value.ok ? { ok: true, value: { [MONGO_OPERATOR[operator]]: value.value } } : value;
    }
  }
}

function inCondition(field: CompiledField, lists: readonly string[]): Parsed<ListFilter> {
  const items = lists.flatMap((list) => list.split(','));
  if (items.length > MAX_IN_VALUES) return invalid(`must list at most ${MAX_IN_VALUES} values`);
  const values = new Map<string | number | boolean, QueryValue>(); // duplicates dropped, dates by instant
  const problems: string[] = [];
  for (const [index, item] of items.entries()) {
    const value = parseValue(field, item);
    if (!value.ok) problems.push(`item ${index + 1} ("${truncate(item)}") ${value.messages.join('; ')}`);
    else values.set(value.value instanceof Date ? value.value.getTime() : value.value, value.value);
  }
  if (problems.length > MAX_ITEM_MESSAGES) {
    problems.splice(MAX_ITEM_MESSAGES, problems.length, `and ${problems.length - MAX_ITEM_MESSAGES} more invalid items`);
  }
  return problems.length > 0 ? invalid(...problems) : { ok: true, value: { $in: [...values.values()] } };
}

const isOperator = (name: string): name is Operator => (OPERATORS as readonly string[]).includes(name);
