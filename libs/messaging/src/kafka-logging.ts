import { logLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { Logger } from '@crm/platform';

type Level = 'error' | 'warn' | 'info' | 'debug';

const LEVELS: Readonly<Record<number, Level>> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * Answers of the group coordinator that kafkajs's consumer handles itself, by joining the group again (its protocol
 * error table, kafkajs/src/protocol/error.js): every rebalance (a consumer starts, stops or is slow) brings some.
 */
export const REJOIN_RESPONSES: ReadonlySet<string> = new Set([
  'The group is rebalancing, so a rejoin is needed', // REBALANCE_IN_PROGRESS
  'The coordinator is not aware of this member', // UNKNOWN_MEMBER_ID
  'Specified group generation id is not valid', // ILLEGAL_GENERATION
  'This is not the correct coordinator for this group', // NOT_COORDINATOR_FOR_GROUP
  "The coordinator is loading and hence can't process requests for this group", // GROUP_LOAD_IN_PROGRESS
  'The group coordinator is not available', // GROUP_COORDINATOR_NOT_AVAILABLE
]);

/** What kafkajs's runner says when it joins again after one of those: normal operation, not a fault. */
const REJOINING = new Set([
  'The group is rebalancing, re-joining',
  'The coordinator is not aware of this member, re-joining the group',
]);

/**
 * The level an entry deserves. kafkajs logs each error answer of a request at ERROR as it happens, although it retries
 * or re-joins on its own; a failure it cannot get over still reaches us (a consumer crash, a failed send, a broker it
 * cannot connect to) and keeps its level. So an expected answer of the coordinator goes to debug, and the rejoin it
 * causes to info (a rebalance pauses consumption: worth a line, not an alarm).
 */
export function levelOfKafkaLog({ namespace, level, log }: Pick<LogEntry, 'namespace' | 'level' | 'log'>): Level {
  const error = typeof log.error === 'string' ? log.error : undefined;
  if (namespace === 'Connection' && log.message.startsWith('Response ') && error && REJOIN_RESPONSES.has(error)) return 'debug';
  if (namespace === 'Runner' && REJOINING.has(log.message)) return 'info';
  return LEVELS[level] ?? 'info';
}

/**
 * kafkajs's logs as the service's own JSON lines: the service's pino logger (its time, level names, service and
 * correlation), with `component: "kafkajs"` and kafkajs's namespace, instead of kafkajs's own console format.
 */
export function kafkaLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () => (entry) => {
    const { timestamp: _timestamp, logger: _logger, message, ...fields } = entry.log;
    kafkaLogger[levelOfKafkaLog(entry)]({ namespace: entry.namespace, ...fields }, message);
  };
}
