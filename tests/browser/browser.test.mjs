// The playground (www/) in headless Chromium (Debian's chromium + playwright-core), served
// on 127.0.0.1 with the package from the installed tarball. IndexedDB persistence across
// a reload, and a corrupted stored snapshot reported clearly. Screenshots go to
// tests/artifacts/browser/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const root = process.env.CINNABAR_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const artifacts = join(root, 'tests', 'artifacts', 'browser');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

let server;
let context;
let profile;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  // The installed package (this folder's node_modules), as a user would have it.
  const pkgDir = dirname(realpathSync(createRequire(import.meta.url).resolve('cinnabar/package.json')));
  const { serve } = await import(pathToFileURL(join(root, 'www', 'serve.mjs')).href);
  server = await serve({ pkgDir });
  profile = mkdtempSync(join(tmpdir(), 'cinnabar-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function ready(page) {
  await page.waitForSelector('#status[data-ready="1"]', { timeout: 20_000 });
}

async function cli(page, line) {
  await page.fill('#cmd', line);
  await page.press('#cmd', 'Enter');
  return page.locator('#output > div').last().textContent();
}

test('chromium is installed', () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing: run scripts/setup-js.sh`);
});

test('the playground works, persists to IndexedDB across a reload, and reports a corrupt snapshot', async () => {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await ready(page);
  assert.equal(await page.textContent('#status'), 'ready (empty)');

  // The console, with formatted replies.
  assert.equal(await cli(page, 'SET greeting "hello world"'), '"OK"');
  assert.equal(await cli(page, 'GET greeting'), '"hello world"');
  assert.equal(await cli(page, 'INCR visits'), '(integer) 1');
  await cli(page, 'HSET user:1 name Ada lang rust');
  assert.equal(await cli(page, 'HGETALL user:1'), '1) "name"\n2) "Ada"\n3) "lang"\n4) "rust"');
  await cli(page, 'ZADD board 10.5 ada 7 bob');
  assert.equal(await cli(page, 'ZSCORE board ada'), '(double) 10.5');
  assert.equal(await cli(page, 'LPUSH greeting x'), '(error) WRONGTYPE Operation against a key holding the wrong kind of value');
  await cli(page, 'SET session abc EX 600');
  // History: ↑ recalls the last command.
  await page.press('#cmd', 'ArrowUp');
  assert.equal(await page.inputValue('#cmd'), 'SET session abc EX 600');
  await page.fill('#cmd', '');

  // The key browser.
  await page.click('#refresh');
  const rows = await page.locator('#keys tbody tr').allTextContents();
  assert.equal(rows.length, 5);
  assert.ok(rows.some((r) => r.startsWith('user:1hash') && r.endsWith('2')), rows.join('|'));
  assert.ok(rows.some((r) => /^sessionstring(599|600)\.\d s3$/.test(r)), rows.join('|'));

  // The cache demo: a miss, then a hit.
  await page.click('#fetch');
  await page.waitForSelector('#cache-log .miss');
  await page.click('#fetch');
  await page.waitForSelector('#cache-log .hit');
  await page.screenshot({ path: join(artifacts, 'playground.png'), fullPage: true });

  // Save, reload: the data comes back from IndexedDB.
  await page.click('#save');
  await page.waitForFunction(() => /^saved \d+ bytes$/.test(document.getElementById('persist-status').textContent));
  await page.reload();
  await ready(page);
  assert.match(await page.textContent('#status'), /^restored 6 keys from IndexedDB$/);
  assert.equal(await cli(page, 'GET greeting'), '"hello world"');
  assert.equal(await cli(page, 'HGET user:1 lang'), '"rust"');
  const ttl = Number((await cli(page, 'TTL session')).replace('(integer) ', ''));
  assert.ok(ttl > 590 && ttl <= 600, `TTL kept: ${ttl}`);
  await page.screenshot({ path: join(artifacts, 'restored.png'), fullPage: true });

  // Corrupt the stored snapshot: a clear error, and the bad snapshot is not dropped.
  const flipped = await page.evaluate(async () => {
    const db = await new Promise((ok, ko) => {
      const r = indexedDB.open('cinnabar:playground');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => ko(r.error);
    });
    const get = (k) => new Promise((ok) => {
      const r = db.transaction('snapshots').objectStore('snapshots').get(k);
      r.onsuccess = () => ok(r.result);
    });
    const slot = await get('current');
    const bytes = await get(slot);
    bytes[30] ^= 0x55;
    await new Promise((ok) => {
      const t = db.transaction('snapshots', 'readwrite');
      t.objectStore('snapshots').put(bytes, slot);
      t.oncomplete = ok;
    });
    db.close();
    return bytes.length;
  });
  assert.ok(flipped > 30);
  await page.reload();
  await ready(page);
  const err = await page.textContent('#error');
  assert.match(err, /could not be restored: IndexedDB snapshot 'playground' cannot be restored: snapshot is corrupt \(checksum mismatch/);
  assert.equal(await page.isVisible('#error'), true);
  await page.screenshot({ path: join(artifacts, 'corrupt-snapshot.png'), fullPage: true });
  // Still usable in memory.
  assert.equal(await cli(page, 'PING'), '"PONG"');
  assert.deepEqual(errors, []);
  await page.close();
});

test('autosave writes a snapshot without an explicit save', async () => {
  const page = await context.newPage();
  await page.goto(server.url);
  await ready(page);
  await page.evaluate(async () => {
    const { Cinnabar, idbDelete } = await import('cinnabar');
    await idbDelete('autosave-test');
    const db = await Cinnabar.open({ persist: { indexedDB: 'autosave-test', autosave: { seconds: 0, changes: 1 } } });
    db.set('auto', 'saved');
    window.__auto = db;
  });
  // The autosave timer checks once a second.
  await page.waitForFunction(() => window.__auto.changesSinceSave === 0, null, { timeout: 5000 });
  const restored = await page.evaluate(async () => {
    const { Cinnabar } = await import('cinnabar');
    const db = await Cinnabar.open({ persist: { indexedDB: 'autosave-test' } });
    return db.get('auto');
  });
  assert.equal(restored, 'saved');
  await page.close();
});
