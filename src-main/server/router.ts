// Routes of the local HTTP server, by the first path segment after the token
// (`slides`, later `api`, ...), plus one fallback for everything else (where
// the renderer's static files will mount). Each mount lists the methods it
// answers; others get 405. Handlers see raw path segments: nothing is
// percent-decoded or normalised here, so each mount decides what it accepts.
// A mount may answer synchronously (a value, not a promise): the server then
// writes the reply in the same tick, which is how tiles from memory are
// served without a promise hop per layer.

import type { IncomingMessage, ServerResponse } from 'node:http';

/** A value now or later: mounts answer synchronously where they can. */
export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return value instanceof Promise;
}

export interface HttpReply {
  status: number;
  /**
   * Merged over the server's security defaults (a mount may set its own CSP).
   * A frozen object is taken as a constant: the server merges it once and
   * reuses the result for every reply that carries the same object.
   */
  headers?: Readonly<Record<string, string>>;
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
  /** The reply, or null when the mount has nothing at this path (404); may throw or reject (500). */
  handle(context: RequestContext): MaybePromise<HttpReply | null>;
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

  /** The mount's reply (a 404 / 405 of its own where none applies); throws or rejects when the mount does. */
  dispatch(context: RequestContext): MaybePromise<HttpReply> {
    const mount = this.#mounts.get(context.segments[0] ?? '') ?? this.#fallback;
    if (!mount) return notFound();
    if (!mount.methods.includes(context.method)) {
      return errorReply(405, 'method-not-allowed', `${context.method} is not allowed here`, { Allow: mount.methods.join(', ') });
    }
    const reply = mount.handle(context);
    return isPromise(reply) ? reply.then(orNotFound) : orNotFound(reply);
  }
}

function notFound(): HttpReply {
  return errorReply(404, 'not-found', 'Nothing here');
}

function orNotFound(reply: HttpReply | null): HttpReply {
  return reply ?? notFound();
}
