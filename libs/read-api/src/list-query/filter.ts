/** A MongoDB filter whose keys come from the definition and whose values are plain scalars (or lists of them). */
export type ListFilter = Record<string, unknown>;

/**
 * The conjunction of `conditions`, as flat as it can be: `{ createdAt: { $gte } }` and
 * `{ createdAt: { $lt } }` merge into one range; anything that would collide goes into `$and`.
 */
export function allOf(conditions: readonly ListFilter[]): ListFilter {
  const merged: ListFilter = {};
  const rest: ListFilter[] = [];
  for (const condition of conditions) {
    for (const [key, value] of Object.entries(condition)) {
      const current = merged[key];
      if (!Object.hasOwn(merged, key)) merged[key] = value;
      else if (isOperators(current) && isOperators(value) && Object.keys(value).every((op) => !Object.hasOwn(current, op))) {
        merged[key] = { ...current, ...value };
      } else rest.push({ [key]: value });
    }
  }
  return rest.length === 0 ? merged : { $and: [merged, ...rest] };
}

const isOperators = (value: unknown): value is Record<string, unknown> =>
  value !== null &&
  typeof value === 'object' &&
  Object.getPrototypeOf(value) === Object.prototype &&
  Object.keys(value).every((key) => key.startsWith('$'));
