// Types of the cinnabar package: one in-process, Redis-compatible engine (WebAssembly).

/** An argument: strings are sent as UTF-8, numbers/bigints as their decimal text. */
export type Arg = string | number | bigint | Uint8Array | ArrayBuffer | ArrayBufferView;
/** Keys and values. */
export type Key = string | Uint8Array;
export type Value = string | number | bigint | Uint8Array;

/** A reply of `command()`. */
export type Reply =
  | string
  | number
  | bigint
  | boolean
  | null
  | Uint8Array
  | CinnabarError
  | Reply[]
  | { [key: string]: Reply }
  | Map<Reply, Reply>;

/** A bulk string reply: a string, or a Uint8Array when the database returns buffers. */
export type Bulk<B extends boolean> = B extends true ? Uint8Array : string;

export interface PersistOptions {
  /** The IndexedDB name under which snapshots are stored. */
  indexedDB: string;
  /** Save when at least `changes` writes happened and `seconds` passed since the last save (as Redis's `save <seconds> <changes>`). */
  autosave?: { seconds: number; changes: number };
}

export interface OpenOptions<B extends boolean = boolean> {
  /** Number of databases (SELECT 0..n-1); default 16. */
  databases?: number;
  /** maxmemory, in bytes or Redis units ("100mb"). */
  maxmemory?: number | string;
  /** maxmemory-policy: noeviction, allkeys-lru, volatile-lru, allkeys-lfu, volatile-lfu, allkeys-random, volatile-random, volatile-ttl. */
  maxmemoryPolicy?:
    | 'noeviction'
    | 'allkeys-lru'
    | 'volatile-lru'
    | 'allkeys-lfu'
    | 'volatile-lfu'
    | 'allkeys-random'
    | 'volatile-random'
    | 'volatile-ttl';
  /** Any other CONFIG SET parameter, applied at start. */
  config?: Record<string, string | number>;
  /** Start from this snapshot (from `db.snapshot()`). */
  snapshot?: Uint8Array;
  /** Persist snapshots to IndexedDB (browsers). */
  persist?: PersistOptions;
  /** Bulk string replies as Uint8Array (maps become `Map`s). */
  returnBuffers?: B;
  /** The clock, in Unix ms (default `Date.now`); inject one to test TTLs without waiting. */
  now?: () => number;
  /**
   * How the active expiry cycle runs: on an unref'd timer (default), on each call (default in workerd), or never (lazy expiry only).
   * With the timer (interval up to 1 s), `get`/`set` read `Date.now()` only every 256 calls and on each tick, as Redis refreshes its
   * LRU clock in its cron: LRU/LFU stamps and idle times may lag by that much, expiry never does (a key with a TTL is checked
   * against the real time).
   */
  activeExpire?: 'timer' | 'call' | false;
  /** Interval of the active expiry cycle, ms (default 100). */
  activeExpireIntervalMs?: number;
  /** Listener of the `expired` event (see `Cinnabar.on`). */
  onExpired?: RemovedListener<B>;
  /** Listener of the `evicted` event (see `Cinnabar.on`). */
  onEvicted?: RemovedListener<B>;
}

/** An error reply. `message` is Redis's text; `code` its first word ("ERR", "WRONGTYPE", "OOM"...). */
export class CinnabarError extends Error {
  constructor(message: string, code?: string);
  readonly code: string;
}

/** A snapshot that can't be restored (corrupt, truncated, incompatible); `code` is "SNAPSHOT". */
export class SnapshotError extends CinnabarError {
  constructor(message: string);
}

export interface SetOptions {
  ex?: number;
  px?: number;
  exat?: number;
  pxat?: number;
  nx?: boolean;
  xx?: boolean;
  keepTtl?: boolean;
  /** Return the old value (SET ... GET). */
  get?: boolean;
}

export interface GetExOptions {
  ex?: number;
  px?: number;
  exat?: number;
  pxat?: number;
  persist?: boolean;
}

export type ExpireMode = 'NX' | 'XX' | 'GT' | 'LT';

export interface ZAddOptions {
  nx?: boolean;
  xx?: boolean;
  gt?: boolean;
  lt?: boolean;
  /** Count changed members, not only added ones. */
  ch?: boolean;
}

export interface ZRangeOptions {
  by?: 'score' | 'lex';
  rev?: boolean;
  limit?: { offset: number; count: number };
  withScores?: boolean;
}

export interface ScanOptions {
  match?: string;
  count?: number;
  type?: 'string' | 'list' | 'hash' | 'set' | 'zset' | string;
}

/** Field/value pairs: an object, a Map or `[field, value]` pairs. */
export type FieldValues = Record<string, Value> | Map<Key, Value> | [Key, Value][];

