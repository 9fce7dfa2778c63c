import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/** One JSON Pointer segment of a URI fragment: `/v1/customers/{id}/profile` as `~1v1~1customers~1%7Bid%7D~1profile`. */
const segment = (text: string) => encodeURIComponent(text.replace(/~/g, '~0').replace(/\//g, '~1'));

/**
 * The errors of a real answer against the schema its OpenAPI document gives it (none: it is as documented), for tests
 * that hold 2xx bodies to the document with data a fuzzer cannot make (a customer with history, an erased one):
 *
 *   const errorsOf = documentedAnswers(document);
 *   expect(errorsOf('get', '/v1/customers/{id}/profile', 200, body)).toEqual([]);
 */
export function documentedAnswers(document: object) {
  // strict: false lets the document's own keywords pass (example, x-...); `nullable` is Ajv's own keyword.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, 'openapi');
  return (method: string, path: string, status: number, body: unknown): string[] => {
    const pointer = ['paths', path, method, 'responses', String(status), 'content', 'application/json', 'schema'];
    const validate = ajv.getSchema(`openapi#/${pointer.map(segment).join('/')}`);
    if (!validate) return [`no JSON schema for ${method.toUpperCase()} ${path} ${status}`];
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`,
    );
  };
}
