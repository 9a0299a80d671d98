//! Code-size-lean building blocks for cold paths.
//!
//! The wasm build pays for every generic instantiation: each `BTreeMap<K, V>` costs
//! about 8 KB of code, each `sort_by` on a new element type or closure 3–6 KB. The
//! small maps of the server's bookkeeping (error codes, latency events, ACL user names,
//! BCAST prefixes, script functions) and the sorts of its introspection commands go
//! through the types here instead, whose work happens in non-generic functions:
//!
//! - [`ByteMap`]: a map keyed by byte strings, kept as two parallel vectors (sorted keys,
//!   values). Lookups are a binary search over the keys, inserts and removals shift
//!   the tail: fine for the tens to low thousands of entries these maps hold. Iteration
//!   is in byte order of the keys, the same as a `BTreeMap<Vec<u8>, _>` or
//!   `BTreeMap<String, _>`.
//! - [`sort_by`] / [`sort_by_key_bytes`] / [`sort_u64`]: stable sorts that run one
//!   shared instantiation of the standard sort on an index (or `u64`) array.
//! - [`IdSet`] / [`IdMap`]: the ordered structures keyed by 128-bit ids (stream chunks,
//!   consumer-group PELs, hash field TTLs). All of them run on one `BTreeMap`
//!   instantiation, [`Index`] (`StreamId` → `u32`); an `IdMap<V>` keeps its values in a
//!   slab that the index points into, so only the thin slab code is per value type.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::collections::btree_map;
use std::ops::RangeBounds;

use crate::types::stream::StreamId;

/// The crate's one `BTreeMap` instantiation: id → `u32` (a slab slot, or 0 in a set).
pub type Index = BTreeMap<StreamId, u32>;

/// An ordered set of ids (a `BTreeSet<StreamId>` on the shared [`Index`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdSet(Index);

impl IdSet {
    /// An empty set.
    pub const fn new() -> IdSet {
        IdSet(BTreeMap::new())
    }

    /// Number of ids.
    #[inline]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Add `id`; true if it was not there.
    #[inline]
    pub fn insert(&mut self, id: StreamId) -> bool {
        self.0.insert(id, 0).is_none()
    }

    /// Remove `id`; true if it was there.
    #[inline]
    pub fn remove(&mut self, id: &StreamId) -> bool {
        self.0.remove(id).is_some()
    }

    /// Whether `id` is in the set.
    #[inline]
    pub fn contains(&self, id: &StreamId) -> bool {
        self.0.contains_key(id)
    }

    /// The smallest id.
    #[inline]
    pub fn first(&self) -> Option<StreamId> {
        self.0.first_key_value().map(|(k, _)| *k)
    }

    /// The ids in order.
    pub fn iter(&self) -> btree_map::Keys<'_, StreamId, u32> {
        self.0.keys()
    }

    /// The ids within `r`, in order.
    pub fn range(
        &self,
        r: impl RangeBounds<StreamId>,
    ) -> impl DoubleEndedIterator<Item = &StreamId> {
        self.0.range(r).map(|(k, _)| k)
    }
}

impl<'a> IntoIterator for &'a IdSet {
    type Item = &'a StreamId;
    type IntoIter = btree_map::Keys<'a, StreamId, u32>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.keys()
    }
}

/// An ordered map from ids to `V` (a `BTreeMap<StreamId, V>` on the shared [`Index`]
/// plus a slab of values).
#[derive(Debug, Clone)]
pub struct IdMap<V> {
    index: Index,
    slab: Vec<Option<V>>,
    free: Vec<u32>,
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap::new()
    }
}

impl<V: PartialEq> PartialEq for IdMap<V> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

/// A range of an [`IdMap`]: (id, value) in id order, from either end.
#[derive(Debug, Clone)]
pub struct IdRange<'a, V> {
    keys: btree_map::Range<'a, StreamId, u32>,
    slab: &'a [Option<V>],
}

