import { instanceOfStream, streamNameClashes, streamOf } from './streams';

const contact = { name: 'contact' };
const customFields = { name: 'custom-fields' };
const company = { name: 'company' };

describe('stream names', () => {
  it('name an instance `<aggregate>-<id>`, and read back to the aggregate and the whole id, dashes included', () => {
    const aggregates = [contact, customFields, company];
    for (const [aggregate, id] of [
      [contact, '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40'],
      [customFields, 'contacts'],
      [company, 'a-b-c'],
    ] as const) {
      expect(instanceOfStream(aggregates, streamOf(aggregate, id))).toEqual({ aggregate, id });
    }
  });

  it('belong to no declared aggregate when no name is their prefix, or the id is empty', () => {
    expect(instanceOfStream([contact, customFields], 'custom-contacts')).toBeUndefined();
    expect(instanceOfStream([contact], 'contacts-1')).toBeUndefined();
    expect(instanceOfStream([contact], 'contact-')).toBeUndefined();
  });

  it('take the longest name that matches', () => {
    const merge = { name: 'contact-merge' };
    expect(instanceOfStream([contact, merge], 'contact-merge-1')).toEqual({ aggregate: merge, id: '1' });
  });

  it('clash when one aggregate name and a dash begin another', () => {
    expect(streamNameClashes(['contact', 'company', 'custom-fields'])).toEqual([]);
    expect(streamNameClashes(['custom', 'custom-fields', 'customer'])).toEqual([
      'streams of custom-fields (custom-fields-<id>) read as streams of custom (custom-<id>)',
    ]);
  });
});
