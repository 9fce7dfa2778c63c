import { join } from 'node:path';
import { GENERATE_COMMAND, staleContractDocs } from '../../../../scripts/generate-contract-docs';
import { contactsContracts } from '../contacts';
import { ContractRegistry } from '../registry';

const repositoryRoot = join(__dirname, '../../../..');
// Formatting runs the prettier CLI, a second or two per document on a busy machine.
const PRETTIER_TIMEOUT_MS = 60_000;

describe('committed contract docs', () => {
  it(
    'match the contracts',
    async () => {
      const stale = await staleContractDocs(repositoryRoot);
      if (stale.length > 0) throw new Error(`Out of date with libs/contracts: ${stale.join(', ')}. Run: ${GENERATE_COMMAND}`);
    },
    PRETTIER_TIMEOUT_MS,
  );

  it(
    'are found stale when the contracts differ from them',
    async () => {
      const fewer = new ContractRegistry({
        ...contactsContracts,
        contracts: contactsContracts.contracts.filter((c) => c.name !== 'ContactArchived'),
      });
      expect(await staleContractDocs(repositoryRoot, fewer)).toEqual(['docs/events/catalog.md', 'docs/asyncapi.yaml']);
    },
    PRETTIER_TIMEOUT_MS,
  );
});
