// Snapshots are RDB files: a snapshot taken in the npm package loads into redis-server
// and cinnabar-server as their dump.rdb, and their dump.rdb restores in the package.
// Servers run on free loopback ports in temp dirs. Without redis-server (or a built
// cinnabar-server) the tests are skipped with a message saying what is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cinnabar, validateSnapshot } from 'cinnabar';

function which(cmd) {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

const root = process.env.CINNABAR_ROOT;
const redisServer = which('redis-server');
const checkRdb = which('redis-check-rdb');
const cinnabarServer = [join(root ?? '.', 'target/release/cinnabar-server'), join(root ?? '.', 'target/debug/cinnabar-server')].find((p) => existsSync(p)) ?? null;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A minimal RESP2 client: `await c.cmd('GET', 'k')`. */
class Client {
  static connect(port) {
    return new Promise((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => resolve(new Client(sock)));
      sock.once('error', reject);
    });
  }
  constructor(sock) {
    this.sock = sock;
    this.buf = Buffer.alloc(0);
    this.waiting = [];
    sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.pump();
    });
  }
  pump() {
    while (this.waiting.length) {
      const r = parse(this.buf, 0);
      if (!r) return;
      this.buf = this.buf.subarray(r.end);
      this.waiting.shift()(r.value);
    }
  }
  cmd(...args) {
    const parts = [`*${args.length}\r\n`];
    for (const a of args) {
      const b = Buffer.from(String(a));
      parts.push(`$${b.length}\r\n`, b, '\r\n');
    }
    this.sock.write(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.pump();
    });
  }
  close() {
    this.sock.destroy();
  }
}

function parse(b, p) {
  const nl = b.indexOf('\r\n', p);
  if (nl < 0) return null;
  const line = b.toString('utf8', p + 1, nl);
  const next = nl + 2;
  switch (String.fromCharCode(b[p])) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new Error(line), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      if (b.length < next + n + 2) return null;
      return { value: b.toString('utf8', next, next + n), end: next + n + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const out = [];
      let q = next;
      for (let i = 0; i < n; i++) {
        const r = parse(b, q);
        if (!r) return null;
        out.push(r.value);
        q = r.end;
      }
      return { value: out, end: q };
    }
    default:
      throw new Error(`bad reply byte ${b[p]}`);
  }
}

/** Start `bin` with `dump.rdb` = `rdb` (if given) in a fresh dir; resolves to { client, dir, stop }. */
async function startServer(bin, rdb) {
  const dir = mkdtempSync(join(tmpdir(), 'cinnabar-rdb-'));
  if (rdb) writeFileSync(join(dir, 'dump.rdb'), rdb);
  const port = await freePort();
  const proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--dbfilename', 'dump.rdb', '--save', '', '--appendonly', 'no', '--databases', '16'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  let exited = null;
  proc.on('exit', (code) => (exited = code));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (exited !== null) throw new Error(`${bin} exited with ${exited}: ${stderr}`);
    try {
      const client = await Client.connect(port);
      const pong = await client.cmd('PING');
      if (pong === 'PONG') {
        return {
          client,
          dir,
          stop: async () => {
            client.close();
            proc.kill('SIGKILL');
            if (exited === null) await new Promise((r) => proc.once('exit', r));
            rmSync(dir, { recursive: true, force: true });
          },
        };
      }
      client.close(); // -LOADING: not ready yet
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`${bin} did not answer PING within 10 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A dataset of every type, with TTLs, in two databases; returns the snapshot. */
async function sample() {
  const db = await Cinnabar.open({ activeExpire: false });
  db.set('s', 'string');
  db.set('n', 12345);
  db.set('bin', new Uint8Array([0, 1, 2, 255]));
  db.set('long', 'x'.repeat(5000)); // LZF-compressed in the file
  db.set('ttl', 'v', { ex: 3600 });
  db.rpush('l', 'a', 'b', 'c');
  db.rpush('biglist', ...Array.from({ length: 300 }, (_, i) => `item-${i}`));
  db.hset('h', { f: 'v', g: 'w' });
  db.hset('bighash', Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`, `v${i}`])));
  db.sadd('set', 'x', 'y');
  db.sadd('ints', 1, 2, 3);
  db.sadd('bigset', ...Array.from({ length: 200 }, (_, i) => `m${i}`));
  db.zadd('z', { a: 1.5, b: -Infinity, c: 1e300 });
  db.zadd('bigz', Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`p${i}`, i / 4])));
  db.command('SELECT', 3);
  db.set('in3', 'three');
  db.command('SELECT', 0);
  const bytes = db.snapshot();
  db.close();
  return bytes;
}

