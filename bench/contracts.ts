import { Type } from '@sinclair/typebox';
import { Closed, ContractRegistry, defineEvent, Email, Uuid, UtcTimestamp, type DataOf } from '@crm/contracts';
import { EventDecoder } from '@crm/messaging';

/** The events of the benchmarks' made-up `bench` service: decoded by the runner as a real service's are. */
export const BenchContactRenamed = defineEvent({
  service: 'bench',
  name: 'ContactRenamed',
  version: 1,
  description: 'A benchmark contact was renamed.',
  schema: Closed({
    contactId: Uuid(),
    n: Type.Integer({ minimum: 0 }),
    name: Closed({ given: Type.String({ maxLength: 200 }), family: Type.String({ maxLength: 200 }) }),
    email: Email(),
    at: UtcTimestamp(),
  }),
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    n: 0,
    name: { given: 'Ada', family: 'Lovelace 0' },
    email: 'ada0@example.com',
    at: '2025-01-15T09:30:00.000Z',
  },
});
export type BenchRenamed = DataOf<typeof BenchContactRenamed>;

export const BenchContactTouched = defineEvent({
  service: 'bench',
  name: 'ContactTouched',
  version: 1,
  description: 'A benchmark contact was touched (the lag benchmark: its sequence number and when it was appended).',
  schema: Closed({ contactId: Uuid(), seq: Type.Integer({ minimum: 0 }), at: UtcTimestamp() }),
  example: { contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40', seq: 0, at: '2025-01-15T09:30:00.000Z' },
});
export type BenchTouched = DataOf<typeof BenchContactTouched>;

export const benchRegistry = new ContractRegistry({ contracts: [BenchContactRenamed, BenchContactTouched] });

/** What a benchmark's runner decodes with; no cache, as with one runner in the process it could not hit. */
export const benchDecoder = (): EventDecoder => new EventDecoder({ registry: benchRegistry, cacheSize: 0 });
