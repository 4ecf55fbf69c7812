// The local HTTP server behind browser mode and `smearlab serve`: bound to
// 127.0.0.1 only, every URL under /t/<token>/, the Host and (when sent) the
// Origin must be its own, security headers on every answer, and a client
// that sends its request too slowly is cut off on time. What it serves comes
// from mounts on its Router (tiles, the API contract, events, the renderer's
// files), so this file stays transport.

import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newAccessToken, tokenMatcher } from './access-token.ts';
import { Router, errorReply, isPromise } from './router.ts';
import type { HttpReply, MaybePromise, Mount } from './router.ts';

export const LOOPBACK_HOST = '127.0.0.1';

export interface ServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to a fresh random token; pass one only in tests. */
  token?: string;
  mounts?: readonly Mount[];
  /** Where unexpected handler failures are reported (default console.error). */
  onError?: (error: unknown, request: IncomingMessage) => void;
  /** Time a client has to send a request's headers (default 10 s); tests pass less. */
  headersTimeoutMs?: number;
  /** Time a client has to send a whole request, body included (default 30 s). */
  requestTimeoutMs?: number;
}

export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
/**
 * How often Node looks for requests over those limits. Its default (30 s) let
 * a client that dribbles its headers byte by byte hold a connection for ~40 s
 * instead of 10; a tenth of the limit (at most a second) keeps it within ~10 %.
 */
function checkingIntervalMs(headersTimeoutMs: number): number {
  return Math.max(10, Math.min(1_000, Math.floor(headersTimeoutMs / 10)));
}

export interface RunningServer {
  /** http://127.0.0.1:<port>/t/<token>/ — every URL starts with it. */
  baseUrl: string;
  port: number;
  token: string;
  /** Add mounts here at any time. */
  router: Router;
  /** Stops listening and drops open keep-alive connections. */
  close(): Promise<void>;
}

// Defaults for every answer; a mount may override (e.g. the renderer's CSP).
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

const EMPTY = Buffer.alloc(0);
const CONTENT_LENGTH = 'Content-Length';

/** The defaults with `headers` over them, as Node's flat [name, value, ...] list, with room for Content-Length at the end. */
function headerList(headers: Readonly<Record<string, string>> | undefined): Array<string | number> {
  const merged: Record<string, string | number> = { ...SECURITY_HEADERS, 'Cache-Control': 'no-store', ...headers };
  delete merged[CONTENT_LENGTH];
  const list: Array<string | number> = [];
  for (const name of Object.keys(merged)) list.push(name, merged[name]!);
  list.push(CONTENT_LENGTH, 0);
  return list;
}

// Merged lists of constant (frozen) reply headers: a tile reply's headers are
// one of a handful of objects, merged once instead of once per tile.
const mergedConstants = new WeakMap<object, Array<string | number>>();

function send(response: ServerResponse, reply: HttpReply): void {
  if (reply.stream) {
    response.writeHead(reply.status, { ...SECURITY_HEADERS, 'Cache-Control': 'no-store', ...reply.headers });
    reply.stream(response);
    return;
  }
  // The body as it is: a tile is sent from the very Buffer the cache holds, never copied.
  const body = reply.body === undefined ? EMPTY : typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
  const { headers } = reply;
  let list: Array<string | number>;
  if (headers !== undefined && Object.isFrozen(headers)) {
    let known = mergedConstants.get(headers);
    if (!known) {
      known = headerList(headers);
      mergedConstants.set(headers, known);
    }
    list = known;
  } else {
    list = headerList(headers);
  }
  // The shared list's last value is this reply's length: writeHead copies the
  // list into the header block before it returns, so the next reply may reuse it.
  list[list.length - 1] = body.length;
  response.writeHead(reply.status, list);
  response.end(body);
}

/** Host and Origin values a request may carry: our own address under either name. */
interface OwnNames { hosts: readonly string[]; origins: readonly string[] }

function ownNames(port: number): OwnNames {
  const hosts = [`${LOOPBACK_HOST}:${port}`, `localhost:${port}`];
  return { hosts, origins: hosts.map((host) => `http://${host}`) };
}

