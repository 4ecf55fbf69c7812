import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ANNOTATOR_NAME_MAX, StoreError } from '../../../src-main/store/index.ts';
import { openTempStore, type TempStore } from './store-fixture.ts';

let t: TempStore;
beforeEach(() => { t = openTempStore(); });
afterEach(() => t.dispose());

describe('annotators', () => {
  it('trims and normalises names, so the same person is one row', () => {
    const a = t.store.ensureAnnotator('  Dr. Kovács ');
    assert.equal(a.name, 'Dr. Kovács');
    const decomposed = 'Dr. Kova\u0301cs';
    assert.deepEqual(t.store.ensureAnnotator(decomposed), a);
    assert.notEqual(t.store.ensureAnnotator('dr. kovács').id, a.id, 'case is kept: names are not guessed');
    assert.deepEqual(t.store.listAnnotators().map((x) => x.name), ['Dr. Kovács', 'dr. kovács']);
    assert.deepEqual(t.store.getAnnotator(a.id), a);
  });

  it('accepts 1..64 characters, counting characters not bytes', () => {
    assert.equal(t.store.ensureAnnotator('X').name, 'X');
    assert.equal(t.store.ensureAnnotator('é'.repeat(ANNOTATOR_NAME_MAX)).name.length, 64);
    assert.equal([...t.store.ensureAnnotator('🔬'.repeat(64)).name].length, 64);
  });

  it('refuses empty, too long, control characters and non-strings with a reason', () => {
    const reason = (name: unknown) => {
      try {
        t.store.ensureAnnotator(name as string);
      } catch (err) {
        assert.ok(err instanceof StoreError);
        assert.equal(err.code, 'invalid-argument');
        return err.message;
      }
      return 'accepted';
    };
    assert.match(reason('   '), /empty/);
    assert.match(reason('a'.repeat(65)), /65 characters long; at most 64/);
    assert.match(reason('Anna\nBob'), /control characters/);
    assert.match(reason(42), /must be a string/);
    assert.equal(t.store.listAnnotators().length, 0);
  });
});
