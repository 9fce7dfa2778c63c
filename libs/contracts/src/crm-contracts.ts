import { contactsContracts } from './contacts';
import { ContractRegistry } from './registry';
import { salesContracts } from './sales';

/** Every contract of the CRM. A service adds its contract set here. */
export const crmContracts = new ContractRegistry(contactsContracts, salesContracts);
