// The playground imports the package exactly as an app would.
import { Cinnabar, CinnabarError, idbDelete } from 'cinnabar';

const $ = (id) => document.getElementById(id);
const STORE = 'playground';
const state = { db: null, error: null, restoredKeys: 0, history: [], hpos: 0 };
window.__playground = state; // for the tests

function showError(msg) {
  state.error = msg;
  $('error').textContent = msg;
  $('error').hidden = false;
}

async function openDb() {
  try {
    state.db = await Cinnabar.open({ persist: { indexedDB: STORE, autosave: { seconds: 5, changes: 1 } } });
    state.restoredKeys = state.db.dbsize();
    $('status').textContent = state.restoredKeys ? `restored ${state.restoredKeys} keys from IndexedDB` : 'ready (empty)';
  } catch (err) {
    // A stored snapshot that can't be read is reported, never silently dropped: the page
    // runs in memory only until the user decides to forget the stored snapshot.
    showError(`The snapshot stored in IndexedDB could not be restored: ${err.message}. Running in memory only; "forget stored snapshot" clears it.`);
    state.db = await Cinnabar.open();
    $('status').textContent = 'in memory (stored snapshot unreadable)';
  }
  state.db.onSaveError = (err) => ($('persist-status').textContent = `autosave failed: ${err.message}`);
  $('status').dataset.ready = '1';
}

// --- console ---------------------------------------------------------------------------

/** Split a command line like redis-cli: whitespace-separated, "quoted" and 'quoted' args. */
export function splitArgs(line) {
  const out = [];
  const re = /"((?:\\.|[^"\\])*)"|'([^']*)'|(\S+)/g;
  let m;
  while ((m = re.exec(line))) {
    if (m[1] !== undefined) out.push(m[1].replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_, e) => (e[0] === 'x' ? String.fromCharCode(parseInt(e.slice(1), 16)) : { n: '\n', r: '\r', t: '\t' }[e] ?? e)));
    else out.push(m[2] ?? m[3]);
  }
  return out;
}

/** Format a reply as redis-cli does. */
export function format(v, indent = '') {
  if (v === null) return '(nil)';
  if (v instanceof CinnabarError) return `(error) ${v.message}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `(integer) ${v}` : `(double) ${v}`;
  if (typeof v === 'bigint') return `(big number) ${v}`;
  if (typeof v === 'boolean') return `(boolean) ${v}`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Uint8Array) return JSON.stringify(new TextDecoder().decode(v));
  const entries = Array.isArray(v) ? v.map((x, i) => [`${i + 1})`, x]) : Object.entries(v).flatMap(([k, x], i) => [[`${2 * i + 1})`, k], [`${2 * i + 2})`, x]]);
  if (entries.length === 0) return Array.isArray(v) ? '(empty array)' : '(empty map)';
  return entries.map(([n, x], i) => `${i ? indent : ''}${n} ${format(x, indent + ' '.repeat(n.length + 1))}`).join('\n');
}

function print(text, cls) {
  const div = document.createElement('div');
  if (cls) div.className = cls;
  div.textContent = text;
  $('output').append(div);
  $('output').scrollTop = $('output').scrollHeight;
}

function run(line) {
  const args = splitArgs(line);
  if (!args.length) return;
  print(`cinnabar> ${line}`, 'cmd');
  try {
    print(format(state.db.command(...args)));
  } catch (err) {
    print(err instanceof CinnabarError ? `(error) ${err.message}` : String(err), 'err');
  }
  refreshKeys();
}
window.__run = run;

$('prompt').addEventListener('submit', (e) => {
  e.preventDefault();
  const line = $('cmd').value.trim();
  if (line) {
    state.history.push(line);
    state.hpos = state.history.length;
    run(line);
  }
  $('cmd').value = '';
});
$('cmd').addEventListener('keydown', (e) => {
  if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
  e.preventDefault();
  state.hpos = Math.max(0, Math.min(state.history.length, state.hpos + (e.key === 'ArrowUp' ? -1 : 1)));
  $('cmd').value = state.history[state.hpos] ?? '';
});

// --- key browser -----------------------------------------------------------------------

const SIZE = { string: 'STRLEN', list: 'LLEN', hash: 'HLEN', set: 'SCARD', zset: 'ZCARD' };

function refreshKeys() {
  const db = state.db;
  const rows = [];
  for (const key of db.scan({ count: 200 })) {
    const type = db.type(key);
    const pttl = db.pttl(key);
    const size = SIZE[type] ? db.command(SIZE[type], key) : '';
    rows.push([key, type, pttl === -1 ? '—' : `${(pttl / 1000).toFixed(1)} s`, size]);
    if (rows.length >= 500) break;
  }
  rows.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const body = $('keys').tBodies[0];
  body.replaceChildren(
    ...rows.map((r) => {
      const tr = document.createElement('tr');
      for (const c of r) {
        const td = document.createElement('td');
        td.textContent = String(c);
        tr.append(td);
      }
      return tr;
    }),
  );
}
$('refresh').addEventListener('click', refreshKeys);
setInterval(() => state.db && refreshKeys(), 1000);

// --- persistence -----------------------------------------------------------------------

$('save').addEventListener('click', async () => {
  try {
    const n = await state.db.save();
    $('persist-status').textContent = `saved ${n} bytes`;
  } catch (err) {
    $('persist-status').textContent = `save failed: ${err.message}`;
  }
});
$('restore').addEventListener('click', () => location.reload());
$('wipe').addEventListener('click', async () => {
  state.db.close();
  await idbDelete(STORE);
  location.reload();
});

// --- the cache demo --------------------------------------------------------------------

async function slowFetch() {
  await new Promise((r) => setTimeout(r, 400));
  return JSON.stringify({ city: 'Lisbon', celsius: Math.round(15 + Math.random() * 10), at: new Date().toISOString() });
}

$('fetch').addEventListener('click', async () => {
  const key = 'cache:/api/weather';
  const t0 = performance.now();
  let body = state.db.get(key);
  const hit = body !== null;
  if (!hit) {
    body = await slowFetch();
    state.db.set(key, body, { ex: Number($('ttl').value) || 5 });
  }
  const ms = (performance.now() - t0).toFixed(1);
  const line = document.createElement('div');
  line.className = hit ? 'hit' : 'miss';
  line.textContent = `${hit ? 'HIT ' : 'MISS'} ${ms} ms  ttl=${state.db.ttl(key)} s  ${body}`;
  $('cache-log').prepend(line);
  refreshKeys();
});

await openDb();
refreshKeys();
print('Try: SET greeting hello EX 30 · HSET user:1 name Ada · ZADD board 10 ada 7 bob · ZRANGE board 0 -1 WITHSCORES');
