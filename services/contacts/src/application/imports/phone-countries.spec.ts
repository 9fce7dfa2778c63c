import { phoneCountryWarnings } from './phone-countries';

describe('national phone numbers read outside North America that are North American numbers too', () => {
  it('warns of them, naming the column and both countries', () => {
    expect(phoneCountryWarnings({ phone: '(212) 736-5000', country: 'CN' })).toEqual([
      {
        field: 'phone',
        messages: ['is read as a number of CN but is also a US one: write it with its country code (+…)'],
      },
    ]);
    expect(phoneCountryWarnings({ otherPhones: '138 1234 5678; 6502530000', country: 'Germany' })).toEqual([
      { field: 'otherPhones', messages: [expect.stringContaining('number of DE but is also a US one')] },
    ]);
    expect(phoneCountryWarnings({ phone: '2165529988' }, { defaultCountry: 'CN' })).toEqual([
      { field: 'phone', messages: [expect.stringContaining('number of CN')] },
    ]);
  });

  it('says nothing of international numbers, numbers of one country only, North American rows, or rows without a country', () => {
    expect(phoneCountryWarnings({ phone: '+1 212 736 5000', country: 'CN' })).toEqual([]);
    expect(phoneCountryWarnings({ phone: '0041 44 668 18 00', country: 'CN' })).toEqual([]);
    expect(phoneCountryWarnings({ phone: '138 1234 5678', country: 'CN' })).toEqual([]);
    expect(phoneCountryWarnings({ phone: '044 668 18 00', country: 'CH' })).toEqual([]);
    expect(phoneCountryWarnings({ phone: '(212) 736-5000', country: 'CA' })).toEqual([]);
    expect(phoneCountryWarnings({ phone: '(212) 736-5000' })).toEqual([]);
  });
});
