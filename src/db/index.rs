//! The keyspace's hash index: key hash → slot, open addressing with linear probing.
//!
//! Each cell is one `u64`: `(slot + 1) << 32 | hash32`, 0 when empty. Keeping 32 bits of
//! the key's hash in the cell beside the slot means
//!
//! * a lookup reads **one** random place (the cells from the key's home position on,
//!   usually in one cache line) and compares keys only when the 32 bits match;
//!   hashbrown's `HashTable<(u32, u32)>`, used before, reads a control group and then a
//!   bucket elsewhere in memory: two cache misses per lookup in a large table;
//! * growing rehashes from the cells alone, never reading the entries.
//!
//! Removal shifts the following cells of the cluster back (no tombstones), so probe
//! sequences stay as short as the load allows. The table doubles past 3/4 full.

/// See the module docs.
#[derive(Debug, Default, Clone)]
pub struct Index {
    cells: Vec<u64>,
    len: usize,
}

/// The 32 hash bits of a cell.
#[inline]
fn hash_of(cell: u64) -> u32 {
    cell as u32
}

/// The slot of a cell.
#[inline]
fn slot_of(cell: u64) -> u32 {
    ((cell >> 32) as u32).wrapping_sub(1)
}

/// The cell of an entry.
#[inline]
fn cell(slot: u32, h: u32) -> u64 {
    ((u64::from(slot) + 1) << 32) | u64::from(h)
}

