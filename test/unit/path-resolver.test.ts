import { describe, expect, it } from 'vitest';
import { isSafePath, resolveDottedPath, UnsafePathError } from '../../src/engine/path-resolver.ts';

describe('resolveDottedPath', () => {
  const fact = { isFirstOrder: true, nested: { depth: { value: 3 } }, zero: 0 };

  it('reads dotted own properties', () => {
    expect(resolveDottedPath(fact, '$.isFirstOrder')).toBe(true);
    expect(resolveDottedPath(fact, '$.nested.depth.value')).toBe(3);
    expect(resolveDottedPath(fact, '$.zero')).toBe(0);
  });

  it('gives undefined for a missing property or a path through a non-object', () => {
    expect(resolveDottedPath(fact, '$.missing')).toBeUndefined();
    expect(resolveDottedPath(fact, '$.zero.more')).toBeUndefined();
    expect(resolveDottedPath(null, '$.a')).toBeUndefined();
  });

  it.each([
    ['recursive descent', '$..x'],
    ['a filter expression (code in a rule file)', '$[?(@.a)]'],
    ['a filter after a property', '$.items[?(@.price>10)]'],
    ['bracket notation', "$['a']"],
    ['a wildcard', '$.*'],
    ['__proto__', '$.__proto__'],
    ['constructor', '$.constructor'],
    ['prototype', '$.nested.prototype'],
    ['constructor deeper', '$.nested.constructor.name'],
    ['the bare root', '$'],
    ['no root', 'isFirstOrder'],
  ])('refuses %s (%s)', (_label, path) => {
    expect(isSafePath(path)).toBe(false);
    expect(() => resolveDottedPath(fact, path)).toThrow(UnsafePathError);
    expect(() => resolveDottedPath(fact, path)).toThrow(`path "${path}" is not a plain dotted path`);
  });

  it('does not read inherited properties', () => {
    const child = Object.create({ inherited: 'from the prototype' }) as object;
    expect(resolveDottedPath(child, '$.inherited')).toBeUndefined();
    expect(resolveDottedPath({}, '$.toString')).toBeUndefined();
    expect(resolveDottedPath({}, '$.hasOwnProperty')).toBeUndefined();
  });

  it('reads an own property that shadows a prototype one', () => {
    expect(resolveDottedPath({ toString: 'own' }, '$.toString')).toBe('own');
  });
});
