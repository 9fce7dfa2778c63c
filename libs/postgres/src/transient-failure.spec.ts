import { isTransientFailure } from './transient-failure';

const withFields = (message: string, fields: object) => Object.assign(new Error(message), fields);

describe('isTransientFailure', () => {
  it.each([
    ['a refused connection', withFields('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })],
    ['a reset connection', withFields('read ECONNRESET', { code: 'ECONNRESET' })],
    ['PostgreSQL shutting down', withFields('terminating connection due to administrator command', { code: '57P01' })],
    ['a PostgreSQL connection exception', withFields('connection failure', { code: '08006' })],
    ['PostgreSQL with too many connections', withFields('sorry, too many clients already', { code: '53300' })],
    ['node-postgres losing its connection', new Error('Connection terminated unexpectedly')],
    ['MongoDB out of reach', withFields('Server selection timed out after 30000 ms', { name: 'MongoServerSelectionError' })],
    ['a MongoDB network error', withFields('connection closed', { name: 'MongoNetworkError' })],
    ['a retriable Kafka error', withFields('This server is not the leader', { name: 'KafkaJSProtocolError', retriable: true })],
    ['a cause that is one', new Error('could not open the event', { cause: withFields('connect', { code: 'ECONNREFUSED' }) })],
    ['an AggregateError of refused addresses', new AggregateError([withFields('connect', { code: 'ECONNREFUSED' })], 'connect')],
  ])('takes %s for transient', (_, error) => {
    expect(isTransientFailure(error)).toBe(true);
  });

  it.each([
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'name')")],
    ['a contract violation', withFields('data/name must be object', { name: 'ContractViolationError' })],
    ['a unique violation', withFields('duplicate key value violates unique constraint', { code: '23505' })],
    ['a non-retriable Kafka error', withFields('Topic authorization failed', { name: 'KafkaJSProtocolError', retriable: false })],
    ['a string', 'ECONNREFUSED'],
    ['undefined', undefined],
  ])('takes %s for a failure of the event', (_, error) => {
    expect(isTransientFailure(error)).toBe(false);
  });

  it('does not loop on a cause that refers back to itself', () => {
    const error: Error & { cause?: unknown } = new Error('circular');
    error.cause = error;
    expect(isTransientFailure(error)).toBe(false);
  });
});
