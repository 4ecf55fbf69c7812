// Picks a round scale-bar length (1, 2 or 5 times a power of ten, in µm or
// mm) no longer than the target width on screen.

export interface ScaleBar {
  px: number;
  text: string;
}

/** umPerPx: micrometres per CSS px at the current zoom. */
export function niceScaleBar(umPerPx: number, targetPx: number): ScaleBar {
  if (!(umPerPx > 0) || !(targetPx > 0)) return { px: 0, text: '' };
  const targetUm = umPerPx * targetPx;
  const power = 10 ** Math.floor(Math.log10(targetUm));
  const step = [5, 2, 1].find((m) => m * power <= targetUm) ?? 1;
  const um = step * power;
  const text = um >= 1000 ? `${trim(um / 1000)} mm` : um >= 1 ? `${trim(um)} µm` : `${trim(um * 1000)} nm`;
  return { px: Math.round(um / umPerPx), text };
}

function trim(value: number): string {
  return String(Number(value.toPrecision(6)));
}