/** The reply for one request, now when it can be made at once; never throws, never rejects. */
function answer(
  request: IncomingMessage,
  router: Router,
  tokenMatches: (given: string) => boolean,
  own: OwnNames,
  onError: (error: unknown, request: IncomingMessage) => void,
): MaybePromise<HttpReply> {
  // A page on another origin that rebinds its name to 127.0.0.1 sends its own Host.
  const { host, origin } = request.headers;
  if (host === undefined || !own.hosts.includes(host)) return errorReply(403, 'forbidden', 'Wrong Host header');
  // Defence in depth behind the token: a browser names the page behind every
  // cross-origin request (and same-origin POSTs) in Origin; only our own pages
  // may call. No Origin at all is a CLI, a test or a same-origin navigation.
  if (origin !== undefined && !own.origins.includes(origin)) return errorReply(403, 'forbidden', 'Wrong Origin header');
  const target = request.url ?? '';
  // Origin-form only: absolute URLs, `*` and anything not starting with one slash are refused.
  if (target.charCodeAt(0) !== SLASH || target.charCodeAt(1) === SLASH) return errorReply(400, 'bad-request', 'Malformed request target');
  const queryAt = target.indexOf('?');
  const path = queryAt < 0 ? target : target.slice(0, queryAt);
  const query = queryAt < 0 ? '' : target.slice(queryAt + 1);
  // /t/<token>/<segments...>: the token is cut out and checked before anything else is looked at.
  if (path !== '/t' && !path.startsWith('/t/')) return errorReply(404, 'not-found', 'Nothing here');
  const tokenEnd = path.indexOf('/', 3);
  if (!tokenMatches(tokenEnd < 0 ? path.slice(3) : path.slice(3, tokenEnd))) {
    return errorReply(403, 'forbidden', 'Wrong or missing access token');
  }
  if (tokenEnd < 0) return errorReply(404, 'not-found', 'Nothing here');
  const segments = path.slice(tokenEnd + 1).split('/');
  try {
    const reply = router.dispatch({ method: request.method ?? 'GET', segments, query, request });
    return isPromise(reply) ? reply.catch((error: unknown) => failed(error, request, onError)) : reply;
  } catch (error) {
    return failed(error, request, onError);
  }
}

const SLASH = 0x2f;

function failed(error: unknown, request: IncomingMessage, onError: (error: unknown, request: IncomingMessage) => void): HttpReply {
  onError(error, request);
  return errorReply(500, 'internal', 'The server failed to answer this request; see its log');
}

/** Writes the reply; a failure to write is reported and, where the head is not out yet, answered 500. */
function finish(
  request: IncomingMessage,
  response: ServerResponse,
  reply: HttpReply,
  onError: (error: unknown, request: IncomingMessage) => void,
): void {
  try {
    // Drain a body no route read (a GET with one, a refused POST), so keep-alive works.
    if (!request.readableEnded) request.resume();
    send(response, reply);
  } catch (error) {
    onError(error, request);
    if (!response.headersSent) send(response, errorReply(500, 'internal', 'Internal error'));
  }
}

export async function createServer(options: ServerOptions = {}): Promise<RunningServer> {
  const token = options.token ?? newAccessToken();
  const tokenMatches = tokenMatcher(token);
  const router = new Router();
  for (const mount of options.mounts ?? []) router.mount(mount);
  const onError = options.onError ?? ((error, request) => {
    console.error(`[server] ${request.method} request failed:`, error);
  });

  let own = ownNames(0);
  const headersTimeout = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const requestTimeout = Math.max(options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS, headersTimeout);
  const server: Server = createHttpServer({
    headersTimeout,
    requestTimeout,
    connectionsCheckingInterval: checkingIntervalMs(headersTimeout),
  }, (request, response) => {
    const reply = answer(request, router, tokenMatches, own, onError);
    if (isPromise(reply)) void reply.then((made) => finish(request, response, made, onError));
    else finish(request, response, reply, onError);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: LOOPBACK_HOST, port: options.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  own = ownNames(port);

  return {
    baseUrl: `http://${LOOPBACK_HOST}:${port}/t/${token}/`,
    port,
    token,
    router,
    close: () => new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    }),
  };
}
