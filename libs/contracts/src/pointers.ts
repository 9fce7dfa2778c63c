/**
 * Applies `change` to every value a contract's PII pointer designates (`/name`, `/emails/*`,
 * `/participants/*\/email`), returning a copy; absent values are left absent.
 */
export function mapAtPointers(data: unknown, pointers: readonly string[], change: (value: unknown) => unknown): unknown {
  let result = data;
  for (const pointer of pointers) result = mapAt(result, segmentsOf(pointer), change);
  return result;
}

function segmentsOf(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function mapAt(node: unknown, segments: readonly string[], change: (value: unknown) => unknown): unknown {
  if (segments.length === 0) return node === undefined ? node : change(node);
  const [head, ...rest] = segments;
  if (head === '*') return Array.isArray(node) ? node.map((item) => mapAt(item, rest, change)) : node;
  if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, head)) return node;
  return { ...node, [head]: mapAt((node as Record<string, unknown>)[head], rest, change) };
}

/** The data with every personal value (the contract's PII pointers) set to null: what an erased person's events become. */
export function redact(data: unknown, pointers: readonly string[]): unknown {
  return mapAtPointers(data, pointers, () => null);
}

/** Whether any personal value is null: personal data is never null in plaintext, so the person was erased. */
export function isRedacted(data: unknown, pointers: readonly string[]): boolean {
  // Read on every decode: walks the data without copying it, as mapAtPointers would.
  for (const pointer of pointers) for (const value of valuesAt(data, segmentsOf(pointer))) if (value === null) return true;
  return false;
}

function* valuesAt(node: unknown, segments: readonly string[]): Generator<unknown> {
  if (segments.length === 0) {
    if (node !== undefined) yield node;
    return;
  }
  const [head, ...rest] = segments;
  if (head === '*') {
    if (Array.isArray(node)) for (const item of node) yield* valuesAt(item, rest);
    return;
  }
  if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, head)) return;
  yield* valuesAt((node as Record<string, unknown>)[head], rest);
}

/** `/changes/name/given` is at or below `/changes/name`; `*` in a pointer matches any one segment. */
export function isAtOrBelow(path: string, pointer: string): boolean {
  const at = path.split('/');
  const under = pointer.split('/');
  return under.length <= at.length && under.every((segment, index) => segment === '*' || segment === at[index]);
}

/** The fields still readable: those an erasure left null (see `redact`) are dropped, as if never given. */
export function withoutRedacted<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null)) as Partial<T>;
}
