// The typed methods of streams, bitmaps, HyperLogLog, geo and the gaps filled in the older
// families, through the installed package (see scripts/test-js.sh). Expected values of
// HyperLogLog, BITFIELD and geo were taken from redis-server 7.0 with the same inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cinnabar, CinnabarError } from 'cinnabar';

/** A test clock: time only moves when told to. */
function clock(start = 1_700_000_000_000) {
  let t = start;
  const now = () => t;
  now.advance = (ms) => (t += ms);
  return now;
}

const open = (o = {}) => Cinnabar.open({ activeExpire: false, ...o });
const e = (id, fields) => ({ id, fields });

test('streams: xadd ids and options, xlen, xrange, xrevrange, xdel, xtrim, xsetid', async () => {
  const now = clock();
  const db = await open({ now });
  assert.equal(db.xadd('s', '1-1', { a: 1, b: 'x' }), '1-1');
  assert.equal(db.xadd('s', '*', [['c', 3]]), '1700000000000-0');
  assert.equal(db.xadd('s', '*', new Map([['d', 'y']])), '1700000000000-1');
  assert.equal(db.xadd('s', '1700000000000-*', { e: 5 }), '1700000000000-2');
  assert.equal(db.xlen('s'), 4);
  assert.deepEqual(db.xrange('s'), [
    e('1-1', { a: '1', b: 'x' }),
    e('1700000000000-0', { c: '3' }),
    e('1700000000000-1', { d: 'y' }),
    e('1700000000000-2', { e: '5' }),
  ]);
  assert.deepEqual(db.xrange('s', '1700000000000-1', '+', { count: 1 }), [e('1700000000000-1', { d: 'y' })]);
  assert.deepEqual(db.xrevrange('s', '+', '-', { count: 2 }), [e('1700000000000-2', { e: '5' }), e('1700000000000-1', { d: 'y' })]);
  assert.deepEqual(db.xrange('missing'), []);
  // NOMKSTREAM: no stream is created, the reply is null.
  assert.equal(db.xadd('nos', '*', { a: 1 }, { nomkstream: true }), null);
  assert.equal(db.exists('nos'), 0);
  // An id not above the top one is Redis's error.
  assert.throws(() => db.xadd('s', '1-1', { a: 1 }), {
    code: 'ERR',
    message: 'ERR The ID specified in XADD is equal or smaller than the target stream top item',
  });
  // MAXLEN while adding.
  now.advance(1);
  assert.equal(db.xadd('s', '*', { f: 6 }, { maxlen: 3 }), '1700000000001-0');
  assert.deepEqual(
    db.xrange('s').map((x) => x.id),
    ['1700000000000-1', '1700000000000-2', '1700000000001-0'],
  );
  assert.equal(db.xdel('s', '1700000000000-1', '9-9'), 1);
  assert.equal(db.xtrim('s', { minid: '1700000000001-0' }), 1);
  assert.deepEqual(db.xrange('s'), [e('1700000000001-0', { f: '6' })]);
  for (let i = 0; i < 10; i++) db.xadd('t', `${i + 1}-0`, { i });
  assert.equal(db.xtrim('t', { maxlen: 4 }), 6);
  assert.equal(db.xlen('t'), 4);
  // Approximate trimming never removes more than asked, and LIMIT bounds the work.
  const removed = db.xtrim('t', { maxlen: 0, approx: true, limit: 100 });
  assert.ok(removed >= 0 && removed <= 4);
  assert.throws(() => db.xtrim('t', {}), TypeError);
  assert.throws(() => db.xadd('t', '*', { a: 1 }, { maxlen: 1, minid: '1' }), TypeError);
  assert.equal(db.xsetid('s', '1800000000000-0'), 'OK');
  assert.equal(db.xinfoStream('s').lastGeneratedId, '1800000000000-0');
  assert.equal(db.type('s'), 'stream');
  // Field names are own properties, whatever they are.
  db.xadd('odd', '1-0', [['__proto__', 'p'], ['constructor', 'c']]);
  const [odd] = db.xrange('odd');
  assert.deepEqual(Object.keys(odd.fields), ['__proto__', 'constructor']);
  assert.equal(odd.fields.__proto__, 'p');
  assert.equal(Object.getPrototypeOf(odd.fields), Object.prototype);
  db.close();
});

