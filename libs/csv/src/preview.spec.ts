import { samplesOf } from './preview';

describe('a preview’s samples', () => {
  const rows = [['', 'a'], ["  '=1+1 ", 'b'], ['x'], ['y', 'c'], ['z', 'd'], ['w', 'e']].map((cells) => ({ cells }));

  it('are a column’s first three non-blank cells, as the import reads them', () => {
    expect(samplesOf(rows, 0)).toEqual(['=1+1', 'x', 'y']);
    expect(samplesOf(rows, 1)).toEqual(['a', 'b', 'c']);
    expect(samplesOf(rows, 2)).toEqual([]);
  });

  it('are cut to 100 characters', () => {
    expect(samplesOf([{ cells: ['n'.repeat(150)] }], 0)).toEqual(['n'.repeat(100)]);
  });
});
