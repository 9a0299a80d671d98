// Real-client tests: ioredis against a running scratch server.
//
//   CINNABAR_PORT=6379 node --test tests/clients/node/test_ioredis.mjs
//
// The server at CINNABAR_HOST:CINNABAR_PORT (default 127.0.0.1:6379) is flushed before
// each test. tests/clients.rs runs this against a fresh cinnabar-server and a fresh
// redis-server.
import { test, before, beforeEach, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import Redis from 'ioredis';

const require = createRequire(import.meta.url);
const IOREDIS_VERSION = require('ioredis/package.json').version;

const host = process.env.CINNABAR_HOST ?? '127.0.0.1';
const port = Number(process.env.CINNABAR_PORT ?? 6379);

const clients = [];
function connect(options = {}) {
  const c = new Redis({
    host,
    port,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null, // fail fast instead of reconnecting forever
    ...options,
  });
  clients.push(c);
  return c;
}

let r;
let version;

before(async () => {
  r = connect();
  const info = await r.info('server');
  const m = /redis_version:(\d+)\.(\d+)/.exec(info);
  assert.ok(m, 'INFO server has redis_version');
  version = [Number(m[1]), Number(m[2])];
});

beforeEach(async () => {
  assert.equal(await r.flushall(), 'OK');
});

after(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
});

const atLeast = (major, minor) =>
  version[0] > major || (version[0] === major && version[1] >= minor);

async function rejectsWith(promise, message) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.name, 'ReplyError');
    assert.equal(err.message, message);
    return true;
  });
}

test('ping and echo', async () => {
  assert.equal(await r.ping(), 'PONG');
  assert.equal(await r.ping('hi'), 'hi');
  assert.equal(await r.echo('a b c'), 'a b c');
});

test('set and get strings', async () => {
  assert.equal(await r.set('greeting', 'hello'), 'OK');
  assert.equal(await r.get('greeting'), 'hello');
  assert.equal(await r.get('missing'), null);
  assert.equal(await r.set('greeting', 'new', 'GET'), 'hello');
  assert.equal(await r.set('greeting', 'x', 'NX'), null);
  assert.equal(await r.set('nope', 'x', 'XX'), null);
  assert.equal(await r.exists('nope'), 0);
  assert.equal(await r.get('greeting'), 'new');
  assert.equal(await r.set('uni', 'żółć ✓'), 'OK');
  assert.equal(await r.get('uni'), 'żółć ✓');
  assert.equal(await r.strlen('uni'), Buffer.byteLength('żółć ✓'));
});

test('binary values round-trip as Buffers', async () => {
  const blob = Buffer.alloc(70000);
  for (let i = 0; i < blob.length; i++) blob[i] = (i * 7 + 3) & 0xff;
  const key = Buffer.from([0x62, 0x00, 0x0d, 0x0a, 0xff]);
  assert.equal(await r.set(key, blob), 'OK');
  const back = await r.getBuffer(key);
  assert.ok(Buffer.isBuffer(back));
  assert.ok(back.equals(blob), 'value bytes differ');
  assert.equal(await r.strlen(key), blob.length);
  assert.equal(await r.set('empty', ''), 'OK');
  assert.equal(await r.get('empty'), '');
  assert.deepEqual(await r.mgetBuffer('empty', 'missing'), [Buffer.alloc(0), null]);
});

test('counters', async () => {
  assert.equal(await r.incr('c'), 1);
  assert.equal(await r.incrby('c', 9), 10);
  assert.equal(await r.decr('c'), 9);
  assert.equal(await r.decrby('c', 20), -11);
  assert.equal(await r.incrbyfloat('f', '0.5'), '0.5');
  assert.equal(await r.incrbyfloat('f', '0.25'), '0.75');
  assert.equal(await r.incrbyfloat('f', '10.5e3'), '10500.75');
  assert.equal(await r.incrbyfloat('f', '-10500.75'), '0');
  await r.set('text', 'abc');
  await rejectsWith(r.incr('text'), 'ERR value is not an integer or out of range');
  await rejectsWith(r.incrbyfloat('text', 1), 'ERR value is not a valid float');
  await r.set('max', '9223372036854775807');
  await rejectsWith(r.incr('max'), 'ERR increment or decrement would overflow');
});

test('mset, mget and msetnx', async () => {
  assert.equal(await r.mset({ a: '1', b: '2' }), 'OK');
  assert.deepEqual(await r.mget('a', 'missing', 'b'), ['1', null, '2']);
  assert.equal(await r.msetnx('a', 'x', 'c', '3'), 0);
  assert.equal(await r.exists('c'), 0);
  assert.equal(await r.msetnx('c', '3', 'd', '4'), 1);
  assert.deepEqual(await r.mget('c', 'd'), ['3', '4']);
});

test('append, getrange, setrange, getdel, getex', async () => {
  assert.equal(await r.append('s', 'Hello'), 5);
  assert.equal(await r.append('s', ' World'), 11);
  assert.equal(await r.getrange('s', -5, -1), 'World');
  assert.equal(await r.setrange('s', 6, 'Node!'), 11);
  assert.equal(await r.get('s'), 'Hello Node!');
  assert.equal(await r.getex('s', 'EX', 100), 'Hello Node!');
  const ttl = await r.ttl('s');
  assert.ok(ttl >= 99 && ttl <= 100, `ttl ${ttl}`);
  assert.equal(await r.getex('s', 'PERSIST'), 'Hello Node!');
  assert.equal(await r.ttl('s'), -1);
  assert.equal(await r.getdel('s'), 'Hello Node!');
  assert.equal(await r.exists('s'), 0);
});

