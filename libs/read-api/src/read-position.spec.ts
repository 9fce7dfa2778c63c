import { InvalidPositionTokenError, parsePositionToken, positionToken } from './read-position';

describe('position tokens', () => {
  const position = { collection: 'contact_list', documentId: 'c-1', stream: 'contact-c-1', revision: 3 };

  it('stand for the position they were made from', () => {
    expect(parsePositionToken(positionToken(position), 'contact_list')).toEqual(position);
  });

  it('are refused by a list of another collection, with a 400 naming it', () => {
    const error = caught(() => parsePositionToken(positionToken(position), 'company_list'));
    expect(error).toBeInstanceOf(InvalidPositionTokenError);
    expect((error as InvalidPositionTokenError).problem).toMatchObject({
      status: 400,
      errors: [{ field: 'position', messages: ['is the position of another list (contact_list), not of this one'], in: 'query' }],
    });
  });

  it.each([
    ['not base64url', 'a+b/c'],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['a negative revision', Buffer.from(JSON.stringify({ c: 'contact_list', d: 'x', s: 'y', r: -1 })).toString('base64url')],
    [
      'an operator for an id',
      Buffer.from(JSON.stringify({ c: 'contact_list', d: { $ne: 1 }, s: 'y', r: 1 })).toString('base64url'),
    ],
    ['an array', ['a', 'b']],
  ])('refuse %s', (_, token) => {
    expect(() => parsePositionToken(token, 'contact_list')).toThrow('1 query parameter is invalid');
  });
});

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
