// The npm package against JS peers, in one Node run, same data, printed as ratios.
//
//   bash scripts/build-wasm.sh && (cd tests/js && npm install)   # once (setup-js.sh does both)
//   node benches/js_bench.mjs            # N=1000000 keys, Z=10000 ZADDs
//   N=200000 Z=2000 node benches/js_bench.mjs
//   PARTS=throughput ROUNDS=5 node benches/js_bench.mjs   # parts: throughput,zset,memory
//   EXACT_CLOCK=1 PARTS=throughput node benches/js_bench.mjs   # get/set with activeExpire: false
//   CINNABAR_PKG=/abs/path/pkg/src/node.js node benches/js_bench.mjs   # another build
//
// - SET/GET of N 16-byte values: cinnabar (db.set/db.get) vs Map, lru-cache, ioredis-mock
// - Z single-member ZADDs then ZRANGE top-10 (REV): cinnabar vs ioredis-mock
// - memory for N keys, each measured in a fresh child process: cinnabar (wasm linear
//   memory + JS heap growth) vs lru-cache and Map (JS heap growth after GC)
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import v8 from 'node:v8';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const require = createRequire(new URL('../tests/js/package.json', import.meta.url));
const N = Number(process.env.N ?? 1_000_000);
const Z = Number(process.env.Z ?? 10_000);

// CINNABAR_PKG=/path/to/pkg/src/node.js compares another build of the package.
const pkgEntry = process.env.CINNABAR_PKG ? new URL(`file://${process.env.CINNABAR_PKG}`).href : '../pkg/src/node.js';

const keys = () => Array.from({ length: N }, (_, i) => `key:${String(i).padStart(12, '0')}`);
const value = (i) => `v${String(i).padStart(15, '0')}`; // 16 bytes

async function openCinnabar() {
  const { Cinnabar } = await import(pkgEntry);
  return Cinnabar.open({ activeExpire: false });
}

// --- memory mode (child process) ------------------------------------------------------
if (process.argv[2] === '--mem') {
  const which = process.argv[3];
  // Keys and values are made inside the fill loops: what a store keeps of them counts.
  const key = (i) => `key:${String(i).padStart(12, '0')}`;
  const { Cinnabar } = await import(pkgEntry);
  let db = null;
  if (which === 'cinnabar') {
    db = Cinnabar.openSync({ activeExpire: false });
  }
  global.gc();
  const heap0 = process.memoryUsage().heapUsed;
  const wasm0 = Cinnabar.wasmMemoryBytes();
  let holder;
  if (which === 'cinnabar') {
    for (let i = 0; i < N; i++) db.set(key(i), value(i));
  } else if (which === 'lru-cache') {
    const { LRUCache } = require('lru-cache');
    holder = new LRUCache({ max: N * 2 });
    for (let i = 0; i < N; i++) holder.set(key(i), value(i));
  } else {
    holder = new Map();
    for (let i = 0; i < N; i++) holder.set(key(i), value(i));
  }
  global.gc();
  const heap = process.memoryUsage().heapUsed - heap0;
  const wasm = Cinnabar.wasmMemoryBytes() - wasm0;
  console.log(JSON.stringify({ heap, wasm, keep: holder ? holder.size : db.dbsize() }));
  process.exit(0);
}

// --- throughput -----------------------------------------------------------------------
// The machine is shared and noisy: each contender runs ROUNDS times, alternating with
// the others, on a fresh instance after a full GC (so nobody pays for another's garbage,
// e.g. the key arrays built above), and its best round counts.
const gc = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc');
})();
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const PARTS = new Set((process.env.PARTS ?? 'throughput,zset,memory').split(','));

function rate(fn, n) {
  gc();
  const t0 = performance.now();
  fn();
  return n / ((performance.now() - t0) / 1000);
}
async function rateAsync(fn, n) {
  gc();
  const t0 = performance.now();
  await fn();
  return n / ((performance.now() - t0) / 1000);
}
const fmt = (r) => `${(r / 1e6).toFixed(2)}M/s`;
const ratio = (a, b) => `${(a / b).toFixed(2)}x`;

const ks = keys();
const vs = ks.map((_, i) => value(i));
const results = {};
const keep = (name, r) => {
  const best = results[name];
  results[name] = best ? { set: Math.max(best.set, r.set), get: Math.max(best.get, r.get) } : r;
};

