/** Text forms of durations and sizes accepted in configuration and CLI flags. */

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE_UNITS_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** `1500`, `500ms`, `15s`, `2m`, `1h`, `7d` → milliseconds; a bare number is milliseconds. Undefined if malformed. */
export function parseDuration(text: string): number | undefined {
  return parseWithUnits(text, DURATION_UNITS_MS, 'ms');
}

/** `1048576`, `512kb`, `1mb` → bytes (binary multiples); a bare number is bytes. Undefined if malformed. */
export function parseBytes(text: string): number | undefined {
  return parseWithUnits(text, SIZE_UNITS_BYTES, 'b');
}

function parseWithUnits(text: string, units: Record<string, number>, bareUnit: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  if (!match) return undefined;
  const factor = units[(match[2] || bareUnit).toLowerCase()];
  if (factor === undefined) return undefined;
  const value = Math.round(Number(match[1]) * factor);
  return Number.isSafeInteger(value) ? value : undefined;
}
