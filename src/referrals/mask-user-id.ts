/** Shows a referee to the referrer without revealing the id: "u***9" (first and last character). */
export function maskUserId(userId: string): string {
  const chars = [...userId];
  return `${chars[0] ?? ''}***${chars.at(-1) ?? ''}`;
}
