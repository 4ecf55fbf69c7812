// Physical scale. Every size the pipeline reasons about is in micrometres and
// becomes pixels only here, with the slide's own pixel size (mpp, um per
// level-0 px), so the same smear scanned at 0.25 or 0.5 um/px yields the same
// cells. A slide that does not say its pixel size gets the APACC scanner's
// typical 0.25 um/px and a warning; `--mpp` (or the UI's ingest field) overrides.

/** The 3DHISTECH Pannoramic's typical level-0 pixel size at 20x (APACC), used when a slide gives none. */
export const ASSUMED_MPP = 0.25;
/** Plausible level-0 pixel sizes: 0.05 um (100x oil) to 10 um (a macro image). */
export const MIN_MPP = 0.05;
export const MAX_MPP = 10;

export interface SlideScale {
  /** um per level-0 px (the mean of x and y when they differ). */
  mpp: number;
  source: 'slide' | 'override' | 'assumed';
  /** Set when the user should know: mpp assumed, or x and y differ. */
  warning: string | null;
}

function plausible(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= MIN_MPP && v <= MAX_MPP;
}

/** The scale to ingest with: the override, else the slide's mpp, else ASSUMED_MPP with a warning naming the slide. */
export function resolveSlideScale(path: string, mppX: number | null, mppY: number | null, override?: number): SlideScale {
  if (override !== undefined) {
    if (!plausible(override)) throw new RangeError(`mpp override ${override} is outside ${MIN_MPP}-${MAX_MPP} um/px`);
    return { mpp: override, source: 'override', warning: null };
  }
  if (plausible(mppX) && plausible(mppY)) {
    const mpp = (mppX + mppY) / 2;
    const warning = Math.abs(mppX - mppY) / mpp > 0.02
      ? `${path}: pixels are not square (mpp x ${mppX}, y ${mppY}); sizes use their mean ${mpp.toFixed(4)} um/px`
      : null;
    return { mpp, source: 'slide', warning };
  }
  const given = mppX === null && mppY === null ? 'gives no pixel size' : `gives an implausible pixel size (x ${mppX}, y ${mppY})`;
  return {
    mpp: ASSUMED_MPP,
    source: 'assumed',
    warning: `${path} ${given}: assuming ${ASSUMED_MPP} um/px; if the scan is at another resolution, cells will be too big or too small, so ingest again with --mpp <um per pixel>`,
  };
}

/** Level-0 px for a length in um. */
export function umToPx(um: number, mpp: number): number {
  return um / mpp;
}

/** Level-0 px^2 for an area in um^2. */
export function um2ToPx2(um2: number, mpp: number): number {
  return um2 / (mpp * mpp);
}

/** um^2 for an area in px^2 of an image at `umPerPx`. */
export function px2ToUm2(px2: number, umPerPx: number): number {
  return px2 * umPerPx * umPerPx;
}

/** Level-0 px per working px for an image meant to be at `workingUmPerPx`. */
export function downsampleFor(workingUmPerPx: number, mpp: number): number {
  return workingUmPerPx / mpp;
}
