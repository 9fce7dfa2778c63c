import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { inputErrors } from '@crm/platform/nest';
import { CreateCompanyDto, UpdateCompanyDto } from './company.dto';
import { CreateContactDto, RecordConsentDto, UpdateContactDto } from './contact.dto';

const name = { given: 'Ada', family: 'Lovelace' };
const errorsOf = (type: typeof CreateContactDto | typeof UpdateContactDto | typeof RecordConsentDto, body: object) =>
  Object.fromEntries(inputErrors(type, body).map((e) => [e.field, e.messages]));

describe('contact inputs', () => {
  it('refuse null in every optional field, each with one message; an update says how to remove a value it can remove', () => {
    const nulls = {
      jobTitle: null,
      ownerId: null,
      addresses: null,
      lifecycleStage: null,
      country: null,
      emails: [{ address: 'ada@example.com', label: null, primary: null }],
    };
    const leaveOut = (field: string) => [`${field} must not be null: leave the field out instead`];
    const orClear = (field: string) => [
      `${field} must not be null: leave the field out to keep its value, or name it in \`clear\` to remove it`,
    ];
    const unclearable = {
      'name.middle': leaveOut('middle'),
      addresses: leaveOut('addresses'),
      lifecycleStage: leaveOut('lifecycleStage'),
      'emails[0].label': leaveOut('label'),
      'emails[0].primary': leaveOut('primary'),
    };
    expect(errorsOf(CreateContactDto, { name: { ...name, middle: null }, ...nulls })).toEqual({
      ...unclearable,
      jobTitle: leaveOut('jobTitle'),
      ownerId: leaveOut('ownerId'),
      country: leaveOut('country'),
    });
    expect(errorsOf(UpdateContactDto, { name: { ...name, middle: null }, ...nulls })).toEqual({
      ...unclearable,
      jobTitle: orClear('jobTitle'),
      ownerId: orClear('ownerId'),
      country: orClear('country'),
    });
    expect(errorsOf(UpdateContactDto, { name: null, clear: null })).toEqual({
      name: orClear('name'),
      clear: leaveOut('clear'),
    });
    // What the message says works: the update that names the field in `clear` is valid.
    expect(errorsOf(UpdateContactDto, { clear: ['jobTitle', 'ownerId', 'country'] })).toEqual({});
  });

  it('say the same of a company: its update removes industry and size through `clear`', () => {
    const companyErrors = (type: typeof CreateCompanyDto | typeof UpdateCompanyDto, body: object) =>
      Object.fromEntries(inputErrors(type, body).map((e) => [e.field, e.messages]));
    expect(companyErrors(CreateCompanyDto, { name: 'Acme', industry: null })).toEqual({
      industry: ['industry must not be null: leave the field out instead'],
    });
    expect(companyErrors(UpdateCompanyDto, { industry: null, size: null, domains: null })).toEqual({
      industry: ['industry must not be null: leave the field out to keep its value, or name it in `clear` to remove it'],
      size: ['size must not be null: leave the field out to keep its value, or name it in `clear` to remove it'],
      domains: ['domains must not be null: leave the field out instead'],
    });
    expect(companyErrors(UpdateCompanyDto, { clear: ['industry', 'size'] })).toEqual({});
  });

  it('name a bad e-mail and a bad phone number together', () => {
    expect(
      errorsOf(CreateContactDto, { name, emails: [{ address: 'nope' }], phones: [{ number: 'call me' }, { number: '+41 12' }] }),
    ).toEqual({
      'emails[0].address': ['address must be an e-mail address (ASCII, like ada@example.com)'],
      'phones[0].number': ['number is not a valid phone number'],
      'phones[1].number': ['number is not a valid phone number'],
    });
    // A national number waits for the contact's country (the stored one, on an update).
    expect(errorsOf(UpdateContactDto, { phones: [{ number: '044 668 18 00' }] })).toEqual({});
  });

  it('refuse what the event contract would: blank address lines, unassigned countries, multi-line tags, Unicode e-mails', () => {
    expect(
      errorsOf(CreateContactDto, {
        name,
        country: 'XX',
        addresses: [{ lines: [''], country: 'ZZ' }],
        tags: ['a\nb'],
        emails: [{ address: 'jöhn@example.com' }],
      }),
    ).toEqual({
      country: ['country must be an assigned ISO 3166-1 alpha-2 country code in upper case (CH)'],
      'addresses[0].lines': ['each value in lines must be longer than or equal to 1 characters'],
      'addresses[0].country': ['country must be an assigned ISO 3166-1 alpha-2 country code in upper case (CH)'],
      tags: [expect.stringContaining('each value in tags must match')],
      'emails[0].address': ['address must be an e-mail address (ASCII, like ada@example.com)'],
    });
    expect(errorsOf(CreateContactDto, { name, country: 'CH', addresses: [{ lines: ['1 Main St'], country: 'GB' }] })).toEqual({});
  });

  it('take ids in any case and keep them in lower case', () => {
    const id = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';
    const body = { name, contactId: id.toUpperCase(), ownerId: id.toUpperCase() };
    expect(errorsOf(CreateContactDto, body)).toEqual({});
    expect(plainToInstance(CreateContactDto, body)).toMatchObject({ contactId: id, ownerId: id });
  });

  it('refuse a consent without a time it was given, when one is sent: null or a date no calendar has', () => {
    const statement = { channel: 'email', purpose: 'newsletter', status: 'granted', source: 'web-form' };
    expect(errorsOf(RecordConsentDto, statement)).toEqual({});
    expect(errorsOf(RecordConsentDto, { ...statement, at: '2025-01-31T09:30:00+01:00' })).toEqual({});
    expect(Object.keys(errorsOf(RecordConsentDto, { ...statement, at: null }))).toEqual(['at']);
    expect(Object.keys(errorsOf(RecordConsentDto, { ...statement, at: '2025-W05-5' }))).toEqual(['at']);
  });
});
