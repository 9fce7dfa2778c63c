import { readFileSync } from 'node:fs';
import { logLevel, type LogEntry } from 'kafkajs';
import { createLogger } from '@crm/platform';
import { createKafka } from './kafka';
import { kafkaLogCreator, REJOIN_RESPONSES } from './kafka-logging';

function harness() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: 'contacts',
    level: 'debug',
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  return { lines, log: kafkaLogCreator(logger)(logLevel.WARN) };
}

/** As kafkajs hands them to a log creator (these three are from a passing CI run, where they came with stack traces). */
const entry = (namespace: string, level: logLevel, message: string, extra: Record<string, unknown> = {}): LogEntry => ({
  namespace,
  level,
  label: logLevel[level],
  log: { timestamp: '2026-12-05T21:05:25.439Z', logger: 'kafkajs', message, ...extra },
});
const rebalancingHeartbeat = entry('Connection', logLevel.ERROR, 'Response Heartbeat(key: 12, version: 3)', {
  broker: '127.0.0.1:59092',
  clientId: 'contacts',
  error: 'The group is rebalancing, so a rejoin is needed',
  correlationId: 9,
  size: 10,
});
const rebalancingSync = entry('Connection', logLevel.ERROR, 'Response SyncGroup(key: 14, version: 3)', {
  broker: '127.0.0.1:59092',
  clientId: 'contacts',
  error: 'The group is rebalancing, so a rejoin is needed',
});
const rejoining = entry('Runner', logLevel.WARN, 'The group is rebalancing, re-joining', {
  groupId: 'projection.contact-list.c6d9',
  memberId: 'contacts-8a14',
  error: 'The group is rebalancing, so a rejoin is needed',
  retryCount: 0,
  retryTime: 263,
});

describe('kafkajs logs', () => {
  it('are the service logger lines: its level names, time and service, no kafkajs console fields', () => {
    const h = harness();
    h.log(rebalancingHeartbeat);
    expect(h.lines).toEqual([
      {
        level: 'debug',
        time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        service: 'contacts',
        pid: process.pid,
        hostname: expect.any(String),
        component: 'kafkajs',
        namespace: 'Connection',
        broker: '127.0.0.1:59092',
        clientId: 'contacts',
        error: 'The group is rebalancing, so a rejoin is needed',
        correlationId: 9,
        size: 10,
        msg: 'Response Heartbeat(key: 12, version: 3)',
      },
    ]);
  });

  it("take a rebalance for what it is: the coordinator's answers at debug, the rejoin at info", () => {
    const h = harness();
    for (const logged of [rebalancingHeartbeat, rebalancingSync, rejoining]) h.log(logged);
    expect(h.lines.map(({ level, msg }) => [level, msg])).toEqual([
      ['debug', 'Response Heartbeat(key: 12, version: 3)'],
      ['debug', 'Response SyncGroup(key: 14, version: 3)'],
      ['info', 'The group is rebalancing, re-joining'],
    ]);
  });

  it('keep the level of what kafkajs does not get over, and of any other error', () => {
    const h = harness();
    h.log(
      entry('Consumer', logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded: The group coordinator is not available', {
        groupId: 'projection.contact-list',
        retryCount: 5,
        stack: 'KafkaJSNonRetriableError\n  Caused by: ...',
      }),
    );
    h.log(entry('Connection', logLevel.ERROR, 'Response Produce(key: 0, version: 7)', { error: 'The request timed out' }));
    h.log(entry('BrokerPool', logLevel.ERROR, 'Failed to connect to broker, reconnecting', { retryCount: 3 }));
    h.log(entry('Admin', logLevel.WARN, 'Could not create topics', { error: 'Topic with this name already exists' }));
    expect(h.lines.map(({ level }) => level)).toEqual(['error', 'error', 'error', 'warn']);
    expect(h.lines[0].stack).toContain('KafkaJSNonRetriableError');
  });

  it("name only answers of kafkajs's own protocol error table", () => {
    const table = readFileSync(require.resolve('kafkajs/src/protocol/error.js'), 'utf8');
    for (const message of REJOIN_RESPONSES) expect(table).toContain(message);
  });

  it('reach the logger given to createKafka', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      service: 'contacts',
      destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    });
    const kafka = createKafka({ brokers: ['127.0.0.1:9'], clientId: 'contacts', logger });
    kafka.logger().namespace('Runner').warn('The group is rebalancing, re-joining', { groupId: 'g' });
    kafka.logger().namespace('Consumer').error('Crash: KafkaJSError: boom', { groupId: 'g' });
    expect(lines.map(({ level, component, namespace, msg }) => [level, component, namespace, msg])).toEqual([
      ['info', 'kafkajs', 'Runner', 'The group is rebalancing, re-joining'],
      ['error', 'kafkajs', 'Consumer', 'Crash: KafkaJSError: boom'],
    ]);
  });
});
