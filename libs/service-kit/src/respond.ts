import type { Response } from 'express';
import { etagOf } from '@crm/platform';
import type { ProjectionDefinition } from '@crm/projections';
import { POSITION_TOKEN_HEADER, positionToken, type ReadPosition } from '@crm/read-api';

/**
 * What a use case that wrote (or read one aggregate) answers: the view, the stream revision it shows (the ETag),
 * and where the write will show in a read model, for `Position-Token`.
 */
export interface Written<View> {
  readonly view: View;
  readonly revision: number;
  readonly position?: ReadPosition;
}

/** Where a write to `stream` will show in a projection's document: what a list waits for with `?position=`. */
export function positionIn(
  projection: Pick<ProjectionDefinition, 'collection'>,
  documentId: string,
  stream: string,
  revision: number,
): ReadPosition {
  return { collection: projection.collection, documentId, stream, revision };
}

/**
 * The one place a result becomes HTTP headers: `ETag` (the revision), `Position-Token` and, for a create, `Location`
 * and its status. Returns the body. Use with `@Res({ passthrough: true })`.
 */
export function respond<View>(
  response: Response,
  { view, revision, position }: Written<View>,
  { location, status }: { location?: string; status?: number } = {},
): View {
  response.setHeader('ETag', etagOf(revision));
  if (position) response.setHeader(POSITION_TOKEN_HEADER, positionToken(position));
  if (location) response.location(location);
  if (status) response.status(status);
  return view;
}
