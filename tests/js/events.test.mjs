// The `expired` / `evicted` events, db.info() and db.memoryUsage(), through the installed
// package (see scripts/test-js.sh). Time comes from an injected clock: no sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cinnabar, parseInfo } from 'cinnabar';

function clock(start = 1_700_000_000_000) {
  let t = start;
  const now = () => t;
  now.advance = (ms) => (t += ms);
  return now;
}

const open = (o = {}) => Cinnabar.open({ activeExpire: false, ...o });
/** The engine counts a fixed 1 MB for itself in used_memory (as INFO shows). */
const BASELINE = 1024 * 1024;

test('expired: keys removed by the active expiry cycle are reported with their database', async () => {
  const now = clock();
  const seen = [];
  const db = await open({ now, onExpired: (key, dbIndex, d) => seen.push([key, dbIndex, d === db]) });
  db.set('a', '1', { px: 100 });
  db.set('b', '1', { px: 100 });
  db.set('c', '1', { px: 5000 });
  db.set('keep', '1');
  db.command('SELECT', 3);
  db.set('other', '1', { px: 100 });
  db.command('SELECT', 0);
  assert.deepEqual(seen, []);
  now.advance(200);
  assert.deepEqual(seen, []); // nothing happens until the engine looks
  // The cycle samples volatile keys at random (as Redis's): a few cycles find them all.
  let removed = 0;
  for (let i = 0; i < 200 && seen.length < 3; i++) removed += db.activeExpire(10);
  assert.equal(removed, 3);
  assert.deepEqual(
    seen.map(([k, i, same]) => `${k}@${i}:${same}`).sort(),
    ['a@0:true', 'b@0:true', 'other@3:true'],
  );
  assert.equal(db.exists('c', 'keep'), 2);
  assert.equal(db.info('stats').stats.expired_keys, 3);
  // A listener may use the database (the key is already gone when it runs).
  db.on('expired', (key) => db.rpush('expired-log', `${key}:${db.exists(key)}`));
  now.advance(5000);
  assert.equal(db.get('c'), null);
  assert.deepEqual(db.lrange('expired-log', 0, -1), ['c:0']);
  db.close();
});

test('expired: keys removed lazily on access are reported before the call returns', async () => {
  const now = clock();
  const seen = [];
  const db = await open({ now });
  const off = db.on('expired', (key, dbIndex) => seen.push(`${key}@${dbIndex}`));
  db.set('lazy', 'v', { px: 50 });
  db.hset('h', { f: 1 });
  db.pexpireat('h', now() + 10);
  now.advance(100);
  assert.equal(db.get('lazy'), null);
  assert.deepEqual(seen, ['lazy@0']); // synchronous: already there when get returns
  assert.equal(db.hgetall('h').f, undefined);
  assert.deepEqual(seen, ['lazy@0', 'h@0']);
  // A write over an expired key reports it too (Redis deletes it first, as `expired`).
  db.set('w', 'old', { px: 10 });
  now.advance(20);
  db.set('w', 'new');
  assert.deepEqual(seen, ['lazy@0', 'h@0', 'w@0']);
  // Explicit deletions are not expirations.
  db.set('d', 'v');
  db.del('d');
  db.flushall();
  assert.equal(seen.length, 3);
  // Listening stops: the engine stops collecting.
  off();
  db.set('x', 'v', { px: 10 });
  now.advance(20);
  assert.equal(db.get('x'), null);
  assert.equal(db.activeExpire(), 0);
  assert.equal(seen.length, 3);
  db.close();
});

