/** One failing place in event data: a JSON pointer (`''` is the data itself) and what is wrong there. */
export interface ContractViolation {
  readonly path: string;
  readonly message: string;
  /** The JSON Schema keyword that failed (`required`, `maxLength`, `additionalProperties`, ...). */
  readonly keyword: string;
}

/** `/name/given must NOT have more than 200 characters; /nickname is not allowed` */
export function describeViolations(violations: readonly ContractViolation[]): string {
  return violations.map((violation) => `${violation.path || '(data)'} ${violation.message}`).join('; ');
}

/**
 * Event data does not match its contract. Lists every failing path; never the values,
 * which may be personal data and end up in logs.
 */
export class ContractViolationError extends Error {
  override readonly name = 'ContractViolationError';
  constructor(
    readonly eventType: string,
    readonly schemaVersion: number,
    readonly violations: readonly ContractViolation[],
  ) {
    super(`${eventType} v${schemaVersion} breaks its contract: ${describeViolations(violations)}`);
  }
}

/** No contract has this event type: it was never defined, or belongs to a build this one does not know. */
export class UnknownEventTypeError extends Error {
  override readonly name = 'UnknownEventTypeError';
  constructor(readonly eventType: string) {
    super(`No contract for event type "${eventType}"`);
  }
}

/** The event type is known, but not in this schema version. */
export class UnknownSchemaVersionError extends Error {
  override readonly name = 'UnknownSchemaVersionError';
  constructor(
    readonly eventType: string,
    readonly schemaVersion: unknown,
    readonly currentVersion: number,
  ) {
    const newer = typeof schemaVersion === 'number' && schemaVersion > currentVersion;
    super(
      newer
        ? `${eventType} v${schemaVersion} is newer than this build knows (current v${currentVersion}); deploy a version that knows it`
        : `${eventType} has no schema version ${JSON.stringify(schemaVersion)} (current v${currentVersion})`,
    );
  }
}

/** A contract or upcaster is badly defined: a programming error, raised when the registry is built. */
export class ContractDefinitionError extends Error {
  override readonly name = 'ContractDefinitionError';
}
