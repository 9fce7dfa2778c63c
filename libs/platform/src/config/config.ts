import { isListenHost, isLoopbackHost } from './host';
import { parseBytes, parseDuration } from './units';

/**
 * Configuration from environment variables, declared once and validated at start.
 *
 *   const spec = { ...baseConfigSpec, CONTACTS_PAGE_LIMIT: envVar.int({ min: 1, max: 500 }).default(100) };
 *   const config = loadConfig(spec); // ConfigOf<typeof spec>, or throws ConfigError naming every bad variable
 *
 * Empty values count as unset (compose files often pass `FOO=`).
 */

export type Env = Readonly<Record<string, string | undefined>>;

type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };
type Parser<T> = (raw: string) => Parsed<T>;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (problem: string): Parsed<never> => ({ ok: false, problem });

/** NODE_ENV values under which `devDefault` applies. Production never gets a development default. */
export const DEVELOPMENT_ENVIRONMENTS: readonly string[] = ['development', 'test'];

/** The address a service listens on (httpConfigSpec): a development value is refused unless it is loopback. */
export const LISTEN_HOST_VARIABLE = 'HOST';

/**
 * Why a public development value (a `devDefault`, which is in the repository) must not be used under `env`, or
 * undefined when it may: only in development or test, and only listening on loopback, where nobody else can reach
 * the service to use what the value grants (minting admin tokens with the development JWT secret, say).
 */
export function publicValueRefusal(env: Env): string | undefined {
  const nodeEnv = env.NODE_ENV?.trim() || undefined;
  if (!DEVELOPMENT_ENVIRONMENTS.includes(nodeEnv ?? '')) {
    return nodeEnv === undefined ? 'NODE_ENV is unset (production)' : `NODE_ENV is ${nodeEnv}, not development or test`;
  }
  const host = env[LISTEN_HOST_VARIABLE]?.trim();
  if (host && isListenHost(host) && !isLoopbackHost(host)) {
    return `${LISTEN_HOST_VARIABLE} is ${host}, not a loopback address, so others can reach the service`;
  }
  return undefined;
}

interface VarDefinition<T> {
  readonly parse: Parser<T>;
  /** What a valid value looks like, for "is required" messages. */
  readonly expects: string;
  readonly fallback?: { readonly value: T };
  readonly devFallback?: { readonly value: T };
  readonly optional: boolean;
  readonly requiredWhen?: { readonly reason: string; readonly applies: (config: Readonly<Record<string, unknown>>) => boolean };
  readonly secret: boolean;
}

/** One environment variable: how to parse it and what happens when it is absent. Immutable builder. */
export class Var<T> {
  constructor(private readonly definition: VarDefinition<T>) {}

  /** Used when the variable is unset. */
  default(value: T): Var<T> {
    return new Var({ ...this.definition, fallback: { value } });
  }

  /**
   * Used when unset in development: NODE_ENV development or test, listening on loopback. The value is public (it is in
   * the repository), so elsewhere the variable is required, and the value itself is refused even when given explicitly.
   */
  devDefault(value: T): Var<T> {
    return new Var({ ...this.definition, devFallback: { value } });
  }

  optional(): Var<T | undefined> {
    return new Var<T | undefined>({ ...this.definition, optional: true });
  }

  /** Required only when `applies` holds for the other (already parsed) variables, else optional. */
  requiredWhen(reason: string, applies: (config: Readonly<Record<string, unknown>>) => boolean): Var<T | undefined> {
    return new Var<T | undefined>({ ...this.definition, optional: true, requiredWhen: { reason, applies } });
  }

  /** Never echo the value in error messages. */
  secret(): Var<T> {
    return new Var({ ...this.definition, secret: true });
  }

  /** @internal used by loadConfig */
  resolve(raw: string | undefined, env: Env): Parsed<T | undefined> | { ok: 'pending' } {
    const d = this.definition;
    if (raw !== undefined) {
      const parsed = d.parse(raw);
      if (!parsed.ok) return fail(d.secret ? parsed.problem : `${parsed.problem}, got ${JSON.stringify(raw)}`);
      const refusal = d.devFallback && Object.is(parsed.value, d.devFallback.value) ? publicValueRefusal(env) : undefined;
      if (refusal)
        return fail(`is the public development value from the repository, refused because ${refusal}: set one of your own`);
      return parsed;
    }
    if (d.fallback) return ok(d.fallback.value);
    if (d.devFallback) {
      const refusal = publicValueRefusal(env);
      if (!refusal) return ok(d.devFallback.value);
      if (DEVELOPMENT_ENVIRONMENTS.includes(env.NODE_ENV?.trim() ?? '')) {
        return fail(`is required because ${refusal}: ${d.expects} (the development default is public)`);
      }
    }
    if (d.requiredWhen) return { ok: 'pending' };
    if (d.optional) return ok(undefined);
    const devHint = d.devFallback
      ? ' (a development default applies only when NODE_ENV is development or test and HOST is a loopback address)'
      : '';
    return fail(`is required: ${d.expects}${devHint}`);
  }

