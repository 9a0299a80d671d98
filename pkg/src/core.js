// The Cinnabar JS API over the wasm engine. Platform entry points (node.js, browser.js,
// workerd.js) only differ in how they load the .wasm; everything else is here.

import { WasmEngine, lastPanic, snapshotInfo, __panicForTest, hook_io_meta, hook_io_reserve, hook_call } from '../dist/cinnabar.js';
import { CinnabarError, SnapshotError, Reader, argSize, numArg, writeStr, utf8, ascii16, te } from './resp.js';
import { ValueWriter } from './hooks.js';
import { idbLoad, idbSave, idbDelete } from './idb.js';

export { CinnabarError, SnapshotError, idbDelete };

/**
 * Check that `bytes` are a restorable snapshot (an RDB file: magic, version, CRC64);
 * returns `{ version, createdAt }` (RDB version, Unix ms from its `ctime` field, 0 if
 * absent) or throws a SnapshotError saying what is wrong.
 */
export function validateSnapshot(bytes) {
  if (!(bytes instanceof Uint8Array)) throw new SnapshotError('snapshot must be a Uint8Array');
  ensureWasmSync();
  let info;
  try {
    info = snapshotInfo(bytes);
  } catch (err) {
    throw new SnapshotError(err.message ?? String(err));
  }
  return { version: info[0], createdAt: info[1] };
}

let wasmExports = null;
let wasmLoader = null;
let wasmLoading = null;

/** Called by the platform entry with a function that instantiates the wasm module. */
export function setWasmLoader(loader) {
  wasmLoader = loader;
}

async function ensureWasm() {
  if (wasmExports) return;
  if (!wasmLoading) wasmLoading = Promise.resolve(wasmLoader()).then((w) => (wasmExports = w));
  await wasmLoading;
}

function ensureWasmSync() {
  if (wasmExports) return;
  const w = wasmLoader();
  if (w && typeof w.then === 'function') {
    throw new CinnabarError('ERR the wasm module is still loading here: use `await Cinnabar.open()` (or `await Cinnabar.ready()` before openSync)');
  }
  wasmExports = w;
}

const MESSAGE_KINDS = new Set(['message', 'pmessage', 'smessage']);
function isMessage(v) {
  if (!Array.isArray(v) || v.length < 3) return false;
  const k = v[0];
  return MESSAGE_KINDS.has(typeof k === 'string' ? k : k instanceof Uint8Array ? utf8(k, 0, k.length) : '');
}
// Node's Buffer (absent in browsers and workerd unless polyfilled).
const NodeBuffer = typeof globalThis.Buffer === 'function' && typeof globalThis.Buffer.prototype.utf8Slice === 'function' ? globalThis.Buffer : null;

const str = (v) => (v instanceof Uint8Array ? utf8(v, 0, v.length) : v);

// Reply codes of WasmEngine.exec (src/wasm/mod.rs): >= 0 is a bulk string's length.
const R_NIL = -1;
const R_OK = -2;
const R_INT = -3;
// Added to a bulk string's length when it is at most 16 bytes, all ASCII.
const R_ASCII = 1 << 30;
// Calls of get/set between two reads of Date.now() on the coarse clock (Core.clock).
const TICK_CALLS = 256;
// Where WasmEngine.get/set read the key in the argument area (room for GET/SET before it).
const NAME_ROOM = 3;

// --- hook plumbing shared by all databases of this module instance -----------------------

let hookMetaIdx = -1;
/** u32 index of the hook I/O area's meta block. */
function hookMeta() {
  if (hookMetaIdx < 0) hookMetaIdx = hook_io_meta() >>> 2;
  return hookMetaIdx;
}
const hookIo = { reserve: (bytes, nargs) => hook_io_reserve(bytes, nargs) };
const hookReader = new Reader();
const hookWriter = new ValueWriter();

const isTrap = (err) => typeof WebAssembly !== 'undefined' && err instanceof WebAssembly.RuntimeError;

