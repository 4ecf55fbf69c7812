// Image formats a Deep Zoom tile can be served in (the DZI names one).
export const TILE_FORMATS = ['jpeg', 'webp'] as const;
export type TileFormat = (typeof TILE_FORMATS)[number];

export function isTileFormat(value: string): value is TileFormat {
  return (TILE_FORMATS as readonly string[]).includes(value);
}
