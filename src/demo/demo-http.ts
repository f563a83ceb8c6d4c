/** Something the person running the demo can act on: the service is not reachable, refused a call, or never processed an event. */
export class DemoError extends Error {}

export interface DemoResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

/** JSON over HTTP to the running service, with the API key when there is one. */
export class DemoHttp {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey?: string,
  ) {}

  get<T>(path: string): Promise<DemoResponse<T>> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<DemoResponse<T>> {
    return this.call<T>('POST', path, body);
  }

  /** A request whose answer is looked at as it is (a redirect, a text page). */
  async raw(path: string, init: RequestInit = {}): Promise<Response> {
    const url = `${this.baseUrl}${path}`;
    try {
      return await fetch(url, { ...init, headers: { ...this.authHeader(), ...(init.headers as Record<string, string> | undefined) }, signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw new DemoError(
        `cannot reach the service at ${this.baseUrl} (${describe(error)}).\n` +
          'Start it first ("npm start", which needs no database or Redis) or point DEMO_BASE_URL at a running one.',
      );
    }
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<DemoResponse<T>> {
    const res = await this.raw(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
    const text = await res.text();
    const parsed: unknown = text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
    if (res.status >= 400) {
      const problem = parsed as { title?: string; detail?: string };
      const hint = res.status === 401 || res.status === 403 ? '\nThe service has API_KEYS set: pass an admin key as DEMO_API_KEY.' : '';
      throw new DemoError(`${method} ${path} answered ${res.status} ${problem.title ?? ''}: ${problem.detail ?? text}${hint}`);
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  private authHeader(): Record<string, string> {
    return this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {};
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
