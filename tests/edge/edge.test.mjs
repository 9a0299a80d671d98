// The package in workerd (through miniflare): a worker keeps a per-isolate cache across
// requests, and restores from a snapshot it is given. The worker imports the module the
// `workerd` export condition selects.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync, symlinkSync, realpathSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { Miniflare } from 'miniflare';

const here = dirname(fileURLToPath(import.meta.url));
// Resolve 'cinnabar' as a workers bundler would: with the workerd condition.
const entry = fileURLToPath(
  execFileSync(process.execPath, ['--conditions=workerd', '--input-type=module', '-e', "console.log(import.meta.resolve('cinnabar'))"], { cwd: here, encoding: 'utf8' }).trim(),
);
const pkgDir = dirname(realpathSync(createRequire(import.meta.url).resolve('cinnabar/package.json')));
const dir = mkdtempSync(join(here, '.worker-'));
symlinkSync(pkgDir, join(dir, 'cinnabar'));
const importPath = './' + join('cinnabar', relative(pkgDir, realpathSync(entry)));
writeFileSync(
  join(dir, 'worker.mjs'),
  `import { Cinnabar } from '${importPath}';
let db = null; // one database per isolate: survives across requests
export default {
  async fetch(req) {
    const url = new URL(req.url);
    db ??= Cinnabar.openSync();
    const key = url.searchParams.get('key') ?? 'k';
    switch (url.pathname) {
      case '/incr':
        return new Response(String(db.incr('hits')));
      case '/cache': {
        let v = db.get(key);
        const hit = v !== null;
        if (!hit) {
          v = 'computed:' + key;
          db.set(key, v, { ex: 60 });
        }
        return new Response(v, { headers: { 'x-cache': hit ? 'HIT' : 'MISS', 'x-ttl': String(db.ttl(key)) } });
      }
      case '/snapshot':
        return new Response(db.snapshot());
      case '/restore': {
        const bytes = new Uint8Array(await req.arrayBuffer());
        try {
          const next = Cinnabar.openSync({ snapshot: bytes });
          db.close();
          db = next;
          return new Response(String(db.dbsize()));
        } catch (e) {
          return new Response(e.code + ' ' + e.message, { status: 400 });
        }
      }
      case '/zset': {
        for (let i = 0; i < 100; i++) db.zadd('board', { ['p' + i]: i });
        return Response.json(db.zrange('board', 0, 2, { rev: true, withScores: true }));
      }
      case '/error':
        try {
          db.command('INCR', key);
        } catch (e) {
          return new Response(e.name + ' ' + e.code + ' ' + e.message);
        }
    }
    return new Response('not found', { status: 404 });
  },
};
`,
);

const instances = [];
after(async () => {
  for (const mf of instances) await mf.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function worker() {
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(dir, 'worker.mjs'),
    modulesRoot: dir,
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate: '2025-01-01',
  });
  instances.push(mf);
  return mf;
}

test('the workerd condition selects the workerd entry', () => {
  assert.match(entry, /src\/workerd\.js$/);
});

test('a worker keeps a per-isolate cache across requests and restores a snapshot', async () => {
  const a = worker();
  const text = async (mf, path, init) => (await mf.dispatchFetch('http://w' + path, init)).text();
  assert.equal(await text(a, '/incr'), '1');
  assert.equal(await text(a, '/incr'), '2');
  assert.equal(await text(a, '/incr'), '3');
  const miss = await a.dispatchFetch('http://w/cache?key=user:7');
  assert.equal(miss.headers.get('x-cache'), 'MISS');
  assert.equal(await miss.text(), 'computed:user:7');
  const hit = await a.dispatchFetch('http://w/cache?key=user:7');
  assert.equal(hit.headers.get('x-cache'), 'HIT');
  assert.equal(hit.headers.get('x-ttl'), '60');
  await hit.text();
  assert.deepEqual(JSON.parse(await text(a, '/zset')), [['p99', 99], ['p98', 98], ['p97', 97]]);
  assert.equal(await text(a, '/error?key=user:7'), 'CinnabarError ERR ERR value is not an integer or out of range');
  const snap = new Uint8Array(await (await a.dispatchFetch('http://w/snapshot')).arrayBuffer());
  assert.ok(snap.length > 20);

  // A fresh isolate (another Miniflare) starts empty and restores what it is handed.
  const b = worker();
  assert.equal(await text(b, '/incr'), '1');
  assert.equal(await text(b, '/restore', { method: 'POST', body: snap }), '3');
  assert.equal(await text(b, '/incr'), '4');
  const restored = await b.dispatchFetch('http://w/cache?key=user:7');
  assert.equal(restored.headers.get('x-cache'), 'HIT');
  await restored.text();
  const bad = snap.slice();
  bad[bad.length - 1] ^= 1;
  const refused = await b.dispatchFetch('http://w/restore', { method: 'POST', body: bad });
  assert.equal(refused.status, 400);
  assert.match(await refused.text(), /^SNAPSHOT snapshot is corrupt \(checksum mismatch/);
  assert.equal(await text(b, '/incr'), '5', 'a refused snapshot leaves the database as it was');
});
