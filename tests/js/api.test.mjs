// The cinnabar package in Node, imported as a user would (`import ... from 'cinnabar'`)
// from the packed tarball installed in a fresh folder (see scripts/test-js.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cinnabar, CinnabarError, SnapshotError, validateSnapshot, __panicForTests } from 'cinnabar';

/** A test clock: time only moves when told to. */
function clock(start = 1_700_000_000_000) {
  let t = start;
  const now = () => t;
  now.advance = (ms) => (t += ms);
  return now;
}

const open = (o = {}) => Cinnabar.open({ activeExpire: false, ...o });

test('the node export condition resolves to the node entry', () => {
  assert.match(import.meta.resolve('cinnabar'), /node_modules\/cinnabar\/src\/node\.js$/);
});

test('reply mapping: simple, bulk, integer, null, array, map, double, set', async () => {
  const db = await open();
  assert.equal(db.command('SET', 'k', 'v'), 'OK');
  assert.equal(db.command('PING'), 'PONG');
  assert.equal(db.command('GET', 'k'), 'v');
  assert.equal(db.command('GET', 'missing'), null);
  assert.equal(db.command('INCR', 'n'), 1);
  assert.equal(db.command('APPEND', 'k', 'w'), 2);
  db.command('RPUSH', 'l', 'a', 'b');
  assert.deepEqual(db.command('LRANGE', 'l', 0, -1), ['a', 'b']);
  db.command('HSET', 'h', 'f1', 'v1', 'f2', 'v2');
  assert.deepEqual(db.command('HGETALL', 'h'), { f1: 'v1', f2: 'v2' }); // RESP3 map → object
  db.command('ZADD', 'z', 1.5, 'm');
  assert.equal(db.command('ZSCORE', 'z', 'm'), 1.5); // RESP3 double → number
  assert.deepEqual(db.command('ZRANGE', 'z', 0, -1, 'WITHSCORES'), [['m', 1.5]]);
  db.command('SADD', 's', 'x');
  assert.deepEqual(db.command('SMEMBERS', 's'), ['x']); // RESP3 set → array
  assert.equal(typeof db.command('INFO', 'server'), 'string'); // verbatim → string
  assert.deepEqual(db.command('CONFIG', 'GET', 'maxmemory'), { maxmemory: '0' });
  // The wasm build leaves the argument trees out of COMMAND DOCS (size): the rest is there.
  assert.deepEqual(db.command('COMMAND', 'DOCS', 'GET'), { get: { summary: '', since: '1.0.0', group: 'string' } });
  // Arguments: numbers, bigints, bytes.
  db.command('SET', 'big', 9007199254740993n);
  assert.equal(db.command('GET', 'big'), '9007199254740993');
  db.command('SET', 'f', 0.25);
  assert.equal(db.command('GET', 'f'), '0.25');
  // Integers cross as two 32-bit halves: exact to 2^53, rounded as Number() beyond.
  for (const n of ['0', '-1', '4294967296', '-4294967297', '9007199254740991', '-9007199254740991', '9223372036854775807', '-9223372036854775808']) {
    db.command('SET', 'int', n);
    assert.equal(db.command('INCRBY', 'int', 0), Number(n), n);
  }
  db.command('ZADD', 'zi', Infinity, 'top');
  assert.equal(db.zscore('zi', 'top'), Infinity);
  db.close();
});

test('errors throw CinnabarError with Redis text and code', async () => {
  const db = await open();
  db.set('s', 'text');
  const cases = [
    [['LPUSH', 's', 'x'], 'WRONGTYPE', 'WRONGTYPE Operation against a key holding the wrong kind of value'],
    [['INCR', 's'], 'ERR', 'ERR value is not an integer or out of range'],
    [['GET'], 'ERR', "ERR wrong number of arguments for 'get' command"],
    [['NOSUCH', 'a'], 'ERR', "ERR unknown command 'NOSUCH', with args beginning with: 'a' "],
    [['SET', 'k', 'v', 'EX', 0], 'ERR', "ERR invalid expire time in 'set' command"],
  ];
  for (const [args, code, message] of cases) {
    assert.throws(
      () => db.command(...args),
      (e) => e instanceof CinnabarError && e instanceof Error && e.code === code && e.message === message,
      args.join(' '),
    );
  }
  assert.throws(() => db.incr('s'), { code: 'ERR' });
  assert.throws(() => db.command('SET', 'k', {}), TypeError);
  db.close();
});

