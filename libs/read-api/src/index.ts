// The HTTP read side of read models: the list query language (filters, sort, search, cursor pages) and
// Position-Token (read-your-writes on a list). Nest decorators under nest/.
export * from './list-query';
export {
  DEFAULT_POSITION_WAIT_MS,
  InvalidPositionTokenError,
  parsePositionToken,
  POSITION_TOKEN_HEADER,
  positionToken,
  ReadModelBehindError,
  waitForPosition,
  type ReadPosition,
} from './read-position';
