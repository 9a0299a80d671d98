//! The hashtable encoding: a slab of field/value blobs indexed by a `hashbrown::HashTable`,
//! with the side index of field TTLs (see the parent module's docs).

use super::*;

pub(super) const EPOCH_SHIFT: u32 = 48;
pub(super) const INDEX_MASK: u64 = (1 << EPOCH_SHIFT) - 1;
/// Bytes a heap allocation costs beyond its size (allocator header, rounding).
pub(super) const ALLOC_OVERHEAD: usize = 16;

/// Field TTLs of a hashtable-encoded hash.
#[derive(Debug, Clone, Default)]
pub(super) struct TtlIndex {
    pub(super) by_slot: hashbrown::HashMap<u32, i64>,
    /// (expiry, slot) in order, as ids (see [`ttl_key`]).
    pub(super) order: IdSet,
}

/// The id under which (expiry `at`, `slot`) sorts in [`TtlIndex::order`]: flipping the
/// sign bit maps the `i64` order onto the `u64` order.
pub(super) fn ttl_key(at: i64, slot: u32) -> StreamId {
    StreamId::new((at as u64) ^ (1 << 63), u64::from(slot))
}

/// The (expiry, slot) of an id made by [`ttl_key`].
pub(super) fn ttl_of_key(k: StreamId) -> (i64, u32) {
    ((k.ms ^ (1 << 63)) as i64, k.seq as u32)
}

/// The large encoding. See the module docs.
#[derive(Debug, Clone, Default)]
pub(super) struct Table {
    /// Entries: `varint(field len) field value`.
    pub(super) slots: Vec<Option<Box<[u8]>>>,
    pub(super) free: Vec<u32>,
    /// (slot, 32-bit hash of the field): growing the index never touches the entries.
    pub(super) index: HashTable<(u32, u32)>,
    pub(super) hasher: DefaultHashBuilder,
    pub(super) len: usize,
    /// Sum of entry sizes.
    pub(super) data: usize,
    pub(super) epoch: u16,
    pub(super) last_holes: Vec<u32>,
    pub(super) ttl: Option<Box<TtlIndex>>,
}

/// Split an entry blob into (field, value).
#[inline]
pub(super) fn split_blob(b: &[u8]) -> (&[u8], &[u8]) {
    let Some((flen, p)) = get_varint(b, 0) else {
        return (&[], &[]);
    };
    let flen = usize::try_from(flen).unwrap_or(usize::MAX);
    let fend = p.saturating_add(flen).min(b.len());
    (b.get(p..fend).unwrap_or(&[]), b.get(fend..).unwrap_or(&[]))
}

#[inline]
pub(super) fn blob_field(b: &[u8]) -> &[u8] {
    split_blob(b).0
}

pub(super) fn make_blob(field: &[u8], value: &[u8]) -> Box<[u8]> {
    let mut v = Vec::with_capacity(varint_len(field.len() as u64) + field.len() + value.len());
    put_varint(&mut v, field.len() as u64);
    v.extend_from_slice(field);
    v.extend_from_slice(value);
    v.into_boxed_slice()
}

