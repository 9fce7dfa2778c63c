/** What the runner records on every document it writes. */
export interface DocumentMeta {
  /** Last applied revision per source stream (stream names encoded by `streamKey`). */
  streams: Record<string, number>;
  /** Incremented on every write; replaces and deletes are guarded by it. */
  version: number;
  /**
   * The state generation that wrote the collection this document lives in. Guards carry it too, so a
   * write planned against a collection that a rebuild has since replaced can never match.
   */
  generation: number;
  updatedAt: Date;
}

export interface StoredDocument {
  _id: string;
  _meta: DocumentMeta;
  [field: string]: unknown;
}

/** Field names cannot hold `.` or start with `$`; `%` is escaped too so the encoding stays reversible. */
export function streamKey(stream: string): string {
  return stream.replace(/[%.$]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The projection's view of a stored document: without `_id` and `_meta`. */
export function bodyOf(stored: StoredDocument): Record<string, unknown> {
  const { _id: _id, _meta: _meta, ...body } = stored;
  return body;
}

export function toStored(id: string, body: object, meta: DocumentMeta): StoredDocument {
  const { _id: _ignoredId, _meta: _ignoredMeta, ...fields } = body as Record<string, unknown>;
  return { _id: id, ...fields, _meta: meta };
}

/** A read model document without its undefined fields: absent values are left out rather than stored. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
