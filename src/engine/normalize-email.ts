const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * Folds the variations one mailbox can be written in, so a second account on
 * "Jane.Doe+2@gmail.com" matches "janedoe@gmail.com": case everywhere, "+tag"
 * everywhere (most providers deliver it to the same box), dots only for Gmail
 * (other providers treat them as significant).
 */
export function normalizeEmail(email: string): string {
  const trimmed = email.trim().toLowerCase();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) return trimmed;
  let local = trimmed.slice(0, at);
  let domain = trimmed.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus >= 0) local = local.slice(0, plus);
  if (GMAIL_DOMAINS.has(domain)) {
    local = local.replace(/\./g, '');
    domain = 'gmail.com';
  }
  return `${local}@${domain}`;
}