test('strings through typed methods', async () => {
  const db = await open();
  assert.equal(db.set('a', 'one'), 'OK');
  assert.equal(db.set('a', 'two', { nx: true }), null);
  assert.equal(db.set('a', 'three', { xx: true, get: true }), 'one');
  assert.equal(db.get('a'), 'three');
  assert.equal(db.setnx('a', 'x'), false);
  assert.equal(db.setnx('b', 'x'), true);
  assert.deepEqual(db.mget('a', 'b', 'c'), ['three', 'x', null]);
  assert.deepEqual(db.mget(['a', 'c']), ['three', null]);
  assert.equal(db.mset({ m1: 'v1', m2: 2 }), 'OK');
  assert.equal(db.get('m2'), '2');
  assert.equal(db.msetnx({ m1: 'z', m3: 'z' }), false);
  assert.equal(db.incr('n'), 1);
  assert.equal(db.incrby('n', 10), 11);
  assert.equal(db.decr('n'), 10);
  assert.equal(db.decrby('n', 5), 5);
  assert.equal(db.incrbyfloat('fl', 1.5), 1.5);
  assert.equal(db.append('a', '!'), 6);
  assert.equal(db.strlen('a'), 6);
  assert.equal(db.getrange('a', 0, 2), 'thr');
  assert.equal(db.setrange('a', 0, 'T'), 6);
  assert.equal(db.getdel('a'), 'Three!');
  assert.equal(db.get('a'), null);
  assert.equal(db.getset('b', 'y'), 'x');
  assert.equal(db.get('€'), null);
  db.set('€', 'ünïcødé ✓');
  assert.equal(db.get('€'), 'ünïcødé ✓');
  db.close();
});

test('keys and TTLs with an injected clock', async () => {
  const now = clock();
  const db = await open({ now });
  db.set('k', 'v', { ex: 10 });
  assert.equal(db.ttl('k'), 10);
  assert.equal(db.pttl('k'), 10_000);
  assert.equal(db.pexpiretime('k'), now() + 10_000);
  assert.equal(db.expiretime('k'), Math.floor((now() + 10_000) / 1000));
  now.advance(10_000);
  assert.equal(db.get('k'), 'v', 'alive at its deadline (Redis expires when now > deadline)');
  now.advance(1);
  assert.equal(db.get('k'), null, 'expired 1 ms after its deadline (lazy expiry)');
  assert.equal(db.ttl('k'), -2);
  db.set('p', 'v', { px: 500 });
  assert.equal(db.persist('p'), true);
  assert.equal(db.ttl('p'), -1);
  assert.equal(db.expire('p', 5), true);
  assert.equal(db.expire('p', 100, 'NX'), false);
  assert.equal(db.pexpire('p', 100, 'LT'), true);
  assert.equal(db.pttl('p'), 100);
  assert.equal(db.pexpireat('p', now() + 2000), true);
  assert.equal(db.expireat('nokey', 1), false);
  db.set('kt', 'v', { ex: 100 });
  db.set('kt', 'w', { keepTtl: true });
  assert.equal(db.ttl('kt'), 100);
  assert.equal(db.getex('kt', { persist: true }), 'w');
  assert.equal(db.ttl('kt'), -1);
  db.set('at', 'v', { pxat: now() + 50 });
  assert.equal(db.pttl('at'), 50);
  // Active expiry removes keys nobody touches.
  for (let i = 0; i < 100; i++) db.set(`tmp:${i}`, i, { px: 10 });
  const before = db.dbsize();
  now.advance(3000);
  db.activeExpire(10);
  assert.ok(db.dbsize() <= before - 100, `active expiry deleted the keys (${before} → ${db.dbsize()})`);
  // Other key commands.
  assert.equal(db.exists('kt', 'kt', 'none'), 2);
  assert.equal(db.type('kt'), 'string');
  assert.equal(db.type('none'), 'none');
  assert.equal(db.rename('kt', 'kt2'), 'OK');
  db.set('q', 1);
  assert.equal(db.renamenx('kt2', 'q'), false);
  assert.equal(db.copy('kt2', 'kt3'), true);
  assert.equal(db.touch('kt2', 'kt3', 'x'), 2);
  assert.deepEqual(db.keys('kt*').sort(), ['kt2', 'kt3']);
  assert.equal(db.del('kt2', 'kt3'), 2);
  assert.equal(db.unlink(['q']), 1);
  db.set('only', 1);
  assert.equal(db.randomkey(), 'only');
  assert.equal(db.flushdb(), 'OK');
  assert.equal(db.dbsize(), 0);
  assert.equal(db.randomkey(), null);
  db.close();
});

