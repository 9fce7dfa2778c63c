// OpenAPI vendor extensions the services' documents carry, for readers and for the API gate's fuzzer (docs/api.md).

/** A property or parameter whose values are checked beyond what its schema says (a phone number valid in its country), in words; its `example` keeps the rule. */
export const OPENAPI_RULE_EXTENSION = 'x-crm-rule';

/** A parameter whose values only come from an earlier response (a cursor, a Position-Token): none can be made up. */
export const OPENAPI_OPAQUE_EXTENSION = 'x-crm-opaque';
