import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newAccessToken, tokenMatcher, tokensMatch } from '../../../src-main/server/access-token.ts';

test('tokens are 43 URL-safe characters and differ each time', () => {
  const a = newAccessToken();
  const b = newAccessToken();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b);
});

test('only the exact token matches', () => {
  const token = newAccessToken();
  assert.equal(tokensMatch(token, token), true);
  assert.equal(tokensMatch(token, token.slice(0, -1)), false);
  assert.equal(tokensMatch(token, `${token}x`), false);
  assert.equal(tokensMatch(token, ''), false);
  assert.equal(tokensMatch('', ''), false, 'an empty expected token never matches');
});

test('the same length in other characters never matches, multi-byte ones included', () => {
  const token = newAccessToken();
  const check = tokenMatcher(token);
  assert.equal(check(token), true);
  assert.equal(check(`${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`), false);
  // 43 characters, more than 43 UTF-8 bytes: the scratch buffer must not compare a truncated copy.
  assert.equal(check(`${token.slice(0, -1)}é`), false);
  assert.equal(check(`${token.slice(0, -2)}\u{1F600}`), false);
  assert.equal(check(`é${token.slice(1)}`), false);
  // The matcher keeps no state between calls: a wrong token between two right ones changes nothing.
  assert.equal(check('x'.repeat(token.length)), false);
  assert.equal(check(token), true);
  assert.equal(tokenMatcher('café')('café'), false, 'a non-ASCII expected token (never made by newAccessToken) matches nothing');
});
