import { captureCorrelation, runWithCorrelation } from '../context/correlation';
import { createLogger } from '../logging/logger';
import { RequestLog, type RequestLine } from './request-log';

function harness(level: 'debug' | 'info' = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: 'test',
    level,
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  let now = 0;
  const log = new RequestLog(logger, { intervalMs: 60_000, now: () => now });
  const request = (status: number, durationMs = 5, extra: Partial<RequestLine> = {}) =>
    log.record({ method: 'GET', path: '/v1/contacts', route: '/v1/contacts', status, durationMs, ...extra });
  return { log, lines, request, advance: (ms: number) => (now += ms) };
}

const summaries = (lines: Record<string, unknown>[]) => lines.filter((line) => line.msg === 'requests summary');

describe('RequestLog', () => {
  it('logs successful requests at debug, client errors and aborted requests at info, server errors at error', () => {
    const h = harness();
    h.request(200);
    h.request(201);
    h.request(304);
    h.request(404);
    h.request(200, 5, { aborted: true });
    h.request(503);
    expect(h.lines.map(({ level, status }) => [level, status])).toEqual([
      ['debug', 200],
      ['debug', 201],
      ['debug', 304],
      ['info', 404],
      ['info', 200],
      ['error', 503],
    ]);
  });

  it("writes a line with the request's correlation when the response closes outside the request's context", () => {
    const h = harness();
    const context = runWithCorrelation({ correlationId: 'req-7', actor: 'alice' }, () => captureCorrelation());
    h.log.record(
      { method: 'GET', path: '/v1/contacts', route: '/v1/contacts', status: 200, durationMs: 5, aborted: true },
      context,
    );
    h.request(200);
    expect(h.lines.map(({ correlationId, actor }) => [correlationId, actor])).toEqual([
      ['req-7', 'alice'],
      [undefined, undefined],
    ]);
  });

  it('at info, a seed of thousands of successful requests prints one summary line, not one per request', async () => {
    const h = harness('info');
    for (let i = 1; i <= 5_000; i++) h.request(i % 100 === 0 ? 409 : 201, i % 100);
    h.advance(60_000);
    await h.log.summarize();
    expect(h.lines.filter((line) => line.msg === 'request completed')).toHaveLength(50); // the 409s
    expect(summaries(h.lines)).toEqual([
      expect.objectContaining({
        level: 'info',
        requests: 5_000,
        statuses: { '201': 4_950, '409': 50 },
        p50Ms: expect.closeTo(50, -0.5),
        p99Ms: expect.closeTo(99, -0.5),
        periodMs: 60_000,
      }),
    ]);
  });

  it('says nothing of a period without requests; probes neither get a line at info nor count', async () => {
    const h = harness('info');
    h.request(200, 1, { route: '/health/ready', path: '/health/ready' });
    h.request(503, 1, { route: '/health/ready', path: '/health/ready' }); // a failing probe is still an error
    await h.log.summarize();
    expect(summaries(h.lines)).toEqual([]);
    expect(h.lines.map(({ level, status }) => [level, status])).toEqual([['error', 503]]);
  });

  it('sums up every interval, each period on its own, and once more when stopped', async () => {
    jest.useFakeTimers();
    try {
      const h = harness('info');
      h.log.start();
      h.request(200, 10);
      h.advance(60_000);
      await jest.advanceTimersByTimeAsync(60_000);
      h.request(201, 20);
      h.request(201, 20);
      h.advance(15_000);
      await h.log.stop();
      await jest.advanceTimersByTimeAsync(120_000); // stopped: no more summaries
      expect(summaries(h.lines).map(({ requests, statuses, periodMs }) => ({ requests, statuses, periodMs }))).toEqual([
        { requests: 1, statuses: { '200': 1 }, periodMs: 60_000 },
        { requests: 2, statuses: { '201': 2 }, periodMs: 15_000 },
      ]);
    } finally {
      jest.useRealTimers();
    }
  });
});
