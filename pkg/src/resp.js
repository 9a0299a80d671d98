// RESP3 decoding straight out of wasm linear memory, and argument encoding into it.
// See src/wasm/mod.rs for the calling convention.

const td = new TextDecoder('utf-8');
const te = new TextEncoder();

/** An error reply from the engine. `message` is Redis's text, `code` its first word. */
export class CinnabarError extends Error {
  constructor(message, code) {
    super(message);
    this.name = 'CinnabarError';
    const sp = message.indexOf(' ');
    this.code = code ?? (sp > 0 ? message.slice(0, sp) : message);
  }
}

/** A snapshot that cannot be read: corrupt, truncated, or from an unknown version. */
export class SnapshotError extends CinnabarError {
  constructor(message) {
    super(message, 'SNAPSHOT');
    this.name = 'SnapshotError';
  }
}

const fcc = String.fromCharCode;

/**
 * u8[p, p + n) as a string when it is ASCII and n <= 16, else null. One
 * String.fromCharCode call with the bytes as arguments makes a flat string and is about
 * twice as fast as any decoder call for the short values of a cache (see pkg/README.md).
 */
export function asciiShort(u8, p, n) {
  let or = 0;
  const e = p + n;
  for (let i = p; i < e; i++) or |= u8[i];
  if (or & 0x80) return null;
  return ascii16(u8, p, n);
}

/**
 * u8[p, p + n) as a string, for bytes known to be ASCII (the engine says so for the
 * values it returns: R_ASCII in core.js) and n <= 16; null when n > 16.
 */
export function ascii16(u8, p, n) {
  switch (n) {
    case 0:
      return '';
    case 1:
      return fcc(u8[p]);
    case 2:
      return fcc(u8[p], u8[p + 1]);
    case 3:
      return fcc(u8[p], u8[p + 1], u8[p + 2]);
    case 4:
      return fcc(u8[p], u8[p + 1], u8[p + 2], u8[p + 3]);
    case 5:
      return fcc(u8[p], u8[p + 1], u8[p + 2], u8[p + 3], u8[p + 4]);
    case 6:
      return fcc(u8[p], u8[p + 1], u8[p + 2], u8[p + 3], u8[p + 4], u8[p + 5]);
    case 7:
      return fcc(u8[p], u8[p + 1], u8[p + 2], u8[p + 3], u8[p + 4], u8[p + 5], u8[p + 6]);
    case 8:
      return fcc(u8[p], u8[p + 1], u8[p + 2], u8[p + 3], u8[p + 4], u8[p + 5], u8[p + 6], u8[p + 7]);
    case 9:
      return fcc(u8[p], u8[p + 1], u8[p + 2], u8[p + 3], u8[p + 4], u8[p + 5], u8[p + 6], u8[p + 7], u8[p + 8]);
    case 10:
      return fcc(u8[p], u8[p + 1], u8[p + 2], u8[p + 3], u8[p + 4], u8[p + 5], u8[p + 6], u8[p + 7], u8[p + 8], u8[p + 9]);
    case 11:
      return fcc(u8[p], u8[p + 1], u8[p + 2], u8[p + 3], u8[p + 4], u8[p + 5], u8[p + 6], u8[p + 7], u8[p + 8], u8[p + 9], u8[p + 10]);
    case 12:
      return fcc(u8[p], u8[p + 1], u8[p + 2], u8[p + 3], u8[p + 4], u8[p + 5], u8[p + 6], u8[p + 7], u8[p + 8], u8[p + 9], u8[p + 10], u8[p + 11]);
    case 13:
      return fcc(u8[p], u8[p + 1], u8[p + 2], u8[p + 3], u8[p + 4], u8[p + 5], u8[p + 6], u8[p + 7], u8[p + 8], u8[p + 9], u8[p + 10], u8[p + 11], u8[p + 12]);
    case 14:
      return fcc(u8[p], u8[p + 1], u8[p + 2], u8[p + 3], u8[p + 4], u8[p + 5], u8[p + 6], u8[p + 7], u8[p + 8], u8[p + 9], u8[p + 10], u8[p + 11], u8[p + 12], u8[p + 13]);
    case 15:
      return fcc(u8[p], u8[p + 1], u8[p + 2], u8[p + 3], u8[p + 4], u8[p + 5], u8[p + 6], u8[p + 7], u8[p + 8], u8[p + 9], u8[p + 10], u8[p + 11], u8[p + 12], u8[p + 13], u8[p + 14]);
    case 16:
      return fcc(u8[p], u8[p + 1], u8[p + 2], u8[p + 3], u8[p + 4], u8[p + 5], u8[p + 6], u8[p + 7], u8[p + 8], u8[p + 9], u8[p + 10], u8[p + 11], u8[p + 12], u8[p + 13], u8[p + 14], u8[p + 15]);
    default:
      return null;
  }
}

/** Decode bytes [a, b) of u8 as UTF-8, with an ASCII fast path for short strings. */
export function utf8(u8, a, b) {
  if (b - a <= 16) {
    const s = asciiShort(u8, a, b - a);
    if (s !== null) return s;
  }
  return td.decode(u8.subarray(a, b));
}

/**
 * A RESP3 reader over a Uint8Array. `bufs` makes bulk strings Uint8Array copies and maps
 * JS `Map`s; otherwise bulk strings are strings and maps plain objects.
 */
export class Reader {
  constructor() {
    this.u8 = null;
    this.nb = null; // a Node Buffer over the same memory: its utf8Slice is the fastest decoder
    this.p = 0;
    this.end = 0;
    this.bufs = false;
  }

