import { formatDuration, progressStats } from './progress';

describe('progressStats', () => {
  it('gives the rate so far and the time left at that rate', () => {
    expect(progressStats(2500, 10000, 5000)).toEqual({ rate: 500, etaSeconds: 15, fraction: 0.25 });
  });

  it('has no rate and no ETA before any time passed or any event was processed', () => {
    expect(progressStats(0, 100, 0)).toEqual({ rate: 0, etaSeconds: undefined, fraction: 0 });
    expect(progressStats(0, 100, 3000)).toEqual({ rate: 0, etaSeconds: undefined, fraction: 0 });
  });

  it('is complete with nothing left, even for empty topics', () => {
    expect(progressStats(100, 100, 2000)).toEqual({ rate: 50, etaSeconds: 0, fraction: 1 });
    expect(progressStats(0, 0, 0)).toEqual({ rate: 0, etaSeconds: 0, fraction: 1 });
  });

  it('never reports more than the total', () => {
    expect(progressStats(120, 100, 1000)).toEqual({ rate: 100, etaSeconds: 0, fraction: 1 });
  });
});

describe('formatDuration', () => {
  it.each([
    [undefined, '--'],
    [Infinity, '--'],
    [0, '0s'],
    [41.2, '42s'],
    [187, '3m 07s'],
    [3720, '1h 02m'],
  ])('%p s → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