/** A stream entry. Field names are decoded as UTF-8 strings; values are `Bulk<B>`. */
export interface StreamEntry<B extends boolean = false> {
  id: string;
  fields: Record<string, Bulk<B>>;
}
/** An entry read from a consumer group's history: `fields` is null when the entry was deleted (XDEL/XTRIM) after delivery. */
export interface StreamEntryOrDeleted<B extends boolean = false> {
  id: string;
  fields: Record<string, Bulk<B>> | null;
}
/** One stream's entries in an XREAD / XREADGROUP reply. */
export interface StreamRead<E> {
  key: string;
  entries: E[];
}
/** MAXLEN or MINID trimming (`approx` is `~`; `limit` needs `approx`). */
export interface StreamTrimOptions {
  maxlen?: number;
  minid?: string;
  approx?: boolean;
  limit?: number;
}
export interface XAddOptions extends StreamTrimOptions {
  /** Don't create the stream if missing (xadd returns null then). */
  nomkstream?: boolean;
}
/** Streams to read and the id to read after: `{ key: id }`, a Map or `[key, id]` pairs (`'$'`: new entries only; in xreadgroup, `'>'`: never delivered). */
export type StreamIds = Record<string, string> | Map<Key, string> | [Key, string][];
export interface XReadOptions {
  count?: number;
  /** Not supported by the typed methods (the engine is synchronous: a read cannot wait); passing one throws. */
  block?: never;
}
export interface XReadGroupOptions extends XReadOptions {
  noack?: boolean;
}
export interface XPendingSummary {
  count: number;
  minId: string | null;
  maxId: string | null;
  consumers: { name: string; pending: number }[];
}
export interface XPendingRange {
  start?: string;
  end?: string;
  count: number;
  /** Only entries idle at least this many ms. */
  idle?: number;
  consumer?: Key;
}
export interface XPendingEntry {
  id: string;
  consumer: string;
  /** ms since the last delivery. */
  idle: number;
  deliveries: number;
}
export interface XClaimOptions {
  idle?: number;
  time?: number;
  retryCount?: number;
  force?: boolean;
  justId?: boolean;
  lastId?: string;
}
export interface XAutoClaimResult<E> {
  /** The cursor for the next call ('0-0' when the scan is complete). */
  nextId: string;
  entries: E[];
  /** Pending ids whose entries no longer exist (removed from the PEL). */
  deletedIds: string[];
}
export interface XInfoStream<B extends boolean = false> {
  length: number;
  radixTreeKeys: number;
  radixTreeNodes: number;
  lastGeneratedId: string;
  maxDeletedEntryId: string;
  entriesAdded: number;
  recordedFirstEntryId: string;
  groups: number;
  firstEntry: StreamEntry<B> | null;
  lastEntry: StreamEntry<B> | null;
}
export interface XInfoStreamFull<B extends boolean = false> {
  length: number;
  radixTreeKeys: number;
  radixTreeNodes: number;
  lastGeneratedId: string;
  maxDeletedEntryId: string;
  entriesAdded: number;
  recordedFirstEntryId: string;
  entries: StreamEntry<B>[];
  groups: {
    name: string;
    lastDeliveredId: string;
    entriesRead: number | null;
    lag: number | null;
    pelCount: number;
    pending: { id: string; consumer: string; deliveryTime: number; deliveryCount: number }[];
    consumers: {
      name: string;
      seenTime: number;
      activeTime: number;
      pelCount: number;
      pending: { id: string; deliveryTime: number; deliveryCount: number }[];
    }[];
  }[];
}
export interface XInfoGroup {
  name: string;
  consumers: number;
  pending: number;
  lastDeliveredId: string;
  entriesRead: number | null;
  lag: number | null;
}
export interface XInfoConsumer {
  name: string;
  pending: number;
  /** ms since the consumer's last attempted interaction. */
  idle: number;
  /** ms since its last successful interaction (-1 if never). */
  inactive: number;
}

/** A bit range: `start`/`end` (inclusive, negative from the end; `end` defaults to -1) in bytes or bits. */
export interface BitRange {
  start: number;
  end?: number;
  unit?: 'byte' | 'bit' | 'BYTE' | 'BIT';
}
/** `i1`..`i64` (signed) or `u1`..`u63` (unsigned). */
export type BitfieldType = `i${number}` | `u${number}`;
/** A bit offset, or `#n`: n times the type's width. */
export type BitfieldOffset = number | `#${number}`;
export type BitfieldOp =
  | { op: 'get'; type: BitfieldType; offset: BitfieldOffset }
  | { op: 'set'; type: BitfieldType; offset: BitfieldOffset; value: number | bigint }
  | { op: 'incrby'; type: BitfieldType; offset: BitfieldOffset; increment: number | bigint }
  | { op: 'overflow'; behavior: 'wrap' | 'sat' | 'fail' | 'WRAP' | 'SAT' | 'FAIL' };
export type BitOp = 'AND' | 'OR' | 'XOR' | 'NOT' | 'and' | 'or' | 'xor' | 'not';

