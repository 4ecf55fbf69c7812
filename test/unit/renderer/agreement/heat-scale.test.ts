// The agreement heatmaps' scale: viridis ends and stops, lightness rising all
// the way (perceptually ordered, so a lighter cell always means more
// agreement), and the printed number at 4.5:1 or better on every colour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heatColour, heatGradient, heatTextColour, kappaColour, VIRIDIS } from '../../../../src-renderer/agreement/heat-scale.ts';
import { contrastRatio, relativeLuminance, TEXT_CONTRAST_MIN } from '../../../../src-renderer/viewer/swatch-contrast.ts';

const SAMPLES = Array.from({ length: 201 }, (_, i) => i / 200);

test('the scale runs through the viridis stops, clamped outside [0, 1]', () => {
  assert.equal(heatColour(0), '#440154');
  assert.equal(heatColour(1), '#FDE725');
  VIRIDIS.forEach((stop, i) => assert.equal(heatColour(i / (VIRIDIS.length - 1)), stop.toUpperCase()));
  assert.equal(heatColour(-0.4), '#440154');
  assert.equal(heatColour(1.7), '#FDE725');
  assert.equal(heatColour(Number.NaN), '#440154');
  assert.equal(kappaColour(-0.2), heatColour(0), 'kappa at or below chance: the dark end');
  assert.equal(heatGradient(), `linear-gradient(to right, ${VIRIDIS.join(', ')})`);
});

test('perceptually ordered: relative luminance rises strictly from 0 to 1', () => {
  const luminance = SAMPLES.map((t) => relativeLuminance(heatColour(t)));
  for (let i = 1; i < luminance.length; i++) {
    assert.ok(luminance[i]! > luminance[i - 1]!, `t ${SAMPLES[i]}: ${luminance[i]} after ${luminance[i - 1]}`);
  }
});

test('the number in a cell reads at 4.5:1 or better on every colour of the scale', () => {
  let worst = Infinity;
  for (const t of SAMPLES) {
    const background = heatColour(t);
    const text = heatTextColour(background);
    worst = Math.min(worst, contrastRatio(text, background));
    assert.ok(contrastRatio(text, background) >= TEXT_CONTRAST_MIN, `t ${t}: ${text} on ${background}`);
  }
  assert.ok(worst < 5, `the teal middle is the hard part (worst ${worst.toFixed(2)})`);
  assert.equal(heatTextColour(heatColour(0)), '#FFFFFF');
  assert.equal(heatTextColour(heatColour(1)), '#000000');
});
