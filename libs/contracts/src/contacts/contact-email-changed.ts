import { Closed, Email, UtcTimestamp, Uuid } from '../common-schemas';
import { defineEvent, type DataOf } from '../contract';
import { pii } from '../json-schema';

export const ContactEmailChanged = defineEvent({
  service: 'contacts',
  name: 'ContactEmailChanged',
  version: 1,
  description: "A contact's primary e-mail address was set or replaced.",
  customerIdField: 'contactId',
  timeline: { category: 'profile', title: 'E-mail address changed' },
  schema: Closed({
    contactId: Uuid({ description: 'The contact.' }),
    email: pii(Email({ description: 'The new primary e-mail address.' })),
    at: UtcTimestamp({ description: 'When the address changed.' }),
  }),
  example: { contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40', email: 'ada.king@example.org', at: '2025-03-02T14:06:00.000Z' },
});
export type ContactEmailChangedData = DataOf<typeof ContactEmailChanged>;
