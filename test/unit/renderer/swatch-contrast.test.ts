// WCAG contrast of the UI's colour marks: the computation against published
// figures, then every pair the workstation shows side by side: swatch fills
// against their ring, the ring against the dark panels (read from app.css),
// the legend's lines on its card, the overlay strokes on their casing, the
// flag, and badge text (4.5:1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CELL_CLASSES } from '../../../src-main/domain/cell-class.ts';
import {
  CASING_COLOUR, CODE_COLOURS, CODE_CUES, FLAG_COLOUR, FLAG_OUTLINE, LEGEND_BACKGROUND, SWATCH_RING, UNLABELLED_COLOUR,
} from '../../../src-renderer/viewer/overlay-style.ts';
import {
  contrastRatio, NON_TEXT_CONTRAST_MIN, readableTextOn, relativeLuminance, TEXT_CONTRAST_MIN,
} from '../../../src-renderer/viewer/swatch-contrast.ts';

const CSS = readFileSync(new URL('../../../src-renderer/styles/app.css', import.meta.url), 'utf8');

function cssVariable(name: string): string {
  const m = new RegExp(`${name}:\\s*(#[0-9a-fA-F]{6})`).exec(CSS);
  assert.ok(m, `app.css declares ${name}`);
  return m[1]!;
}

test('contrast: WCAG figures (black/white 21, equal colours 1, #777 on white about 4.48, symmetric)', () => {
  assert.equal(relativeLuminance('#000000'), 0);
  assert.equal(relativeLuminance('#FFFFFF'), 1);
  assert.equal(contrastRatio('#000000', '#FFFFFF'), 21);
  assert.equal(contrastRatio('#368364', '#368364'), 1);
  assert.equal(contrastRatio('#777777', '#FFFFFF').toFixed(2), '4.48');
  assert.equal(contrastRatio('#FFFFFF', '#0066CC'), contrastRatio('#0066CC', '#FFFFFF'));
  // The problem this answers: the APACC colours on a dark panel, bare.
  assert.ok(contrastRatio('#512888', cssVariable('--panel')) < 2, 'bothcells alone on the panel is below 2:1');
});

test('swatches: every class colour and unlabelled reach 3:1 against their ring, the ring against every dark panel', () => {
  const ring = /\.swatch\s*\{\s*box-shadow:\s*0 0 0 1px (#[0-9a-fA-F]{6})/.exec(CSS)?.[1];
  assert.equal(ring?.toUpperCase(), SWATCH_RING.toUpperCase(), 'app.css draws the ring overlay-style.ts declares');
  const panels = ['--bg', '--panel', '--panel-2'].map(cssVariable);
  for (const colour of CODE_COLOURS) {
    const ratio = contrastRatio(colour, SWATCH_RING);
    assert.ok(ratio >= NON_TEXT_CONTRAST_MIN, `${colour} against the ring: ${ratio.toFixed(2)}`);
  }
  for (const panel of panels) {
    assert.ok(contrastRatio(SWATCH_RING, panel) >= NON_TEXT_CONTRAST_MIN, `ring on ${panel}`);
    // The flag swatch has no ring (.swatch.flag): its orange stands on the panel itself.
    assert.ok(contrastRatio(FLAG_COLOUR, panel) >= NON_TEXT_CONTRAST_MIN, `flag on ${panel}`);
    assert.ok(contrastRatio(UNLABELLED_COLOUR, panel) >= NON_TEXT_CONTRAST_MIN, `unlabelled on ${panel}`);
  }
});

test('legend and overlay: lines on the legend card and on their casing, the flag pennant, 3:1 or more', () => {
  for (const colour of CODE_COLOURS) {
    assert.ok(contrastRatio(colour, LEGEND_BACKGROUND) >= NON_TEXT_CONTRAST_MIN, `${colour} on the legend`);
    assert.ok(contrastRatio(colour, CASING_COLOUR) >= NON_TEXT_CONTRAST_MIN, `${colour} on the casing`);
  }
  assert.ok(contrastRatio(FLAG_COLOUR, FLAG_OUTLINE) >= NON_TEXT_CONTRAST_MIN, 'pennant against its outline');
  assert.ok(contrastRatio(FLAG_OUTLINE, CASING_COLOUR) >= NON_TEXT_CONTRAST_MIN, 'outline on glass');
});

test('badges: the text colour picked for each class colour reads at 4.5:1', () => {
  for (const colour of [...CODE_COLOURS, FLAG_COLOUR]) {
    const text = readableTextOn(colour);
    assert.ok(contrastRatio(text, colour) >= TEXT_CONTRAST_MIN, `${text} on ${colour}: ${contrastRatio(text, colour).toFixed(2)}`);
  }
  assert.equal(readableTextOn(FLAG_COLOUR), '#111418');
  assert.equal(readableTextOn(CELL_CLASSES[3]!.colour), '#FFFFFF');
});

test('cues: the four classes differ in pattern (dash rhythm or double line), not only in colour, and each has its letter', () => {
  const signatures = CELL_CLASSES.map((c) => JSON.stringify([CODE_CUES[c.apaccId + 1]!.dash, CODE_CUES[c.apaccId + 1]!.double]));
  assert.equal(new Set(signatures).size, 4, signatures.join(' '));
  assert.deepEqual(CELL_CLASSES.map((c) => CODE_CUES[c.apaccId + 1]!.letter), ['H', 'R', 'U', 'B']);
});
