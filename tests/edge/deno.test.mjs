// The package in Deno: a script run by a real `deno` (the npm package `deno`, a dev
// dependency of tests/js) imports 'cinnabar' from the folder where the packed tarball was
// installed, as a Deno user with a package.json would, and prints what it saw as JSON.
// The assertions are made here, in Node, on that output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function denoBinary() {
  const candidates = [];
  for (const pkg of ['deno', '@deno/linux-x64-glibc', '@deno/linux-arm64-glibc']) {
    try {
      candidates.push(join(dirname(require.resolve(`${pkg}/package.json`)), 'deno'));
    } catch {
      // not installed for this platform
    }
  }
  const found = candidates.find((p) => existsSync(p));
  assert.ok(found, `no deno binary among ${candidates.join(', ')}: run scripts/setup-js.sh`);
  return found;
}

// Runs `source` as an ES module under Deno in the consumer folder; returns its stdout JSON.
function runDeno(source, extraArgs = []) {
  const dir = mkdtempSync(join(here, '.deno-'));
  try {
    const script = join(dir, 'main.mjs');
    writeFileSync(script, source);
    const out = execFileSync(
      denoBinary(),
      ['run', '--quiet', '--no-config', '--node-modules-dir=manual', '--allow-read', '--allow-env', ...extraArgs, script],
      { cwd: here, encoding: 'utf8', timeout: 60_000, env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1', DENO_DIR: join(dir, 'cache') } },
    );
    return JSON.parse(out.trim().split('\n').at(-1));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('deno: the package opens, runs commands and typed methods, maps errors', () => {
  const r = runDeno(`
import { Cinnabar, CinnabarError } from 'cinnabar';
const db = await Cinnabar.open();
const out = {};
out.set = db.set('greeting', 'hello');
out.get = db.get('greeting');
out.incr = [db.incr('n'), db.incrby('n', 41)];
db.hset('user:1', { name: 'ada', lang: 'rust' });
out.hgetall = db.hgetall('user:1');
db.zadd('board', { a: 3, b: 1, c: 2 });
out.zrange = db.zrange('board', 0, -1, { withScores: true });
out.rpush = db.command('RPUSH', 'list', 'x', 'y', 'z');
out.lrange = db.command('LRANGE', 'list', 0, -1);
out.missing = db.get('missing');
out.entry = import.meta.resolve('cinnabar');
try { db.command('INCR', 'greeting'); out.err = null; } catch (e) {
  out.err = { isCinnabarError: e instanceof CinnabarError, code: e.code, message: e.message };
}
try { db.command('LPUSH', 'greeting', 'v'); } catch (e) { out.wrongtype = e.code; }
out.dbsize = db.dbsize();
db.close();
console.log(JSON.stringify(out));
`);
  assert.equal(r.set, 'OK');
  assert.equal(r.get, 'hello');
  assert.deepEqual(r.incr, [1, 42]);
  assert.deepEqual(r.hgetall, { name: 'ada', lang: 'rust' });
  assert.deepEqual(r.zrange, [['b', 1], ['c', 2], ['a', 3]]);
  assert.equal(r.rpush, 3);
  assert.deepEqual(r.lrange, ['x', 'y', 'z']);
  assert.deepEqual(r.err, { isCinnabarError: true, code: 'ERR', message: 'ERR value is not an integer or out of range' });
  assert.equal(r.wrongtype, 'WRONGTYPE');
  assert.equal(r.missing, null);
  assert.equal(r.dbsize, 5);
  // Deno takes the package's "deno" export condition (listed before "node", which Deno also matches).
  assert.match(r.entry, /cinnabar\/src\/browser\.js$/);
});

test('deno: snapshot round trip keeps data, binary values and TTLs; expiry runs', () => {
  const r = runDeno(`
import { Cinnabar } from 'cinnabar';
const a = await Cinnabar.open({ returnBuffers: true });
a.set('keep', 'v1');
a.set(new Uint8Array([1, 2, 0, 3]), new Uint8Array([255, 0, 7]));
a.set('ttl', 'soon', { px: 60000 });
a.set('short', 'gone', { px: 30 });
const snap = a.snapshot();
const b = await Cinnabar.open({ snapshot: snap, returnBuffers: true });
const out = {
  isBytes: snap instanceof Uint8Array,
  magic: new TextDecoder().decode(snap.subarray(0, 5)),
  keep: Array.from(b.get('keep')),
  binary: Array.from(b.get(new Uint8Array([1, 2, 0, 3]))),
  pttl: b.pttl('ttl'),
};
// Expiry: wait past the 30 ms deadline on a real timer, then the key is gone.
await new Promise((res) => setTimeout(res, 80));
out.shortAfter = b.get('short');
out.exists = b.exists('short');
out.dbsize = b.dbsize();
// b stays open: its active-expiry timer must not keep Deno running (the test times out if it does).
a.close();
console.log(JSON.stringify(out));
`);
  assert.equal(r.isBytes, true);
  assert.equal(r.magic, 'REDIS');
  assert.deepEqual(r.keep, [...new TextEncoder().encode('v1')]);
  assert.deepEqual(r.binary, [255, 0, 7]);
  assert.ok(r.pttl > 55000 && r.pttl <= 60000, `pttl ${r.pttl}`);
  assert.equal(r.shortAfter, null);
  assert.equal(r.exists, 0);
  assert.equal(r.dbsize, 3);
});