test('streams: xread, and BLOCK refused by the typed methods', async () => {
  const db = await open({ now: clock() });
  db.xadd('a', '1-0', { n: 1 });
  db.xadd('a', '2-0', { n: 2 });
  db.xadd('b', '5-0', { m: 'x' });
  assert.deepEqual(db.xread({ a: '0', b: '0' }), [
    { key: 'a', entries: [e('1-0', { n: '1' }), e('2-0', { n: '2' })] },
    { key: 'b', entries: [e('5-0', { m: 'x' })] },
  ]);
  assert.deepEqual(db.xread([['a', '1-0']], { count: 5 }), [{ key: 'a', entries: [e('2-0', { n: '2' })] }]);
  assert.deepEqual(db.xread(new Map([['a', '0']]), { count: 1 }), [{ key: 'a', entries: [e('1-0', { n: '1' })] }]);
  assert.equal(db.xread({ a: '$' }), null);
  assert.equal(db.xread({ a: '2-0', b: '5-0' }), null);
  // A blocking read would stop the whole program: refused, nothing runs.
  for (const block of [0, 100]) {
    assert.throws(
      () => db.xread({ a: '$' }, { block }),
      (err) => err instanceof CinnabarError && err.code === 'ERR' && /BLOCK is not supported/.test(err.message),
    );
    assert.throws(() => db.xreadgroup('g', 'c', { a: '>' }, { block }), /XREADGROUP BLOCK is not supported/);
  }
  // Through command(), BLOCK answers at once (the embedded session cannot wait).
  assert.equal(db.command('XREAD', 'BLOCK', 100, 'STREAMS', 'a', '$'), null);
  // returnBuffers: values are bytes, ids and field names strings.
  const b = await open({ returnBuffers: true });
  b.xadd('s', '1-0', { f: new Uint8Array([0, 255]) });
  const [r] = b.xread({ s: '0' });
  assert.equal(r.key, 's');
  assert.equal(r.entries[0].id, '1-0');
  assert.deepEqual(r.entries[0].fields.f, new Uint8Array([0, 255]));
  b.close();
  db.close();
});

