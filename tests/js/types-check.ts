// Compiled by `tsc --noEmit` in the tests: the package's .d.ts must describe this usage,
// and the lines marked @ts-expect-error must stay errors.
import {
  Cinnabar,
  CinnabarError,
  SnapshotError,
  validateSnapshot,
  parseInfo,
  type Reply,
  type Multi,
  type StreamEntry,
  type StreamEntryOrDeleted,
  type XPendingSummary,
  type XPendingEntry,
  type XInfoStream,
  type XInfoStreamFull,
  type XInfoGroup,
  type XInfoConsumer,
  type GeoSearchResult,
  type GeoCoordinates,
  type InfoResult,
} from 'cinnabar';

async function main(): Promise<void> {
  const db = await Cinnabar.open({ databases: 4, maxmemory: '64mb', maxmemoryPolicy: 'allkeys-lru', now: () => Date.now() });
  const ok: 'OK' | string | null = db.set('k', 'v', { ex: 10, nx: true, get: false, keepTtl: false });
  const v: string | null = db.get('k');
  const n: number = db.incr('n');
  const ttl: number = db.ttl('k');
  const had: boolean = db.expire('k', 5, 'NX');
  const fields: Record<string, string> = db.hgetall('h');
  const added: number = db.hset('h', { a: 1, b: 'x' });
  const z: number = db.zadd('z', { a: 1, b: 2 }, { ch: true });
  const top = db.zrange('z', 0, 9, { rev: true, withScores: true });
  const score: number | null = db.zscore('z', 'a');
  const members: string[] = db.smembers('s');
  const is: boolean = db.sismember('s', 'x');
  const popped: string | null = db.lpop('l');
  const many: string[] | null = db.lpop('l', 2);
  const any: Reply = db.command('OBJECT', 'ENCODING', 'k');
  const bytes: Uint8Array | null = db.getBuffer('k');
  for (const key of db.scan({ match: 'user:*', count: 100, type: 'hash' })) {
    const s: string = key;
    void s;
  }
  const m: Multi = db.multi().set('a', 1).incr('a').command('PING');
  const results: Reply[] | null = m.exec();
  const off: () => void = db.subscribe('ch', (msg: string, ch: string) => void [msg, ch]);
  off();
  db.registerHook('transfer', (redis, keys, args) => {
    const from: string = keys[0];
    redis.call('DECRBY', from, args[0]);
    const e = redis.pcall('INCRBY', keys[1], args[0]);
    if (e instanceof CinnabarError) return { err: e.message };
    return [e, 1.5, null, { ok: 'FINE' }, new Map([['k', 1]])];
  }, { readOnly: false });
  const sha: string = db.registerScript('return 1', 'transfer');
  const fr: Reply = db.fcall('transfer', ['a', 'b'], [10]);
  const er: Reply = db.evalsha(sha, [], []);
  const mh: Multi = db.multi().fcall('transfer', ['a', 'b'], [1]);
  // @ts-expect-error: a hook returns a reply value, not a function
  db.registerHook('bad', () => () => 1);
  void [fr, er, mh];
  const snap: Uint8Array = db.snapshot();
  const info: { version: number; createdAt: number } = validateSnapshot(snap);
  const loaded: number = db.restore(snap);
  void [info, loaded];
  const restored = Cinnabar.openSync({ snapshot: snap });
  restored.close();
  const bin = await Cinnabar.open({ returnBuffers: true });
  const b: Uint8Array | null = bin.get('k');
  const persisted = await Cinnabar.open({ persist: { indexedDB: 'app', autosave: { seconds: 60, changes: 100 } } });
  const size: number = await persisted.save();
  try {
    db.command('INCR', 'k');
  } catch (e) {
    if (e instanceof CinnabarError) {
      const code: string = e.code;
      void code;
    }
    if (e instanceof SnapshotError) void e.code;
  }
  db[Symbol.dispose]();
  // @ts-expect-error: get takes a key
  db.get();
  // @ts-expect-error: unknown option
  db.set('k', 'v', { exx: 1 });
  // @ts-expect-error: maxmemoryPolicy is one of Redis's policies
  await Cinnabar.open({ maxmemoryPolicy: 'sometimes' });
  void [ok, v, n, ttl, had, fields, added, z, top, score, members, is, popped, many, any, bytes, results, b, size];
}
void main;

