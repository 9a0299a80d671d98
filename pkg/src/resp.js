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

/** Decode bytes [a, b) of u8 as UTF-8, with an ASCII fast path for short strings. */
export function utf8(u8, a, b) {
  const n = b - a;
  if (n <= 32) {
    let s = '';
    for (let i = a; i < b; i++) {
      const c = u8[i];
      if (c >= 0x80) return td.decode(u8.subarray(a, b));
      s += String.fromCharCode(c);
    }
    return s;
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
