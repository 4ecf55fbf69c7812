// The tile URL scheme, shared by the HTTP server and the Electron protocol so
// both accept exactly the same paths (relative to where they are mounted):
//   slides                                        JSON list of open slides
//   slides/<id>.dzi                               Deep Zoom descriptor
//   slides/<id>_files/<level>/<col>_<row>.<fmt>   a tile (what OpenSeadragon derives from the .dzi URL)
//   slides/<id>/files/<level>/<col>_<row>.<fmt>   the same tile
// Segments are matched raw, never percent-decoded or normalised: nothing a
// slide URL needs is encoded, so `%2e%2e` or `..` simply matches no slide.

import { tileError } from './tile-service.ts';
import type { ServiceResponse, TileService } from './tile-service.ts';

const TILE_FILE = /^([^_.]+)_([^_.]+)\.([^.]+)$/;

function json(value: unknown): ServiceResponse {
  return { status: 200, contentType: 'application/json; charset=utf-8', body: Buffer.from(JSON.stringify(value)), immutable: false };
}

/** Answers a GET for `segments` (the path split on `/`), or null when no tile route matches. */
export function routeTileRequest(service: TileService, segments: readonly string[]): Promise<ServiceResponse> | null {
  if (segments[0] !== 'slides') return null;
  if (segments.length === 1) return service.listSlides().then((slides) => json({ slides }));

  const second = segments[1] ?? '';
  if (segments.length === 2) {
    return second.endsWith('.dzi') ? service.getDzi(second.slice(0, -'.dzi'.length)) : null;
  }

  let slideId: string;
  let rest: readonly string[];
  if (segments.length === 4 && second.endsWith('_files')) {
    slideId = second.slice(0, -'_files'.length);
    rest = segments.slice(2);
  } else if (segments.length === 5 && segments[2] === 'files') {
    slideId = second;
    rest = segments.slice(3);
  } else {
    return null;
  }
  const [level = '', file = ''] = rest;
  const match = TILE_FILE.exec(file);
  if (!match) return Promise.resolve(tileError('bad-request', 'A tile file name must look like <col>_<row>.<format>'));
  const [, col = '', row = '', format = ''] = match;
  return service.getTile(slideId, level, col, row, format);
}
