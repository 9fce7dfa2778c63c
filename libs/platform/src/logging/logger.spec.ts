import { runWithCorrelation, setPrincipal } from '../context/correlation';
import { createLogger } from './logger';
import { PinoNestLogger } from '../nest/logging/nest-logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: 'contacts',
    level: 'debug',
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  return { lines, logger };
}

describe('createLogger', () => {
  it('writes JSON lines with level name, ISO time and service', () => {
    const { lines, logger } = capture();
    logger.info({ contactId: 'c-1' }, 'contact created');
    expect(lines[0]).toMatchObject({ level: 'info', service: 'contacts', msg: 'contact created', contactId: 'c-1' });
    expect(new Date(lines[0].time as string).toISOString()).toBe(lines[0].time);
    expect(lines[0]).not.toHaveProperty('correlationId');
  });

  it('adds the correlation id and actor of the work in progress', () => {
    const { lines, logger } = capture();
    runWithCorrelation({ correlationId: 'corr-1' }, () => {
      setPrincipal({ sub: 'alice', roles: ['sales'] });
      logger.info('inside');
    });
    expect(lines[0]).toMatchObject({ correlationId: 'corr-1', actor: 'alice' });
  });

  it('redacts credentials logged by mistake', () => {
    const { lines, logger } = capture();
    logger.info({ headers: { authorization: 'Bearer secret', cookie: 'sid=1' }, password: 'hunter2' }, 'oops');
    expect(JSON.stringify(lines[0])).not.toMatch(/Bearer secret|sid=1|hunter2/);
  });
});

describe('PinoNestLogger', () => {
  it('maps Nest calls to levels, with context and stack', () => {
    const { lines, logger } = capture();
    const nest = new PinoNestLogger(logger);
    nest.log('Mapped {/v1/contacts, GET} route', 'RouterExplorer');
    nest.error('wiring failed', 'Error: x\n    at y', 'InstanceLoader');
    nest.verbose('details');
    nest.warn({ some: 'object' }, 'Ctx');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', context: 'RouterExplorer', msg: 'Mapped {/v1/contacts, GET} route' }),
      expect.objectContaining({ level: 'error', context: 'InstanceLoader', stack: 'Error: x\n    at y', msg: 'wiring failed' }),
      expect.objectContaining({ level: 'warn', context: 'Ctx', detail: { some: 'object' } }),
    ]);
  });
});
