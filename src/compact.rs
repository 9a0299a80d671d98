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

use std::cmp::Ordering;

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

/// The one index sort every [`sort_by`] shares: stable (ties keep index order).
#[inline(never)]
fn sort_indices(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_unstable_by(|&a, &b| cmp(a, b).then(a.cmp(&b)));
    idx
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

/// Sort `u64`s ascending (the shared integer sort).
#[inline(never)]
pub fn sort_u64(v: &mut [u64]) {
    v.sort_unstable();
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
