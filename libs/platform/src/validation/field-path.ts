const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INDEX = /^\d+$/;

/** Appends a key to a field path the way clients write it: `emails[0].address`, `attributes["a.b"]`. */
export function appendPath(path: string, key: string | number, isIndex = typeof key === 'number'): string {
  if (isIndex) return `${path}[${key}]`;
  const name = String(key);
  if (!IDENTIFIER.test(name) && !name.startsWith('$')) return `${path}[${JSON.stringify(name)}]`;
  return path === '' ? name : `${path}.${name}`;
}

export const looksLikeIndex = (key: string): boolean => INDEX.test(key);