test('the active expiry timer runs without keeping Node alive', async () => {
  const db = await Cinnabar.open({ activeExpireIntervalMs: 5 });
  for (let i = 0; i < 50; i++) db.set(`t:${i}`, 'v', { px: 1 });
  await new Promise((r) => setTimeout(r, 60));
  // No reads: only the timer-driven cycle can have removed them.
  assert.equal(db.command('DBSIZE'), 0);
  db.close();
});

test('hashes', async () => {
  const db = await open();
  assert.equal(db.hset('h', { a: '1', b: 2 }), 2);
  assert.equal(db.hset('h', 'c', 'x'), 1);
  assert.equal(db.hset('h', new Map([['d', 'y']])), 1);
  assert.deepEqual(db.hgetall('h'), { a: '1', b: '2', c: 'x', d: 'y' });
  assert.deepEqual(db.hgetall('none'), {});
  assert.equal(db.hget('h', 'a'), '1');
  assert.equal(db.hget('h', 'zz'), null);
  assert.deepEqual(db.hmget('h', 'a', 'zz'), ['1', null]);
  assert.equal(db.hexists('h', 'a'), true);
  assert.equal(db.hsetnx('h', 'a', 'again'), false);
  assert.equal(db.hlen('h'), 4);
  assert.deepEqual(db.hkeys('h').sort(), ['a', 'b', 'c', 'd']);
  assert.deepEqual(db.hvals('h').sort(), ['1', '2', 'x', 'y']);
  assert.equal(db.hstrlen('h', 'c'), 1);
  assert.equal(db.hincrby('h', 'a', 5), 6);
  assert.equal(db.hincrbyfloat('h', 'a', 0.5), 6.5);
  assert.equal(db.hdel('h', 'a', 'b'), 2);
  assert.deepEqual([...db.hscan('h')].sort(), [['c', 'x'], ['d', 'y']]);
  db.close();
});

test('lists', async () => {
  const db = await open();
  assert.equal(db.rpush('l', 'a', 'b', 'c'), 3);
  assert.equal(db.lpush('l', ['z']), 4);
  assert.deepEqual(db.lrange('l', 0, -1), ['z', 'a', 'b', 'c']);
  assert.equal(db.llen('l'), 4);
  assert.equal(db.lindex('l', 1), 'a');
  assert.equal(db.lset('l', 1, 'A'), 'OK');
  assert.equal(db.lpop('l'), 'z');
  assert.deepEqual(db.rpop('l', 2), ['c', 'b']);
  db.rpush('l', 'x', 'A', 'x');
  assert.equal(db.lrem('l', 0, 'x'), 2);
  assert.equal(db.ltrim('l', 0, 0), 'OK');
  assert.deepEqual(db.lrange('l', 0, -1), ['A']);
  // Blocking commands never block an embedded session: they answer their timeout reply.
  assert.equal(db.command('BLPOP', 'empty', 1), null);
  db.close();
});

test('sets', async () => {
  const db = await open();
  assert.equal(db.sadd('s', 'a', 'b', 'c'), 3);
  assert.equal(db.sadd('t', ['b', 'c', 'd']), 3);
  assert.deepEqual(db.smembers('s').sort(), ['a', 'b', 'c']);
  assert.equal(db.sismember('s', 'a'), true);
  assert.equal(db.sismember('s', 'z'), false);
  assert.deepEqual(db.smismember('s', 'a', 'z'), [true, false]);
  assert.equal(db.scard('s'), 3);
  assert.deepEqual(db.sinter('s', 't').sort(), ['b', 'c']);
  assert.deepEqual(db.sunion('s', 't').sort(), ['a', 'b', 'c', 'd']);
  assert.deepEqual(db.sdiff('s', 't'), ['a']);
  assert.equal(db.srem('s', 'a'), 1);
  assert.ok(['b', 'c'].includes(db.srandmember('s')));
  assert.equal(db.srandmember('s', 5).length, 2);
  assert.ok(['b', 'c'].includes(db.spop('s')));
  assert.deepEqual([...db.sscan('t')].sort(), ['b', 'c', 'd']);
  db.close();
});

