//! The keyspace table: a slab of entries plus a hash index, with stable slots.
//!
//! Entries live in a `Vec<Option<Entry>>` ("slots"); an [`Index`] (`db::index`) maps a
//! key's hash to its slot. A deleted entry leaves a hole that later inserts reuse, so an
//! entry never moves while it lives — except during compaction (below). That gives:
//!
//! * **SCAN** with Redis's guarantee: the cursor is a slot index; scanning slots in order
//!   returns every key present for the whole iteration at least once, however the table
//!   grows or shrinks meanwhile.
//! * **O(1) random sampling** (RANDOMKEY, eviction, active expiry): pick a random slot.
//!
//! When holes outnumber live entries the slab is compacted in order (like `Vec::retain`),
//! **incrementally**: each insert and remove moves at most [`COMPACT_STEP`] slots. A
//! compaction in progress has a write position `w` and a read position `r`: slots below
//! `w` are compacted, `w..r` is an empty gap, slots from `r` on are untouched (inserts
//! go to the end or to holes below `w`, never into the gap). An entry moved from `r` to
//! `w` has its index entry moved to a fresh index sized for the live keys (lookups try
//! the fresh index, then the old one), so the old index is dropped, not rehashed, at the
//! end. The hole positions met on the way are remembered; at the end the slab is
//! truncated to `w` and a new *epoch* begins. Cursors carry the epoch in their upper 16
//! bits and, while a compaction runs, name positions in the layout it started from, so a
//! cursor issued before or during a compaction is mapped to the current layout
//! (`new = old - holes before old`) and the guarantee still holds. Cursors older than the
//! last finished compaction restart from 0 (keys may repeat, never go missing).
//!
//! Keys with a TTL are also kept in a dense `volatile` list (slot numbers), so the active
//! expiry cycle and the volatile-* eviction policies can sample them in O(1).

use hashbrown::DefaultHashBuilder;
use std::hash::{BuildHasher, Hasher};

use super::index::Index;
use crate::types::Value;

/// "No expiry" marker for [`Entry::expire`].
pub const NO_EXPIRE: i64 = i64::MAX;
const NOT_VOLATILE: u32 = u32::MAX;
const EPOCH_SHIFT: u32 = 48;
const INDEX_MASK: u64 = (1 << EPOCH_SHIFT) - 1;
/// Slots a compaction in progress processes per insert or remove.
pub const COMPACT_STEP: usize = 4;
/// Compact only tables with at least this many slots.
const COMPACT_MIN_SLOTS: usize = 64;

/// An incremental compaction in progress (see the module docs).
#[derive(Debug, Default)]
struct Compaction {
    /// Next slot to read: slots from here on are not processed yet.
    r: usize,
    /// Next slot to write: slots below are compacted; `w..r` is empty.
    w: usize,
    /// Positions (in the layout the compaction started from) of the holes met so far.
    holes: Vec<u32>,
}