  /** @internal second pass for variables required only in some configurations */
  resolveConditional(config: Readonly<Record<string, unknown>>): Parsed<T | undefined> {
    const rule = this.definition.requiredWhen;
    if (rule && rule.applies(config)) return fail(`is required when ${rule.reason}: ${this.definition.expects}`);
    return ok(undefined);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any Var, whatever it parses to
export type ConfigSpec = Readonly<Record<string, Var<any>>>;
export type ConfigOf<S extends ConfigSpec> = { readonly [K in keyof S]: S[K] extends Var<infer T> ? T : never };

export interface ConfigIssue {
  readonly variable: string;
  readonly problem: string;
}

/** The configuration is unusable. The message names every bad variable; main prints it and exits 1. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      `Invalid configuration (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n` +
        issues.map((i) => `  - ${i.variable} ${i.problem}`).join('\n'),
    );
  }
}

/** Parses every variable of `spec` from `env`; throws one ConfigError listing all problems. */
export function loadConfig<S extends ConfigSpec>(spec: S, env: Env = process.env): ConfigOf<S> {
  const config: Record<string, unknown> = {};
  const issues: ConfigIssue[] = [];
  const pending: string[] = [];
  for (const [variable, definition] of Object.entries(spec)) {
    const raw = env[variable]?.trim();
    const result = definition.resolve(raw === '' ? undefined : raw, env);
    if (result.ok === 'pending') pending.push(variable);
    else if (result.ok) config[variable] = result.value;
    else issues.push({ variable, problem: result.problem });
  }
  for (const variable of pending) {
    const result = spec[variable].resolveConditional(config);
    if (result.ok) config[variable] = result.value;
    else issues.push({ variable, problem: result.problem });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return Object.freeze(config) as ConfigOf<S>;
}

const variable = <T>(expects: string, parse: Parser<T>): Var<T> => new Var({ parse, expects, optional: false, secret: false });

/** Builders for the variable kinds a service needs. */
export const envVar = {
  string(rules: { minLength?: number; maxLength?: number; pattern?: RegExp; patternHint?: string } = {}): Var<string> {
    const { minLength = 1, maxLength, pattern, patternHint } = rules;
    const expects = [
      minLength > 1 ? `at least ${minLength} characters` : 'a non-empty string',
      maxLength !== undefined ? `at most ${maxLength} characters` : undefined,
      pattern ? (patternHint ?? `matching ${String(pattern)}`) : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    return variable(expects, (raw) => {
      if (raw.length < minLength) return fail(`must be at least ${minLength} characters long (it has ${raw.length})`);
      if (maxLength !== undefined && raw.length > maxLength) return fail(`must be at most ${maxLength} characters long`);
      if (pattern && !pattern.test(raw)) return fail(`must be ${patternHint ?? `matching ${String(pattern)}`}`);
      return ok(raw);
    });
  },

  int(bounds: { min?: number; max?: number } = {}): Var<number> {
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = bounds;
    const range =
      bounds.min !== undefined && bounds.max !== undefined
        ? ` from ${min} to ${max}`
        : bounds.min !== undefined
          ? ` of at least ${min}`
          : bounds.max !== undefined
            ? ` of at most ${max}`
            : '';
    const expects = `an integer${range}`;
    return variable(expects, (raw) => {
      const value = /^-?\d+$/.test(raw) ? Number(raw) : NaN;
      return Number.isSafeInteger(value) && value >= min && value <= max ? ok(value) : fail(`must be ${expects}`);
    });
  },

  port(): Var<number> {
    return envVar.int({ min: 1, max: 65535 });
  },

  /** An IP address (no brackets) or a host name, to listen on or to reach. */
  host(): Var<string> {
    const expects = 'an IP address or a host name';
    return variable(expects, (raw) => (isListenHost(raw) ? ok(raw) : fail(`must be ${expects}`)));
  },

  bool(): Var<boolean> {
    const values: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false };
    return variable('true or false', (raw) => {
      const value = values[raw.toLowerCase()];
      return value === undefined ? fail('must be true or false (or 1/0, yes/no)') : ok(value);
    });
  },

  oneOf<const V extends readonly string[]>(values: V): Var<V[number]> {
    const expects = `one of ${values.join(', ')}`;
    return variable(expects, (raw) => ((values as readonly string[]).includes(raw) ? ok(raw) : fail(`must be ${expects}`)));
  },

  /** A URL whose scheme is one of `schemes` (without "://"). Only the shape is checked; drivers check the rest. */
  url(schemes: readonly string[]): Var<string> {
    const expects = `a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}`;
    return variable(expects, (raw) => {
      const match = /^([a-z][a-z0-9+.-]*):\/\/\S+$/i.exec(raw);
      return match && schemes.includes(match[1].toLowerCase()) ? ok(raw) : fail(`must be ${expects}`);
    });
  },

  /** Comma-separated `host:port` pairs, e.g. Kafka brokers. */
  hostPortList(): Var<string[]> {
    const expects = 'a comma-separated list of host:port';
    return variable(expects, (raw) => {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const valid = (item: string) => {
        const match = /^(\[[0-9a-f:]+\]|[a-z0-9.-]+):(\d{1,5})$/i.exec(item);
        return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 65535;
      };
      const bad = items.filter((item) => !valid(item));
      if (items.length === 0) return fail(`must be ${expects}`);
      return bad.length === 0 ? ok(items) : fail(`must be ${expects} (bad: ${bad.join(', ')})`);
    });
  },

  /** `15s`, `500ms`, `2m`, or a bare number of milliseconds → milliseconds. */
  duration(): Var<number> {
    const expects = 'a duration such as 500ms, 15s, 2m or 1h';
    return variable(expects, (raw) => {
      const ms = parseDuration(raw);
      return ms === undefined ? fail(`must be ${expects}`) : ok(ms);
    });
  },

  /** `1mb`, `512kb`, or a bare number of bytes → bytes. */
  bytes(): Var<number> {
    const expects = 'a size such as 1mb, 512kb or a number of bytes';
    return variable(expects, (raw) => {
      const bytes = parseBytes(raw);
      return bytes === undefined || bytes < 1 ? fail(`must be ${expects}`) : ok(bytes);
    });
  },
};