export type GeoUnit = 'm' | 'km' | 'mi' | 'ft';
export interface GeoMember {
  longitude: number;
  latitude: number;
  member: Value;
}
export interface GeoCoordinates {
  longitude: number;
  latitude: number;
}
/** Search around a member of the set, or around a point. */
export type GeoFrom = { member: Value } | { longitude: number; latitude: number };
/** Within a radius, or within a box (`unit` defaults to 'm'). */
export type GeoBy = { radius: number; unit?: GeoUnit } | { width: number; height: number; unit?: GeoUnit };
export interface GeoSearchOptions {
  sort?: 'ASC' | 'DESC' | 'asc' | 'desc';
  count?: number;
  /** With `count`: stop at the first `count` matches found (not the nearest). */
  any?: boolean;
  withCoord?: boolean;
  withDist?: boolean;
  withHash?: boolean;
}
/** A geosearch match with what was asked for: distance in the search's unit, the 52-bit geohash score, coordinates. */
export interface GeoSearchResult<B extends boolean = false> {
  member: Bulk<B>;
  distance?: number;
  hash?: number;
  coordinates?: GeoCoordinates;
}
export type GeoSearchWith = { withCoord: true } | { withDist: true } | { withHash: true };
export interface GeoSearchStoreOptions {
  sort?: 'ASC' | 'DESC' | 'asc' | 'desc';
  count?: number;
  any?: boolean;
  /** Store distances (in the search's unit) as scores instead of geohashes. */
  storeDist?: boolean;
}

export interface ZStoreOptions {
  weights?: number[];
  aggregate?: 'SUM' | 'MIN' | 'MAX' | 'sum' | 'min' | 'max';
}

/** INFO parsed: `{ section: { field: value } }` (section names lower-case; numbers as numbers; `a=1,b=2` values, as in keyspace/commandstats, as objects). */
export type InfoResult = Record<string, Record<string, string | number | Record<string, string | number>>>;

/** A listener of the `expired` / `evicted` events: the key, its database index (SELECT), the database. */
export type RemovedListener<B extends boolean = false> = (key: Bulk<B>, dbIndex: number, db: Cinnabar<B>) => void;

