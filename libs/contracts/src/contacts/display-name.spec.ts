import { contactDisplayName, phoneText } from './display-name';

describe('contactDisplayName', () => {
  const email = (address: string, primary: boolean) => ({ address, primary });
  const phone = { number: '+12025550123', extension: '43023', primary: true };

  it('is the full name when the contact has one, in the order it is said', () => {
    expect(contactDisplayName({ name: { prefix: 'Dr.', given: 'Ada', family: 'Lovelace', suffix: 'FRS' } })).toBe(
      'Dr. Ada Lovelace FRS',
    );
    expect(contactDisplayName({ name: { given: '', family: 'Lovelace' }, emails: [email('ada@example.com', true)] })).toBe(
      'Lovelace',
    );
  });

  it('is the primary e-mail address of a contact without a name', () => {
    expect(
      contactDisplayName({ emails: [email('old@example.com', false), email('ada@example.com', true)], phones: [phone] }),
    ).toBe('ada@example.com');
  });

  it('is the primary phone, with its extension, of a contact with neither', () => {
    expect(contactDisplayName({ emails: [], phones: [phone] })).toBe('+12025550123 ext. 43023');
  });

  it('is empty for an erased contact, whose values read as null', () => {
    expect(contactDisplayName({ name: null as never, emails: null as never, phones: null as never })).toBe('');
  });
});

describe('phoneText', () => {
  it('writes the extension after the number, so that it reads back as one (libphonenumber reads `ext.`)', () => {
    expect(phoneText({ number: '+442071234567' })).toBe('+442071234567');
    expect(phoneText({ number: '+442071234567', extension: '12' })).toBe('+442071234567 ext. 12');
  });
});
