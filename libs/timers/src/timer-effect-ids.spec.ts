import { validate, version } from 'uuid';
import { timerEventId } from './timer-effect-ids';

describe('timerEventId', () => {
  it('derives the same UUID from the same timer id, run after run', () => {
    const id = timerEventId('deal-rotting:8d0f6c1e:2');
    expect(validate(id)).toBe(true);
    expect(version(id)).toBe(5);
    expect(timerEventId('deal-rotting:8d0f6c1e:2')).toBe(id);
  });

  it('derives different ids for different timers and for the events of one run', () => {
    const ids = [
      timerEventId('deal-rotting:8d0f6c1e:2'),
      timerEventId('deal-rotting:8d0f6c1e:3'),
      timerEventId('deal-rotting:8d0f6c1e:2', 1),
    ];
    expect(new Set(ids).size).toBe(3);
  });
});
