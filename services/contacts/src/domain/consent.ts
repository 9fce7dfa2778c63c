import type { ConsentChannel, ConsentEntry, ConsentPurpose, ContactMergeUndoneData } from '@crm/contracts';

/** Consent is held per channel and purpose: `email/newsletter`. */
export type ConsentKey = `${ConsentChannel}/${ConsentPurpose}`;
export const consentKey = (entry: { channel: ConsentChannel; purpose: ConsentPurpose }): ConsentKey =>
  `${entry.channel}/${entry.purpose}`;

/** How far ahead of the service's clock a statement's time may be (a client's clock running fast). */
export const CONSENT_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Why a statement's time cannot be taken, if it cannot. The latest statement is the current state, so one
 * dated in the future (a typo: 2062 for 2026) would outrank every real one until then: a withdrawal made
 * after it would not take effect.
 */
export function consentTimeProblem(at: string, now: string): string | undefined {
  return Date.parse(at) > Date.parse(now) + CONSENT_CLOCK_SKEW_MS ? 'must not be in the future' : undefined;
}

/** A statement as a whole (channel, purpose, status, source and time): equal for the same statement made again. */
export const statementOf = ({ channel, purpose, status, source, at }: ConsentEntry): string =>
  JSON.stringify([channel, purpose, status, source, at]);

/** The current consent per channel and purpose. */
export type Consents = Partial<Record<ConsentKey, ConsentEntry>>;

/**
 * After a statement (`ContactConsentChanged`): the latest statement is the current state. The ledger keeps every
 * one; an older one (a late import) changes nothing here, and the same object comes back.
 */
export function afterStatement(consents: Consents, entry: ConsentEntry): Consents {
  const current = consents[consentKey(entry)];
  return current && current.at > entry.at ? consents : { ...consents, [consentKey(entry)]: entry };
}

/** After a merge: the consents it adopted from the merged contacts (it took only those newer than the survivor's). */
export function afterAdopting(consents: Consents, adopted: readonly ConsentEntry[]): Consents {
  return { ...consents, ...Object.fromEntries(adopted.map((entry) => [consentKey(entry), entry])) };
}

/** After an undo: what the merge added is removed, and what it replaced is back. */
export function afterMergeUndone(consents: Consents, { consents: restored, removedConsents }: ContactMergeUndoneData): Consents {
  const remaining = { ...consents };
  for (const key of removedConsents) delete remaining[consentKey(key)];
  for (const entry of restored) remaining[consentKey(entry)] = entry;
  return remaining;
}
