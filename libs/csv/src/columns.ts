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
  /**
   * A list (`;`-separated): several columns may fill it, their cells joined in column order, as exports spread one
   * list over columns (`HomePhone`, `OtherPhone`; `Street`, `Street 2`).
   */
  readonly list?: boolean;
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

/**
 * `header → field or "ignore"`, as the client sent it (`mapping[Work Email]=email`); a key `#7` names the file's 7th
 * column (counted from 1, as a spreadsheet numbers them), for headers a file repeats.
 */
export type ColumnMapping = Readonly<Record<string, string>>;

/**
 * How surely a column's field was found, surest first: its header is the field's name as written (`email`), the
 * caller's mapping says so, its header is what another tool writes for it (`First Name`), its header is only alike
 * (`E-Mail`, `given name`), or it fills nothing (unknown, read-only, or mapped to `ignore`).
 */
export type ColumnConfidence = 'exact' | 'mapped' | 'alias' | 'resemblance' | 'none';

/** `cell → value` for one field (`Marketing Qualified Lead → marketing-qualified`); an empty value blanks the cell. */
export type ValueMapping = Readonly<Record<string, string>>;
/** Value mappings by field, as the client sent them (`values[lifecycleStage][Marketing Qualified Lead]=lead`). */
export type ValueMappings = Readonly<Record<string, ValueMapping>>;

/**
 * What a preset (another system's export) says of one kind's columns: its headers to our fields or `ignore`, its
 * values to ours, and whether a header it repeats (an export that adds the associated company's properties to each
 * person) fills from its first column only, the later ones being passed over.
 */
export interface PresetColumns {
  readonly mapping: ColumnMapping;
  readonly values?: ValueMappings;
  readonly repeatedHeaders?: 'first-fills';
}

/** A column of the file (its position counted from 1), the field it fills (undefined: passed over), its value mapping. */
export interface Column {
  position: number;
  header: string;
  field?: string;
  values?: ValueMapping;
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

/** Cells compare with a value mapping's keys as headers compare with fields. */
export const valueKey = headerKey;

/** A mapping key that names a column by position: `#7`. */
const POSITION_KEY = /^#(\d+)$/;
const positionOf = (key: string): number | undefined => {
  const match = POSITION_KEY.exec(key.trim());
  return match ? Number(match[1]) : undefined;
};

const KIND_NAME = /^[a-z][a-z0-9-]*$/;

/** How a header is read besides the mapping. */
export interface ResolveOptions {
  /** Pass over columns that fill no field instead of refusing the file. */
  ignoreUnknownColumns?: boolean;
  /** The client's value mappings by field; they win over the preset's. */
  values?: ValueMappings;
  /** What the chosen preset says of this kind's columns; the client's mapping and values win over it. */
  preset?: PresetColumns;
}

/** resolveSplitColumns' options: a preset's columns for each of the two kinds. */
export interface SplitResolveOptions extends Omit<ResolveOptions, 'preset'> {
  presets?: Readonly<Partial<Record<string, PresetColumns>>>;
}

/** resolveColumns' error for a column that fills no field (`columns[3]`). */
const isUnknown = (error: FieldError): boolean => /^columns\[\d+\]$/.test(error.field);

/** One kind's declaration, ready to resolve headers: fields by header key, read-only headers, families. */
class KindColumns {
  /** What a mapping may name, in the order messages list them. */
  readonly targets: readonly string[];
  private readonly readOnly: ReadonlySet<string>;
  private readonly exactOnly: ReadonlySet<string>;
  private readonly lists: ReadonlySet<string>;
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
    this.lists = new Set(writable.filter((field) => field.list).map((field) => field.name));
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

  isList(field: string): boolean {
    return this.lists.has(field);
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
    const targets = Object.entries(mapping)
      .filter(([, target]) => target !== IGNORE && !columns.isTarget(target))
      .map(([header, target]) => ({
        field: `mapping[${header}]`,
        messages: [`"${target}" is not a field of a ${kind} import; use one of ${columns.describeTargets()} or ${IGNORE}`],
        in: 'query' as const,
      }));
    const positions = Object.keys(mapping)
      .filter((key) => positionOf(key) === 0)
      .map((key) => ({
        field: `mapping[${key}]`,
        messages: ['columns are counted from 1 (#1 is the first)'],
        in: 'query' as const,
      }));
    return [...targets, ...positions];
  }

