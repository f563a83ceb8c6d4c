import { randomUUID } from 'node:crypto';
import type { CookieOptions } from 'express';

/** The first-party visitor cookie: the shop passes its value back as `visitorId` on quotes and events. */
export const VISITOR_COOKIE = 'rvid';

const TWO_YEARS_MS = 2 * 365 * 24 * 60 * 60 * 1000;
const VISITOR_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** The visitor id from a Cookie header, when it is one we could have set. */
export function visitorIdFrom(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === VISITOR_COOKIE) {
      const id = value.join('=');
      return VISITOR_ID.test(id) ? id : undefined;
    }
  }
  return undefined;
}

export function newVisitorId(): string {
  return randomUUID();
}

/** HttpOnly, SameSite=Lax (sent on the top-level navigation a shared link is), two years; Secure on https. */
export function visitorCookieOptions(secure: boolean): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', maxAge: TWO_YEARS_MS, path: '/', secure };
}
