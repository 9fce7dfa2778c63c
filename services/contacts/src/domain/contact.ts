import type { Decider } from '@crm/eventsourcing';
import type {
  ContactArchivedData,
  ContactCreatedData,
  ContactEmailChangedData,
  ContactErasedData,
  ContactRenamedData,
  PersonName,
} from '@crm/contracts';

/**
 * The Contact aggregate (a person), minimal for now: created with a name and an optional e-mail,
 * renamed, e-mail changed, archived. Time and ids come in with the commands.
 */
export type ContactEvent =
  | { type: 'ContactCreated'; data: ContactCreatedData }
  | { type: 'ContactRenamed'; data: ContactRenamedData }
  | { type: 'ContactEmailChanged'; data: ContactEmailChangedData }
  | { type: 'ContactArchived'; data: ContactArchivedData }
  | { type: 'ContactErased'; data: ContactErasedData };

export type ContactCommand =
  | { type: 'CreateContact'; data: { contactId: string; name: PersonName; email?: string; now: string } }
  | { type: 'RenameContact'; data: { contactId: string; name: PersonName; now: string } }
  | { type: 'ChangeContactEmail'; data: { contactId: string; email: string; now: string } }
  | { type: 'ArchiveContact'; data: { contactId: string; now: string } }
  | { type: 'EraseContact'; data: { contactId: string; now: string } };

export type Contact =
  | { status: 'none' }
  | { status: 'active' | 'archived'; contactId: string; name: PersonName; email?: string; createdAt: string; updatedAt: string }
  /** Personal data erased (GDPR): only the id and the times remain. */
  | { status: 'erased'; contactId: string; createdAt: string; updatedAt: string; erasedAt: string };

export class ContactNotFound extends Error {
  override readonly name = 'ContactNotFound';
  constructor(readonly contactId: string) {
    super(`Contact ${contactId} does not exist`);
  }
}

export class ContactAlreadyExists extends Error {
  override readonly name = 'ContactAlreadyExists';
  constructor(readonly contactId: string) {
    super(`Contact ${contactId} already exists`);
  }
}

export class ContactArchivedError extends Error {
  override readonly name = 'ContactArchivedError';
  constructor(readonly contactId: string) {
    super(`Contact ${contactId} is archived and cannot change`);
  }
}

export class ContactErasedError extends Error {
  override readonly name = 'ContactErasedError';
  constructor(readonly contactId: string) {
    super(`Contact ${contactId} was erased`);
  }
}

/** E-mail addresses compare without case: one person, one address. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

const sameName = (a: PersonName, b: PersonName) => a.given === b.given && a.family === b.family;

function activeContact(state: Contact, contactId: string) {
  if (state.status === 'none') throw new ContactNotFound(contactId);
  if (state.status === 'erased') throw new ContactErasedError(contactId);
  if (state.status === 'archived') throw new ContactArchivedError(contactId);
  return state;
}

export function decide(command: ContactCommand, state: Contact): ContactEvent[] {
  switch (command.type) {
    case 'CreateContact': {
      const { contactId, name, email, now } = command.data;
      if (state.status !== 'none') throw new ContactAlreadyExists(contactId);
      const data: ContactCreatedData = { contactId, name, at: now };
      if (email !== undefined) data.email = normalizeEmail(email);
      return [{ type: 'ContactCreated', data }];
    }
    case 'RenameContact': {
      const { contactId, name, now } = command.data;
      const contact = activeContact(state, contactId);
      if (sameName(contact.name, name)) return [];
      return [{ type: 'ContactRenamed', data: { contactId, name, at: now } }];
    }
    case 'ChangeContactEmail': {
      const { contactId, now } = command.data;
      const email = normalizeEmail(command.data.email);
      const contact = activeContact(state, contactId);
      if (contact.email === email) return [];
      return [{ type: 'ContactEmailChanged', data: { contactId, email, at: now } }];
    }
    case 'ArchiveContact': {
      const { contactId, now } = command.data;
      if (state.status === 'none') throw new ContactNotFound(contactId);
      if (state.status === 'erased') throw new ContactErasedError(contactId);
      if (state.status === 'archived') return [];
      return [{ type: 'ContactArchived', data: { contactId, at: now } }];
    }
    case 'EraseContact': {
      const { contactId, now } = command.data;
      if (state.status === 'none') throw new ContactNotFound(contactId);
      if (state.status === 'erased') return [];
      return [{ type: 'ContactErased', data: { contactId, at: now } }];
    }
  }
}

const isLive = (state: Contact): state is Extract<Contact, { status: 'active' | 'archived' }> =>
  state.status === 'active' || state.status === 'archived';

export function evolve(state: Contact, event: ContactEvent): Contact {
  switch (event.type) {
    case 'ContactCreated': {
      const { contactId, name, email, at } = event.data;
      return { status: 'active', contactId, name, ...(email === undefined ? {} : { email }), createdAt: at, updatedAt: at };
    }
    case 'ContactErased': {
      if (state.status === 'none' || state.status === 'erased') return state;
      const { contactId, createdAt } = state;
      return { status: 'erased', contactId, createdAt, updatedAt: event.data.at, erasedAt: event.data.at };
    }
    case 'ContactRenamed':
      return isLive(state) ? { ...state, name: event.data.name, updatedAt: event.data.at } : state;
    case 'ContactEmailChanged':
      return isLive(state) ? { ...state, email: event.data.email, updatedAt: event.data.at } : state;
    case 'ContactArchived':
      return isLive(state) ? { ...state, status: 'archived', updatedAt: event.data.at } : state;
  }
}

export const contactDecider: Decider<Contact, ContactCommand, ContactEvent> = {
  initialState: { status: 'none' },
  decide,
  evolve,
};

export const contactStream = (contactId: string): string => `contact-${contactId}`;
