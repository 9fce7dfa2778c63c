import type { ConsumedEvent } from '@crm/messaging';
import { CatchUp } from './catch-up';

const at = (partition: number, offset: number) => ({ topic: 't', partition, offset: String(offset) }) as ConsumedEvent;

describe('CatchUp', () => {
  const ranges = () => [
    { topic: 't', partition: 0, low: 0n, high: 10n },
    { topic: 't', partition: 1, low: 5n, high: 8n },
    { topic: 't', partition: 2, low: 4n, high: 4n }, // empty
  ];

  it('counts progress from the first retained offset to the captured end', () => {
    const catchUp = new CatchUp(ranges());
    expect(catchUp.total).toBe(13);
    catchUp.handled([at(0, 0), at(0, 1), at(1, 5)]);
    expect(catchUp.processed).toBe(3);
    catchUp.handled([at(0, 1)]); // a retried event is not counted twice
    expect(catchUp.processed).toBe(3);
    catchUp.handled([at(0, 30)]); // events after the captured end are not part of the total
    expect(catchUp.processed).toBe(10 + 1);
  });

  it('is done only when the committed offsets reach the end of every non-empty partition', () => {
    const catchUp = new CatchUp(ranges());
    catchUp.handled([at(0, 9), at(1, 7)]);
    expect(catchUp.done).toBe(false); // handled is not committed
    catchUp.committed(new Map([['t:0', 10n]]));
    expect(catchUp.done).toBe(false);
    catchUp.committed(
      new Map([
        ['t:0', 10n],
        ['t:1', 8n],
      ]),
    );
    expect(catchUp.done).toBe(true);
    expect(catchUp.processed).toBe(13);
  });
});
