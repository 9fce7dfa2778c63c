import type { ConsentChannel, ConsentPurpose } from '@crm/contracts';

/** Consent is held per channel and purpose: `email/newsletter`. */
export type ConsentKey = `${ConsentChannel}/${ConsentPurpose}`;
export const consentKey = (entry: { channel: ConsentChannel; purpose: ConsentPurpose }): ConsentKey =>
  `${entry.channel}/${entry.purpose}`;