/** The typed methods; on a database they return results, on a `Multi` they queue and return the builder. */
export interface CommandMethods<B extends boolean, R> {
  // strings
  get(key: Key): R extends 'now' ? Bulk<B> | null : R;
  set(key: Key, value: Value, options?: SetOptions): R extends 'now' ? 'OK' | Bulk<B> | null : R;
  setnx(key: Key, value: Value): R extends 'now' ? boolean : R;
  getdel(key: Key): R extends 'now' ? Bulk<B> | null : R;
  getex(key: Key, options?: GetExOptions): R extends 'now' ? Bulk<B> | null : R;
  getset(key: Key, value: Value): R extends 'now' ? Bulk<B> | null : R;
  mget(...keys: Key[] | [Key[]]): R extends 'now' ? (Bulk<B> | null)[] : R;
  mset(entries: Record<string, Value> | Map<Key, Value> | [Key, Value][]): R extends 'now' ? 'OK' : R;
  msetnx(entries: Record<string, Value> | Map<Key, Value> | [Key, Value][]): R extends 'now' ? boolean : R;
  incr(key: Key): R extends 'now' ? number : R;
  incrby(key: Key, by: number | bigint): R extends 'now' ? number : R;
  incrbyfloat(key: Key, by: number): R extends 'now' ? number : R;
  decr(key: Key): R extends 'now' ? number : R;
  decrby(key: Key, by: number | bigint): R extends 'now' ? number : R;
  append(key: Key, value: Value): R extends 'now' ? number : R;
  strlen(key: Key): R extends 'now' ? number : R;
  getrange(key: Key, start: number, end: number): R extends 'now' ? Bulk<B> : R;
  setrange(key: Key, offset: number, value: Value): R extends 'now' ? number : R;
  // keys and TTLs
  del(...keys: Key[] | [Key[]]): R extends 'now' ? number : R;
  unlink(...keys: Key[] | [Key[]]): R extends 'now' ? number : R;
  exists(...keys: Key[] | [Key[]]): R extends 'now' ? number : R;
  type(key: Key): R extends 'now' ? 'none' | 'string' | 'list' | 'hash' | 'set' | 'zset' | string : R;
  keys(pattern?: string): R extends 'now' ? Bulk<B>[] : R;
  rename(key: Key, newKey: Key): R extends 'now' ? 'OK' : R;
  renamenx(key: Key, newKey: Key): R extends 'now' ? boolean : R;
  copy(src: Key, dst: Key, options?: { db?: number; replace?: boolean }): R extends 'now' ? boolean : R;
  touch(...keys: Key[] | [Key[]]): R extends 'now' ? number : R;
  randomkey(): R extends 'now' ? Bulk<B> | null : R;
  expire(key: Key, seconds: number, mode?: ExpireMode): R extends 'now' ? boolean : R;
  pexpire(key: Key, ms: number, mode?: ExpireMode): R extends 'now' ? boolean : R;
  expireat(key: Key, unixSeconds: number, mode?: ExpireMode): R extends 'now' ? boolean : R;
  pexpireat(key: Key, unixMs: number, mode?: ExpireMode): R extends 'now' ? boolean : R;
  /** Seconds to live; -1 without a TTL, -2 when the key does not exist. */
  ttl(key: Key): R extends 'now' ? number : R;
  pttl(key: Key): R extends 'now' ? number : R;
  expiretime(key: Key): R extends 'now' ? number : R;
  pexpiretime(key: Key): R extends 'now' ? number : R;
  persist(key: Key): R extends 'now' ? boolean : R;
  dbsize(): R extends 'now' ? number : R;
  flushdb(): R extends 'now' ? 'OK' : R;
  flushall(): R extends 'now' ? 'OK' : R;
  ping(message?: Value): R extends 'now' ? string : R;
  publish(channel: Key, message: Value): R extends 'now' ? number : R;
  // hooks (FCALL / EVAL without Lua)
  /** FCALL: run the hook `name` atomically with these keys and arguments. */
  fcall(name: string, keys?: Key[], args?: Arg[]): R extends 'now' ? Reply : R;
  /** FCALL_RO: only read-only hooks. */
  fcallRo(name: string, keys?: Key[], args?: Arg[]): R extends 'now' ? Reply : R;
  /** EVAL of a script body registered with `registerScript`. */
  eval(script: string | Uint8Array, keys?: Key[], args?: Arg[]): R extends 'now' ? Reply : R;
  evalRo(script: string | Uint8Array, keys?: Key[], args?: Arg[]): R extends 'now' ? Reply : R;
  /** EVALSHA of a registered script's SHA1. */
  evalsha(sha1: string, keys?: Key[], args?: Arg[]): R extends 'now' ? Reply : R;
  evalshaRo(sha1: string, keys?: Key[], args?: Arg[]): R extends 'now' ? Reply : R;
  // hashes
  hset(key: Key, entries: Record<string, Value> | Map<Key, Value> | [Key, Value][]): R extends 'now' ? number : R;
  hset(key: Key, field: Key, value: Value): R extends 'now' ? number : R;
  hsetnx(key: Key, field: Key, value: Value): R extends 'now' ? boolean : R;
  hget(key: Key, field: Key): R extends 'now' ? Bulk<B> | null : R;
  hmget(key: Key, ...fields: Key[] | [Key[]]): R extends 'now' ? (Bulk<B> | null)[] : R;
  /** All fields: an object (a `Map` with returnBuffers). */
  hgetall(key: Key): R extends 'now' ? (B extends true ? Map<Uint8Array, Uint8Array> : Record<string, string>) : R;
  hdel(key: Key, ...fields: Key[] | [Key[]]): R extends 'now' ? number : R;
  hexists(key: Key, field: Key): R extends 'now' ? boolean : R;
  hlen(key: Key): R extends 'now' ? number : R;
  hkeys(key: Key): R extends 'now' ? Bulk<B>[] : R;
  hvals(key: Key): R extends 'now' ? Bulk<B>[] : R;
  hstrlen(key: Key, field: Key): R extends 'now' ? number : R;
  hincrby(key: Key, field: Key, by: number | bigint): R extends 'now' ? number : R;
  hincrbyfloat(key: Key, field: Key, by: number): R extends 'now' ? number : R;
  // lists
  lpush(key: Key, ...values: Value[] | [Value[]]): R extends 'now' ? number : R;
  rpush(key: Key, ...values: Value[] | [Value[]]): R extends 'now' ? number : R;
  lpop(key: Key): R extends 'now' ? Bulk<B> | null : R;
  lpop(key: Key, count: number): R extends 'now' ? Bulk<B>[] | null : R;
  rpop(key: Key): R extends 'now' ? Bulk<B> | null : R;
  rpop(key: Key, count: number): R extends 'now' ? Bulk<B>[] | null : R;
  lrange(key: Key, start: number, stop: number): R extends 'now' ? Bulk<B>[] : R;
  llen(key: Key): R extends 'now' ? number : R;
  lindex(key: Key, index: number): R extends 'now' ? Bulk<B> | null : R;
  lset(key: Key, index: number, value: Value): R extends 'now' ? 'OK' : R;
  lrem(key: Key, count: number, value: Value): R extends 'now' ? number : R;
  ltrim(key: Key, start: number, stop: number): R extends 'now' ? 'OK' : R;
  // sets
  sadd(key: Key, ...members: Value[] | [Value[]]): R extends 'now' ? number : R;
  srem(key: Key, ...members: Value[] | [Value[]]): R extends 'now' ? number : R;
  smembers(key: Key): R extends 'now' ? Bulk<B>[] : R;
  sismember(key: Key, member: Value): R extends 'now' ? boolean : R;
  smismember(key: Key, ...members: Value[] | [Value[]]): R extends 'now' ? boolean[] : R;
  scard(key: Key): R extends 'now' ? number : R;
  spop(key: Key): R extends 'now' ? Bulk<B> | null : R;
  spop(key: Key, count: number): R extends 'now' ? Bulk<B>[] : R;
  srandmember(key: Key): R extends 'now' ? Bulk<B> | null : R;
  srandmember(key: Key, count: number): R extends 'now' ? Bulk<B>[] : R;
  sinter(...keys: Key[] | [Key[]]): R extends 'now' ? Bulk<B>[] : R;
  sunion(...keys: Key[] | [Key[]]): R extends 'now' ? Bulk<B>[] : R;
  sdiff(...keys: Key[] | [Key[]]): R extends 'now' ? Bulk<B>[] : R;
  // sorted sets
  /** Members and their scores: `{ member: score }` or a Map. */
  zadd(key: Key, members: Record<string, number> | Map<Key, number>, options?: ZAddOptions): R extends 'now' ? number : R;
  zincrby(key: Key, by: number, member: Value): R extends 'now' ? number : R;
  zscore(key: Key, member: Value): R extends 'now' ? number | null : R;
  zmscore(key: Key, ...members: Value[] | [Value[]]): R extends 'now' ? (number | null)[] : R;
  zrem(key: Key, ...members: Value[] | [Value[]]): R extends 'now' ? number : R;
  zcard(key: Key): R extends 'now' ? number : R;
  zcount(key: Key, min: number | string, max: number | string): R extends 'now' ? number : R;
  zrank(key: Key, member: Value): R extends 'now' ? number | null : R;
  zrevrank(key: Key, member: Value): R extends 'now' ? number | null : R;
  /** ZRANGE: members, or [member, score] pairs with `withScores`. */
  zrange(
    key: Key,
    start: number | string,
    stop: number | string,
    options?: ZRangeOptions,
  ): R extends 'now' ? Bulk<B>[] | [Bulk<B>, number][] : R;
  zpopmin(key: Key, count?: number): R extends 'now' ? [Bulk<B>, number][] : R;
  zpopmax(key: Key, count?: number): R extends 'now' ? [Bulk<B>, number][] : R;
  zrevrange(key: Key, start: number, stop: number, options?: { withScores?: false }): R extends 'now' ? Bulk<B>[] : R;
  zrevrange(key: Key, start: number, stop: number, options: { withScores: true }): R extends 'now' ? [Bulk<B>, number][] : R;
  zrangebyscore(key: Key, min: number | string, max: number | string, options?: { limit?: { offset: number; count: number }; withScores?: false }): R extends 'now' ? Bulk<B>[] : R;
  zrangebyscore(key: Key, min: number | string, max: number | string, options: { limit?: { offset: number; count: number }; withScores: true }): R extends 'now' ? [Bulk<B>, number][] : R;
  zrevrangebyscore(key: Key, max: number | string, min: number | string, options?: { limit?: { offset: number; count: number }; withScores?: false }): R extends 'now' ? Bulk<B>[] : R;
  zrevrangebyscore(key: Key, max: number | string, min: number | string, options: { limit?: { offset: number; count: number }; withScores: true }): R extends 'now' ? [Bulk<B>, number][] : R;
  zrangebylex(key: Key, min: string, max: string, options?: { limit?: { offset: number; count: number } }): R extends 'now' ? Bulk<B>[] : R;
  zrevrangebylex(key: Key, max: string, min: string, options?: { limit?: { offset: number; count: number } }): R extends 'now' ? Bulk<B>[] : R;
  /** ZRANGESTORE: store the range of `src` in `dst`; returns its size. */
  zrangestore(dst: Key, src: Key, start: number | string, stop: number | string, options?: Omit<ZRangeOptions, 'withScores'>): R extends 'now' ? number : R;
  zlexcount(key: Key, min: string, max: string): R extends 'now' ? number : R;
  zremrangebyscore(key: Key, min: number | string, max: number | string): R extends 'now' ? number : R;
  zremrangebyrank(key: Key, start: number, stop: number): R extends 'now' ? number : R;
  zremrangebylex(key: Key, min: string, max: string): R extends 'now' ? number : R;
  zrandmember(key: Key): R extends 'now' ? Bulk<B> | null : R;
  zrandmember(key: Key, count: number, withScores?: false): R extends 'now' ? Bulk<B>[] : R;
  zrandmember(key: Key, count: number, withScores: true): R extends 'now' ? [Bulk<B>, number][] : R;
  zunionstore(dst: Key, keys: Key[], options?: ZStoreOptions): R extends 'now' ? number : R;
  zinterstore(dst: Key, keys: Key[], options?: ZStoreOptions): R extends 'now' ? number : R;
  zdiffstore(dst: Key, keys: Key[]): R extends 'now' ? number : R;
  zunion(keys: Key[], options?: ZStoreOptions & { withScores?: false }): R extends 'now' ? Bulk<B>[] : R;
  zunion(keys: Key[], options: ZStoreOptions & { withScores: true }): R extends 'now' ? [Bulk<B>, number][] : R;
  zinter(keys: Key[], options?: ZStoreOptions & { withScores?: false }): R extends 'now' ? Bulk<B>[] : R;
  zinter(keys: Key[], options: ZStoreOptions & { withScores: true }): R extends 'now' ? [Bulk<B>, number][] : R;
  zdiff(keys: Key[], options?: { withScores?: false }): R extends 'now' ? Bulk<B>[] : R;
  zdiff(keys: Key[], options: { withScores: true }): R extends 'now' ? [Bulk<B>, number][] : R;
  zintercard(keys: Key[], options?: { limit?: number }): R extends 'now' ? number : R;
  /** ZMPOP: pop from the first non-empty set; null if all are empty. */
  zmpop(keys: Key[], which: 'MIN' | 'MAX' | 'min' | 'max', count?: number): R extends 'now' ? { key: string; members: [Bulk<B>, number][] } | null : R;
  // more strings, lists, sets, hashes
  setex(key: Key, seconds: number, value: Value): R extends 'now' ? 'OK' : R;
  psetex(key: Key, ms: number, value: Value): R extends 'now' ? 'OK' : R;
  lpushx(key: Key, ...values: Value[] | [Value[]]): R extends 'now' ? number : R;
  rpushx(key: Key, ...values: Value[] | [Value[]]): R extends 'now' ? number : R;
  /** LINSERT: the new length, -1 if `pivot` is not found, 0 if the list does not exist. */
  linsert(key: Key, where: 'BEFORE' | 'AFTER' | 'before' | 'after', pivot: Value, element: Value): R extends 'now' ? number : R;
  lpos(key: Key, element: Value, options?: { rank?: number; maxlen?: number }): R extends 'now' ? number | null : R;
  lpos(key: Key, element: Value, options: { rank?: number; count: number; maxlen?: number }): R extends 'now' ? number[] : R;
  lmove(src: Key, dst: Key, from: 'LEFT' | 'RIGHT' | 'left' | 'right', to: 'LEFT' | 'RIGHT' | 'left' | 'right'): R extends 'now' ? Bulk<B> | null : R;
  rpoplpush(src: Key, dst: Key): R extends 'now' ? Bulk<B> | null : R;
  /** LMPOP: pop from the first non-empty list; null if all are empty. */
  lmpop(keys: Key[], from: 'LEFT' | 'RIGHT' | 'left' | 'right', count?: number): R extends 'now' ? { key: string; elements: Bulk<B>[] } | null : R;
  smove(src: Key, dst: Key, member: Value): R extends 'now' ? boolean : R;
  sinterstore(dst: Key, ...keys: Key[] | [Key[]]): R extends 'now' ? number : R;
  sunionstore(dst: Key, ...keys: Key[] | [Key[]]): R extends 'now' ? number : R;
  sdiffstore(dst: Key, ...keys: Key[] | [Key[]]): R extends 'now' ? number : R;
  sintercard(keys: Key[], options?: { limit?: number }): R extends 'now' ? number : R;
  hrandfield(key: Key): R extends 'now' ? Bulk<B> | null : R;
  hrandfield(key: Key, count: number, withValues?: false): R extends 'now' ? Bulk<B>[] : R;
  hrandfield(key: Key, count: number, withValues: true): R extends 'now' ? [Bulk<B>, Bulk<B>][] : R;
  // streams
  /** XADD with an explicit id or `'*'` (or `'<ms>-*'`); returns the entry's id, or null with `nomkstream` when the stream does not exist. */
  xadd(key: Key, id: string, fields: FieldValues, options?: XAddOptions): R extends 'now' ? string | null : R;
  xlen(key: Key): R extends 'now' ? number : R;
  xrange(key: Key, start?: string, end?: string, options?: { count?: number }): R extends 'now' ? StreamEntry<B>[] : R;
  xrevrange(key: Key, end?: string, start?: string, options?: { count?: number }): R extends 'now' ? StreamEntry<B>[] : R;
  xdel(key: Key, ...ids: string[] | [string[]]): R extends 'now' ? number : R;
  /** XTRIM by `maxlen` or `minid`; returns the entries removed. */
  xtrim(key: Key, options: StreamTrimOptions): R extends 'now' ? number : R;
  xsetid(key: Key, lastId: string, options?: { entriesAdded?: number; maxDeletedId?: string }): R extends 'now' ? 'OK' : R;
  /** XREAD (no BLOCK: see `XReadOptions.block`): null when nothing is new. */
  xread(streams: StreamIds, options?: XReadOptions): R extends 'now' ? StreamRead<StreamEntry<B>>[] | null : R;
  /** XREADGROUP (no BLOCK); an id of `'>'` reads new entries, another id the consumer's pending history. */
  xreadgroup(group: Key, consumer: Key, streams: StreamIds, options?: XReadGroupOptions): R extends 'now' ? StreamRead<StreamEntryOrDeleted<B>>[] | null : R;
  xgroupCreate(key: Key, group: Key, startId?: string, options?: { mkstream?: boolean; entriesRead?: number }): R extends 'now' ? 'OK' : R;
  xgroupDestroy(key: Key, group: Key): R extends 'now' ? boolean : R;
  xgroupSetid(key: Key, group: Key, lastId: string, options?: { entriesRead?: number }): R extends 'now' ? 'OK' : R;
  xgroupCreateconsumer(key: Key, group: Key, consumer: Key): R extends 'now' ? boolean : R;
  /** Returns the number of pending entries the consumer had. */
  xgroupDelconsumer(key: Key, group: Key, consumer: Key): R extends 'now' ? number : R;
  xack(key: Key, group: Key, ...ids: string[] | [string[]]): R extends 'now' ? number : R;
  /** XPENDING summary form. */
  xpending(key: Key, group: Key): R extends 'now' ? XPendingSummary : R;
  /** XPENDING extended form. */
  xpending(key: Key, group: Key, range: XPendingRange): R extends 'now' ? XPendingEntry[] : R;
  xclaim(key: Key, group: Key, consumer: Key, minIdleTime: number, ids: string | string[], options: XClaimOptions & { justId: true }): R extends 'now' ? string[] : R;
  xclaim(key: Key, group: Key, consumer: Key, minIdleTime: number, ids: string | string[], options?: XClaimOptions): R extends 'now' ? StreamEntry<B>[] : R;
  xautoclaim(key: Key, group: Key, consumer: Key, minIdleTime: number, start: string, options: { count?: number; justId: true }): R extends 'now' ? XAutoClaimResult<string> : R;
  xautoclaim(key: Key, group: Key, consumer: Key, minIdleTime: number, start: string, options?: { count?: number; justId?: false }): R extends 'now' ? XAutoClaimResult<StreamEntry<B>> : R;
  xinfoStream(key: Key, options: { full: true; count?: number }): R extends 'now' ? XInfoStreamFull<B> : R;
  xinfoStream(key: Key, options?: { full?: false }): R extends 'now' ? XInfoStream<B> : R;
  xinfoGroups(key: Key): R extends 'now' ? XInfoGroup[] : R;
  xinfoConsumers(key: Key, group: Key): R extends 'now' ? XInfoConsumer[] : R;
  // bitmaps
  /** SETBIT: returns the old bit. */
  setbit(key: Key, offset: number, value: 0 | 1 | boolean): R extends 'now' ? 0 | 1 : R;
  getbit(key: Key, offset: number): R extends 'now' ? 0 | 1 : R;
  bitcount(key: Key, range?: BitRange): R extends 'now' ? number : R;
  /** BITPOS: the first bit set to `bit` in the range; -1 if none. */
  bitpos(key: Key, bit: 0 | 1 | boolean, range?: BitRange): R extends 'now' ? number : R;
  /** BITOP: returns the destination's length in bytes. */
  bitop(op: BitOp, dst: Key, ...keys: Key[] | [Key[]]): R extends 'now' ? number : R;
  /** BITFIELD: one result per get/set/incrby (set: the old value); null where OVERFLOW FAIL refused an increment. */
  bitfield(key: Key, ops: BitfieldOp[]): R extends 'now' ? (number | null)[] : R;
  bitfieldRo(key: Key, ops: { type: BitfieldType; offset: BitfieldOffset }[]): R extends 'now' ? number[] : R;
  // HyperLogLog
  /** PFADD: true if the estimate changed. */
  pfadd(key: Key, ...elements: Value[] | [Value[]]): R extends 'now' ? boolean : R;
  pfcount(...keys: Key[] | [Key[]]): R extends 'now' ? number : R;
  pfmerge(dst: Key, ...sources: Key[] | [Key[]]): R extends 'now' ? 'OK' : R;
  // geo
  /** GEOADD: members added (changed too, with `ch`). */
  geoadd(key: Key, members: GeoMember | GeoMember[], options?: { nx?: boolean; xx?: boolean; ch?: boolean }): R extends 'now' ? number : R;
  geopos(key: Key, ...members: Value[] | [Value[]]): R extends 'now' ? (GeoCoordinates | null)[] : R;
  /** GEODIST in `unit` (default m); null if a member is missing. */
  geodist(key: Key, member1: Value, member2: Value, unit?: GeoUnit): R extends 'now' ? number | null : R;
  geohash(key: Key, ...members: Value[] | [Value[]]): R extends 'now' ? (string | null)[] : R;
  /** GEOSEARCH with withCoord/withDist/withHash: objects with what was asked for. */
  geosearch(key: Key, from: GeoFrom, by: GeoBy, options: GeoSearchOptions & GeoSearchWith): R extends 'now' ? GeoSearchResult<B>[] : R;
  /** GEOSEARCH: the matching members. */
  geosearch(key: Key, from: GeoFrom, by: GeoBy, options?: GeoSearchOptions): R extends 'now' ? Bulk<B>[] : R;
  geosearchstore(dst: Key, src: Key, from: GeoFrom, by: GeoBy, options?: GeoSearchStoreOptions): R extends 'now' ? number : R;
  // server
  /** INFO [section...] parsed (see `InfoResult`): `db.info('memory').memory.used_memory`. */
  info(...sections: string[]): R extends 'now' ? InfoResult : R;
  /** MEMORY USAGE: bytes used by the key and its value, null if it does not exist. */
  memoryUsage(key: Key, options?: { samples?: number }): R extends 'now' ? number | null : R;
  /** CONFIG GET: `{ parameter: value }`. */
  configGet(...patterns: string[]): R extends 'now' ? Record<string, string> : R;
  configSet(params: Record<string, string | number>): R extends 'now' ? 'OK' : R;
}

