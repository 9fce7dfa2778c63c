import { crmContracts, type ContactsEvent } from '@crm/contracts';
import type { SourceEvent } from '../domain/source-event';

let sequence = 0;

/** A consumed event as the relay publishes it: CloudEvents type, current schema version, a store position. */
export function sourceEvent<E extends ContactsEvent>(
  type: E['type'],
  data: E['data'],
  extra: Partial<Omit<SourceEvent, 'type' | 'data'>> = {},
): SourceEvent {
  sequence++;
  return {
    id: `event-${sequence}`,
    type: crmContracts.cloudEventTypeOf(type),
    time: '2025-06-01T00:00:00.000Z',
    dataVersion: crmContracts.currentVersion(type),
    data,
    position: { commit: BigInt(sequence), prepare: BigInt(sequence) },
    ...extra,
  };
}

export const ADA = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';
export const ADA_TWIN = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e41';
export const ADA_THIRD = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e42';
export const ENGINES = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e77';
export const MERGE = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e88';
