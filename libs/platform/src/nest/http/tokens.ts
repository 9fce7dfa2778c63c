/** DI tokens of the platform. */
export const PLATFORM_OPTIONS = Symbol('crm:platform-options');
/** The service's pino logger: `@Inject(PLATFORM_LOGGER) logger: Logger`. */
export const PLATFORM_LOGGER = Symbol('crm:platform-logger');
