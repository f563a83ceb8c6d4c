import { DateTime, IANAZone } from 'luxon';

export interface ResolvedWindow {
  /** Epoch ms, inclusive. */
  start: number;
  /** Epoch ms, exclusive. */
  end: number;
}

export type WindowResult = { ok: true; window: ResolvedWindow } | { ok: false; pointer: string; message: string };

/**
 * Turns a campaign window written in the shop's local time into UTC instants.
 * The zone's own rules decide the offset of each end, so a window that spans a
 * DST change is exact at both ends. A local time that does not exist (skipped
 * by a spring-forward) is refused instead of silently moved.
 */
export function resolveCampaignWindow(window: { start: string; end: string; timeZone: string }): WindowResult {
  if (!IANAZone.isValidZone(window.timeZone)) {
    return { ok: false, pointer: '/campaign/window/timeZone', message: `unknown time zone "${window.timeZone}"; use an IANA name such as "America/New_York"` };
  }
  const start = localInstant(window.start, window.timeZone);
  if (typeof start === 'string') return { ok: false, pointer: '/campaign/window/start', message: start };
  const end = localInstant(window.end, window.timeZone);
  if (typeof end === 'string') return { ok: false, pointer: '/campaign/window/end', message: end };
  if (end <= start) {
    return { ok: false, pointer: '/campaign/window/end', message: `the campaign ends (${window.end}) before or when it starts (${window.start}); swap or fix the dates` };
  }
  return { ok: true, window: { start, end } };
}

function localInstant(text: string, zone: string): number | string {
  const local = DateTime.fromISO(text, { zone });
  if (!local.isValid) return `"${text}" is not a valid date and time`;
  // Luxon shifts a nonexistent local time forward; the round trip shows it.
  const roundTrip = local.toFormat(text.length > 16 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm");
  if (roundTrip !== text) return `"${text}" does not exist in ${zone} (the clocks skip it for daylight saving time); pick another time`;
  return local.toMillis();
}
