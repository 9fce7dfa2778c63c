import { companyNameKey } from './company-names';

describe('company name key', () => {
  it.each([
    ['Acme Inc.', 'acme'],
    ['ACME, Inc', 'acme'],
    ['  acme  ', 'acme'],
    ['Acme Corporation', 'acme'],
    ['Müller GmbH & Co. KG', 'muller'],
    ['Mueller GmbH', 'mueller'],
    ['Nestlé S.A.', 'nestle'],
    ['Globex Ltd', 'globex'],
    ['Initech LLC', 'initech'],
    ['Schmidt & Partner AG', 'schmidt and partner'],
    ['Schmidt and Partner', 'schmidt and partner'],
    ['Tyrell-Corp', 'tyrell'],
    ['Société Générale SA', 'societe generale'],
  ])('%s → %s', (name, key) => {
    expect(companyNameKey(name)).toBe(key);
  });

  it('drops legal forms only at the end', () => {
    expect(companyNameKey('AG Insurance Holdings')).toBe('ag insurance holdings');
    expect(companyNameKey('The Company Store Ltd')).toBe('the company store');
  });

  it('keeps a name of legal forms only, and tells different companies apart', () => {
    expect(companyNameKey('AG')).toBe('ag');
    expect(companyNameKey('Acme')).not.toBe(companyNameKey('Acme Labs'));
  });
});
