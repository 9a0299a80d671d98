// A hook's return value → the engine's reply, encoded for src/wasm/hooks.rs
// (decode_value). The conversion follows Redis's Lua → RESP rules where JS has the same
// kind of value, and is documented in README.md ("Hooks"):
//
//   string, Uint8Array (any ArrayBufferView, ArrayBuffer) → bulk string
//   integer number (within ±2^63), bigint (within i64)    → integer
//   other number (1.5, NaN, Infinity), { double: x }      → double (RESP2: bulk string)
//   true → integer 1;  false, null, undefined             → nil
//   Array → array (null/undefined elements stay nil elements: no Lua-style truncation)
//   { ok: "text" } → status reply; { err: "CODE text" } → error reply, verbatim
//   Error (a CinnabarError keeps its text; others get "ERR ")      → error reply
//   Map, other plain objects → map (RESP2: flat array); Set → set (RESP2: array)
//   functions, symbols, out-of-range bigints, cycles → an error reply saying so

import { CinnabarError } from './resp.js';

const te = new TextEncoder();
const MAX_DEPTH = 128;
const TWO63 = 2 ** 63;

const T_BULK = 1;
const T_INT = 2;
const T_DOUBLE = 3;
const T_NIL = 4;
const T_ARRAY = 5;
const T_STATUS = 6;
const T_ERROR = 7;
const T_MAP = 8;
const T_SET = 9;

/** A growable little-endian byte writer for hook return values. */
export class ValueWriter {
  constructor() {
    this.buf = new Uint8Array(1024);
    this.dv = new DataView(this.buf.buffer);
    this.n = 0;
  }

  reset() {
    this.n = 0;
  }

  room(k) {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.buf.subarray(0, this.n));
    this.buf = nb;
    this.dv = new DataView(nb.buffer);
  }

  tag(t) {
    this.room(1);
    this.buf[this.n++] = t;
  }

  u32(v) {
    this.room(4);
    this.dv.setUint32(this.n, v, true);
    this.n += 4;
  }

  bytes(t, b) {
    this.tag(t);
    this.u32(b.length);
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  text(t, s) {
    this.tag(t);
    const at = this.n;
    this.u32(0);
    this.room(s.length * 3);
    const { written } = te.encodeInto(s, this.buf.subarray(this.n));
    this.dv.setUint32(at, written, true);
    this.n += written;
  }

  int(v) {
    this.tag(T_INT);
    this.room(8);
    this.dv.setBigInt64(this.n, BigInt(v), true);
    this.n += 8;
  }

  double(v) {
    this.tag(T_DOUBLE);
    this.room(8);
    this.dv.setFloat64(this.n, v, true);
    this.n += 8;
  }

  error(e) {
    this.text(T_ERROR, e instanceof CinnabarError ? e.message : `ERR ${e.message}`);
  }

  list(t, items, depth) {
    this.tag(t);
    this.u32(items.length);
    for (const v of items) this.value(v, depth + 1);
  }

  /** Encode `v`; throws a CinnabarError for what has no reply form. */
  value(v, depth) {
    if (depth > MAX_DEPTH) throw new CinnabarError('ERR hook return value is nested too deeply (a cycle?)');
    switch (typeof v) {
      case 'string':
        return this.text(T_BULK, v);
      case 'number':
        if (Number.isInteger(v) && v >= -TWO63 && v < TWO63) return this.int(v);
        return this.double(v);
      case 'bigint':
        if (v >= -(2n ** 63n) && v < 2n ** 63n) return this.int(v);
        throw new CinnabarError('ERR hook returned a bigint outside the 64-bit integer range');
      case 'boolean':
        return v ? this.int(1) : this.tag(T_NIL);
      case 'undefined':
        return this.tag(T_NIL);
      case 'object':
        break;
      default:
        throw new CinnabarError(`ERR hook returned a ${typeof v}, which has no reply form`);
    }
    if (v === null) return this.tag(T_NIL);
    if (v instanceof Uint8Array) return this.bytes(T_BULK, v);
    if (ArrayBuffer.isView(v)) return this.bytes(T_BULK, new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    if (v instanceof ArrayBuffer) return this.bytes(T_BULK, new Uint8Array(v));
    if (Array.isArray(v)) return this.list(T_ARRAY, v, depth);
    if (v instanceof Error) return this.error(v);
    if (v instanceof Set) return this.list(T_SET, [...v], depth);
    if (v instanceof Map) {
      this.tag(T_MAP);
      this.u32(v.size);
      for (const [k, x] of v) {
        this.value(k, depth + 1);
        this.value(x, depth + 1);
      }
      return;
    }
    // Lua's table forms: err first, then ok (as Redis checks them).
    if (typeof v.err === 'string') return this.text(T_ERROR, v.err);
    if (typeof v.ok === 'string') return this.text(T_STATUS, v.ok);
    if (typeof v.double === 'number' && Object.keys(v).length === 1) return this.double(v.double);
    const entries = Object.entries(v);
    this.tag(T_MAP);
    this.u32(entries.length);
    for (const [k, x] of entries) {
      this.text(T_BULK, k);
      this.value(x, depth + 1);
    }
  }
}
