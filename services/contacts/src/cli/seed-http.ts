/**
 * The HTTP side of `npm run seed`, shared by its contacts and sales parts: a client that retries what is safe to
 * retry, the outcome of a create (new, or there from an earlier run), and a phase of requests with a progress bar.
 */
import { SingleBar, Presets } from 'cli-progress';
import { issueToken, DEV_JWT_SECRET } from '@crm/platform';

/** A wrong flag or an unreachable service: one line for the user, no stack. */
export class UsageError extends Error {}

export interface Reply {
  status: number;
  body: unknown;
}

export type Outcome = 'created' | 'there';

export class RequestFailed extends Error {
  constructor(
    readonly what: string,
    readonly reply: Reply,
  ) {
    super(`${what}: ${reply.status}`);
  }
}

/** Fatal for the whole run: the token is refused, so every other request would be too. */
export class AccessRefused extends Error {}

export class Api {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** One request; retried (everything the seed sends is idempotent) on network errors, 429 and 5xx. */
  async send(method: string, path: string, body?: unknown): Promise<Reply> {
    for (let attempt = 1; ; attempt++) {
      let reply: Reply | undefined;
      let failure: unknown;
      try {
        const response = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        reply = { status: response.status, body: text ? parseJson(text) : undefined };
      } catch (error) {
        failure = error;
      }
      if (reply && (reply.status === 401 || reply.status === 403))
        throw new AccessRefused(
          `The service refused the token (${reply.status} ${problemTitle(reply.body)}): set CRM_TOKEN to a writer's token, ` +
            'or JWT_SECRET to the secret the service uses.',
        );
      const retriable = reply === undefined || reply.status === 429 || reply.status >= 500;
      if (!retriable || attempt === 4) {
        if (reply) return reply;
        throw failure;
      }
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** (attempt - 1)));
    }
  }
}

export const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

export const problemTitle = (body: unknown): string =>
  typeof body === 'object' && body !== null && 'title' in body ? String((body as { title: unknown }).title) : '';
export const problemType = (body: unknown): string =>
  typeof body === 'object' && body !== null && 'type' in body ? String((body as { type: unknown }).type) : '';

/** 201 is new; 409 `<kind>-already-exists` means a previous run made it. */
export function created(what: string, reply: Reply, kind: string): Outcome {
  if (reply.status === 201) return 'created';
  if (reply.status === 409 && problemType(reply.body).endsWith(`${kind}-already-exists`)) return 'there';
  throw new RequestFailed(what, reply);
}

export function ok(what: string, reply: Reply): Reply {
  if (reply.status >= 200 && reply.status < 300) return reply;
  throw new RequestFailed(what, reply);
}

export interface Tally {
  phase: string;
  created: number;
  there: number;
  failed: number;
  failures: RequestFailed[];
}

/**
 * Runs `work` over the items with at most `concurrency` in flight, with a progress bar. Each item may stand for
 * several requests (`weight`), e.g. a contact's consent statements, which must be sent in order.
 */
export async function runPhase<T>(
  phase: string,
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<Outcome[]>,
  weight: (item: T) => number = () => 1,
): Promise<Tally> {
  const tally: Tally = { phase, created: 0, there: 0, failed: 0, failures: [] };
  const total = items.reduce((sum, item) => sum + weight(item), 0);
  const bar = new SingleBar(
    {
      format: `${phase.padEnd(13)} {bar} {value}/{total} | {percentage}% | ETA {eta_formatted}`,
      hideCursor: true,
      etaBuffer: 200,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  let next = 0;
  let fatal: unknown;
  const worker = async () => {
    while (next < items.length && fatal === undefined) {
      const item = items[next++];
      try {
        for (const outcome of await work(item)) tally[outcome]++;
      } catch (error) {
        if (!(error instanceof RequestFailed)) {
          fatal ??= error;
          break;
        }
        tally.failed += weight(item);
        if (tally.failures.length < 5) tally.failures.push(error);
      }
      bar.increment(weight(item));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  bar.stop();
  if (fatal !== undefined) throw fatal;
  console.log(`${phase.padEnd(13)} created ${tally.created}, already there ${tally.there}, failed ${tally.failed}`);
  return tally;
}

/** Exits 1 with one line when nothing listens; waits (up to a minute) while the service is still starting. */
export async function waitUntilReady(baseUrl: string, service: 'contacts' | 'sales', urlVariable: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let said = false;
  for (;;) {
    let status: number;
    try {
      status = (await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(5_000) })).status;
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new UsageError(
        `seed: cannot reach the ${service} service at ${baseUrl} (${code}). Run \`npm start\` in another terminal first (or set ${urlVariable}).`,
      );
    }
    if (status === 200) return;
    if (Date.now() > deadline) throw new UsageError(`seed: ${baseUrl}/health/ready still answers ${status} after a minute.`);
    if (!said) console.log(`The ${service} service is starting (ready: ${status}); waiting...`);
    said = true;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

export function tokenFromEnv(): string {
  if (process.env.CRM_TOKEN) return process.env.CRM_TOKEN;
  const secret = process.env.JWT_SECRET || DEV_JWT_SECRET;
  return issueToken({ sub: 'seed', roles: ['admin'] }, secret, '2h', {
    issuer: process.env.JWT_ISSUER,
    audience: process.env.JWT_AUDIENCE,
  });
}