test('sorted sets', async () => {
  const db = await open();
  assert.equal(db.zadd('z', { a: 1, b: 2, c: 3 }), 3);
  assert.equal(db.zadd('z', new Map([['d', 4]])), 1);
  assert.equal(db.zadd('z', { a: 10 }, { ch: true, gt: true }), 1);
  assert.equal(db.zadd('z', { a: 0 }, { xx: true, gt: true }), 0);
  assert.deepEqual(db.zrange('z', 0, -1), ['b', 'c', 'd', 'a']);
  assert.deepEqual(db.zrange('z', 0, 1, { withScores: true }), [['b', 2], ['c', 3]]);
  assert.deepEqual(db.zrange('z', 0, 0, { rev: true }), ['a']);
  assert.deepEqual(db.zrange('z', 2, 4, { by: 'score' }), ['b', 'c', 'd']);
  assert.deepEqual(db.zrange('z', '(2', '+inf', { by: 'score', limit: { offset: 0, count: 2 } }), ['c', 'd']);
  assert.equal(db.zscore('z', 'a'), 10);
  assert.equal(db.zscore('z', 'nope'), null);
  assert.deepEqual(db.zmscore('z', 'b', 'nope'), [2, null]);
  assert.equal(db.zincrby('z', 0.5, 'b'), 2.5);
  assert.equal(db.zcard('z'), 4);
  assert.equal(db.zcount('z', 2, 4), 3);
  assert.equal(db.zrank('z', 'b'), 0);
  assert.equal(db.zrevrank('z', 'b'), 3);
  assert.equal(db.zrank('z', 'nope'), null);
  assert.deepEqual(db.zpopmin('z'), [['b', 2.5]]);
  assert.deepEqual(db.zpopmax('z', 2), [['a', 10], ['d', 4]]);
  assert.equal(db.zrem('z', 'c'), 1);
  assert.equal(db.exists('z'), 0);
  db.zadd('zs', { x: 1, y: 2 });
  assert.deepEqual([...db.zscan('zs')].sort(), [['x', 1], ['y', 2]]);
  db.close();
});

test('binary values and returnBuffers', async () => {
  const all = new Uint8Array(256).map((_, i) => i);
  const db = await open();
  db.set('bin', all);
  assert.deepEqual(db.getBuffer('bin'), all);
  assert.deepEqual(db.commandBuffer('GET', 'bin'), all);
  db.set(new Uint8Array([0, 255, 10, 13]), 'binary key');
  assert.equal(db.get(new Uint8Array([0, 255, 10, 13])), 'binary key');
  db.set('dv', new DataView(all.buffer, 10, 3));
  assert.deepEqual(db.getBuffer('dv'), new Uint8Array([10, 11, 12]));
  db.close();

  const b = await open({ returnBuffers: true });
  b.set('bin', all);
  const got = b.get('bin');
  assert.ok(got instanceof Uint8Array);
  assert.deepEqual(got, all);
  assert.equal(b.set('x', 'y'), 'OK', 'status replies stay strings');
  b.hset('h', { f: all });
  const h = b.hgetall('h');
  assert.ok(h instanceof Map);
  const [[k, v]] = [...h];
  assert.deepEqual(k, new TextEncoder().encode('f'));
  assert.deepEqual(v, all);
  b.close();
});

test('big values and many arguments grow the argument area', async () => {
  const db = await open();
  const big = 'x'.repeat(3_000_000);
  db.set('big', big);
  assert.equal(db.strlen('big'), big.length);
  assert.equal(db.get('big'), big);
  const members = Array.from({ length: 5000 }, (_, i) => `m${i}`);
  assert.equal(db.sadd('many', members), 5000);
  assert.equal(db.scard('many'), 5000);
  db.close();
});

test('scan iterator: match, count, type; for and for await', async () => {
  const db = await open();
  for (let i = 0; i < 300; i++) db.set(`user:${i}`, i);
  db.hset('user:hash', { a: 1 });
  db.set('other', 1);
  const users = [...db.scan({ match: 'user:*', count: 50 })];
  assert.equal(users.length, 301);
  assert.equal(new Set(users).size, 301);
  const hashes = [];
  for await (const k of db.scan({ type: 'hash' })) hashes.push(k);
  assert.deepEqual(hashes, ['user:hash']);
  db.close();
});