/** What a hook that threw replies: a CinnabarError as is, anything else as `ERR <message>`. */
function errorOf(err) {
  if (err instanceof CinnabarError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new CinnabarError(`ERR ${msg}`);
}

function inHookError() {
  return new CinnabarError('ERR this database is running a hook: use redis.call() / redis.pcall() inside it');
}

/** The `redis` object a hook gets: `call` throws a command's error, `pcall` returns it. */
class HookRedis {
  constructor(core, bufs) {
    this.live = true;
    this.pcall = (...args) => {
      if (!this.live) throw new CinnabarError('ERR redis.call/pcall can only be used while its hook runs');
      if (args.length === 0) return new CinnabarError('ERR Please specify at least one argument for this redis lib call');
      return core.hookCall(args, bufs);
    };
    this.call = (...args) => {
      const v = this.pcall(...args);
      if (v instanceof CinnabarError) throw v;
      return v;
    };
  }
}

/** One wasm engine and its sessions. */
class Core {
  constructor(options) {
    const cfg = [];
    const put = (k, v) => {
      if (v !== undefined && v !== null) cfg.push(k, String(v));
    };
    put('databases', options.databases);
    put('maxmemory', options.maxmemory);
    put('maxmemory-policy', options.maxmemoryPolicy);
    for (const [k, v] of Object.entries(options.config ?? {})) put(k, v);
    this.now = typeof options.now === 'function' ? options.now : null;
    // get/set's coarse clock (see coarseClock()): the last Date.now() read, and how many
    // more calls may use it.
    this.coarse = false;
    this.tick = 0;
    this.tickCalls = 0;
    try {
      this.e = new WasmEngine(cfg.join('\0'), this.now !== null, this.now ? this.now() : Date.now());
    } catch (err) {
      throw new CinnabarError(`ERR ${err.message ?? err}`);
    }
    this.mem = wasmExports.memory;
    this.m = this.e.meta_ptr() >>> 2;
    this.reader = new Reader();
    this.refresh();
    this.listeners = new Map(); // session -> (message array) => void
    this.pending = null;
    this.closed = false;
    this.poisoned = null;
    this.inHook = 0;
    // (records) => void: keys the engine removed by expiry/eviction (see drainRemoved).
    this.onRemoved = null;
    this.removedBufs = !!options.returnBuffers;
  }

  refresh() {
    const b = this.mem.buffer;
    this.u8 = new Uint8Array(b);
    this.u32 = new Uint32Array(b);
    this.reader.u8 = this.u8;
    this.reader.nb = NodeBuffer ? NodeBuffer.from(b) : null;
  }

  connect() {
    return this.e.connect();
  }

  /**
   * Give get/set a coarse clock from now on: Date.now() read every TICK_CALLS calls and
   * on each active expiry tick (the caller's timer), not on every call, as Redis
   * refreshes its LRU clock in its cron. It stamps LRU/LFU data and idle times; the
   * engine reads Date.now() itself where it decides whether a key with a TTL expired
   * (src/wasm/mod.rs, set_coarse_clock). Not with an injected clock.
   */
  coarseClock() {
    if (this.now) return;
    this.coarse = true;
    this.e.set_coarse_clock(true);
  }

  /** The time for get/set: exact, or the coarse clock's. */
  clock() {
    if (this.now) return this.now();
    if (!this.coarse) return Date.now();
    if (--this.tickCalls < 0) {
      this.tickCalls = TICK_CALLS - 1;
      this.tick = Date.now();
    }
    return this.tick;
  }

  /** Run `args` on `session`; returns the decoded reply (errors are returned, not thrown). */
  run(session, args, bufs) {
    if (this.closed) throw this.poisoned ?? new CinnabarError('ERR the database is closed');
    if (this.inHook > 0) throw inHookError();
    this.put(this.m, args, this.e);
    let len;
    try {
      len = this.e.exec(session, args.length, this.now ? this.now() : Date.now());
    } catch (err) {
      throw this.trap(err);
    }
    return this.decode(session, len, bufs);
  }

  /**
   * `run` for db.get(key) and db.set(key, value) with string arguments (`value`
   * undefined: GET): the key and value written at NAME_ROOM in the argument area, their
   * lengths passed to the engine's `get`/`set` (src/wasm/mod.rs). Returns undefined
   * (nothing run) when they may not fit: use `run` then.
   */
  runGetSet(session, key, value, bufs) {
    if (this.closed || this.inHook > 0) return undefined; // run() throws the right error
    let u8 = this.u8;
    if (u8.byteLength === 0) {
      this.refresh();
      u8 = this.u8;
    }
    const m = this.m;
    const cap = this.u32[m + 1];
    const set = value !== undefined;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (NAME_ROOM + 3 * (key.length + (set ? value.length : 0)) > cap) return undefined;
    const start = this.u32[m] + NAME_ROOM;
    const end = start - NAME_ROOM + cap;
    const k = writeStr(u8, start, end, key);
    let len;
    try {
      const now = this.clock();
      len = set
        ? this.e.set(session, k - start, writeStr(u8, k, end, value) - k, now)
        : this.e.get(session, k - start, now);
    } catch (err) {
      throw this.trap(err);
    }
    return this.decode(session, len, bufs);
  }

  /**
   * Write `args` into the argument area whose meta block starts at u32 index `m`
   * (`owner.reserve(bytes, nargs)` grows it).
   */
  put(m, args, owner) {
    let u8 = this.u8;
    if (u8.byteLength === 0) {
      this.refresh();
      u8 = this.u8;
    }
    let u32 = this.u32;
    const n = args.length;
    let need = 0;
    for (let i = 0; i < n; i++) need += argSize(args[i]);
    if (need > u32[m + 1] || n > u32[m + 3]) {
      owner.reserve(need, n);
      this.refresh();
      u8 = this.u8;
      u32 = this.u32;
    }
    let pos = u32[m];
    const end = pos + u32[m + 1];
    const lp = u32[m + 2] >>> 2;
    for (let i = 0; i < n; i++) {
      const a = args[i];
      const start = pos;
      if (typeof a === 'string') {
        pos = writeStr(u8, pos, end, a);
      } else if (a instanceof Uint8Array) {
        u8.set(a, pos);
        pos += a.length;
      } else {
        const s = numArg(a);
        if (s === null) {
          const v = a instanceof ArrayBuffer ? new Uint8Array(a) : new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
          u8.set(v, pos);
          pos += v.length;
        } else {
          pos = writeStr(u8, pos, end, s);
        }
      }
      u32[lp + i] = pos - start;
    }
  }

  // --- hooks ------------------------------------------------------------------------------

  /**
   * The JS side of a hook, called by the engine in the middle of FCALL/EVAL (see
   * src/wasm/hooks.rs): decode the keys and arguments from the hook I/O area,
   * run `fn(redis, keys, args)`, write its return value back there; returns its length.
   */
  runHook(fn, bufs) {
    if (this.u8.byteLength === 0) this.refresh();
    const hm = hookMeta();
    const p = this.u32[hm + 4];
    const r = hookReader;
    r.reset(this.u8, p, p + this.u32[hm + 5], bufs);
    const [keys, args] = r.value();
    const redis = new HookRedis(this, bufs);
    let result;
    this.inHook++;
    try {
      result = fn(redis, keys, args);
      if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
        result = new CinnabarError('ERR a hook must be synchronous, but it returned a Promise');
      }
    } catch (err) {
      // The engine trapped (a panic) inside the hook: let it unwind to the outer call,
      // which closes the database.
      if (isTrap(err) || (err instanceof CinnabarError && err.code === 'PANIC')) throw err;
      result = errorOf(err);
    } finally {
      this.inHook--;
      redis.live = false;
    }
    const w = hookWriter;
    try {
      w.reset();
      w.value(result, 0);
    } catch (err) {
      w.reset();
      w.value(errorOf(err), 0);
    }
    const n = w.n;
    if (n > this.u32[hm + 1]) {
      hook_io_reserve(n, 0);
      this.refresh();
    } else if (this.u8.byteLength === 0) {
      this.refresh();
    }
    this.u8.set(w.buf.subarray(0, n), this.u32[hm]);
    return n;
  }

  /** `redis.pcall(...args)` inside a hook: the reply, or the error as a CinnabarError value. */
  hookCall(args, bufs) {
    const hm = hookMeta();
    this.put(hm, args, hookIo);
    const len = hook_call(args.length);
    if (this.u8.byteLength === 0) this.refresh();
    const p = this.u32[hm + 4];
    const r = hookReader;
    r.reset(this.u8, p, p + len, bufs);
    return r.value();
  }

  /** The reply of `exec` from its code (see src/wasm/mod.rs, "The calling convention"). */
  decode(session, code, bufs) {
    if (this.u8.byteLength === 0) this.refresh();
    let v;
    if (code >= R_ASCII) {
      // A short ASCII bulk string of `code - R_ASCII` bytes at the output pointer.
      const p = this.u32[this.m + 4];
      const n = code - R_ASCII;
      v = bufs ? this.u8.slice(p, p + n) : ascii16(this.u8, p, n);
    } else if (code >= 0) {
      // A bulk string of `code` bytes at the output pointer.
      const p = this.u32[this.m + 4];
      v = bufs ? this.u8.slice(p, p + code) : this.reader.str(p, p + code);
    } else if (code === R_NIL) {
      v = null;
    } else if (code === R_OK) {
      v = 'OK';
    } else if (code === R_INT) {
      const u32 = this.u32;
      v = (u32[this.m + 8] | 0) * 4294967296 + u32[this.m + 7];
    } else {
      const ptr = this.u32[this.m + 4];
      const r = this.reader;
      r.reset(this.u8, ptr, ptr + this.u32[this.m + 5], bufs);
      return this.decodeFrames(session, bufs, r, this.u8);
    }
    // Messages for other sessions (subscribers, keyspace events) wait in the engine.
    if (this.u32[this.m + 6] > 0) {
      this.drain(bufs);
      this.deliverLater();
    }
    if (this.u32[this.m + 9] > 0) this.drainRemoved();
    return v;
  }

  decodeFrames(session, bufs, r, u8) {
    let result = null;
    let many = null;
    let count = 0;
    while (r.p < r.end) {
      const push = u8[r.p] === 62;
      const v = r.value();
      if (push && isMessage(v)) {
        (this.pending ??= []).push([session, v]);
        continue;
      }
      if (count === 0) result = v;
      else if (count === 1) many = [result, v];
      else many.push(v);
      count++;
    }
    if (this.u32[this.m + 6] > 0) this.drain(bufs);
    if (this.pending) this.deliverLater();
    if (this.u32[this.m + 9] > 0) this.drainRemoved();
    return many ?? result;
  }

  /**
   * Hand the keys the engine removed by itself (expiry, eviction) to `onRemoved`, as a
   * flat array of (evicted: boolean, db: number, key) triples. Only called when the
   * engine collected some, which it does only while `set_removed_log(true)`.
   */
  drainRemoved() {
    const len = this.e.drain_removed();
    if (this.u8.byteLength === 0) this.refresh();
    const u8 = this.u8;
    let p = this.u32[this.m + 4];
    const end = p + len;
    const bufs = this.removedBufs;
    const recs = [];
    const le32 = (i) => (u8[i] | (u8[i + 1] << 8) | (u8[i + 2] << 16) | (u8[i + 3] << 24)) >>> 0;
    while (p < end) {
      const evicted = u8[p] === 1;
      const db = le32(p + 1);
      const n = le32(p + 5);
      p += 9;
      recs.push(evicted, db, bufs ? u8.slice(p, p + n) : utf8(u8, p, p + n));
      p += n;
    }
    if (this.onRemoved && recs.length > 0) this.onRemoved(recs);
  }

  /** Collect Pub/Sub messages queued for our sessions. */
  drain(bufs) {
    const len = this.e.drain_messages();
    if (this.u8.byteLength === 0) this.refresh();
    const u8 = this.u8;
    let p = this.u32[this.m + 4];
    const end = p + len;
    const r = this.reader;
    while (p < end) {
      const s = u8[p] | (u8[p + 1] << 8) | (u8[p + 2] << 16) | (u8[p + 3] << 24);
      const n = (u8[p + 4] | (u8[p + 5] << 8) | (u8[p + 6] << 16) | (u8[p + 7] << 24)) >>> 0;
      p += 8;
      r.reset(u8, p, p + n, bufs);
      (this.pending ??= []).push([s, r.value()]);
      p += n;
    }
  }

  deliverLater() {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      const batch = this.pending;
      this.pending = null;
      if (!batch) return;
      for (const [s, msg] of batch) {
        const fn = this.listeners.get(s);
        if (fn) fn(msg);
      }
    });
  }

  activeExpire(budgetMs) {
    if (this.closed) return 0;
    let n;
    try {
      const now = this.now ? this.now() : Date.now();
      // A tick of the timer refreshes get/set's coarse clock.
      this.tick = now;
      this.tickCalls = TICK_CALLS;
      n = this.e.active_expire(budgetMs, now);
    } catch (err) {
      throw this.trap(err);
    }
    if (this.u32[this.m + 6] > 0 || (this.u8.byteLength === 0 && (this.refresh(), this.u32[this.m + 6] > 0))) {
      this.drain(false);
      this.deliverLater();
    }
    if (this.u32[this.m + 9] > 0) this.drainRemoved();
    return n;
  }

  trap(err) {
    if (typeof WebAssembly !== 'undefined' && err instanceof WebAssembly.RuntimeError) {
      const why = lastPanic() || err.message;
      // The instance's state is unknown after a trap: refuse further use.
      this.closed = true;
      this.poisoned = new CinnabarError(`PANIC engine panicked: ${why}`);
      return this.poisoned;
    }
    return err;
  }

  free() {
    if (!this.closed) this.closed = true;
    try {
      this.e.free();
    } catch {
      // already freed or poisoned
    }
  }
}

// ---------------------------------------------------------------------------------------
// Reply shaping helpers for the typed methods.

const bool = (v) => v === 1 || v === true;
const okOrNull = (v) => v;
const id = (v) => v;
const asArray = (v) => (v === null ? [] : v);

function setArgs(key, value, o) {
  const a = ['SET', key, value];
  if (!o) return a;
  if (o.nx) a.push('NX');
  if (o.xx) a.push('XX');
  if (o.ifeq !== undefined) a.push('IFEQ', o.ifeq);
  if (o.get) a.push('GET');
  if (o.ex !== undefined) a.push('EX', o.ex);
  if (o.px !== undefined) a.push('PX', o.px);
  if (o.exat !== undefined) a.push('EXAT', o.exat);
  if (o.pxat !== undefined) a.push('PXAT', o.pxat);
  if (o.keepTtl) a.push('KEEPTTL');
  return a;
}

