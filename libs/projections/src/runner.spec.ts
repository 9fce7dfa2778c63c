import type { ConsumedEvent } from '@crm/messaging';
import type { ProjectionDeps } from './prepare';
import { preparerOf } from './prepare';
import { defineProjection } from './projection';

const event = (data: unknown): ConsumedEvent => ({
  id: 'e-1',
  type: 'crm.contacts.ContactRenamed',
  source: '/contacts',
  time: '2025-01-01T00:00:00.000Z',
  dataVersion: 1,
  data,
  stream: 'contact-1',
  revision: 0,
  position: { commit: 1n, prepare: 1n },
  topic: 't',
  partition: 0,
  offset: '0',
});
const open: ProjectionDeps['openPersonalData'] = async (events) => events.map((e) => ({ ...e, data: 'opened' }));
const deps = { openPersonalData: open } as ProjectionDeps;
const projection = (extra: object) =>
  defineProjection({ name: 'p', collection: 'c', topics: ['t'], documentId: () => 'x', evolve: () => ({}), ...extra });

describe('preparerOf', () => {
  it('passes events as they are when the projection neither opens nor checks personal data', async () => {
    expect(await preparerOf(projection({}), {} as ProjectionDeps)([event('sealed')])).toEqual([event('sealed')]);
  });

  it('opens personal data for a projection that asks for it', async () => {
    expect((await preparerOf(projection({ opensPersonalData: true }), deps)([event('sealed')]))[0].data).toBe('opened');
  });

  it('checks an opened copy but hands the sealed events on to a projection that keeps them sealed', async () => {
    const checked: unknown[] = [];
    const prepare = preparerOf(projection({ checkOpened: (e: ConsumedEvent) => checked.push(e.data) }), deps);
    expect((await prepare([event('sealed')]))[0].data).toBe('sealed');
    expect(checked).toEqual(['opened']);
  });

  it('checks only the events the projection takes: the others are not its to dead-letter', async () => {
    const checked: unknown[] = [];
    const takesRenames = (e: ConsumedEvent) => (e.data === 'rename' ? 'x' : undefined);
    const prepare = preparerOf(
      projection({ documentId: takesRenames, checkOpened: (e: ConsumedEvent) => checked.push(e.stream) }),
      { openPersonalData: async (events) => events } as ProjectionDeps,
    );
    await prepare([
      { ...event('rename'), stream: 'taken' },
      { ...event('other'), stream: 'ignored' },
    ]);
    expect(checked).toEqual(['taken']);
  });

  it('opens only the events the projection takes and hands the others on untouched, in order', async () => {
    const openedIds: string[] = [];
    const counting: ProjectionDeps['openPersonalData'] = async (events) => {
      openedIds.push(...events.map((e) => e.id));
      return events.map((e) => ({ ...e, data: 'opened' }));
    };
    const takesRenames = (e: ConsumedEvent) => (e.data === 'rename' ? 'x' : undefined);
    const prepare = preparerOf(projection({ documentId: takesRenames, opensPersonalData: true }), {
      openPersonalData: counting,
    } as ProjectionDeps);
    const prepared = await prepare([
      { ...event('other'), id: 'a' },
      { ...event('rename'), id: 'b' },
      { ...event('other'), id: 'c' },
    ]);
    expect(prepared.map((e) => [e.id, e.data])).toEqual([
      ['a', 'other'],
      ['b', 'opened'],
      ['c', 'other'],
    ]);
    expect(openedIds).toEqual(['b']);
  });

  it('does not open anything for a batch with none of its events', async () => {
    let calls = 0;
    const prepare = preparerOf(projection({ documentId: () => undefined, opensPersonalData: true }), {
      openPersonalData: async (events) => (calls++, events),
    } as ProjectionDeps);
    expect(await prepare([event('sealed')])).toEqual([event('sealed')]);
    expect(calls).toBe(0);
  });

  it('fails the batch when the check throws, so the consumer retries and dead-letters the event', async () => {
    const prepare = preparerOf(
      projection({
        checkOpened: () => {
          throw new Error('breaks its contract');
        },
      }),
      deps,
    );
    await expect(prepare([event('sealed')])).rejects.toThrow('breaks its contract');
  });

  it('refuses to run a checking projection without a way to open personal data', () => {
    expect(() => preparerOf(projection({ checkOpened: () => undefined }), {} as ProjectionDeps)).toThrow(/no openPersonalData/);
  });
});
