import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
// Loaded before the service's main.js: the process then reports Node 20, the runtime the services left behind.
const AS_NODE_20 = `data:text/javascript,Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '20.20.2' } });`;

describe('a service started directly on an unsupported Node (`node dist/services/<name>/src/main.js`)', () => {
  it.each(['serve', 'rebuild contact-list', 'projections'])(
    'refuses to %s, says why and what to do, and starts nothing',
    (command) => {
      const main = join(ROOT, 'dist/services/contacts/src/main.js');
      expect(existsSync(main)).toBe(true);
      const result = spawnSync(process.execPath, ['--import', AS_NODE_20, main, ...command.split(' ')], {
        cwd: ROOT,
        env: { ...process.env, NODE_ENV: 'test', PORT: '0' },
        encoding: 'utf8',
        timeout: 60000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('contacts: Node.js v20.20.2 is not supported: the CRM services need Node.js >=24.11.0');
      expect(result.stderr).toContain('npm start');
      expect(result.stdout).toBe('');
    },
  );
});
