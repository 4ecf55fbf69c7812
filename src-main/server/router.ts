// Routes of the local HTTP server, by the first path segment after the token
// (`slides`, later `api`, ...), plus one fallback for everything else (where
// the renderer's static files will mount). Each mount lists the methods it
// answers; others get 405. Handlers see raw path segments: nothing is
// percent-decoded or normalised here, so each mount decides what it accepts.

import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HttpReply {
  status: number;
  /** Merged over the server's security defaults (a mount may set its own CSP). */
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** A long-lived answer (server-sent events): called after the head is written; it owns the response from then on. */
  stream?: (response: ServerResponse) => void;
}

export interface RequestContext {
  method: string;
  /** Path segments after /t/<token>/, raw (still percent-encoded). */
  segments: readonly string[];
  /** Raw query string without the `?`, '' when there is none. */
  query: string;
  request: IncomingMessage;
}

export interface Mount {
  /** First segment this mount owns, or null for the fallback mount. */
  prefix: string | null;
  methods: readonly string[];
  /** The reply, or null when the mount has nothing at this path (404). */
  handle(context: RequestContext): Promise<HttpReply | null>;
}

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): HttpReply {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify(value),
  };
}

export function errorReply(status: number, code: string, message: string, headers: Record<string, string> = {}): HttpReply {
  return jsonReply(status, { code, message }, headers);
}

export class Router {
  readonly #mounts = new Map<string, Mount>();
  #fallback: Mount | null = null;

  /** Adds a mount; a second mount for the same prefix is a programming error. */
  mount(mount: Mount): this {
    if (mount.prefix === null) {
      if (this.#fallback) throw new Error('the router already has a fallback mount');
      this.#fallback = mount;
    } else {
      if (mount.prefix === '' || mount.prefix.includes('/')) throw new Error(`bad mount prefix "${mount.prefix}"`);
      if (this.#mounts.has(mount.prefix)) throw new Error(`"${mount.prefix}" is already mounted`);
      this.#mounts.set(mount.prefix, mount);
    }
    return this;
  }

  async dispatch(context: RequestContext): Promise<HttpReply> {
    const mount = this.#mounts.get(context.segments[0] ?? '') ?? this.#fallback;
    if (!mount) return errorReply(404, 'not-found', 'Nothing here');
    if (!mount.methods.includes(context.method)) {
      return errorReply(405, 'method-not-allowed', `${context.method} is not allowed here`, { Allow: mount.methods.join(', ') });
    }
    return (await mount.handle(context)) ?? errorReply(404, 'not-found', 'Nothing here');
  }
}