test('expired: listeners added with on() and removed with off(), returnBuffers keys, a throwing listener', async () => {
  const now = clock();
  const db = await open({ now, returnBuffers: true });
  const a = [];
  const b = [];
  const fa = (k) => a.push(k);
  const fb = (k) => b.push(k);
  db.on('expired', fa);
  db.on('expired', fb);
  db.command('SET', new Uint8Array([0xff, 0]), 'v', 'PX', 10);
  now.advance(20);
  db.activeExpire(10);
  assert.deepEqual(a, [new Uint8Array([0xff, 0])]);
  assert.deepEqual(b, [new Uint8Array([0xff, 0])]);
  db.off('expired', fa);
  db.set('k', 'v', { px: 10 });
  now.advance(20);
  db.activeExpire(10);
  assert.equal(a.length, 1);
  assert.equal(b.length, 2);
  assert.throws(() => db.on('deleted', () => {}), TypeError);
  db.off('expired', fb);
  db.close();

  // A listener's exception does not break the call that removed the key, nor the other
  // listeners: it is rethrown from a microtask (caught here by wrapping queueMicrotask).
  const db2 = await open({ now });
  const rethrown = [];
  const orig = globalThis.queueMicrotask;
  globalThis.queueMicrotask = (fn) =>
    orig(() => {
      try {
        fn();
      } catch (err) {
        rethrown.push(err);
      }
    });
  try {
    const after = [];
    db2.on('expired', () => {
      throw new Error('listener failed');
    });
    db2.on('expired', (k) => after.push(k));
    db2.set('k', 'v', { px: 10 });
    now.advance(20);
    assert.equal(db2.get('k'), null);
    assert.deepEqual(after, ['k']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      rethrown.map((e) => e.message),
      ['listener failed'],
    );
  } finally {
    globalThis.queueMicrotask = orig;
  }
  db2.close();
});

test('evicted: an allkeys-lru database under a small maxmemory reports exactly the keys it evicted', async () => {
  const now = clock();
  const evicted = [];
  const maxmemory = BASELINE + 20_000;
  const db = await open({
    now,
    maxmemory,
    maxmemoryPolicy: 'allkeys-lru',
    config: { 'maxmemory-samples': 64 },
    onEvicted: (key, dbIndex) => evicted.push([key, dbIndex]),
  });
  const value = 'x'.repeat(1000);
  for (let i = 0; i < 40; i++) {
    db.set(`k${i}`, value);
    now.advance(1000);
    db.get('k0'); // k0 stays hot
    assert.ok(db.info('memory').memory.used_memory <= maxmemory + 1200, `used_memory over the limit after k${i}`);
  }
  assert.ok(evicted.length >= 15, `evicted ${evicted.length}`);
  assert.ok(evicted.every(([, i]) => i === 0));
  const names = evicted.map(([k]) => k);
  assert.equal(new Set(names).size, names.length);
  const missing = [];
  for (let i = 0; i < 40; i++) if (db.exists(`k${i}`) === 0) missing.push(`k${i}`);
  assert.deepEqual([...names].sort(), missing.sort()); // reported = gone
  assert.equal(db.info('stats').stats.evicted_keys, names.length);
  assert.ok(!names.includes('k0'), 'the hot key was evicted');
  assert.ok(!names.includes('k39'), 'the newest key was evicted');
  db.close();
});

test('evicted: volatile-ttl takes the nearest deadlines and never keys without a TTL', async () => {
  const now = clock();
  const evicted = [];
  const db = await open({ now, maxmemoryPolicy: 'volatile-ttl', config: { 'maxmemory-samples': 64 } });
  db.on('evicted', (key) => evicted.push(key));
  const value = 'x'.repeat(1000);
  for (let i = 0; i < 5; i++) db.set(`p${i}`, value);
  const deadline = {};
  for (let i = 0; i < 30; i++) {
    deadline[`v${i}`] = now() + 100_000 + ((i * 7) % 30) * 1000;
    db.set(`v${i}`, value, { pxat: deadline[`v${i}`] });
  }
  const used = db.info('memory').memory.used_memory;
  db.configSet({ maxmemory: used - 8000 });
  db.ping(); // eviction runs before the next command
  assert.ok(evicted.length >= 8, `evicted ${evicted.length}`);
  assert.ok(evicted.every((k) => k.startsWith('v')));
  const nearest = Object.keys(deadline)
    .sort((a, b) => deadline[a] - deadline[b])
    .slice(0, evicted.length);
  assert.deepEqual([...evicted].sort(), nearest.sort());
  // noeviction: writes are refused, nothing is reported.
  db.configSet({ 'maxmemory-policy': 'noeviction', maxmemory: BASELINE + 1000 });
  const before = evicted.length;
  assert.throws(() => db.set('more', value), { code: 'OOM' });
  assert.equal(db.get('p0'), value);
  assert.equal(evicted.length, before);
  db.close();
});

