// Mounts the tile service's URL scheme (src-main/slide/tile-routes.ts) on the
// HTTP router under /t/<token>/slides/..., GET only.

import { routeTileRequest } from '../slide/tile-routes.ts';
import type { ServiceResponse, TileService } from '../slide/tile-service.ts';
import type { HttpReply, Mount } from './router.ts';

const IMMUTABLE = 'private, max-age=31536000, immutable';

export function toHttpReply(response: ServiceResponse): HttpReply {
  return {
    status: response.status,
    headers: {
      'Content-Type': response.contentType,
      'Cache-Control': response.immutable ? IMMUTABLE : 'no-store',
    },
    body: response.body,
  };
}

export function tileMount(service: TileService): Mount {
  return {
    prefix: 'slides',
    methods: ['GET'],
    async handle({ segments }) {
      const pending = routeTileRequest(service, segments);
      return pending ? toHttpReply(await pending) : null;
    },
  };
}
