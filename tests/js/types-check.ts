// Compiled by `tsc --noEmit` in the tests: the package's .d.ts must describe this usage,
// and the lines marked @ts-expect-error must stay errors.
import { Cinnabar, CinnabarError, SnapshotError, validateSnapshot, type Reply, type Multi } from 'cinnabar';

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
