import type { Logger } from 'pino';

/**
 * Warnings Node raises that are known and harmless, logged at debug with why. kafkajs 2.2.4 schedules its
 * request queue's first check with a negative delay (tulios/kafkajs#1751), which Node takes as 1 ms.
 */
const KNOWN_HARMLESS: ReadonlyArray<{ name: string; why: string }> = [
  { name: 'TimeoutNegativeWarning', why: 'kafkajs schedules a negative delay (kafkajs#1751); Node takes it as 1 ms' },
];

/**
 * Process warnings (deprecations, negative timeouts, listener leaks...) go through the service's logger as one JSON
 * line each, instead of Node's own `(node:PID) Warning` text on stderr beside the JSON lines.
 */
export function logProcessWarnings(logger: Logger, target: NodeJS.EventEmitter = process): void {
  // Node's own printer is the listener it installs at start-up; replacing it is the documented way to take over.
  target.removeAllListeners('warning');
  target.on('warning', (warning: Error & { code?: string }) => {
    const known = KNOWN_HARMLESS.find((entry) => entry.name === warning.name);
    const fields = { warning: { name: warning.name, code: warning.code, message: warning.message } };
    if (known) logger.debug({ ...fields, why: known.why }, 'process warning (known, harmless)');
    else logger.warn({ ...fields, stack: warning.stack }, 'process warning');
  });
}
