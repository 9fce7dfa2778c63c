import { parseBytes, parseDuration } from './units';

describe('units', () => {
  it.each([
    ['1500', 1500],
    ['500ms', 500],
    ['15s', 15_000],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    [' 10 S ', 10_000],
  ])('duration %j is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'soon', '10 years', '-5s', '1e3', 's'])('duration %j is malformed', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );

  it.each([
    ['2048', 2048],
    ['512kb', 512 * 1024],
    ['1mb', 1024 * 1024],
    ['1MB', 1024 * 1024],
    ['1gb', 1024 ** 3],
  ])('size %j is %d bytes', (text, bytes) => expect(parseBytes(text)).toBe(bytes));

  it.each(['big', '1tb', '1 m b'])('size %j is malformed', (text) => expect(parseBytes(text)).toBeUndefined());
});
