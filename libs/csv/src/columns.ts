import type { FieldError } from '@crm/platform';
import { unescapeCell } from './cells';
import type { DateOrder } from './dates';
import { isPlaceholderCell } from './placeholders';

/** A field a file of one kind can fill; its name is its header in an export and what a mapping names. */
export interface FieldDeclaration {
  readonly name: string;
  /** Headers other tools write for it, understood without a mapping: `First Name` for `givenName`. */
  readonly aliases?: readonly string[];
  /** Written by exports for reference (`createdAt`): an import passes over a column headed exactly so. */
  readonly readOnly?: boolean;
  /**
   * Filled without a mapping only by a header written exactly as its name: for an id of ours, which another system's
   * `Contact ID` or `OwnerId` (its own ids) must not fill by resemblance.
   */
  readonly exactNameOnly?: boolean;
  /** Holds dates: the import reads its cells in the file's day/month order (`dateOrder`, or told by its values). */
  readonly date?: boolean;
}

/**
 * Columns named by a pattern rather than listed, because which there are is data, not code: a contacts file's
 * `custom.<key>` for each declared custom field. A header the family includes, as written, fills the field of that
 * name; so does a column mapped to one. Whether the field really exists is the row importer's to judge.
 */
export interface ColumnFamily {
  /** How messages name the family: `custom.<key>`. */
  readonly pattern: string;
  readonly includes: (column: string) => boolean;
  /** Its columns may hold dates (a custom field of type date): their day/month order is looked for as for a date field. */
  readonly mayHoldDates?: boolean;
}

/** What a file of one kind can hold: its fields (a bare name for a field without aliases) and column families. */
export interface ImportKindDeclaration {
  readonly fields: readonly (string | FieldDeclaration)[];
  readonly families?: readonly ColumnFamily[];
}

/** `header → field or "ignore"`, as the client sent it (`mapping[Work Email]=email`). */
export type ColumnMapping = Readonly<Record<string, string>>;

/**
 * How surely a column's field was found, surest first: its header is the field's name as written (`email`), the
 * caller's mapping says so, its header is what another tool writes for it (`First Name`), its header is only alike
 * (`E-Mail`, `given name`), or it fills nothing (unknown, read-only, or mapped to `ignore`).
 */
export type ColumnConfidence = 'exact' | 'mapped' | 'alias' | 'resemblance' | 'none';

/** A column of the file and the field it fills (undefined: passed over). */
export interface Column {
  header: string;
  field?: string;
  /** Of a date column: the order of its dates, given with the import or told by its values. */
  dateOrder?: DateOrder;
}

/** The rows of a second kind in a file: those whose cell in the column at `position` (1-based) is true, read by `columns`. */
export interface RowsWhere {
  kind: string;
  header: string;
  position: number;
  columns: Column[];
}

/** The mapping target that drops a column. */
export const IGNORE = 'ignore';

/** Cells that hold lists separate their items with this. */
export const LIST_SEPARATOR = ';';

/** Headers compare without case, spaces or punctuation: `E-Mail`, `email` and `E mail` are one. */
export const headerKey = (header: string): string => header.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

const KIND_NAME = /^[a-z][a-z0-9-]*$/;

/** resolveColumns' error for a column that fills no field (`columns[3]`). */
const isUnknown = (error: FieldError): boolean => /^columns\[\d+\]$/.test(error.field);

/** One kind's declaration, ready to resolve headers: fields by header key, read-only headers, families. */
class KindColumns {
  /** What a mapping may name, in the order messages list them. */
  readonly targets: readonly string[];
  private readonly readOnly: ReadonlySet<string>;
  private readonly exactOnly: ReadonlySet<string>;
  private readonly dates: ReadonlySet<string>;
  private readonly byKey: ReadonlyMap<string, string>;
  private readonly aliasKeys: ReadonlySet<string>;
  private readonly families: readonly ColumnFamily[];

  constructor(
    readonly kind: string,
    declaration: ImportKindDeclaration,
  ) {
    const fields = declaration.fields.map((field) => (typeof field === 'string' ? { name: field } : field));
    const writable = fields.filter((field) => !field.readOnly);
    this.targets = writable.map((field) => field.name);
    this.readOnly = new Set(fields.filter((field) => field.readOnly).map((field) => field.name));
    this.exactOnly = new Set(writable.filter((field) => field.exactNameOnly).map((field) => field.name));
    this.dates = new Set(writable.filter((field) => field.date).map((field) => field.name));
    // Aliases first: a field's own name wins over another field's alias written the same way.
    this.byKey = new Map([
      ...writable.flatMap((field) => (field.aliases ?? []).map((alias): [string, string] => [headerKey(alias), field.name])),
      ...writable.filter((field) => !field.exactNameOnly).map((field): [string, string] => [headerKey(field.name), field.name]),
    ]);
    this.aliasKeys = new Set(writable.flatMap((field) => (field.aliases ?? []).map(headerKey)));
    this.families = declaration.families ?? [];
  }

