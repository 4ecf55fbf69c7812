// Width and height of a PNG from its IHDR chunk (the first 24 bytes), so an
// import can size thousands of cell images without decoding any of them.

import { open } from 'node:fs/promises';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export async function readPngSize(path: string): Promise<{ width: number; height: number }> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(24);
    const { bytesRead } = await handle.read(head, 0, 24, 0);
    return pngSizeFromHeader(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

export function pngSizeFromHeader(head: Buffer): { width: number; height: number } {
  if (head.length < 24 || !head.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file (bad signature)');
  if (head.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG file (no IHDR chunk first)');
  const width = head.readUInt32BE(16);
  const height = head.readUInt32BE(20);
  if (width === 0 || height === 0) throw new Error(`PNG has a zero size (${width} x ${height})`);
  return { width, height };
}