async function checkSample(c) {
  assert.equal(await c.cmd('GET', 's'), 'string');
  assert.equal(await c.cmd('GET', 'n'), '12345');
  assert.equal(await c.cmd('STRLEN', 'bin'), 4);
  assert.equal(await c.cmd('STRLEN', 'long'), 5000);
  const ttl = await c.cmd('TTL', 'ttl');
  assert.ok(ttl > 3500 && ttl <= 3600, `TTL kept: ${ttl}`);
  assert.deepEqual(await c.cmd('LRANGE', 'l', 0, -1), ['a', 'b', 'c']);
  assert.equal(await c.cmd('LLEN', 'biglist'), 300);
  assert.equal(await c.cmd('LINDEX', 'biglist', 299), 'item-299');
  assert.deepEqual(await c.cmd('HGETALL', 'h'), ['f', 'v', 'g', 'w']);
  assert.equal(await c.cmd('HGET', 'bighash', 'f199'), 'v199');
  assert.deepEqual((await c.cmd('SMEMBERS', 'set')).sort(), ['x', 'y']);
  assert.deepEqual((await c.cmd('SMEMBERS', 'ints')).sort(), ['1', '2', '3']);
  assert.equal(await c.cmd('SCARD', 'bigset'), 200);
  // Scores compared as numbers: Redis 7.0 prints 1e300 with %.17g, 7.2 (and Cinnabar) shortest.
  const z = await c.cmd('ZRANGE', 'z', 0, -1, 'WITHSCORES');
  assert.deepEqual(
    z.map((v, i) => (i % 2 ? Number(v.replace('inf', 'Infinity')) : v)),
    ['b', -Infinity, 'a', 1.5, 'c', 1e300],
  );
  assert.equal(await c.cmd('ZSCORE', 'bigz', 'p199'), '49.75');
  assert.equal(await c.cmd('DBSIZE'), 14);
  assert.equal(await c.cmd('SELECT', 3), 'OK');
  assert.equal(await c.cmd('GET', 'in3'), 'three');
  assert.equal(await c.cmd('SELECT', 0), 'OK');
}

test('a snapshot from the package is a valid RDB file (redis-check-rdb)', { skip: checkRdb ? false : 'redis-check-rdb not installed (apt-get install redis-tools)' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cinnabar-rdb-'));
  try {
    const file = join(dir, 'dump.rdb');
    writeFileSync(file, await sample());
    const out = execFileSync(checkRdb, [file], { encoding: 'utf8' });
    assert.match(out, /RDB looks OK/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const [name, bin] of [
  ['redis-server', redisServer],
  ['cinnabar-server', cinnabarServer],
]) {
  const skip = bin ? false : name === 'redis-server' ? 'redis-server not installed (apt-get install redis-server)' : 'cinnabar-server not built (cargo build --release --features native)';
  test(`a snapshot from the package loads into ${name}, and its dump.rdb restores in the package`, { skip }, async () => {
    const snap = await sample();
    const srv = await startServer(bin, snap);
    try {
      await checkSample(srv.client);
      // The other way: the server changes the data and saves; the package restores it.
      const c = srv.client;
      assert.equal(await c.cmd('SET', 'from-server', 'hello'), 'OK');
      assert.equal(await c.cmd('HSET', 'h', 'added', 'yes'), 1);
      assert.equal(await c.cmd('PEXPIRE', 's', 600_000), 1);
      assert.equal(await c.cmd('SAVE'), 'OK');
      const saved = new Uint8Array(readFileSync(join(srv.dir, 'dump.rdb')));
      assert.ok(validateSnapshot(saved).version >= 9);
      const db = await Cinnabar.open({ activeExpire: false, snapshot: saved });
      assert.equal(db.get('from-server'), 'hello');
      assert.deepEqual(db.hgetall('h'), { f: 'v', g: 'w', added: 'yes' });
      const pttl = db.pttl('s');
      assert.ok(pttl > 590_000 && pttl <= 600_000, `PTTL kept: ${pttl}`);
      assert.equal(db.llen('biglist'), 300);
      assert.equal(db.zscore('z', 'c'), 1e300);
      assert.deepEqual(db.getBuffer('bin'), new Uint8Array([0, 1, 2, 255]));
      db.command('SELECT', 3);
      assert.equal(db.get('in3'), 'three');
      db.close();
    } finally {
      await srv.stop();
    }
  });
}