impl<'a, V> IdRange<'a, V> {
    #[inline]
    fn resolve(&self, e: Option<(&'a StreamId, &'a u32)>) -> Option<(&'a StreamId, &'a V)> {
        let (k, &i) = e?;
        Some((k, self.slab.get(i as usize)?.as_ref()?))
    }
}

impl<'a, V> Iterator for IdRange<'a, V> {
    type Item = (&'a StreamId, &'a V);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let e = self.keys.next();
        self.resolve(e)
    }
}

impl<V> DoubleEndedIterator for IdRange<'_, V> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        let e = self.keys.next_back();
        self.resolve(e)
    }
}

impl<'a, V> IntoIterator for &'a IdMap<V> {
    type Item = (&'a StreamId, &'a V);
    type IntoIter = IdRange<'a, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<V> IdMap<V> {
    /// An empty map.
    pub const fn new() -> Self {
        IdMap {
            index: BTreeMap::new(),
            slab: Vec::new(),
            free: Vec::new(),
        }
    }

    /// Number of entries.
    #[inline]
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether the map is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    #[inline]
    fn slot(&self, i: u32) -> Option<&V> {
        self.slab.get(i as usize)?.as_ref()
    }

    #[inline]
    fn slot_mut(&mut self, i: u32) -> Option<&mut V> {
        self.slab.get_mut(i as usize)?.as_mut()
    }

    /// The value of `id`.
    #[inline]
    pub fn get(&self, id: &StreamId) -> Option<&V> {
        let &i = self.index.get(id)?;
        self.slot(i)
    }

    /// The value of `id`, mutably.
    #[inline]
    pub fn get_mut(&mut self, id: &StreamId) -> Option<&mut V> {
        let &i = self.index.get(id)?;
        self.slot_mut(i)
    }

    /// Whether `id` is present.
    #[inline]
    pub fn contains_key(&self, id: &StreamId) -> bool {
        self.index.contains_key(id)
    }

    /// Set `id` to `val`; the previous value if there was one.
    pub fn insert(&mut self, id: StreamId, val: V) -> Option<V> {
        if let Some(&i) = self.index.get(&id) {
            if let Some(s) = self.slab.get_mut(i as usize) {
                return s.replace(val);
            }
        }
        let i = match self.free.pop() {
            Some(i) => {
                if let Some(s) = self.slab.get_mut(i as usize) {
                    *s = Some(val);
                }
                i
            }
            None => {
                self.slab.push(Some(val));
                (self.slab.len() - 1) as u32
            }
        };
        self.index.insert(id, i);
        None
    }

    /// Remove `id`; its value if it was present.
    pub fn remove(&mut self, id: &StreamId) -> Option<V> {
        let i = self.index.remove(id)?;
        let v = self.slab.get_mut(i as usize)?.take();
        if self.index.is_empty() {
            self.slab.clear();
            self.free.clear();
        } else {
            self.free.push(i);
        }
        v
    }

    /// The first (smallest id) entry.
    #[inline]
    pub fn first(&self) -> Option<(&StreamId, &V)> {
        self.iter().next()
    }

    /// The last (greatest id) entry.
    #[inline]
    pub fn last(&self) -> Option<(&StreamId, &V)> {
        self.iter().next_back()
    }

    /// The first entry, value mutable.
    pub fn first_mut(&mut self) -> Option<(StreamId, &mut V)> {
        let (&k, &i) = self.index.first_key_value()?;
        Some((k, self.slot_mut(i)?))
    }

    /// The last entry, value mutable.
    pub fn last_mut(&mut self) -> Option<(StreamId, &mut V)> {
        let (&k, &i) = self.index.last_key_value()?;
        Some((k, self.slot_mut(i)?))
    }

    /// The entry with the greatest id at most `id`, value mutable.
    pub fn floor_mut(&mut self, id: StreamId) -> Option<(StreamId, &mut V)> {
        let (&k, &i) = self.index.range(..=id).next_back()?;
        Some((k, self.slot_mut(i)?))
    }

