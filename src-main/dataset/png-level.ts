// How an export's PNGs are compressed when the user names no level: chosen
// from the target's measured write speed and the cores encoding for it. The
// export takes as long as the slower of two things: the CPU (decoding the
// scan, a fixed cost, plus encoding, which grows with the zlib level and the
// row filters), spread over the cores, and the bytes going through the target.
// So a RAM disk or a fast local disk gets level 0 (stored: nothing to
// compress, three bytes a pixel) where that is clearly the fastest, a USB 3
// stick level 1, and a slow stick or share the smallest files it can be kept
// busy with (adaptive row filters, higher levels). Among settings within
// TIME_SLACK of the fastest the smallest output wins: a bigger dataset must
// buy real time. Nor may it crowd the target: a setting whose images would
// take more than ROOM_SHARE of the free space is left out (level 0 makes a
// dataset three times the size of level 1's). A level the user names is used
// as it is, without adaptive filtering (the fastest encoding of that level).

export interface PngSetting {
  /** zlib level 0-9. */
  level: number;
  /** libpng's adaptive row filters (none otherwise). */
  adaptiveFiltering: boolean;
}

/**
 * Per setting: encoding ms per million pixels on one core (CPU time) and output bytes per pixel,
 * measured with sharp 0.35 (libvips 8.18, libpng, zlib-ng) on eight opaque 2,000 px slices of the
 * demo slide (Pap-like content on glass, alpha dropped before encoding) on the 2-core development
 * machine; crops behave the same per pixel. Settings another one beats on both counts are left out
 * (level 2 = level 3's cost; level 6 without filters = level 2 with them).
 */
export const PNG_SETTING_COSTS: ReadonlyArray<PngSetting & { encodeMsPerMpx: number; bytesPerPx: number }> = [
  { level: 0, adaptiveFiltering: false, encodeMsPerMpx: 11, bytesPerPx: 3.005 },
  { level: 1, adaptiveFiltering: false, encodeMsPerMpx: 16, bytesPerPx: 1.025 },
  { level: 3, adaptiveFiltering: false, encodeMsPerMpx: 34, bytesPerPx: 0.676 },
  { level: 3, adaptiveFiltering: true, encodeMsPerMpx: 81, bytesPerPx: 0.581 },
  { level: 4, adaptiveFiltering: true, encodeMsPerMpx: 93, bytesPerPx: 0.556 },
  { level: 6, adaptiveFiltering: true, encodeMsPerMpx: 132, bytesPerPx: 0.529 },
];

/**
 * CPU ms per million output pixels that every setting pays alike: OpenSlide decoding the scan
 * (24 ms per million pixels read, measured as above), slices read once and most cell crops cut
 * from them, so about two thirds of the pixels written are read.
 */
export const READ_MS_PER_MPX = 16;

/** Settings within this share of the fastest count as fast, and the smallest output among them wins. */
const TIME_SLACK = 0.1;

/**
 * The most of the target's free space the images are expected to take (the per-pixel sizes are the
 * demo slide's; other smears compress differently, and the target may hold other things).
 */
export const ROOM_SHARE = 0.5;

/** What the export is about to write: image pixels, and the target's free bytes (Infinity when unknown). */
export interface TargetRoom {
  pixels: number;
  freeBytes: number;
}

/** Where the target's speed cannot be measured: level 3, nearly as small as 6 and half the work. */
export const FALLBACK_PNG_SETTING: PngSetting = { level: 3, adaptiveFiltering: false };

/** The PNG setting for a target writing `bytesPerSecond`, encoded on `cores` cores, with `room` to fill. */
export function pngSettingForSpeed(bytesPerSecond: number, cores: number, room?: TargetRoom): PngSetting {
  // An unmeasurable speed counts as the slowest; fewer than one core as one.
  const speed = Number.isFinite(bytesPerSecond) ? Math.max(1, bytesPerSecond) : 1;
  const cpus = Number.isFinite(cores) ? Math.max(1, cores) : 1;
  const timeOf = (c: (typeof PNG_SETTING_COSTS)[number]) => Math.max((READ_MS_PER_MPX + c.encodeMsPerMpx) / cpus, (c.bytesPerPx * 1e6 / speed) * 1000);
  const smallest = PNG_SETTING_COSTS.reduce((a, b) => (b.bytesPerPx < a.bytesPerPx ? b : a));
  const fits = room ? PNG_SETTING_COSTS.filter((c) => c.bytesPerPx * room.pixels <= ROOM_SHARE * room.freeBytes) : PNG_SETTING_COSTS;
  const candidates = fits.length > 0 ? fits : [smallest];
  const best = Math.min(...candidates.map(timeOf));
  const fast = candidates.filter((c) => timeOf(c) <= best * (1 + TIME_SLACK));
  const chosen = fast.reduce((a, b) => (b.bytesPerPx < a.bytesPerPx ? b : a));
  return { level: chosen.level, adaptiveFiltering: chosen.adaptiveFiltering };
}

/** A level the user names: that level, no adaptive filtering. */
export function pngSettingForLevel(level: number): PngSetting {
  return { level, adaptiveFiltering: false };
}