test('streams: a consumer-group flow with two consumers, pending entries, claim and autoclaim', async () => {
  const now = clock();
  const db = await open({ now });
  assert.equal(db.xgroupCreate('jobs', 'workers', '$', { mkstream: true }), 'OK');
  assert.throws(() => db.xgroupCreate('jobs', 'workers', '$'), { code: 'BUSYGROUP', message: 'BUSYGROUP Consumer Group name already exists' });
  for (let i = 1; i <= 4; i++) db.xadd('jobs', `${i}-0`, { job: `j${i}` });
  // alice takes two jobs, bob the other two.
  assert.deepEqual(db.xreadgroup('workers', 'alice', { jobs: '>' }, { count: 2 }), [
    { key: 'jobs', entries: [e('1-0', { job: 'j1' }), e('2-0', { job: 'j2' })] },
  ]);
  now.advance(1000);
  assert.deepEqual(db.xreadgroup('workers', 'bob', { jobs: '>' }), [
    { key: 'jobs', entries: [e('3-0', { job: 'j3' }), e('4-0', { job: 'j4' })] },
  ]);
  assert.equal(db.xreadgroup('workers', 'bob', { jobs: '>' }), null);
  // alice finishes job 1.
  assert.equal(db.xack('jobs', 'workers', '1-0'), 1);
  assert.equal(db.xack('jobs', 'workers', '1-0'), 0);
  assert.deepEqual(db.xpending('jobs', 'workers'), {
    count: 3,
    minId: '2-0',
    maxId: '4-0',
    consumers: [
      { name: 'alice', pending: 1 },
      { name: 'bob', pending: 2 },
    ],
  });
  // bob dies; 10 s later alice claims his job 3 (idle long enough), not job 4 twice.
  now.advance(10_000);
  assert.deepEqual(db.xpending('jobs', 'workers', { count: 10 }), [
    { id: '2-0', consumer: 'alice', idle: 11_000, deliveries: 1 },
    { id: '3-0', consumer: 'bob', idle: 10_000, deliveries: 1 },
    { id: '4-0', consumer: 'bob', idle: 10_000, deliveries: 1 },
  ]);
  assert.deepEqual(db.xpending('jobs', 'workers', { count: 10, consumer: 'bob', start: '4-0' }), [
    { id: '4-0', consumer: 'bob', idle: 10_000, deliveries: 1 },
  ]);
  assert.deepEqual(db.xclaim('jobs', 'workers', 'alice', 5000, ['3-0']), [e('3-0', { job: 'j3' })]);
  // Claimed just now: not idle enough for anyone else.
  assert.deepEqual(db.xclaim('jobs', 'workers', 'bob', 5000, '3-0', { justId: true }), []);
  assert.deepEqual(db.xpending('jobs', 'workers', { count: 10, idle: 5000 }), [
    { id: '2-0', consumer: 'alice', idle: 11_000, deliveries: 1 },
    { id: '4-0', consumer: 'bob', idle: 10_000, deliveries: 1 },
  ]);
  // Job 4's entry is deleted; carol's autoclaim takes job 2 and reports 4 as deleted.
  db.xdel('jobs', '4-0');
  assert.deepEqual(db.xautoclaim('jobs', 'workers', 'carol', 5000, '0', { count: 10 }), {
    nextId: '0-0',
    entries: [e('2-0', { job: 'j2' })],
    deletedIds: ['4-0'],
  });
  assert.deepEqual(db.xautoclaim('jobs', 'workers', 'carol', 0, '0', { justId: true }), {
    nextId: '0-0',
    entries: ['2-0', '3-0'],
    deletedIds: [],
  });
  // carol's pending history (id 0 instead of '>'), then a deleted entry shows as fields: null.
  assert.deepEqual(db.xreadgroup('workers', 'carol', { jobs: '0' }), [
    { key: 'jobs', entries: [e('2-0', { job: 'j2' }), e('3-0', { job: 'j3' })] },
  ]);
  db.xdel('jobs', '3-0');
  assert.deepEqual(db.xreadgroup('workers', 'carol', { jobs: '0' }), [
    { key: 'jobs', entries: [e('2-0', { job: 'j2' }), e('3-0', null)] },
  ]);
  const [g] = db.xinfoGroups('jobs');
  assert.deepEqual(
    { name: g.name, consumers: g.consumers, pending: g.pending, lastDeliveredId: g.lastDeliveredId, entriesRead: g.entriesRead },
    { name: 'workers', consumers: 3, pending: 2, lastDeliveredId: '4-0', entriesRead: 4 },
  );
  const cs = db.xinfoConsumers('jobs', 'workers');
  assert.deepEqual(
    cs.map((c) => [c.name, c.pending]),
    [
      ['alice', 0],
      ['bob', 0],
      ['carol', 2],
    ],
  );
  assert.equal(typeof cs[0].idle, 'number');
  const info = db.xinfoStream('jobs');
  assert.equal(info.length, 2); // 1-0 (acked, still in the stream) and 2-0
  assert.equal(info.groups, 1);
  assert.equal(info.lastGeneratedId, '4-0');
  assert.equal(info.entriesAdded, 4);
  assert.equal(info.maxDeletedEntryId, '4-0');
  assert.deepEqual(info.firstEntry, e('1-0', { job: 'j1' }));
  assert.deepEqual(info.lastEntry, e('2-0', { job: 'j2' }));
  const full = db.xinfoStream('jobs', { full: true });
  assert.deepEqual(full.entries, [e('1-0', { job: 'j1' }), e('2-0', { job: 'j2' })]);
  assert.equal(full.groups[0].name, 'workers');
  assert.equal(full.groups[0].pelCount, 2);
  assert.deepEqual(
    full.groups[0].pending.map((p) => [p.id, p.consumer, p.deliveryCount]),
    [
      ['2-0', 'carol', 4],
      ['3-0', 'carol', 3],
    ],
  );
  const carol = full.groups[0].consumers.find((c) => c.name === 'carol');
  assert.deepEqual(
    carol.pending.map((p) => p.id),
    ['2-0', '3-0'],
  );
  // Consumers and groups come and go.
  assert.equal(db.xgroupCreateconsumer('jobs', 'workers', 'dave'), true);
  assert.equal(db.xgroupCreateconsumer('jobs', 'workers', 'dave'), false);
  assert.equal(db.xgroupDelconsumer('jobs', 'workers', 'carol'), 2);
  assert.equal(db.xpending('jobs', 'workers').count, 0);
  assert.equal(db.xgroupSetid('jobs', 'workers', '0', { entriesRead: 0 }), 'OK');
  assert.deepEqual(db.xreadgroup('workers', 'dave', { jobs: '>' }, { noack: true }), [
    { key: 'jobs', entries: [e('1-0', { job: 'j1' }), e('2-0', { job: 'j2' })] },
  ]);
  assert.equal(db.xpending('jobs', 'workers').count, 0); // NOACK: nothing pending
  assert.equal(db.xgroupDestroy('jobs', 'workers'), true);
  assert.equal(db.xgroupDestroy('jobs', 'workers'), false);
  assert.deepEqual(db.xinfoGroups('jobs'), []);
  db.close();
});

