//! The keyspace table: a slab of entries plus a hash index, with stable slots.
//!
//! Entries live in a `Vec<Option<Entry>>` ("slots"); a `hashbrown::HashTable<u32>` maps a
//! key's hash to its slot. A deleted entry leaves a hole that later inserts reuse, so an
//! entry never moves while it lives — except during compaction (below). That gives:
//!
//! * **SCAN** with Redis's guarantee: the cursor is a slot index; scanning slots in order
//!   returns every key present for the whole iteration at least once, however the table
//!   grows or shrinks meanwhile.
//! * **O(1) random sampling** (RANDOMKEY, eviction, active expiry): pick a random slot.
//!
//! When holes outnumber live entries the slab is compacted in order (like `Vec::retain`)
//! and the compaction's hole positions are remembered with a new *epoch*. Cursors carry
//! the epoch in their upper 16 bits, so a cursor issued before a compaction is mapped to
//! the new layout (`new = old - holes before old`) and the guarantee still holds. Cursors
//! older than the last compaction restart from 0 (keys may repeat, never go missing).
//!
//! Keys with a TTL are also kept in a dense `volatile` list (slot numbers), so the active
//! expiry cycle and the volatile-* eviction policies can sample them in O(1).

use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;

use crate::types::Value;

/// "No expiry" marker for [`Entry::expire`].
pub const NO_EXPIRE: i64 = i64::MAX;
const NOT_VOLATILE: u32 = u32::MAX;
const EPOCH_SHIFT: u32 = 48;
const INDEX_MASK: u64 = (1 << EPOCH_SHIFT) - 1;

/// One key and its value.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The key bytes (inline when short).
    pub key: crate::types::SmallBytes,
    /// The value.
    pub value: Value,
    /// Absolute expiry in Unix ms, or [`NO_EXPIRE`].
    pub expire: i64,
    /// LRU clock (10 ms ticks, see `db::lru`) or LFU data, for OBJECT IDLETIME/FREQ and eviction.
    pub lru: u32,
    vpos: u32,
}

impl Entry {
    /// Whether the entry has a TTL.
    pub fn has_expire(&self) -> bool {
        self.expire != NO_EXPIRE
    }
}

/// The table. See the module docs.
#[derive(Debug, Default)]
pub struct Keyspace {
    slots: Vec<Option<Entry>>,
    free: Vec<u32>,
    index: HashTable<u32>,
    hasher: DefaultHashBuilder,
    volatile: Vec<u32>,
    len: usize,
    epoch: u16,
    last_holes: Vec<u32>,
    mem: usize,
    /// `lru` stamped on entries created or overwritten from now on (see `db::lru`).
    new_lru: u32,
    /// Keep an overwritten entry's `lru` (LFU counters survive overwrites, as in Redis).
    keep_lru_on_overwrite: bool,
    /// While set, live entries never move (no compaction): a background snapshot walks
    /// the slots in order (see `persist::snapshot`).
    hold_compaction: bool,
}

/// Bookkeeping bytes per entry beyond key and value (slot, index, allocation headers).
pub const ENTRY_OVERHEAD: usize = 72;

impl Keyspace {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of live keys.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Approximate bytes used by keys and values (updated on insert/remove).
    pub fn mem(&self) -> usize {
        self.mem
    }

    /// Adjust the memory estimate after an in-place change of a value.
    pub fn adjust_mem(&mut self, delta: isize) {
        self.mem = self.mem.saturating_add_signed(delta);
    }

    /// Set the access stamp given to entries created (and, unless `keep_on_overwrite`,
    /// overwritten) from now on: the current LRU clock or initial LFU value.
    #[inline]
    pub fn set_new_lru(&mut self, lru: u32, keep_on_overwrite: bool) {
        self.new_lru = lru;
        self.keep_lru_on_overwrite = keep_on_overwrite;
    }

    /// Number of keys with a TTL.
    pub fn volatile_len(&self) -> usize {
        self.volatile.len()
    }

    fn hash(&self, key: &[u8]) -> u64 {
        self.hasher.hash_one(key)
    }

