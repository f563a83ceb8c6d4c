/**
 * An exact decimal number as an integer and a power-of-ten scale: 2.5 is
 * { units: 25n, scale: 1 }. Rule files write percents and factors as JSON
 * numbers; we read them through their shortest decimal text, never through
 * binary floating-point arithmetic.
 */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?$/;

const parsedNumbers = new Map<number, Decimal>();

/** Parses "2.5", 2.5 or "20.00"; throws on exponents, NaN and other forms. */
export function parseDecimal(input: string | number): Decimal {
  if (typeof input === 'number') {
    // Rule files repeat a handful of percents and factors; parse each once.
    let parsed = parsedNumbers.get(input);
    if (!parsed) {
      parsed = parseDecimalText(numberToText(input));
      if (parsedNumbers.size < 10_000) parsedNumbers.set(input, parsed);
    }
    return parsed;
  }
  return parseDecimalText(input.trim());
}

function parseDecimalText(text: string): Decimal {
  const match = DECIMAL_TEXT.exec(text);
  if (!match) throw new RangeError(`"${text}" is not a plain decimal number`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  return { units: BigInt(`${sign}${whole}${fraction}`), scale: fraction.length };
}

function numberToText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} is not a finite number`);
  const text = String(value);
  // String(1e-7) is "1e-7": such values are far outside any percent a marketer
  // writes, so refusing them is clearer than expanding them.
  if (/e/i.test(text)) throw new RangeError(`${text} has too many digits; write it as a plain decimal`);
  return text;
}

export function decimalToString(value: Decimal): string {
  const negative = value.units < 0n;
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0');
  const whole = digits.slice(0, digits.length - value.scale);
  const fraction = value.scale > 0 ? `.${digits.slice(digits.length - value.scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

export function compareDecimal(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const left = a.units * 10n ** BigInt(scale - a.scale);
  const right = b.units * 10n ** BigInt(scale - b.scale);
  return left < right ? -1 : left > right ? 1 : 0;
}

export function multiplyDecimal(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}
