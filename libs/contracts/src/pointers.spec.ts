import { mapAtPointers, redact } from './pointers';

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
});
