import express, { type Request, type RequestHandler, type Response, type NextFunction } from 'express';
import type { ValidateFunction, ErrorObject } from 'ajv';
import type { ApiKey } from '../config.ts';
import { createAjv } from '../validation/create-ajv.ts';
import { requireScope, type Access } from './auth.ts';
import { HttpProblem, type FieldError } from './problem.ts';

type JsonSchema = Record<string, unknown>;

/** One route: the single definition behind its validation, its auth and its OpenAPI entry. */
export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express-style path, e.g. "/v1/referral-codes/:code". */
  path: string;
  summary: string;
  description?: string;
  tags?: string[];
  access: Access;
  params?: JsonSchema;
  query?: JsonSchema;
  body?: JsonSchema;
  /** An example request body for the docs. */
  example?: unknown;
  responses: Record<number, { description: string; schema?: JsonSchema; contentType?: string }>;
}

export type Handler = (req: Request, res: Response, next: NextFunction) => unknown;

const bodyAjv = createAjv({ coerceTypes: false, removeAdditional: false, useDefaults: false });
// Path and query parameters arrive as strings: coerce "20" to 20 for integer schemas.
const paramAjv = createAjv({ coerceTypes: true, useDefaults: true });

/**
 * Collects routes with their schemas. Requests are validated against the same
 * JSON Schemas the OpenAPI 3.1 document publishes, before the handler runs.
 */
export class ApiRouter {
  readonly router = express.Router();
  private readonly specs: RouteSpec[] = [];

  constructor(private readonly keys: readonly ApiKey[]) {}

  route(spec: RouteSpec, handler: Handler): void {
    this.specs.push(spec);
    const validators: RequestHandler[] = [];
    if (spec.params) validators.push(validatePart('params', paramAjv.compile(spec.params)));
    if (spec.query) validators.push(validatePart('query', paramAjv.compile(spec.query)));
    if (spec.body) validators.push(validatePart('body', bodyAjv.compile(spec.body)));
    this.router[spec.method](spec.path, requireScope(spec.access, this.keys), ...validators, async (req, res, next) => {
      try {
        await handler(req, res, next);
      } catch (error) {
        next(error);
      }
    });
  }

  routes(): readonly RouteSpec[] {
    return this.specs;
  }
}

function validatePart(part: 'params' | 'query' | 'body', validate: ValidateFunction): RequestHandler {
  return (req, _res, next) => {
    // Express 5's req.query is a getter; validate a plain copy and expose the coerced one.
    const value = part === 'body' ? req.body : { ...(req[part] as object) };
    if (part === 'body' && value === undefined) {
      return next(new HttpProblem(400, 'validation', 'Invalid request', 'a JSON body is required (Content-Type: application/json)', { errors: [] }));
    }
    if (!validate(value)) {
      const errors = (validate.errors ?? []).map((error) => fieldError(part, error));
      return next(new HttpProblem(400, 'validation', 'Invalid request', errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), { errors }));
    }
    if (part === 'query') Object.defineProperty(req, 'query', { value, writable: true, configurable: true });
    else if (part === 'params') req.params = value as Request['params'];
    next();
  };
}

function fieldError(part: string, error: ErrorObject): FieldError {
  const base = `/${part}${error.instancePath}`;
  switch (error.keyword) {
    case 'additionalProperties':
      return { pointer: `${base}/${String(error.params.additionalProperty)}`, detail: 'unknown field' };
    case 'required':
      return { pointer: `${base}/${String(error.params.missingProperty)}`, detail: 'is required' };
    case 'type':
      return { pointer: base, detail: `must be ${String(error.params.type)}` };
    default:
      return { pointer: base, detail: error.message ?? 'is invalid' };
  }
}
