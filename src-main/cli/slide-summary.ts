// Human-readable description of an open slide, shared by `info` and `demo`.
// Everything in it comes from the file (its path, every INI key and value), so
// every line is made safe for a terminal before it is printed.

import type { SlideInfo } from '../api/views.ts';
import { printable } from './terminal-text.ts';

function hex(rgb: readonly [number, number, number]): string {
  return `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

function num(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(4).replace(/0+$/, '');
}

/** Lines describing the slide, every one printable; `withProperties` adds every OpenSlide property. */
export function describeSlide(info: SlideInfo, withProperties: boolean): string[] {
  const level0 = info.levels[0];
  const lines = [
    info.path,
    `  format       ${info.format}`,
    `  size         ${level0 ? `${level0.width} x ${level0.height} px (level 0)` : 'no levels'}`,
    `  levels       ${info.levels.length}`,
    ...info.levels.map((l, i) => `    ${String(i).padStart(2)}  ${`${l.width} x ${l.height}`.padEnd(15)}  downsample ${num(l.downsample)}`),
    `  mpp          ${info.mppX !== null && info.mppY !== null ? `${num(info.mppX)} x ${num(info.mppY)} µm/px` : 'unknown'}`,
    `  objective    ${info.objectivePower !== null ? `${num(info.objectivePower)}x` : 'unknown'}`,
    `  background   ${hex(info.backgroundColor)}`,
    `  bounds       ${info.bounds ? `x ${info.bounds.x}, y ${info.bounds.y}, ${info.bounds.width} x ${info.bounds.height} px` : 'not recorded (whole level 0)'}`,
    `  quickhash    ${info.quickhash ?? 'none'}`,
    `  associated   ${info.associatedImages.length > 0 ? info.associatedImages.join(', ') : 'none'}`,
  ];
  if (withProperties) {
    const keys = Object.keys(info.properties).sort();
    lines.push(`  properties   ${keys.length}`);
    for (const key of keys) lines.push(`    ${key} = ${info.properties[key]}`);
  }
  return lines.map(printable);
}
