//! Hashes: Redis's two encodings, and per-field expiry (Redis 7.4's hash-field
//! expiration, "HFE").
//!
//! **listpack** — a small hash is one packed byte buffer, like Redis's listpack: a 4-byte
//! header (entry count, plus a flag bit), then for each entry `varint(len) field
//! varint(len) value`, in insertion order. Lookups are linear scans (the hash is small:
//! at most `hash-max-listpack-entries` entries, fields and values at most
//! `hash-max-listpack-value` bytes), and the whole hash is a 24-byte value plus one
//! allocation. Once any field-expiry command touches such a hash it becomes
//! **listpackex** (what `OBJECT ENCODING` then reports): each entry gains a third item,
//! `varint(expire + 1)` (0 = no TTL), and, as in Redis, entries with a TTL are kept
//! sorted by expiry time at the front, entries without one follow in insertion order.
//! So the next field to expire is always the first entry, and `HGETALL` returns the
//! fields in Redis's order.
//!
//! **hashtable** — past a threshold the hash becomes a slab of entries
//! (`Vec<Option<Box<[u8]>>>`, one allocation per entry holding `varint(len) field
//! value`) indexed by a `hashbrown::HashTable` of (slot, 32-bit field hash) pairs — the
//! stored hash lets the index grow without touching the entries. As in the keyspace,
//! slots are stable while an entry lives, so `HSCAN`'s cursor is a slot number and every
//! field present for a whole scan is returned; holes are reused; when holes outnumber
//! entries the slab is compacted and the cursor epoch (upper 16 bits) lets an in-flight
//! scan map its cursor to the new layout. Random fields (`HRANDFIELD`) are O(1) slot
//! draws. Field TTLs live in a side index (slot → expiry, plus an ordered set of
//! (expiry, slot)) that exists only for hashes that have used them. A hash never
//! converts back to listpack.
//!
//! Expiry is judged by the caller: [`Hash::purge_expired`] removes every field whose time
//! has passed (strictly before `now`, as keys), and commands call it before touching a
//! hash that [`Hash::needs_purge`] (O(1)), so expired fields are never seen.
//!
//! Memory use is tracked in O(1) ([`Hash::mem_usage`]) so commands can adjust the
//! keyspace's estimate after each in-place change.

use crate::compact::IdSet;
use crate::types::stream::StreamId;
use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};

mod listpack;
mod table;
use listpack::*;
use table::*;

/// The encoding thresholds (`hash-max-listpack-entries`, `hash-max-listpack-value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most entries a listpack may hold.
    pub max_entries: usize,
    /// Longest field or value a listpack may hold.
    pub max_value: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 128,
            max_value: 64,
        }
    }
}

/// A hash value.
#[derive(Debug, Clone)]
pub struct Hash {
    enc: Enc,
}

#[derive(Debug, Clone)]
enum Enc {
    Lp(Listpack),
    Ht(Box<Table>),
}

impl Default for Hash {
    fn default() -> Self {
        Hash::new()
    }
}

// ---------------------------------------------------------------------------------------
// Varints
// ---------------------------------------------------------------------------------------

#[inline]
fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[inline]
fn varint_len(mut v: u64) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

/// Decode a varint at `p`: (value, position after it).
#[inline]
fn get_varint(b: &[u8], mut p: usize) -> Option<(u64, usize)> {
    let mut v: u64 = 0;
    let mut shift = 0u32;
    loop {
        let c = *b.get(p)?;
        p += 1;
        if shift >= 64 {
            return None;
        }
        v |= ((c & 0x7f) as u64) << shift;
        if c & 0x80 == 0 {
            return Some((v, p));
        }
        shift += 7;
    }
}

#[inline]
fn ttl_code(ttl: Option<i64>) -> u64 {
    match ttl {
        None => 0,
        Some(t) => (t.max(0) as u64).saturating_add(1),
    }
}

#[inline]
fn ttl_decode(code: u64) -> Option<i64> {
    if code == 0 {
        None
    } else {
        Some(i64::try_from(code - 1).unwrap_or(i64::MAX))
    }
}

// ---------------------------------------------------------------------------------------
// The hash API
// ---------------------------------------------------------------------------------------

/// Iterator over `(field, value, expiry)` of a hash, in encoding order.
pub struct Iter<'a> {
    inner: IterInner<'a>,
}

