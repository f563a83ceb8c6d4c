/**
 * json-rules-engine's default resolver runs JSONPath, including filter
 * expressions written in the rule file: code, not data. This one accepts only
 * "$.a.b" paths over own properties, so a rule can read a fact and nothing else.
 */
const DOTTED_PATH = /^\$(\.[A-Za-z][A-Za-z0-9]*)+$/;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

export class UnsafePathError extends Error {}

export function isSafePath(path: string): boolean {
  return DOTTED_PATH.test(path) && !path.split('.').some((segment) => FORBIDDEN.has(segment));
}

export function resolveDottedPath(value: unknown, path: string): unknown {
  if (!isSafePath(path)) throw new UnsafePathError(`path "${path}" is not a plain dotted path such as "$.isFirstOrder"`);
  let node: unknown = value;
  const segments = path.split('.');
  for (let i = 1; i < segments.length; i++) {
    if (node === null || typeof node !== 'object') return undefined;
    const key = segments[i]!;
    if (!Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A resolver for one path, split once; same results as resolveDottedPath. */
export function compilePath(path: string): (value: unknown) => unknown {
  if (!isSafePath(path)) throw new UnsafePathError(`path "${path}" is not a plain dotted path such as "$.isFirstOrder"`);
  const segments = path.split('.').slice(1);
  return (value) => {
    let node = value;
    for (const key of segments) {
      if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
      node = (node as Record<string, unknown>)[key];
    }
    return node;
  };
}