/// 32 bits of a key's hash: the bytes alone, no length prefix (keys are only ever
/// hashed here), folded.
#[inline]
fn hash32(hasher: &DefaultHashBuilder, key: &[u8]) -> u32 {
    let mut s = hasher.build_hasher();
    s.write(key);
    let h = s.finish();
    (h ^ (h >> 32)) as u32
}

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
    /// Holes inserts may reuse (during a compaction, only holes below its `w`).
    free: Vec<u32>,
    /// Slot numbers by key hash (during a compaction: entries already moved or inserted
    /// meanwhile; the others are still in `old_index`).
    index: Index,
    old_index: Index,
    compaction: Option<Box<Compaction>>,
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

    #[inline]
    fn hash(&self, key: &[u8]) -> u32 {
        hash32(&self.hasher, key)
    }

    fn find_slot(&self, key: &[u8]) -> Option<u32> {
        let h = self.hash(key);
        let slots = self.slots.as_slice();
        let eq = |s: u32| slots[s as usize].as_ref().is_some_and(|e| &*e.key == key);
        match self.index.find(h, eq) {
            Some(s) => Some(s),
            None if !self.old_index.is_empty() => self.old_index.find(h, eq),
            None => None,
        }
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
            return self.overwrite_slot(s as usize, value, expire);
        }
        self.insert_new(key.into(), value, expire);
        None
    }

    /// Replace the value and expiry of the entry in slot `s` (from [`Self::slot_of`]), as
    /// [`Self::insert`] does for a key that exists; returns the old value and expiry.
    pub fn overwrite_slot(&mut self, s: usize, value: Value, expire: i64) -> Option<(Value, i64)> {
        let e = self.slots.get_mut(s)?.as_mut()?;
        let new_mem = value.mem_usage();
        let old_value = std::mem::replace(&mut e.value, value);
        self.mem = (self.mem + new_mem).saturating_sub(old_value.mem_usage());
        let old_expire = e.expire;
        if !self.keep_lru_on_overwrite {
            e.lru = self.new_lru;
        }
        self.set_expire_slot(s as u32, expire);
        Some((old_value, old_expire))
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
        self.index.insert_unique(h, slot);
        self.len += 1;
        self.set_expire_slot(slot, expire);
        if self.compaction.is_some() {
            self.compact_step(COMPACT_STEP);
        }
    }

    /// Remove `key`; returns its entry.
    pub fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        let h = self.hash(key);
        let slots = self.slots.as_slice();
        let eq = |s: u32| slots[s as usize].as_ref().is_some_and(|e| &*e.key == key);
        let slot = match self.index.remove(h, eq) {
            Some(s) => s,
            None => self.old_index.remove(h, eq)?,
        };
        let mut e = self.slots[slot as usize].take()?;
        self.mem = self
            .mem
            .saturating_sub(e.key.heap_size() + e.value.mem_usage() + ENTRY_OVERHEAD);
        self.unlink_volatile(&mut e);
        match &self.compaction {
            // Holes from `r` on are met by the compaction; the gap must stay empty.
            Some(c) if slot as usize >= c.w => {}
            _ => self.free.push(slot),
        }
        self.len -= 1;
        if self.compaction.is_some() {
            self.compact_step(COMPACT_STEP);
        } else {
            self.maybe_start_compaction();
        }
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

    fn maybe_start_compaction(&mut self) {
        if self.hold_compaction || self.compaction.is_some() {
            return;
        }
        let holes = self.slots.len() - self.len;
        if self.slots.len() < COMPACT_MIN_SLOTS || holes <= self.len {
            return;
        }
        self.free = Vec::new();
        // Room for every live entry plus the inserts that can happen before the end
        // (each one adds at most one slot and advances the compaction by COMPACT_STEP,
        // so at most slots / (COMPACT_STEP - 1) of them): the new index never has to
        // grow (rehash) while the compaction runs.
        let room = self.len + self.slots.len() / (COMPACT_STEP - 1) + 1;
        self.old_index = std::mem::replace(&mut self.index, Index::with_capacity(room));
        self.compaction = Some(Box::new(Compaction {
            r: 0,
            w: 0,
            holes: Vec::with_capacity(holes),
        }));
        self.compact_step(COMPACT_STEP);
    }

    /// Whether a compaction is in progress.
    pub fn compacting(&self) -> bool {
        self.compaction.is_some()
    }

    /// Advance a compaction in progress by up to `budget` slots (each insert and remove
    /// already does [`COMPACT_STEP`]; hosts may call this from a timer so that an idle
    /// table finishes too). Nothing while compaction is held.
    pub fn compact_step(&mut self, mut budget: usize) {
        if self.hold_compaction {
            return;
        }
        let Some(c) = self.compaction.as_deref_mut() else {
            return;
        };
        while budget > 0 && c.r < self.slots.len() {
            budget -= 1;
            let r = c.r;
            c.r += 1;
            let Some(e) = self.slots[r].take() else {
                c.holes.push(r as u32);
                continue;
            };
            let w = c.w;
            c.w += 1;
            if e.vpos != NOT_VOLATILE {
                self.volatile[e.vpos as usize] = w as u32;
            }
            let h = hash32(&self.hasher, &e.key);
            self.slots[w] = Some(e);
            let at_r = |s: u32| s as usize == r;
            if self.old_index.remove(h, at_r).is_some() {
                self.index.insert_unique(h, w as u32);
            } else {
                // Inserted during the compaction: already in the new index.
                self.index.move_slot(h, r as u32, w as u32);
            }
        }
        if c.r >= self.slots.len() {
            let w = c.w;
            let holes = std::mem::take(&mut c.holes);
            self.compaction = None;
            self.slots.truncate(w);
            self.slots.shrink_to_fit();
            self.old_index = Index::new();
            self.last_holes = holes;
            self.epoch = self.epoch.wrapping_add(1);
        }
    }

    /// Map a position in the layout a compaction in progress started from (or the
    /// current layout, when none runs) to the current layout.
    fn layout_to_current(&self, pos: usize) -> usize {
        match self.compaction.as_deref() {
            Some(c) if pos < c.r => pos - c.holes.partition_point(|&h| (h as usize) < pos),
            _ => pos,
        }
    }

    /// The inverse of [`Self::layout_to_current`] for a position where a scan resumes.
    fn current_to_layout(&self, pos: usize) -> usize {
        let Some(c) = self.compaction.as_deref() else {
            return pos;
        };
        if pos >= c.r {
            return pos;
        }
        if pos >= c.w {
            return c.r;
        }
        // The entry now at `pos` was the pos-th live one: it came after the holes with
        // fewer than `pos + 1` live slots before them (`holes[j] - j` counts those).
        let (mut lo, mut hi) = (0usize, c.holes.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if c.holes[mid] as usize - mid <= pos {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        pos + lo
    }

    /// Translate a client's cursor into a slot index in the current layout.
    fn cursor_to_slot(&self, cursor: u64) -> usize {
        if cursor == 0 {
            return 0;
        }
        let epoch = (cursor >> EPOCH_SHIFT) as u16;
        let idx = (cursor & INDEX_MASK) as usize;
        let pos = if epoch == self.epoch {
            idx
        } else if epoch.wrapping_add(1) == self.epoch {
            let before = self.last_holes.partition_point(|&h| (h as usize) < idx);
            idx - before
        } else {
            return 0;
        };
        self.layout_to_current(pos)
    }

    /// One SCAN step: visit up to about `count` slots starting at `cursor`, calling `f` on
    /// each live entry. Returns the next cursor (0 when done).
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&Entry)) -> u64 {
        let mut i = self.cursor_to_slot(cursor);
        let mut visited = 0usize;
        // Like Redis, bound the number of empty slots visited too (10x count).
        let max_empty = count.saturating_mul(10).max(10);
        let mut empty = 0usize;
        // The gap of a compaction in progress is empty: skip it.
        let (gap_from, gap_to) = self.compaction.as_deref().map_or((0, 0), |c| (c.w, c.r));
        while i < self.slots.len() && visited < count && empty < max_empty {
            if i == gap_from && gap_to > gap_from {
                i = gap_to;
                continue;
            }
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
            ((self.epoch as u64) << EPOCH_SHIFT) | self.current_to_layout(i) as u64
        }
    }

    /// A random live entry, if any (`r` is a random number).
    pub fn random(&self, mut r: impl FnMut() -> u64) -> Option<&Entry> {
        if self.len == 0 {
            return None;
        }
        // Sample outside the empty gap of a compaction in progress.
        let (gap_from, gap_len) = self
            .compaction
            .as_deref()
            .map_or((usize::MAX, 0), |c| (c.w, c.r - c.w));
        let span = (self.slots.len() - gap_len).max(1) as u64;
        for _ in 0..64 {
            let mut i = (r() % span) as usize;
            if i >= gap_from {
                i += gap_len;
            }
            if let Some(e) = self.slots.get(i).and_then(|s| s.as_ref()) {
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
mod tests;
