import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { AnyEventContract } from './contract';
import type { ContractViolation } from './errors';
import { PII_KEYWORD, pointerSegment, type JsonSchema } from './json-schema';

/** Checks data against one contract; an empty list means valid. */
export type ContractValidator = (data: unknown) => ContractViolation[];

/** Strict, so that a schema keyword ajv does not know fails at start-up instead of being ignored. */
export function createAjv(): Ajv {
  // allErrors: a producer fixes every problem in one round; contracts bound every string and array, so the cost is bounded too.
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: PII_KEYWORD, schemaType: 'boolean' });
  return ajv;
}

/** Compiles a contract's schema once; the returned function is what runs per event. */
export function compileContract(ajv: Ajv, contract: AnyEventContract): ContractValidator {
  return compileSchema(ajv, contract.schema);
}

export function compileSchema(ajv: Ajv, schema: JsonSchema): ContractValidator {
  const validate = ajv.compile(schema);
  return (data) => (validate(data) ? [] : (validate.errors ?? []).map(toViolation));
}

function toViolation(error: ErrorObject): ContractViolation {
  // ajv reports a missing or extra property on its parent; point at the property itself.
  if (error.keyword === 'required') {
    return {
      path: `${error.instancePath}/${pointerSegment(String(error.params.missingProperty))}`,
      message: 'is required',
      keyword: 'required',
    };
  }
  if (error.keyword === 'additionalProperties') {
    return {
      path: `${error.instancePath}/${pointerSegment(String(error.params.additionalProperty))}`,
      message: 'is not allowed',
      keyword: 'additionalProperties',
    };
  }
  return { path: error.instancePath, message: error.message ?? `fails ${error.keyword}`, keyword: error.keyword };
}
