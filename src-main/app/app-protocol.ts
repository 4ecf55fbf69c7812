// smearlab://app/... serves the bundled renderer (the page itself) and the
// media routes (crops, thumbnails, masks) in-process, with no port open.
// Registered privileged together with the tile scheme: Electron accepts one
// registerSchemesAsPrivileged call per run.

import { protocol } from 'electron';
import type { Protocol } from 'electron';
import type { MediaService } from '../runtime/media-service.ts';
import { routeMediaRequest } from '../runtime/media-routes.ts';
import { readRendererFile } from '../runtime/renderer-files.ts';
import type { ServiceResponse } from '../slide/tile-service.ts';
import { TILE_SCHEME } from './tile-protocol.ts';
import { APP_HOST, APP_SCHEME, ELECTRON_CSP } from './security.ts';

/** Must run before `ready`. */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    // As tile-protocol.ts's registerTileScheme, which cannot be called besides this one.
    { scheme: TILE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  ]);
}

function toResponse(answer: ServiceResponse, cache: string): Response {
  return new Response(answer.body, {
    status: answer.status,
    headers: {
      'Content-Type': answer.contentType,
      'Cache-Control': answer.status === 200 ? cache : 'no-store',
      'Content-Security-Policy': ELECTRON_CSP,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

export function handleAppProtocol(rendererDir: string, media: MediaService, target: Pick<Protocol, 'handle'> = protocol): void {
  target.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (request.method !== 'GET' || url.host !== APP_HOST) return new Response('Not found', { status: 404 });
    const segments = url.pathname.slice(1).split('/');
    const pending = routeMediaRequest(media, segments);
    if (pending) return toResponse(await pending, 'private, max-age=300');
    return toResponse(await readRendererFile(rendererDir, segments), 'no-cache');
  });
}
