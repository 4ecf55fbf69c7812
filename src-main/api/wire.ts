// JSON for the HTTP adapter and the server-sent events: typed arrays (the
// overlay's columnar markers) travel as base64 of their bytes instead of
// number lists, a third of the size, and come back as the same typed array.
// IPC needs none of this: Electron's structured clone keeps typed arrays.
// Byte order is the machine's; every platform Smearlab ships on is little-endian.

const TYPED_ARRAYS = {
  Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array,
} as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;
type AnyTypedArray = InstanceType<(typeof TYPED_ARRAYS)[TypedArrayName]>;

const TAG = '$typedArray';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Uint8Array(128);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  const chunk: string[] = [];
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    chunk.push(ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!);
    if (chunk.length === 4096) { out += chunk.join(''); chunk.length = 0; }
  }
  out += chunk.join('');
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += `${ALPHABET[(n >> 18) & 63]}${ALPHABET[(n >> 12) & 63]}==`;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += `${ALPHABET[(n >> 18) & 63]}${ALPHABET[(n >> 12) & 63]}${ALPHABET[(n >> 6) & 63]}=`;
  }
  return out;
}

export function base64ToBytes(text: string): Uint8Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new RangeError('not base64');
  // The platform's decoder where there is one (browsers, Node): native, then one tight copy.
  const atob = (globalThis as { atob?: (data: string) => string }).atob;
  if (atob) {
    const binary = atob(text);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  }
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n = (LOOKUP[text.charCodeAt(i)]! << 18) | (LOOKUP[text.charCodeAt(i + 1)]! << 12)
      | (LOOKUP[text.charCodeAt(i + 2)]! << 6) | LOOKUP[text.charCodeAt(i + 3)]!;
    if (o < bytes.length) bytes[o++] = (n >> 16) & 255;
    if (o < bytes.length) bytes[o++] = (n >> 8) & 255;
    if (o < bytes.length) bytes[o++] = n & 255;
  }
  return bytes;
}

function typedArrayName(value: unknown): TypedArrayName | null {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return null;
  const name = value.constructor.name;
  return name in TYPED_ARRAYS ? (name as TypedArrayName) : null;
}

/**
 * JSON.stringify that keeps typed arrays (as tagged base64). The server
 * passes a native encoder (Buffer's is ~50x faster than bytesToBase64 on the
 * 2 MB of a 100,000-cell slide's markers).
 */
export function toWireJson(value: unknown, encode: (bytes: Uint8Array) => string = bytesToBase64): string {
  return JSON.stringify(value, (_key: string, item: unknown) => {
    const name = typedArrayName(item);
    if (!name) return item;
    const view = item as AnyTypedArray;
    return { [TAG]: name, base64: encode(new Uint8Array(view.buffer, view.byteOffset, view.byteLength)) };
  });
}

/** JSON.parse that restores what toWireJson tagged. */
export function fromWireJson(text: string): unknown {
  return JSON.parse(text, (_key, item: unknown) => {
    if (typeof item !== 'object' || item === null || !(TAG in item)) return item;
    const { [TAG]: name, base64 } = item as Record<string, unknown>;
    if (typeof name !== 'string' || !(name in TYPED_ARRAYS) || typeof base64 !== 'string') return item;
    const bytes = base64ToBytes(base64);
    const Ctor = TYPED_ARRAYS[name as TypedArrayName];
    if (bytes.length % Ctor.BYTES_PER_ELEMENT !== 0) throw new RangeError(`${name} of ${bytes.length} bytes`);
    // A fresh, aligned buffer: a view at an odd offset would throw.
    return new Ctor(bytes.buffer as ArrayBuffer, 0, bytes.length / Ctor.BYTES_PER_ELEMENT);
  });
}
