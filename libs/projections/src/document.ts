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
  const body: Record<string, unknown> = {};
  for (const field in stored) if (field !== '_id' && field !== '_meta') body[field] = stored[field];
  return body;
}

/** The stored form of a projection's document: its fields but undefined ones (MongoDB would store them as null). */
export function toStored(id: string, body: object, meta: DocumentMeta): StoredDocument {
  const stored: StoredDocument = { _id: id, _meta: meta };
  for (const [field, value] of Object.entries(body))
    if (value !== undefined && field !== '_id' && field !== '_meta') stored[field] = value;
  return stored;
}
