import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withDateOrders } from './date-columns';

describe('date columns', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'date-columns-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const columns = [
    { position: 1, header: 'Birthday', field: 'birthday' },
    { position: 2, header: 'Since', field: 'custom.since' },
    { position: 3, header: 'Name', field: 'givenName' },
  ];
  const holdsDates = (field: string) => field !== 'givenName';

  it('gives each date column the order its values tell, and none to a column whose values do not tell', async () => {
    const file = join(dir, 'told.csv');
    await writeFile(file, 'Birthday,Since,Name\n3/4/80,01/02/2020,Ada\n12/25/75,,Alan\n');
    expect(await withDateOrders(file, ',', columns, holdsDates, undefined)).toEqual([
      { position: 1, header: 'Birthday', field: 'birthday', dateOrder: 'mdy' },
      { position: 2, header: 'Since', field: 'custom.since' },
      { position: 3, header: 'Name', field: 'givenName' },
    ]);
  });

  it('gives every date column the order the import names, whatever the values say', async () => {
    const file = join(dir, 'given.csv');
    await writeFile(file, 'Birthday,Since,Name\n12/25/75,,Alan\n');
    expect(await withDateOrders(file, ',', columns, holdsDates, 'dmy')).toEqual([
      { position: 1, header: 'Birthday', field: 'birthday', dateOrder: 'dmy' },
      { position: 2, header: 'Since', field: 'custom.since', dateOrder: 'dmy' },
      { position: 3, header: 'Name', field: 'givenName' },
    ]);
  });
});