test('info(): sections as objects, numbers as numbers; memoryUsage()', async () => {
  const now = clock();
  const db = await open({ now, maxmemory: '64mb', maxmemoryPolicy: 'allkeys-lfu' });
  db.set('s', 'hello');
  db.set('t', 'v', { ex: 100 });
  db.hset('h', { a: 1 });
  const all = db.info();
  for (const s of ['server', 'clients', 'memory', 'stats', 'keyspace']) assert.equal(typeof all[s], 'object', s);
  assert.equal(all.memory.maxmemory, 64 * 1024 * 1024);
  assert.equal(all.memory.maxmemory_policy, 'allkeys-lfu');
  assert.equal(typeof all.memory.used_memory, 'number');
  assert.ok(all.memory.used_memory > BASELINE);
  assert.equal(typeof all.memory.used_memory_human, 'string');
  assert.equal(typeof all.server.redis_version, 'string');
  assert.equal(all.keyspace.db0.keys, 3);
  assert.equal(all.keyspace.db0.expires, 1);
  const ks = db.info('keyspace');
  assert.deepEqual(Object.keys(ks), ['keyspace']);
  const two = db.info('memory', 'stats');
  assert.deepEqual(Object.keys(two).sort(), ['memory', 'stats']);
  assert.equal(two.stats.evicted_keys, 0);
  // memoryUsage: bytes for an existing key (more than its value), null otherwise.
  const m = db.memoryUsage('s');
  assert.equal(typeof m, 'number');
  assert.ok(m >= 5, `${m}`);
  db.set('big', 'x'.repeat(10_000));
  assert.ok(db.memoryUsage('big') >= 10_000);
  assert.ok(db.memoryUsage('h', { samples: 0 }) > 0);
  assert.equal(db.memoryUsage('missing'), null);
  // parseInfo on its own.
  assert.deepEqual(parseInfo('# Server\r\nredis_version:7.2.0\r\nuptime_in_seconds:12\r\nrun_id:00ab\r\n\r\n# Keyspace\r\ndb0:keys=2,expires=0,avg_ttl=0\r\n'), {
    server: { redis_version: '7.2.0', uptime_in_seconds: 12, run_id: '00ab' },
    keyspace: { db0: { keys: 2, expires: 0, avg_ttl: 0 } },
  });
  db.close();
});

test('expired/evicted listeners run after a multi() transaction, not inside it', async () => {
  const now = clock();
  const db = await open({ now });
  const seen = [];
  db.on('expired', (key) => seen.push([key, db.incr('listener-calls')]));
  db.set('a', 'v', { px: 10 });
  now.advance(20);
  const r = db.multi().get('a').set('b', 1).exec();
  assert.deepEqual(r, [null, 'OK']); // the listener's INCR was not queued into the transaction
  assert.deepEqual(seen, [['a', 1]]);
  db.close();
});

test('evicted: a lowered maxmemory drains on the expiry cycle, without further commands', async () => {
  const now = clock();
  const evicted = [];
  const db = await open({ now, maxmemoryPolicy: 'allkeys-lru', onEvicted: (key) => evicted.push(key) });
  const value = 'v'.repeat(100);
  for (let i = 0; i < 5000; i++) db.set(`key:${i}`, value);
  const limit = BASELINE + 50_000;
  // CONFIG SET evicts at most one slice (128 keys) itself, far from enough here.
  db.command('CONFIG', 'SET', 'maxmemory', String(limit));
  const afterConfig = evicted.length;
  assert.ok(afterConfig <= 128, `CONFIG SET evicted ${afterConfig}`);
  // One expiry cycle (as the host's timer runs it) evicts slice after slice: with the
  // injected clock its time budget never runs out, so it drains to the limit.
  db.activeExpire(5);
  assert.ok(evicted.length > afterConfig + 1000, `the cycle evicted ${evicted.length - afterConfig}`);
  const before = evicted.length;
  const used = db.info('memory').memory.used_memory;
  assert.equal(evicted.length, before, 'INFO had to evict: the cycle did not drain');
  assert.ok(used <= limit, `used_memory ${used} > ${limit}`);
  assert.equal(db.dbsize(), 5000 - evicted.length);
  db.close();
});
