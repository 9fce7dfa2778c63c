export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  /** The body as received, to search it for values that must not be there. */
  text: string;
}

/** A JSON client for one service and one bearer token; every request names itself in a failure. */
export class HttpClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  /** The request, which must answer one of `statuses`; otherwise an error with the answer. */
  async expect<T = unknown>(
    statuses: number | number[],
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<HttpResponse<T>> {
    const response = await this.request<T>(method, path, body, headers);
    const allowed = Array.isArray(statuses) ? statuses : [statuses];
    if (!allowed.includes(response.status)) {
      throw new Error(
        `${method} ${this.baseUrl}${path} answered ${response.status}, expected ${allowed.join(' or ')}: ${response.text.slice(0, 2000)}` +
          (body === undefined ? '' : `\nrequest body: ${JSON.stringify(body).slice(0, 1000)}`),
      );
    }
    return response;
  }
}

/** Runs `work` over `items` with at most `limit` at a time; results in the order of `items`. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index], index);
      }
    }),
  );
  return results;
}