// Each contender first runs on a throwaway instance (JIT and wasm tier-up).
const W = Math.min(N, 100_000);
// The package's defaults: the active expiry timer, and with it get/set's coarse clock
// (Date.now() every 256 calls and on each timer tick, not on every call). EXACT_CLOCK=1
// opens with activeExpire: false instead (Date.now() on every call).
const throughputOptions = process.env.EXACT_CLOCK ? { activeExpire: false } : {};
if (PARTS.has('throughput')) {
  const { LRUCache } = require('lru-cache');
  const RedisMock = require('ioredis-mock');
  const { Cinnabar } = await import(pkgEntry);
  {
    const w = Cinnabar.openSync(throughputOptions);
    for (let i = 0; i < W; i++) w.set(ks[i], vs[i]);
    for (let i = 0; i < W; i++) w.get(ks[i]);
    w.close();
    const c = new LRUCache({ max: W * 2 });
    for (let i = 0; i < W; i++) c.set(ks[i], vs[i]);
    for (let i = 0; i < W; i++) c.get(ks[i]);
    const m = new Map();
    for (let i = 0; i < W; i++) m.set(ks[i], vs[i]);
    for (let i = 0; i < W; i++) m.get(ks[i]);
    const r = new RedisMock();
    for (let i = 0; i < W / 10; i++) await r.set(ks[i], vs[i]);
    for (let i = 0; i < W / 10; i++) await r.get(ks[i]);
    r.disconnect();
  }
  for (let round = 0; round < ROUNDS; round++) {
    {
      const db = Cinnabar.openSync(throughputOptions);
      keep('cinnabar', {
        set: rate(() => {
          for (let i = 0; i < N; i++) db.set(ks[i], vs[i]);
        }, N),
        get: rate(() => {
          for (let i = 0; i < N; i++) if (db.get(ks[i]) === null) throw new Error('miss');
        }, N),
      });
      db.close();
    }
    {
      const m = new Map();
      keep('Map', {
        set: rate(() => {
          for (let i = 0; i < N; i++) m.set(ks[i], vs[i]);
        }, N),
        get: rate(() => {
          for (let i = 0; i < N; i++) if (m.get(ks[i]) === undefined) throw new Error('miss');
        }, N),
      });
    }
    {
      const c = new LRUCache({ max: N * 2 });
      keep('lru-cache', {
        set: rate(() => {
          for (let i = 0; i < N; i++) c.set(ks[i], vs[i]);
        }, N),
        get: rate(() => {
          for (let i = 0; i < N; i++) if (c.get(ks[i]) === undefined) throw new Error('miss');
        }, N),
      });
    }
    {
      const r = new RedisMock();
      keep('ioredis-mock', {
        set: await rateAsync(async () => {
          for (let i = 0; i < N; i++) await r.set(ks[i], vs[i]);
        }, N),
        get: await rateAsync(async () => {
          for (let i = 0; i < N; i++) if ((await r.get(ks[i])) === null) throw new Error('miss');
        }, N),
      });
      await r.flushall();
      r.disconnect();
    }
  }

  console.log(`SET/GET of ${N} 16-byte values (ops/s, best of ${ROUNDS} alternating rounds; ratio = cinnabar / peer)`);
  const c = results.cinnabar;
  for (const [name, r] of Object.entries(results)) {
    const cmp = name === 'cinnabar' ? '' : `   cinnabar/${name}: set ${ratio(c.set, r.set)}, get ${ratio(c.get, r.get)}`;
    console.log(`  ${name.padEnd(13)} set ${fmt(r.set).padStart(9)}  get ${fmt(r.get).padStart(9)}${cmp}`);
  }
}

// --- sorted sets ------------------------------------------------------------------------
if (PARTS.has('zset')) {
  const members = Array.from({ length: Z }, (_, i) => [`player:${i}`, (i * 7919) % 100_003]);
  const w = await openCinnabar();
  for (const [m, s] of members.slice(0, 2000)) w.zadd('warm', { [m]: s });
  w.close();
  const db = await openCinnabar();
  const t0 = performance.now();
  for (const [m, s] of members) db.zadd('board', { [m]: s });
  const top = db.zrange('board', 0, 9, { rev: true, withScores: true });
  const tc = performance.now() - t0;
  db.close();

  const RedisMock = require('ioredis-mock');
  const r = new RedisMock();
  const t1 = performance.now();
  for (const [m, s] of members) await r.zadd('board', s, m);
  const topMock = await r.zrange('board', 0, 9, 'REV', 'WITHSCORES');
  const tm = performance.now() - t1;
  r.disconnect();
  if (String(topMock[0]) !== String(top[0][0])) throw new Error(`top differs: ${topMock[0]} vs ${top[0][0]}`);
  console.log(`\n${Z} single-member ZADDs + ZRANGE top-10: cinnabar ${tc.toFixed(1)} ms, ioredis-mock ${tm.toFixed(1)} ms   ratio ${(tm / tc).toFixed(0)}x faster`);
}

// --- memory -----------------------------------------------------------------------------
if (PARTS.has('memory')) {
  console.log(`\nmemory for ${N} keys (fresh process each; JS heap growth after GC + wasm memory growth, keys and values included)`);
  const mem = {};
  for (const which of ['cinnabar', 'lru-cache', 'Map']) {
    const out = execFileSync(process.execPath, ['--expose-gc', here, '--mem', which], { encoding: 'utf8', env: { ...process.env, N: String(N) } });
    const m = JSON.parse(out.trim().split('\n').pop());
    mem[which] = (m.heap + m.wasm) / N;
    console.log(`  ${which.padEnd(10)} ${mem[which].toFixed(1).padStart(7)} B/key  (JS heap ${(m.heap / N).toFixed(1)}, wasm ${(m.wasm / N).toFixed(1)})`);
  }
  console.log(`  cinnabar/lru-cache memory: ${(mem.cinnabar / mem['lru-cache']).toFixed(2)}x`);
}
