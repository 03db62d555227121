/**
 * Minimal deterministic CBOR encoder (RFC 8949), just enough for COSE_Sign1.
 *
 * Supported: unsigned/negative integers (safe range), byte strings, text
 * strings, arrays, maps (ordered as given), null, booleans and tags.
 * Every length uses the shortest form, as COSE requires.
 */

export type CborValue =
  | number
  | string
  | boolean
  | null
  | Uint8Array
  | CborValue[]
  | CborMap
  | CborTag;

/** A CBOR map whose entries keep the order they were given in. */
export class CborMap {
  constructor(readonly entries: ReadonlyArray<readonly [CborValue, CborValue]>) {}
}

/** A tagged CBOR item (major type 6). */
export class CborTag {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

class ByteSink {
  private chunks: Uint8Array[] = [];
  private size = 0;

  push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  toBytes(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }
}

/** The head of a CBOR item: major type plus argument, shortest form. */
export function cborHead(major: number, arg: number): Uint8Array {
  if (!Number.isSafeInteger(arg) || arg < 0) {
    throw new RangeError(`CBOR argument out of range: ${arg}`);
  }
  const m = major << 5;
  if (arg < 24) return Uint8Array.of(m | arg);
  if (arg < 0x100) return Uint8Array.of(m | 24, arg);
  if (arg < 0x10000) return Uint8Array.of(m | 25, arg >> 8, arg & 0xff);
  if (arg < 0x100000000) {
    return Uint8Array.of(m | 26, (arg >>> 24) & 0xff, (arg >>> 16) & 0xff, (arg >>> 8) & 0xff, arg & 0xff);
  }
  const out = new Uint8Array(9);
  out[0] = m | 27;
  const hi = Math.floor(arg / 0x100000000);
  const lo = arg >>> 0;
  new DataView(out.buffer).setUint32(1, hi);
  new DataView(out.buffer).setUint32(5, lo);
  return out;
}

/** Number of bytes the head takes for a given argument. */
export function cborHeadLength(arg: number): number {
  if (arg < 24) return 1;
  if (arg < 0x100) return 2;
  if (arg < 0x10000) return 3;
  if (arg < 0x100000000) return 5;
  return 9;
}

const textEncoder = new TextEncoder();

function encodeInto(sink: ByteSink, value: CborValue): void {
  if (value === null) {
    sink.push(Uint8Array.of(0xf6));
  } else if (value === true) {
    sink.push(Uint8Array.of(0xf5));
  } else if (value === false) {
    sink.push(Uint8Array.of(0xf4));
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`Only safe integers can be CBOR-encoded here, got ${value}`);
    }
    if (value >= 0) sink.push(cborHead(0, value));
    else sink.push(cborHead(1, -1 - value));
  } else if (typeof value === 'string') {
    const bytes = textEncoder.encode(value);
    sink.push(cborHead(3, bytes.length));
    sink.push(bytes);
  } else if (value instanceof Uint8Array) {
    sink.push(cborHead(2, value.length));
    sink.push(value);
  } else if (Array.isArray(value)) {
    sink.push(cborHead(4, value.length));
    for (const item of value) encodeInto(sink, item);
  } else if (value instanceof CborMap) {
    sink.push(cborHead(5, value.entries.length));
    for (const [k, v] of value.entries) {
      encodeInto(sink, k);
      encodeInto(sink, v);
    }
  } else if (value instanceof CborTag) {
    sink.push(cborHead(6, value.tag));
    encodeInto(sink, value.value);
  } else {
    throw new TypeError('Unsupported value for CBOR encoding');
  }
}

/** Encode a value as CBOR bytes. */
export function encodeCbor(value: CborValue): Uint8Array<ArrayBuffer> {
  const sink = new ByteSink();
  encodeInto(sink, value);
  return sink.toBytes();
}
