//! [`SmallBytes`]: an immutable byte string stored inline when short.
//!
//! Keys and `embstr` values are mostly short (`user:1042`, `42`, `session:ab12…`). A
//! `Box<[u8]>` costs a 16-byte pointer plus a heap allocation (a 32-byte chunk even for
//! one byte); `SmallBytes` is 24 bytes and keeps up to [`INLINE_CAP`] bytes inside
//! itself, falling back to a boxed slice for longer strings. That saves one allocation
//! per key and per short value.

use std::fmt;
use std::ops::Deref;

/// Bytes kept inline.
pub const INLINE_CAP: usize = 22;

/// An immutable byte string, inline when at most [`INLINE_CAP`] bytes.
#[derive(Clone)]
pub enum SmallBytes {
    /// Short: `len` bytes of `buf`.
    Inline {
        /// Used length.
        len: u8,
        /// Storage.
        buf: [u8; INLINE_CAP],
    },
    /// Long.
    Heap(Box<[u8]>),
}

impl SmallBytes {
    /// Copy `b`.
    pub fn new(b: &[u8]) -> SmallBytes {
        if b.len() <= INLINE_CAP {
            let mut buf = [0u8; INLINE_CAP];
            buf[..b.len()].copy_from_slice(b);
            SmallBytes::Inline {
                len: b.len() as u8,
                buf,
            }
        } else {
            SmallBytes::Heap(b.into())
        }
    }

    /// The bytes.
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        match self {
            SmallBytes::Inline { len, buf } => &buf[..*len as usize],
            SmallBytes::Heap(b) => b,
        }
    }

    /// Heap bytes used beyond the struct itself.
    pub fn heap_size(&self) -> usize {
        match self {
            SmallBytes::Inline { .. } => 0,
            SmallBytes::Heap(b) => b.len(),
        }
    }

    /// As a boxed slice.
    pub fn to_boxed(&self) -> Box<[u8]> {
        self.as_slice().into()
    }
}

// Equality, order and hashing are those of the byte slice, so that `Borrow<[u8]>` is
// sound for hash maps and sets keyed by `SmallBytes`.
impl PartialEq for SmallBytes {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for SmallBytes {}

impl PartialOrd for SmallBytes {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SmallBytes {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_slice().cmp(other.as_slice())
    }
}

impl std::hash::Hash for SmallBytes {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl Default for SmallBytes {
    fn default() -> Self {
        SmallBytes::Inline {
            len: 0,
            buf: [0; INLINE_CAP],
        }
    }
}

impl Deref for SmallBytes {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl AsRef<[u8]> for SmallBytes {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl std::borrow::Borrow<[u8]> for SmallBytes {
    fn borrow(&self) -> &[u8] {
        self.as_slice()
    }
}

impl fmt::Debug for SmallBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_slice()))
    }
}

impl From<&[u8]> for SmallBytes {
    fn from(b: &[u8]) -> Self {
        SmallBytes::new(b)
    }
}

impl From<Box<[u8]>> for SmallBytes {
    fn from(b: Box<[u8]>) -> Self {
        if b.len() <= INLINE_CAP {
            SmallBytes::new(&b)
        } else {
            SmallBytes::Heap(b)
        }
    }
}

impl From<Vec<u8>> for SmallBytes {
    fn from(v: Vec<u8>) -> Self {
        if v.len() <= INLINE_CAP {
            SmallBytes::new(&v)
        } else {
            SmallBytes::Heap(v.into_boxed_slice())
        }
    }
}

impl PartialEq<[u8]> for SmallBytes {
    fn eq(&self, other: &[u8]) -> bool {
        self.as_slice() == other
    }
}

impl PartialEq<&[u8]> for SmallBytes {
    fn eq(&self, other: &&[u8]) -> bool {
        self.as_slice() == *other
    }
}

impl PartialEq<Box<[u8]>> for SmallBytes {
    fn eq(&self, other: &Box<[u8]>) -> bool {
        self.as_slice() == &**other
    }
}

impl PartialEq<Vec<u8>> for SmallBytes {
    fn eq(&self, other: &Vec<u8>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_heap_round_trip() {
        assert_eq!(std::mem::size_of::<SmallBytes>(), 24);
        for n in [0usize, 1, 21, 22, 23, 100] {
            let v: Vec<u8> = (0..n as u8).collect();
            let s = SmallBytes::new(&v);
            assert_eq!(&*s, &v[..]);
            assert_eq!(matches!(s, SmallBytes::Inline { .. }), n <= INLINE_CAP);
            assert_eq!(SmallBytes::from(v.clone()), s);
        }
    }
}