test('multi/exec: results, errors in place, EXECABORT, WATCH', async () => {
  const db = await open();
  db.set('s', 'str');
  const r = db.multi().set('a', 1).incr('a').incr('s').hset('h', { f: 'v' }).hgetall('h').exists('a').exec();
  assert.equal(r[0], 'OK');
  assert.equal(r[1], 2);
  assert.ok(r[2] instanceof CinnabarError);
  assert.equal(r[2].code, 'ERR');
  assert.equal(r[3], 1);
  assert.deepEqual(r[4], { f: 'v' });
  assert.equal(r[5], 1);
  assert.throws(() => db.multi().command('GET').exec(), { code: 'EXECABORT' });
  db.watch('w');
  db.set('w', 'changed'); // same session, but WATCH sees any change
  assert.equal(db.multi().set('w', 'mine').exec(), null);
  assert.equal(db.get('w'), 'changed');
  db.close();
});

test('pub/sub: subscribe, psubscribe, keyspace notifications, unsubscribe', async () => {
  const db = await open();
  const got = [];
  const off = db.subscribe('news', (msg, ch) => got.push([ch, msg]));
  const poff = db.psubscribe('n*', (msg, ch, pat) => got.push([pat, ch, msg]));
  assert.equal(db.publish('news', 'hello'), 2);
  assert.equal(got.length, 0, 'delivery is asynchronous');
  await Promise.resolve();
  assert.deepEqual(got, [
    ['news', 'hello'],
    ['n*', 'news', 'hello'],
  ]);
  off();
  poff();
  assert.equal(db.publish('news', 'again'), 0);
  db.command('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
  const events = [];
  db.psubscribe('__keyevent@0__:*', (key, ch) => events.push([ch, key]));
  db.set('watched', 1);
  db.del('watched');
  await Promise.resolve();
  assert.deepEqual(events, [
    ['__keyevent@0__:set', 'watched'],
    ['__keyevent@0__:del', 'watched'],
  ]);
  db.close();
});

test('snapshot round-trip: every type, several databases, absolute TTLs', async () => {
  const now = clock();
  const db = await open({ now, databases: 4 });
  db.set('s', 'string');
  db.set('bin', new Uint8Array([0, 1, 2, 255]));
  db.rpush('l', 'a', 'b', 'c');
  db.hset('h', { f: 'v', g: 'w' });
  db.sadd('set', 'x', 'y');
  db.zadd('z', { a: 1.5, b: -Infinity, c: 1e300 });
  db.set('ttl', 'v', { px: 5000 });
  db.command('SELECT', 3);
  db.set('in3', 'three');
  db.command('SELECT', 0);
  const bytes = db.snapshot();
  assert.ok(bytes instanceof Uint8Array);
  const info = validateSnapshot(bytes);
  assert.equal(info.version, 10, 'an RDB file, version 10 as Redis 7.0 writes');
  assert.equal(info.createdAt, Math.floor(now() / 1000) * 1000, 'ctime, in seconds');
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 9)), 'REDIS0010');
  db.close();

  now.advance(1000);
  const r = await open({ now, databases: 4, snapshot: bytes });
  assert.equal(r.get('s'), 'string');
  assert.deepEqual(r.getBuffer('bin'), new Uint8Array([0, 1, 2, 255]));
  assert.deepEqual(r.lrange('l', 0, -1), ['a', 'b', 'c']);
  assert.deepEqual(r.hgetall('h'), { f: 'v', g: 'w' });
  assert.deepEqual(r.smembers('set').sort(), ['x', 'y']);
  assert.deepEqual(r.zrange('z', 0, -1, { withScores: true }), [['b', -Infinity], ['a', 1.5], ['c', 1e300]]);
  assert.equal(r.pttl('ttl'), 4000, 'the deadline is absolute: 1 s passed');
  r.command('SELECT', 3);
  assert.equal(r.get('in3'), 'three');
  r.command('SELECT', 0);
  now.advance(4001);
  assert.equal(r.get('ttl'), null);
  r.close();

  await assert.rejects(() => open({ databases: 2, snapshot: bytes }), (e) => e instanceof SnapshotError && /more databases than the 2 configured/.test(e.message));
});

