// Electron adapter for the tile service: smearlab-tiles://local/slides/...
// answers the same paths as the HTTP server (src-main/slide/tile-routes.ts),
// so the viewer loads tiles in-process without opening a port. Kept thin:
// everything testable lives in the tile service, which runs under plain Node.

import { protocol } from 'electron';
import type { Protocol } from 'electron';
import { routeTileRequest } from '../slide/tile-routes.ts';
import type { TileService } from '../slide/tile-service.ts';

export const TILE_SCHEME = 'smearlab-tiles';
/** Host part of every tile URL: smearlab-tiles://local/slides/<id>.dzi */
export const TILE_HOST = 'local';

/**
 * Must run before the app's `ready` event. Standard + secure gives the scheme
 * real origins and lets a secure renderer load it; corsEnabled + fetch let the
 * viewer draw tiles into WebGL/canvas without tainting it.
 */
export function registerTileScheme(): void {
  protocol.registerSchemesAsPrivileged([{
    scheme: TILE_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
  }]);
}

function reply(status: number, body: Uint8Array | string, headers: Record<string, string>): Response {
  return new Response(body, {
    status,
    headers: { 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'", 'Access-Control-Allow-Origin': '*', ...headers },
  });
}

/** Serves tiles after `ready`; pass a session's protocol to serve it there instead. */
export function handleTileProtocol(service: TileService, target: Pick<Protocol, 'handle'> = protocol): void {
  target.handle(TILE_SCHEME, async (request) => {
    if (request.method !== 'GET') return reply(405, 'Method not allowed', { Allow: 'GET' });
    const url = new URL(request.url);
    if (url.host !== TILE_HOST) return reply(404, 'Not found', {});
    const pending = routeTileRequest(service, url.pathname.slice(1).split('/'));
    if (!pending) return reply(404, 'Not found', {});
    const response = await pending;
    return reply(response.status, response.body, {
      'Content-Type': response.contentType,
      'Cache-Control': response.immutable ? 'private, max-age=31536000, immutable' : 'no-store',
    });
  });
}
