// The server's side of api/wire.ts: typed arrays encoded with Node's native
// base64 instead of the portable one.

import { toWireJson } from '../api/wire.ts';

export function nodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function toWireJsonNode(value: unknown): string {
  return toWireJson(value, nodeBase64);
}
