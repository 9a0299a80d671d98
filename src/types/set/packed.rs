//! The listpack encoding of sets: members back to back in one buffer.

/// Members back to back, each a LEB128 length then the bytes, in insertion order.
#[derive(Debug, Clone, Default)]
pub(super) struct Packed {
    pub(super) buf: Vec<u8>,
    pub(super) len: usize,
}

pub(super) fn put_varint(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Decode the entry starting at `pos`: (member start, member end).
#[inline]
pub(super) fn entry_at(buf: &[u8], pos: usize) -> Option<(usize, usize)> {
    let mut n: usize = 0;
    let mut shift = 0u32;
    let mut p = pos;
    loop {
        let b = *buf.get(p)?;
        p += 1;
        n |= ((b & 0x7f) as usize).checked_shl(shift)?;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    let end = p.checked_add(n)?;
    (end <= buf.len()).then_some((p, end))
}

/// Iterator over a packed buffer's members.
#[derive(Debug, Clone)]
pub(super) struct PackedIter<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for PackedIter<'a> {
    type Item = &'a [u8];
    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        let (s, e) = entry_at(self.buf, self.pos)?;
        self.pos = e;
        self.buf.get(s..e)
    }
}

impl Packed {
    pub(super) fn iter(&self) -> PackedIter<'_> {
        PackedIter {
            buf: &self.buf,
            pos: 0,
        }
    }

    /// The byte range (entry header included) of `m`, if present.
    pub(super) fn find(&self, m: &[u8]) -> Option<(usize, usize)> {
        let mut pos = 0;
        while let Some((s, e)) = entry_at(&self.buf, pos) {
            if e - s == m.len() && self.buf.get(s..e) == Some(m) {
                return Some((pos, e));
            }
            pos = e;
        }
        None
    }

    pub(super) fn push(&mut self, m: &[u8]) {
        put_varint(&mut self.buf, m.len());
        self.buf.extend_from_slice(m);
        self.len += 1;
    }

    pub(super) fn remove_range(&mut self, (s, e): (usize, usize)) {
        self.buf.drain(s..e);
        self.len -= 1;
    }

    /// Start offsets of every entry plus the end of the buffer (for index access).
    pub(super) fn offsets(&self) -> Vec<usize> {
        let mut v = Vec::with_capacity(self.len + 1);
        let mut pos = 0;
        while let Some((_, e)) = entry_at(&self.buf, pos) {
            v.push(pos);
            pos = e;
        }
        v.push(pos);
        v
    }
}
