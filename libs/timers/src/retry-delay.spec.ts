import { retryDelayMs } from './retry-delay';

describe('retryDelayMs', () => {
  const policy = { initialDelayMs: 100, maxDelayMs: 1000 };

  it('waits the initial delay after the first failure and doubles it after each further one', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, policy))).toEqual([100, 200, 400, 800]);
  });

  it('never waits longer than the maximum, however many failures', () => {
    expect(retryDelayMs(5, policy)).toBe(1000);
    expect(retryDelayMs(10_000, policy)).toBe(1000);
  });
});
