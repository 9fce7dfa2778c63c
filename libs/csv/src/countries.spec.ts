import { countryCodeOf } from './countries';

describe('countryCodeOf', () => {
  it('reads codes in any case, alpha-3 codes, and names in many languages', () => {
    const cells = ['CH', 'ch', 'CHE', 'Switzerland', 'Schweiz', 'Suisse', 'Svizzera', ' switzerland '];
    expect(cells.map(countryCodeOf)).toEqual(cells.map(() => 'CH'));
    expect(['United States', 'USA', 'U.S.A.', 'Vereinigte Staaten', 'Estados Unidos'].map(countryCodeOf)).toEqual([
      'US',
      'US',
      'US',
      'US',
      'US',
    ]);
    expect(['Deutschland', 'Germany', 'Allemagne', 'DEU'].map(countryCodeOf)).toEqual(['DE', 'DE', 'DE', 'DE']);
    expect(['United Kingdom', 'UK', 'GBR', "Côte d'Ivoire", 'Cote dIvoire'].map(countryCodeOf)).toEqual([
      'GB',
      'GB',
      'GB',
      'CI',
      'CI',
    ]);
  });

  it('reads nothing into what names no country', () => {
    for (const cell of ['', 'XX', 'ZZZ', 'Neverland', 'null', '123']) expect(countryCodeOf(cell)).toBeUndefined();
  });
});
