// Instructions per db.get / db.set in Node, counted by callgrind: repeatable where
// wall-clock throughput on this shared machine is not. Driven by js_instructions.sh,
// which runs this file twice (R=5 and R=25 passes over N keys) and divides the
// difference by the extra operations, so start-up, JIT warm-up and the fill cancel out.
//
//   OP=get|set R=5 N=20000 node benches/js_instructions.mjs
//   CINNABAR_PKG=/abs/path/pkg/src/node.js ...   # another build of the package
const entry = process.env.CINNABAR_PKG ? new URL(`file://${process.env.CINNABAR_PKG}`).href : '../pkg/src/node.js';
const { Cinnabar } = await import(entry);
const N = Number(process.env.N ?? 20000);
const R = Number(process.env.R ?? 5);
const set = process.env.OP === 'set';
const ks = Array.from({ length: N }, (_, i) => `key:${String(i).padStart(12, '0')}`);
const vs = ks.map((_, i) => `v${String(i).padStart(15, '0')}`);
const db = Cinnabar.openSync({ activeExpire: false });
for (let i = 0; i < N; i++) db.set(ks[i], vs[i]);
let x = 0;
for (let r = 0; r < R; r++) {
  if (set) for (let i = 0; i < N; i++) x += db.set(ks[i], vs[i]).length;
  else for (let i = 0; i < N; i++) x += db.get(ks[i]).length;
}
if (x !== R * N * (set ? 2 : 16)) throw new Error('unexpected replies');
