// The engine's GET/SET fast path (src/engine.rs, `execute_fast`) against its general
// dispatcher, through the package. Any enabled keyspace-notification class makes the
// fast path decline, and 'Kh' (hash events only) publishes nothing for strings: so a
// database opened with it runs every GET/SET through the general path with otherwise
// the same observable behaviour. Both run the same script on the same injected clock;
// replies, INFO statistics, LFU/LRU stamps and `expired` events must match. No sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cinnabar, parseInfo } from 'cinnabar';

function clock(start = 1_700_000_000_000) {
  let t = start;
  const now = () => t;
  now.advance = (ms) => (t += ms);
  return now;
}

async function pair(config = {}) {
  const now = clock();
  const expired = { fast: [], general: [] };
  const fast = await Cinnabar.open({ activeExpire: false, now, config, onExpired: (k) => expired.fast.push(k) });
  const general = await Cinnabar.open({
    activeExpire: false,
    now,
    config: { ...config, 'notify-keyspace-events': 'Kh' },
    onExpired: (k) => expired.general.push(k),
  });
  const both = (fn) => {
    const a = (() => {
      try {
        return fn(fast);
      } catch (e) {
        return `threw ${e.message}`;
      }
    })();
    const b = (() => {
      try {
        return fn(general);
      } catch (e) {
        return `threw ${e.message}`;
      }
    })();
    assert.deepEqual(a, b);
    return a;
  };
  const stats = (db) => {
    const flat = {};
    for (const sec of ['stats', 'commandstats', 'errorstats', 'keyspace']) {
      for (const [k, v] of Object.entries(parseInfo(db.command('INFO', sec))[sec] ?? {})) {
        if (k !== 'cmdstat_info') flat[`${sec}.${k}`] = v;
      }
    }
    return flat;
  };
  const sameStats = () => assert.deepEqual(stats(fast), stats(general));
  return { now, fast, general, both, sameStats, expired };
}

test('fast path: get/set replies and statistics match the general path', async () => {
  const p = await pair();
  assert.equal(p.both((db) => db.get('k')), null);
  assert.equal(p.both((db) => db.set('k', 'hello')), 'OK');
  assert.equal(p.both((db) => db.get('k')), 'hello');
  assert.equal(p.both((db) => db.set('k', '')), 'OK');
  assert.equal(p.both((db) => db.get('k')), '');
  p.both((db) => db.set('n', '12345'));
  assert.equal(p.both((db) => db.command('INCR', 'n')), 12346);
  assert.equal(p.both((db) => db.get('n')), '12346');
  // Non-ASCII, longer than the short-string decoder, bytes.
  p.both((db) => db.set('u', 'héllo wörld, a value longer than sixteen bytes'));
  assert.equal(p.both((db) => db.get('u')), 'héllo wörld, a value longer than sixteen bytes');
  p.both((db) => db.set(new Uint8Array([1, 2, 255]), new Uint8Array([0, 13, 10])));
  assert.deepEqual(
    p.both((db) => db.getBuffer(new Uint8Array([1, 2, 255]))),
    new Uint8Array([0, 13, 10]),
  );
  // Keys and values too long for the argument area as it is (64 KB at first: the
  // wrapper then takes the general path, which grows it), and UTF-8 keys.
  const long = 'x'.repeat(100_000);
  const euros = '€'.repeat(30_000); // 90,000 bytes
  assert.equal(p.both((db) => db.set(euros, long)), 'OK');
  assert.equal(p.both((db) => db.get(euros)), long);
  assert.equal(p.both((db) => db.set('short', euros)), 'OK');
  assert.equal(p.both((db) => db.get('short')), euros);
  assert.equal(p.both((db) => db.get('€')), null);
  // Lower-case names through command() take the fast path too.
  assert.equal(p.both((db) => db.command('get', 'k')), '');
  // Wrong type: the same error, counted the same way.
  p.both((db) => db.rpush('list', 'x'));
  const err = p.both((db) => db.get('list'));
  assert.match(err, /^threw WRONGTYPE/);
  p.sameStats();
  const s = parseInfo(p.fast.command('INFO', 'stats')).stats;
  assert.ok(s.keyspace_hits >= 6, `hits were counted (${s.keyspace_hits})`);
  assert.ok(s.keyspace_misses >= 1, `misses were counted (${s.keyspace_misses})`);
  const c = parseInfo(p.fast.command('INFO', 'commandstats')).commandstats;
  assert.ok(c.cmdstat_get.calls >= 8 && c.cmdstat_get.failed_calls === 1, JSON.stringify(c.cmdstat_get));
});

test('fast path: lazy expiry at the deadline and its expired events match', async () => {
  const p = await pair();
  p.both((db) => db.set('a', '1', { px: 100 }));
  p.both((db) => db.set('b', '2', { px: 100 }));
  p.now.advance(100);
  assert.equal(p.both((db) => db.get('a')), '1'); // alive at its deadline, as Redis
  p.now.advance(1);
  assert.equal(p.both((db) => db.get('a')), null);
  assert.equal(p.both((db) => db.set('b', '3')), 'OK'); // expires the old b first
  assert.equal(p.both((db) => db.ttl('b')), -1);
  // Events are delivered in a microtask.
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(p.expired.fast, ['a', 'b']);
  assert.deepEqual(p.expired.fast, p.expired.general);
  p.sameStats();
});

