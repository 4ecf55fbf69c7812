// Mounts the tile service's URL scheme (src-main/slide/tile-routes.ts) on the
// HTTP router under /t/<token>/slides/..., GET only.
// Tiles of a registered slide id never change (ids are not reused), so they
// go out `immutable` for a year: a browser asks for each at most once and
// never revalidates, which is why they carry no ETag. Everything else here
// (the slide list, errors) is `no-store`.

import { routeTileRequest } from '../slide/tile-routes.ts';
import type { ServiceResponse, TileService } from '../slide/tile-service.ts';
import type { HttpReply, Mount } from './router.ts';

const IMMUTABLE = 'private, max-age=31536000, immutable';

// One frozen header object per content type and caching mode: the server
// merges a frozen object into its defaults once, not once per tile.
const immutableHeaders = new Map<string, Readonly<Record<string, string>>>();
const noStoreHeaders = new Map<string, Readonly<Record<string, string>>>();

function headersFor(contentType: string, immutable: boolean): Readonly<Record<string, string>> {
  const known = immutable ? immutableHeaders : noStoreHeaders;
  let headers = known.get(contentType);
  if (!headers) {
    headers = Object.freeze({ 'Content-Type': contentType, 'Cache-Control': immutable ? IMMUTABLE : 'no-store' });
    // Content types come from the services' own constants: a handful in all.
    known.set(contentType, headers);
  }
  return headers;
}

export function toHttpReply(response: ServiceResponse): HttpReply {
  return { status: response.status, headers: headersFor(response.contentType, response.immutable), body: response.body };
}

export function tileMount(service: TileService): Mount {
  return {
    prefix: 'slides',
    methods: ['GET'],
    handle({ segments }) {
      const pending = routeTileRequest(service, segments);
      return pending ? pending.then(toHttpReply) : null;
    },
  };
}
