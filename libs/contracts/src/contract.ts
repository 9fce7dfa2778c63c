import type { Static, TObject } from '@sinclair/typebox';
import { ContractDefinitionError } from './errors';
import { contractSchemaProblems, JSON_SCHEMA_DRAFT_07, piiPointers, toJsonSchema, type JsonSchema } from './json-schema';

/** Keys of `Data` whose value is a string: the only candidates for a customer id. */
export type StringField<Data> = { [Key in keyof Data]-?: Data[Key] extends string ? Key : never }[keyof Data] & string;

/** How the customer timeline shows an event. */
export interface TimelinePresentation {
  /** Lower-case kebab-case, what the timeline filters by: `profile`, `interaction`. */
  readonly category: string;
  /** Short, in sentence case: `Contact created`. */
  readonly title: string;
}

export interface EventDefinition<Name extends string = string, S extends TObject = TObject> {
  /** The owning service; its events go to the Kafka topic `crm.<service>`. */
  service: string;
  /** Past-tense fact in PascalCase, the event type in the store: `ContactCreated`. */
  name: Name;
  /** Schema version, from 1; a breaking change gets the next one and an upcaster. */
  version: number;
  /** For the catalog: what happened, in business terms. */
  description: string;
  /** The data schema in TypeBox; `$schema`, `$id`, `title` and `description` are added. Mark personal data with `pii()`. */
  schema: S;
  /** The data field holding the customer (contact) id: Kafka key and CloudEvents subject. */
  customerIdField?: StringField<Static<S>>;
  /**
   * The data field naming whose key seals the personal data, when not the customer's: e.g. a merge's values
   * that came from other people are sealed with a key of the merge, erased with any of them.
   */
  piiSubjectField?: StringField<Static<S>>;
  /** How the customer timeline shows the event: required for an event that concerns a customer, and only for one. */
  timeline?: TimelinePresentation;
  /** A realistic instance, shown in the docs and checked against the schema. */
  example: Static<S>;
}

export interface EventContract<Data = unknown, Name extends string = string> {
  readonly service: string;
  readonly name: Name;
  readonly version: number;
  readonly description: string;
  readonly schema: JsonSchema;
  readonly customerIdField?: string;
  /** Whose key seals the personal data when not the customer's (see EventDefinition). */
  readonly piiSubjectField?: string;
  /** JSON pointers to personal data, from the schema's `x-pii` marks. */
  readonly pii: readonly string[];
  readonly timeline?: TimelinePresentation;
  readonly example: Data;
}

export type AnyEventContract = EventContract<unknown>;

/** The data of a contract's events. */
export type DataOf<C> = C extends EventContract<infer D, string> ? D : never;
/** The domain event a contract describes: { type: name, data } */
export type EventOf<C> = C extends EventContract<infer D, infer N> ? { type: N; data: D } : never;

const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;
const EVENT_NAME = /^[A-Z][A-Za-z0-9]*$/;
const TIMELINE_CATEGORY = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Defines one version of an event type. Throws ContractDefinitionError when the definition cannot be a contract. */
export function defineEvent<const Name extends string, S extends TObject>(
  definition: EventDefinition<Name, S>,
): EventContract<Static<S>, Name> {
  const { service, name, version, description, customerIdField, piiSubjectField, timeline, example } = definition;
  const dataSchema = toJsonSchema(definition.schema);
  const problems: string[] = [];
  if (!SERVICE_NAME.test(service)) problems.push(`service "${service}" must be lower-case kebab-case`);
  if (!EVENT_NAME.test(name)) problems.push(`name "${name}" must be PascalCase letters and digits`);
  if (!Number.isInteger(version) || version < 1) problems.push(`version ${version} must be an integer from 1`);
  if (!description.trim()) problems.push('description is empty');
  problems.push(...contractSchemaProblems(dataSchema));
  if (customerIdField !== undefined) {
    const field = dataSchema.properties?.[customerIdField];
    if (field?.type !== 'string' || !dataSchema.required?.includes(customerIdField)) {
      problems.push(`customerIdField "${customerIdField}" must be a required string property`);
    }
  }
  if (piiSubjectField !== undefined) {
    const field = dataSchema.properties?.[piiSubjectField];
    if (field?.type !== 'string' || !dataSchema.required?.includes(piiSubjectField)) {
      problems.push(`piiSubjectField "${piiSubjectField}" must be a required string property`);
    }
  }
  if (customerIdField === undefined && piiPointers(dataSchema).length > 0) {
    problems.push("personal data (pii) needs a customerIdField: it is sealed with that customer's key");
  }
  problems.push(...timelineProblems(timeline, customerIdField !== undefined));
  if (problems.length > 0) throw new ContractDefinitionError(`${name} v${version}: ${problems.join('; ')}`);

  const schema: JsonSchema = {
    $schema: JSON_SCHEMA_DRAFT_07,
    $id: `urn:crm:${service}:${name}:v${version}`,
    title: `${name} v${version}`,
    description,
    ...dataSchema,
  };
  return Object.freeze({
    service,
    name,
    version,
    description,
    schema,
    customerIdField,
    ...(piiSubjectField !== undefined && { piiSubjectField }),
    pii: piiPointers(schema),
    ...(timeline !== undefined && { timeline: Object.freeze({ category: timeline.category, title: timeline.title }) }),
    example,
  });
}

