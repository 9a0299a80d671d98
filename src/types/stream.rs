//! Streams: an append-only log of entries (an id and field/value pairs), with consumer
//! groups (see [`group`]).
//!
//! # Layout
//!
//! Entries live in chunks kept in a `BTreeMap` keyed by the chunk's *master id* (the id
//! of the first entry ever added to it), the way Redis keeps listpacks in a radix tree
//! keyed by their master id. A chunk is one byte vector:
//!
//! ```text
//! [master field 1] ... [master field N] [entry] [entry] ...
//! entry = flags(u8) ms-delta(varint) seq-delta(zigzag varint)
//!         ( values...                      if flags & SAMEFIELDS
//!         | nfields(varint) field value ... otherwise )
//! ```
//!
//! Ids are delta-encoded against the master id, and an entry with exactly the master's
//! field names stores only its values (Redis's SAMEFIELDS compression). An element is a
//! varint header: `len << 1` followed by the bytes, or `zigzag(int) << 1 | 1` for a
//! canonical decimal integer (stored in the header itself). There is no per-field heap
//! allocation: a chunk of up to `stream-node-max-entries` entries is one allocation.
//!
//! Deletion (XDEL, exact trimming inside a chunk) only sets the DELETED flag, leaving a
//! tombstone, and a chunk whose last live entry goes is dropped, as Redis does. Chunks
//! are cut exactly where Redis starts a new listpack: each chunk tracks the size the
//! equivalent Redis listpack would have (`lp_bytes`), so `stream-node-max-bytes`,
//! `stream-node-max-entries`, approximate (`~`) trimming and `XINFO STREAM`'s
//! `radix-tree-keys` behave as in Redis.

mod chunk;
pub mod group;
mod id;
pub mod rdb;

use crate::compact::{ByteMap, IdMap, IdRange};
use std::fmt;

pub use chunk::*;
pub use group::{Consumer, Group, Nack};
pub use id::*;

use crate::types::string::parse_i64;

/// Entry flag: the entry was deleted (a tombstone).
const FLAG_DELETED: u8 = 1;
/// Entry flag: the entry has exactly the master entry's field names.
const FLAG_SAMEFIELDS: u8 = 2;

/// Largest total size of one entry's fields and values (`STREAM_LISTPACK_MAX_SIZE`).
pub const MAX_ENTRY_BYTES: usize = 1 << 30;

/// The `entries_read` value meaning "unknown" (`SCG_INVALID_ENTRIES_READ`).
pub const INVALID_ENTRIES_READ: i64 = -1;

// ---------------------------------------------------------------------------------------
// The stream
// ---------------------------------------------------------------------------------------

/// How to trim (XADD/XTRIM `MAXLEN` or `MINID`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trim {
    /// Keep at most this many entries.
    MaxLen(u64),
    /// Drop entries with smaller ids.
    MinId(StreamId),
}

/// Chunk-size limits (`stream-node-max-bytes`, `stream-node-max-entries`).
#[derive(Debug, Clone, Copy)]
pub struct NodeLimits {
    /// Bytes of the equivalent listpack; 0 = no limit.
    pub max_bytes: u64,
    /// Entries (live and deleted); 0 = no limit.
    pub max_entries: i64,
}

impl Default for NodeLimits {
    fn default() -> Self {
        NodeLimits {
            max_bytes: 4096,
            max_entries: 100,
        }
    }
}

/// A stream.
#[derive(Debug, Clone, Default)]
pub struct Stream {
    chunks: IdMap<Chunk>,
    length: u64,
    /// The greatest id ever added (or set by XSETID).
    pub last_id: StreamId,
    /// The first live entry's id, 0-0 when empty (`first_id`).
    pub first_id: StreamId,
    /// The greatest id ever deleted (`max_deleted_entry_id`).
    pub max_deleted_id: StreamId,
    /// Entries ever added (`entries_added`).
    pub entries_added: u64,
    /// Consumer groups by name.
    pub groups: ByteMap<Group>,
    /// Heap bytes of the chunks (kept incrementally).
    chunk_mem: usize,
}

