import type { RequestHandler } from 'express';
import { timingSafeEqual } from 'node:crypto';
import type { ApiKey, Scope } from '../config.ts';
import { HttpProblem } from './problem.ts';

export type Access = 'public' | Scope;

/**
 * API keys come as `Authorization: Bearer <key>` or `X-Api-Key: <key>`.
 * An admin key may call checkout routes; a checkout key on an admin route is 403.
 * With no keys configured (development only, see config.ts) every route is open.
 */
export function requireScope(access: Access, keys: readonly ApiKey[]): RequestHandler {
  return (req, _res, next) => {
    if (access === 'public' || keys.length === 0) return next();
    const presented = bearer(req.header('authorization')) ?? req.header('x-api-key');
    const key = presented ? keys.find((candidate) => safeEqual(candidate.key, presented)) : undefined;
    if (!key) return next(new HttpProblem(401, 'unauthorized', 'Unauthorized', 'a valid API key is required (Authorization: Bearer <key>)'));
    if (access === 'admin' && key.scope !== 'admin') {
      return next(new HttpProblem(403, 'forbidden', 'Forbidden', 'this route needs an admin key'));
    }
    next();
  };
}

/** The scope of the key on a request, for routes whose behaviour depends on it (vanity codes). */
export function scopeOf(header: { authorization?: string; apiKey?: string }, keys: readonly ApiKey[]): Scope | 'none' {
  if (keys.length === 0) return 'admin';
  const presented = bearer(header.authorization) ?? header.apiKey;
  return (presented && keys.find((candidate) => safeEqual(candidate.key, presented))?.scope) || 'none';
}

function bearer(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
