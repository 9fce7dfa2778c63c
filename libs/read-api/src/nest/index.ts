export { ApiListQuery } from './api-list-query';
