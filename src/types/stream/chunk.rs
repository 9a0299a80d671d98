//! Entries packed into chunks (the counterpart of Redis's listpack nodes), element encoding
//! and Redis's listpack sizes.

use super::*;

// ---------------------------------------------------------------------------------------
// Element encoding and Redis listpack sizes
// ---------------------------------------------------------------------------------------

#[inline]
pub(super) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[inline]
pub(super) fn get_varint(b: &[u8], pos: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0u32;
    while let Some(&x) = b.get(*pos) {
        *pos += 1;
        if shift < 64 {
            v |= u64::from(x & 0x7f) << shift;
        }
        if x & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    v
}

#[inline]
pub(super) fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

#[inline]
pub(super) fn unzigzag(u: u64) -> i64 {
    ((u >> 1) as i64) ^ -((u & 1) as i64)
}

/// Append one element (see the module docs).
#[inline]
pub(super) fn put_elem(out: &mut Vec<u8>, s: &[u8]) {
    if let Some(v) = parse_i64(s) {
        let z = zigzag(v);
        if z < (1 << 63) {
            put_varint(out, (z << 1) | 1);
            return;
        }
    }
    put_varint(out, (s.len() as u64) << 1);
    out.extend_from_slice(s);
}

/// Read one element at `*pos`.
#[inline]
pub(super) fn get_elem<'a>(b: &'a [u8], pos: &mut usize) -> Elem<'a> {
    let h = get_varint(b, pos);
    if h & 1 == 1 {
        Elem::Int(unzigzag(h >> 1))
    } else {
        let len = usize::try_from(h >> 1).unwrap_or(usize::MAX);
        let start = (*pos).min(b.len());
        let end = start.saturating_add(len).min(b.len());
        *pos = end;
        Elem::Str(&b[start..end])
    }
}

/// Skip one element at `*pos`.
#[inline]
pub(super) fn skip_elem(b: &[u8], pos: &mut usize) {
    let h = get_varint(b, pos);
    if h & 1 == 0 {
        let len = usize::try_from(h >> 1).unwrap_or(usize::MAX);
        *pos = pos.saturating_add(len).min(b.len());
    }
}

/// A field or value read from a stream: bytes, or an integer stored compactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Elem<'a> {
    /// Bytes.
    Str(&'a [u8]),
    /// A canonical decimal integer.
    Int(i64),
}

impl Elem<'_> {
    /// The bytes of the element.
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            Elem::Str(s) => s.to_vec(),
            Elem::Int(v) => {
                let mut buf = [0u8; 20];
                crate::persist::rdb::fmt_i64(*v, &mut buf).to_vec()
            }
        }
    }

    /// Whether the element's bytes equal `b`.
    pub fn eq_bytes(&self, b: &[u8]) -> bool {
        match self {
            Elem::Str(s) => *s == b,
            Elem::Int(v) => parse_i64(b) == Some(*v),
        }
    }
}

/// Bytes of a listpack integer element (encoding + back-length).
pub(super) fn lp_int_size(v: i64) -> usize {
    let enc = if (0..=127).contains(&v) {
        1
    } else if (-4096..=4095).contains(&v) {
        2
    } else if (-32768..=32767).contains(&v) {
        3
    } else if (-8_388_608..=8_388_607).contains(&v) {
        4
    } else if (i64::from(i32::MIN)..=i64::from(i32::MAX)).contains(&v) {
        5
    } else {
        9
    };
    enc + 1
}

/// Bytes of the back-length of a listpack element of `l` bytes.
pub(super) fn lp_backlen(l: usize) -> usize {
    if l <= 127 {
        1
    } else if l < 16383 {
        2
    } else if l < 2_097_151 {
        3
    } else if l < 268_435_455 {
        4
    } else {
        5
    }
}

/// Bytes of a listpack element holding `s` (`lpAppend`: integers when canonical).
pub(super) fn lp_str_size(s: &[u8]) -> usize {
    if let Some(v) = parse_i64(s) {
        return lp_int_size(v);
    }
    let n = s.len();
    let enc = if n < 64 {
        1 + n
    } else if n < 4096 {
        2 + n
    } else {
        5 + n
    };
    enc + lp_backlen(enc)
}

/// Listpack header (6) and terminator (1).
pub(super) const LP_FIXED: usize = 7;

// ---------------------------------------------------------------------------------------
// Chunks
// ---------------------------------------------------------------------------------------

/// Entries sharing one master id (a Redis listpack node).
#[derive(Debug, Clone, Default)]
pub struct Chunk {
    /// Live entries.
    pub(super) live: u32,
    /// Tombstones.
    pub(super) deleted: u32,
    /// Number of master fields.
    pub(super) nmaster: u32,
    /// Where the entries start in `data`.
    pub(super) entries_start: u32,
    /// Size of the equivalent Redis listpack, without the live/deleted counters.
    pub(super) lp_body: u64,
    /// Master fields, then entries.
    pub(super) data: Vec<u8>,
}

