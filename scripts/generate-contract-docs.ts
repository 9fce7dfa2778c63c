/**
 * Writes the event catalog (docs/events/catalog.md) and the AsyncAPI document (docs/asyncapi.yaml)
 * from the contracts in libs/contracts, formatted as `prettier --write` would leave them.
 *
 *   npx swc scripts libs -d dist && node dist/scripts/generate-contract-docs.js [--check] [root]
 *
 * `--check` writes nothing and exits 1 when a document is out of date (for CI).
 * `root` is the repository root, the current directory by default.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { contractDocuments, type ContractDocument } from '@crm/contracts/docs';
import type { ContractRegistry } from '@crm/contracts';

export const GENERATE_COMMAND = 'npx swc scripts libs -d dist && node dist/scripts/generate-contract-docs.js';

/** The documents as they belong on disk under `root`: generated, then formatted as `prettier --write` would. */
export async function renderContractDocs(root: string, registry?: ContractRegistry): Promise<ContractDocument[]> {
  return contractDocuments(registry).map((document) => ({
    path: document.path,
    content: formatLikePrettierWrite(root, document),
  }));
}

/**
 * Runs the prettier CLI rather than its API: the API loads parts of itself with dynamic `import()`,
 * which jest cannot run, and the CLI applies the repository's config and ignore file exactly as `npm run format` does.
 */
function formatLikePrettierWrite(root: string, document: ContractDocument): string {
  const prettier = require.resolve('prettier/bin/prettier.cjs');
  return execFileSync(process.execPath, [prettier, '--stdin-filepath', document.path], {
    cwd: root,
    input: document.content,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Paths of the documents under `root` that differ from what the contracts generate (missing ones included). */
export async function staleContractDocs(root: string, registry?: ContractRegistry): Promise<string[]> {
  const stale: string[] = [];
  for (const document of await renderContractDocs(root, registry)) {
    const onDisk = await readFile(join(root, document.path), 'utf8').catch(() => undefined);
    if (onDisk !== document.content) stale.push(document.path);
  }
  return stale;
}

export async function writeContractDocs(root: string, registry?: ContractRegistry): Promise<string[]> {
  const documents = await renderContractDocs(root, registry);
  for (const document of documents) {
    const filepath = join(root, document.path);
    await mkdir(dirname(filepath), { recursive: true });
    await writeFile(filepath, document.content, 'utf8');
  }
  return documents.map((document) => document.path);
}

async function main(args: readonly string[]): Promise<number> {
  const check = args.includes('--check');
  const root = resolve(args.find((arg) => !arg.startsWith('--')) ?? process.cwd());
  if (check) {
    const stale = await staleContractDocs(root);
    for (const path of stale) console.error(`${path} is out of date; run: ${GENERATE_COMMAND}`);
    return stale.length === 0 ? 0 : 1;
  }
  for (const path of await writeContractDocs(root)) console.log(`wrote ${path}`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