function ttlArgs(a, o) {
  if (!o) return a;
  if (o.ex !== undefined) a.push('EX', o.ex);
  if (o.px !== undefined) a.push('PX', o.px);
  if (o.exat !== undefined) a.push('EXAT', o.exat);
  if (o.pxat !== undefined) a.push('PXAT', o.pxat);
  if (o.persist) a.push('PERSIST');
  return a;
}

function flatPairs(cmd, key, obj, swap) {
  const a = key === undefined ? [cmd] : [cmd, key];
  const it = obj instanceof Map ? obj.entries() : Array.isArray(obj) ? obj : Object.entries(obj);
  for (const [k, v] of it) {
    if (swap) a.push(v, k);
    else a.push(k, v);
  }
  return a;
}

function keyList(keys) {
  return keys.length === 1 && Array.isArray(keys[0]) ? keys[0] : keys;
}

function rangeArgs(cmd, key, start, stop, o) {
  const a = [cmd, key, start, stop];
  if (o?.by === 'score') a.push('BYSCORE');
  else if (o?.by === 'lex') a.push('BYLEX');
  if (o?.rev) a.push('REV');
  if (o?.limit) a.push('LIMIT', o.limit.offset ?? 0, o.limit.count ?? -1);
  if (o?.withScores) a.push('WITHSCORES');
  return a;
}

// Pairs [member, score] whatever the protocol (RESP3 nests, RESP2 is flat).
function scorePairs(v) {
  if (!Array.isArray(v) || v.length === 0 || Array.isArray(v[0])) return v ?? [];
  const out = [];
  for (let i = 0; i + 1 < v.length; i += 2) out.push([v[i], Number(str(v[i + 1]))]);
  return out;
}

