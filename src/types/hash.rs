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
// Listpack
// ---------------------------------------------------------------------------------------

/// The packed small encoding. See the module docs. The buffer starts with a 4-byte
/// header (little-endian entry count, top bit set for `listpackex`) once anything is
/// written, so a hash is one pointer-sized-triple (24 bytes) plus one allocation.
#[derive(Debug, Clone, Default)]
struct Listpack {
    /// Exactly sized (like Redis's listpack): no spare capacity per small hash.
    buf: Box<[u8]>,
}

/// Header bytes before the first entry.
const LP_HDR: usize = 4;
/// Header bit marking entries with a TTL item (`listpackex`).
const LP_EX_BIT: u32 = 1 << 31;

/// Where one listpack entry lies in the buffer.
#[derive(Debug, Clone, Copy)]
struct LpPos {
    start: usize,
    f: usize,
    flen: usize,
    /// Start of the value's length prefix.
    vhdr: usize,
    v: usize,
    vlen: usize,
    ttl: Option<i64>,
    end: usize,
}

impl Listpack {
    /// Modify the buffer as a `Vec`, then store it back exactly sized.
    fn edit<R>(&mut self, f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
        let mut v = std::mem::take(&mut self.buf).into_vec();
        let r = f(&mut v);
        self.buf = v.into_boxed_slice();
        r
    }

    #[inline]
    fn header(&self) -> u32 {
        match self.buf.get(..LP_HDR) {
            Some(h) => u32::from_le_bytes([h[0], h[1], h[2], h[3]]),
            None => 0,
        }
    }

    #[inline]
    fn set_header(&mut self, h: u32) {
        if self.buf.len() < LP_HDR {
            self.edit(|v| v.resize(LP_HDR, 0));
        }
        if let Some(dst) = self.buf.get_mut(..LP_HDR) {
            dst.copy_from_slice(&h.to_le_bytes());
        }
    }

    /// Number of entries.
    #[inline]
    fn len(&self) -> usize {
        (self.header() & !LP_EX_BIT) as usize
    }

    /// Whether entries carry a TTL item (`listpackex`).
    #[inline]
    fn ex(&self) -> bool {
        self.header() & LP_EX_BIT != 0
    }

    fn add_len(&mut self, delta: i32) {
        let h = self.header();
        let n = ((h & !LP_EX_BIT) as i64 + delta as i64).clamp(0, (LP_EX_BIT - 1) as i64) as u32;
        self.set_header((h & LP_EX_BIT) | n);
    }

    /// The entry starting at `p`, if any.
    #[inline]
    fn at(&self, p: usize) -> Option<LpPos> {
        let b = &self.buf;
        if p >= b.len() {
            return None;
        }
        let (flen, f) = get_varint(b, p)?;
        let flen = usize::try_from(flen).ok()?;
        let vhdr = f.checked_add(flen)?;
        let (vlen, v) = get_varint(b, vhdr)?;
        let vlen = usize::try_from(vlen).ok()?;
        let mut end = v.checked_add(vlen)?;
        let mut ttl = None;
        if self.ex() {
            let (code, e) = get_varint(b, end)?;
            ttl = ttl_decode(code);
            end = e;
        }
        if end > b.len() {
            return None;
        }
        Some(LpPos {
            start: p,
            f,
            flen,
            vhdr,
            v,
            vlen,
            ttl,
            end,
        })
    }

    #[inline]
    fn field(&self, e: &LpPos) -> &[u8] {
        self.buf.get(e.f..e.f + e.flen).unwrap_or(&[])
    }

    #[inline]
    fn value(&self, e: &LpPos) -> &[u8] {
        self.buf.get(e.v..e.v + e.vlen).unwrap_or(&[])
    }

