import 'reflect-metadata';
import { BoundedArray, BoundedString, Nested } from '../validation/bounded';
import { edgeInputs, fieldPathsOf } from './edge-inputs';

class Line {
  @BoundedString(10) text!: string;
}
class Address {
  @BoundedString(2) country!: string;
  @BoundedArray(3, Line, { optional: true }) lines?: Line[];
}
class Contact {
  @BoundedString(20) name!: string;
  @Nested(Address, { optional: true }) address?: Address;
}

describe('edgeInputs', () => {
  const valid = { name: 'Ada', address: { country: 'CH', lines: [{ text: '1 Main' }] } };

  it('walks every field of the DTO, nested ones through objects and the first item of arrays', () => {
    expect(fieldPathsOf(Contact, valid)).toEqual({
      paths: ['name', 'address', 'address.country', 'address.lines', 'address.lines[0].text'],
      missing: [],
    });
  });

  it('names the fields a body lacks, so that a sweep cannot silently test less than the route takes', () => {
    expect(fieldPathsOf(Contact, { name: 'Ada', address: { country: 'CH', lines: [] } }).missing).toEqual(['address.lines[0]']);
    expect(fieldPathsOf(Contact, { name: 'Ada' }).missing).toEqual(['address']);
  });

  it('puts null, other types and variants of the valid value in one field at a time, leaving the rest valid', () => {
    const inputs = edgeInputs(Contact, valid, { 'address.country': ['XX'] });
    const atCountry = inputs.filter((input) => input.field === 'address.country');
    expect(atCountry.map((input) => input.value)).toEqual(expect.arrayContaining([null, '', 0, [], {}, 'ch', 'CH\u0000', 'XX']));
    expect(atCountry.find((input) => input.value === null)?.body).toEqual({
      name: 'Ada',
      address: { country: null, lines: [{ text: '1 Main' }] },
    });
    expect(inputs.find((input) => input.field === 'address.lines[0].text' && input.value === null)?.body).toEqual({
      name: 'Ada',
      address: { country: 'CH', lines: [{ text: null }] },
    });
    expect(valid).toEqual({ name: 'Ada', address: { country: 'CH', lines: [{ text: '1 Main' }] } });
  });
});
