// The CommonJS entry: `require('cinnabar')` in Node (>= 20.19 / 22.12, require of ES
// modules) resolves to src/node.cjs and gives the same module instance as `import`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import * as esm from 'cinnabar';

const require = createRequire(import.meta.url);

test('require("cinnabar") resolves to the CommonJS entry and shares the ES module instance', () => {
  assert.match(require.resolve('cinnabar'), /\/src\/node\.cjs$/);
  const cjs = require('cinnabar');
  assert.equal(cjs.Cinnabar, esm.Cinnabar);
  assert.equal(cjs.default, esm.Cinnabar);
  assert.equal(cjs.CinnabarError, esm.CinnabarError);
  const db = cjs.Cinnabar.openSync();
  assert.equal(db.set('k', 'v'), 'OK');
  assert.equal(db.get('k'), 'v');
  assert.deepEqual(db.xrange('none'), []);
  db.close();
});

test('a .cjs script can require the package and use it synchronously', () => {
  const script = `
    const { Cinnabar, CinnabarError } = require('cinnabar');
    const db = Cinnabar.openSync();
    db.incr('n'); db.incr('n');
    let code = '';
    try { db.command('LPUSH', 'n', 'x'); } catch (e) { code = e instanceof CinnabarError ? e.code : 'other'; }
    process.stdout.write(JSON.stringify([db.get('n'), code, db.pfadd('h', 'a'), db.pfcount('h')]));
  `;
  const out = execFileSync(process.execPath, ['--input-type=commonjs', '-e', script], { cwd: process.cwd(), encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), ['2', 'WRONGTYPE', true, 1]);
});