    /// All entries in id order.
    #[inline]
    pub fn iter(&self) -> IdRange<'_, V> {
        self.range(..)
    }

    /// The entries within `r` in id order.
    #[inline]
    pub fn range(&self, r: impl RangeBounds<StreamId>) -> IdRange<'_, V> {
        IdRange {
            keys: self.index.range(r),
            slab: &self.slab,
        }
    }

    /// The ids in order.
    pub fn keys(&self) -> btree_map::Keys<'_, StreamId, u32> {
        self.index.keys()
    }

    /// Keep only the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&StreamId, &mut V) -> bool) {
        let slab = &mut self.slab;
        let free = &mut self.free;
        self.index.retain(|k, i| {
            let Some(s) = slab.get_mut(*i as usize) else {
                return false;
            };
            let kept = s.as_mut().is_some_and(|v| keep(k, v));
            if !kept {
                *s = None;
                free.push(*i);
            }
            kept
        });
        if self.index.is_empty() {
            self.slab.clear();
            self.free.clear();
        }
    }
}

/// A map from byte strings to `V`, iterated in key order (see the module docs).
#[derive(Debug, Clone)]
pub struct ByteMap<V> {
    keys: Vec<Box<[u8]>>,
    vals: Vec<V>,
}

impl<V> Default for ByteMap<V> {
    fn default() -> Self {
        ByteMap::new()
    }
}

/// The position of `key` in the sorted `keys` (the one instantiation every map shares).
#[inline(never)]
fn search(keys: &[Box<[u8]>], key: &[u8]) -> Result<usize, usize> {
    keys.binary_search_by(|k| (**k).cmp(key))
}

impl<V> ByteMap<V> {
    /// An empty map.
    pub const fn new() -> Self {
        ByteMap {
            keys: Vec::new(),
            vals: Vec::new(),
        }
    }

    /// Number of entries.
    #[inline]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the map is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Remove everything.
    pub fn clear(&mut self) {
        self.keys.clear();
        self.vals.clear();
    }

    /// The value of `key`.
    #[inline]
    pub fn get(&self, key: impl AsRef<[u8]>) -> Option<&V> {
        let i = search(&self.keys, key.as_ref()).ok()?;
        self.vals.get(i)
    }

    /// The value of `key`, mutably.
    #[inline]
    pub fn get_mut(&mut self, key: impl AsRef<[u8]>) -> Option<&mut V> {
        let i = search(&self.keys, key.as_ref()).ok()?;
        self.vals.get_mut(i)
    }

    /// Whether `key` is present.
    #[inline]
    pub fn contains_key(&self, key: impl AsRef<[u8]>) -> bool {
        search(&self.keys, key.as_ref()).is_ok()
    }

    /// Set `key` to `val`; the previous value if there was one.
    #[inline]
    pub fn insert(&mut self, key: impl AsRef<[u8]>, val: V) -> Option<V> {
        self.insert_bytes(key.as_ref(), val)
    }

    fn insert_bytes(&mut self, key: &[u8], val: V) -> Option<V> {
        match search(&self.keys, key) {
            Ok(i) => self.vals.get_mut(i).map(|v| std::mem::replace(v, val)),
            Err(i) => {
                self.keys.insert(i, key.into());
                self.vals.insert(i, val);
                None
            }
        }
    }

    /// The value of `key`, inserted with `make` first if absent.
    pub fn get_or_insert_with(
        &mut self,
        key: impl AsRef<[u8]>,
        make: impl FnOnce() -> V,
    ) -> &mut V {
        let key = key.as_ref();
        let i = match search(&self.keys, key) {
            Ok(i) => i,
            Err(i) => {
                self.keys.insert(i, key.into());
                self.vals.insert(i, make());
                i
            }
        };
        &mut self.vals[i]
    }

