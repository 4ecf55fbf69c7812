// Server-sent events at GET /t/<token>/events: every ApiEvent as
// `event: <name>` + `data: <json>`. EventSource reconnects by itself; a
// comment line every few seconds keeps proxies and idle timers from closing it.

import type { ServerResponse } from 'node:http';
import type { EventBus } from '../api/event-bus.ts';
import { toWireJsonNode } from './wire-node.ts';
import { errorReply } from './router.ts';
import type { Mount } from './router.ts';

export const SSE_HEARTBEAT_MS = 20_000;
/** More than any number of tabs one person opens; bounds what a runaway page can hold open. */
export const SSE_MAX_CLIENTS = 32;

export function eventsMount(bus: EventBus): Mount {
  let clients = 0;
  return {
    prefix: 'events',
    methods: ['GET'],
    async handle({ segments }) {
      if (segments.length !== 1) return null;
      if (clients >= SSE_MAX_CLIENTS) return errorReply(503, 'busy', `Too many event streams open (${SSE_MAX_CLIENTS})`);
      return {
        status: 200,
        headers: { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' },
        stream(response: ServerResponse) {
          clients++;
          response.write('retry: 2000\n: connected\n\n');
          const unsubscribe = bus.subscribe((event, payload) => {
            response.write(`event: ${event}\ndata: ${toWireJsonNode(payload)}\n\n`);
          });
          const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), SSE_HEARTBEAT_MS);
          heartbeat.unref();
          response.once('close', () => {
            clients--;
            clearInterval(heartbeat);
            unsubscribe();
          });
        },
      };
    },
  };
}
