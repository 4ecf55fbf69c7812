// The renderer's files at /t/<token>/app/ under the strict CSP, and the bare
// /t/<token>/ redirecting there (the URL `smearlab serve` prints works either
// way). The page finds the API from its own location (api/http-client.ts).

import type { HttpReply, Mount } from './router.ts';
import { readRendererFile, rendererCsp } from '../runtime/renderer-files.ts';

export const APP_PREFIX = 'app';

export function appMounts(rendererDir: string): Mount[] {
  const csp = rendererCsp();
  return [
    {
      prefix: APP_PREFIX,
      methods: ['GET', 'HEAD'],
      async handle({ segments }): Promise<HttpReply> {
        // /t/<token>/app without the slash would resolve the page's relative URLs one level up.
        if (segments.length === 1) return { status: 308, headers: { Location: `${APP_PREFIX}/` } };
        const file = await readRendererFile(rendererDir, segments.slice(1));
        return {
          status: file.status,
          headers: { 'Content-Type': file.contentType, 'Content-Security-Policy': csp, 'Cache-Control': 'no-cache' },
          body: file.body,
        };
      },
    },
    {
      prefix: null,
      methods: ['GET', 'HEAD'],
      async handle({ segments }) {
        return segments.length === 1 && segments[0] === '' ? { status: 302, headers: { Location: `${APP_PREFIX}/` } } : null;
      },
    },
  ];
}