/**
 * What a hook returns, and how it becomes the reply (as Redis converts Lua values):
 * string/bytes → bulk string; integer number/bigint → integer; other number or
 * `{ double }` → double; `true` → 1; `false`/`null`/`undefined` → nil; array → array;
 * `{ ok: text }` → status; `{ err: "CODE text" }` or an Error → error reply;
 * Map or other object → map; Set → set.
 */
export type HookResult =
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | Uint8Array
  | ArrayBuffer
  | ArrayBufferView
  | Error
  | { ok: string }
  | { err: string }
  | { double: number }
  | HookResult[]
  | Map<HookResult, HookResult>
  | Set<HookResult>
  | { [key: string]: HookResult };

/** The `redis` object a hook receives; valid only while the hook runs. */
export interface HookRedis<B extends boolean = false> {
  /** Run a command; its error throws a CinnabarError (uncaught, it becomes the FCALL's error). */
  call(name: string, ...args: Arg[]): Reply;
  /** Run a command; its error is returned as a CinnabarError value. */
  pcall(name: string, ...args: Arg[]): Reply;
}

/** A hook: runs atomically; keys and args are strings (Uint8Array with returnBuffers). */
export type Hook<B extends boolean = false> = (redis: HookRedis<B>, keys: Bulk<B>[], args: Bulk<B>[]) => HookResult;

