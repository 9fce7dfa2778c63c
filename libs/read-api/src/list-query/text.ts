/** `value` as a literal inside a regular expression: the same escapes mean the same to MongoDB (PCRE) and mongo-java-server (Java). */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/**
 * How search text is compared: lowercased, accents removed, whitespace collapsed. Projections store
 * their search paths through this same function, so `q` can be a case-sensitive anchored regex that
 * MongoDB serves from an index.
 */
export function normalizeSearchText(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}