// Set o[k] = v, also for k === '__proto__' (an own property, not the prototype).
function put(o, k, v) {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

// [key, value] pairs (keys as strings) of a RESP3 map (object, or Map with returnBuffers)
// or of a RESP2 flat array.
function pairsOf(v) {
  if (v === null || v === undefined) return [];
  if (v instanceof Map) return Array.from(v, ([k, x]) => [str(k), x]);
  if (Array.isArray(v)) {
    const out = [];
    for (let i = 0; i + 1 < v.length; i += 2) out.push([str(v[i]), v[i + 1]]);
    return out;
  }
  return Object.entries(v);
}

const num = (v) => (v === null || v === undefined ? null : typeof v === 'number' ? v : Number(str(v)));
const strOrNull = (v) => (v === null || v === undefined ? null : str(v));

// Append the pairs of an object, Map or [k, v][] to `a`.
function pushPairs(a, obj) {
  const it = obj instanceof Map ? obj.entries() : Array.isArray(obj) ? obj : Object.entries(obj);
  for (const [k, v] of it) a.push(k, v);
  return a;
}

// --- streams -----------------------------------------------------------------------------

/** A stream entry `[id, [field, value, ...]]` → `{ id, fields: { field: value } }` (fields null if deleted). */
function streamEntry(e) {
  const f = e[1];
  let fields = null;
  if (f !== null && f !== undefined) {
    fields = {};
    for (let i = 0; i + 1 < f.length; i += 2) put(fields, str(f[i]), f[i + 1]);
  }
  return { id: str(e[0]), fields };
}
const streamEntries = (v) => (v === null || v === undefined ? [] : v.map(streamEntry));

/** XREAD/XREADGROUP reply → `[{ key, entries }]` or null (RESP3 map or RESP2 array of pairs). */
function streamsRead(v) {
  if (v === null || v === undefined) return null;
  const pairs = Array.isArray(v) ? v.map((x) => [str(x[0]), x[1]]) : pairsOf(v);
  return pairs.map(([key, es]) => ({ key, entries: streamEntries(es) }));
}

/** `MAXLEN|MINID [~] threshold [LIMIT n]` from `{ maxlen, minid, approx, limit }`. */
function trimArgs(a, o) {
  if (!o) return a;
  const byLen = o.maxlen !== undefined && o.maxlen !== null;
  const byId = o.minid !== undefined && o.minid !== null;
  if (byLen && byId) throw new TypeError('cinnabar: give maxlen or minid, not both');
  if (!byLen && !byId) return a;
  a.push(byLen ? 'MAXLEN' : 'MINID');
  if (o.approx) a.push('~');
  a.push(byLen ? o.maxlen : o.minid);
  if (o.limit !== undefined) a.push('LIMIT', o.limit);
  return a;
}

function streamsArgs(a, streams) {
  const it = streams instanceof Map ? [...streams] : Array.isArray(streams) ? streams : Object.entries(streams);
  a.push('STREAMS');
  for (const [k] of it) a.push(k);
  for (const [, id] of it) a.push(id ?? '$');
  return a;
}

// The engine runs in this thread: a read that waits would block the whole program (and a
// `while (true) xread({ block })` loop would spin it). The typed methods refuse BLOCK.
function refuseBlock(cmd, o) {
  if (o && o.block !== undefined && o.block !== null && o.block !== false) {
    throw new CinnabarError(
      `ERR ${cmd} BLOCK is not supported by the synchronous API (the engine runs in this thread and cannot wait for another writer): read without block, and poll on a timer or after your own writes`,
    );
  }
}

const camel = (k) => k.replace(/[-_]([a-z])/g, (_, c) => c.toUpperCase());

/** A map reply as an object with camelCase keys; `special[key](value)` converts some values, bytes become strings. */
function infoObject(v, special) {
  const o = {};
  for (const [k, x] of pairsOf(v)) {
    const ck = camel(k);
    const f = special?.[ck];
    put(o, ck, f ? f(x) : x instanceof Uint8Array ? str(x) : x);
  }
  return o;
}

const entryOrNull = (x) => (x === null || x === undefined ? null : streamEntry(x));
const groupFull = (g) =>
  infoObject(g, {
    pending: (p) => p.map((x) => ({ id: str(x[0]), consumer: str(x[1]), deliveryTime: num(x[2]), deliveryCount: num(x[3]) })),
    consumers: (cs) =>
      cs.map((c) => infoObject(c, { pending: (p) => p.map((x) => ({ id: str(x[0]), deliveryTime: num(x[1]), deliveryCount: num(x[2]) })) })),
  });
const streamInfoSpecial = {
  firstEntry: entryOrNull,
  lastEntry: entryOrNull,
  entries: streamEntries,
  groups: (g) => (Array.isArray(g) ? g.map(groupFull) : g),
};

// --- bitmaps, geo ------------------------------------------------------------------------

function bitRange(a, r) {
  if (!r || r.start === undefined) {
    if (r?.end !== undefined || r?.unit !== undefined) throw new TypeError('cinnabar: a bit range needs start');
    return a;
  }
  a.push(r.start, r.end ?? -1);
  if (r.unit) a.push(r.unit.toUpperCase());
  return a;
}

function bitfieldArgs(a, ops, readOnly) {
  for (const o of ops) {
    const op = String(o.op).toLowerCase();
    if (op === 'get') a.push('GET', o.type, o.offset);
    else if (readOnly) throw new TypeError('cinnabar: bitfieldRo only takes get operations');
    else if (op === 'set') a.push('SET', o.type, o.offset, o.value);
    else if (op === 'incrby') a.push('INCRBY', o.type, o.offset, o.increment);
    else if (op === 'overflow') a.push('OVERFLOW', String(o.behavior).toUpperCase());
    else throw new TypeError(`cinnabar: unknown bitfield operation ${o.op}`);
  }
  return a;
}

function geoFromBy(a, from, by) {
  if (from.member !== undefined) a.push('FROMMEMBER', from.member);
  else a.push('FROMLONLAT', from.longitude, from.latitude);
  if (by.radius !== undefined) a.push('BYRADIUS', by.radius, by.unit ?? 'm');
  else a.push('BYBOX', by.width, by.height, by.unit ?? 'm');
  return a;
}

function geoTail(a, o) {
  if (!o) return a;
  if (o.sort) a.push(o.sort.toUpperCase());
  if (o.count !== undefined) {
    a.push('COUNT', o.count);
    if (o.any) a.push('ANY');
  }
  return a;
}

const lonLat = (p) => (p === null || p === undefined ? null : { longitude: num(p[0]), latitude: num(p[1]) });

// --- sorted sets -------------------------------------------------------------------------

function zstoreArgs(a, keys, o) {
  a.push(keys.length, ...keys);
  if (o?.weights) a.push('WEIGHTS', ...o.weights);
  if (o?.aggregate) a.push('AGGREGATE', o.aggregate.toUpperCase());
  return a;
}

// --- INFO --------------------------------------------------------------------------------

const INFO_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const INFO_FIELDS = /^[\w.-]+=[^,]*(,[\w.-]+=[^,]*)*$/;
const infoValue = (s) => (INFO_NUMBER.test(s) ? Number(s) : s);

/** INFO text → `{ section: { field: value } }`; numbers as numbers, `a=1,b=2` values as objects. */
export function parseInfo(text) {
  const out = {};
  let sec = null;
  for (const raw of str(text).split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') continue;
    if (line.startsWith('# ')) {
      sec = {};
      put(out, line.slice(2).trim().toLowerCase(), sec);
      continue;
    }
    const i = line.indexOf(':');
    if (i < 0) continue;
    if (!sec) put(out, 'default', (sec = {}));
    const k = line.slice(0, i);
    const v = line.slice(i + 1);
    if (INFO_FIELDS.test(v) && !INFO_NUMBER.test(v)) {
      const o = {};
      for (const part of v.split(',')) {
        const j = part.indexOf('=');
        put(o, part.slice(0, j), infoValue(part.slice(j + 1)));
      }
      put(sec, k, o);
    } else {
      put(sec, k, infoValue(v));
    }
  }
  return out;
}

/** The typed command methods, shared by the database and the MULTI builder. */
class Commands {
  // _c(args, transform) is provided by the subclass.

  // --- strings ----------------------------------------------------------------------
  get(key) {
    return this._c(['GET', key], id);
  }
  set(key, value, options) {
    return this._c(setArgs(key, value, options), okOrNull);
  }
  setnx(key, value) {
    return this._c(['SETNX', key, value], bool);
  }
  getdel(key) {
    return this._c(['GETDEL', key], id);
  }
  getex(key, options) {
    return this._c(ttlArgs(['GETEX', key], options), id);
  }
  getset(key, value) {
    return this._c(['GETSET', key, value], id);
  }
  mget(...keys) {
    return this._c(['MGET', ...keyList(keys)], id);
  }
  mset(entries) {
    return this._c(flatPairs('MSET', undefined, entries), id);
  }
  msetnx(entries) {
    return this._c(flatPairs('MSETNX', undefined, entries), bool);
  }
  incr(key) {
    return this._c(['INCR', key], id);
  }
  incrby(key, by) {
    return this._c(['INCRBY', key, by], id);
  }
  incrbyfloat(key, by) {
    return this._c(['INCRBYFLOAT', key, by], (v) => (v === null ? v : Number(str(v))));
  }
  decr(key) {
    return this._c(['DECR', key], id);
  }
  decrby(key, by) {
    return this._c(['DECRBY', key, by], id);
  }
  append(key, value) {
    return this._c(['APPEND', key, value], id);
  }
  strlen(key) {
    return this._c(['STRLEN', key], id);
  }
  getrange(key, start, end) {
    return this._c(['GETRANGE', key, start, end], id);
  }
  setrange(key, offset, value) {
    return this._c(['SETRANGE', key, offset, value], id);
  }

  // --- keys and TTLs -------------------------------------------------------------------
  del(...keys) {
    return this._c(['DEL', ...keyList(keys)], id);
  }
  unlink(...keys) {
    return this._c(['UNLINK', ...keyList(keys)], id);
  }
  exists(...keys) {
    return this._c(['EXISTS', ...keyList(keys)], id);
  }
  type(key) {
    return this._c(['TYPE', key], id);
  }
  keys(pattern = '*') {
    return this._c(['KEYS', pattern], id);
  }
  rename(key, newKey) {
    return this._c(['RENAME', key, newKey], id);
  }
  renamenx(key, newKey) {
    return this._c(['RENAMENX', key, newKey], bool);
  }
  copy(src, dst, options) {
    const a = ['COPY', src, dst];
    if (options?.db !== undefined) a.push('DB', options.db);
    if (options?.replace) a.push('REPLACE');
    return this._c(a, bool);
  }
  touch(...keys) {
    return this._c(['TOUCH', ...keyList(keys)], id);
  }
  randomkey() {
    return this._c(['RANDOMKEY'], id);
  }
  expire(key, seconds, mode) {
    return this._c(mode ? ['EXPIRE', key, seconds, mode] : ['EXPIRE', key, seconds], bool);
  }
  pexpire(key, ms, mode) {
    return this._c(mode ? ['PEXPIRE', key, ms, mode] : ['PEXPIRE', key, ms], bool);
  }
  expireat(key, unixSeconds, mode) {
    return this._c(mode ? ['EXPIREAT', key, unixSeconds, mode] : ['EXPIREAT', key, unixSeconds], bool);
  }
  pexpireat(key, unixMs, mode) {
    return this._c(mode ? ['PEXPIREAT', key, unixMs, mode] : ['PEXPIREAT', key, unixMs], bool);
  }
  ttl(key) {
    return this._c(['TTL', key], id);
  }
  pttl(key) {
    return this._c(['PTTL', key], id);
  }
  expiretime(key) {
    return this._c(['EXPIRETIME', key], id);
  }
  pexpiretime(key) {
    return this._c(['PEXPIRETIME', key], id);
  }
  persist(key) {
    return this._c(['PERSIST', key], bool);
  }
  dbsize() {
    return this._c(['DBSIZE'], id);
  }
  flushdb() {
    return this._c(['FLUSHDB'], id);
  }
  flushall() {
    return this._c(['FLUSHALL'], id);
  }
  ping(message) {
    return this._c(message === undefined ? ['PING'] : ['PING', message], id);
  }
  publish(channel, message) {
    return this._c(['PUBLISH', channel, message], id);
  }

  // --- hooks (FCALL / EVAL without Lua) ---------------------------------------------------
  fcall(name, keys = [], args = []) {
    return this._c(['FCALL', name, keys.length, ...keys, ...args], id);
  }
  fcallRo(name, keys = [], args = []) {
    return this._c(['FCALL_RO', name, keys.length, ...keys, ...args], id);
  }
  eval(script, keys = [], args = []) {
    return this._c(['EVAL', script, keys.length, ...keys, ...args], id);
  }
  evalRo(script, keys = [], args = []) {
    return this._c(['EVAL_RO', script, keys.length, ...keys, ...args], id);
  }
  evalsha(sha, keys = [], args = []) {
    return this._c(['EVALSHA', sha, keys.length, ...keys, ...args], id);
  }
  evalshaRo(sha, keys = [], args = []) {
    return this._c(['EVALSHA_RO', sha, keys.length, ...keys, ...args], id);
  }

  // --- hashes -------------------------------------------------------------------------
  hset(key, fieldOrEntries, value) {
    if (typeof fieldOrEntries === 'object' && !(fieldOrEntries instanceof Uint8Array)) {
      return this._c(flatPairs('HSET', key, fieldOrEntries), id);
    }
    return this._c(['HSET', key, fieldOrEntries, value], id);
  }
  hsetnx(key, field, value) {
    return this._c(['HSETNX', key, field, value], bool);
  }
  hget(key, field) {
    return this._c(['HGET', key, field], id);
  }
  hmget(key, ...fields) {
    return this._c(['HMGET', key, ...keyList(fields)], id);
  }
  hgetall(key) {
    return this._c(['HGETALL', key], (v) => {
      if (!Array.isArray(v)) return v; // RESP3 map: already an object (or a Map)
      const o = {};
      for (let i = 0; i + 1 < v.length; i += 2) o[str(v[i])] = v[i + 1];
      return o;
    });
  }
  hdel(key, ...fields) {
    return this._c(['HDEL', key, ...keyList(fields)], id);
  }
  hexists(key, field) {
    return this._c(['HEXISTS', key, field], bool);
  }
  hlen(key) {
    return this._c(['HLEN', key], id);
  }
  hkeys(key) {
    return this._c(['HKEYS', key], id);
  }
  hvals(key) {
    return this._c(['HVALS', key], id);
  }
  hstrlen(key, field) {
    return this._c(['HSTRLEN', key, field], id);
  }
  hincrby(key, field, by) {
    return this._c(['HINCRBY', key, field, by], id);
  }
  hincrbyfloat(key, field, by) {
    return this._c(['HINCRBYFLOAT', key, field, by], (v) => Number(str(v)));
  }

  // --- lists --------------------------------------------------------------------------
  lpush(key, ...values) {
    return this._c(['LPUSH', key, ...keyList(values)], id);
  }
  rpush(key, ...values) {
    return this._c(['RPUSH', key, ...keyList(values)], id);
  }
  lpop(key, count) {
    return this._c(count === undefined ? ['LPOP', key] : ['LPOP', key, count], id);
  }
  rpop(key, count) {
    return this._c(count === undefined ? ['RPOP', key] : ['RPOP', key, count], id);
  }
  lrange(key, start, stop) {
    return this._c(['LRANGE', key, start, stop], id);
  }
  llen(key) {
    return this._c(['LLEN', key], id);
  }
  lindex(key, index) {
    return this._c(['LINDEX', key, index], id);
  }
  lset(key, index, value) {
    return this._c(['LSET', key, index, value], id);
  }
  lrem(key, count, value) {
    return this._c(['LREM', key, count, value], id);
  }
  ltrim(key, start, stop) {
    return this._c(['LTRIM', key, start, stop], id);
  }

  // --- sets ---------------------------------------------------------------------------
  sadd(key, ...members) {
    return this._c(['SADD', key, ...keyList(members)], id);
  }
  srem(key, ...members) {
    return this._c(['SREM', key, ...keyList(members)], id);
  }
  smembers(key) {
    return this._c(['SMEMBERS', key], asArray);
  }
  sismember(key, member) {
    return this._c(['SISMEMBER', key, member], bool);
  }
  smismember(key, ...members) {
    return this._c(['SMISMEMBER', key, ...keyList(members)], (v) => v.map(bool));
  }
  scard(key) {
    return this._c(['SCARD', key], id);
  }
  spop(key, count) {
    return this._c(count === undefined ? ['SPOP', key] : ['SPOP', key, count], id);
  }
  srandmember(key, count) {
    return this._c(count === undefined ? ['SRANDMEMBER', key] : ['SRANDMEMBER', key, count], id);
  }
  sinter(...keys) {
    return this._c(['SINTER', ...keyList(keys)], asArray);
  }
  sunion(...keys) {
    return this._c(['SUNION', ...keyList(keys)], asArray);
  }
  sdiff(...keys) {
    return this._c(['SDIFF', ...keyList(keys)], asArray);
  }

  // --- sorted sets --------------------------------------------------------------------
  zadd(key, members, options) {
    const a = ['ZADD', key];
    if (options?.nx) a.push('NX');
    if (options?.xx) a.push('XX');
    if (options?.gt) a.push('GT');
    if (options?.lt) a.push('LT');
    if (options?.ch) a.push('CH');
    const it = members instanceof Map ? members.entries() : Object.entries(members);
    for (const [m, s] of it) a.push(s, m);
    return this._c(a, id);
  }
  zincrby(key, by, member) {
    return this._c(['ZINCRBY', key, by, member], (v) => Number(str(v)));
  }
  zscore(key, member) {
    return this._c(['ZSCORE', key, member], (v) => (v === null ? null : Number(str(v))));
  }
  zmscore(key, ...members) {
    return this._c(['ZMSCORE', key, ...keyList(members)], (v) => v.map((s) => (s === null ? null : Number(str(s)))));
  }
  zrem(key, ...members) {
    return this._c(['ZREM', key, ...keyList(members)], id);
  }
  zcard(key) {
    return this._c(['ZCARD', key], id);
  }
  zcount(key, min, max) {
    return this._c(['ZCOUNT', key, min, max], id);
  }
  zrank(key, member) {
    return this._c(['ZRANK', key, member], id);
  }
  zrevrank(key, member) {
    return this._c(['ZREVRANK', key, member], id);
  }
  zrange(key, start, stop, options) {
    const withScores = !!options?.withScores;
    return this._c(rangeArgs('ZRANGE', key, start, stop, options), withScores ? scorePairs : id);
  }
  zpopmin(key, count) {
    return this._c(count === undefined ? ['ZPOPMIN', key] : ['ZPOPMIN', key, count], (v) =>
      count === undefined && Array.isArray(v) && v.length === 2 && !Array.isArray(v[0]) ? [[v[0], Number(str(v[1]))]] : scorePairs(v),
    );
  }
  zpopmax(key, count) {
    return this._c(count === undefined ? ['ZPOPMAX', key] : ['ZPOPMAX', key, count], (v) =>
      count === undefined && Array.isArray(v) && v.length === 2 && !Array.isArray(v[0]) ? [[v[0], Number(str(v[1]))]] : scorePairs(v),
    );
  }
  zrevrange(key, start, stop, options) {
    const withScores = !!options?.withScores;
    return this._c(withScores ? ['ZREVRANGE', key, start, stop, 'WITHSCORES'] : ['ZREVRANGE', key, start, stop], withScores ? scorePairs : id);
  }
  zrangebyscore(key, min, max, options) {
    const a = ['ZRANGEBYSCORE', key, min, max];
    if (options?.withScores) a.push('WITHSCORES');
    if (options?.limit) a.push('LIMIT', options.limit.offset ?? 0, options.limit.count ?? -1);
    return this._c(a, options?.withScores ? scorePairs : id);
  }
  zrevrangebyscore(key, max, min, options) {
    const a = ['ZREVRANGEBYSCORE', key, max, min];
    if (options?.withScores) a.push('WITHSCORES');
    if (options?.limit) a.push('LIMIT', options.limit.offset ?? 0, options.limit.count ?? -1);
    return this._c(a, options?.withScores ? scorePairs : id);
  }
  zrangebylex(key, min, max, options) {
    const a = ['ZRANGEBYLEX', key, min, max];
    if (options?.limit) a.push('LIMIT', options.limit.offset ?? 0, options.limit.count ?? -1);
    return this._c(a, id);
  }
  zrevrangebylex(key, max, min, options) {
    const a = ['ZREVRANGEBYLEX', key, max, min];
    if (options?.limit) a.push('LIMIT', options.limit.offset ?? 0, options.limit.count ?? -1);
    return this._c(a, id);
  }
  zrangestore(dst, src, start, stop, options) {
    const a = rangeArgs('ZRANGESTORE', src, start, stop, { ...options, withScores: false });
    a.splice(1, 0, dst);
    return this._c(a, id);
  }
  zlexcount(key, min, max) {
    return this._c(['ZLEXCOUNT', key, min, max], id);
  }
  zremrangebyscore(key, min, max) {
    return this._c(['ZREMRANGEBYSCORE', key, min, max], id);
  }
  zremrangebyrank(key, start, stop) {
    return this._c(['ZREMRANGEBYRANK', key, start, stop], id);
  }
  zremrangebylex(key, min, max) {
    return this._c(['ZREMRANGEBYLEX', key, min, max], id);
  }
  zrandmember(key, count, withScores) {
    if (count === undefined) return this._c(['ZRANDMEMBER', key], id);
    return this._c(withScores ? ['ZRANDMEMBER', key, count, 'WITHSCORES'] : ['ZRANDMEMBER', key, count], withScores ? scorePairs : asArray);
  }
  zunionstore(dst, keys, options) {
    return this._c(zstoreArgs(['ZUNIONSTORE', dst], keys, options), id);
  }
  zinterstore(dst, keys, options) {
    return this._c(zstoreArgs(['ZINTERSTORE', dst], keys, options), id);
  }
  zdiffstore(dst, keys) {
    return this._c(['ZDIFFSTORE', dst, keys.length, ...keys], id);
  }
  zunion(keys, options) {
    const a = zstoreArgs(['ZUNION'], keys, options);
    if (options?.withScores) a.push('WITHSCORES');
    return this._c(a, options?.withScores ? scorePairs : id);
  }
  zinter(keys, options) {
    const a = zstoreArgs(['ZINTER'], keys, options);
    if (options?.withScores) a.push('WITHSCORES');
    return this._c(a, options?.withScores ? scorePairs : id);
  }
  zdiff(keys, options) {
    const a = ['ZDIFF', keys.length, ...keys];
    if (options?.withScores) a.push('WITHSCORES');
    return this._c(a, options?.withScores ? scorePairs : id);
  }
  zintercard(keys, options) {
    const a = ['ZINTERCARD', keys.length, ...keys];
    if (options?.limit !== undefined) a.push('LIMIT', options.limit);
    return this._c(a, id);
  }
  zmpop(keys, which, count) {
    const a = ['ZMPOP', keys.length, ...keys, which.toUpperCase()];
    if (count !== undefined) a.push('COUNT', count);
    return this._c(a, (v) => (v === null ? null : { key: str(v[0]), members: scorePairs(v[1]) }));
  }

  // --- more strings, lists, sets, hashes ------------------------------------------------
  setex(key, seconds, value) {
    return this._c(['SETEX', key, seconds, value], id);
  }
  psetex(key, ms, value) {
    return this._c(['PSETEX', key, ms, value], id);
  }
  lpushx(key, ...values) {
    return this._c(['LPUSHX', key, ...keyList(values)], id);
  }
  rpushx(key, ...values) {
    return this._c(['RPUSHX', key, ...keyList(values)], id);
  }
  linsert(key, where, pivot, element) {
    return this._c(['LINSERT', key, where.toUpperCase(), pivot, element], id);
  }
  lpos(key, element, options) {
    const a = ['LPOS', key, element];
    if (options?.rank !== undefined) a.push('RANK', options.rank);
    if (options?.count !== undefined) a.push('COUNT', options.count);
    if (options?.maxlen !== undefined) a.push('MAXLEN', options.maxlen);
    return this._c(a, id);
  }
  lmove(src, dst, from, to) {
    return this._c(['LMOVE', src, dst, from.toUpperCase(), to.toUpperCase()], id);
  }
  rpoplpush(src, dst) {
    return this._c(['RPOPLPUSH', src, dst], id);
  }
  lmpop(keys, from, count) {
    const a = ['LMPOP', keys.length, ...keys, from.toUpperCase()];
    if (count !== undefined) a.push('COUNT', count);
    return this._c(a, (v) => (v === null ? null : { key: str(v[0]), elements: v[1] }));
  }
  smove(src, dst, member) {
    return this._c(['SMOVE', src, dst, member], bool);
  }
  sinterstore(dst, ...keys) {
    return this._c(['SINTERSTORE', dst, ...keyList(keys)], id);
  }
  sunionstore(dst, ...keys) {
    return this._c(['SUNIONSTORE', dst, ...keyList(keys)], id);
  }
  sdiffstore(dst, ...keys) {
    return this._c(['SDIFFSTORE', dst, ...keyList(keys)], id);
  }
  sintercard(keys, options) {
    const a = ['SINTERCARD', keys.length, ...keys];
    if (options?.limit !== undefined) a.push('LIMIT', options.limit);
    return this._c(a, id);
  }
  hrandfield(key, count, withValues) {
    if (count === undefined) return this._c(['HRANDFIELD', key], id);
    if (!withValues) return this._c(['HRANDFIELD', key, count], asArray);
    // RESP3 nests [field, value] pairs; RESP2 is flat.
    return this._c(['HRANDFIELD', key, count, 'WITHVALUES'], (v) => {
      if (!Array.isArray(v) || v.length === 0 || Array.isArray(v[0])) return v ?? [];
      const out = [];
      for (let i = 0; i + 1 < v.length; i += 2) out.push([v[i], v[i + 1]]);
      return out;
    });
  }

  // --- streams --------------------------------------------------------------------------
  xadd(key, entryId, fields, options) {
    const a = ['XADD', key];
    if (options?.nomkstream) a.push('NOMKSTREAM');
    trimArgs(a, options);
    a.push(entryId ?? '*');
    pushPairs(a, fields);
    return this._c(a, strOrNull);
  }
  xlen(key) {
    return this._c(['XLEN', key], id);
  }
  xrange(key, start = '-', end = '+', options) {
    const a = ['XRANGE', key, start, end];
    if (options?.count !== undefined) a.push('COUNT', options.count);
    return this._c(a, streamEntries);
  }
  xrevrange(key, end = '+', start = '-', options) {
    const a = ['XREVRANGE', key, end, start];
    if (options?.count !== undefined) a.push('COUNT', options.count);
    return this._c(a, streamEntries);
  }
  xdel(key, ...ids) {
    return this._c(['XDEL', key, ...keyList(ids)], id);
  }
  xtrim(key, options) {
    const a = trimArgs(['XTRIM', key], options);
    if (a.length === 2) throw new TypeError('cinnabar: xtrim needs maxlen or minid');
    return this._c(a, id);
  }
  xsetid(key, lastId, options) {
    const a = ['XSETID', key, lastId];
    if (options?.entriesAdded !== undefined) a.push('ENTRIESADDED', options.entriesAdded);
    if (options?.maxDeletedId !== undefined) a.push('MAXDELETEDID', options.maxDeletedId);
    return this._c(a, id);
  }
  xread(streams, options) {
    refuseBlock('XREAD', options);
    const a = ['XREAD'];
    if (options?.count !== undefined) a.push('COUNT', options.count);
    return this._c(streamsArgs(a, streams), streamsRead);
  }
  xreadgroup(group, consumer, streams, options) {
    refuseBlock('XREADGROUP', options);
    const a = ['XREADGROUP', 'GROUP', group, consumer];
    if (options?.count !== undefined) a.push('COUNT', options.count);
    if (options?.noack) a.push('NOACK');
    const it = streams instanceof Map ? [...streams] : Array.isArray(streams) ? streams : Object.entries(streams);
    return this._c(streamsArgs(a, it.map(([k, i]) => [k, i ?? '>'])), streamsRead);
  }
  xgroupCreate(key, group, startId = '$', options) {
    const a = ['XGROUP', 'CREATE', key, group, startId];
    if (options?.mkstream) a.push('MKSTREAM');
    if (options?.entriesRead !== undefined) a.push('ENTRIESREAD', options.entriesRead);
    return this._c(a, id);
  }
  xgroupDestroy(key, group) {
    return this._c(['XGROUP', 'DESTROY', key, group], bool);
  }
  xgroupSetid(key, group, lastId, options) {
    const a = ['XGROUP', 'SETID', key, group, lastId];
    if (options?.entriesRead !== undefined) a.push('ENTRIESREAD', options.entriesRead);
    return this._c(a, id);
  }
  xgroupCreateconsumer(key, group, consumer) {
    return this._c(['XGROUP', 'CREATECONSUMER', key, group, consumer], bool);
  }
  xgroupDelconsumer(key, group, consumer) {
    return this._c(['XGROUP', 'DELCONSUMER', key, group, consumer], id);
  }
  xack(key, group, ...ids) {
    return this._c(['XACK', key, group, ...keyList(ids)], id);
  }
  xpending(key, group, range) {
    if (range === undefined) {
      return this._c(['XPENDING', key, group], (v) => ({
        count: v[0],
        minId: strOrNull(v[1]),
        maxId: strOrNull(v[2]),
        consumers: (v[3] ?? []).map((c) => ({ name: str(c[0]), pending: num(c[1]) })),
      }));
    }
    const a = ['XPENDING', key, group];
    if (range.idle !== undefined) a.push('IDLE', range.idle);
    a.push(range.start ?? '-', range.end ?? '+', range.count);
    if (range.consumer !== undefined) a.push(range.consumer);
    return this._c(a, (v) => v.map((e) => ({ id: str(e[0]), consumer: str(e[1]), idle: num(e[2]), deliveries: num(e[3]) })));
  }
  xclaim(key, group, consumer, minIdleTime, ids, options) {
    const a = ['XCLAIM', key, group, consumer, minIdleTime, ...(Array.isArray(ids) ? ids : [ids])];
    if (options?.idle !== undefined) a.push('IDLE', options.idle);
    if (options?.time !== undefined) a.push('TIME', options.time);
    if (options?.retryCount !== undefined) a.push('RETRYCOUNT', options.retryCount);
    if (options?.force) a.push('FORCE');
    if (options?.justId) a.push('JUSTID');
    if (options?.lastId !== undefined) a.push('LASTID', options.lastId);
    const justId = !!options?.justId;
    return this._c(a, (v) => v.map((e) => (justId ? str(e) : streamEntry(e))));
  }
  xautoclaim(key, group, consumer, minIdleTime, start, options) {
    const a = ['XAUTOCLAIM', key, group, consumer, minIdleTime, start];
    if (options?.count !== undefined) a.push('COUNT', options.count);
    if (options?.justId) a.push('JUSTID');
    const justId = !!options?.justId;
    return this._c(a, (v) => ({
      nextId: str(v[0]),
      entries: v[1].map((e) => (justId ? str(e) : streamEntry(e))),
      deletedIds: (v[2] ?? []).map(str),
    }));
  }
  xinfoStream(key, options) {
    const a = ['XINFO', 'STREAM', key];
    if (options?.full) {
      a.push('FULL');
      if (options.count !== undefined) a.push('COUNT', options.count);
    }
    return this._c(a, (v) => infoObject(v, streamInfoSpecial));
  }
  xinfoGroups(key) {
    return this._c(['XINFO', 'GROUPS', key], (v) => v.map((g) => infoObject(g)));
  }
  xinfoConsumers(key, group) {
    return this._c(['XINFO', 'CONSUMERS', key, group], (v) => v.map((c) => infoObject(c)));
  }

  // --- bitmaps --------------------------------------------------------------------------
  setbit(key, offset, value) {
    return this._c(['SETBIT', key, offset, value === true ? 1 : value === false ? 0 : value], id);
  }
  getbit(key, offset) {
    return this._c(['GETBIT', key, offset], id);
  }
  bitcount(key, range) {
    return this._c(bitRange(['BITCOUNT', key], range), id);
  }
  bitpos(key, bit, range) {
    return this._c(bitRange(['BITPOS', key, bit === true ? 1 : bit === false ? 0 : bit], range), id);
  }
  bitop(op, dst, ...keys) {
    return this._c(['BITOP', op.toUpperCase(), dst, ...keyList(keys)], id);
  }
  bitfield(key, ops) {
    return this._c(bitfieldArgs(['BITFIELD', key], ops, false), asArray);
  }
  bitfieldRo(key, ops) {
    return this._c(bitfieldArgs(['BITFIELD_RO', key], ops.map((o) => ({ op: 'get', ...o })), true), asArray);
  }

  // --- HyperLogLog ----------------------------------------------------------------------
  pfadd(key, ...elements) {
    return this._c(['PFADD', key, ...keyList(elements)], bool);
  }
  pfcount(...keys) {
    return this._c(['PFCOUNT', ...keyList(keys)], id);
  }
  pfmerge(dst, ...sources) {
    return this._c(['PFMERGE', dst, ...keyList(sources)], id);
  }

  // --- geo ------------------------------------------------------------------------------
  geoadd(key, members, options) {
    const a = ['GEOADD', key];
    if (options?.nx) a.push('NX');
    if (options?.xx) a.push('XX');
    if (options?.ch) a.push('CH');
    for (const m of Array.isArray(members) ? members : [members]) a.push(m.longitude, m.latitude, m.member);
    return this._c(a, id);
  }
  geopos(key, ...members) {
    return this._c(['GEOPOS', key, ...keyList(members)], (v) => v.map(lonLat));
  }
  geodist(key, member1, member2, unit) {
    return this._c(unit ? ['GEODIST', key, member1, member2, unit] : ['GEODIST', key, member1, member2], num);
  }
  geohash(key, ...members) {
    return this._c(['GEOHASH', key, ...keyList(members)], (v) => v.map(strOrNull));
  }
  geosearch(key, from, by, options) {
    const a = geoTail(geoFromBy(['GEOSEARCH', key], from, by), options);
    const wc = !!options?.withCoord;
    const wd = !!options?.withDist;
    const wh = !!options?.withHash;
    if (!wc && !wd && !wh) return this._c(a, asArray);
    if (wc) a.push('WITHCOORD');
    if (wd) a.push('WITHDIST');
    if (wh) a.push('WITHHASH');
    // Each item: [member, dist?, hash?, [lon, lat]?], in that order.
    return this._c(a, (v) =>
      v.map((x) => {
        const r = { member: x[0] };
        let i = 1;
        if (wd) r.distance = num(x[i++]);
        if (wh) r.hash = num(x[i++]);
        if (wc) r.coordinates = lonLat(x[i]);
        return r;
      }),
    );
  }
  geosearchstore(dst, src, from, by, options) {
    const a = geoTail(geoFromBy(['GEOSEARCHSTORE', dst, src], from, by), options);
    if (options?.storeDist) a.push('STOREDIST');
    return this._c(a, id);
  }

  // --- server ---------------------------------------------------------------------------
  /** INFO as `{ section: { field: value } }` (numbers as numbers). */
  info(...sections) {
    return this._c(['INFO', ...keyList(sections)], parseInfo);
  }
  memoryUsage(key, options) {
    return this._c(options?.samples !== undefined ? ['MEMORY', 'USAGE', key, 'SAMPLES', options.samples] : ['MEMORY', 'USAGE', key], id);
  }
  configGet(...patterns) {
    return this._c(['CONFIG', 'GET', ...keyList(patterns)], (v) => {
      const o = {};
      for (const [k, x] of pairsOf(v)) put(o, k, str(x));
      return o;
    });
  }
  configSet(params) {
    return this._c(pushPairs(['CONFIG', 'SET'], params), id);
  }
}

/** A MULTI ... EXEC transaction, built with the same typed methods and run by exec(). */
export class Multi extends Commands {
  constructor(db) {
    super();
    this.db = db;
    this.queue = [];
  }
  _c(args, transform) {
    this.queue.push([args, transform]);
    return this;
  }
  /** Queue any command. */
  command(name, ...args) {
    return this._c([name, ...args], id);
  }
  /**
   * Run the transaction. Resolves to one result per queued command (a failing command's
   * slot holds its CinnabarError), or null when a WATCHed key changed.
   */
  exec() {
    return this.db._transaction(this.queue);
  }
  /** Forget the queued commands. */
  discard() {
    this.queue = [];
  }
}

/** A Cinnabar database: one in-process engine. */
export class Cinnabar extends Commands {
  /** Load the wasm module (once); `open` does it for you. */
  static async ready() {
    await ensureWasm();
  }

  /**
   * Open a database. In-memory unless `persist.indexedDB` is given, in which case the last
   * snapshot stored under that name is restored first.
   */
  static async open(options = {}) {
    await ensureWasm();
    let snapshot = options.snapshot;
    let idbName = null;
    let from = null;
    if (options.persist?.indexedDB) {
      idbName = options.persist.indexedDB;
      if (snapshot === undefined) {
        snapshot = await idbLoad(idbName);
        from = `IndexedDB snapshot '${idbName}'`;
      }
    }
    let db;
    try {
      db = new Cinnabar(options, snapshot);
    } catch (err) {
      if (from && err instanceof SnapshotError) throw new SnapshotError(`${from} cannot be restored: ${err.message}`);
      throw err;
    }
    if (idbName) db._setupPersistence(idbName, options.persist);
    return db;
  }

  /** Open without awaiting (Node, workers, or after `await Cinnabar.ready()`); no IndexedDB. */
  static openSync(options = {}) {
    if (options.persist) throw new CinnabarError('ERR persist needs the async Cinnabar.open()');
    ensureWasmSync();
    return new Cinnabar(options, options.snapshot);
  }

  constructor(options = {}, snapshot) {
    super();
    if (!wasmExports) throw new CinnabarError('ERR use Cinnabar.open() to create a database');
    this.options = options;
    this.core = new Core(options);
    this.session = this.core.connect();
    this.bufs = !!options.returnBuffers;
    this.databases = options.databases ?? 16;
    this.subs = null;
    this.timers = [];
    this.lastCycle = 0;
    const mode = options.activeExpire ?? defaultActiveExpire;
    this.expireOnCall = mode === 'call';
    this.expireEvery = options.activeExpireIntervalMs ?? 100;
    if (snapshot !== undefined && snapshot !== null) {
      try {
        this._restore(snapshot);
      } catch (err) {
        this.core.free();
        throw err;
      }
    }
    this.savedDirty = this.core.e.dirty();
    this.savedAt = Date.now();
    if (mode === 'timer' && typeof setInterval === 'function') {
      const t = setInterval(() => this.core.activeExpire(1), this.expireEvery);
      t?.unref?.();
      this.timers.push(t);
      // The timer also keeps get/set's clock fresh between calls; within Redis's own
      // LRU clock resolution (1 s), so only for intervals up to that.
      if (this.expireEvery <= 1000) this.core.coarseClock();
    }
    if (typeof options.onExpired === 'function') this.on('expired', options.onExpired);
    if (typeof options.onEvicted === 'function') this.on('evicted', options.onEvicted);
  }

  _c(args, transform) {
    const v = this._run(args, this.bufs);
    if (v instanceof CinnabarError) throw v;
    return transform(v);
  }

  // The hot path of get/set: string arguments straight into wasm memory.
  _getSet(key, value) {
    if (this.expireOnCall) this._cycleOnCall();
    const v = this.core.runGetSet(this.session, key, value, this.bufs);
    if (v !== undefined) return v;
    return this.core.run(this.session, value === undefined ? ['GET', key] : ['SET', key, value], this.bufs);
  }

  _cycleOnCall() {
    const core = this.core;
    const now = core.now ? core.now() : Date.now();
    if (now - this.lastCycle >= this.expireEvery) {
      this.lastCycle = now;
      core.activeExpire(1);
    }
  }

  get(key) {
    const v = typeof key === 'string' ? this._getSet(key, undefined) : this._run(['GET', key], this.bufs);
    if (v instanceof CinnabarError) throw v;
    return v;
  }

  set(key, value, options) {
    const v =
      options === undefined && typeof key === 'string' && typeof value === 'string'
        ? this._getSet(key, value)
        : this._run(setArgs(key, value, options), this.bufs);
    if (v instanceof CinnabarError) throw v;
    return v;
  }

  _run(args, bufs) {
    const core = this.core;
    if (this.expireOnCall) {
      const now = core.now ? core.now() : Date.now();
      if (now - this.lastCycle >= this.expireEvery) {
        this.lastCycle = now;
        core.activeExpire(1);
      }
    }
    return core.run(this.session, args, bufs);
  }

  /**
   * Run any command the engine has. Arguments are strings, numbers, bigints or bytes.
   * Replies: simple/bulk strings → string (bulk as Uint8Array with returnBuffers),
   * integer → number, null → null, array → Array, map → object (Map with returnBuffers),
   * double → number, boolean → boolean, big number → bigint. Errors throw CinnabarError.
   */
  command(name, ...args) {
    const v = this._run([name, ...args], this.bufs);
    if (v instanceof CinnabarError) throw v;
    return v;
  }

  /** `command` with bulk replies as Uint8Array, whatever `returnBuffers` says. */
  commandBuffer(name, ...args) {
    const v = this._run([name, ...args], true);
    if (v instanceof CinnabarError) throw v;
    return v;
  }

  /** GET, as bytes. */
  getBuffer(key) {
    return this.commandBuffer('GET', key);
  }

  /** Iterate over keys with SCAN (works with `for` and `for await`). */
  *scan(options = {}) {
    let cursor = '0';
    do {
      const a = ['SCAN', cursor];
      if (options.match !== undefined) a.push('MATCH', options.match);
      if (options.count !== undefined) a.push('COUNT', options.count);
      if (options.type !== undefined) a.push('TYPE', options.type);
      const [next, keys] = this.command(...a);
      cursor = str(next);
      yield* keys;
    } while (cursor !== '0');
  }

  /** HSCAN as an iterator of [field, value]. */
  *hscan(key, options = {}) {
    yield* this._scanPairs('HSCAN', key, options, false);
  }

  /** ZSCAN as an iterator of [member, score]. */
  *zscan(key, options = {}) {
    yield* this._scanPairs('ZSCAN', key, options, true);
  }

  /** SSCAN as an iterator of members. */
  *sscan(key, options = {}) {
    let cursor = '0';
    do {
      const a = ['SSCAN', key, cursor];
      if (options.match !== undefined) a.push('MATCH', options.match);
      if (options.count !== undefined) a.push('COUNT', options.count);
      const [next, items] = this.command(...a);
      cursor = str(next);
      yield* items;
    } while (cursor !== '0');
  }

  *_scanPairs(cmd, key, options, numeric) {
    let cursor = '0';
    do {
      const a = [cmd, key, cursor];
      if (options.match !== undefined) a.push('MATCH', options.match);
      if (options.count !== undefined) a.push('COUNT', options.count);
      const [next, items] = this.command(...a);
      cursor = str(next);
      for (let i = 0; i + 1 < items.length; i += 2) yield [items[i], numeric ? Number(str(items[i + 1])) : items[i + 1]];
    } while (cursor !== '0');
  }

  /** Start a transaction builder; `await`/call `.exec()` to run it. */
  multi() {
    return new Multi(this);
  }

  /** WATCH keys for the next multi().exec(). */
  watch(...keys) {
    return this.command('WATCH', ...keyList(keys));
  }

  unwatch() {
    return this.command('UNWATCH');
  }

  _transaction(queue) {
    // expired/evicted listeners wait until EXEC is done: their calls must not be queued.
    this.inTx = true;
    let out;
    try {
      const r = this._run(['MULTI'], this.bufs);
      if (r instanceof CinnabarError) throw r;
      for (const [args] of queue) {
        this._run(args, this.bufs); // QUEUED, or an error that makes EXEC abort
      }
      out = this._run(['EXEC'], this.bufs);
    } finally {
      this.inTx = false;
      const held = this.heldRemoved;
      this.heldRemoved = null;
      if (held) this._emitRemoved(held);
    }
    if (out instanceof CinnabarError) throw out;
    if (out === null) return null;
    return out.map((v, i) => (v instanceof CinnabarError ? v : queue[i][1](v)));
  }

  // --- Pub/Sub --------------------------------------------------------------------------

  _subSession() {
    if (this.subs) return this.subs;
    const s = this.core.connect();
    this.subs = { session: s, channels: new Map(), patterns: new Map() };
    this.core.listeners.set(s, (msg) => {
      const kind = str(msg[0]);
      if (kind === 'pmessage') {
        for (const cb of this.subs?.patterns.get(str(msg[1])) ?? []) cb(msg[3], str(msg[2]), str(msg[1]));
      } else {
        for (const cb of this.subs?.channels.get(str(msg[1])) ?? []) cb(msg[2], str(msg[1]));
      }
    });
    return this.subs;
  }

  _sub(kind, map, name, cb) {
    const subs = this._subSession();
    const key = String(name);
    let set = map.get(key);
    if (!set) {
      set = new Set();
      map.set(key, set);
      const r = this.core.run(subs.session, [kind, name], false);
      if (r instanceof CinnabarError) throw r;
    }
    set.add(cb);
    return () => {
      if (!set.delete(cb) || set.size > 0) return;
      map.delete(key);
      if (!this.core.closed) this.core.run(subs.session, [kind === 'SUBSCRIBE' ? 'UNSUBSCRIBE' : 'PUNSUBSCRIBE', name], false);
    };
  }

  /** Call `cb(message, channel)` for each message on `channel`; returns an unsubscribe function. Delivery is asynchronous (a microtask after the publishing call). */
  subscribe(channel, cb) {
    return this._sub('SUBSCRIBE', this._subSession().channels, channel, cb);
  }

  /** Call `cb(message, channel, pattern)` for messages on channels matching `pattern`. */
  psubscribe(pattern, cb) {
    return this._sub('PSUBSCRIBE', this._subSession().patterns, pattern, cb);
  }

  // --- expired / evicted events ---------------------------------------------------------

  /**
   * Call `fn(key, dbIndex, db)` for each key the engine removes by itself: `'expired'`
   * (its TTL passed: found by the active expiry cycle or on access) or `'evicted'`
   * (maxmemory). Listeners run synchronously, once the call that removed the keys has
   * its reply (before that call returns), or after an active expiry cycle; an exception
   * in a listener is rethrown asynchronously. DEL, overwrites and FLUSH* are not
   * reported. Returns a function that removes the listener.
   */
  on(event, fn) {
    if (event !== 'expired' && event !== 'evicted') throw new TypeError(`cinnabar: unknown event ${event} (expected 'expired' or 'evicted')`);
    if (typeof fn !== 'function') throw new TypeError('cinnabar: on() needs a function');
    const l = (this.removedListeners ??= { expired: new Set(), evicted: new Set() });
    l[event].add(fn);
    this._syncRemovedLog();
    return () => this.off(event, fn);
  }

  /** Remove a listener added with `on` (or the `onExpired` / `onEvicted` options). */
  off(event, fn) {
    const l = this.removedListeners;
    if (l?.[event]?.delete(fn)) this._syncRemovedLog();
  }

  _syncRemovedLog() {
    const l = this.removedListeners;
    const on = !!l && l.expired.size + l.evicted.size > 0;
    const core = this.core;
    if (core.closed) return;
    if (on !== !!this.removedOn) {
      core.e.set_removed_log(on);
      this.removedOn = on;
    }
    core.onRemoved = on ? (recs) => this._emitRemoved(recs) : null;
  }

  _emitRemoved(recs) {
    if (this.inTx) {
      (this.heldRemoved ??= []).push(...recs);
      return;
    }
    const l = this.removedListeners;
    for (let i = 0; i + 2 < recs.length; i += 3) {
      const set = recs[i] ? l.evicted : l.expired;
      for (const fn of set) {
        try {
          fn(recs[i + 2], recs[i + 1], this);
        } catch (err) {
          queueMicrotask(() => {
            throw err;
          });
        }
      }
    }
  }

  // --- hooks ----------------------------------------------------------------------------

  /**
   * Register `fn(redis, keys, args)` as the function `name`, run atomically by
   * `FCALL name numkeys key... arg...` (`db.fcall(name, keys, args)`). Inside it,
   * `redis.call(...)` runs a command and throws its error as a CinnabarError (which, if
   * not caught, becomes the FCALL's error reply); `redis.pcall(...)` returns the error
   * as a value. With `{ readOnly: true }` the hook may not write and FCALL_RO may run it.
   * The return value becomes the reply (see README, "Hooks"). Hooks must be
   * synchronous; registering a name again replaces the hook.
   */
  registerHook(name, fn, options = {}) {
    if (typeof fn !== 'function') throw new TypeError('cinnabar: registerHook needs a function');
    const core = this.core;
    if (core.closed) throw core.poisoned ?? new CinnabarError('ERR the database is closed');
    if (core.inHook > 0) throw inHookError();
    const bufs = this.bufs;
    core.e.register_hook(String(name), !!options.readOnly, () => core.runHook(fn, bufs));
  }

  /**
   * Make `EVAL body ...` / `EVALSHA sha1(body) ...` (and SCRIPT LOAD/EXISTS) run the hook
   * `hookName`, so clients that send Lua scripts work without Lua. Returns the SHA1.
   */
  registerScript(body, hookName) {
    const core = this.core;
    if (core.closed) throw core.poisoned ?? new CinnabarError('ERR the database is closed');
    if (core.inHook > 0) throw inHookError();
    const bytes = typeof body === 'string' ? te.encode(body) : body;
    return core.e.register_script(bytes, String(hookName));
  }

  // --- expiry, snapshots, persistence -----------------------------------------------------

  /** Run one active expiry cycle now (hosts normally leave this to the timer). */
  activeExpire(budgetMs = 1) {
    return this.core.activeExpire(budgetMs);
  }

  /**
   * The whole dataset as an RDB file: the bytes redis-server or cinnabar-server would
   * write as dump.rdb (so either can load it), TTLs as absolute deadlines.
   */
  snapshot() {
    const core = this.core;
    if (core.closed) throw core.poisoned ?? new CinnabarError('ERR the database is closed');
    if (core.inHook > 0) throw inHookError();
    try {
      return core.e.snapshot(core.now ? core.now() : Date.now());
    } catch (err) {
      const t = core.trap(err);
      throw t === core.poisoned ? t : new CinnabarError(`ERR snapshot failed: ${err.message ?? err}`);
    }
  }

  /**
   * Replace the whole dataset with an RDB snapshot (from `snapshot()`, or a dump.rdb of
   * Redis or cinnabar-server); keys whose deadline has passed are dropped. All or
   * nothing: a corrupt snapshot throws a SnapshotError and leaves the data as they were.
   * Returns the number of keys loaded.
   */
  restore(bytes) {
    const core = this.core;
    if (core.closed) throw core.poisoned ?? new CinnabarError('ERR the database is closed');
    if (core.inHook > 0) throw inHookError();
    return this._restore(bytes);
  }

  _restore(bytes) {
    if (!(bytes instanceof Uint8Array)) throw new SnapshotError('snapshot must be a Uint8Array');
    const core = this.core;
    try {
      return core.e.restore(bytes, core.now ? core.now() : Date.now());
    } catch (err) {
      const t = core.trap(err);
      throw t === core.poisoned ? t : new SnapshotError(err.message ?? String(err));
    }
  }

  _setupPersistence(name, persist) {
    this.idbName = name;
    const auto = persist.autosave;
    if (auto && typeof setInterval === 'function') {
      const t = setInterval(() => {
        const changes = this.core.e.dirty() - this.savedDirty;
        if (changes >= (auto.changes ?? 1) && Date.now() - this.savedAt >= (auto.seconds ?? 0) * 1000) {
          this.save().catch((err) => this.onSaveError?.(err));
        }
      }, 1000);
      t?.unref?.();
      this.timers.push(t);
    }
    if (typeof addEventListener === 'function') {
      const flush = () => {
        if (this.core.closed || this.core.e.dirty() === this.savedDirty) return;
        this.save().catch((err) => this.onSaveError?.(err));
      };
      const onVis = () => {
        if (globalThis.document?.visibilityState === 'hidden') flush();
      };
      addEventListener('pagehide', flush);
      addEventListener('visibilitychange', onVis);
      this.unlisten = () => {
        removeEventListener('pagehide', flush);
        removeEventListener('visibilitychange', onVis);
      };
    }
  }

  /** Write a snapshot to IndexedDB (the previous one stays until the new one is stored). */
  async save() {
    if (!this.idbName) throw new CinnabarError('ERR no persistence configured (open with persist: { indexedDB: name })');
    const dirty = this.core.e.dirty();
    const bytes = this.snapshot();
    await idbSave(this.idbName, bytes);
    this.savedDirty = dirty;
    this.savedAt = Date.now();
    return bytes.length;
  }

  /** Changes since the last save (or open). */
  get changesSinceSave() {
    return this.core.e.dirty() - this.savedDirty;
  }

  /** Bytes of wasm linear memory (all databases of this module instance share it). */
  static wasmMemoryBytes() {
    return wasmExports ? wasmExports.memory.buffer.byteLength : 0;
  }

  /** Close the database: timers stop, memory is released. */
  close() {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.unlisten?.();
    this.core.free();
  }

  [Symbol.dispose ?? Symbol.for('Symbol.dispose')]() {
    this.close();
  }
}

let defaultActiveExpire = 'timer';
/** Platform entries set how active expiry runs by default ('timer' | 'call'). */
export function setDefaultActiveExpire(mode) {
  defaultActiveExpire = mode;
}

/** For the tests: make the engine panic, to check the panic surfaces as an exception. */
export function __panicForTests(db, message) {
  try {
    __panicForTest(message);
  } catch (err) {
    throw db.core.trap(err);
  }
}

export default Cinnabar;
