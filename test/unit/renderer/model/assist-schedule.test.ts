// When the workspace trains on its own: on opening a slide where the reader
// has no model, then at 20 of their labels, then every 25 more; sooner again
// after a run that trained nothing; never while one is going.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AUTO_RUN_GAP_MS, FIRST_TRAINING_AT, nextTrainingAt, RETRAIN_EVERY, startingRunDue, trainingDue } from '../../../../src-renderer/model/assist-schedule.ts';

test('the first run is due at 20 labels, then at 45, 70, ... counted from where the last was asked for', () => {
  assert.equal(FIRST_TRAINING_AT, 20);
  assert.equal(RETRAIN_EVERY, 25);
  assert.equal(trainingDue(19, null, false), false);
  assert.equal(trainingDue(20, null, false), true);
  assert.equal(nextTrainingAt({ labels: 20, trained: true }), 45);
  assert.equal(trainingDue(44, { labels: 20, trained: true }, false), false);
  assert.equal(trainingDue(45, { labels: 20, trained: true }, false), true);
  // A model found when the slide opens (learnt from 33 labels): the next run 25 labels later.
  assert.equal(nextTrainingAt({ labels: 33, trained: true }), 58);
});

test('a run that could not train (one class) is tried again 5 labels later; none while a run is going', () => {
  assert.equal(nextTrainingAt({ labels: 20, trained: false }), 25);
  assert.equal(trainingDue(25, { labels: 20, trained: false }, false), true);
  assert.equal(trainingDue(100, null, true), false, 'a run is going');
  // A run asked for with few labels (the button) does not push the first automatic one below 20.
  assert.equal(nextTrainingAt({ labels: 3, trained: false }), 20);
});

test('opening a slide runs the starting model once where the reader has nothing yet; that run does not move the first threshold', () => {
  assert.equal(startingRunDue({ model: null, lastRun: null, running: false }), true);
  assert.equal(startingRunDue({ model: { id: 1 }, lastRun: null, running: false }), false, 'a model already');
  assert.equal(startingRunDue({ model: null, lastRun: { ok: true }, running: false }), false, 'a run ended already (no starting model: it said why)');
  assert.equal(startingRunDue({ model: null, lastRun: null, running: true }), false);
  assert.equal(nextTrainingAt({ labels: 0, trained: true }), 20, 'suggestions before the first label: still 20, then 45');
  assert.equal(nextTrainingAt({ labels: 12, trained: true }), 20);
});

test('automatic runs rest at least AUTO_RUN_GAP_MS after the last one ended, however fast the labels come', () => {
  const last = { labels: 20, trained: true, endedAt: 1_000_000 };
  assert.equal(trainingDue(45, last, false, 1_000_000 + AUTO_RUN_GAP_MS - 1), false, 'due by labels, but too soon');
  assert.equal(trainingDue(45, last, false, 1_000_000 + AUTO_RUN_GAP_MS), true);
  assert.equal(trainingDue(44, last, false, 1_000_000 + 10 * AUTO_RUN_GAP_MS), false, 'rested, but not enough labels');
  // The opening run (starting model, 0 labels) ended a moment ago: the first training at 20 labels does not wait.
  assert.equal(trainingDue(20, { labels: 0, trained: true, endedAt: 1_000_000 }, false, 1_000_001), true);
});
