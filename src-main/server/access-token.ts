// The per-run secret every URL of the local server carries (/t/<token>/...).
// Binding to 127.0.0.1 keeps other machines out; the token keeps out other
// local users and web pages (DNS rebinding, a page guessing ports), which can
// reach 127.0.0.1 but cannot read the URL the app printed or loaded.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: 43 URL-safe characters. */
export function newAccessToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison; hashing first makes it constant in the length too. */
export function tokensMatch(expected: string, given: string): boolean {
  return tokenMatcher(expected)(given);
}

/** tokensMatch with `expected` hashed once: the server checks the token of every request. */
export function tokenMatcher(expected: string): (given: string) => boolean {
  const a = createHash('sha256').update(expected).digest();
  return (given) => timingSafeEqual(a, createHash('sha256').update(given).digest()) && expected.length > 0;
}
