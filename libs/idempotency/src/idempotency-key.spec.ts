import { canonicalJson, idempotencyKeyFrom, requestFingerprint } from './idempotency-key';
import { InvalidIdempotencyKeyError } from './idempotency-problems';

describe('idempotencyKeyFrom', () => {
  it('takes 1 to 255 visible ASCII characters, bare or as a structured-field string', () => {
    expect(idempotencyKeyFrom('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(idempotencyKeyFrom('"8e03978e-40d5"')).toBe('8e03978e-40d5');
    expect(idempotencyKeyFrom('"a\\"b"')).toBe('a"b');
    expect(idempotencyKeyFrom('k'.repeat(255))).toHaveLength(255);
    expect(idempotencyKeyFrom(undefined)).toBeUndefined();
  });

  it.each(['', '""', 'k'.repeat(256), 'with space', '"with space"', 'clé', 'tab\there', 'a, b'])(
    'refuses %j with 400 invalid-idempotency-key',
    (header) => {
      expect(() => idempotencyKeyFrom(header)).toThrow(InvalidIdempotencyKeyError);
    },
  );

  it('refuses a header sent twice', () => {
    expect(() => idempotencyKeyFrom(['a', 'b'])).toThrow(InvalidIdempotencyKeyError);
  });
});

describe('requestFingerprint', () => {
  const post = (body: unknown, url = '/v1/contacts') => requestFingerprint({ method: 'POST', url, body });

  it('is the same for the same JSON whatever the member order', () => {
    expect(post({ name: 'Ada', emails: [{ address: 'a@x', label: 'w' }] })).toBe(
      post({ emails: [{ label: 'w', address: 'a@x' }], name: 'Ada' }),
    );
    expect(canonicalJson({ b: [1, { d: null, c: 'x' }], a: true, skipped: undefined })).toBe(
      '{"a":true,"b":[1,{"c":"x","d":null}]}',
    );
  });

  it('differs by body, path, query and method', () => {
    const first = post({ name: 'Ada' });
    expect(post({ name: 'Ada ' })).not.toBe(first);
    expect(post([{ name: 'Ada' }])).not.toBe(first);
    expect(post({ name: 'Ada' }, '/v1/contacts?dryRun=true')).not.toBe(first);
    expect(post({ name: 'Ada' }, '/v1/companies')).not.toBe(first);
    expect(requestFingerprint({ method: 'PATCH', url: '/v1/contacts', body: { name: 'Ada' } })).not.toBe(first);
  });

  it('differs by If-Match: a retry naming another version is another request', () => {
    const at = (ifMatch?: string) =>
      requestFingerprint({ method: 'POST', url: '/v1/contacts/c-1/archive', body: undefined, ifMatch });
    expect(at('"3"')).not.toBe(at('"4"'));
    expect(at('"3"')).not.toBe(at());
    expect(at(' "3" ')).toBe(at('"3"'));
    expect(at()).toBe(requestFingerprint({ method: 'POST', url: '/v1/contacts/c-1/archive', body: undefined }));
  });

  it('hashes bodies of other media types as they are, and no body as empty', () => {
    expect(post('a,b\n1,2')).toBe(post(Buffer.from('a,b\n1,2')));
    expect(post(undefined)).toBe(post(''));
    expect(post(undefined)).not.toBe(post({}));
    expect(post(undefined)).toMatch(/^[0-9a-f]{64}$/);
  });
});