/** The customer timeline shows exactly the events that concern a customer. */
function timelineProblems(timeline: TimelinePresentation | undefined, concernsCustomer: boolean): string[] {
  if (timeline === undefined) return concernsCustomer ? ['an event with a customerIdField needs a timeline presentation'] : [];
  const problems: string[] = [];
  if (!concernsCustomer) problems.push("timeline needs a customerIdField: the timeline is a customer's");
  if (!TIMELINE_CATEGORY.test(timeline.category)) {
    problems.push(`timeline category "${timeline.category}" must be lower-case kebab-case`);
  }
  if (!timeline.title.trim()) problems.push('timeline title is empty');
  return problems;
}

/** The Kafka topic of a service: `crm.contacts`. */
export function topicOf(service: string, prefix = 'crm'): string {
  return `${prefix}.${service}`;
}

/** What every CloudEvents `type` of the CRM starts with, whatever the topic prefix. */
const CLOUD_EVENT_TYPE_PREFIX = 'crm';

/** CloudEvents `type`: `crm.contacts.ContactCreated`. */
export function cloudEventType(contract: Pick<AnyEventContract, 'service' | 'name'>): string {
  return `${CLOUD_EVENT_TYPE_PREFIX}.${contract.service}.${contract.name}`;
}

/** Service and event name of a CloudEvents `type` (see cloudEventType), or undefined when it is not one. */
export function parseCloudEventType(type: string): { service: string; name: string } | undefined {
  const [prefix, service, name, ...rest] = type.split('.');
  if (prefix !== CLOUD_EVENT_TYPE_PREFIX || rest.length > 0) return undefined;
  return SERVICE_NAME.test(service ?? '') && EVENT_NAME.test(name ?? '') ? { service, name } : undefined;
}

/** CloudEvents `source`: `/contacts`. */
export function cloudEventSource(service: string): string {
  return `/${service}`;
}

/** Whose key seals the event's personal data: the customer's, or the subject the contract names instead. */
export function piiSubjectOf(contract: AnyEventContract, data: unknown): string | undefined {
  return stringField(data, contract.piiSubjectField ?? contract.customerIdField);
}

/**
 * Whether null personal data in this event means the customer was erased. Not so for an event sealed with
 * another subject's key (a merge): its values can be gone while the customer lives on.
 */
export const nullPiiMeansErased = (contract: AnyEventContract): boolean => contract.piiSubjectField === undefined;

/** The customer id in `data` (CloudEvents subject, Kafka key), or undefined when the event concerns no customer. */
export function customerIdOf(contract: AnyEventContract, data: unknown): string | undefined {
  return stringField(data, contract.customerIdField);
}

/** The string value of a top-level field of event data, if it is one. */
function stringField(data: unknown, field: string | undefined): string | undefined {
  if (field === undefined || typeof data !== 'object' || data === null) return undefined;
  const value = (data as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}