  /** How a header names the field it fills by itself: written as its name, an alias, or only alike. */
  matchOf(header: string, field: string): 'exact' | 'alias' | 'resemblance' {
    if (header === field) return 'exact';
    return this.aliasKeys.has(headerKey(header)) && this.byKey.get(headerKey(header)) === field ? 'alias' : 'resemblance';
  }

  isTarget(target: string): boolean {
    return this.targets.includes(target) || this.families.some((family) => family.includes(target));
  }

  /** The field a header fills by itself (without a mapping): a family's column as written, else a field by key. */
  fieldOf(header: string): string | undefined {
    if (this.families.some((family) => family.includes(header)) || this.exactOnly.has(header)) return header;
    return this.byKey.get(headerKey(header));
  }

  holdsDates(field: string): boolean {
    return this.dates.has(field) || this.families.some((family) => family.mayHoldDates && family.includes(field));
  }

  isReadOnly(header: string): boolean {
    return this.readOnly.has(header);
  }

  describeTargets(): string {
    return [...this.targets, ...this.families.map((family) => family.pattern)].join(', ');
  }
}

/**
 * The kinds of rows a service imports (`contacts`, `companies`), each with the columns its files can have. The first
 * kind is the one of a file that names none.
 */
export class ImportKinds<Kind extends string = string> {
  readonly names: readonly Kind[];
  private readonly columns: ReadonlyMap<string, KindColumns>;

  constructor(declarations: Readonly<Record<Kind, ImportKindDeclaration>>) {
    this.names = Object.keys(declarations) as Kind[];
    const wrong = this.names.filter((kind) => !KIND_NAME.test(kind));
    if (this.names.length === 0 || wrong.length > 0) {
      throw new Error(`Import kinds must be lower-case words (kebab-case), at least one: ${JSON.stringify(this.names)}`);
    }
    this.columns = new Map(this.names.map((kind) => [kind, new KindColumns(kind, declarations[kind])]));
  }

  get defaultKind(): Kind {
    return this.names[0];
  }

  /**
   * A small file whose columns every kind takes (the fields they share), for the API document: an example that is a
   * good file whatever `kind` says. Its one row may still be a bad row of some kind (an import reports those).
   */
  exampleFile(): string {
    const [first, ...others] = this.names.map((kind) => this.of(kind));
    const shared = first.targets.filter((field) => others.every((kind) => kind.fieldOf(field) === field)).slice(0, 4);
    return `${shared.join(',')}\n${shared.map((_, index) => `example-${index + 1}`).join(',')}\n`;
  }

  has(kind: string): kind is Kind {
    return this.columns.has(kind);
  }

  /** Whether a field of `kind` holds dates (a date field, or a column of a family that may). */
  holdsDates(kind: Kind, field: string): boolean {
    return this.of(kind).holdsDates(field);
  }

  /** Every mapping entry whose target is neither a field of `kind`, nor in one of its families, nor `ignore`; checked before the file is read. */
  mappingErrors(kind: Kind, mapping: ColumnMapping): FieldError[] {
    const columns = this.of(kind);
    return Object.entries(mapping)
      .filter(([, target]) => target !== IGNORE && !columns.isTarget(target))
      .map(([header, target]) => ({
        field: `mapping[${header}]`,
        messages: [`"${target}" is not a field of a ${kind} import; use one of ${columns.describeTargets()} or ${IGNORE}`],
        in: 'query' as const,
      }));
  }

  /**
   * Which field each column of the header fills: the mapping first (by exact header, else by key), then the header's
   * own name (a family's column as written, a field or an alias by key). A column that fills nothing is an error unless
   * `ignoreUnknownColumns`, so that a misspelt header does not silently drop data; two columns for one field and mapping
   * entries naming no column are errors too.
   */
  resolveColumns(
    kind: Kind,
    headers: readonly string[],
    mapping: ColumnMapping,
    options: { ignoreUnknownColumns?: boolean } = {},
  ): { ok: true; columns: Column[] } | { ok: false; errors: FieldError[]; columns: Column[] } {
    const kindColumns = this.of(kind);
    const errors: FieldError[] = [];
    // Mapping entries by exact header, and by key for a header written another way (`work email` for `Work Email`).
    const entries = Object.entries(mapping).map(([header, target]) => ({ header: header.trim(), target, used: false }));
    const entryFor = (header: string) =>
      entries.find((entry) => entry.header === header) ?? entries.find((entry) => headerKey(entry.header) === headerKey(header));
    const columns = headers.map((raw, index): Column => {
      const header = raw.trim();
      const entry = entryFor(header);
      if (entry) {
        entry.used = true;
        return entry.target === IGNORE ? { header } : { header, field: entry.target };
      }
      const field = kindColumns.fieldOf(header);
      if (field) return { header, field };
      if (!kindColumns.isReadOnly(header) && !options.ignoreUnknownColumns) {
        errors.push({
          field: `columns[${index}]`,
          messages: [
            `column "${header}" fills no field; map it (mapping[${header}]=<field>), drop it (mapping[${header}]=${IGNORE}) or send ignoreUnknownColumns=true`,
          ],
        });
      }
      return { header };
    });
    for (const { header } of entries.filter((entry) => !entry.used)) {
      errors.push({ field: `mapping[${header}]`, messages: ['names no column of the file'], in: 'query' });
    }
    const seen = new Map<string, string>();
    for (const { header, field } of columns) {
      if (!field) continue;
      const first = seen.get(field);
      if (first !== undefined) errors.push({ field: `columns`, messages: [`"${first}" and "${header}" both fill ${field}`] });
      else seen.set(field, header);
    }
    return errors.length > 0 ? { ok: false, errors, columns } : { ok: true, columns };
  }

