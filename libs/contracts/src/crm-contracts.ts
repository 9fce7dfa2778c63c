import { contactsContracts } from './contacts';
import type { ContractViolation } from './errors';
import { ContractRegistry } from './registry';

/** Every contract of the CRM. A service adds its contract set here. */
export const crmContracts = new ContractRegistry(contactsContracts);

/** Every way `data` breaks the contract of `type` in `version`; empty when valid. */
export function validateEvent(type: string, version: number, data: unknown): ContractViolation[] {
  return crmContracts.validate(type, data, version);
}

/** Throws ContractViolationError unless `data` keeps the contract of `type` (current version unless given). */
export function assertValid(type: string, data: unknown, version?: number): void {
  crmContracts.assertValid(type, data, version);
}

/** Upcasts `data` of `type`, written in schema `version`, to the current version. */
export function toCurrent(type: string, version: number, data: unknown): unknown {
  return crmContracts.toCurrent(type, version, data);
}
