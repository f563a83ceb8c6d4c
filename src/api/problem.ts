/**
 * RFC 9457 problem details. `type` is a stable URI per kind of problem, so
 * clients can branch on it; `detail` is for people.
 */
export interface FieldError {
  /** JSON pointer into the request, e.g. "/body/items/0/unitPrice". */
  pointer: string;
  detail: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const TYPE_BASE = 'https://referral-engine.dev/problems/';

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly kind: string,
    readonly title: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
  }

  toProblem(instance?: string): ProblemDetails {
    return { type: `${TYPE_BASE}${this.kind}`, title: this.title, status: this.status, detail: this.message, ...(instance ? { instance } : {}), ...this.extensions };
  }
}

export function problemType(kind: string): string {
  return `${TYPE_BASE}${kind}`;
}