    /// Remove `key`; its value if it was present.
    #[inline]
    pub fn remove(&mut self, key: impl AsRef<[u8]>) -> Option<V> {
        self.remove_bytes(key.as_ref())
    }

    fn remove_bytes(&mut self, key: &[u8]) -> Option<V> {
        let i = search(&self.keys, key).ok()?;
        self.keys.remove(i);
        Some(self.vals.remove(i))
    }

    /// (key, value) in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &V)> {
        self.keys.iter().map(|k| &**k).zip(self.vals.iter())
    }

    /// (key, value) in key order, values mutable.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&[u8], &mut V)> {
        self.keys.iter().map(|k| &**k).zip(self.vals.iter_mut())
    }

    /// (key as text, value) in key order, for maps whose keys were inserted as `str`
    /// (a key that is not UTF-8 reads as "").
    pub fn iter_str(&self) -> impl Iterator<Item = (&str, &V)> {
        self.iter()
            .map(|(k, v)| (std::str::from_utf8(k).unwrap_or_default(), v))
    }

    /// Keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &[u8]> {
        self.keys.iter().map(|k| &**k)
    }

    /// Values in key order.
    pub fn values(&self) -> std::slice::Iter<'_, V> {
        self.vals.iter()
    }

    /// Values in key order, mutable.
    pub fn values_mut(&mut self) -> std::slice::IterMut<'_, V> {
        self.vals.iter_mut()
    }

    /// (key, value) in key order, consuming the map.
    pub fn into_pairs(self) -> impl Iterator<Item = (Box<[u8]>, V)> {
        self.keys.into_iter().zip(self.vals)
    }

    /// The values in key order, consuming the map.
    pub fn into_values(self) -> std::vec::IntoIter<V> {
        self.vals.into_iter()
    }
}

/// The crate's one sort routine: a stable bottom-up merge sort of `u64`s by `less`
/// (insertion-sorted runs of 16, then merges through one scratch buffer). Not generic,
/// so it is compiled once; the standard library's sorts are ~4 KB of wasm per element
/// type.
#[inline(never)]
fn merge_sort(v: &mut [u64], less: &mut dyn FnMut(u64, u64) -> bool) {
    const RUN: usize = 16;
    let n = v.len();
    let mut s = 0;
    while s < n {
        let e = (s + RUN).min(n);
        for i in s + 1..e {
            let x = v[i];
            let mut j = i;
            while j > s && less(x, v[j - 1]) {
                v[j] = v[j - 1];
                j -= 1;
            }
            v[j] = x;
        }
        s = e;
    }
    if n <= RUN {
        return;
    }
    let mut buf = vec![0u64; n];
    let mut in_buf = false;
    let mut width = RUN;
    while width < n {
        let (a, b): (&[u64], &mut [u64]) = if in_buf {
            (&buf, &mut *v)
        } else {
            (&*v, &mut buf)
        };
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j, mut k) = (lo, mid, lo);
            while i < mid && j < hi {
                // Ties take the left element: stable.
                if less(a[j], a[i]) {
                    b[k] = a[j];
                    j += 1;
                } else {
                    b[k] = a[i];
                    i += 1;
                }
                k += 1;
            }
            b[k..k + (mid - i)].copy_from_slice(&a[i..mid]);
            k += mid - i;
            b[k..hi].copy_from_slice(&a[j..hi]);
            lo = hi;
        }
        in_buf = !in_buf;
        width *= 2;
    }
    if in_buf {
        v.copy_from_slice(&buf);
    }
}

/// The one index sort every [`sort_by`] shares: stable (ties keep index order).
#[inline(never)]
fn sort_indices(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut idx: Vec<u64> = (0..n as u64).collect();
    merge_sort(&mut idx, &mut |a, b| {
        cmp(a as usize, b as usize) == Ordering::Less
    });
    idx.into_iter().map(|i| i as usize).collect()
}