/// A fieldless placeholder used when an iterator has no chunk.
static EMPTY_CHUNK: Chunk = Chunk {
    live: 0,
    deleted: 0,
    nmaster: 0,
    entries_start: 0,
    lp_body: 0,
    data: Vec::new(),
};

impl Stream {
    /// An empty stream.
    pub fn new() -> Stream {
        Stream::default()
    }

    /// Live entries (XLEN).
    pub fn len(&self) -> u64 {
        self.length
    }

    /// Whether no live entries remain.
    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// Number of chunks (`radix-tree-keys`).
    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    /// The chunks in order, with their master ids.
    pub fn chunks(&self) -> IdRange<'_, Chunk> {
        self.chunks.iter()
    }

    /// `radix-tree-nodes`: the node count of a compressed radix tree holding the chunks'
    /// 16-byte keys (Redis's rax; an approximation when deletions left it uncompressed).
    pub fn radix_nodes(&self) -> u64 {
        let keys: Vec<[u8; 16]> = self.chunks.keys().map(|k| k.to_be_bytes()).collect();
        if keys.is_empty() {
            return 1;
        }
        rax_nodes(&keys, 0)
    }

    /// `OBJECT ENCODING`.
    pub fn encoding(&self) -> &'static str {
        "stream"
    }

    /// Approximate heap bytes.
    pub fn mem_usage(&self) -> usize {
        let mut m = std::mem::size_of::<Stream>() + self.chunk_mem;
        for (name, g) in self.groups.iter() {
            m += name.len() + 64 + g.mem_usage();
        }
        m
    }

    /// The id XADD `*` would use at `now` ms (`streamNextID`); `None` when exhausted.
    pub fn next_id(&self, now: i64) -> Option<StreamId> {
        let ms = u64::try_from(now).unwrap_or(0);
        if ms > self.last_id.ms {
            Some(StreamId::new(ms, 0))
        } else {
            self.last_id.incr()
        }
    }

    /// Append an entry with id `id` (greater than `last_id`, checked by the caller)
    /// and the flat field/value list `pairs` (even length).
    pub fn append(&mut self, id: StreamId, pairs: &[&[u8]], lim: NodeLimits) {
        let nfields = pairs.len() / 2;
        let totelelen: u64 = pairs.iter().map(|p| p.len() as u64).sum();
        let max_bytes = if lim.max_bytes == 0 || lim.max_bytes > MAX_ENTRY_BYTES as u64 {
            MAX_ENTRY_BYTES as u64
        } else {
            lim.max_bytes
        };
        let mut new_node = true;
        if let Some((_, c)) = self.chunks.last_mut() {
            new_node = c.lp_bytes() + totelelen >= max_bytes
                || (lim.max_entries != 0
                    && i64::from(c.live) + i64::from(c.deleted) >= lim.max_entries);
            if new_node {
                // The chunk is sealed: give back the growth slack.
                let before = c.data.capacity();
                c.data.shrink_to_fit();
                self.chunk_mem = self.chunk_mem.saturating_sub(before - c.data.capacity());
            }
        }
        if new_node {
            let mut c = Chunk {
                nmaster: nfields as u32,
                ..Chunk::default()
            };
            let mut lp = LP_FIXED + lp_int_size(nfields as i64) + lp_int_size(0);
            for f in pairs.iter().step_by(2) {
                put_elem(&mut c.data, f);
                lp += lp_str_size(f);
            }
            c.entries_start = c.data.len() as u32;
            c.lp_body = lp as u64;
            self.chunk_mem += c.mem();
            self.chunks.insert(id, c);
        }
        let Some((master, c)) = self.chunks.last_mut() else {
            return;
        };
        let same = nfields == c.nmaster as usize && {
            let mut pos = 0;
            pairs
                .iter()
                .step_by(2)
                .all(|f| get_elem(&c.data, &mut pos).eq_bytes(f))
        };
        let cap_before = c.data.capacity();
        let flags = if same { FLAG_SAMEFIELDS } else { 0 };
        let ms_delta = id.ms.wrapping_sub(master.ms);
        let seq_delta = id.seq.wrapping_sub(master.seq) as i64;
        c.data.push(flags);
        put_varint(&mut c.data, ms_delta);
        put_varint(&mut c.data, zigzag(seq_delta));
        let mut lp =
            lp_int_size(i64::from(flags)) + lp_int_size(ms_delta as i64) + lp_int_size(seq_delta);
        if !same {
            put_varint(&mut c.data, nfields as u64);
            lp += lp_int_size(nfields as i64);
        }
        for (i, p) in pairs.iter().enumerate() {
            if i % 2 == 0 && same {
                continue;
            }
            put_elem(&mut c.data, p);
            lp += lp_str_size(p);
        }
        let lp_count = nfields as i64 + 3 + if same { 0 } else { nfields as i64 + 1 };
        lp += lp_int_size(lp_count);
        c.lp_body += lp as u64;
        c.live += 1;
        let cap_after = c.data.capacity();
        self.chunk_mem = self.chunk_mem + cap_after - cap_before;
        self.length += 1;
        self.entries_added += 1;
        self.last_id = id;
        if self.length == 1 {
            self.first_id = id;
        }
    }

    /// Entries from `start` to `end` inclusive, forward or reversed, live only.
    pub fn range(&self, start: StreamId, end: StreamId, rev: bool) -> Iter<'_> {
        self.range_ex(start, end, rev, false)
    }

    /// As [`Stream::range`], optionally yielding tombstones too.
    pub fn range_ex(
        &self,
        start: StreamId,
        end: StreamId,
        rev: bool,
        tombstones: bool,
    ) -> Iter<'_> {
        let chunks = if rev {
            self.chunks.range(..=end)
        } else {
            match self.chunks.range(..=start).next_back() {
                Some((&k, _)) => self.chunks.range(k..),
                None => self.chunks.range(..),
            }
        };
        Iter {
            chunks,
            rev,
            start,
            end,
            tombstones,
            master: StreamId::ZERO,
            chunk: &EMPTY_CHUNK,
            pos: 0,
            offs: Vec::new(),
            ridx: 0,
            active: false,
            done: start > end,
        }
    }

    /// The live entry `id`.
    pub fn get(&self, id: StreamId) -> Option<EntryRef<'_>> {
        self.range(id, id, false).next()
    }

    /// Whether the live entry `id` exists (`streamEntryExists`).
    pub fn contains(&self, id: StreamId) -> bool {
        self.get(id).is_some()
    }

    /// The first entry's id, with or without tombstones (`streamGetEdgeID(s,1,..)`).
    pub fn first_entry_id(&self, tombstones: bool) -> Option<StreamId> {
        self.range_ex(StreamId::ZERO, StreamId::MAX, false, tombstones)
            .next()
            .map(|e| e.id)
    }

    /// The last live entry's id (`streamLastValidID`).
    pub fn last_valid_id(&self) -> Option<StreamId> {
        self.range(StreamId::ZERO, StreamId::MAX, true)
            .next()
            .map(|e| e.id)
    }

    /// Delete the live entry `id` (`streamDeleteItem`); true if it existed. Does not
    /// update `first_id` / `max_deleted_id` (XDEL does).
    pub fn delete(&mut self, id: StreamId) -> bool {
        let Some((master, c)) = self.chunks.floor_mut(id) else {
            return false;
        };
        let mut p = c.entries_start as usize;
        while p < c.data.len() {
            let h = c.head_at(master, p);
            if h.id > id {
                return false;
            }
            if h.id == id {
                if h.flags & FLAG_DELETED != 0 {
                    return false;
                }
                if c.live == 1 {
                    let m = c.mem();
                    self.chunks.remove(&master);
                    self.chunk_mem = self.chunk_mem.saturating_sub(m);
                } else if let Some(f) = c.data.get_mut(p) {
                    *f |= FLAG_DELETED;
                    c.live = c.live.saturating_sub(1);
                    c.deleted += 1;
                }
                self.length = self.length.saturating_sub(1);
                return true;
            }
            p = c.entry_end(&h);
        }
        false
    }

    /// Trim as `streamTrim`: whole chunks first; inside a chunk only when not `approx`.
    /// `limit` (0 = none) caps the entries removed. Returns the number removed.
    pub fn trim(&mut self, how: Trim, approx: bool, limit: i64) -> i64 {
        let mut deleted: i64 = 0;
        loop {
            if let Trim::MaxLen(max) = how {
                if self.length <= max {
                    break;
                }
            }
            let Some((master, c)) = self.chunks.first_mut() else {
                break;
            };
            let entries = i64::from(c.live);
            if limit != 0 && deleted + entries > limit {
                break;
            }
            let remove = match how {
                Trim::MaxLen(max) => self.length.saturating_sub(entries as u64) >= max,
                Trim::MinId(min) => c.last_id(master).unwrap_or(StreamId::ZERO) < min,
            };
            if remove {
                let m = c.mem();
                self.chunks.remove(&master);
                self.chunk_mem = self.chunk_mem.saturating_sub(m);
                self.length = self.length.saturating_sub(entries as u64);
                deleted += entries;
                continue;
            }
            if approx {
                break;
            }
            let mut from_chunk = 0u32;
            let mut p = c.entries_start as usize;
            while p < c.data.len() {
                let h = c.head_at(master, p);
                let stop = match how {
                    Trim::MaxLen(max) => self.length <= max,
                    Trim::MinId(min) => h.id >= min,
                };
                if stop {
                    break;
                }
                let next = c.entry_end(&h);
                if h.flags & FLAG_DELETED == 0 {
                    if let Some(f) = c.data.get_mut(p) {
                        *f |= FLAG_DELETED;
                    }
                    from_chunk += 1;
                    self.length = self.length.saturating_sub(1);
                }
                p = next;
            }
            c.live = c.live.saturating_sub(from_chunk);
            c.deleted += from_chunk;
            deleted += i64::from(from_chunk);
            break;
        }
        if self.length == 0 {
            self.first_id = StreamId::ZERO;
        } else if deleted > 0 {
            self.first_id = self.first_entry_id(false).unwrap_or(StreamId::ZERO);
        }
        deleted
    }

    /// Whether `start..=end` may hold a tombstone (`streamRangeHasTombstones`).
    pub fn range_has_tombstones(&self, start: StreamId, end: StreamId) -> bool {
        if self.length == 0 || self.max_deleted_id.is_zero() {
            return false;
        }
        if self.first_id > self.max_deleted_id {
            // The latest tombstone is before the first entry.
            return false;
        }
        start <= self.max_deleted_id && self.max_deleted_id <= end
    }

    /// `streamEstimateDistanceFromFirstEverEntry`: the logical read counter of `id`, or
    /// [`INVALID_ENTRIES_READ`].
    pub fn estimate_distance(&self, id: StreamId) -> i64 {
        let added = self.entries_added as i64;
        if self.entries_added == 0 {
            return 0;
        }
        if self.length == 0 && id <= self.last_id {
            return added;
        }
        if id == self.last_id {
            return added;
        }
        if id > self.last_id {
            return INVALID_ENTRIES_READ;
        }
        if self.max_deleted_id.is_zero() || self.max_deleted_id < self.first_id {
            if id < self.first_id {
                return added - self.length as i64;
            }
            if id == self.first_id {
                return added - self.length as i64 + 1;
            }
        }
        INVALID_ENTRIES_READ
    }

    /// A group's lag (`streamReplyWithCGLag`); `None` when unknown.
    pub fn group_lag(&self, g: &Group) -> Option<i64> {
        if self.entries_added == 0 {
            return Some(0);
        }
        if g.entries_read != INVALID_ENTRIES_READ
            && !self.range_has_tombstones(g.last_id, StreamId::MAX)
        {
            return Some(self.entries_added as i64 - g.entries_read);
        }
        let er = self.estimate_distance(g.last_id);
        (er != INVALID_ENTRIES_READ).then(|| self.entries_added as i64 - er)
    }

    /// Move `g`'s last-delivered id forward to `id` while reading, updating its read
    /// counter as `streamReplyWithRange` does.
    pub fn advance_group(&self, g: &mut Group, id: StreamId) {
        if id <= g.last_id {
            return;
        }
        if g.entries_read != INVALID_ENTRIES_READ && !self.range_has_tombstones(id, StreamId::MAX) {
            g.entries_read += 1;
        } else if self.entries_added != 0 {
            g.entries_read = self.estimate_distance(id);
        }
        g.last_id = id;
    }

    /// Rebuild from loaded parts (RDB).
    pub(crate) fn from_chunks(chunks: Vec<(StreamId, Chunk)>) -> Stream {
        let mut s = Stream::default();
        for (k, c) in chunks {
            s.length += u64::from(c.live);
            s.chunk_mem += c.mem();
            s.chunks.insert(k, c);
        }
        s
    }
}

