import { randomInt } from 'node:crypto';

/** Digits and capitals without the look-alikes 0/O and 1/I/L: 31 symbols, easy to read aloud and type. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 8;

/**
 * A random referral code from the OS CSPRNG. `randomInt` rejects biased
 * samples, so every symbol is equally likely: 31^8 ≈ 8.5 × 10^11 codes.
 */
export function generateReferralCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** Codes are stored upper-case and looked up case-insensitively. */
export function canonicalCode(input: string): string {
  return input.trim().toUpperCase();
}
