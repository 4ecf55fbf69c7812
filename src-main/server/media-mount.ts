// Mounts the media routes (media-routes.ts) on the HTTP router, GET only:
// /t/<token>/cells/... and /t/<token>/library/...

import { toHttpReply } from './tile-mount.ts';
import type { MediaService } from '../runtime/media-service.ts';
import { MEDIA_PREFIXES, routeMediaRequest } from '../runtime/media-routes.ts';
import type { Mount } from './router.ts';

/** Short-lived: a cell id names the same box for its whole life, but a re-ingest may remove the cell. */
const MEDIA_CACHE = 'private, max-age=300';

export function mediaMounts(media: MediaService): Mount[] {
  return MEDIA_PREFIXES.map((prefix) => ({
    prefix,
    methods: ['GET'],
    async handle({ segments }) {
      const pending = routeMediaRequest(media, segments);
      if (!pending) return null;
      const response = await pending;
      const reply = toHttpReply(response);
      if (response.status === 200) reply.headers = { ...reply.headers, 'Cache-Control': MEDIA_CACHE };
      return reply;
    },
  }));
}
