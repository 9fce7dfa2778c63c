// The whole of a service's main.ts. Loads nothing but OpenTelemetry until tracing has started: what it
// instruments (pg, mongodb, http) must be loaded after it, so the service's declaration is loaded lazily.
import { unsupportedNode } from '@crm/platform/runtime/node-version';
import { startTracing } from '@crm/platform/telemetry/tracing';
import type { ServiceDefinition } from './service';

const USAGE = `Usage: main.js [serve]            run the service (HTTP, relay, projections, reactors)
       main.js rebuild <projection>  rebuild a projection and swap it in
       main.js projections          list its projections (one per line)
`;

/**
 *   // services/contacts/src/main.ts
 *   runService('contacts', async () => (await import('./contacts.service.js')).contactsService);
 */
export function runService(name: string, load: () => Promise<ServiceDefinition>): void {
  const [command = 'serve', ...args] = process.argv.slice(2);
  // Checked before anything starts: `node dist/.../main.js` run directly takes whatever Node is on PATH.
  const unsupported = unsupportedNode(process.versions.node);
  if (unsupported) {
    process.stderr.write(`${name}: ${unsupported}\n`);
    process.exitCode = 1;
    return;
  }
  const fail = (error: unknown) => {
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  };
  switch (command) {
    case 'serve':
      startTracing(name);
      load()
        .then(async (definition) => (await import('./bootstrap.js')).serveService(definition))
        .catch(fail);
      return;
    case 'rebuild':
      load()
        .then(
          async (definition) => (process.exitCode = await (await import('./cli.js')).rebuildCommand(definition, { argv: args })),
        )
        .catch(fail);
      return;
    case 'projections':
      load()
        .then((definition) =>
          process.stdout.write((definition.projections ?? []).map((projection) => `${projection.name}\n`).join('')),
        )
        .catch(fail);
      return;
    default:
      process.stderr.write(`Unknown command "${command}".\n${USAGE}`);
      process.exitCode = 2;
  }
}