export interface HookOptions {
  /** The hook never writes: write commands are refused inside it, and FCALL_RO may run it. */
  readOnly?: boolean;
}

/** A MULTI/EXEC transaction: queue with the typed methods or `command`, then `exec()`. */
export interface Multi<B extends boolean = false> extends CommandMethods<B, Multi<B>> {
  command(name: string, ...args: Arg[]): Multi<B>;
  /** One result per queued command (a failed command's slot holds its CinnabarError); null when a WATCHed key changed. */
  exec(): Reply[] | null;
  discard(): void;
}

/** A Cinnabar database: an in-process Redis-compatible engine. Data commands are synchronous. */
export interface Cinnabar<B extends boolean = false> extends CommandMethods<B, 'now'> {}
export class Cinnabar<B extends boolean = false> implements Disposable {
  /** Open a database (loads the wasm module on first use; restores from IndexedDB with `persist`). */
  static open<B extends boolean = false>(options?: OpenOptions<B>): Promise<Cinnabar<B>>;
  /** Open without awaiting (Node, workers, or after `ready()`); no `persist`. */
  static openSync<B extends boolean = false>(options?: OpenOptions<B>): Cinnabar<B>;
  /** Load the wasm module. */
  static ready(): Promise<void>;
  /** Bytes of wasm linear memory (shared by every database of the module). */
  static wasmMemoryBytes(): number;
  private constructor();

