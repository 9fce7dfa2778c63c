import { EventEmitter } from 'node:events';
import { createLogger } from './logger';
import { logProcessWarnings } from './process-warnings';

function setup() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    service: 'test',
    level: 'debug',
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  const target = new EventEmitter();
  const nodePrinter = jest.fn();
  target.on('warning', nodePrinter);
  logProcessWarnings(logger, target);
  return { lines, target, nodePrinter };
}

const warning = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('logProcessWarnings', () => {
  it('given a warning, logs it as one JSON line at warn, and Node no longer prints its own text', () => {
    const { lines, target, nodePrinter } = setup();
    target.emit('warning', Object.assign(warning('DeprecationWarning', 'Buffer() is deprecated'), { code: 'DEP0005' }));
    expect(nodePrinter).not.toHaveBeenCalled();
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'process warning',
        warning: { name: 'DeprecationWarning', code: 'DEP0005', message: 'Buffer() is deprecated' },
      }),
    ]);
  });

  it("given kafkajs' negative timeout, logs it at debug with why it is harmless", () => {
    const { lines, target } = setup();
    target.emit('warning', warning('TimeoutNegativeWarning', '-1796506486012 is a negative number.'));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'debug',
        why: expect.stringContaining('kafkajs#1751'),
        warning: expect.objectContaining({ name: 'TimeoutNegativeWarning' }),
      }),
    ]);
  });
});