enum IterInner<'a> {
    Lp(LpPositions<'a>),
    Ht(&'a Table, usize),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], &'a [u8], Option<i64>);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            IterInner::Lp(it) => {
                let lp = it.lp;
                let e = it.next()?;
                Some((lp.field(&e), lp.value(&e), e.ttl))
            }
            IterInner::Ht(t, i) => loop {
                let s = t.slots.get(*i)?;
                let slot = *i as u32;
                *i += 1;
                if let Some(b) = s {
                    let (k, v) = split_blob(b);
                    return Some((k, v, t.ttl_of(slot)));
                }
            },
        }
    }
}

impl Hash {
    /// An empty hash (listpack encoding).
    pub fn new() -> Hash {
        Hash {
            enc: Enc::Lp(Listpack::default()),
        }
    }

    /// The name `OBJECT ENCODING` reports: `listpack`, `listpackex` (a listpack that has
    /// seen field-expiry commands) or `hashtable`.
    pub fn encoding(&self) -> &'static str {
        match &self.enc {
            Enc::Lp(lp) if lp.ex() => "listpackex",
            Enc::Lp(_) => "listpack",
            Enc::Ht(_) => "hashtable",
        }
    }

    /// Approximate memory use in bytes (O(1)).
    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<Hash>()
            + match &self.enc {
                Enc::Lp(lp) => lp.buf.len() + ALLOC_OVERHEAD,
                Enc::Ht(t) => t.mem(),
            }
    }

    /// Number of fields (expired ones not yet purged included).
    pub fn len(&self) -> usize {
        match &self.enc {
            Enc::Lp(lp) => lp.len(),
            Enc::Ht(t) => t.len,
        }
    }

    /// Whether the hash has no fields.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether this is the hashtable encoding.
    pub fn is_table(&self) -> bool {
        matches!(self.enc, Enc::Ht(_))
    }

    /// The value of `field`.
    #[inline]
    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        match &self.enc {
            Enc::Lp(lp) => lp.find(field).map(|e| lp.value(&e)),
            Enc::Ht(t) => {
                let s = t.find(field)?;
                t.blob(s).map(|b| split_blob(b).1)
            }
        }
    }

    /// Whether `field` exists.
    pub fn contains(&self, field: &[u8]) -> bool {
        self.get(field).is_some()
    }

    /// Iterate over `(field, value, expiry)` in encoding order (insertion order for a
    /// listpack; expiring fields first for a listpackex).
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            inner: match &self.enc {
                Enc::Lp(lp) => IterInner::Lp(lp.positions()),
                Enc::Ht(t) => IterInner::Ht(t, 0),
            },
        }
    }

    /// Convert to the hashtable encoding (no-op if already).
    pub fn convert_to_table(&mut self) {
        let Enc::Lp(lp) = &self.enc else {
            return;
        };
        let mut t = Table::with_capacity(lp.len());
        for e in lp.positions() {
            let s = t.insert_new(lp.field(&e), lp.value(&e));
            if e.ttl.is_some() {
                t.set_ttl(s, e.ttl);
            }
        }
        self.enc = Enc::Ht(Box::new(t));
    }

    /// Redis's `hashTypeTryConversion` before a batch write of `pairs` field/value pairs
    /// whose argument lengths are `lens`: convert to a hashtable when the batch alone
    /// exceeds the entry limit or any argument is longer than the value limit.
    pub fn prepare_batch(
        &mut self,
        pairs: usize,
        lens: impl IntoIterator<Item = usize>,
        lim: Limits,
    ) {
        if self.is_table() {
            return;
        }
        if pairs > lim.max_entries || lens.into_iter().any(|l| l > lim.max_value) {
            self.convert_to_table();
            if let Enc::Ht(t) = &mut self.enc {
                let extra = pairs.min(1 << 20).saturating_sub(t.len);
                t.slots.reserve(extra);
                t.index.reserve(extra, rehash);
            }
        }
    }

    /// Set `field` to `value`; true if the field is new. Without `keep_ttl` an existing
    /// field loses its TTL (HSET); with it the TTL stays (HINCRBY, HSETEX KEEPTTL).
    pub fn set(&mut self, field: &[u8], value: &[u8], keep_ttl: bool, lim: Limits) -> bool {
        if !self.is_table() && (field.len() > lim.max_value || value.len() > lim.max_value) {
            self.convert_to_table();
        }
        let new = match &mut self.enc {
            Enc::Lp(lp) => match lp.find(field) {
                Some(e) => {
                    if e.ttl.is_some() && !keep_ttl {
                        // Redis moves a field that loses its TTL to the end.
                        lp.remove(&e);
                        lp.push(field, value, None);
                    } else {
                        lp.replace_value(&e, value);
                    }
                    false
                }
                None => {
                    lp.push(field, value, None);
                    true
                }
            },
            Enc::Ht(t) => match t.find(field) {
                Some(s) => {
                    t.set_value(s, field, value);
                    if !keep_ttl {
                        t.set_ttl(s, None);
                    }
                    false
                }
                None => {
                    t.insert_new(field, value);
                    true
                }
            },
        };
        if let Enc::Lp(lp) = &self.enc {
            if lp.len() > lim.max_entries {
                self.convert_to_table();
            }
        }
        new
    }

    /// Remove `field`; true if it existed.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match &mut self.enc {
            Enc::Lp(lp) => match lp.find(field) {
                Some(e) => {
                    lp.remove(&e);
                    true
                }
                None => false,
            },
            Enc::Ht(t) => t.remove(field),
        }
    }

    // --- Field expiry -----------------------------------------------------------------

    /// Prepare for field-expiry commands (Redis's `hashTypeSetExInit`): a listpack
    /// becomes a listpackex.
    pub fn enable_field_ttl(&mut self) {
        if let Enc::Lp(lp) = &mut self.enc {
            lp.make_ex();
        }
    }

    /// The TTL of `field`: `None` if there is no such field, `Some(None)` if it has no
    /// TTL, else the absolute expiry in Unix ms.
    pub fn field_ttl(&self, field: &[u8]) -> Option<Option<i64>> {
        match &self.enc {
            Enc::Lp(lp) => lp.find(field).map(|e| e.ttl),
            Enc::Ht(t) => t.find(field).map(|s| t.ttl_of(s)),
        }
    }

    /// Set the expiry of an existing `field` (absolute Unix ms); false if it does not
    /// exist. Turns a listpack into a listpackex.
    pub fn set_field_ttl(&mut self, field: &[u8], at: i64) -> bool {
        self.enable_field_ttl();
        match &mut self.enc {
            Enc::Lp(lp) => {
                let Some(e) = lp.find(field) else {
                    return false;
                };
                let (f, v) = lp.take(&e);
                lp.insert_sorted(&f, &v, Some(at));
                true
            }
            Enc::Ht(t) => match t.find(field) {
                Some(s) => {
                    t.set_ttl(s, Some(at));
                    true
                }
                None => false,
            },
        }
    }

    /// Remove the TTL of `field`; true if it had one.
    pub fn persist_field(&mut self, field: &[u8]) -> bool {
        match &mut self.enc {
            Enc::Lp(lp) => {
                let Some(e) = lp.find(field) else {
                    return false;
                };
                if e.ttl.is_none() {
                    return false;
                }
                let (f, v) = lp.take(&e);
                lp.push(&f, &v, None);
                true
            }
            Enc::Ht(t) => match t.find(field) {
                Some(s) if t.ttl_of(s).is_some() => {
                    t.set_ttl(s, None);
                    true
                }
                _ => false,
            },
        }
    }

    /// The earliest field expiry, if any field has a TTL.
    #[inline]
    pub fn min_field_expire(&self) -> Option<i64> {
        match &self.enc {
            Enc::Lp(lp) if lp.ex() => lp.at(LP_HDR).and_then(|e| e.ttl),
            Enc::Lp(_) => None,
            Enc::Ht(t) => t.min_ttl(),
        }
    }

    /// Whether any field has a TTL.
    pub fn has_field_ttls(&self) -> bool {
        self.min_field_expire().is_some()
    }

    /// Whether some field's time has passed at `now` (so [`Hash::purge_expired`] would
    /// remove something). O(1).
    #[inline]
    pub fn needs_purge(&self, now: i64) -> bool {
        self.min_field_expire().is_some_and(|t| t < now)
    }

    /// Remove every field whose expiry is before `now`, calling `f` with each field
    /// removed. Returns how many were removed.
    pub fn purge_expired(&mut self, now: i64, mut f: impl FnMut(&[u8])) -> usize {
        let mut n = 0;
        match &mut self.enc {
            Enc::Lp(lp) => {
                if !lp.ex() {
                    return 0;
                }
                while let Some(e) = lp.at(LP_HDR) {
                    if e.ttl.is_none_or(|t| t >= now) {
                        break;
                    }
                    f(lp.field(&e));
                    lp.remove(&e);
                    n += 1;
                }
            }
            Enc::Ht(t) => {
                while let Some((at, slot)) =
                    t.ttl.as_ref().and_then(|x| x.order.first().map(ttl_of_key))
                {
                    if at >= now {
                        break;
                    }
                    let field = t
                        .blob(slot)
                        .map(|b| blob_field(b).to_vec())
                        .unwrap_or_default();
                    f(&field);
                    if !t.remove(&field) {
                        // Not indexed (cannot happen): drop the stale TTL record.
                        t.set_ttl(slot, None);
                    }
                    n += 1;
                }
            }
        }
        n
    }

    // --- Random fields and scanning -----------------------------------------------------

    /// A random `(field, value)`.
    pub fn random_pair(&self, r: &mut dyn FnMut() -> u64) -> Option<(&[u8], &[u8])> {
        match &self.enc {
            Enc::Lp(lp) => {
                if lp.len() == 0 {
                    return None;
                }
                let k = (r() % lp.len() as u64) as usize;
                lp.positions().nth(k).map(|e| (lp.field(&e), lp.value(&e)))
            }
            Enc::Ht(t) => {
                let s = t.random_slot(r)?;
                t.blob(s).map(split_blob)
            }
        }
    }

    /// `count` random `(field, value)` pairs, repeats allowed (HRANDFIELD with a
    /// negative count).
    pub fn sample_with_repeats(
        &self,
        count: usize,
        r: &mut dyn FnMut() -> u64,
    ) -> Vec<(&[u8], &[u8])> {
        let mut out = Vec::with_capacity(count.min(1 << 16));
        match &self.enc {
            Enc::Lp(lp) => {
                let all: Vec<LpPos> = lp.positions().collect();
                if all.is_empty() {
                    return out;
                }
                for _ in 0..count {
                    let k = (r() % all.len() as u64) as usize;
                    if let Some(e) = all.get(k) {
                        out.push((lp.field(e), lp.value(e)));
                    }
                }
            }
            Enc::Ht(t) => {
                for _ in 0..count {
                    match t.random_slot(r).and_then(|s| t.blob(s)) {
                        Some(b) => out.push(split_blob(b)),
                        None => break,
                    }
                }
            }
        }
        out
    }

    /// Up to `count` distinct random `(field, value)` pairs (HRANDFIELD with a positive
    /// count). With `count` at least the size, every pair in encoding order.
    pub fn sample_distinct(&self, count: usize, r: &mut dyn FnMut() -> u64) -> Vec<(&[u8], &[u8])> {
        let size = self.len();
        if count >= size {
            return self.iter().map(|(f, v, _)| (f, v)).collect();
        }
        match &self.enc {
            Enc::Lp(lp) => {
                // Selection sampling (Knuth's algorithm S): distinct, in listpack order,
                // as Redis's lpRandomPairsUnique.
                let mut out = Vec::with_capacity(count);
                let mut needed = count;
                let mut left = size;
                for e in lp.positions() {
                    if needed == 0 {
                        break;
                    }
                    if (r() % left as u64) < needed as u64 {
                        out.push((lp.field(&e), lp.value(&e)));
                        needed -= 1;
                    }
                    left -= 1;
                }
                out
            }
            Enc::Ht(t) => {
                if count.saturating_mul(3) > size {
                    // Take everything, then drop random entries down to `count`.
                    let mut all: Vec<(&[u8], &[u8])> = t
                        .slots
                        .iter()
                        .filter_map(|s| s.as_deref())
                        .map(split_blob)
                        .collect();
                    while all.len() > count {
                        let k = (r() % all.len() as u64) as usize;
                        all.swap_remove(k);
                    }
                    all
                } else {
                    let mut seen = hashbrown::HashSet::with_capacity(count);
                    let mut out = Vec::with_capacity(count);
                    while out.len() < count {
                        let Some(s) = t.random_slot(r) else { break };
                        if seen.insert(s) {
                            if let Some(b) = t.blob(s) {
                                out.push(split_blob(b));
                            }
                        }
                    }
                    out
                }
            }
        }
    }

    /// One HSCAN step: call `f` on the fields visited and return the next cursor. A
    /// listpack is returned whole (cursor 0), as Redis does.
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&[u8], &[u8])) -> u64 {
        match &self.enc {
            Enc::Lp(lp) => {
                for e in lp.positions() {
                    f(lp.field(&e), lp.value(&e));
                }
                0
            }
            Enc::Ht(t) => t.scan(cursor, count, f),
        }
    }
}

#[cfg(test)]
mod tests;
