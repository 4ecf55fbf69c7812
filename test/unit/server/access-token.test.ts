import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newAccessToken, tokensMatch } from '../../../src-main/server/access-token.ts';

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
