import { RequestValidationError } from '@crm/platform';
import { orderIsIndexed } from '@crm/read-api';
import { timelineProjection } from './read-models/timeline';
import { decodeCursor, encodeCursor, TIMELINE_ORDER, timelineFilter } from './timeline-query';

const entry = { occurredAt: '2025-02-03T15:00:00.000Z', position: '00000000000000001234.00000000000000000056', eventId: 'e-1' };

describe('timeline queries', () => {
  it('filter by the contacts, types, channels, categories and a half-open time range', () => {
    expect(
      timelineFilter(['a', 'b'], {
        types: ['InteractionLogged'],
        channels: ['email', 'phone-call'],
        categories: ['interaction'],
        from: '2025-01-01T01:00:00+01:00',
        to: '2025-02-01T00:00:00Z',
        limit: 10,
      }),
    ).toEqual({
      customerId: { $in: ['a', 'b'] },
      type: { $in: ['InteractionLogged'] },
      channel: { $in: ['email', 'phone-call'] },
      category: { $in: ['interaction'] },
      occurredAt: { $gte: '2025-01-01T00:00:00.000Z', $lt: '2025-02-01T00:00:00.000Z' },
    });
  });

  it("are served by the timeline's index: the customer's contacts, then newest first (filters within them)", () => {
    expect(orderIsIndexed(timelineProjection.indexes ?? [], { scope: ['customerId'], sort: TIMELINE_ORDER })).toBe(true);
  });

  it('continue after the cursor in the newest-first order (time, then position, then id)', () => {
    expect(timelineFilter(['a'], { limit: 10, cursor: encodeCursor(entry) }).$or).toEqual([
      { occurredAt: { $lt: entry.occurredAt } },
      { occurredAt: entry.occurredAt, position: { $lt: entry.position } },
      { occurredAt: entry.occurredAt, position: entry.position, _id: { $lt: 'e-1' } },
    ]);
  });

  it('read back the cursors they make', () => {
    expect(decodeCursor(encodeCursor(entry))).toEqual(entry);
  });

  it.each([
    ['not base64url', '***'],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['an operator', Buffer.from(JSON.stringify([{ $gt: '' }, entry.position, 'e'])).toString('base64url')],
    ['a bad position', Buffer.from(JSON.stringify([entry.occurredAt, '1', 'e'])).toString('base64url')],
  ])('refuse a cursor that is %s with a 400 problem', (_, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(RequestValidationError);
  });

  it('refuse a range that ends before it starts', () => {
    expect(() => timelineFilter(['a'], { limit: 1, from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' })).toThrow(
      RequestValidationError,
    );
  });
});