  /**
   * The columns of a file that holds rows of two kinds, told apart by the cell of its `rowsWhere.header` column (true:
   * `rowsWhere.kind`): the header resolved for each kind, the split column filling neither. A mapping entry applies to
   * the kinds its target is a field of (`ignore`: both); a column is unknown only when neither kind takes it.
   */
  resolveSplitColumns(
    kind: Kind,
    rowsWhere: { kind: Kind; header: string },
    headers: readonly string[],
    mapping: ColumnMapping,
    options: { ignoreUnknownColumns?: boolean } = {},
  ):
    | { ok: true; columns: Column[]; rowsWhere: RowsWhere }
    | { ok: false; errors: FieldError[]; columns: Column[]; rowsWhere?: RowsWhere } {
    const position = headers.findIndex((header) => headerKey(header) === headerKey(rowsWhere.header)) + 1;
    if (position === 0) {
      return {
        ok: false,
        errors: [{ field: `rowsWhere[${rowsWhere.kind}]`, messages: ['names no column of the file'], in: 'query' }],
        columns: this.resolveColumns(kind, headers, mapping, options).columns,
      };
    }
    const splitHeader = headers[position - 1].trim();
    const resolve = (of: Kind) => this.resolveColumns(of, headers, { ...this.mappingOf(of, mapping), [splitHeader]: IGNORE });
    const [main, other] = [resolve(kind), resolve(rowsWhere.kind)];
    const unknownTo = (resolved: typeof main) =>
      new Set(resolved.ok ? [] : resolved.errors.filter(isUnknown).map((e) => e.field));
    const [unknownToMain, unknownToOther] = [unknownTo(main), unknownTo(other)];
    const errors = [...(main.ok ? [] : main.errors), ...(other.ok ? [] : other.errors)].filter(
      (error, index, all) =>
        // A column unknown to one kind is the other's; one unknown to both is refused (once) unless unknown ones are ignored.
        (!isUnknown(error) ||
          (unknownToMain.has(error.field) && unknownToOther.has(error.field) && !options.ignoreUnknownColumns)) &&
        all.findIndex((first) => JSON.stringify(first) === JSON.stringify(error)) === index,
    );
    const split = { kind: rowsWhere.kind, header: splitHeader, position, columns: other.columns };
    return errors.length > 0
      ? { ok: false, errors, columns: main.columns, rowsWhere: split }
      : { ok: true, columns: main.columns, rowsWhere: split };
  }

  /** The entries of a mapping that apply to `kind`: those naming one of its fields, or `ignore`. */
  mappingOf(kind: Kind, mapping: ColumnMapping): ColumnMapping {
    const columns = this.of(kind);
    return Object.fromEntries(Object.entries(mapping).filter(([, target]) => target === IGNORE || columns.isTarget(target)));
  }

  /** How surely `resolveColumns` found a column's field (see ColumnConfidence). */
  confidenceOf(kind: Kind, { header, field }: Column, mapping: ColumnMapping): ColumnConfidence {
    if (field === undefined) return 'none';
    const mapped = Object.keys(mapping).some((entry) => entry.trim() === header || headerKey(entry) === headerKey(header));
    return mapped ? 'mapped' : this.of(kind).matchOf(header, field);
  }

  private of(kind: Kind): KindColumns {
    const columns = this.columns.get(kind);
    if (!columns) throw new Error(`Unknown import kind "${kind}"; known: ${this.names.join(', ')}`);
    return columns;
  }
}

/** Declares the kinds a service imports: `defineImportKinds({ contacts: { fields: [...] }, companies: {...} })`. */
export function defineImportKinds<Kind extends string>(
  declarations: Readonly<Record<Kind, ImportKindDeclaration>>,
): ImportKinds<Kind> {
  return new ImportKinds(declarations);
}

/** The row's values by field: cells trimmed, blank cells and placeholders (`null`, `N/A`) left out (a blank cell changes nothing). */
export function valuesByField<F extends string>(
  columns: readonly Column[],
  cells: readonly string[],
): Partial<Record<F, string>> {
  const values: Partial<Record<F, string>> = {};
  columns.forEach(({ field }, index) => {
    const cell = (cells[index] ?? '').trim();
    if (field && cell !== '' && !isPlaceholderCell(cell)) values[field as F] = unescapeCell(cell);
  });
  return values;
}

/** `a; b;;c` → `['a', 'b', 'c']`. */
export const listItems = (cell: string | undefined): string[] | undefined =>
  cell === undefined
    ? undefined
    : cell
        .split(LIST_SEPARATOR)
        .map((item) => item.trim())
        .filter((item) => item !== '');