/// The index's 64-bit hash from a stored 32-bit one (an odd multiplier spreads it over
/// both the bucket bits and hashbrown's top-7-bit tag).
#[inline]
pub(super) fn spread(h: u32) -> u64 {
    (h as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

#[inline]
pub(super) fn rehash(e: &(u32, u32)) -> u64 {
    spread(e.1)
}

impl Table {
    #[inline]
    pub(super) fn hash32(&self, field: &[u8]) -> u32 {
        (self.hasher.hash_one(field) >> 32) as u32
    }

    pub(super) fn with_capacity(n: usize) -> Table {
        Table {
            slots: Vec::with_capacity(n),
            index: HashTable::with_capacity(n),
            ..Default::default()
        }
    }

    #[inline]
    pub(super) fn find(&self, field: &[u8]) -> Option<u32> {
        let h = self.hash32(field);
        let slots = &self.slots;
        self.index
            .find(spread(h), |&(i, hh)| {
                hh == h
                    && slots
                        .get(i as usize)
                        .and_then(|s| s.as_deref())
                        .is_some_and(|b| blob_field(b) == field)
            })
            .map(|&(i, _)| i)
    }

    #[inline]
    pub(super) fn blob(&self, slot: u32) -> Option<&[u8]> {
        self.slots.get(slot as usize)?.as_deref()
    }

    /// Insert a field known to be absent; returns its slot.
    pub(super) fn insert_new(&mut self, field: &[u8], value: &[u8]) -> u32 {
        let h = self.hash32(field);
        let blob = make_blob(field, value);
        self.data += blob.len() + ALLOC_OVERHEAD;
        let slot = match self.free.pop() {
            Some(s) => {
                if let Some(x) = self.slots.get_mut(s as usize) {
                    *x = Some(blob);
                }
                s
            }
            None => {
                self.slots.push(Some(blob));
                (self.slots.len() - 1) as u32
            }
        };
        self.index.insert_unique(spread(h), (slot, h), rehash);
        self.len += 1;
        slot
    }

    pub(super) fn set_value(&mut self, slot: u32, field: &[u8], value: &[u8]) {
        if let Some(Some(b)) = self.slots.get_mut(slot as usize) {
            let (_, old) = split_blob(b);
            if old.len() == value.len() {
                let start = b.len() - value.len();
                if let Some(dst) = b.get_mut(start..) {
                    dst.copy_from_slice(value);
                }
                return;
            }
            let nb = make_blob(field, value);
            self.data = (self.data + nb.len()).saturating_sub(b.len());
            *b = nb;
        }
    }

    /// Remove `field`; true if it was there.
    pub(super) fn remove(&mut self, field: &[u8]) -> bool {
        let h = self.hash32(field);
        let slots = &self.slots;
        let Ok(found) = self.index.find_entry(spread(h), |&(i, hh)| {
            hh == h
                && slots
                    .get(i as usize)
                    .and_then(|s| s.as_deref())
                    .is_some_and(|b| blob_field(b) == field)
        }) else {
            return false;
        };
        let ((slot, _), _) = found.remove();
        self.release(slot);
        true
    }

    /// Free `slot` (already out of the index).
    pub(super) fn release(&mut self, slot: u32) {
        if let Some(s) = self.slots.get_mut(slot as usize) {
            if let Some(b) = s.take() {
                self.data = self.data.saturating_sub(b.len() + ALLOC_OVERHEAD);
            }
        }
        self.set_ttl(slot, None);
        self.free.push(slot);
        self.len -= 1;
        self.maybe_compact();
    }

    pub(super) fn ttl_of(&self, slot: u32) -> Option<i64> {
        self.ttl.as_ref()?.by_slot.get(&slot).copied()
    }

    pub(super) fn set_ttl(&mut self, slot: u32, ttl: Option<i64>) {
        match ttl {
            None => {
                if let Some(t) = &mut self.ttl {
                    if let Some(old) = t.by_slot.remove(&slot) {
                        t.order.remove(&ttl_key(old, slot));
                    }
                }
            }
            Some(at) => {
                let t = self.ttl.get_or_insert_with(Default::default);
                if let Some(old) = t.by_slot.insert(slot, at) {
                    t.order.remove(&ttl_key(old, slot));
                }
                t.order.insert(ttl_key(at, slot));
            }
        }
    }

    pub(super) fn min_ttl(&self) -> Option<i64> {
        self.ttl.as_ref()?.order.first().map(|k| ttl_of_key(k).0)
    }

    pub(super) fn maybe_compact(&mut self) {
        let holes = self.slots.len() - self.len;
        if self.slots.len() < 64 || holes <= self.len {
            return;
        }
        let old = std::mem::take(&mut self.slots);
        let mut map = vec![u32::MAX; old.len()];
        let mut holes_pos = Vec::with_capacity(holes);
        let mut slots: Vec<Option<Box<[u8]>>> = Vec::with_capacity(self.len);
        for (i, s) in old.into_iter().enumerate() {
            match s {
                Some(b) => {
                    map[i] = slots.len() as u32;
                    slots.push(Some(b));
                }
                None => holes_pos.push(i as u32),
            }
        }
        self.slots = slots;
        self.free = Vec::new();
        let mut index = HashTable::with_capacity(self.len);
        for e in self.index.drain() {
            if let Some(&n) = map.get(e.0 as usize) {
                if n != u32::MAX {
                    index.insert_unique(spread(e.1), (n, e.1), rehash);
                }
            }
        }
        self.index = index;
        if let Some(t) = self.ttl.take() {
            let mut nt = TtlIndex::default();
            for (slot, at) in t.by_slot {
                if let Some(&n) = map.get(slot as usize) {
                    if n != u32::MAX {
                        nt.by_slot.insert(n, at);
                        nt.order.insert(ttl_key(at, n));
                    }
                }
            }
            if !nt.by_slot.is_empty() {
                self.ttl = Some(Box::new(nt));
            }
        }
        self.last_holes = holes_pos;
        self.epoch = self.epoch.wrapping_add(1);
    }

    pub(super) fn cursor_to_slot(&self, cursor: u64) -> usize {
        if cursor == 0 {
            return 0;
        }
        let epoch = (cursor >> EPOCH_SHIFT) as u16;
        let idx = (cursor & INDEX_MASK) as usize;
        if epoch == self.epoch {
            idx
        } else if epoch.wrapping_add(1) == self.epoch {
            let before = self.last_holes.partition_point(|&h| (h as usize) < idx);
            idx.saturating_sub(before)
        } else {
            0
        }
    }

    pub(super) fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&[u8], &[u8])) -> u64 {
        let mut i = self.cursor_to_slot(cursor);
        let mut visited = 0usize;
        let max_empty = count.saturating_mul(10).max(10);
        let mut empty = 0usize;
        while i < self.slots.len() && visited < count && empty < max_empty {
            match self.slots.get(i).and_then(|s| s.as_deref()) {
                Some(b) => {
                    let (k, v) = split_blob(b);
                    f(k, v);
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

    pub(super) fn random_slot(&self, r: &mut dyn FnMut() -> u64) -> Option<u32> {
        if self.len == 0 || self.slots.is_empty() {
            return None;
        }
        let n = self.slots.len() as u64;
        for _ in 0..64 {
            let i = (r() % n) as usize;
            if matches!(self.slots.get(i), Some(Some(_))) {
                return Some(i as u32);
            }
        }
        let start = (r() % n) as usize;
        (0..self.slots.len())
            .map(|k| (start + k) % self.slots.len())
            .find(|&i| matches!(self.slots.get(i), Some(Some(_))))
            .map(|i| i as u32)
    }

    pub(super) fn mem(&self) -> usize {
        let mut m = std::mem::size_of::<Table>()
            + self.slots.capacity() * std::mem::size_of::<Option<Box<[u8]>>>()
            + self.free.capacity() * 4
            + self.index.capacity() * 9
            + self.last_holes.capacity() * 4
            + self.data;
        if let Some(t) = &self.ttl {
            m += std::mem::size_of::<TtlIndex>() + t.by_slot.capacity() * 13 + t.order.len() * 40;
        }
        m
    }
}