/// Node count of a compressed radix tree over `keys` (sorted, distinct, equal length),
/// all sharing their first `depth` bytes.
fn rax_nodes(keys: &[[u8; 16]], depth: usize) -> u64 {
    if depth >= 16 {
        return 1; // the key's own (leaf) node
    }
    let (Some(first), Some(last)) = (keys.first(), keys.last()) else {
        return 0;
    };
    // Longest common prefix from `depth` (keys are sorted: first and last suffice).
    let mut lcp = depth;
    while lcp < 16 && first[lcp] == last[lcp] {
        lcp += 1;
    }
    if lcp > depth {
        // A compressed node holding the shared bytes, then what follows them.
        return 1 + rax_nodes(keys, lcp);
    }
    // A branching node with one child per distinct next byte.
    let mut n = 1;
    let mut i = 0;
    while i < keys.len() {
        let b = keys[i][depth];
        let mut j = i + 1;
        while j < keys.len() && keys[j][depth] == b {
            j += 1;
        }
        n += rax_nodes(&keys[i..j], depth + 1);
        i = j;
    }
    n
}

/// An iterator over a range of entries.
#[derive(Debug)]
pub struct Iter<'a> {
    chunks: IdRange<'a, Chunk>,
    rev: bool,
    start: StreamId,
    end: StreamId,
    tombstones: bool,
    master: StreamId,
    chunk: &'a Chunk,
    pos: usize,
    offs: Vec<usize>,
    ridx: usize,
    active: bool,
    done: bool,
}

