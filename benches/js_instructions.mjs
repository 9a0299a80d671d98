// Instructions per db.get / db.set in Node, counted by callgrind: repeatable where
// wall-clock throughput on this shared machine is not. Driven by js_instructions.sh,
// which runs this file twice (R=5 and R=25 passes over N keys) and divides the
// difference by the extra operations, so start-up, JIT warm-up and the fill cancel out.
//
//   OP=get|set R=5 N=20000 node benches/js_instructions.mjs
//   CINNABAR_PKG=/abs/path/pkg/src/node.js ...   # another build of the package
//   EXACT_CLOCK=1 ...                             # activeExpire: false
const entry = process.env.CINNABAR_PKG ? new URL(`file://${process.env.CINNABAR_PKG}`).href : '../pkg/src/node.js';
const { Cinnabar } = await import(entry);
const N = Number(process.env.N ?? 20000);
const R = Number(process.env.R ?? 5);
const set = process.env.OP === 'set';
const ks = Array.from({ length: N }, (_, i) => `key:${String(i).padStart(12, '0')}`);
const vs = ks.map((_, i) => `v${String(i).padStart(15, '0')}`);
// The active expiry timer, and with it get/set's coarse clock, as by default, but
// ticking every second: under callgrind time runs ~50x slower than the code, and the
// default 100 ms ticks would be counted as the calls' work. EXACT_CLOCK=1 opens with
// activeExpire: false (Date.now() on every call).
const db = Cinnabar.openSync(process.env.EXACT_CLOCK ? { activeExpire: false } : { activeExpireIntervalMs: 1000 });
for (let i = 0; i < N; i++) db.set(ks[i], vs[i]);
let x = 0;
for (let r = 0; r < R; r++) {
  if (set) for (let i = 0; i < N; i++) x += db.set(ks[i], vs[i]).length;
  else for (let i = 0; i < N; i++) x += db.get(ks[i]).length;
}
if (x !== R * N * (set ? 2 : 16)) throw new Error('unexpected replies');