  /** Run any command of the engine. Errors throw CinnabarError. */
  command(name: string, ...args: Arg[]): Reply;
  /** `command` with bulk strings as Uint8Array. */
  commandBuffer(name: string, ...args: Arg[]): Reply;
  /** GET as bytes. */
  getBuffer(key: Key): Uint8Array | null;
  /** Iterate over keys (SCAN); usable with `for` and `for await`. */
  scan(options?: ScanOptions): Generator<Bulk<B>, void, undefined>;
  hscan(key: Key, options?: { match?: string; count?: number }): Generator<[Bulk<B>, Bulk<B>], void, undefined>;
  sscan(key: Key, options?: { match?: string; count?: number }): Generator<Bulk<B>, void, undefined>;
  zscan(key: Key, options?: { match?: string; count?: number }): Generator<[Bulk<B>, number], void, undefined>;
  /** A MULTI/EXEC builder. */
  multi(): Multi<B>;
  watch(...keys: Key[] | [Key[]]): 'OK';
  unwatch(): 'OK';
  /** Call `cb` for each message on `channel` (asynchronously, after the publishing call); returns an unsubscribe function. */
  subscribe(channel: string, cb: (message: Bulk<B>, channel: string) => void): () => void;
  /** Call `cb` for each message on channels matching `pattern` (keyspace notifications too). */
  psubscribe(pattern: string, cb: (message: Bulk<B>, channel: string, pattern: string) => void): () => void;
  /**
   * Call `fn(key, dbIndex, db)` for each key the engine removes by itself: `'expired'` (TTL
   * passed; found by the active expiry cycle or on access) or `'evicted'` (maxmemory).
   * Synchronous: listeners run once the call that removed the keys has its reply, before
   * it returns (or after an active expiry cycle). Returns a function that removes the listener.
   */
  on(event: 'expired' | 'evicted', fn: RemovedListener<B>): () => void;
  /** Remove a listener added with `on` or the `onExpired` / `onEvicted` options. */
  off(event: 'expired' | 'evicted', fn: RemovedListener<B>): void;
  /** Register a hook run by `FCALL name numkeys key... arg...` (see `Hook`, `HookResult`); replaces one of the same name. */
  registerHook(name: string, fn: Hook<B>, options?: HookOptions): void;
  /** Make EVAL of `body` (and EVALSHA of its SHA1) run the hook `hookName`; returns the SHA1. */
  registerScript(body: string | Uint8Array, hookName: string): string;
  /** Run one active expiry cycle now; returns the keys deleted. */
  activeExpire(budgetMs?: number): number;
  /** The whole dataset as an RDB file (what redis-server/cinnabar-server write as dump.rdb); TTLs are absolute deadlines. */
  snapshot(): Uint8Array;
  /** Replace the whole dataset with an RDB snapshot; all or nothing (a SnapshotError leaves the data as they were). Returns the keys loaded. */
  restore(snapshot: Uint8Array): number;
  /** Write a snapshot to IndexedDB (needs `persist`); resolves to its size in bytes. */
  save(): Promise<number>;
  /** Writes since the last save (or open). */
  readonly changesSinceSave: number;
  /** Called when an automatic save fails. */
  onSaveError?: (err: unknown) => void;
  /** Stop timers and free the engine. */
  close(): void;
  [Symbol.dispose](): void;
}

/** Check a snapshot's (RDB file's) magic, version and CRC64; `createdAt` is Unix ms (0 if unknown). Throws SnapshotError. */
export function validateSnapshot(bytes: Uint8Array): { version: number; createdAt: number };
/** Parse the text of INFO (see `InfoResult`). */
export function parseInfo(text: string | Uint8Array): InfoResult;
/** Remove a database's IndexedDB snapshots (browser entry only). */
export function idbDelete(name: string): Promise<void>;

export default Cinnabar;
