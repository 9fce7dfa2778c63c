import { defineEvent, type DataOf } from '../contract';
import { contactMomentSchema } from './contact-archived';

export const ContactErased = defineEvent({
  service: 'contacts',
  name: 'ContactErased',
  version: 1,
  description:
    "A person's personal data was erased (GDPR): their key is deleted, so every sealed value of theirs now reads as null. " +
    'A consumer that keeps their personal data in plaintext must drop it on this event.',
  customerIdField: 'contactId',
  timeline: { category: 'privacy', title: 'Personal data erased' },
  schema: contactMomentSchema('The erased contact.', 'When the personal data was erased.'),
  example: { contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40', at: '2025-09-01T08:00:00.000Z' },
});
export type ContactErasedData = DataOf<typeof ContactErased>;
