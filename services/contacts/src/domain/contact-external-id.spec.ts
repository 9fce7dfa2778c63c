import { spec } from '@crm/eventsourcing/testing';
import { contactExternalIdDecider, ExternalIdTaken } from './contact-external-id';

const externalKey = 'c62fd537-7b1a-5d1a-9d64-967c245a999d';
const ada = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';
const bob = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e41';
const t1 = '2026-01-01T10:00:00.000Z';
const t2 = '2026-01-02T10:00:00.000Z';
const record = (contactId: string, now: string) =>
  ({ type: 'RecordContactExternalId', data: { externalKey, contactId, now } }) as const;
const recorded = { type: 'ContactExternalIdRecorded', data: { externalKey, contactId: ada, at: t1 } } as const;

describe('ContactExternalId', () => {
  it('records the contact an external id stands for', () => {
    spec(contactExternalIdDecider).given([]).when(record(ada, t1)).then([recorded]);
  });

  it('records nothing again for the same contact', () => {
    spec(contactExternalIdDecider).given([recorded]).when(record(ada, t2)).then([]);
  });

  it('refuses to move it to another contact', () => {
    spec(contactExternalIdDecider).given([recorded]).when(record(bob, t2)).thenThrows(ExternalIdTaken);
  });
});
