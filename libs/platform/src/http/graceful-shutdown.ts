import type { Logger } from 'pino';
import { shutdownTracing } from '../telemetry/tracing';

/** What shutdown needs of the application: Nest's INestApplication fits. */
export interface ClosableApp {
  getHttpServer(): { close(callback?: (error?: Error) => void): unknown; closeIdleConnections?(): void };
  close(signal?: string): Promise<void>;
}

/** What shutdown needs of the process; `process` fits, tests pass a fake. */
export interface ProcessControl {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  /** Present when the process was spawned with an IPC channel, as `npm start` spawns the services. */
  readonly channel?: unknown;
  /** The channel closed: the supervisor that spawned the process is gone, however it died (even SIGKILL). */
  once(event: 'disconnect', listener: () => void): unknown;
  exit(code: number): void;
}

export const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/**
 * On SIGTERM/SIGINT/SIGHUP, or when the supervisor that spawned the process with an IPC channel goes away (so that
 * `npm start` killed outright leaves no orphan): stop accepting connections at once, then `app.close()` — Nest's shutdown hooks
 * (readiness turns 503, consumers drain, the relay stops) while in-flight requests finish — then exit 0.
 * If that takes longer than `timeoutMs`, or a second signal arrives, exit 1 with a log line.
 *
 * Used instead of Nest's enableShutdownHooks(), which would close the HTTP server only after the
 * shutdown hooks and has no deadline.
 */
export function installGracefulShutdown(
  app: ClosableApp,
  { logger, timeoutMs, processControl = process }: { logger: Logger; timeoutMs: number; processControl?: ProcessControl },
): void {
  let shuttingDown = false;
  const shutdown = async (signal: NodeJS.Signals | 'disconnect') => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal during shutdown: exiting now');
      return processControl.exit(1);
    }
    shuttingDown = true;
    logger.info({ signal, timeoutMs }, 'shutting down: no new connections, draining');
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs }, 'graceful shutdown timed out: forcing exit');
      processControl.exit(1);
    }, timeoutMs); // not unref'd: the process ends by a clean exit or by this, never silently
    const server = app.getHttpServer();
    // Keep-alive connections that go idle after their last response would hold the close for
    // the keep-alive timeout; close them as they go idle.
    const closeIdle = setInterval(() => server.closeIdleConnections?.(), 100);
    closeIdle.unref();
    try {
      server.close();
      server.closeIdleConnections?.();
      await app.close(signal);
      await shutdownTracing().catch((error: unknown) => logger.warn({ err: error }, 'spans not exported at shutdown'));
      logger.info('shut down cleanly');
      processControl.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error during shutdown');
      processControl.exit(1);
    } finally {
      clearInterval(closeIdle);
      clearTimeout(deadline);
    }
  };
  for (const signal of SHUTDOWN_SIGNALS) processControl.on(signal, (s) => void shutdown(s));
  if (processControl.channel) processControl.once('disconnect', () => void shutdown('disconnect'));
}