    fn positions(&self) -> LpPositions<'_> {
        LpPositions {
            lp: self,
            p: LP_HDR,
        }
    }

    #[inline]
    fn find(&self, field: &[u8]) -> Option<LpPos> {
        self.positions()
            .find(|e| e.flen == field.len() && self.field(e) == field)
    }

    fn encode(out: &mut Vec<u8>, field: &[u8], value: &[u8], ex: bool, ttl: Option<i64>) {
        put_varint(out, field.len() as u64);
        out.extend_from_slice(field);
        put_varint(out, value.len() as u64);
        out.extend_from_slice(value);
        if ex {
            put_varint(out, ttl_code(ttl));
        }
    }

    /// Append an entry.
    fn push(&mut self, field: &[u8], value: &[u8], ttl: Option<i64>) {
        if self.buf.len() < LP_HDR {
            self.set_header(0);
        }
        let ex = self.ex();
        let mut enc = Vec::with_capacity(field.len() + value.len() + 12);
        Self::encode(&mut enc, field, value, ex, ttl);
        self.edit(|v| {
            // Grow to the exact size in one step: no spare capacity to trim afterwards.
            v.reserve_exact(enc.len());
            v.extend_from_slice(&enc);
        });
        self.add_len(1);
    }

    /// Insert an entry at its place in expiry order (listpackex): before the first entry
    /// without a TTL or with a TTL at or after `ttl`.
    fn insert_sorted(&mut self, field: &[u8], value: &[u8], ttl: Option<i64>) {
        let Some(t) = ttl else {
            self.push(field, value, None);
            return;
        };
        let at = self
            .positions()
            .find(|e| e.ttl.is_none_or(|x| x >= t))
            .map(|e| e.start);
        match at {
            None => self.push(field, value, ttl),
            Some(p) => {
                let mut enc = Vec::with_capacity(field.len() + value.len() + 12);
                Self::encode(&mut enc, field, value, self.ex(), ttl);
                self.edit(|v| {
                    v.splice(p..p, enc);
                });
                self.add_len(1);
            }
        }
    }

    /// Replace the value of entry `e`.
    fn replace_value(&mut self, e: &LpPos, value: &[u8]) {
        let old = e.vhdr..e.v + e.vlen;
        let new_len = varint_len(value.len() as u64) + value.len();
        if new_len == old.len() && e.vlen == value.len() {
            if let Some(dst) = self.buf.get_mut(e.v..e.v + e.vlen) {
                dst.copy_from_slice(value);
            }
            return;
        }
        let mut enc = Vec::with_capacity(new_len);
        put_varint(&mut enc, value.len() as u64);
        enc.extend_from_slice(value);
        self.edit(|v| {
            v.splice(old, enc);
        });
    }

    fn remove(&mut self, e: &LpPos) {
        self.edit(|v| {
            v.drain(e.start..e.end);
        });
        self.add_len(-1);
    }

    /// Take entry `e` out, returning its field and value.
    fn take(&mut self, e: &LpPos) -> (Vec<u8>, Vec<u8>) {
        let f = self.field(e).to_vec();
        let v = self.value(e).to_vec();
        self.remove(e);
        (f, v)
    }

    /// Become listpackex: every entry gains a "no TTL" item.
    fn make_ex(&mut self) {
        if self.ex() {
            return;
        }
        let n = self.len();
        let mut out = Vec::with_capacity(self.buf.len().max(LP_HDR) + n);
        out.extend_from_slice(&(n as u32 | LP_EX_BIT).to_le_bytes());
        for e in self.positions() {
            out.extend_from_slice(self.buf.get(e.start..e.end).unwrap_or(&[]));
            out.push(0);
        }
        self.buf = out.into_boxed_slice();
    }
}

struct LpPositions<'a> {
    lp: &'a Listpack,
    p: usize,
}

impl Iterator for LpPositions<'_> {
    type Item = LpPos;
    #[inline]
    fn next(&mut self) -> Option<LpPos> {
        let e = self.lp.at(self.p)?;
        self.p = e.end;
        Some(e)
    }
}

// ---------------------------------------------------------------------------------------
// Hash table
// ---------------------------------------------------------------------------------------

const EPOCH_SHIFT: u32 = 48;
const INDEX_MASK: u64 = (1 << EPOCH_SHIFT) - 1;
/// Bytes a heap allocation costs beyond its size (allocator header, rounding).
const ALLOC_OVERHEAD: usize = 16;