/// Put `v` in the order `idx` gives (`idx[i]` is the old position of the new i-th).
fn apply_order<T>(v: &mut [T], mut idx: Vec<usize>) {
    // Follow each cycle of the permutation with swaps, marking done slots with
    // usize::MAX.
    for start in 0..idx.len() {
        if idx[start] == usize::MAX {
            continue;
        }
        let mut cur = start;
        loop {
            let src = std::mem::replace(&mut idx[cur], usize::MAX);
            if src == start || src == usize::MAX {
                break;
            }
            v.swap(cur, src);
            cur = src;
        }
    }
}

/// A stable sort of `v` by `cmp`, through the shared index sort (one small generic
/// wrapper per element type instead of a whole sort instantiation).
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let idx = {
        let s: &[T] = v;
        sort_indices(s.len(), &mut |a, b| cmp(&s[a], &s[b]))
    };
    apply_order(v, idx);
}

/// A stable sort of `v` by a byte-string key.
pub fn sort_by_key_bytes<T>(v: &mut [T], mut key: impl FnMut(&T) -> &[u8]) {
    sort_by(v, |a, b| key(a).cmp(key(b)));
}

/// Sort `u64`s ascending (the shared merge sort).
pub fn sort_u64(v: &mut [u64]) {
    merge_sort(v, &mut |a, b| a < b);
}

/// Sort `i64`s ascending, through [`sort_u64`] (flipping the sign bit maps the `i64`
/// order onto the `u64` order).
pub fn sort_i64(v: &mut [i64]) {
    let mut u: Vec<u64> = v.iter().map(|&x| (x as u64) ^ (1 << 63)).collect();
    sort_u64(&mut u);
    for (d, s) in v.iter_mut().zip(u) {
        *d = (s ^ (1 << 63)) as i64;
    }
}