test('bitmaps: setbit, getbit, bitcount, bitpos, bitop, bitfield overflow', async () => {
  const db = await open();
  assert.equal(db.setbit('b', 7, 1), 0);
  assert.equal(db.setbit('b', 7, true), 1);
  assert.equal(db.setbit('b', 9, 1), 0);
  assert.equal(db.getbit('b', 7), 1);
  assert.equal(db.getbit('b', 8), 0);
  assert.equal(db.get('b'), '\x01@');
  assert.equal(db.bitcount('b'), 2);
  assert.equal(db.bitcount('b', { start: 1 }), 1);
  assert.equal(db.bitcount('b', { start: 0, end: 7, unit: 'bit' }), 1);
  assert.equal(db.bitcount('b', { start: 8, end: 8, unit: 'BIT' }), 0);
  assert.equal(db.bitpos('b', 1), 7);
  assert.equal(db.bitpos('b', true, { start: 8, unit: 'bit' }), 9);
  assert.equal(db.bitpos('b', 0), 0);
  assert.equal(db.bitpos('none', 1), -1);
  db.set('x', '\xff\x0f', {});
  db.command('SET', 'p', new Uint8Array([0b1100, 0b1010]));
  db.command('SET', 'q', new Uint8Array([0b1010, 0b0110]));
  assert.equal(db.bitop('AND', 'and', 'p', 'q'), 2);
  assert.deepEqual(db.getBuffer('and'), new Uint8Array([0b1000, 0b0010]));
  assert.equal(db.bitop('xor', 'xor', ['p', 'q']), 2);
  assert.deepEqual(db.getBuffer('xor'), new Uint8Array([0b0110, 0b1100]));
  assert.equal(db.bitop('NOT', 'not', 'p'), 2);
  assert.deepEqual(db.getBuffer('not'), new Uint8Array([0b11110011, 0b11110101]));
  assert.throws(() => db.bitcount('b', { end: 3 }), TypeError);
  // The same operations give Redis 7.0: [0, 4, 255, null, 0, null, 127, 65407].
  assert.deepEqual(
    db.bitfield('bf', [
      { op: 'set', type: 'u8', offset: 0, value: 250 },
      { op: 'incrby', type: 'u8', offset: 0, increment: 10 }, // WRAP (default): 260 → 4
      { op: 'overflow', behavior: 'SAT' },
      { op: 'incrby', type: 'u8', offset: 0, increment: 300 }, // saturates at 255
      { op: 'overflow', behavior: 'fail' },
      { op: 'incrby', type: 'u8', offset: 0, increment: 1 }, // refused: null
      { op: 'set', type: 'i8', offset: '#1', value: -128 },
      { op: 'incrby', type: 'i8', offset: '#1', increment: -1 }, // still FAIL: null
      { op: 'overflow', behavior: 'wrap' },
      { op: 'incrby', type: 'i8', offset: '#1', increment: -1 }, // wraps to 127
      { op: 'get', type: 'u16', offset: 0 },
    ]),
    [0, 4, 255, null, 0, null, 127, 65407],
  );
  assert.deepEqual(
    db.bitfieldRo('bf', [
      { type: 'u8', offset: 0 },
      { type: 'i8', offset: 8 },
      { type: 'u4', offset: '#1' },
    ]),
    [255, 127, 15],
  );
  assert.throws(() => db.bitfieldRo('bf', [{ op: 'set', type: 'u8', offset: 0, value: 1 }]), TypeError);
  assert.throws(() => db.bitfield('bf', [{ op: 'get', type: 'u99', offset: 0 }]), {
    message: 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
  });
  db.close();
});

