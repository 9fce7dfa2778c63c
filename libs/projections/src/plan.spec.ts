import type { DecodedEvent } from '@crm/messaging';
import { ActivityErased, ActivityRecorded } from '../test/activity';
import type { StoredDocument } from './document';
import { planBatch, type PlanContext } from './plan';
import { defineProjection } from './projection';
import { decodedEvents } from './testing';

interface Activity {
  contactId: string;
  events: number;
  eventIds: string[];
}

/** Per contact (the event subject): how many events, which ones; `ContactErased` deletes. */
const activity = defineProjection<Activity, typeof ActivityRecorded | typeof ActivityErased>({
  name: 'contact-activity',
  collection: 'contact_activity',
  handles: [ActivityRecorded, ActivityErased],
  documentId: (event) => event.subject,
  evolve: (doc, event) =>
    event.type === 'ActivityErased'
      ? null
      : { contactId: event.subject!, events: (doc?.events ?? 0) + 1, eventIds: [...(doc?.eventIds ?? []), event.id] },
});

let offset = 0;
function event(stream: string, revision: number, subject: string, type = 'ActivityRecorded'): DecodedEvent {
  const [decoded] = decodedEvents(activity, [
    { type, data: { revision }, id: `${stream}@${revision}`, stream, revision, subject, time: '2026-01-01T00:00:00.000Z' },
  ]);
  return { ...decoded, received: { ...decoded.received, offset: String(offset++) } };
}

const context: PlanContext = { generation: 3, now: new Date('2026-01-02T00:00:00.000Z') };
const stored = (id: string, body: Activity, streams: Record<string, number>, version = 4, generation = 3): StoredDocument => ({
  _id: id,
  ...body,
  _meta: { streams, version, generation, updatedAt: new Date(0) },
});
const existing = (...documents: StoredDocument[]) => new Map(documents.map((document) => [document._id, document]));