  /** Every value mapping of a field that is not one of `kind`'s, or that is not a map of cells to values; checked before the file is read. */
  valueMappingErrors(kind: Kind, values: ValueMappings): FieldError[] {
    const columns = this.of(kind);
    return Object.entries(values).flatMap(([field, mapping]) => {
      if (!columns.isTarget(field)) {
        return [
          {
            field: `values[${field}]`,
            messages: [`"${field}" is not a field of a ${kind} import; use one of ${columns.describeTargets()}`],
            in: 'query' as const,
          },
        ];
      }
      const entries = mapping !== null && typeof mapping === 'object' && !Array.isArray(mapping) ? Object.values(mapping) : [0];
      return entries.every((value) => typeof value === 'string')
        ? []
        : [{ field: `values[${field}]`, messages: ['maps cells to values: values[field][cell]=value'], in: 'query' as const }];
    });
  }

  /**
   * Which field each column of the header fills: the mapping first (by position `#7`, else by exact header, else by
   * key), then the preset's (by key), then the header's own name (a family's column as written, a field or an alias by
   * key). A column that fills nothing is an error unless `ignoreUnknownColumns`, so that a misspelt header does not
   * silently drop data; so are two columns for one field (a list field excepted), mapping entries naming no column, a
   * mapping by a header the file repeats (which column is meant?) and value mappings of a field no column fills. Each
   * column that fills a field takes that field's value mapping: the preset's, with the client's over it.
   */
  resolveColumns(
    kind: Kind,
    headers: readonly string[],
    mapping: ColumnMapping,
    options: ResolveOptions = {},
  ): { ok: true; columns: Column[] } | { ok: false; errors: FieldError[]; columns: Column[] } {
    const kindColumns = this.of(kind);
    const errors: FieldError[] = [];
    const trimmed = headers.map((header) => header.trim());
    // Positions (from 1) of each header by key: more than one is a repeated header.
    const positionsByKey = new Map<string, number[]>();
    trimmed.forEach((header, index) =>
      positionsByKey.set(headerKey(header), [...(positionsByKey.get(headerKey(header)) ?? []), index + 1]),
    );
    const positionsOf = (header: string) => positionsByKey.get(headerKey(header)) ?? [];

    const byPosition = new Map<number, string>();
    const byHeader: { header: string; target: string; used: boolean }[] = [];
    for (const [key, target] of Object.entries(mapping)) {
      const position = positionOf(key);
      if (position === undefined) byHeader.push({ header: key.trim(), target, used: false });
      else if (position > headers.length) {
        errors.push({ field: `mapping[${key}]`, messages: [`names no column: the file has ${headers.length}`], in: 'query' });
      } else byPosition.set(position, target);
    }
    // Mapping entries by exact header, and by key for a header written another way (`work email` for `Work Email`).
    const entryFor = (header: string) =>
      byHeader.find((entry) => entry.header === header) ??
      byHeader.find((entry) => headerKey(entry.header) === headerKey(header));
    for (const entry of byHeader) {
      const positions = positionsOf(entry.header);
      if (positions.length < 2) continue;
      entry.used = true;
      errors.push({
        field: `mapping[${entry.header}]`,
        messages: [
          `"${entry.header}" heads columns ${listed(positions)}; map each by position: ${positions.map((p) => `mapping[#${p}]=<field>`).join(', ')}`,
        ],
        in: 'query',
      });
    }
    const preset = options.preset;
    const presetTarget = (header: string) =>
      preset && Object.entries(preset.mapping).find(([presetHeader]) => headerKey(presetHeader) === headerKey(header))?.[1];

    const columns = trimmed.map((header, index): Column => {
      const position = index + 1;
      const column = (target: string | undefined): Column =>
        target === undefined || target === IGNORE ? { position, header } : { position, header, field: target };
      const mapped = byPosition.get(position);
      if (mapped !== undefined) return column(mapped);
      const positions = positionsOf(header);
      const entry = positions.length < 2 ? entryFor(header) : undefined;
      if (entry) {
        entry.used = true;
        return column(entry.target);
      }
      // The preset's export repeats this header for another record (the associated company's): the first column is the person's.
      if (preset?.repeatedHeaders === 'first-fills' && positions[0] !== position) return column(undefined);
      const field = presetTarget(header) ?? kindColumns.fieldOf(header);
      if (field) return column(field);
      if (!kindColumns.isReadOnly(header) && !options.ignoreUnknownColumns) {
        // A repeated header is named, and mapped, by its position.
        const [named, key] = positions.length > 1 ? [`${position} "${header}"`, `#${position}`] : [`"${header}"`, header];
        errors.push({
          field: `columns[${index}]`,
          messages: [
            `column ${named} fills no field; map it (mapping[${key}]=<field>), drop it (mapping[${key}]=${IGNORE}) or send ignoreUnknownColumns=true`,
          ],
        });
      }
      return column(undefined);
    });
    for (const { header } of byHeader.filter((entry) => !entry.used)) {
      errors.push({ field: `mapping[${header}]`, messages: ['names no column of the file'], in: 'query' });
    }
    const seen = new Map<string, Column>();
    for (const column of columns) {
      if (!column.field) continue;
      const first = seen.get(column.field);
      if (first === undefined) seen.set(column.field, column);
      else if (!kindColumns.isList(column.field)) errors.push({ field: 'columns', messages: [bothFill(first, column)] });
    }
    const filled = new Set(seen.keys());
    for (const field of Object.keys(options.values ?? {}).filter((field) => !filled.has(field))) {
      errors.push({ field: `values[${field}]`, messages: [`no column of the file fills ${field}`], in: 'query' });
    }
    const withValues = columns.map((column) => {
      const values = column.field && { ...preset?.values?.[column.field], ...options.values?.[column.field] };
      return values && Object.keys(values).length > 0 ? { ...column, values } : column;
    });
    return errors.length > 0 ? { ok: false, errors, columns: withValues } : { ok: true, columns: withValues };
  }

  /**
   * The columns of a file that holds rows of two kinds, told apart by the cell of its `rowsWhere.header` column (true:
   * `rowsWhere.kind`): the header resolved for each kind, the split column filling neither. A mapping entry (and a value
   * mapping) applies to the kinds its target is a field of (`ignore`: both); a column is unknown only when neither kind
   * takes it. Each kind reads its own preset (`presets`).
   */
  resolveSplitColumns(
    kind: Kind,
    rowsWhere: { kind: Kind; header: string },
    headers: readonly string[],
    mapping: ColumnMapping,
    options: SplitResolveOptions = {},
  ):
    | { ok: true; columns: Column[]; rowsWhere: RowsWhere }
    | { ok: false; errors: FieldError[]; columns: Column[]; rowsWhere?: RowsWhere } {
    const optionsOf = (of: Kind): ResolveOptions => ({
      values: options.values && this.valuesOf(of, options.values),
      preset: options.presets?.[of],
    });
    const position = headers.findIndex((header) => headerKey(header) === headerKey(rowsWhere.header)) + 1;
    if (position === 0) {
      return {
        ok: false,
        errors: [{ field: `rowsWhere[${rowsWhere.kind}]`, messages: ['names no column of the file'], in: 'query' }],
        columns: this.resolveColumns(kind, headers, mapping, { ...options, ...optionsOf(kind) }).columns,
      };
    }
    const splitHeader = headers[position - 1].trim();
    const resolve = (of: Kind) =>
      this.resolveColumns(of, headers, { ...this.mappingOf(of, mapping), [splitHeader]: IGNORE }, optionsOf(of));
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

  /**
   * The columns of an import's file: of its kind (read with the kind's preset), or of two kinds when `rowsWhere` names
   * the column that tells their rows apart (resolveSplitColumns).
   */
  resolveImport(
    headers: readonly string[],
    request: { kind: Kind; mapping: ColumnMapping; rowsWhere?: { kind: Kind; header: string } } & SplitResolveOptions,
  ):
    | { ok: true; columns: Column[]; rowsWhere?: RowsWhere }
    | { ok: false; errors: FieldError[]; columns: Column[]; rowsWhere?: RowsWhere } {
    const { kind, mapping, rowsWhere } = request;
    return rowsWhere
      ? this.resolveSplitColumns(kind, rowsWhere, headers, mapping, request)
      : this.resolveColumns(kind, headers, mapping, { ...request, preset: request.presets?.[kind] });
  }

  /** The entries of a mapping that apply to `kind`: those naming one of its fields, or `ignore`. */
  mappingOf(kind: Kind, mapping: ColumnMapping): ColumnMapping {
    const columns = this.of(kind);
    return Object.fromEntries(Object.entries(mapping).filter(([, target]) => target === IGNORE || columns.isTarget(target)));
  }

  /** The value mappings that apply to `kind`: those of its fields. */
  valuesOf(kind: Kind, values: ValueMappings): ValueMappings {
    const columns = this.of(kind);
    return Object.fromEntries(Object.entries(values).filter(([field]) => columns.isTarget(field)));
  }

  /**
   * How surely `resolveColumns` found a column's field (see ColumnConfidence): the caller's mapping (by header or
   * position) is `mapped`, a preset's header is an `alias` (another tool's name for the field).
   */
  confidenceOf(
    kind: Kind,
    { position, header, field }: Column,
    mapping: ColumnMapping,
    preset?: PresetColumns,
  ): ColumnConfidence {
    if (field === undefined) return 'none';
    const named = (entries: ColumnMapping) =>
      Object.keys(entries).some(
        (entry) => entry.trim() === header || entry.trim() === `#${position}` || headerKey(entry) === headerKey(header),
      );
    if (named(mapping)) return 'mapped';
    if (preset && named(preset.mapping)) return 'alias';
    return this.of(kind).matchOf(header, field);
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

/** `3 and 9`, `3, 9 and 12`. */
const listed = (positions: readonly number[]): string =>
  positions.length === 1 ? `${positions[0]}` : `${positions.slice(0, -1).join(', ')} and ${positions[positions.length - 1]}`;

/** Two columns for one field, with the way out: the later one mapped by position elsewhere. */
function bothFill(first: Column, second: Column): string {
  const columns =
    first.header === second.header
      ? `columns ${first.position} and ${second.position} ("${first.header}")`
      : `columns ${first.position} ("${first.header}") and ${second.position} ("${second.header}")`;
  return `${columns} both fill ${first.field}; map one by position: mapping[#${second.position}]=<field> or mapping[#${second.position}]=${IGNORE}`;
}

// Each column's value mapping by cell key, made once per job's columns (a row is read many times over).
const valueLookups = new WeakMap<Column, ReadonlyMap<string, string>>();
const valueLookup = (column: Column): ReadonlyMap<string, string> | undefined => {
  if (!column.values) return undefined;
  let lookup = valueLookups.get(column);
  if (!lookup) {
    lookup = new Map(Object.entries(column.values).map(([cell, value]) => [valueKey(cell), value.trim()]));
    valueLookups.set(column, lookup);
  }
  return lookup;
};

/**
 * The row's values by field: cells trimmed, then through their column's value mapping (by key, as headers compare);
 * blank cells and placeholders (`null`, `N/A`) left out (a blank cell changes nothing), and so are cells a value
 * mapping blanks. The columns of a list field are joined with `;`.
 */
export function valuesByField<F extends string>(
  columns: readonly Column[],
  cells: readonly string[],
): Partial<Record<F, string>> {
  const values: Partial<Record<F, string>> = {};
  columns.forEach((column, index) => {
    const trimmed = (cells[index] ?? '').trim();
    if (!column.field || trimmed === '') return;
    const mapped = valueLookup(column)?.get(valueKey(trimmed));
    const cell = mapped ?? (isPlaceholderCell(trimmed) ? '' : unescapeCell(trimmed));
    if (cell === '') return;
    // A second column of a list field (only those resolve twice) adds its items.
    const before = values[column.field as F];
    values[column.field as F] = before === undefined ? cell : `${before}${LIST_SEPARATOR}${cell}`;
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