test('HyperLogLog: pfadd, pfcount of known sets (Redis counts), pfmerge', async () => {
  const db = await open();
  assert.equal(db.pfadd('small', 'a', 'b', 'c'), true);
  assert.equal(db.pfadd('small', ['a', 'b']), false);
  assert.equal(db.pfcount('small'), 3);
  const add = (key, n) => {
    for (let s = 0; s < n; s += 500) {
      const batch = [];
      for (let i = s; i < Math.min(n, s + 500); i++) batch.push(`el:${i}`);
      db.pfadd(key, batch);
    }
  };
  add('h10', 10);
  add('h1000', 1000);
  add('h10000', 10_000);
  // redis-server 7.0 gives 10, 999 and 10019 for these inputs.
  assert.equal(db.pfcount('h10'), 10);
  assert.equal(db.pfcount('h1000'), 999);
  assert.equal(db.pfcount('h10000'), 10019);
  assert.equal(db.pfcount('h1000', 'h10000'), 10019);
  assert.equal(db.pfmerge('m', 'h1000', 'h10000', 'small'), 'OK');
  assert.equal(db.pfcount('m'), db.pfcount('h1000', 'h10000', 'small'));
  db.set('str', 'not a hll');
  assert.throws(() => db.pfcount('str'), { code: 'WRONGTYPE' });
  db.close();
});

