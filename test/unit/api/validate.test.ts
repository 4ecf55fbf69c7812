// The boundary check every adapter runs: unknown operations, non-objects,
// messages that name the operation and each bad field, defaults left to handlers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateOperation } from '../../../src-main/api/validate.ts';
import { OPERATION_NAMES } from '../../../src-main/api/operation-names.ts';
import { malformedCases } from './malformed-inputs.ts';

test('an unknown operation is unknown-operation, with a long name cut short', () => {
  const result = validateOperation('__proto__', {});
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.error.code, 'unknown-operation');
  const long = validateOperation('x'.repeat(500), {});
  assert.ok(!long.ok && long.error.message.length < 120);
});

test('valid input passes and comes back parsed; a missing input counts as {}', () => {
  const label = validateOperation('labelCell', { cellId: 3, label: null, annotatorId: 1 });
  assert.deepEqual(label, { ok: true, operation: 'labelCell', input: { cellId: 3, label: null, annotatorId: 1 } });
  assert.equal(validateOperation('listSlides', undefined).ok, true);
  const trimmed = validateOperation('chooseAnnotator', { name: '  Ana  ' });
  assert.ok(trimmed.ok && (trimmed.input as { name: string }).name === 'Ana');
});

test('every malformed case fails as bad-input naming the operation and the field', () => {
  for (const operation of OPERATION_NAMES) {
    for (const { input, names } of malformedCases(operation)) {
      const result = validateOperation(operation, input);
      assert.equal(result.ok, false, `${operation} ${JSON.stringify(input)}`);
      if (result.ok) continue;
      assert.equal(result.error.code, 'bad-input');
      assert.ok(result.error.message.startsWith(`${operation}: `), result.error.message);
      assert.ok(result.error.message.includes(names), `${result.error.message} should name ${names}`);
    }
  }
});

test('many bad fields: the message shows three and counts the rest; detail lists them all', () => {
  const result = validateOperation('listJobs', { slideId: 'a', kind: 'b', state: 'c', limit: 'd', extra: 1 });
  assert.ok(!result.ok);
  if (result.ok) return;
  assert.match(result.error.message, /\(and 2 more\)$/);
  assert.equal(result.error.detail?.split('\n').length, 5);
});