/// Sort `usize`s ascending, through [`sort_u64`].
pub fn sort_usize(v: &mut [usize]) {
    let mut u: Vec<u64> = v.iter().map(|&x| x as u64).collect();
    sort_u64(&mut u);
    for (d, s) in v.iter_mut().zip(u) {
        *d = s as usize;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_map_orders_reuses_slots_and_retains() {
        let id = |ms| StreamId::new(ms, 0);
        let mut m: IdMap<&str> = IdMap::new();
        assert_eq!(m.insert(id(3), "c"), None);
        assert_eq!(m.insert(id(1), "a"), None);
        assert_eq!(m.insert(id(2), "b"), None);
        assert_eq!(m.insert(id(2), "B"), Some("b"));
        assert_eq!(m.len(), 3);
        let all: Vec<(u64, &str)> = m.iter().map(|(k, v)| (k.ms, *v)).collect();
        assert_eq!(all, [(1, "a"), (2, "B"), (3, "c")]);
        let back: Vec<u64> = m.range(id(2)..).rev().map(|(k, _)| k.ms).collect();
        assert_eq!(back, [3, 2]);
        assert_eq!(m.floor_mut(id(2)).map(|(k, v)| (k.ms, *v)), Some((2, "B")));
        assert_eq!(m.remove(&id(1)), Some("a"));
        assert_eq!(m.remove(&id(1)), None);
        assert_eq!(m.insert(id(0), "z"), None);
        assert_eq!(m.slab.len(), 3, "the freed slot is reused");
        assert_eq!(m.first().map(|(k, v)| (k.ms, *v)), Some((0, "z")));
        assert_eq!(m.last_mut().map(|(k, v)| (k.ms, *v)), Some((3, "c")));
        m.retain(|k, _| k.ms != 2);
        let all: Vec<u64> = m.keys().map(|k| k.ms).collect();
        assert_eq!(all, [0, 3]);
        assert_eq!(m.get(&id(2)), None);
        assert_eq!(m.get(&id(3)), Some(&"c"));
        m.retain(|_, _| false);
        assert!(m.is_empty());
        assert!(m.slab.is_empty());
    }

    #[test]
    fn sorts_match_the_standard_sorts() {
        let mut x: u64 = 88172645463325252;
        for n in [0usize, 1, 2, 15, 16, 17, 31, 32, 33, 100, 1000, 4097] {
            let v: Vec<u64> = (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x % 50
                })
                .collect();
            let mut a = v.clone();
            sort_u64(&mut a);
            let mut want = v.clone();
            want.sort();
            assert_eq!(a, want, "n={n}");
            // Stability: sort pairs by the first half only.
            let mut p: Vec<(u64, usize)> = v.iter().copied().zip(0..).collect();
            sort_by(&mut p, |a, b| a.0.cmp(&b.0));
            let mut want: Vec<(u64, usize)> = v.iter().copied().zip(0..).collect();
            want.sort_by_key(|a| a.0);
            assert_eq!(p, want, "n={n}");
        }
    }

    #[test]
    fn id_set_orders() {
        let mut s = IdSet::new();
        assert!(s.insert(StreamId::new(5, 1)));
        assert!(s.insert(StreamId::new(5, 0)));
        assert!(!s.insert(StreamId::new(5, 0)));
        assert_eq!(s.first(), Some(StreamId::new(5, 0)));
        assert!(s.remove(&StreamId::new(5, 0)));
        assert!(!s.contains(&StreamId::new(5, 0)));
        assert_eq!(s.iter().copied().collect::<Vec<_>>(), [StreamId::new(5, 1)]);
    }

    #[test]
    fn byte_map_keeps_key_order() {
        let mut m: ByteMap<u32> = ByteMap::new();
        assert_eq!(m.insert("b", 2), None);
        assert_eq!(m.insert(b"a".as_slice(), 1), None);
        assert_eq!(m.insert(String::from("c"), 3), None);
        assert_eq!(m.insert("b", 20), Some(2));
        assert_eq!(m.len(), 3);
        let keys: Vec<&[u8]> = m.keys().collect();
        assert_eq!(keys, [b"a".as_slice(), b"b", b"c"]);
        assert_eq!(m.get("b"), Some(&20));
        *m.get_or_insert_with("0", || 7) += 1;
        assert_eq!(m.values().copied().collect::<Vec<_>>(), [8, 1, 20, 3]);
        assert_eq!(m.remove("a"), Some(1));
        assert_eq!(m.remove("a"), None);
        assert!(!m.contains_key("a"));
        let pairs: Vec<(&str, &u32)> = m.iter_str().collect();
        assert_eq!(pairs, [("0", &8), ("b", &20), ("c", &3)]);
        m.clear();
        assert!(m.is_empty());
    }

    #[test]
    fn sorts_are_stable_and_correct() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        sort_by(&mut v, |a, b| a.0.cmp(&b.0));
        assert_eq!(v, [(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
        let mut w: Vec<String> = ["pear", "apple", "fig", "apple"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        sort_by_key_bytes(&mut w, |s| s.as_bytes());
        assert_eq!(w, ["apple", "apple", "fig", "pear"]);
        let mut r = crate::rng::Rng::seeded(7);
        for n in [0usize, 1, 2, 17, 300] {
            let mut a: Vec<i64> = (0..n).map(|_| r.next_u64() as i64).collect();
            let mut b = a.clone();
            b.sort();
            sort_i64(&mut a);
            assert_eq!(a, b);
            let mut c: Vec<(u64, usize)> = (0..n).map(|i| (r.next_u64() % 5, i)).collect();
            let mut d = c.clone();
            d.sort_by_key(|p| p.0);
            sort_by(&mut c, |x, y| x.0.cmp(&y.0));
            assert_eq!(c, d);
        }
        let mut u = vec![5usize, 0, 9, 3];
        sort_usize(&mut u);
        assert_eq!(u, [0, 3, 5, 9]);
    }
}