impl Index {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty index that holds `n` entries without growing.
    pub fn with_capacity(n: usize) -> Self {
        let mut ix = Self::new();
        if n > 0 {
            ix.cells = vec![0; cells_for(n)];
        }
        ix
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Entries the index holds before it grows.
    pub fn capacity(&self) -> usize {
        self.cells.len() / 4 * 3
    }

    #[inline]
    fn mask(&self) -> usize {
        self.cells.len().wrapping_sub(1)
    }

    /// Position of the entry with hash `h` whose slot satisfies `eq`.
    #[inline]
    fn position(&self, h: u32, mut eq: impl FnMut(u32) -> bool) -> Option<usize> {
        if self.len == 0 {
            return None;
        }
        let cells = self.cells.as_slice();
        let mask = self.mask();
        let mut i = h as usize & mask;
        loop {
            let c = cells[i];
            if c == 0 {
                return None;
            }
            if hash_of(c) == h && eq(slot_of(c)) {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    /// The slot of the entry with hash `h` for which `eq(slot)` holds.
    #[inline]
    pub fn find(&self, h: u32, eq: impl FnMut(u32) -> bool) -> Option<u32> {
        let i = self.position(h, eq)?;
        self.cells.as_slice().get(i).map(|&c| slot_of(c))
    }

    /// Remove the entry with hash `h` for which `eq(slot)` holds; returns its slot.
    pub fn remove(&mut self, h: u32, eq: impl FnMut(u32) -> bool) -> Option<u32> {
        let mut hole = self.position(h, eq)?;
        let slot = slot_of(self.cells[hole]);
        let mask = self.mask();
        // Backward shift: move each later cell of the cluster whose home is not
        // between the hole and itself (cyclically) into the hole.
        let mut j = hole;
        loop {
            j = (j + 1) & mask;
            let c = self.cells[j];
            if c == 0 {
                break;
            }
            let home = hash_of(c) as usize & mask;
            if (j.wrapping_sub(home) & mask) >= (j.wrapping_sub(hole) & mask) {
                self.cells[hole] = c;
                hole = j;
            }
        }
        self.cells[hole] = 0;
        self.len -= 1;
        Some(slot)
    }

    /// Point the entry with hash `h` and slot `from` at slot `to`; false when absent.
    pub fn move_slot(&mut self, h: u32, from: u32, to: u32) -> bool {
        match self.position(h, |s| s == from) {
            Some(i) => {
                self.cells[i] = cell(to, h);
                true
            }
            None => false,
        }
    }

    /// Add an entry (hash `h`, `slot`) known to be absent.
    pub fn insert_unique(&mut self, h: u32, slot: u32) {
        if self.len + 1 > self.capacity() {
            self.grow();
        }
        self.place(cell(slot, h));
        self.len += 1;
    }

    #[inline]
    fn place(&mut self, c: u64) {
        let mask = self.mask();
        let mut i = hash_of(c) as usize & mask;
        while self.cells[i] != 0 {
            i = (i + 1) & mask;
        }
        self.cells[i] = c;
    }

    fn grow(&mut self) {
        let n = (self.cells.len() * 2).max(8);
        let old = std::mem::replace(&mut self.cells, vec![0; n]);
        for c in old {
            if c != 0 {
                self.place(c);
            }
        }
    }
}

/// A power of two of cells holding `n` entries at most 3/4 full.
fn cells_for(n: usize) -> usize {
    (n.saturating_mul(4) / 3 + 1).next_power_of_two().max(8)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hashes that collide on purpose: only a few home positions, many equal hashes.
    fn h(k: u32) -> u32 {
        (k % 7).wrapping_mul(0x9E37_79B9) & 0xF000_000F
    }

    #[test]
    fn insert_find_remove_against_a_model() {
        let mut ix = Index::new();
        let mut model: std::collections::HashMap<u32, u32> = Default::default();
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for step in 0..20_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let key = (x % 500) as u32;
            if x & 4 == 0 || model.contains_key(&key) {
                let got = ix.remove(h(key), |s| s == key + 1000);
                assert_eq!(got, model.remove(&key).map(|_| key + 1000), "step {step}");
            } else {
                ix.insert_unique(h(key), key + 1000);
                model.insert(key, key + 1000);
            }
            assert_eq!(ix.len(), model.len());
            if step % 997 == 0 {
                for k in 0..500 {
                    let want = model.get(&k).copied();
                    assert_eq!(ix.find(h(k), |s| s == k + 1000), want, "key {k}");
                }
            }
        }
    }

    #[test]
    fn growth_keeps_entries_and_capacity_is_honoured() {
        let mut ix = Index::with_capacity(100);
        let cap = ix.capacity();
        assert!(cap >= 100);
        for k in 0..cap as u32 {
            ix.insert_unique(k.wrapping_mul(2_654_435_761), k);
        }
        assert_eq!(ix.capacity(), cap, "grew before its capacity");
        ix.insert_unique(7, 1_000_000);
        assert!(ix.capacity() > cap);
        for k in 0..cap as u32 {
            assert_eq!(ix.find(k.wrapping_mul(2_654_435_761), |s| s == k), Some(k));
        }
        assert_eq!(ix.find(7, |s| s == 1_000_000), Some(1_000_000));
        assert_eq!(ix.find(8, |_| true), None);
    }

    #[test]
    fn move_slot_repoints_one_entry() {
        let mut ix = Index::new();
        ix.insert_unique(5, 1);
        ix.insert_unique(5, 2);
        assert!(ix.move_slot(5, 2, 9));
        assert!(!ix.move_slot(5, 2, 9));
        assert_eq!(ix.find(5, |s| s == 9), Some(9));
        assert_eq!(ix.find(5, |s| s == 1), Some(1));
        assert_eq!(ix.find(5, |s| s == 2), None);
    }

    #[test]
    fn wrap_around_clusters_survive_removal() {
        // All hashes home at the last cell of an 8-cell table, so the cluster wraps.
        let mut ix = Index::with_capacity(6);
        let last = ix.cells.len() as u32 - 1;
        for s in 0..6 {
            ix.insert_unique(last, s);
        }
        for s in [0, 3, 5] {
            assert_eq!(ix.remove(last, |x| x == s), Some(s));
        }
        for s in [1, 2, 4] {
            assert_eq!(ix.find(last, |x| x == s), Some(s), "slot {s}");
        }
        assert_eq!(ix.len(), 3);
    }
}
