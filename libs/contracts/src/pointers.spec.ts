import { isRedacted, mapAtPointers, redact } from './pointers';

describe('mapAtPointers', () => {
  const data = {
    id: 'c-1',
    name: { given: 'Ada', family: 'Lovelace' },
    emails: ['ada@example.com', 'ada@king.org'],
    participants: [{ email: 'x@example.com', role: 'to' }, { role: 'cc' }],
    'a/b': 'slash',
  };

  it('changes each designated value, through arrays, and leaves the rest and the input alone', () => {
    const result = mapAtPointers(
      data,
      ['/name', '/emails/*', '/participants/*/email', '/a~1b'],
      (value) => `<${JSON.stringify(value)}>`,
    );
    expect(result).toEqual({
      id: 'c-1',
      name: '<{"given":"Ada","family":"Lovelace"}>',
      emails: ['<"ada@example.com">', '<"ada@king.org">'],
      participants: [{ email: '<"x@example.com">', role: 'to' }, { role: 'cc' }],
      'a/b': '<"slash">',
    });
    expect(data.name).toEqual({ given: 'Ada', family: 'Lovelace' });
  });

  it('leaves absent values absent and ignores pointers into the wrong shape', () => {
    expect(mapAtPointers({ id: 1 }, ['/name', '/emails/*', '/id/x'], () => 'changed')).toEqual({ id: 1 });
  });

  it('redacts to null', () => {
    expect(redact(data, ['/name', '/emails/*'])).toMatchObject({ name: null, emails: [null, null], id: 'c-1' });
  });

  it('tells redacted data by a null at any pointer, through arrays, and not by absent values', () => {
    expect(isRedacted(data, ['/name', '/emails/*', '/participants/*/email'])).toBe(false);
    expect(isRedacted({ ...data, emails: ['a@example.com', null] }, ['/name', '/emails/*'])).toBe(true);
    expect(isRedacted({ participants: [{ role: 'cc' }, { email: null }] }, ['/participants/*/email'])).toBe(true);
    expect(isRedacted({ id: 'c-1' }, ['/name', '/emails/*'])).toBe(false);
    expect(isRedacted(redact(data, ['/name']), ['/name'])).toBe(true);
  });
});
