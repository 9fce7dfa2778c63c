import { Closed, UtcTimestamp, Uuid } from '../common-schemas';
import { defineEvent, type DataOf } from '../contract';
import { personNameSchema } from './person-name';

export const ContactRenamed = defineEvent({
  service: 'contacts',
  name: 'ContactRenamed',
  version: 1,
  description: "A contact's name changed; `name` is the whole new name.",
  customerIdField: 'contactId',
  timeline: { category: 'profile', title: 'Contact renamed' },
  schema: Closed({
    contactId: Uuid({ description: 'The renamed contact.' }),
    name: personNameSchema,
    at: UtcTimestamp({ description: 'When the name changed.' }),
  }),
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    name: { given: 'Ada', family: 'King' },
    at: '2025-03-02T14:05:00.000Z',
  },
});
export type ContactRenamedData = DataOf<typeof ContactRenamed>;
