import { domainOfCell, readCompanyRow } from './company-rows';

describe('domain cells', () => {
  it.each([
    ['acme.com', 'acme.com'],
    [' WWW.Acme.com ', 'acme.com'],
    ['http://www.acme.com', 'acme.com'],
    ['https://acme.co.uk/about?x=1#top', 'acme.co.uk'],
    ['acme.com/contact', 'acme.com'],
    ['https://shop.acme.com:8443/', 'shop.acme.com'],
  ])('%s → %s (exports write websites where a domain is meant)', (cell, domain) => {
    expect(domainOfCell(cell)).toBe(domain);
  });

  it('reads a companies row’s websites as its domains, each once', () => {
    const read = readCompanyRow({ name: 'Acme', domains: 'http://www.acme.com/; acme.com;https://acme.de' });
    expect(read.ok && read.value.domains).toEqual(['acme.com', 'acme.de']);
  });
});
