import type { ConsentChannel, ConsentPurpose } from '@crm/contracts';

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
