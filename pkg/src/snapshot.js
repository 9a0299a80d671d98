// Snapshots: the whole keyspace as bytes, read and rebuilt through ordinary commands.
//
// Format "CNBRSNAP" version 1 (little-endian; pinned in docs/ when RDB lands, which will
// replace it as the default):
//
//   magic "CNBRSNAP" (8) | u32 version = 1 | f64 created-at (Unix ms)
//   records, each: u8 tag
//     0xFE select:  u32 db
//     1..5 a key:   f64 expire-at (Unix ms, -1 = none) | bytes key | payload
//        1 string:  bytes value
//        2 list:    u32 n | n x bytes
//        3 hash:    u32 n | n x (bytes field, bytes value)
//        4 set:     u32 n | n x bytes
//        5 zset:    u32 n | n x (bytes member, f64 score)
//     0xFF end
//   u32 CRC-32 (IEEE) of everything before it
//   where bytes = u32 length | data.
//
// TTLs are absolute deadlines, so a restored key expires when the original would have.

import { SnapshotError } from './resp.js';

const MAGIC = [0x43, 0x4e, 0x42, 0x52, 0x53, 0x4e, 0x41, 0x50]; // CNBRSNAP
export const SNAPSHOT_VERSION = 1;
const TYPES = { string: 1, list: 2, hash: 3, set: 4, zset: 5 };
const CHUNK = 512; // elements per rebuilding command