test('geo: geoadd options, geopos, geodist, geohash, geosearch results, geosearchstore', async () => {
  const db = await open();
  const sicily = [
    { longitude: 13.361389, latitude: 38.115556, member: 'Palermo' },
    { longitude: 15.087269, latitude: 37.502669, member: 'Catania' },
  ];
  assert.equal(db.geoadd('g', sicily), 2);
  assert.equal(db.geoadd('g', { longitude: 12.496366, latitude: 41.902782, member: 'Rome' }), 1);
  assert.equal(db.geoadd('g', { longitude: 12.5, latitude: 41.9, member: 'Rome' }, { nx: true }), 0);
  assert.equal(db.geoadd('g', { longitude: 0, latitude: 0, member: 'Null Island' }, { xx: true }), 0);
  assert.equal(db.geoadd('g', [{ longitude: 12.496366, latitude: 41.902782, member: 'Rome' }, { longitude: 9.19, latitude: 45.4642, member: 'Milan' }], { ch: true }), 1);
  db.command('ZREM', 'g', 'Milan');
  const [p, missing] = db.geopos('g', 'Palermo', 'Atlantis');
  assert.equal(missing, null);
  assert.ok(Math.abs(p.longitude - 13.361389) < 1e-5 && Math.abs(p.latitude - 38.115556) < 1e-5);
  assert.equal(db.geodist('g', 'Palermo', 'Catania'), 166274.1516);
  assert.equal(db.geodist('g', 'Palermo', 'Rome', 'km'), 427.6295);
  assert.equal(db.geodist('g', 'Palermo', 'Atlantis'), null);
  assert.deepEqual(db.geohash('g', 'Palermo', 'Catania', 'Rome', 'Atlantis'), ['sqc8b49rny0', 'sqdtr74hyu0', 'sr2ykk5t6k0', null]);
  // As redis-server: 56.4413 and 190.4424 km, hashes 3479447370796909 and 3479099956230698.
  const near = db.geosearch('g', { longitude: 15, latitude: 37 }, { radius: 200, unit: 'km' }, { sort: 'ASC', withDist: true, withHash: true, withCoord: true });
  assert.deepEqual(
    near.map((r) => [r.member, r.distance, r.hash]),
    [
      ['Catania', 56.4413, 3479447370796909],
      ['Palermo', 190.4424, 3479099956230698],
    ],
  );
  assert.ok(Math.abs(near[0].coordinates.longitude - 15.087267) < 1e-5 && Math.abs(near[0].coordinates.latitude - 37.502668) < 1e-5);
  assert.deepEqual(db.geosearch('g', { longitude: 15, latitude: 37 }, { radius: 200, unit: 'km' }, { sort: 'desc' }), ['Palermo', 'Catania']);
  assert.deepEqual(db.geosearch('g', { longitude: 15, latitude: 37 }, { radius: 200, unit: 'km' }, { sort: 'asc', count: 1 }), ['Catania']);
  assert.deepEqual(db.geosearch('g', { member: 'Rome' }, { radius: 500, unit: 'km' }, { sort: 'ASC', withDist: true }), [
    { member: 'Rome', distance: 0 },
    { member: 'Palermo', distance: 427.6295 },
  ]);
  assert.deepEqual(db.geosearch('g', { member: 'Rome' }, { width: 800, height: 800, unit: 'km' }), ['Rome']);
  assert.deepEqual(db.geosearch('g', { longitude: 0, latitude: 0 }, { radius: 1 }), []);
  assert.throws(() => db.geosearch('g', { member: 'Atlantis' }, { radius: 1 }), { message: 'ERR could not decode requested zset member' });
  // STOREDIST stores distances (in the search's unit) as scores.
  assert.equal(db.geosearchstore('d', 'g', { longitude: 15, latitude: 37 }, { radius: 200, unit: 'km' }, { storeDist: true }), 2);
  assert.ok(Math.abs(db.zscore('d', 'Catania') - 56.441257870158204) < 1e-9);
  assert.equal(db.geosearchstore('d2', 'g', { member: 'Palermo' }, { radius: 200, unit: 'km' }, { sort: 'asc', count: 1 }), 1);
  assert.equal(db.zscore('d2', 'Palermo'), db.zscore('g', 'Palermo')); // geohash scores
  db.close();
});