/// The decoded header of one entry.
#[derive(Debug, Clone, Copy)]
pub(super) struct EntryHead {
    pub(super) flags: u8,
    pub(super) id: StreamId,
    /// Offset of the first field (or value, for SAMEFIELDS).
    pub(super) body: usize,
    pub(super) nfields: usize,
}

impl Chunk {
    /// Size of the equivalent Redis listpack.
    pub fn lp_bytes(&self) -> u64 {
        self.lp_body
            + lp_int_size(i64::from(self.live)) as u64
            + lp_int_size(i64::from(self.deleted)) as u64
    }

    /// Live entries.
    pub fn live(&self) -> u32 {
        self.live
    }

    /// Tombstones.
    pub fn deleted(&self) -> u32 {
        self.deleted
    }

    /// The master field names.
    pub fn master_fields(&self) -> impl Iterator<Item = Elem<'_>> {
        let mut pos = 0;
        let data = &self.data;
        (0..self.nmaster).map(move |_| get_elem(data, &mut pos))
    }

    pub(super) fn head_at(&self, master: StreamId, pos: usize) -> EntryHead {
        let d = &self.data;
        let mut p = pos;
        let flags = d.get(p).copied().unwrap_or(0);
        p += 1;
        let ms = master.ms.wrapping_add(get_varint(d, &mut p));
        let seq = master
            .seq
            .wrapping_add(unzigzag(get_varint(d, &mut p)) as u64);
        let nfields = if flags & FLAG_SAMEFIELDS != 0 {
            self.nmaster as usize
        } else {
            usize::try_from(get_varint(d, &mut p)).unwrap_or(0)
        };
        EntryHead {
            flags,
            id: StreamId::new(ms, seq),
            body: p,
            nfields,
        }
    }

    /// The offset just after the entry with header `h`.
    pub(super) fn entry_end(&self, h: &EntryHead) -> usize {
        let n = if h.flags & FLAG_SAMEFIELDS != 0 {
            h.nfields
        } else {
            h.nfields.saturating_mul(2)
        };
        let mut p = h.body;
        for _ in 0..n {
            if p >= self.data.len() {
                break;
            }
            skip_elem(&self.data, &mut p);
        }
        p
    }

    /// Offsets of every entry (tombstones included), in order.
    pub(super) fn offsets(&self, master: StreamId, out: &mut Vec<usize>) {
        out.clear();
        let mut p = self.entries_start as usize;
        while p < self.data.len() {
            out.push(p);
            let h = self.head_at(master, p);
            p = self.entry_end(&h);
        }
    }

    /// The id of the last entry, tombstones included (`lpGetEdgeStreamID`).
    pub(super) fn last_id(&self, master: StreamId) -> Option<StreamId> {
        let mut p = self.entries_start as usize;
        let mut last = None;
        while p < self.data.len() {
            let h = self.head_at(master, p);
            last = Some(h.id);
            p = self.entry_end(&h);
        }
        last
    }

    /// Approximate heap bytes.
    pub(super) fn mem(&self) -> usize {
        self.data.capacity() + std::mem::size_of::<Chunk>() + 16 + 16
    }
}

/// One entry, borrowed from its chunk.
#[derive(Debug, Clone, Copy)]
pub struct EntryRef<'a> {
    /// Its id.
    pub id: StreamId,
    pub(super) chunk: &'a Chunk,
    pub(super) head: EntryHead,
}

impl<'a> EntryRef<'a> {
    /// Number of field/value pairs.
    pub fn len(&self) -> usize {
        self.head.nfields
    }

    /// Whether it has no fields (never, for entries added by XADD).
    pub fn is_empty(&self) -> bool {
        self.head.nfields == 0
    }

    /// Whether it is a tombstone.
    pub fn is_deleted(&self) -> bool {
        self.head.flags & FLAG_DELETED != 0
    }

    /// The field/value pairs in order.
    pub fn fields(&self) -> Fields<'a> {
        Fields {
            data: &self.chunk.data,
            same: self.head.flags & FLAG_SAMEFIELDS != 0,
            master_pos: 0,
            pos: self.head.body,
            left: self.head.nfields,
        }
    }
}

/// The field/value pairs of an entry.
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    pub(super) data: &'a [u8],
    pub(super) same: bool,
    pub(super) master_pos: usize,
    pub(super) pos: usize,
    pub(super) left: usize,
}

impl<'a> Iterator for Fields<'a> {
    type Item = (Elem<'a>, Elem<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let f = if self.same {
            get_elem(self.data, &mut self.master_pos)
        } else {
            get_elem(self.data, &mut self.pos)
        };
        let v = get_elem(self.data, &mut self.pos);
        Some((f, v))
    }
}
