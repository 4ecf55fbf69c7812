// The zlib level of an export's PNGs when the user names none: chosen from
// the target's measured write speed and the cores encoding for it. Each level
// costs encoding time (spread over the cores) and bytes (through the target);
// the export takes as long as the slower of the two, so a fast disk gets the
// fastest level worth having and a slow stick the smallest files it can be
// kept busy with. Level 0 (stored, 3 bytes a pixel) is never chosen by itself:
// it only saves time where a dataset four times larger does not matter, so it
// stays an explicit choice (--png-compression 0).

/**
 * Per level: encoding ms per million pixels on one core and output bytes per pixel, measured with
 * sharp (libspng, no adaptive filtering) on 2,000 px slices of the demo slide (Pap-like content on
 * glass) on the 2-core development machine; crops behave the same per pixel.
 */
export const PNG_LEVEL_COSTS: ReadonlyArray<{ level: number; encodeMsPerMpx: number; bytesPerPx: number }> = [
  { level: 1, encodeMsPerMpx: 50, bytesPerPx: 1.13 },
  { level: 2, encodeMsPerMpx: 75, bytesPerPx: 0.83 },
  { level: 3, encodeMsPerMpx: 105, bytesPerPx: 0.72 },
  { level: 6, encodeMsPerMpx: 195, bytesPerPx: 0.665 },
];

/** Levels within this share of the fastest count as fast, and the smallest output among them wins. */
const TIME_SLACK = 0.1;

/** The PNG level for a target writing `bytesPerSecond`, encoded on `cores` cores. */
export function pngLevelForSpeed(bytesPerSecond: number, cores: number): number {
  const speed = Math.max(1, bytesPerSecond);
  const timeOf = (c: (typeof PNG_LEVEL_COSTS)[number]) => Math.max(c.encodeMsPerMpx / Math.max(1, cores), (c.bytesPerPx * 1e6 / speed) * 1000);
  const best = Math.min(...PNG_LEVEL_COSTS.map(timeOf));
  const fast = PNG_LEVEL_COSTS.filter((c) => timeOf(c) <= best * (1 + TIME_SLACK));
  return fast.reduce((a, b) => (b.bytesPerPx < a.bytesPerPx ? b : a)).level;
}
