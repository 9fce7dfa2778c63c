import { registerProblem } from '@crm/platform';
import { ContactAlreadyExists, ContactArchivedError, ContactErasedError, ContactNotFound } from '../domain/contact';

/** The one place contacts' domain errors become RFC 9457 problems. */
export function registerContactProblems(): void {
  registerProblem(ContactNotFound, { status: 404, type: 'contact-not-found', title: 'Contact not found' });
  registerProblem(ContactAlreadyExists, { status: 409, type: 'contact-already-exists', title: 'Contact already exists' });
  registerProblem(ContactArchivedError, { status: 409, type: 'contact-archived', title: 'Contact is archived' });
  registerProblem(ContactErasedError, { status: 410, type: 'contact-erased', title: 'Contact was erased' });
}
