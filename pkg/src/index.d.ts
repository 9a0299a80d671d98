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
  /** How the active expiry cycle runs: on an unref'd timer (default), on each call (default in workerd), or never (lazy expiry only). */
  activeExpire?: 'timer' | 'call' | false;
  /** Interval of the active expiry cycle, ms (default 100). */
  activeExpireIntervalMs?: number;
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
/** Remove a database's IndexedDB snapshots (browser entry only). */
export function idbDelete(name: string): Promise<void>;

export default Cinnabar;
