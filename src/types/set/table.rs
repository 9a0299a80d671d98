//! The hashtable encoding of sets: a slab of members plus a hash index (see the parent
//! module's docs for the SSCAN cursor and compaction).

use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;

use crate::rng::Rng;

const EPOCH_SHIFT: u32 = 48;
const INDEX_MASK: u64 = (1 << EPOCH_SHIFT) - 1;

/// The hashtable encoding. See the module docs.
#[derive(Debug, Clone, Default)]
pub(super) struct Table {
    pub(super) slots: Vec<Option<Box<[u8]>>>,
    free: Vec<u32>,
    index: HashTable<u32>,
    hasher: DefaultHashBuilder,
    pub(super) len: usize,
    /// Sum of member lengths (for the memory estimate).
    bytes: usize,
    /// Bumped by each compaction; cursors carry it.
    epoch: u16,
    /// Old slot numbers, ascending, of the members kept by the last compaction.
    moved_from: Vec<u32>,
}

impl Table {
    pub(super) fn with_capacity(n: usize) -> Table {
        Table {
            slots: Vec::with_capacity(n),
            index: HashTable::with_capacity(n),
            ..Table::default()
        }
    }

    #[inline]
    pub(super) fn find(&self, m: &[u8]) -> Option<u32> {
        let h = self.hasher.hash_one(m);
        let slots = &self.slots;
        self.index
            .find(h, |&i| {
                slots.get(i as usize).and_then(|s| s.as_deref()) == Some(m)
            })
            .copied()
    }

    #[inline]
    pub(super) fn contains(&self, m: &[u8]) -> bool {
        self.find(m).is_some()
    }

    /// Insert `m` if absent; true if inserted.
    pub(super) fn insert(&mut self, m: &[u8]) -> bool {
        let h = self.hasher.hash_one(m);
        let Table {
            slots,
            free,
            index,
            hasher,
            ..
        } = self;
        let entry = index.entry(
            h,
            |&i| slots.get(i as usize).and_then(|s| s.as_deref()) == Some(m),
            |&i| {
                slots
                    .get(i as usize)
                    .and_then(|s| s.as_deref())
                    .map_or(0, |b| hasher.hash_one(b))
            },
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(_) => false,
            hashbrown::hash_table::Entry::Vacant(v) => {
                let boxed: Box<[u8]> = m.into();
                let slot = match free.pop() {
                    Some(s) => {
                        if let Some(x) = slots.get_mut(s as usize) {
                            *x = Some(boxed);
                        }
                        s
                    }
                    None => {
                        slots.push(Some(boxed));
                        (slots.len() - 1) as u32
                    }
                };
                v.insert(slot);
                self.len += 1;
                self.bytes += m.len();
                true
            }
        }
    }

    /// Remove `m`; true if it was present.
    pub(super) fn remove(&mut self, m: &[u8]) -> bool {
        let h = self.hasher.hash_one(m);
        let slots = &self.slots;
        let Ok(found) = self.index.find_entry(h, |&i| {
            slots.get(i as usize).and_then(|s| s.as_deref()) == Some(m)
        }) else {
            return false;
        };
        let (slot, _) = found.remove();
        self.take_slot(slot);
        true
    }

    /// Empty `slot` (already unlinked from the index) and maybe compact.
    fn take_slot(&mut self, slot: u32) -> Option<Box<[u8]>> {
        let v = self.slots.get_mut(slot as usize).and_then(Option::take)?;
        self.free.push(slot);
        self.len -= 1;
        self.bytes -= v.len();
        self.maybe_compact();
        Some(v)
    }

    /// Remove the member in `slot`, returning it.
    pub(super) fn remove_slot(&mut self, slot: u32) -> Option<Box<[u8]>> {
        let m = self.slots.get(slot as usize)?.as_deref()?;
        let h = self.hasher.hash_one(m);
        if let Ok(e) = self.index.find_entry(h, |&i| i == slot) {
            e.remove();
        }
        self.take_slot(slot)
    }

    fn maybe_compact(&mut self) {
        if self.slots.len() <= 64 || self.len * 4 >= self.slots.len() {
            return;
        }
        let mut moved_from = Vec::with_capacity(self.len);
        let mut kept = Vec::with_capacity(self.len * 2);
        for (i, s) in self.slots.drain(..).enumerate() {
            if let Some(b) = s {
                moved_from.push(i as u32);
                kept.push(Some(b));
            }
        }
        self.slots = kept;
        self.free = Vec::new();
        self.moved_from = moved_from;
        self.epoch = self.epoch.wrapping_add(1);
        let mut index = HashTable::with_capacity(self.len);
        let hasher = &self.hasher;
        for (i, s) in self.slots.iter().enumerate() {
            if let Some(b) = s {
                let slots = &self.slots;
                index.insert_unique(hasher.hash_one(&**b), i as u32, |&j| {
                    slots
                        .get(j as usize)
                        .and_then(|s| s.as_deref())
                        .map_or(0, |b| hasher.hash_one(b))
                });
            }
        }
        self.index = index;
    }

    /// A uniformly random occupied slot (the table must not be empty).
    pub(super) fn random_slot(&self, rng: &mut Rng) -> Option<u32> {
        let n = self.slots.len() as u64;
        if self.len == 0 || n == 0 {
            return None;
        }
        // At least one slot in four is occupied (compaction), so this rarely loops long.
        for _ in 0..256 {
            let i = rng.below(n) as usize;
            if matches!(self.slots.get(i), Some(Some(_))) {
                return Some(i as u32);
            }
        }
        let start = rng.below(n) as usize;
        (0..self.slots.len())
            .map(|k| (start + k) % self.slots.len())
            .find(|&i| matches!(self.slots.get(i), Some(Some(_))))
            .map(|i| i as u32)
    }

    pub(super) fn get_slot(&self, slot: u32) -> Option<&[u8]> {
        self.slots.get(slot as usize)?.as_deref()
    }

    fn cursor_to_slot(&self, cursor: u64) -> usize {
        let epoch = (cursor >> EPOCH_SHIFT) as u16;
        let idx = (cursor & INDEX_MASK) as usize;
        if epoch == self.epoch {
            idx
        } else if epoch == self.epoch.wrapping_sub(1) {
            self.moved_from.partition_point(|&p| (p as usize) < idx)
        } else {
            0
        }
    }

    pub(super) fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&[u8])) -> u64 {
        let mut i = self.cursor_to_slot(cursor);
        let mut found = 0;
        let mut visited = 0usize;
        let budget = count.saturating_mul(10);
        while i < self.slots.len() && found < count && visited < budget {
            if let Some(Some(m)) = self.slots.get(i) {
                f(m);
                found += 1;
            }
            i += 1;
            visited += 1;
        }
        if i >= self.slots.len() {
            0
        } else {
            ((self.epoch as u64) << EPOCH_SHIFT) | i as u64
        }
    }

    pub(super) fn mem(&self) -> usize {
        64 + self.slots.len() * 16
            + self.index.capacity() * 5
            + self.free.len() * 4
            + self.bytes
            + self.len * 16
    }
}