describe('planBatch', () => {
  it('inserts a new document with the revisions it applied', () => {
    const plan = planBatch(activity, existing(), [event('contact-a', 0, 'a'), event('contact-a', 1, 'a')], context);
    expect(plan).toEqual({
      applied: 2,
      skipped: 0,
      writes: [
        {
          type: 'insert',
          document: {
            _id: 'a',
            contactId: 'a',
            events: 2,
            eventIds: ['contact-a@0', 'contact-a@1'],
            _meta: { streams: { 'contact-a': 1 }, version: 1, generation: 3, updatedAt: context.now },
          },
        },
      ],
    });
  });

  it('replaces an existing document, guarded by the version and generation it was read at', () => {
    const before = stored('a', { contactId: 'a', events: 1, eventIds: ['contact-a@0'] }, { 'contact-a': 0 }, 4, 2);
    const { writes } = planBatch(activity, existing(before), [event('contact-a', 1, 'a')], context);
    expect(writes).toEqual([
      {
        type: 'replace',
        expected: { _id: 'a', version: 4, generation: 2 },
        document: expect.objectContaining({
          events: 2,
          _meta: { streams: { 'contact-a': 1 }, version: 5, generation: 3, updatedAt: context.now },
        }),
      },
    ]);
  });

  it('skips events at or below the revision recorded for their stream, so a redelivery writes nothing', () => {
    const before = stored('a', { contactId: 'a', events: 2, eventIds: ['contact-a@0', 'contact-a@1'] }, { 'contact-a': 1 });
    const plan = planBatch(activity, existing(before), [event('contact-a', 0, 'a'), event('contact-a', 1, 'a')], context);
    expect(plan).toEqual({ writes: [], applied: 0, skipped: 2 });
  });

  it('applies a duplicate within one batch once', () => {
    const first = event('contact-a', 0, 'a');
    const plan = planBatch(
      activity,
      existing(),
      [first, { ...first, received: { ...first.received, offset: '99' } }, event('contact-a', 1, 'a')],
      context,
    );
    expect(plan.applied).toBe(2);
    expect(plan.skipped).toBe(1);
    expect(plan.writes[0]).toMatchObject({ type: 'insert', document: { events: 2, eventIds: ['contact-a@0', 'contact-a@1'] } });
  });

  it('keeps revisions per stream: a low revision of another stream is still applied', () => {
    const before = stored('a', { contactId: 'a', events: 1, eventIds: ['contact-a@7'] }, { 'contact-a': 7 });
    const plan = planBatch(activity, existing(before), [event('deal-1', 0, 'a'), event('contact-a', 7, 'a')], context);
    expect(plan).toMatchObject({ applied: 1, skipped: 1 });
    expect(plan.writes[0]).toMatchObject({
      type: 'replace',
      document: { events: 2, eventIds: ['contact-a@7', 'deal-1@0'], _meta: { streams: { 'contact-a': 7, 'deal-1': 0 } } },
    });
  });

  it('deletes a document when evolve returns null, guarded like a replace', () => {
    const before = stored('a', { contactId: 'a', events: 1, eventIds: ['contact-a@0'] }, { 'contact-a': 0 });
    const { writes } = planBatch(activity, existing(before), [event('contact-a', 1, 'a', 'ActivityErased')], context);
    expect(writes).toEqual([{ type: 'delete', expected: { _id: 'a', version: 4, generation: 3 } }]);
  });

  it('writes nothing for a document created and deleted within the batch', () => {
    const events = [event('contact-a', 0, 'a'), event('contact-a', 1, 'a', 'ActivityErased')];
    expect(planBatch(activity, existing(), events, context)).toEqual({ writes: [], applied: 2, skipped: 0 });
  });

  it('gives the same document whether events come in one batch or one by one', () => {
    const events = [event('contact-a', 0, 'a'), event('contact-a', 1, 'a', 'ActivityErased'), event('contact-a', 2, 'a')];
    const together = planBatch(activity, existing(), events, context).writes;
    let stored = existing();
    for (const one of events) {
      for (const write of planBatch(activity, stored, [one], context).writes) {
        stored = write.type === 'delete' ? existing() : existing(write.document);
      }
    }
    expect(together).toEqual([{ type: 'insert', document: stored.get('a') }]);
    expect(stored.get('a')).toMatchObject({
      events: 1,
      eventIds: ['contact-a@2'],
      _meta: { streams: { 'contact-a': 2 }, version: 1 },
    });
  });

  it('ignores events without a document and encodes stream names that are not valid field names', () => {
    const plan = planBatch(
      activity,
      existing(),
      [event('contact-x', 0, undefined as unknown as string), event('odd.stream$1', 4, 'b')],
      context,
    );
    expect(plan.applied).toBe(1);
    expect(plan.writes).toEqual([
      expect.objectContaining({
        document: expect.objectContaining({ _id: 'b', _meta: expect.objectContaining({ streams: { 'odd%2Estream%241': 4 } }) }),
      }),
    ]);
  });

  it('keeps _id and _meta for the runner even when evolve returns them', () => {
    const sneaky = defineProjection<Activity & { _id?: string; _meta?: unknown }>({
      ...activity,
      evolve: (doc, e) => ({ ...activity.evolve(doc, e)!, _id: 'other', _meta: 'mine' }),
    });
    const [write] = planBatch(sneaky, existing(), [event('contact-a', 0, 'a')], context).writes;
    expect(write).toMatchObject({ type: 'insert', document: { _id: 'a', _meta: { version: 1 } } });
  });

  it('lets a throwing evolve fail the batch (the consumer retries, then dead-letters the event)', () => {
    const poisoned = defineProjection<Activity>({
      ...activity,
      evolve: () => {
        throw new Error('cannot project');
      },
    });
    expect(() => planBatch(poisoned, existing(), [event('contact-a', 0, 'a')], context)).toThrow('cannot project');
  });
});