test('corrupt or foreign snapshots are refused with a clear error, leaving the data as they were', async () => {
  const db = await open();
  db.set('k', 'v');
  const good = db.snapshot();
  assert.deepEqual(validateSnapshot(good).version, 10);
  const flipped = good.slice();
  flipped[25] ^= 0xff;
  await assert.rejects(() => open({ snapshot: flipped }), (e) => e instanceof SnapshotError && e.code === 'SNAPSHOT' && /snapshot is corrupt \(checksum mismatch\)/.test(e.message));
  await assert.rejects(() => open({ snapshot: good.slice(0, 20) }), /truncated|checksum/);
  await assert.rejects(() => open({ snapshot: new TextEncoder().encode('CNBRSNAP not an RDB file at all') }), /bad magic/);
  const future = good.slice();
  future.set(new TextEncoder().encode('0099'), 5);
  await assert.rejects(() => open({ snapshot: future }), /incompatible snapshot version 99/);
  assert.throws(() => validateSnapshot(future), SnapshotError);
  assert.throws(() => validateSnapshot('REDIS0010'), /must be a Uint8Array/);
  // Damage the checksum can't see (it is switched off: 8 zero bytes), caught by the parser.
  const nocrc = await open({ config: { rdbchecksum: 'no' } });
  nocrc.rpush('list', 'a', 'b');
  const unchecked = nocrc.snapshot();
  nocrc.close();
  assert.deepEqual([...unchecked.subarray(unchecked.length - 8)], [0, 0, 0, 0, 0, 0, 0, 0]);
  const cut = unchecked.slice();
  cut[cut.length - 17] = 0xee; // the list's listpack element count
  // restore() into an open database: all or nothing.
  db.set('other', 'kept');
  assert.throws(() => db.restore(cut), (e) => e instanceof SnapshotError && /snapshot is corrupt/.test(e.message));
  assert.throws(() => db.restore(flipped), SnapshotError);
  assert.deepEqual(db.mget('k', 'other'), ['v', 'kept'], 'nothing lost');
  assert.equal(db.restore(good), 1);
  assert.deepEqual(db.mget('k', 'other'), ['v', null], 'a good snapshot replaces everything');
  db.close();
});

test('options: databases, maxmemory, maxmemoryPolicy, config; bad options are refused', async () => {
  const db = await open({ databases: 2, maxmemory: '10mb', maxmemoryPolicy: 'allkeys-lru', config: { 'hash-max-listpack-entries': 64 } });
  assert.deepEqual(db.command('CONFIG', 'GET', 'maxmemory'), { maxmemory: '10485760' });
  assert.deepEqual(db.command('CONFIG', 'GET', 'maxmemory-policy'), { 'maxmemory-policy': 'allkeys-lru' });
  assert.deepEqual(db.command('CONFIG', 'GET', 'databases'), { databases: '2' });
  assert.equal(db.command('SELECT', 1), 'OK');
  assert.throws(() => db.command('SELECT', 2), { message: 'ERR DB index is out of range' });
  db.close();
  await assert.rejects(() => open({ maxmemoryPolicy: 'sometimes' }), (e) => e instanceof CinnabarError && /maxmemory-policy/.test(e.message));
  await assert.rejects(() => open({ config: { 'no-such-option': 1 } }), /no-such-option/);
});

test('openSync, close, Symbol.dispose', async () => {
  await Cinnabar.ready();
  const db = Cinnabar.openSync({ activeExpire: false });
  db.set('a', 1);
  assert.equal(db.get('a'), '1');
  db.close();
  assert.throws(() => db.get('a'), { message: 'ERR the database is closed' });
  const dispose = Symbol.dispose ?? Symbol.for('Symbol.dispose');
  const d = Cinnabar.openSync();
  d.set('x', 1);
  d[dispose](); // what `using d = ...` calls
  assert.throws(() => d.get('x'), /closed/);
  assert.throws(() => Cinnabar.openSync({ persist: { indexedDB: 'x' } }), /persist/);
  await assert.rejects(() => Cinnabar.open({ persist: { indexedDB: 'x' } }), /IndexedDB is not available/);
});

test('a Rust panic surfaces as a CinnabarError with its message', async () => {
  const db = await open();
  assert.throws(() => __panicForTests(db, 'boom for the test'), (e) => e instanceof CinnabarError && e.code === 'PANIC' && /boom for the test/.test(e.message));
  assert.throws(() => db.get('a'), { code: 'PANIC' }, 'a poisoned database refuses further use');
});

test('many databases share the module; each is independent', async () => {
  const a = await open();
  const b = await open();
  a.set('k', 'a');
  b.set('k', 'b');
  assert.equal(a.get('k'), 'a');
  assert.equal(b.get('k'), 'b');
  a.close();
  assert.equal(b.get('k'), 'b');
  b.close();
});
