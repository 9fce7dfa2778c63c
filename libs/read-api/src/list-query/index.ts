export {
  InvalidListQueryDefinitionError,
  OPERATORS,
  OPERATORS_BY_TYPE,
  type DateTimeField,
  type EnumField,
  type FieldDefinition,
  type FieldType,
  type ListQueryDefinition,
  type ListReadModel,
  type Operator,
  type ScalarField,
  type SearchDefinition,
  type StringField,
} from './definition';
export { defineListQuery, ListQuery, type ParsedListQuery } from './list-query';
export { indexNeeds, orderIsIndexed, suggestedIndex, unindexedQueries, type IndexNeed } from './indexes';
export { findPage, page, waitForListPosition, type FindPageOptions, type ListPage } from './page';
export { INVALID_QUERY, InvalidQueryError } from './errors';
export { escapeRegex, normalizeSearchText } from './text';
export { describeListQuery } from './describe';
export type { ListFilter } from './filter';
export type { QueryInput } from './query-params';
export type { SortKey } from './sort';
