/** Who may call the APIs. `service` marks service-to-service tokens; `admin` passes every role check. */
export const ROLES = ['admin', 'sales', 'support', 'marketing', 'analyst', 'service'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);

/** The authenticated caller, from a verified bearer token. */
export interface Principal {
  /** Subject: a user id, or a service name for service tokens. Recorded as the actor of events. */
  readonly sub: string;
  readonly roles: readonly Role[];
}

/** Whether `principal` may do something that requires one of `required` (none required: any caller). */
export function hasAnyRole(principal: Principal, required: readonly Role[]): boolean {
  if (required.length === 0 || principal.roles.includes('admin')) return true;
  return required.some((role) => principal.roles.includes(role));
}
