// The built renderer (dist/renderer/, from src-renderer/build.mjs) as
// files: safe path resolution, content types and the page's CSP. Shared by
// the HTTP app mount and the Electron app protocol, so both serve the same
// files under the same policy.

import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { RENDERER_DIR } from '../files/app-layout.ts';
import type { ServiceResponse } from '../slide/tile-service.ts';

export const DEFAULT_RENDERER_DIR = RENDERER_DIR;

/**
 * The page may load code, styles, images and data only from where it came
 * from (plus images it made itself); nothing inline runs, nothing remote loads,
 * it cannot be framed, and forms and <base> go nowhere.
 */
export function rendererCsp(extraSources: readonly string[] = []): string {
  const extra = extraSources.length > 0 ? ` ${extraSources.join(' ')}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${extra}`,
    `connect-src 'self'${extra}`,
    "font-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

function notFound(message: string): ServiceResponse {
  return { status: 404, contentType: 'text/plain; charset=utf-8', body: Buffer.from(message), immutable: false };
}

/**
 * The file for raw (percent-encoded) path segments below the renderer folder.
 * Empty path -> index.html; a path without extension -> index.html (client-side
 * routes). Dot segments, encoded slashes, NUL and hidden files match nothing.
 */
export async function readRendererFile(root: string, segments: readonly string[]): Promise<ServiceResponse> {
  const parts: string[] = [];
  for (const [i, raw] of segments.entries()) {
    if (raw === '' && i === segments.length - 1) break;
    let part: string;
    try {
      part = decodeURIComponent(raw);
    } catch {
      return notFound('Not found');
    }
    if (part === '' || part.startsWith('.') || /[/\\\0]/.test(part)) return notFound('Not found');
    parts.push(part);
  }
  const base = resolve(root);
  const wanted = parts.length === 0 || extname(parts[parts.length - 1]!) === '' ? 'index.html' : join(...parts);
  const path = resolve(base, wanted);
  if (!path.startsWith(base + sep)) return notFound('Not found');
  const type = CONTENT_TYPES[extname(path).toLowerCase()];
  if (!type) return notFound('Not found');
  try {
    if (!(await stat(path)).isFile()) return notFound('Not found');
    return { status: 200, contentType: type, body: await readFile(path), immutable: false };
  } catch {
    if (wanted === 'index.html') {
      return notFound(`The renderer is not built (no ${path}): run \`npm run build:renderer\` or \`npm run dev\``);
    }
    return notFound('Not found');
  }
}