test('gaps filled in the older families: sorted sets, lists, sets, hashes, strings', async () => {
  const now = clock();
  const db = await open({ now });
  db.zadd('z', { a: 1, b: 2, c: 3, d: 4 });
  assert.deepEqual(db.zrevrange('z', 0, 1), ['d', 'c']);
  assert.deepEqual(db.zrevrange('z', 0, 1, { withScores: true }), [
    ['d', 4],
    ['c', 3],
  ]);
  assert.deepEqual(db.zrangebyscore('z', 2, '+inf'), ['b', 'c', 'd']);
  assert.deepEqual(db.zrangebyscore('z', '(1', 3, { withScores: true, limit: { offset: 1, count: 5 } }), [['c', 3]]);
  assert.deepEqual(db.zrevrangebyscore('z', '+inf', '-inf', { limit: { offset: 0, count: 2 } }), ['d', 'c']);
  assert.equal(db.zrangestore('top', 'z', 0, 1, { rev: true }), 2);
  assert.deepEqual(db.zrange('top', 0, -1, { withScores: true }), [
    ['c', 3],
    ['d', 4],
  ]);
  assert.equal(db.zrangestore('mid', 'z', 2, 3, { by: 'score' }), 2);
  assert.deepEqual(db.zrange('mid', 0, -1), ['b', 'c']);
  db.zadd('lex', { a: 0, b: 0, c: 0, d: 0 });
  assert.deepEqual(db.zrangebylex('lex', '[b', '+'), ['b', 'c', 'd']);
  assert.deepEqual(db.zrevrangebylex('lex', '+', '-', { limit: { offset: 0, count: 1 } }), ['d']);
  assert.equal(db.zlexcount('lex', '-', '(c'), 2);
  assert.equal(db.zremrangebylex('lex', '[a', '[b'), 2);
  assert.equal(db.zremrangebyrank('lex', 0, 0), 1);
  db.zadd('z2', { a: 10, x: 5 });
  assert.equal(db.zunionstore('u', ['z', 'z2'], { weights: [1, 2], aggregate: 'max' }), 5);
  assert.deepEqual(db.zrange('u', 0, -1, { withScores: true }), [
    ['b', 2],
    ['c', 3],
    ['d', 4],
    ['x', 10],
    ['a', 20],
  ]);
  assert.equal(db.zinterstore('i', ['z', 'z2']), 1);
  assert.equal(db.zscore('i', 'a'), 11);
  assert.deepEqual(db.zinter(['z', 'z2'], { withScores: true, aggregate: 'min' }), [['a', 1]]);
  assert.deepEqual(db.zunion(['z', 'z2']), ['b', 'c', 'd', 'x', 'a']);
  assert.deepEqual(db.zdiff(['z', 'z2']), ['b', 'c', 'd']);
  assert.equal(db.zdiffstore('df', ['z', 'z2']), 3);
  assert.equal(db.zintercard(['z', 'z2']), 1);
  assert.equal(db.zremrangebyscore('u', 10, 20), 2);
  assert.deepEqual(db.zmpop(['empty', 'z'], 'MIN', 2), { key: 'z', members: [['a', 1], ['b', 2]] });
  assert.equal(db.zmpop(['empty'], 'max'), null);
  assert.equal(db.zrandmember('nothing'), null);
  assert.ok(['c', 'd'].includes(db.zrandmember('z')));
  assert.deepEqual(db.zrandmember('z', -2, true).length, 2);
  assert.deepEqual(new Set(db.zrandmember('z', 5)), new Set(['c', 'd']));
  // lists
  db.rpush('l', 'a', 'b', 'c', 'b');
  assert.equal(db.lpos('l', 'b'), 1);
  assert.equal(db.lpos('l', 'b', { rank: -1 }), 3);
  assert.deepEqual(db.lpos('l', 'b', { count: 0 }), [1, 3]);
  assert.equal(db.lpos('l', 'z'), null);
  assert.equal(db.linsert('l', 'BEFORE', 'c', 'x'), 5);
  assert.equal(db.linsert('l', 'after', 'nope', 'x'), -1);
  assert.equal(db.lmove('l', 'l2', 'LEFT', 'right'), 'a');
  assert.equal(db.rpoplpush('l', 'l2'), 'b');
  assert.deepEqual(db.lrange('l2', 0, -1), ['b', 'a']);
  assert.equal(db.lpushx('nolist', 'v'), 0);
  assert.equal(db.rpushx('l2', 'z', 'y'), 4);
  assert.deepEqual(db.lmpop(['nolist', 'l2'], 'RIGHT', 2), { key: 'l2', elements: ['y', 'z'] });
  assert.equal(db.lmpop(['nolist'], 'left'), null);
  // sets
  db.sadd('s1', 'a', 'b', 'c');
  db.sadd('s2', 'b', 'c', 'd');
  assert.equal(db.smove('s1', 's2', 'a'), true);
  assert.equal(db.smove('s1', 's2', 'zz'), false);
  assert.equal(db.sinterstore('si', 's1', 's2'), 2);
  assert.deepEqual(db.smembers('si').sort(), ['b', 'c']);
  assert.equal(db.sunionstore('su', ['s1', 's2']), 4);
  assert.equal(db.sdiffstore('sd', 's2', 's1'), 2);
  assert.equal(db.sintercard(['s1', 's2']), 2);
  assert.equal(db.sintercard(['s1', 's2'], { limit: 1 }), 1);
  // hashes
  db.hset('h', { f1: 'v1', f2: 'v2' });
  assert.ok(['f1', 'f2'].includes(db.hrandfield('h')));
  assert.deepEqual(db.hrandfield('h', 5).sort(), ['f1', 'f2']);
  assert.deepEqual(db.hrandfield('h', 5, true).sort(), [
    ['f1', 'v1'],
    ['f2', 'v2'],
  ]);
  assert.equal(db.hrandfield('nohash'), null);
  // strings
  assert.equal(db.setex('se', 10, 'v'), 'OK');
  assert.equal(db.ttl('se'), 10);
  assert.equal(db.psetex('pse', 1500, 'v'), 'OK');
  assert.equal(db.pttl('pse'), 1500);
  // CONFIG
  assert.equal(db.configSet({ 'maxmemory-samples': 7 }), 'OK');
  assert.deepEqual(db.configGet('maxmemory-samples'), { 'maxmemory-samples': '7' });
  db.close();
});

