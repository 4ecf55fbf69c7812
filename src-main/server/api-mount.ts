// The contract over HTTP: POST /t/<token>/api/<operation> with a JSON body.
// 200 with the output as JSON (typed arrays as tagged base64, see
// api/wire.ts), or the ApiError with the status of its code: 400 bad input,
// 404 unknown operation or id, 413 body over the limit, 500 otherwise.

import type { IncomingMessage } from 'node:http';
import type { ApiResult } from '../api/dispatch.ts';
import { HTTP_STATUS_OF, apiError } from '../api/errors.ts';
import type { ApiError } from '../api/errors.ts';
import { toWireJsonNode } from './wire-node.ts';
import type { HttpReply, Mount } from './router.ts';

/** No operation takes more than a few hundred bytes; a megabyte leaves room and stops abuse. */
export const API_BODY_LIMIT = 1024 * 1024;

export type Invoke = (operation: string, input: unknown) => Promise<ApiResult>;

function errorAnswer(error: ApiError, status = HTTP_STATUS_OF[error.code], headers: Record<string, string> = {}): HttpReply {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(error),
  };
}

type Body = { ok: true; text: string } | { ok: false; reply: HttpReply };

function tooLarge(): Body {
  const error = apiError('bad-input', `The request body is larger than ${API_BODY_LIMIT} bytes`);
  // Closing the connection stops the client sending the rest.
  return { ok: false, reply: errorAnswer(error, 413, { Connection: 'close' }) };
}

function readBody(request: IncomingMessage, limit: number): Promise<Body> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.resolve(tooLarge());
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    const finish = (body: Body) => {
      if (finished) return;
      finished = true;
      request.off('data', onData);
      resolve(body);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(tooLarge());
      else chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => finish({ ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    request.once('error', () => finish({ ok: false, reply: errorAnswer(apiError('bad-input', 'The request body could not be read')) }));
  });
}

export function apiMount(invoke: Invoke): Mount {
  return {
    prefix: 'api',
    methods: ['POST'],
    async handle({ segments, request }) {
      if (segments.length !== 2) return null;
      const operation = decodeURIComponentSafe(segments[1] ?? '');
      const body = await readBody(request, API_BODY_LIMIT);
      if (!body.ok) return body.reply;
      let input: unknown;
      if (body.text.trim() !== '') {
        try {
          input = JSON.parse(body.text);
        } catch (error) {
          return errorAnswer(apiError('bad-input', `${operation}: the request body is not valid JSON`, (error as Error).message));
        }
      }
      const result = await invoke(operation, input);
      if (!result.ok) return errorAnswer(result.error);
      return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: toWireJsonNode(result.value) };
    },
  };
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