let crcTable = null;
/** CRC-32 (IEEE 802.3) of u8[0..n). */
export function crc32(u8, n = u8.length) {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < n; i++) c = crcTable[(c ^ u8[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

class Writer {
  constructor() {
    this.buf = new Uint8Array(1 << 16);
    this.dv = new DataView(this.buf.buffer);
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
  u8(v) {
    this.room(1);
    this.buf[this.n++] = v;
  }
  u32(v) {
    this.room(4);
    this.dv.setUint32(this.n, v, true);
    this.n += 4;
  }
  f64(v) {
    this.room(8);
    this.dv.setFloat64(this.n, v, true);
    this.n += 8;
  }
  bytes(b) {
    this.u32(b.length);
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }
  finish() {
    this.u32(crc32(this.buf, this.n));
    return this.buf.slice(0, this.n);
  }
}

class ReaderB {
  constructor(u8) {
    this.u8 = u8;
    this.dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
    this.p = 0;
  }
  need(k) {
    if (this.p + k > this.u8.length) throw new SnapshotError('snapshot is truncated');
  }
  u8v() {
    this.need(1);
    return this.u8[this.p++];
  }
  u32() {
    this.need(4);
    const v = this.dv.getUint32(this.p, true);
    this.p += 4;
    return v;
  }
  f64() {
    this.need(8);
    const v = this.dv.getFloat64(this.p, true);
    this.p += 8;
    return v;
  }
  bytes() {
    const n = this.u32();
    this.need(n);
    const b = this.u8.subarray(this.p, this.p + n);
    this.p += n;
    return b;
  }
}

/** Check magic, version and checksum; throws SnapshotError with a clear reason. */
export function validateSnapshot(bytes) {
  if (!(bytes instanceof Uint8Array)) throw new SnapshotError('snapshot must be a Uint8Array');
  if (bytes.length < 8 + 4 + 8 + 1 + 4 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new SnapshotError('not a Cinnabar snapshot (bad magic)');
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(8, true);
  if (version !== SNAPSHOT_VERSION) {
    throw new SnapshotError(`incompatible snapshot version ${version} (this build reads version ${SNAPSHOT_VERSION})`);
  }
  const body = bytes.length - 4;
  const stored = dv.getUint32(body, true);
  const actual = crc32(bytes, body);
  if (stored !== actual) {
    throw new SnapshotError(`snapshot is corrupt (checksum mismatch: stored ${stored.toString(16)}, computed ${actual.toString(16)})`);
  }
  return { version, createdAt: dv.getFloat64(12, true) };
}

/**
 * Serialise every database. `run(args)` runs a command on a private session that
 * returns buffers; `databases` is the number of databases.
 */
export function writeSnapshot(run, databases, now) {
  const w = new Writer();
  for (const m of MAGIC) w.u8(m);
  w.u32(SNAPSHOT_VERSION);
  w.f64(now);
  for (let db = 0; db < databases; db++) {
    run(['SELECT', db]);
    if (run(['DBSIZE']) === 0) continue;
    w.u8(0xfe);
    w.u32(db);
    let cursor = '0';
    do {
      const [next, keys] = run(['SCAN', cursor, 'COUNT', 1000]);
      cursor = typeof next === 'string' ? next : new TextDecoder().decode(next);
      for (const key of keys) writeKey(w, run, key);
    } while (cursor !== '0');
  }
  w.u8(0xff);
  return w.finish();
}

function typeName(t) {
  return typeof t === 'string' ? t : new TextDecoder().decode(t);
}

function writeKey(w, run, key) {
  const t = TYPES[typeName(run(['TYPE', key]))];
  if (!t) return; // gone (expired meanwhile) or a type snapshots don't carry yet
  const exp = run(['PEXPIRETIME', key]);
  if (exp === -2) return;
  let payload;
  switch (t) {
    case 1:
      payload = run(['GET', key]);
      break;
    case 2:
      payload = run(['LRANGE', key, 0, -1]);
      break;
    case 3:
      payload = run(['HGETALL', key]);
      break;
    case 4:
      payload = run(['SMEMBERS', key]);
      break;
    case 5:
      payload = run(['ZRANGE', key, 0, -1, 'WITHSCORES']);
      break;
  }
  if (payload === null) return;
  w.u8(t);
  w.f64(exp);
  w.bytes(key);
  if (t === 1) {
    w.bytes(payload);
  } else if (t === 2 || t === 4) {
    w.u32(payload.length);
    for (const e of payload) w.bytes(e);
  } else if (t === 3) {
    const entries = payload instanceof Map ? [...payload] : pairs(payload);
    w.u32(entries.length);
    for (const [f, v] of entries) {
      w.bytes(f);
      w.bytes(v);
    }
  } else {
    const entries = Array.isArray(payload[0]) ? payload : pairs(payload);
    w.u32(entries.length);
    for (const [m, s] of entries) {
      w.bytes(m);
      w.f64(typeof s === 'number' ? s : Number(new TextDecoder().decode(s)));
    }
  }
}

function pairs(flat) {
  const out = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

/** Rebuild the keyspace from `bytes` (validated first) through `run`. */
export function readSnapshot(run, databases, bytes) {
  validateSnapshot(bytes);
  const r = new ReaderB(bytes.subarray(0, bytes.length - 4));
  r.p = 20;
  let db = 0;
  run(['SELECT', 0]);
  for (;;) {
    const tag = r.u8v();
    if (tag === 0xff) break;
    if (tag === 0xfe) {
      db = r.u32();
      if (db >= databases) {
        throw new SnapshotError(`snapshot has database ${db}, but only ${databases} are configured (open with a larger 'databases')`);
      }
      run(['SELECT', db]);
      continue;
    }
    const exp = r.f64();
    const key = r.bytes();
    run(['DEL', key]);
    switch (tag) {
      case 1:
        run(['SET', key, r.bytes()]);
        break;
      case 2:
      case 4: {
        const n = r.u32();
        const cmd = tag === 2 ? 'RPUSH' : 'SADD';
        for (let i = 0; i < n; i += CHUNK) {
          const args = [cmd, key];
          for (let j = i; j < Math.min(n, i + CHUNK); j++) args.push(r.bytes());
          run(args);
        }
        break;
      }
      case 3:
      case 5: {
        const n = r.u32();
        for (let i = 0; i < n; i += CHUNK) {
          const args = [tag === 3 ? 'HSET' : 'ZADD', key];
          for (let j = i; j < Math.min(n, i + CHUNK); j++) {
            if (tag === 3) {
              args.push(r.bytes(), r.bytes());
            } else {
              const m = r.bytes();
              args.push(r.f64(), m);
            }
          }
          run(args);
        }
        break;
      }
      default:
        throw new SnapshotError(`snapshot is corrupt (unknown record type ${tag})`);
    }
    if (exp >= 0) run(['PEXPIREAT', key, exp]);
  }
  if (r.p !== r.u8.length) throw new SnapshotError('snapshot is corrupt (trailing bytes)');
  run(['SELECT', 0]);
}