/// Field TTLs of a hashtable-encoded hash.
#[derive(Debug, Clone, Default)]
struct TtlIndex {
    by_slot: hashbrown::HashMap<u32, i64>,
    /// (expiry, slot) in order, as ids (see [`ttl_key`]).
    order: IdSet,
}

/// The id under which (expiry `at`, `slot`) sorts in [`TtlIndex::order`]: flipping the
/// sign bit maps the `i64` order onto the `u64` order.
fn ttl_key(at: i64, slot: u32) -> StreamId {
    StreamId::new((at as u64) ^ (1 << 63), u64::from(slot))
}

/// The (expiry, slot) of an id made by [`ttl_key`].
fn ttl_of_key(k: StreamId) -> (i64, u32) {
    ((k.ms ^ (1 << 63)) as i64, k.seq as u32)
}

/// The large encoding. See the module docs.
#[derive(Debug, Clone, Default)]
struct Table {
    /// Entries: `varint(field len) field value`.
    slots: Vec<Option<Box<[u8]>>>,
    free: Vec<u32>,
    /// (slot, 32-bit hash of the field): growing the index never touches the entries.
    index: HashTable<(u32, u32)>,
    hasher: DefaultHashBuilder,
    len: usize,
    /// Sum of entry sizes.
    data: usize,
    epoch: u16,
    last_holes: Vec<u32>,
    ttl: Option<Box<TtlIndex>>,
}

/// Split an entry blob into (field, value).
#[inline]
fn split_blob(b: &[u8]) -> (&[u8], &[u8]) {
    let Some((flen, p)) = get_varint(b, 0) else {
        return (&[], &[]);
    };
    let flen = usize::try_from(flen).unwrap_or(usize::MAX);
    let fend = p.saturating_add(flen).min(b.len());
    (b.get(p..fend).unwrap_or(&[]), b.get(fend..).unwrap_or(&[]))
}

#[inline]
fn blob_field(b: &[u8]) -> &[u8] {
    split_blob(b).0
}

fn make_blob(field: &[u8], value: &[u8]) -> Box<[u8]> {
    let mut v = Vec::with_capacity(varint_len(field.len() as u64) + field.len() + value.len());
    put_varint(&mut v, field.len() as u64);
    v.extend_from_slice(field);
    v.extend_from_slice(value);
    v.into_boxed_slice()
}

