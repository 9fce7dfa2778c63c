import type { ResponseProtection } from '@crm/idempotency';
import { SubjectErasedError } from './key-store';
import type { PersonalDataVault } from './vault';

/**
 * Idempotency-Key responses kept sealed with the customer's key: a replay after their erasure cannot
 * show their data (it is answered 410). `subjectOf` names the customer a response is about.
 */
export function vaultResponseProtection(
  vault: PersonalDataVault,
  subjectOf: ResponseProtection['subjectOf'],
): ResponseProtection {
  return {
    subjectOf,
    // Erased: the vault writes nothing for them again, and the request's record becomes a tombstone.
    seal: (subject, plaintext) =>
      vault.sealFor(subject, plaintext).catch((error: unknown) => {
        if (error instanceof SubjectErasedError) return null;
        throw error;
      }),
    open: async (subject, sealed) => {
      const opened = await vault.openFor(subject, sealed);
      return typeof opened === 'string' ? opened : null;
    },
  };
}
