import { historyOf } from './history';

type Light = { status: 'none' } | { status: 'on' | 'off'; colour: string; updatedAt: string };
type LightEvent =
  | { type: 'Installed'; data: { colour: string; at: string } }
  | { type: 'Switched'; data: { on: boolean; at: string } }
  | { type: 'Repainted'; data: { colour: string; at: string } };

const light = {
  initialState: { status: 'none' } as Light,
  evolve: (state: Light, event: LightEvent): Light => {
    if (event.type === 'Installed') return { status: 'off', colour: event.data.colour, updatedAt: event.data.at };
    if (state.status === 'none') return state;
    if (event.type === 'Switched') return { ...state, status: event.data.on ? 'on' : 'off', updatedAt: event.data.at };
    return { ...state, colour: event.data.colour, updatedAt: event.data.at };
  },
};

const recorded = (revision: number, actor?: string) => ({
  revision,
  recordedAt: new Date(Date.UTC(2026, 0, 1 + revision)),
  metadata: actor ? { actor } : {},
});

describe('historyOf', () => {
  it('tells each event’s recorded time, its actor and the fields it changed, old and new, but updatedAt', () => {
    const history = historyOf(light, [
      { event: { type: 'Installed', data: { colour: 'red', at: 't0' } }, recorded: recorded(0, 'user-1') },
      { event: { type: 'Switched', data: { on: true, at: 't1' } }, recorded: recorded(1) },
      { event: { type: 'Repainted', data: { colour: 'red', at: 't2' } }, recorded: recorded(2, 'sales') },
    ]);
    expect(history).toEqual([
      {
        revision: 0,
        type: 'Installed',
        at: '2026-01-01T00:00:00.000Z',
        actor: 'user-1',
        changes: [
          { field: 'status', new: 'off' },
          { field: 'colour', new: 'red' },
        ],
      },
      { revision: 1, type: 'Switched', at: '2026-01-02T00:00:00.000Z', changes: [{ field: 'status', old: 'off', new: 'on' }] },
      // Painted the colour it had: an event that changed nothing shows no change.
      { revision: 2, type: 'Repainted', at: '2026-01-03T00:00:00.000Z', actor: 'sales', changes: [] },
    ]);
  });
});