    fn find_slot(&self, key: &[u8]) -> Option<u32> {
        let h = self.hash(key);
        let slots = &self.slots;
        self.index
            .find(h, |&i| {
                slots[i as usize].as_ref().is_some_and(|e| &*e.key == key)
            })
            .copied()
    }

    /// The entry for `key`, ignoring expiry.
    pub fn get(&self, key: &[u8]) -> Option<&Entry> {
        let s = self.find_slot(key)?;
        self.slots[s as usize].as_ref()
    }

    /// The entry for `key`, mutable, ignoring expiry.
    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut Entry> {
        let s = self.find_slot(key)?;
        self.slots[s as usize].as_mut()
    }

    /// Insert or overwrite `key` with `value` and `expire`. Returns the old value and
    /// expiry when the key existed.
    pub fn insert(&mut self, key: &[u8], value: Value, expire: i64) -> Option<(Value, i64)> {
        if let Some(s) = self.find_slot(key) {
            let e = self.slots[s as usize].as_mut()?;
            let new_mem = value.mem_usage();
            let old_value = std::mem::replace(&mut e.value, value);
            self.mem = (self.mem + new_mem).saturating_sub(old_value.mem_usage());
            let old_expire = e.expire;
            if !self.keep_lru_on_overwrite {
                e.lru = self.new_lru;
            }
            self.set_expire_slot(s, expire);
            return Some((old_value, old_expire));
        }
        self.insert_new(key.into(), value, expire);
        None
    }

    /// Insert a key known to be absent.
    pub fn insert_new(&mut self, key: crate::types::SmallBytes, value: Value, expire: i64) {
        let h = self.hash(&key);
        self.mem += key.heap_size() + value.mem_usage() + ENTRY_OVERHEAD;
        let entry = Entry {
            key,
            value,
            expire: NO_EXPIRE,
            lru: self.new_lru,
            vpos: NOT_VOLATILE,
        };
        let slot = match self.free.pop() {
            Some(s) => {
                self.slots[s as usize] = Some(entry);
                s
            }
            None => {
                self.slots.push(Some(entry));
                (self.slots.len() - 1) as u32
            }
        };
        let slots = &self.slots;
        let hasher = &self.hasher;
        self.index.insert_unique(h, slot, |&i| {
            slots[i as usize]
                .as_ref()
                .map_or(0, |e| hasher.hash_one(&*e.key))
        });
        self.len += 1;
        self.set_expire_slot(slot, expire);
    }