  /** Decode u8[a, b) as UTF-8. */
  str(a, b) {
    if (b - a <= 16) {
      const s = asciiShort(this.u8, a, b - a);
      if (s !== null) return s;
    }
    return this.nb !== null ? this.nb.utf8Slice(a, b) : td.decode(this.u8.subarray(a, b));
  }

  reset(u8, p, end, bufs) {
    this.u8 = u8;
    this.p = p;
    this.end = end;
    this.bufs = bufs;
  }

  // Reads an integer terminated by CRLF starting at this.p.
  int() {
    const u8 = this.u8;
    let p = this.p;
    let neg = false;
    if (u8[p] === 45) {
      neg = true;
      p++;
    }
    let v = 0;
    let c;
    while ((c = u8[p]) !== 13) {
      v = v * 10 + (c - 48);
      p++;
    }
    this.p = p + 2;
    return neg ? -v : v;
  }

  line() {
    const u8 = this.u8;
    const a = this.p;
    let p = a;
    while (u8[p] !== 13) p++;
    this.p = p + 2;
    return this.str(a, p);
  }

  bulkBody(len) {
    const a = this.p;
    const b = a + len;
    this.p = b + 2;
    return this.bufs ? this.u8.slice(a, b) : this.str(a, b);
  }

  value() {
    const u8 = this.u8;
    const t = u8[this.p++];
    switch (t) {
      case 36: {
        // $ bulk
        const len = this.int();
        return len < 0 ? null : this.bulkBody(len);
      }
      case 58: // : integer
        return this.intValue();
      case 43: // + simple
        return this.line();
      case 45: // - error
        return new CinnabarError(this.line());
      case 42: // * array
      case 126: // ~ set
      case 62: {
        // > push
        const n = this.int();
        if (n < 0) return null;
        const arr = new Array(n);
        for (let i = 0; i < n; i++) arr[i] = this.value();
        return arr;
      }
      case 37: {
        // % map
        const n = this.int();
        if (this.bufs) {
          const m = new Map();
          for (let i = 0; i < n; i++) {
            const k = this.value();
            m.set(k, this.value());
          }
          return m;
        }
        const o = {};
        for (let i = 0; i < n; i++) {
          const k = this.value();
          o[k] = this.value();
        }
        return o;
      }
      case 95: // _ null
        this.p += 2;
        return null;
      case 44: {
        // , double
        const s = this.line();
        if (s === 'inf') return Infinity;
        if (s === '-inf') return -Infinity;
        if (s === 'nan') return NaN;
        return Number(s);
      }
      case 35: {
        // # boolean
        const v = u8[this.p] === 116;
        this.p += 3;
        return v;
      }
      case 61: {
        // = verbatim: "txt:" prefix
        const len = this.int();
        const a = this.p + 4;
        const b = this.p + len;
        this.p = b + 2;
        return this.bufs ? u8.slice(a, b) : this.str(a, b);
      }
      case 33: {
        // ! blob error
        const len = this.int();
        const a = this.p;
        this.p = a + len + 2;
        return new CinnabarError(this.str(a, a + len));
      }
      case 40: // ( big number
        return BigInt(this.line());
      case 124: {
        // | attribute: skip it, return the value that follows
        const n = this.int();
        for (let i = 0; i < 2 * n; i++) this.value();
        return this.value();
      }
      default:
        throw new CinnabarError(`ERR protocol: unexpected reply type byte ${t}`);
    }
  }

  intValue() {
    const save = this.p;
    const u8 = this.u8;
    let p = this.p;
    let digits = 0;
    while (u8[p] !== 13) {
      p++;
      digits++;
    }
    if (digits < 16) return this.int();
    // Beyond 2^53: parse exactly, then return a number (precision as JS allows).
    this.p = save;
    return Number(this.line());
  }
}

/** Upper bound of the bytes `arg` takes once encoded. */
export function argSize(a) {
  if (typeof a === 'string') return a.length * 3;
  if (a instanceof Uint8Array) return a.length;
  if (ArrayBuffer.isView(a) || a instanceof ArrayBuffer) return a.byteLength;
  return 32 + (typeof a === 'bigint' ? a.toString().length : 0);
}

/** A number/bigint/boolean argument as Redis text. */
export function numArg(a) {
  if (typeof a === 'number') {
    if (Number.isInteger(a)) return Number.isSafeInteger(a) ? String(a) : BigInt(a).toString();
    if (a === Infinity) return '+inf';
    if (a === -Infinity) return '-inf';
    return String(a);
  }
  if (typeof a === 'bigint') return a.toString();
  if (typeof a === 'boolean') return a ? '1' : '0';
  if (ArrayBuffer.isView(a)) return null;
  if (a instanceof ArrayBuffer) return null;
  throw new TypeError(`cinnabar: unsupported argument type ${a === null ? 'null' : typeof a}`);
}

/** Write string `s` as UTF-8 at u8[pos..end); returns the new position. */
export function writeStr(u8, pos, end, s) {
  const L = s.length;
  if (L > 64) return pos + te.encodeInto(s, u8.subarray(pos, end)).written;
  let j = 0;
  for (; j < L; j++) {
    const c = s.charCodeAt(j);
    if (c >= 0x80) break;
    u8[pos++] = c;
  }
  if (j < L) {
    const r = te.encodeInto(j === 0 ? s : s.slice(j), u8.subarray(pos, end));
    pos += r.written;
  }
  return pos;
}

export { te, td };
