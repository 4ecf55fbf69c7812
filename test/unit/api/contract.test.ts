// The contract table: exactly the listed operation names, every input an
// object schema that refuses unknown keys, every entry documented.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTRACT } from '../../../src-main/api/contract.ts';
import { OPERATION_NAMES, isOperationName } from '../../../src-main/api/operation-names.ts';
import { HANDLERS } from '../../../src-main/api/handlers/index.ts';
import { CELL_CLASSES, CELL_CLASS_NAMES } from '../../../src-main/domain/cell-class.ts';

test('the contract, the name list and the handler table have the same operations', () => {
  assert.deepEqual(Object.keys(CONTRACT).sort(), [...OPERATION_NAMES].sort());
  assert.deepEqual(Object.keys(HANDLERS).sort(), [...OPERATION_NAMES].sort());
  assert.equal(new Set(OPERATION_NAMES).size, OPERATION_NAMES.length);
  assert.ok(isOperationName('labelCell'));
  assert.ok(!isOperationName('toString'));
  assert.ok(!isOperationName('constructor'));
});

test('every input schema is an object that refuses unknown keys, and every entry has a summary', () => {
  for (const name of OPERATION_NAMES) {
    const spec = CONTRACT[name];
    assert.ok(spec.summary.length > 10, name);
    const result = spec.input.safeParse({ definitelyNotAField: true });
    assert.equal(result.success, false, name);
    assert.ok(result.error!.issues.some((i) => i.code === 'unrecognized_keys'), name);
  }
});

test('the class names zod checks are the interned classes, in APACC id order', () => {
  assert.deepEqual(CELL_CLASS_NAMES, CELL_CLASSES.map((c) => c.name));
  assert.deepEqual(CELL_CLASSES.map((c) => c.apaccId), [0, 1, 2, 3]);
});