test('expiry and TTLs', async () => {
  assert.equal(await r.ttl('missing'), -2);
  assert.equal(await r.set('k', 'v', 'EX', 100), 'OK');
  let ttl = await r.ttl('k');
  assert.ok(ttl >= 99 && ttl <= 100, `ttl ${ttl}`);
  assert.equal(await r.set('k', 'v2', 'KEEPTTL'), 'OK');
  ttl = await r.ttl('k');
  assert.ok(ttl >= 99 && ttl <= 100, `ttl after KEEPTTL ${ttl}`);
  assert.equal(await r.pexpire('k', 2500), 1);
  const pttl = await r.pttl('k');
  assert.ok(pttl > 0 && pttl <= 2500, `pttl ${pttl}`);
  assert.equal(await r.persist('k'), 1);
  assert.equal(await r.ttl('k'), -1);
  const at = Math.floor(Date.now() / 1000) + 300;
  assert.equal(await r.expireat('k', at), 1);
  assert.equal(await r.expiretime('k'), at);
  assert.equal(await r.expire('k', 10, 'GT'), 0);
  // A time in the past removes the key at once.
  assert.equal(await r.pexpireat('k', 1000), 1);
  assert.equal(await r.get('k'), null);
  assert.equal(await r.set('p', 'v', 'PXAT', 1000), 'OK');
  assert.equal(await r.exists('p'), 0);
  await rejectsWith(r.set('k', 'v', 'EX', 0), "ERR invalid expire time in 'set' command");
  await rejectsWith(r.expire('k', 'soon'), 'ERR value is not an integer or out of range');
});

test('keys, scanStream, rename, type, dbsize', async () => {
  const names = [];
  const p = r.pipeline();
  for (let i = 0; i < 250; i++) {
    names.push(`item:${i}`);
    p.set(`item:${i}`, i);
  }
  await p.exec();
  assert.equal(await r.dbsize(), 250);
  assert.deepEqual((await r.keys('item:1?')).sort(), [...Array(10).keys()].map((i) => `item:1${i}`).sort());
  const seen = new Set();
  for await (const batch of r.scanStream({ match: 'item:*', count: 20 })) {
    for (const k of batch) seen.add(k);
  }
  assert.equal(seen.size, 250);
  assert.deepEqual([...seen].sort(), names.sort());
  assert.equal(await r.type('item:1'), 'string');
  assert.equal(await r.type('missing'), 'none');
  assert.equal(await r.rename('item:1', 'renamed'), 'OK');
  assert.equal(await r.get('renamed'), '1');
  await rejectsWith(r.rename('missing', 'x'), 'ERR no such key');
  assert.equal(await r.del('renamed', 'item:2', 'missing'), 2);
  assert.equal(await r.dbsize(), 248);
});

test('pipelines return replies in order, errors in place', async () => {
  const p = r.pipeline();
  for (let i = 0; i < 500; i++) p.incr('n');
  const results = await p.exec();
  assert.equal(results.length, 500);
  results.forEach(([err, value], i) => {
    assert.equal(err, null);
    assert.equal(value, i + 1);
  });
  const mixed = await r.pipeline().set('t', 'text').incr('t').get('t').exec();
  assert.deepEqual(mixed[0], [null, 'OK']);
  assert.equal(mixed[1][0].message, 'ERR value is not an integer or out of range');
  assert.deepEqual(mixed[2], [null, 'text']);
});

test('databases are separate', async () => {
  const other = connect({ db: 2 });
  assert.equal(await other.set('k', 'in-2'), 'OK');
  assert.equal(await r.get('k'), null);
  assert.equal(await other.get('k'), 'in-2');
  assert.equal(await other.dbsize(), 1);
  await rejectsWith(r.select(99), 'ERR DB index is out of range');
});

test('connection and server commands', async () => {
  assert.equal(await r.client('SETNAME', 'node-test'), 'OK');
  assert.equal(await r.client('GETNAME'), 'node-test');
  const id = await r.client('ID');
  assert.ok(Number.isInteger(id) && id > 0);
  const info = await r.client('INFO');
  assert.match(info, new RegExp(`^id=${id} `));
  assert.match(info, / name=node-test /);
  if (atLeast(7, 2)) {
    // ioredis sends CLIENT SETINFO LIB-NAME/LIB-VER while connecting.
    assert.match(info, / lib-name=ioredis /);
    assert.match(info, new RegExp(` lib-ver=${IOREDIS_VERSION.replace(/\./g, '\\.')}\\s`));
  }
  assert.match(await r.client('LIST'), new RegExp(`id=${id} `));
  const [secs, micros] = await r.time();
  assert.ok(Math.abs(Number(secs) - Date.now() / 1000) < 60);
  assert.ok(Number(micros) >= 0 && Number(micros) < 1e6);
  assert.deepEqual(await r.config('GET', 'maxmemory'), ['maxmemory', '0']);
  assert.match(await r.info('server'), new RegExp(`tcp_port:${port}\\r\\n`));
  await r.set('a', '1');
  assert.match(await r.info('keyspace'), /db0:keys=1,expires=0/);
  await rejectsWith(r.call('NOSUCHCMD', 'x'), "ERR unknown command 'NOSUCHCMD', with args beginning with: 'x' ");
  await rejectsWith(r.call('GET'), "ERR wrong number of arguments for 'get' command");
  assert.equal(await r.ping(), 'PONG');
});

test('many concurrent connections', async () => {
  const conns = Array.from({ length: 20 }, () => connect());
  await Promise.all(conns.map(async (c) => {
    for (let i = 0; i < 50; i++) await c.incr('shared');
  }));
  assert.equal(await r.get('shared'), '1000');
  const list = await r.client('LIST');
  assert.ok(list.trim().split('\n').length >= 21, 'CLIENT LIST shows every connection');
  await Promise.all(conns.map((c) => c.quit()));
});