impl<'a> Iterator for Iter<'a> {
    type Item = EntryRef<'a>;

    fn next(&mut self) -> Option<EntryRef<'a>> {
        while !self.done {
            if !self.active {
                let next = if self.rev {
                    self.chunks.next_back()
                } else {
                    self.chunks.next()
                };
                let Some((&master, chunk)) = next else {
                    self.done = true;
                    return None;
                };
                self.master = master;
                self.chunk = chunk;
                self.active = true;
                if self.rev {
                    chunk.offsets(master, &mut self.offs);
                    self.ridx = self.offs.len();
                } else {
                    self.pos = chunk.entries_start as usize;
                }
            }
            let chunk = self.chunk;
            if self.rev {
                if self.ridx == 0 {
                    self.active = false;
                    continue;
                }
                self.ridx -= 1;
                let h = chunk.head_at(self.master, self.offs[self.ridx]);
                if h.id <= self.end && (self.tombstones || h.flags & FLAG_DELETED == 0) {
                    if h.id < self.start {
                        self.done = true;
                        return None;
                    }
                    return Some(EntryRef {
                        id: h.id,
                        chunk,
                        head: h,
                    });
                }
            } else {
                if self.pos >= chunk.data.len() {
                    self.active = false;
                    continue;
                }
                let h = chunk.head_at(self.master, self.pos);
                self.pos = chunk.entry_end(&h);
                if h.id >= self.start && (self.tombstones || h.flags & FLAG_DELETED == 0) {
                    if h.id > self.end {
                        self.done = true;
                        return None;
                    }
                    return Some(EntryRef {
                        id: h.id,
                        chunk,
                        head: h,
                    });
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests;
