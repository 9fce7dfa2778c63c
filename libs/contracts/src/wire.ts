import type { AnyEventContract } from './contract';
import { PII_KEYWORD, type JsonSchema } from './json-schema';

/** What a sealed personal value starts with on the wire: libs/privacy writes `pii:v1:` + base64url(iv | tag | ciphertext). */
export const SEALED_VALUE_PREFIX = 'pii:v1:';
/** A sealed personal value, as a JSON Schema pattern. */
export const SEALED_VALUE_PATTERN = `^${SEALED_VALUE_PREFIX}[A-Za-z0-9_-]+$`;
/** Beside a sealed value in a wire schema: the schema of the value it opens to. */
export const OPENED_KEYWORD = 'x-pii-opened';

/**
 * Whether Kafka can carry an event of this contract with its personal data null: one stored in an earlier version is
 * opened and upcast on its way out, and once its customer is erased nothing is left to seal (PersonalDataVault.toPublished).
 * An event stored in its own version is published as stored, its values sealed.
 */
export const mayBePublishedErased = (contract: AnyEventContract): boolean => contract.version > 1;

/**
 * The schema of a contract's event data as Kafka carries it: each personal value (`x-pii`) sealed, a `pii:v1:` string
 * (or null, see mayBePublishedErased), with the opened value's schema under `x-pii-opened`. The contract's own schema
 * describes the data opened, as the domain and the consumers that use libs/privacy see it.
 */
export function wireSchema(contract: AnyEventContract): JsonSchema {
  if (contract.pii.length === 0) return contract.schema;
  const nullable = mayBePublishedErased(contract);
  return {
    ...sealedWithin(contract.schema, nullable),
    $id: `${contract.schema.$id}:sealed`,
    title: `${contract.schema.title}, personal data sealed`,
  };
}

/**
 * The schema of a contract's event data as a consumer that opens it sees it (libs/privacy's decode): each personal
 * value opened, or null once its customer is erased (the key is gone). Analytics' timeline serves data so.
 */
export function openedSchema(contract: AnyEventContract): JsonSchema {
  if (contract.pii.length === 0) return contract.schema;
  return piiReplaced(contract.schema, ({ [PII_KEYWORD]: _marked, ...opened }) => ({
    anyOf: [opened, { type: 'null' }],
    ...(opened.description && { description: `${opened.description} Null once the customer is erased.` }),
    [PII_KEYWORD]: true,
  }));
}

function sealedWithin(node: JsonSchema, nullable: boolean): JsonSchema {
  return piiReplaced(node, (value) => sealed(value, nullable));
}

/** The schema with each personal value's schema (`x-pii`) replaced. */
function piiReplaced(node: JsonSchema, replace: (value: JsonSchema) => JsonSchema): JsonSchema {
  if (node[PII_KEYWORD] === true) return replace(node);
  const within = (child: JsonSchema) => piiReplaced(child, replace);
  return {
    ...node,
    ...(node.properties && {
      properties: Object.fromEntries(Object.entries(node.properties).map(([name, child]) => [name, within(child)])),
    }),
    ...(node.items && { items: within(node.items) }),
    ...(node.anyOf && { anyOf: node.anyOf.map(within) }),
    ...(node.oneOf && { oneOf: node.oneOf.map(within) }),
  };
}

function sealed(opened: JsonSchema, nullable: boolean): JsonSchema {
  const { [PII_KEYWORD]: _marked, ...openedValue } = opened;
  const text: JsonSchema = { type: 'string', pattern: SEALED_VALUE_PATTERN };
  const says = nullable
    ? "Personal data, sealed with the customer's key (`pii:v1:…`); null when this event, stored in an earlier version, was published after the customer's erasure."
    : "Personal data, sealed with the customer's key (`pii:v1:…`).";
  return {
    ...(nullable ? { anyOf: [text, { type: 'null' }] } : text),
    description: opened.description ? `${opened.description} ${says}` : says,
    [PII_KEYWORD]: true,
    [OPENED_KEYWORD]: openedValue,
  };
}