test('the new methods queue in MULTI and their results are shaped', async () => {
  const db = await open({ now: clock() });
  const r = db
    .multi()
    .xadd('s', '1-0', { a: 1 })
    .xrange('s')
    .pfadd('h', 'x', 'y')
    .pfcount('h')
    .geoadd('g', { longitude: 13.361389, latitude: 38.115556, member: 'Palermo' })
    .geopos('g', 'Palermo')
    .setbit('b', 3, 1)
    .bitfield('b', [{ op: 'get', type: 'u4', offset: 0 }])
    .info('keyspace')
    .exec();
  assert.equal(r[0], '1-0');
  assert.deepEqual(r[1], [e('1-0', { a: '1' })]);
  assert.equal(r[2], true);
  assert.equal(r[3], 2);
  assert.equal(r[4], 1);
  assert.ok(Math.abs(r[5][0].longitude - 13.361389) < 1e-5);
  assert.equal(r[6], 0);
  assert.deepEqual(r[7], [1]);
  assert.equal(r[8].keyspace.db0.keys, 4);
  db.close();
});

test('RESP2 sessions (HELLO 2) give the same shapes', async () => {
  const db = await open({ now: clock() });
  db.command('HELLO', 2);
  db.xadd('s', '1-0', { a: 1 });
  db.xgroupCreate('s', 'g', '0');
  assert.deepEqual(db.xread({ s: '0' }), [{ key: 's', entries: [e('1-0', { a: '1' })] }]);
  assert.deepEqual(db.xreadgroup('g', 'c', { s: '>' }), [{ key: 's', entries: [e('1-0', { a: '1' })] }]);
  assert.equal(db.xinfoStream('s').length, 1);
  assert.equal(db.xinfoGroups('s')[0].pending, 1);
  db.geoadd('g', { longitude: 15.087269, latitude: 37.502669, member: 'Catania' });
  assert.deepEqual(
    db.geosearch('g', { longitude: 15, latitude: 37 }, { radius: 200, unit: 'km' }, { withDist: true }).map((x) => [x.member, x.distance]),
    [['Catania', 56.4413]],
  );
  assert.ok(Math.abs(db.geopos('g', 'Catania')[0].latitude - 37.502669) < 1e-5);
  assert.equal(db.geodist('g', 'Catania', 'Catania'), 0);
  db.zadd('z', { a: 1, b: 2 });
  assert.deepEqual(db.zrevrange('z', 0, -1, { withScores: true }), [
    ['b', 2],
    ['a', 1],
  ]);
  assert.deepEqual(db.configGet('maxmemory'), { maxmemory: '0' });
  db.close();
});
