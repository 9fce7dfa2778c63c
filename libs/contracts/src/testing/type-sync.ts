import type { JsonSchema } from '../json-schema';
import { compileSchema, createAjv } from '../validation';

/**
 * Every field of a hand-written data type and whether it is optional, as a value a test can read.
 * Written `{ ... } satisfies FieldPresence<Data>`, so the compiler rejects a missing, extra or
 * wrongly optional field: the type's side of the type ↔ schema check.
 */
export type FieldPresence<Data> = { [Key in keyof Data]-?: undefined extends Data[Key] ? 'optional' : 'required' };

export interface TypeSyncCase<Data> {
  /** The schema of `Data`: a contract's schema, or a nested object's. */
  schema: JsonSchema;
  fields: FieldPresence<Data>;
  /** A valid instance with every optional field present. */
  sample: Required<Data>;
}

/**
 * Jest tests that a schema and its hand-written data type agree both ways: the same fields, the
 * same ones required, the type's sample valid, and the schema rejecting what the type forbids (a
 * missing required field, a field the type lacks, a string over its bound). Call inside `describe`.
 */
export function itKeepsTypeAndSchemaInSync<Data>({ schema, fields, sample }: TypeSyncCase<Data>): void {
  const validate = compileSchema(createAjv(), schema);
  const presence = fields as Record<string, 'optional' | 'required'>;
  const names = Object.keys(presence).sort();
  const required = names.filter((name) => presence[name] === 'required');
  const optional = names.filter((name) => presence[name] === 'optional');

  it('has the fields of its type, with the same ones required', () => {
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(names);
    expect([...(schema.required ?? [])].sort()).toEqual(required);
  });

  it('accepts the sample with all fields', () => {
    expect(validate(sample)).toEqual([]);
  });

  if (optional.length > 0) {
    it.each(optional)('accepts the sample without optional %s', (name) => {
      expect(validate(without(sample, name))).toEqual([]);
    });
  }

  it.each(required)('rejects the sample without %s', (name) => {
    expect(validate(without(sample, name))).toContainEqual(expect.objectContaining({ path: `/${name}`, keyword: 'required' }));
  });

  it('rejects a field the type does not have', () => {
    expect(validate({ ...sample, unexpected: 'x' })).toContainEqual(
      expect.objectContaining({ path: '/unexpected', keyword: 'additionalProperties' }),
    );
  });

  const bounded = boundedStrings(schema, '');
  if (bounded.length > 0) {
    it.each(bounded)('rejects %s over its maxLength of %d', (pointer, maxLength) => {
      const tooLong = withValueAt(sample, pointer, 'a'.repeat(maxLength + 1));
      expect(validate(tooLong)).toContainEqual(expect.objectContaining({ path: pointer, keyword: 'maxLength' }));
    });
  }
}

function without(sample: unknown, name: string): Record<string, unknown> {
  const copy = { ...(sample as Record<string, unknown>) };
  delete copy[name];
  return copy;
}

/** Pointers and bounds of every bounded string among (nested) object properties. */
function boundedStrings(schema: JsonSchema, path: string): [string, number][] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]): [string, number][] => {
    const pointer = `${path}/${name}`;
    if (property.type === 'string' && property.maxLength !== undefined) return [[pointer, property.maxLength]];
    return property.type === 'object' ? boundedStrings(property, pointer) : [];
  });
}

function withValueAt(sample: unknown, pointer: string, value: unknown): unknown {
  const copy = structuredClone(sample) as Record<string, unknown>;
  const segments = pointer.split('/').slice(1);
  let node = copy;
  for (const segment of segments.slice(0, -1)) node = node[segment] as Record<string, unknown>;
  node[segments[segments.length - 1]] = value;
  return copy;
}