// Streams, bitmaps, HyperLogLog, geo, server and the expired/evicted events.
async function families(): Promise<void> {
  const removed: string[] = [];
  const db = await Cinnabar.open({
    maxmemory: '2mb',
    onEvicted: (key: string, dbIndex: number, d: Cinnabar) => void [removed.push(key), dbIndex, d],
    onExpired(key) {
      removed.push(key);
    },
  });
  const off: () => void = db.on('expired', (key: string, dbIndex: number) => void [key, dbIndex]);
  off();
  // @ts-expect-error: only 'expired' and 'evicted'
  db.on('deleted', () => {});
  const sid: string | null = db.xadd('s', '*', { a: 1, b: 'x' }, { maxlen: 1000, approx: true, limit: 100 });
  db.xadd('s', '5-*', [['f', 'v']], { nomkstream: true, minid: '0-1' });
  const len: number = db.xlen('s');
  const all: StreamEntry[] = db.xrange('s');
  const last: StreamEntry[] = db.xrevrange('s', '+', '-', { count: 1 });
  const v: string | undefined = all[0]?.fields['a'];
  const rd = db.xread({ s: '0' }, { count: 10 });
  const key0: string | undefined = rd?.[0]?.key;
  // @ts-expect-error: the typed xread does not block
  db.xread({ s: '$' }, { block: 1000 });
  db.xgroupCreate('s', 'g', '0', { mkstream: true });
  const rg = db.xreadgroup('g', 'alice', { s: '>' }, { count: 5, noack: false });
  const maybeDeleted: StreamEntryOrDeleted | undefined = rg?.[0]?.entries[0];
  const acked: number = db.xack('s', 'g', '1-0', '2-0');
  const sum: XPendingSummary = db.xpending('s', 'g');
  const ext: XPendingEntry[] = db.xpending('s', 'g', { count: 10, idle: 1000, consumer: 'alice' });
  const claimed: StreamEntry[] = db.xclaim('s', 'g', 'bob', 1000, ['1-0'], { retryCount: 2 });
  const claimedIds: string[] = db.xclaim('s', 'g', 'bob', 1000, '1-0', { justId: true });
  const ac = db.xautoclaim('s', 'g', 'bob', 1000, '0', { count: 10 });
  const acEntries: StreamEntry[] = ac.entries;
  const acIds: string[] = db.xautoclaim('s', 'g', 'bob', 1000, '0', { justId: true }).entries;
  const info: XInfoStream = db.xinfoStream('s');
  const full: XInfoStreamFull = db.xinfoStream('s', { full: true, count: 10 });
  const groups: XInfoGroup[] = db.xinfoGroups('s');
  const consumers: XInfoConsumer[] = db.xinfoConsumers('s', 'g');
  const made: boolean = db.xgroupCreateconsumer('s', 'g', 'carol');
  const had: number = db.xgroupDelconsumer('s', 'g', 'carol');
  const trimmed: number = db.xtrim('s', { maxlen: 10 });
  db.xgroupSetid('s', 'g', '$');
  const destroyed: boolean = db.xgroupDestroy('s', 'g');
  const old: 0 | 1 = db.setbit('b', 7, true);
  const bit: 0 | 1 = db.getbit('b', 7);
  const bc: number = db.bitcount('b', { start: 0, end: 15, unit: 'bit' });
  const bp: number = db.bitpos('b', 1, { start: 0 });
  const bo: number = db.bitop('XOR', 'dst', 'a', 'b');
  const bf: (number | null)[] = db.bitfield('bf', [
    { op: 'overflow', behavior: 'sat' },
    { op: 'incrby', type: 'u8', offset: '#1', increment: 300 },
    { op: 'get', type: 'i16', offset: 0 },
  ]);
  // @ts-expect-error: a bitfield type is i<bits> or u<bits>
  db.bitfield('bf', [{ op: 'get', type: 'x8', offset: 0 }]);
  const bfr: number[] = db.bitfieldRo('bf', [{ type: 'u8', offset: 0 }]);
  const changed: boolean = db.pfadd('hll', 'a', 'b');
  const card: number = db.pfcount('hll', 'hll2');
  db.pfmerge('hll3', 'hll', 'hll2');
  const added: number = db.geoadd('geo', [{ longitude: 13.36, latitude: 38.11, member: 'Palermo' }], { ch: true });
  const pos: (GeoCoordinates | null)[] = db.geopos('geo', 'Palermo');
  const dist: number | null = db.geodist('geo', 'Palermo', 'Catania', 'km');
  const hashes: (string | null)[] = db.geohash('geo', 'Palermo');
  const names: string[] = db.geosearch('geo', { member: 'Palermo' }, { radius: 100, unit: 'km' });
  const near: GeoSearchResult[] = db.geosearch('geo', { longitude: 15, latitude: 37 }, { width: 400, height: 400, unit: 'km' }, { withDist: true, sort: 'ASC', count: 3 });
  const d0: number | undefined = near[0]?.distance;
  const stored: number = db.geosearchstore('dst', 'geo', { member: 'Palermo' }, { radius: 100 }, { storeDist: true });
  const inf: InfoResult = db.info('memory');
  const used = inf['memory']?.['used_memory'];
  const parsed: InfoResult = parseInfo('# Server\r\nredis_version:7.2.0\r\n');
  const mu: number | null = db.memoryUsage('s', { samples: 5 });
  const byScore: [string, number][] = db.zrangebyscore('z', '-inf', '+inf', { withScores: true, limit: { offset: 0, count: 10 } });
  const rev: string[] = db.zrevrange('z', 0, -1);
  const zs: number = db.zrangestore('dst', 'z', 0, 9, { rev: true });
  const pos2: number | null = db.lpos('l', 'x');
  const poss: number[] = db.lpos('l', 'x', { count: 0 });
  const moved: string | null = db.lmove('a', 'b', 'LEFT', 'right');
  const ins: number = db.linsert('l', 'BEFORE', 'pivot', 'x');
  const sm: boolean = db.smove('a', 'b', 'm');
  const si: number = db.sinterstore('dst', 'a', 'b');
  const mp = db.zmpop(['z1', 'z2'], 'MIN', 2);
  const cfg: Record<string, string> = db.configGet('maxmemory*');
  const m: Multi = db.multi().xadd('s', '*', { a: 1 }).pfadd('h', 'x').geoadd('g', { longitude: 1, latitude: 2, member: 'p' }).info();
  void [sid, len, all, last, v, key0, maybeDeleted, acked, sum, ext, claimed, claimedIds, acEntries, acIds, info, full, groups, consumers, made, had, trimmed, destroyed];
  void [old, bit, bc, bp, bo, bf, bfr, changed, card, added, pos, dist, hashes, names, d0, stored, used, parsed, mu, byScore, rev, zs, pos2, poss, moved, ins, sm, si, mp, cfg, m];
}
void families;
