import { spec } from '@crm/eventsourcing/testing';
import {
  ContactAlreadyExists,
  ContactArchivedError,
  ContactErasedError,
  ContactNotFound,
  contactDecider,
  type ContactEvent,
} from './contact';

const id = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';
const ada = { given: 'Ada', family: 'Lovelace' };
const t1 = '2026-01-01T10:00:00.000Z';
const t2 = '2026-01-02T10:00:00.000Z';
const created: ContactEvent = { type: 'ContactCreated', data: { contactId: id, name: ada, email: 'ada@example.com', at: t1 } };
const archived: ContactEvent = { type: 'ContactArchived', data: { contactId: id, at: t2 } };

describe('Contact', () => {
  describe('CreateContact', () => {
    it('creates a contact with a normalized e-mail', () =>
      spec(contactDecider)
        .given([])
        .when({ type: 'CreateContact', data: { contactId: id, name: ada, email: '  Ada@Example.COM ', now: t1 } })
        .then([created]));

    it('creates a contact without an e-mail', () =>
      spec(contactDecider)
        .given([])
        .when({ type: 'CreateContact', data: { contactId: id, name: ada, now: t1 } })
        .then([{ type: 'ContactCreated', data: { contactId: id, name: ada, at: t1 } }]));

    it('refuses to create the same contact twice', () =>
      spec(contactDecider)
        .given([created])
        .when({ type: 'CreateContact', data: { contactId: id, name: ada, now: t2 } })
        .thenThrows(ContactAlreadyExists));
  });

  describe('RenameContact', () => {
    const king = { given: 'Ada', family: 'King' };
    it('renames', () =>
      spec(contactDecider)
        .given([created])
        .when({ type: 'RenameContact', data: { contactId: id, name: king, now: t2 } })
        .then([{ type: 'ContactRenamed', data: { contactId: id, name: king, at: t2 } }]));

    it('records nothing when the name is unchanged', () =>
      spec(contactDecider)
        .given([created])
        .when({ type: 'RenameContact', data: { contactId: id, name: { ...ada }, now: t2 } })
        .then([]));

    it('refuses an unknown contact', () =>
      spec(contactDecider)
        .given([])
        .when({ type: 'RenameContact', data: { contactId: id, name: king, now: t2 } })
        .thenThrows(ContactNotFound));

    it('refuses an archived contact', () =>
      spec(contactDecider)
        .given([created, archived])
        .when({ type: 'RenameContact', data: { contactId: id, name: king, now: t2 } })
        .thenThrows(ContactArchivedError));
  });

  describe('ChangeContactEmail', () => {
    it('changes the e-mail, normalized', () =>
      spec(contactDecider)
        .given([created])
        .when({ type: 'ChangeContactEmail', data: { contactId: id, email: 'Ada@King.org', now: t2 } })
        .then([{ type: 'ContactEmailChanged', data: { contactId: id, email: 'ada@king.org', at: t2 } }]));

    it('records nothing when the address differs only in case', () =>
      spec(contactDecider)
        .given([created])
        .when({ type: 'ChangeContactEmail', data: { contactId: id, email: 'ADA@example.com', now: t2 } })
        .then([]));
  });

  describe('ArchiveContact', () => {
    it('archives', () =>
      spec(contactDecider)
        .given([created])
        .when({ type: 'ArchiveContact', data: { contactId: id, now: t2 } })
        .then([archived]));

    it('is idempotent', () =>
      spec(contactDecider)
        .given([created, archived])
        .when({ type: 'ArchiveContact', data: { contactId: id, now: t2 } })
        .then([]));

    it('refuses an unknown contact', () =>
      spec(contactDecider)
        .given([])
        .when({ type: 'ArchiveContact', data: { contactId: id, now: t2 } })
        .thenThrows(ContactNotFound));
  });

  describe('EraseContact', () => {
    const erased: ContactEvent = { type: 'ContactErased', data: { contactId: id, at: t2 } };

    it('erases an active or archived contact', () => {
      spec(contactDecider)
        .given([created])
        .when({ type: 'EraseContact', data: { contactId: id, now: t2 } })
        .then([erased]);
      spec(contactDecider)
        .given([created, archived])
        .when({ type: 'EraseContact', data: { contactId: id, now: t2 } })
        .then([erased]);
    });

    it('is idempotent', () =>
      spec(contactDecider)
        .given([created, erased])
        .when({ type: 'EraseContact', data: { contactId: id, now: t2 } })
        .then([]));

    it('refuses an unknown contact', () =>
      spec(contactDecider)
        .given([])
        .when({ type: 'EraseContact', data: { contactId: id, now: t2 } })
        .thenThrows(ContactNotFound));

    it('refuses every change afterwards', () => {
      spec(contactDecider)
        .given([created, erased])
        .when({ type: 'RenameContact', data: { contactId: id, name: ada, now: t2 } })
        .thenThrows(ContactErasedError);
      spec(contactDecider)
        .given([created, erased])
        .when({ type: 'ArchiveContact', data: { contactId: id, now: t2 } })
        .thenThrows(ContactErasedError);
    });

    it('keeps no personal data in the state, even from events read before the key was gone', () => {
      const redactedCreated = {
        type: 'ContactCreated',
        data: { contactId: id, name: null, email: null, at: t1 },
      } as unknown as ContactEvent;
      const state = [redactedCreated, erased].reduce(contactDecider.evolve, contactDecider.initialState);
      expect(state).toEqual({ status: 'erased', contactId: id, createdAt: t1, updatedAt: t2, erasedAt: t2 });
    });
  });
});
