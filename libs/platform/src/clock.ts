/**
 * The time a command is taken at, as events carry it (RFC 3339, UTC, milliseconds). Domain code never reads the clock:
 * controllers and reactors read it here and pass it in with the command.
 */
export const now = (): string => new Date().toISOString();