/// The index's 64-bit hash from a stored 32-bit one (an odd multiplier spreads it over
/// both the bucket bits and hashbrown's top-7-bit tag).
#[inline]
fn spread(h: u32) -> u64 {
    (h as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

#[inline]
fn rehash(e: &(u32, u32)) -> u64 {
    spread(e.1)
}

impl Table {
    #[inline]
    fn hash32(&self, field: &[u8]) -> u32 {
        (self.hasher.hash_one(field) >> 32) as u32
    }

    fn with_capacity(n: usize) -> Table {
        Table {
            slots: Vec::with_capacity(n),
            index: HashTable::with_capacity(n),
            ..Default::default()
        }
    }

    #[inline]
    fn find(&self, field: &[u8]) -> Option<u32> {
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
    fn blob(&self, slot: u32) -> Option<&[u8]> {
        self.slots.get(slot as usize)?.as_deref()
    }

    /// Insert a field known to be absent; returns its slot.
    fn insert_new(&mut self, field: &[u8], value: &[u8]) -> u32 {
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

    fn set_value(&mut self, slot: u32, field: &[u8], value: &[u8]) {
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
    fn remove(&mut self, field: &[u8]) -> bool {
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
    fn release(&mut self, slot: u32) {
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

    fn ttl_of(&self, slot: u32) -> Option<i64> {
        self.ttl.as_ref()?.by_slot.get(&slot).copied()
    }

    fn set_ttl(&mut self, slot: u32, ttl: Option<i64>) {
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

    fn min_ttl(&self) -> Option<i64> {
        self.ttl.as_ref()?.order.first().map(|k| ttl_of_key(k).0)
    }

    fn maybe_compact(&mut self) {
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
            idx.saturating_sub(before)
        } else {
            0
        }
    }

    fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&[u8], &[u8])) -> u64 {
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

    fn random_slot(&self, r: &mut dyn FnMut() -> u64) -> Option<u32> {
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

    fn mem(&self) -> usize {
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
mod tests {
    use super::*;

    fn lim() -> Limits {
        Limits::default()
    }

    fn fields(h: &Hash) -> Vec<Vec<u8>> {
        h.iter().map(|(f, _, _)| f.to_vec()).collect()
    }

    #[test]
    fn listpack_keeps_insertion_order_and_updates_in_place() {
        let mut h = Hash::new();
        assert!(h.set(b"a", b"1", false, lim()));
        assert!(h.set(b"b", b"2", false, lim()));
        assert!(h.set(b"c", b"3", false, lim()));
        assert!(!h.set(b"b", b"two", false, lim()));
        assert_eq!(h.get(b"b"), Some(&b"two"[..]));
        assert_eq!(
            fields(&h),
            vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]
        );
        assert!(h.remove(b"a"));
        assert!(!h.remove(b"a"));
        assert_eq!(h.len(), 2);
        assert_eq!(h.encoding(), "listpack");
    }

    #[test]
    fn converts_past_thresholds() {
        let mut h = Hash::new();
        let l = Limits {
            max_entries: 4,
            max_value: 8,
        };
        for i in 0..4 {
            h.set(format!("f{i}").as_bytes(), b"v", false, l);
        }
        assert_eq!(h.encoding(), "listpack");
        h.set(b"f4", b"v", false, l);
        assert_eq!(h.encoding(), "hashtable");
        let mut h2 = Hash::new();
        h2.set(b"f", b"123456789", false, l);
        assert_eq!(h2.encoding(), "hashtable");
        assert_eq!(h2.get(b"f"), Some(&b"123456789"[..]));
    }

    #[test]
    fn listpackex_orders_by_expiry_and_purges() {
        let mut h = Hash::new();
        for f in [&b"a"[..], b"b", b"c", b"d"] {
            h.set(f, b"v", false, lim());
        }
        assert!(h.set_field_ttl(b"c", 300));
        assert!(h.set_field_ttl(b"a", 100));
        assert!(h.set_field_ttl(b"d", 200));
        assert_eq!(h.encoding(), "listpackex");
        assert_eq!(
            fields(&h),
            vec![b"a".to_vec(), b"d".to_vec(), b"c".to_vec(), b"b".to_vec()]
        );
        assert_eq!(h.min_field_expire(), Some(100));
        assert!(h.persist_field(b"d"));
        assert_eq!(
            fields(&h),
            vec![b"a".to_vec(), b"c".to_vec(), b"b".to_vec(), b"d".to_vec()]
        );
        assert_eq!(h.field_ttl(b"d"), Some(None));
        assert_eq!(h.field_ttl(b"c"), Some(Some(300)));
        assert_eq!(h.field_ttl(b"zz"), None);
        assert!(!h.needs_purge(100));
        assert!(h.needs_purge(101));
        let mut gone = Vec::new();
        assert_eq!(h.purge_expired(301, |f| gone.push(f.to_vec())), 2);
        assert_eq!(gone, vec![b"a".to_vec(), b"c".to_vec()]);
        assert_eq!(fields(&h), vec![b"b".to_vec(), b"d".to_vec()]);
        assert!(!h.has_field_ttls());
    }

    #[test]
    fn hset_clears_ttl_and_moves_field_last_keep_ttl_does_not() {
        let mut h = Hash::new();
        h.set(b"a", b"1", false, lim());
        h.set(b"b", b"2", false, lim());
        h.set_field_ttl(b"a", 50);
        h.set(b"a", b"11", true, lim());
        assert_eq!(h.field_ttl(b"a"), Some(Some(50)));
        assert_eq!(fields(&h)[0], b"a".to_vec());
        h.set(b"a", b"111", false, lim());
        assert_eq!(h.field_ttl(b"a"), Some(None));
        assert_eq!(fields(&h), vec![b"b".to_vec(), b"a".to_vec()]);
        assert_eq!(h.get(b"a"), Some(&b"111"[..]));
    }

    #[test]
    fn table_ttls_survive_conversion_and_compaction() {
        let mut h = Hash::new();
        let l = Limits {
            max_entries: 2,
            max_value: 64,
        };
        h.set(b"x", b"1", false, l);
        h.set_field_ttl(b"x", 10);
        for i in 0..500 {
            h.set(format!("f{i}").as_bytes(), b"v", false, l);
        }
        assert!(h.is_table());
        assert_eq!(h.field_ttl(b"x"), Some(Some(10)));
        h.set_field_ttl(b"f499", 20);
        for i in 0..450 {
            assert!(h.remove(format!("f{i}").as_bytes()));
        }
        assert_eq!(h.len(), 51);
        assert_eq!(h.field_ttl(b"x"), Some(Some(10)));
        assert_eq!(h.field_ttl(b"f499"), Some(Some(20)));
        assert_eq!(h.get(b"f460"), Some(&b"v"[..]));
        let mut gone = Vec::new();
        h.purge_expired(15, |f| gone.push(f.to_vec()));
        assert_eq!(gone, vec![b"x".to_vec()]);
        assert_eq!(h.min_field_expire(), Some(20));
        assert_eq!(h.len(), 50);
    }

    #[test]
    fn table_scan_sees_every_stable_field_across_compaction() {
        let mut h = Hash::new();
        let l = Limits {
            max_entries: 1,
            max_value: 64,
        };
        for i in 0..300 {
            h.set(format!("s{i}").as_bytes(), b"v", false, l);
        }
        for i in 0..2000 {
            h.set(format!("t{i}").as_bytes(), b"v", false, l);
        }
        let mut seen = hashbrown::HashSet::new();
        let mut cursor = 0;
        let mut k = 0;
        loop {
            cursor = h.scan(cursor, 10, |f, _| {
                seen.insert(f.to_vec());
            });
            for _ in 0..40 {
                if k < 2000 {
                    h.remove(format!("t{k}").as_bytes());
                }
                k += 1;
            }
            if cursor == 0 {
                break;
            }
        }
        for i in 0..300 {
            assert!(seen.contains(format!("s{i}").as_bytes()), "missing s{i}");
        }
    }

    #[test]
    fn sampling_returns_distinct_fields() {
        let mut x = 12345u64;
        let mut r = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for max_entries in [128usize, 1] {
            let l = Limits {
                max_entries,
                max_value: 64,
            };
            let mut h = Hash::new();
            for i in 0..100 {
                h.set(format!("f{i}").as_bytes(), b"v", false, l);
            }
            for count in [1usize, 5, 40, 99, 100, 500] {
                let s = h.sample_distinct(count, &mut r);
                assert_eq!(s.len(), count.min(100));
                let set: hashbrown::HashSet<_> = s.iter().map(|p| p.0).collect();
                assert_eq!(set.len(), s.len());
            }
            assert_eq!(h.sample_with_repeats(1000, &mut r).len(), 1000);
            assert!(h.random_pair(&mut r).is_some());
        }
    }

    #[test]
    fn a_hash_is_three_words() {
        // Value::Hash boxes it: 24 bytes is the smallest malloc chunk class.
        assert!(
            std::mem::size_of::<Hash>() <= 24,
            "{}",
            std::mem::size_of::<Hash>()
        );
    }

    #[test]
    fn memory_estimate_tracks_changes() {
        let mut h = Hash::new();
        let m0 = h.mem_usage();
        for i in 0..1000 {
            h.set(format!("field{i}").as_bytes(), b"some value", false, lim());
        }
        let m1 = h.mem_usage();
        assert!(m1 > m0 + 20_000, "{m0} {m1}");
        for i in 0..1000 {
            h.remove(format!("field{i}").as_bytes());
        }
        assert!(h.mem_usage() < m1 / 2);
    }
}