    /// Remove `key`; returns its entry.
    pub fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        let h = self.hash(key);
        let slots = &self.slots;
        let found = self
            .index
            .find_entry(h, |&i| {
                slots[i as usize].as_ref().is_some_and(|e| &*e.key == key)
            })
            .ok()?;
        let (slot, _) = found.remove();
        let mut e = self.slots[slot as usize].take()?;
        self.mem = self
            .mem
            .saturating_sub(e.key.heap_size() + e.value.mem_usage() + ENTRY_OVERHEAD);
        self.unlink_volatile(&mut e);
        self.free.push(slot);
        self.len -= 1;
        self.maybe_compact();
        Some(e)
    }

    fn unlink_volatile(&mut self, e: &mut Entry) {
        if e.vpos != NOT_VOLATILE {
            let pos = e.vpos as usize;
            self.volatile.swap_remove(pos);
            if let Some(&moved) = self.volatile.get(pos) {
                if let Some(m) = self.slots[moved as usize].as_mut() {
                    m.vpos = pos as u32;
                }
            }
            e.vpos = NOT_VOLATILE;
        }
    }

    fn set_expire_slot(&mut self, slot: u32, expire: i64) {
        let Some(e) = self.slots[slot as usize].as_mut() else {
            return;
        };
        e.expire = expire;
        let was = e.vpos != NOT_VOLATILE;
        let now = expire != NO_EXPIRE;
        if now && !was {
            e.vpos = self.volatile.len() as u32;
            self.volatile.push(slot);
        } else if !now && was {
            let mut tmp = Entry {
                key: Default::default(),
                value: Value::default(),
                expire: NO_EXPIRE,
                lru: 0,
                vpos: e.vpos,
            };
            self.unlink_volatile(&mut tmp);
            if let Some(e) = self.slots[slot as usize].as_mut() {
                e.vpos = NOT_VOLATILE;
            }
        }
    }

    // --- Slot access for background snapshots (persist::snapshot) ----------------------

    /// Keep live entries in place (no compaction) while `on`; compaction resumes on a
    /// later removal once released.
    pub fn hold_compaction(&mut self, on: bool) {
        self.hold_compaction = on;
    }

    /// Number of slots (live entries and holes).
    pub fn slot_count(&self) -> usize {
        self.slots.len()
    }

    /// The entry in slot `i`, if any.
    pub fn slot_entry(&self, i: usize) -> Option<&Entry> {
        self.slots.get(i)?.as_ref()
    }

    /// The entry in slot `i`, mutable: with [`Self::slot_of`], a lookup then an access
    /// without hashing and probing twice.
    #[inline]
    pub fn slot_entry_mut(&mut self, i: usize) -> Option<&mut Entry> {
        self.slots.get_mut(i)?.as_mut()
    }

    /// The slot holding `key`.
    pub fn slot_of(&self, key: &[u8]) -> Option<usize> {
        self.find_slot(key).map(|s| s as usize)
    }

    /// Set or clear (`NO_EXPIRE`) the expiry of an existing key. Returns false if absent.
    pub fn set_expire(&mut self, key: &[u8], expire: i64) -> bool {
        match self.find_slot(key) {
            Some(s) => {
                self.set_expire_slot(s, expire);
                true
            }
            None => false,
        }
    }

    /// Remove everything.
    pub fn clear(&mut self) {
        *self = Keyspace {
            hasher: std::mem::take(&mut self.hasher),
            epoch: self.epoch.wrapping_add(1),
            ..Default::default()
        };
    }

    fn maybe_compact(&mut self) {
        if self.hold_compaction {
            return;
        }
        let holes = self.slots.len() - self.len;
        if self.slots.len() < 64 || holes <= self.len {
            return;
        }
        // Trailing holes can go without moving anything.
        let mut holes_pos: Vec<u32> = Vec::with_capacity(holes);
        let mut next = 0usize;
        for i in 0..self.slots.len() {
            if self.slots[i].is_none() {
                holes_pos.push(i as u32);
            } else {
                if next != i {
                    self.slots.swap(next, i);
                }
                next += 1;
            }
        }
        self.slots.truncate(next);
        self.slots.shrink_to_fit();
        self.free.clear();
        self.free.shrink_to_fit();
        // Rebuild the index and volatile list for the new slot numbers.
        self.volatile.clear();
        for (i, s) in self.slots.iter_mut().enumerate() {
            if let Some(e) = s {
                if e.expire != NO_EXPIRE {
                    e.vpos = self.volatile.len() as u32;
                    self.volatile.push(i as u32);
                }
            }
        }
        let mut index = HashTable::with_capacity(self.len);
        let slots = &self.slots;
        let hasher = &self.hasher;
        let rehash = |&j: &u32| {
            slots[j as usize]
                .as_ref()
                .map_or(0, |e| hasher.hash_one(&*e.key))
        };
        for (i, s) in slots.iter().enumerate() {
            if let Some(e) = s {
                index.insert_unique(hasher.hash_one(&*e.key), i as u32, rehash);
            }
        }
        self.index = index;
        self.last_holes = holes_pos;
        self.epoch = self.epoch.wrapping_add(1);
    }

    /// Translate a client's cursor into a slot index in the current layout.
    fn cursor_to_slot(&self, cursor: u64) -> usize {
        if cursor == 0 {
            return 0;
        }
        let epoch = (cursor >> EPOCH_SHIFT) as u16;
        let idx = (cursor & INDEX_MASK) as usize;
        if epoch == self.epoch {
            idx
        } else if epoch.wrapping_add(1) == self.epoch {
            let before = self.last_holes.partition_point(|&h| (h as usize) < idx);
            idx - before
        } else {
            0
        }
    }

    /// One SCAN step: visit up to about `count` slots starting at `cursor`, calling `f` on
    /// each live entry. Returns the next cursor (0 when done).
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&Entry)) -> u64 {
        let mut i = self.cursor_to_slot(cursor);
        let mut visited = 0usize;
        // Like Redis, bound the number of empty slots visited too (10x count).
        let max_empty = count.saturating_mul(10).max(10);
        let mut empty = 0usize;
        while i < self.slots.len() && visited < count && empty < max_empty {
            match &self.slots[i] {
                Some(e) => {
                    f(e);
                    visited += 1;
                }
                None => empty += 1,
            }
            i += 1;
        }
        if i >= self.slots.len() {
            0
        } else {
            ((self.epoch as u64) << EPOCH_SHIFT) | i as u64
        }
    }

    /// A random live entry, if any (`r` is a random number).
    pub fn random(&self, mut r: impl FnMut() -> u64) -> Option<&Entry> {
        if self.len == 0 {
            return None;
        }
        for _ in 0..64 {
            let i = (r() % self.slots.len() as u64) as usize;
            if let Some(e) = &self.slots[i] {
                return Some(e);
            }
        }
        // Very sparse: fall back to a linear walk from a random point.
        let start = (r() % self.slots.len() as u64) as usize;
        (0..self.slots.len())
            .map(|k| (start + k) % self.slots.len())
            .find_map(|i| self.slots[i].as_ref())
    }

    /// A random entry that has a TTL.
    pub fn random_volatile(&self, mut r: impl FnMut() -> u64) -> Option<&Entry> {
        if self.volatile.is_empty() {
            return None;
        }
        let i = (r() % self.volatile.len() as u64) as usize;
        self.slots[self.volatile[i] as usize].as_ref()
    }

    /// Iterate over all live entries.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.slots.iter().filter_map(|s| s.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Value;
    use std::collections::HashSet;

    fn v() -> Value {
        Value::default()
    }

    #[test]
    fn insert_get_remove() {
        let mut ks = Keyspace::new();
        ks.insert(b"a", v(), NO_EXPIRE);
        ks.insert(b"b", v(), 100);
        assert_eq!(ks.len(), 2);
        assert_eq!(ks.volatile_len(), 1);
        assert!(ks.get(b"a").is_some());
        assert!(ks.remove(b"b").is_some());
        assert_eq!(ks.volatile_len(), 0);
        assert!(ks.get(b"b").is_none());
        assert_eq!(ks.len(), 1);
    }

    #[test]
    fn scan_returns_every_stable_key_despite_churn_and_compaction() {
        let mut ks = Keyspace::new();
        for i in 0..1000 {
            ks.insert(format!("stable{i}").as_bytes(), v(), NO_EXPIRE);
        }
        for i in 0..3000 {
            ks.insert(format!("tmp{i}").as_bytes(), v(), NO_EXPIRE);
        }
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut round = 0;
        loop {
            cursor = ks.scan(cursor, 10, |e| {
                seen.insert(e.key.clone());
            });
            // Churn: delete temporaries (forcing compactions), add new keys.
            for _ in 0..30 {
                if round < 3000 {
                    ks.remove(format!("tmp{round}").as_bytes());
                }
                round += 1;
            }
            ks.insert(format!("new{round}").as_bytes(), v(), NO_EXPIRE);
            if cursor == 0 {
                break;
            }
        }
        for i in 0..1000 {
            assert!(
                seen.contains(format!("stable{i}").as_bytes()),
                "missing stable{i}"
            );
        }
    }

    #[test]
    fn volatile_tracking_survives_compaction() {
        let mut ks = Keyspace::new();
        for i in 0..200 {
            ks.insert(
                format!("k{i}").as_bytes(),
                v(),
                if i % 2 == 0 { 5 } else { NO_EXPIRE },
            );
        }
        for i in 0..150 {
            ks.remove(format!("k{i}").as_bytes());
        }
        assert_eq!(ks.volatile_len(), 25);
        let mut n = 0;
        let mut x = 7u64;
        for _ in 0..100 {
            let e = ks.random_volatile(|| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                x >> 33
            });
            assert!(e.unwrap().has_expire());
            n += 1;
        }
        assert_eq!(n, 100);
    }
}
