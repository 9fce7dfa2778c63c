import { ProblemError } from '../problems/problem';
import { etagOf, expectedRevisionFrom } from './etag';

describe('ETag and If-Match', () => {
  it('round-trips a revision', () => expect(expectedRevisionFrom(etagOf(42))).toBe(42));
  it('demands nothing without a header or with *', () => {
    expect(expectedRevisionFrom(undefined)).toBeUndefined();
    expect(expectedRevisionFrom('*')).toBeUndefined();
  });
  it.each(['3', 'W/"3"', '"3", "4"', '"-1"', '"abc"', '""'])('rejects %s with a 400 problem', (header) => {
    expect(() => expectedRevisionFrom(header)).toThrow(ProblemError);
  });
});
