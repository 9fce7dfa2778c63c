// Lints texts as if they were files of the repository, with the build's own ESLint configuration (nothing is written):
// stdin [{ path, code }], stdout [[ruleId, ...], ...]. A process of its own: ESLint loads its flat config with a
// dynamic import, which jest's module system does not run.
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '../../..');
const eslint = new ESLint({ cwd: root });
let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const { path, code } of JSON.parse(input)) {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  results.push(result.messages.map((message) => message.ruleId ?? message.message));
}
process.stdout.write(JSON.stringify(results));
