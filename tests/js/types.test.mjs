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

test('tsc accepts the declarations from a CommonJS (.cts) consumer: import x = require("cinnabar")', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  // Inside the test folder, so that node_modules/cinnabar resolves.
  const dir = mkdtempSync('cjs-types-');
  try {
    writeFileSync(
      `${dir}/check.cts`,
      [
        "import cinnabar = require('cinnabar');",
        'const db = cinnabar.Cinnabar.openSync();',
        "const v: string | null = db.get('k');",
        "const entries: cinnabar.StreamEntry[] = db.xrange('s');",
        "const off: () => void = db.on('evicted', (key: string, dbIndex: number) => void [key, dbIndex]);",
        '// @ts-expect-error: xlen returns a number',
        "const wrong: string = db.xlen('s');",
        'void [v, entries, off, wrong];',
        '',
      ].join('\n'),
    );
    writeFileSync(
      `${dir}/tsconfig.json`,
      JSON.stringify({
        compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022', 'esnext.disposable', 'dom'], types: [], strict: true, noEmit: true },
        files: ['check.cts'],
      }),
    );
    try {
      execFileSync(process.execPath, [tsc, '--noEmit', '-p', `${dir}/tsconfig.json`], { encoding: 'utf8' });
    } catch (e) {
      assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
