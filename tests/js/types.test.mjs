// The package's TypeScript declarations compile against a realistic use of the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

test('tsc --noEmit accepts types-check.ts (and its expected errors)', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  let out = '';
  try {
    out = execFileSync(process.execPath, [tsc, '--noEmit', '-p', 'tsconfig.json'], { encoding: 'utf8' });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
  assert.equal(out.trim(), '');
});
