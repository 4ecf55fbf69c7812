// The per-run secret every URL of the local server carries (/t/<token>/...).
// Binding to 127.0.0.1 keeps other machines out; the token keeps out other
// local users and web pages (DNS rebinding, a page guessing ports), which can
// reach 127.0.0.1 but cannot read the URL the app printed or loaded.

import { randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: 43 URL-safe characters. */
export function newAccessToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison (see tokenMatcher). */
export function tokensMatch(expected: string, given: string): boolean {
  return tokenMatcher(expected)(given);
}

/**
 * tokensMatch with `expected` made into bytes once: the server checks the
 * token of every request, so the check allocates nothing. A given token of
 * another length is refused at once: that tells an attacker only the length,
 * which every token of newAccessToken shares and this file states. Same
 * length in UTF-16 units and in UTF-8 bytes means every character is one
 * byte, so the bytes compared are the whole string; timingSafeEqual then
 * compares them in time independent of where they differ.
 */
export function tokenMatcher(expected: string): (given: string) => boolean {
  const want = Buffer.from(expected, 'utf8');
  if (want.length === 0 || want.length !== expected.length) return () => false;
  const scratch = Buffer.alloc(want.length);
  return (given) => given.length === want.length
    && Buffer.byteLength(given, 'utf8') === want.length
    && scratch.write(given, 0, 'utf8') === want.length
    && timingSafeEqual(want, scratch);
}
