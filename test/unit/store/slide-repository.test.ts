import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { StoreError, smearIdFromPath } from '../../../src-main/store/index.ts';
import type { NewSlide } from '../../../src-main/store/types.ts';
import { openTempStore, type TempStore } from './store-fixture.ts';

let t: TempStore;
beforeEach(() => { t = openTempStore(); });
afterEach(() => t.dispose());

const scan = (over: Partial<NewSlide> = {}): NewSlide => ({
  path: '/scans/2024/10030_18.mrxs', format: 'mirax', quickhash: 'abc123', width: 100_000, height: 220_000, mppX: 0.243, mppY: 0.243, ...over,
});
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof StoreError ? err.code : String(err);
  }
  return 'no error';
};

describe('slides', () => {
  it('derives the smear id from the file name, keeps ids with _ and -', () => {
    assert.equal(smearIdFromPath('/scans/669-15.mrxs'), '669-15');
    assert.equal(smearIdFromPath('C:/scans/10030_18.svs'), '10030_18');
    const { slide, created } = t.store.upsertSlide(scan());
    assert.equal(created, true);
    assert.deepEqual([slide.smearId, slide.kind, slide.mppX, slide.fovMaskPath], ['10030_18', 'scan', 0.243, null]);
    assert.deepEqual(t.store.findSlideBySmearId('10030_18'), slide);
  });

  it('finds an existing slide by path and accepts the same quickhash again', () => {
    const first = t.store.upsertSlide(scan()).slide;
    const again = t.store.upsertSlide(scan());
    assert.deepEqual(again, { slide: first, created: false, updated: false });
    assert.equal(t.store.listSlides().length, 1);
  });

  it('refuses a changed file at a known path unless told to update', () => {
    const first = t.store.upsertSlide(scan()).slide;
    assert.throws(() => t.store.upsertSlide(scan({ quickhash: 'other', width: 50 })), /has changed since it was added/);
    const updated = t.store.upsertSlide(scan({ quickhash: 'other', width: 50 }), { ifHashDiffers: 'update' });
    assert.equal(updated.updated, true);
    assert.deepEqual([updated.slide.id, updated.slide.quickhash, updated.slide.width, updated.slide.smearId], [first.id, 'other', 50, '10030_18']);
  });

  it('stores scan paths absolute, so a relative path finds the same slide', () => {
    const { slide } = t.store.upsertSlide(scan({ path: 'rel/669-15.mrxs' }));
    assert.equal(slide.path, resolve('rel/669-15.mrxs'));
    assert.equal(t.store.findSlideByPath('rel/669-15.mrxs')?.id, slide.id);
    assert.equal(t.store.findSlideByPath('/nowhere.mrxs'), null);
  });

  it('keeps smear ids unique and file-name safe', () => {
    t.store.upsertSlide(scan());
    assert.equal(codeOf(() => t.store.upsertSlide(scan({ path: '/other/10030_18.mrxs' }))), 'conflict');
    const other = t.store.upsertSlide(scan({ path: '/other/10030_18.mrxs', smearId: '10030_18b' })).slide;
    assert.equal(other.smearId, '10030_18b');
    assert.equal(codeOf(() => t.store.updateSlide(other.id, { smearId: '10030_18' })), 'conflict');
    assert.equal(codeOf(() => t.store.updateSlide(other.id, { smearId: 'a/b' })), 'invalid-argument');
    assert.equal(codeOf(() => t.store.updateSlide(other.id, { smearId: '   ' })), 'invalid-argument');
    const renamed = t.store.updateSlide(other.id, { smearId: ' 10030-18 ', fovMaskPath: '/masks/x.png' });
    assert.deepEqual([renamed.smearId, renamed.fovMaskPath], ['10030-18', '/masks/x.png']);
  });

  it('refuses impossible metadata with the field named', () => {
    assert.throws(() => t.store.upsertSlide(scan({ width: -1 })), /slide width must be an integer >= 0/);
    assert.throws(() => t.store.upsertSlide(scan({ mppX: 0 })), /mppX must be > 0/);
    assert.throws(() => t.store.upsertSlide(scan({ kind: 'tiles' as 'scan' })), /slide kind must be one of scan, slice-images/);
    assert.equal(codeOf(() => t.store.getSlide(5)), 'not-found');
    assert.equal(t.store.listSlides().length, 0);
  });

  it('takes slides imported without their scan, keyed by the importer', () => {
    const { slide } = t.store.upsertSlide({ path: 'apacc:/datasets/apacc#10030_18', format: 'png-slices', kind: 'slice-images', width: 26000, height: 162000, smearId: '10030_18' });
    assert.deepEqual([slide.kind, slide.path, slide.quickhash], ['slice-images', 'apacc:/datasets/apacc#10030_18', null]);
  });
});
