/**
 * Prints a bearer token signed with JWT_SECRET, for dev, tests and service-to-service calls:
 *
 *   node dist/libs/platform/src/cli/token.js --sub alice --roles sales,support [--ttl 8h]
 *
 * JWT_ISSUER / JWT_AUDIENCE are put into the token when set, as the services verify them.
 */
import { parseArgs } from 'node:util';
import { isRole, ROLES, type Role } from '../auth/principal';
import { issueToken } from '../auth/tokens';
import { httpConfigSpec } from '../config/base-config';
import { loadConfig, type Env } from '../config/config';

const USAGE = `usage: token --sub <subject> [--roles ${ROLES.join(',')}] [--ttl 1h]`;

const tokenConfigSpec = {
  NODE_ENV: httpConfigSpec.NODE_ENV,
  JWT_SECRET: httpConfigSpec.JWT_SECRET,
  JWT_ISSUER: httpConfigSpec.JWT_ISSUER,
  JWT_AUDIENCE: httpConfigSpec.JWT_AUDIENCE,
};

/** The token for `argv` (arguments after the script), or an Error whose message is meant for the user. */
export function tokenFromArgs(argv: readonly string[], env: Env): string {
  const { values } = parseArgs({
    args: [...argv],
    options: { sub: { type: 'string' }, roles: { type: 'string', default: '' }, ttl: { type: 'string', default: '1h' } },
    strict: true,
  });
  if (!values.sub) throw new Error(`--sub is required\n${USAGE}`);
  const roles = values.roles
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const unknown = roles.filter((r) => !isRole(r));
  if (unknown.length > 0) throw new Error(`unknown role(s): ${unknown.join(', ')}; roles are ${ROLES.join(', ')}`);
  const config = loadConfig(tokenConfigSpec, env);
  return issueToken({ sub: values.sub, roles: roles as Role[] }, config.JWT_SECRET, values.ttl, {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
}

if (require.main === module) {
  try {
    process.stdout.write(`${tokenFromArgs(process.argv.slice(2), process.env)}\n`);
  } catch (error) {
    process.stderr.write(`token: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
