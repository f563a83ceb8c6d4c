import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DomainError } from '../domain-error.ts';
import { RuleSetInvalidError } from '../rules/rule-errors.ts';
import type { Logger } from '../logger.ts';
import { HttpProblem } from './problem.ts';

/**
 * The one place where domain errors become HTTP. Domain code raises
 * DomainError subclasses with a stable `code`; this table gives each a status.
 */
const STATUS_BY_CODE: Record<string, { status: number; title: string }> = {
  'not-found': { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  'code-taken': { status: 409, title: 'Referral code taken' },
  'idempotency-conflict': { status: 409, title: 'Event id reused with a different payload' },
  'rule-set-invalid': { status: 422, title: 'Rule set invalid' },
  'no-rules-in-force': { status: 422, title: 'No rule set in force' },
  'invalid-request': { status: 400, title: 'Invalid request' },
  'unknown-currency': { status: 400, title: 'Unknown currency' },
  unavailable: { status: 503, title: 'Service unavailable' },
  'database-not-migrated': { status: 503, title: 'Database not migrated' },
};

export function toHttpProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof RuleSetInvalidError) {
    return new HttpProblem(422, 'rule-set-invalid', 'Rule set invalid', error.message, {
      errors: error.issues.map((issue) => ({ pointer: issue.pointer, file: issue.file, detail: issue.message })),
    });
  }
  if (error instanceof DomainError) {
    const mapped = STATUS_BY_CODE[error.code] ?? { status: 400, title: 'Request refused' };
    return new HttpProblem(mapped.status, error.code, mapped.title, error.message);
  }
  const status = (error as { status?: unknown; type?: unknown }).status;
  const type = (error as { type?: unknown }).type;
  // body-parser's errors carry a status and a type.
  if (type === 'entity.too.large') return new HttpProblem(413, 'body-too-large', 'Request body too large', 'the request body is larger than the limit');
  if (type === 'entity.parse.failed') return new HttpProblem(400, 'malformed-json', 'Malformed JSON', 'the request body is not valid JSON');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return new HttpProblem(415, 'unsupported-encoding', 'Unsupported encoding', String((error as Error).message));
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpProblem(status, 'bad-request', 'Bad request', String((error as Error).message));
  }
  return new HttpProblem(500, 'internal', 'Internal error', 'an unexpected error occurred; it has been logged');
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const problem = toHttpProblem(error);
    if (problem.status >= 500) logger.error({ err: error, reqId: req.id, url: req.originalUrl }, 'request failed');
    res.status(problem.status).type('application/problem+json').json(problem.toProblem(req.originalUrl));
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpProblem(404, 'not-found', 'Not found', `no route for ${req.method} ${req.path}`));
};
