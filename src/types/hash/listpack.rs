//! The listpack encoding: a small hash packed in one byte buffer (see the parent module's docs).

use super::*;

/// The packed small encoding. See the module docs. The buffer starts with a 4-byte
/// header (little-endian entry count, top bit set for `listpackex`) once anything is
/// written, so a hash is one pointer-sized-triple (24 bytes) plus one allocation.
#[derive(Debug, Clone, Default)]
pub(super) struct Listpack {
    /// Exactly sized (like Redis's listpack): no spare capacity per small hash.
    pub(super) buf: Box<[u8]>,
}

/// Header bytes before the first entry.
pub(super) const LP_HDR: usize = 4;
/// Header bit marking entries with a TTL item (`listpackex`).
pub(super) const LP_EX_BIT: u32 = 1 << 31;

/// Where one listpack entry lies in the buffer.
#[derive(Debug, Clone, Copy)]
pub(super) struct LpPos {
    pub(super) start: usize,
    pub(super) f: usize,
    pub(super) flen: usize,
    /// Start of the value's length prefix.
    pub(super) vhdr: usize,
    pub(super) v: usize,
    pub(super) vlen: usize,
    pub(super) ttl: Option<i64>,
    pub(super) end: usize,
}

impl Listpack {
    /// Modify the buffer as a `Vec`, then store it back exactly sized.
    pub(super) fn edit<R>(&mut self, f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
        let mut v = std::mem::take(&mut self.buf).into_vec();
        let r = f(&mut v);
        self.buf = v.into_boxed_slice();
        r
    }

    #[inline]
    pub(super) fn header(&self) -> u32 {
        match self.buf.get(..LP_HDR) {
            Some(h) => u32::from_le_bytes([h[0], h[1], h[2], h[3]]),
            None => 0,
        }
    }

    #[inline]
    pub(super) fn set_header(&mut self, h: u32) {
        if self.buf.len() < LP_HDR {
            self.edit(|v| v.resize(LP_HDR, 0));
        }
        if let Some(dst) = self.buf.get_mut(..LP_HDR) {
            dst.copy_from_slice(&h.to_le_bytes());
        }
    }

    /// Number of entries.
    #[inline]
    pub(super) fn len(&self) -> usize {
        (self.header() & !LP_EX_BIT) as usize
    }

    /// Whether entries carry a TTL item (`listpackex`).
    #[inline]
    pub(super) fn ex(&self) -> bool {
        self.header() & LP_EX_BIT != 0
    }

    pub(super) fn add_len(&mut self, delta: i32) {
        let h = self.header();
        let n = ((h & !LP_EX_BIT) as i64 + delta as i64).clamp(0, (LP_EX_BIT - 1) as i64) as u32;
        self.set_header((h & LP_EX_BIT) | n);
    }

    /// The entry starting at `p`, if any.
    #[inline]
    pub(super) fn at(&self, p: usize) -> Option<LpPos> {
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
    pub(super) fn field(&self, e: &LpPos) -> &[u8] {
        self.buf.get(e.f..e.f + e.flen).unwrap_or(&[])
    }

    #[inline]
    pub(super) fn value(&self, e: &LpPos) -> &[u8] {
        self.buf.get(e.v..e.v + e.vlen).unwrap_or(&[])
    }

    pub(super) fn positions(&self) -> LpPositions<'_> {
        LpPositions {
            lp: self,
            p: LP_HDR,
        }
    }

    #[inline]
    pub(super) fn find(&self, field: &[u8]) -> Option<LpPos> {
        self.positions()
            .find(|e| e.flen == field.len() && self.field(e) == field)
    }

    pub(super) fn encode(
        out: &mut Vec<u8>,
        field: &[u8],
        value: &[u8],
        ex: bool,
        ttl: Option<i64>,
    ) {
        put_varint(out, field.len() as u64);
        out.extend_from_slice(field);
        put_varint(out, value.len() as u64);
        out.extend_from_slice(value);
        if ex {
            put_varint(out, ttl_code(ttl));
        }
    }

    /// Append an entry.
    pub(super) fn push(&mut self, field: &[u8], value: &[u8], ttl: Option<i64>) {
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
    pub(super) fn insert_sorted(&mut self, field: &[u8], value: &[u8], ttl: Option<i64>) {
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
    pub(super) fn replace_value(&mut self, e: &LpPos, value: &[u8]) {
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

    pub(super) fn remove(&mut self, e: &LpPos) {
        self.edit(|v| {
            v.drain(e.start..e.end);
        });
        self.add_len(-1);
    }

    /// Take entry `e` out, returning its field and value.
    pub(super) fn take(&mut self, e: &LpPos) -> (Vec<u8>, Vec<u8>) {
        let f = self.field(e).to_vec();
        let v = self.value(e).to_vec();
        self.remove(e);
        (f, v)
    }

    /// Become listpackex: every entry gains a "no TTL" item.
    pub(super) fn make_ex(&mut self) {
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

pub(super) struct LpPositions<'a> {
    pub(super) lp: &'a Listpack,
    pub(super) p: usize,
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
