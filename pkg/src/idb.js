// IndexedDB persistence: two snapshot slots and a pointer to the current one. A save
// writes the slot that is not current, then switches the pointer in a second
// transaction, so a save that fails midway leaves the previous good snapshot in place.
// Snapshots are RDB files with their CRC64; a corrupt one is reported when it is
// restored (Cinnabar.open), never silently dropped.

import { CinnabarError, SnapshotError } from './resp.js';

const STORE = 'snapshots';

function idb() {
  const f = globalThis.indexedDB;
  if (!f) throw new CinnabarError('ERR IndexedDB is not available in this environment');
  return f;
}

function openDb(name) {
  return new Promise((resolve, reject) => {
    const req = idb().open(`cinnabar:${name}`, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new CinnabarError(`ERR IndexedDB open failed: ${req.error?.message ?? req.error}`));
    req.onblocked = () => reject(new CinnabarError('ERR IndexedDB open blocked by another connection'));
  });
}

function tx(db, mode, fn) {
  return new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const store = t.objectStore(STORE);
    let result;
    fn(store, (v) => (result = v));
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(new CinnabarError(`ERR IndexedDB: ${t.error?.message ?? t.error}`));
    t.onabort = () => reject(new CinnabarError(`ERR IndexedDB transaction aborted: ${t.error?.message ?? t.error}`));
  });
}

/** The current snapshot stored under `name`; undefined if none. */
export async function idbLoad(name) {
  const db = await openDb(name);
  try {
    const current = await tx(db, 'readonly', (s, set) => {
      const r = s.get('current');
      r.onsuccess = () => set(r.result);
    });
    if (current === undefined) return undefined;
    const bytes = await tx(db, 'readonly', (s, set) => {
      const r = s.get(current);
      r.onsuccess = () => set(r.result);
    });
    if (!(bytes instanceof Uint8Array)) {
      throw new SnapshotError(`IndexedDB snapshot '${name}' is missing or not bytes (slot ${current})`);
    }
    return bytes;
  } finally {
    db.close();
  }
}

/** Store `bytes` as the new current snapshot of `name` (write new, then switch). */
export async function idbSave(name, bytes) {
  const db = await openDb(name);
  try {
    const current = await tx(db, 'readonly', (s, set) => {
      const r = s.get('current');
      r.onsuccess = () => set(r.result);
    });
    const next = current === 'a' ? 'b' : 'a';
    await tx(db, 'readwrite', (s) => s.put(bytes, next));
    await tx(db, 'readwrite', (s) => s.put(next, 'current'));
  } finally {
    db.close();
  }
}

/** Remove everything stored under `name`. */
export async function idbDelete(name) {
  await new Promise((resolve, reject) => {
    const req = idb().deleteDatabase(`cinnabar:${name}`);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
    req.onblocked = () => resolve();
  });
}
