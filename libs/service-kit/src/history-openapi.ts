import { Type, type Static } from '@sinclair/typebox';
import { Closed, UtcTimestamp } from '@crm/contracts';
import { namedType, sameShape } from '@crm/platform/nest';
import type { HistoryEntry } from './history';

/**
 * A history entry's body in a service's OpenAPI document, named `name` there; `field` says what a changed field is
 * in that service (a contact's fields, an order's...). One shape for every service's history (`historyOf`).
 */
export function historyEntryType(name: string, field: string) {
  const schema = Closed({
    revision: Type.Integer({ minimum: 0 }),
    type: Type.String({ description: 'The event that made the change.' }),
    at: UtcTimestamp({ description: 'When the change was recorded.' }),
    actor: Type.Optional(Type.String({ description: 'Who made it (user or service id).' })),
    changes: Type.Array(
      Closed({
        field: Type.String({ description: field }),
        old: Type.Optional(Type.Unknown()),
        new: Type.Optional(Type.Unknown()),
      }),
    ),
  });
  sameShape<Static<typeof schema>, HistoryEntry>(true);
  return namedType<HistoryEntry>(name, schema);
}
