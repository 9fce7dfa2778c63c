import { readModelConnectionOptions, SERVER_SELECTION_TIMEOUT_MS } from './read-models.module';

describe('readModelConnectionOptions', () => {
  it('gives up on an unreachable MongoDB sooner than the driver would (30 s)', () => {
    expect(readModelConnectionOptions('mongodb://127.0.0.1:57017', 'crm_contacts')).toEqual({
      dbName: 'crm_contacts',
      serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    });
    expect(SERVER_SELECTION_TIMEOUT_MS).toBeLessThan(10000); // under the consumers' session timeout
  });

  it('leaves the timeout to the URI when the URI sets one', () => {
    expect(readModelConnectionOptions('mongodb://db:27017/?replicaSet=rs0&serverSelectionTimeoutMS=2000', 'x')).toEqual({
      dbName: 'x',
    });
  });
});