test('fast path: LFU counters, LRU idle time and WATCH match', async () => {
  const p = await pair({ 'maxmemory-policy': 'allkeys-lfu' });
  p.both((db) => db.set('k', 'v'));
  for (let i = 0; i < 300; i++) p.both((db) => db.get('k'));
  // The LFU counter's growth is random (each database has its own entropy-seeded PRNG;
  // tests/engine_fast.rs compares exact counters with one seed): both must have grown.
  for (const db of [p.fast, p.general]) {
    const freq = db.command('OBJECT', 'FREQ', 'k');
    assert.ok(freq > 5, `LFU counter grew (${freq})`);
  }
  const q = await pair();
  q.both((db) => db.set('k', 'v'));
  q.now.advance(7000);
  q.both((db) => db.get('k'));
  q.now.advance(2000);
  assert.equal(q.both((db) => db.command('OBJECT', 'IDLETIME', 'k')), 2);
  // A SET through the fast path breaks a WATCH.
  const r = q.both((db) => {
    db.watch('k');
    db.set('k', 'changed');
    return db.multi().set('k', 'mine').get('k').exec();
  });
  assert.equal(r, null);
  assert.equal(q.both((db) => db.get('k')), 'changed');
  q.sameStats();
});

test('fast path: reply decoding at the short-ASCII boundary, UTF-8, binary and returnBuffers', async () => {
  // The engine marks bulk replies of at most 16 ASCII bytes (R_ASCII) and the JS side
  // then builds the string without checking the bytes: every other value must still
  // come back exactly, as a string or through returnBuffers.
  const p = await pair();
  const bytes = (s) => new TextEncoder().encode(s);
  const values = [
    '',
    'a',
    'x'.repeat(15),
    'y'.repeat(16),
    'z'.repeat(17),
    'é',
    'abcdefghijklmnó', // 16 bytes, the last two UTF-8
    '€'.repeat(5), // 15 bytes, 5 characters
    '😀 emoji',
    'long '.repeat(100),
    '-17',
    '12345678901234567890', // too long for an integer encoding: stays bytes
  ];
  for (const [i, v] of values.entries()) {
    const key = i % 2 ? `ключ-${i}` : `key-${i}`; // non-ASCII keys too
    assert.equal(p.both((db) => db.set(key, v)), 'OK');
    assert.equal(p.both((db) => db.get(key)), v, JSON.stringify(v));
    assert.deepEqual(p.both((db) => db.getBuffer(key)), bytes(v));
  }
  // Bytes 0x80-0xff (not UTF-8), short and long, as buffers and via returnBuffers.
  const bin = [new Uint8Array([0x80]), new Uint8Array([0x41, 0xff, 0x42]), Uint8Array.from({ length: 16 }, (_, i) => 0xf0 + i), Uint8Array.from({ length: 40 }, (_, i) => 0x80 + i)];
  const bufs = await Cinnabar.open({ activeExpire: false, returnBuffers: true });
  for (const [i, b] of bin.entries()) {
    p.both((db) => db.set(`bin${i}`, b));
    assert.deepEqual(p.both((db) => db.getBuffer(`bin${i}`)), b);
    bufs.set(`bin${i}`, b);
    assert.deepEqual(bufs.get(`bin${i}`), b);
  }
  // returnBuffers with short ASCII values: bytes, not strings.
  bufs.set('ascii', 'plain ascii');
  assert.deepEqual(bufs.get('ascii'), bytes('plain ascii'));
  bufs.set('empty', '');
  assert.deepEqual(bufs.get('empty'), new Uint8Array(0));
  assert.equal(bufs.get('missing'), null);
  p.sameStats();
});

test('coarse clock (the default, with the expiry timer): a key with a TTL is never served after its deadline', async () => {
  // get/set read Date.now() only every 256 calls and on timer ticks; the engine reads
  // the real time where a key with a TTL could have expired.
  const expired = [];
  const db = await Cinnabar.open({ onExpired: (k) => expired.push(k) });
  db.set('a', '1', { px: 200 });
  db.set('b', '2', { px: 200 });
  db.set('plain', 'p');
  // These calls read the coarse clock, before the deadlines.
  assert.equal(db.get('a'), '1');
  assert.equal(db.get('plain'), 'p');
  // The deadlines pass without the timer getting a turn, so get/set's clock is behind.
  const until = Date.now() + 250;
  while (Date.now() < until);
  assert.equal(db.get('a'), null);
  assert.equal(db.set('b', '3'), 'OK'); // the old b expires first
  assert.equal(db.ttl('b'), -1);
  assert.equal(db.get('plain'), 'p');
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(expired, ['a', 'b']);
  db.close();
});
