// Schemathesis (PyPI), the OpenAPI fuzzer of the API gate (test/api), in a virtual environment of its own under
// ~/.cache/crm-platform (or CRM_CACHE_DIR), installed once with pip from the pinned requirements; pip's downloads are
// cached there too. `node scripts/schemathesis.js install` prepares it (CI does, before the tests); the gate calls
// ensureSchemathesis() itself, so `npm test` on a fresh machine needs only python3 and PyPI.
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } = require('node:fs');
const { homedir } = require('node:os');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const REQUIREMENTS = join(ROOT, 'test/api/requirements.txt');

function cacheDir() {
  return process.env.CRM_CACHE_DIR || join(process.env.HOME || homedir(), '.cache/crm-platform');
}

/** The environment's directory: named by the schemathesis version and a hash of every pin, so a change makes a new one. */
function venvDir() {
  const requirements = readFileSync(REQUIREMENTS, 'utf8');
  const version = /^schemathesis==(\S+)$/m.exec(requirements)?.[1];
  if (!version) throw new Error(`${REQUIREMENTS} pins no schemathesis version`);
  const pins = createHash('sha256').update(requirements).digest('hex').slice(0, 8);
  return join(cacheDir(), `schemathesis-${version}-${pins}`);
}

/** The `schemathesis` executable, installing it first when it is not there (or an install was cut short). */
function ensureSchemathesis({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const dir = venvDir();
  const executable = join(dir, 'bin', 'schemathesis');
  const complete = join(dir, '.complete');
  if (existsSync(complete) && existsSync(executable)) return executable;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(cacheDir(), { recursive: true });
  const python = process.env.PYTHON || 'python3';
  log(`schemathesis: installing into ${dir} (${python}, pip cache ${join(cacheDir(), 'pip')})`);
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'] };
  try {
    execFileSync(python, ['-m', 'venv', dir], quiet);
    execFileSync(
      join(dir, 'bin', 'python'),
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', REQUIREMENTS],
      {
        ...quiet,
        env: { ...process.env, PIP_CACHE_DIR: join(cacheDir(), 'pip') },
      },
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`schemathesis: the install failed (python3 with venv and pip, and PyPI, are needed): ${error.message}`);
  }
  writeFileSync(complete, `${new Date().toISOString()}\n`);
  return executable;
}

module.exports = { ensureSchemathesis };

if (require.main === module) {
  const [command] = process.argv.slice(2);
  if (command !== 'install') {
    process.stderr.write('usage: node scripts/schemathesis.js install\n');
    process.exit(2);
  }
  const executable = ensureSchemathesis();
  process.stdout.write(`${execFileSync(executable, ['--version'], { encoding: 'utf8' }).trim()} (${executable})\n`);
}
