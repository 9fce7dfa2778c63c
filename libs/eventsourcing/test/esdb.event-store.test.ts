import { spawnSync } from 'node:child_process';
import { GenericContainer, Wait } from 'testcontainers';
import { EsdbEventStore, sleep } from '@crm/eventsourcing';
import { describeEventStoreContract } from '@crm/eventsourcing/testing';

/** Same server as docker-compose.yml; `ESDB_IMAGE=eventstore/eventstore:24.10` works as well. */
const IMAGE = process.env.ESDB_IMAGE ?? 'kurrentplatform/kurrentdb:25.0';
const SKIPPED = 'EventStore contract: esdb — SKIPPED: no ESDB_URL and no container runtime';

if (process.env.ESDB_URL) {
  describeEventStoreContract('esdb', () => connect(process.env.ESDB_URL as string));
} else if (containerRuntimeReachable()) {
  jest.setTimeout(300_000); // the first run pulls the image
  describeEventStoreContract('esdb', async () => {
    const server = await startServer();
    return connect(server.url, server.stop);
  });
} else {
  // Jest's default reporter hides a file whose tests are all skipped, its console output included; the todo keeps
  // it in the report (as `1 todo` in the summary), so the warning always prints.
  console.warn(SKIPPED);
  it.todo('EventStore contract: esdb — set ESDB_URL (e.g. esdb://127.0.0.1:2113?tls=false) or start Docker/Podman');
}

async function connect(url: string, stopServer?: () => Promise<unknown>) {
  const store = new EsdbEventStore({ connectionString: url });
  await waitUntilReady(store);
  return {
    store,
    // ESDB deduplicates ids within a stream only; it keeps no index of ids across streams.
    eventIdsUniqueAcrossStreams: false,
    teardown: async () => {
      await store.close();
      await stopServer?.();
    },
  };
}

/** Jest collects tests synchronously, so testcontainers' own (asynchronous) detection runs in a child process. */
function containerRuntimeReachable(): boolean {
  const probe = `require(${JSON.stringify(require.resolve('testcontainers'))})
    .getContainerRuntimeClient().then(() => process.exit(0), () => process.exit(1))`;
  return spawnSync(process.execPath, ['-e', probe], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

async function startServer(): Promise<{ url: string; stop: () => Promise<unknown> }> {
  const container = await new GenericContainer(IMAGE)
    .withCommand(['--insecure', '--mem-db'])
    .withExposedPorts(2113)
    .withWaitStrategy(Wait.forHttp('/health/live', 2113))
    .withStartupTimeout(120_000)
    .start();
  return {
    url: `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`,
    stop: () => container.stop(),
  };
}

/** A node reports itself live a little before it serves reads and writes. */
async function waitUntilReady(store: EsdbEventStore, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await store.ping();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}
