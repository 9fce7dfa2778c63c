import { crmContracts } from '../crm-contracts';
import type { ContractRegistry } from '../registry';
import { renderAsyncApi } from './asyncapi';
import { renderCatalog } from './catalog';

export { buildAsyncApi, renderAsyncApi, messageId } from './asyncapi';
export { renderCatalog, GENERATED_NOTICE } from './catalog';
export * from './envelope';

/** A generated document and where it lives, relative to the repository root. */
export interface ContractDocument {
  readonly path: string;
  readonly content: string;
}

/** Every document generated from the contracts, unformatted. */
export function contractDocuments(registry: ContractRegistry = crmContracts): ContractDocument[] {
  return [
    { path: 'docs/events/catalog.md', content: renderCatalog(registry) },
    { path: 'docs/asyncapi.yaml', content: renderAsyncApi(registry) },
  ];
}
