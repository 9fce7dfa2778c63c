import { isDeepStrictEqual } from 'node:util';

/**
 * Values compare by content: `{ given, family }` sent in another key order is the same name, and a validated
 * request object (a DTO class instance) equals the plain stored one (structuredClone drops the prototype).
 */
export const sameValue = (a: unknown, b: unknown): boolean => isDeepStrictEqual(structuredClone(a), structuredClone(b));

/**
 * What an update really changes: the fields whose value differs from the current one, and the optional
 * fields to clear that have a value and are not set in the same update. Both empty: nothing to record.
 */
export function changedFields<Profile extends object, Clearable extends keyof Profile>(
  current: Profile,
  changes: Partial<Profile>,
  cleared: readonly Clearable[],
): { changes: Partial<Profile>; cleared: Clearable[] } {
  const changed = Object.fromEntries(
    Object.entries(changes).filter(([field, value]) => !sameValue(current[field as keyof Profile], value)),
  ) as Partial<Profile>;
  return { changes: changed, cleared: cleared.filter((field) => current[field] !== undefined && !(field in changed)) };
}

/** The profile after an update event: changed fields replaced, cleared ones removed. */
export function applyChanges<Profile extends object>(
  profile: Profile,
  changes: Partial<Profile>,
  cleared: readonly (keyof Profile)[],
): Profile {
  const next = { ...profile, ...changes };
  for (const field of cleared) delete next[field];
  return next;
}
