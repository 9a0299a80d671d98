//! Strings, with Redis's three encodings.
//!
//! * `int` — the value is the decimal form of an `i64` (at most 20 chars, no leading
//!   zeros or `+`, as Redis's `string2ll` accepts); stored as the number.
//! * `embstr` — up to 44 bytes, created whole (SET, INCRBYFLOAT, ...).
//! * `raw` — longer strings, and any string modified in place (APPEND, SETRANGE).
//!   Created whole, a `raw` string is one exact allocation ([`StrValue::RawExact`], a
//!   boxed slice: no spare bytes, no separate header). Modified in place, it becomes a
//!   growable buffer ([`StrValue::Raw`], a boxed `Vec` with spare capacity, as Redis's
//!   `sdsMakeRoomFor` keeps) so that repeated APPENDs stay amortized O(1).

/// Strings longer than this are `raw` (Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT).
pub const EMBSTR_LIMIT: usize = 44;
/// Maximum string length (`proto-max-bulk-len` default, 512 MB).
pub const MAX_STRING: usize = 512 * 1024 * 1024;

/// A string value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StrValue {
    /// `int` encoding.
    Int(i64),
    /// `embstr` encoding (short ones stored inline).
    Emb(super::SmallBytes),
    /// `raw` encoding, growable (modified in place; boxed so that the enum stays 24 bytes).
    Raw(Box<Vec<u8>>),
    /// `raw` encoding, created whole: exactly the bytes, one allocation.
    RawExact(Box<[u8]>),
}

// A string value stays inline in the keyspace entry's 24-byte `Value`.
const _: () = assert!(std::mem::size_of::<StrValue>() == 24);
const _: () = assert!(std::mem::size_of::<super::Value>() == 24);

impl Default for StrValue {
    fn default() -> Self {
        StrValue::Emb(super::SmallBytes::default())
    }
}

/// Parse bytes as Redis's `string2ll` does: optional `-`, no leading zeros (except "0"),
/// no `+`, no spaces, fits in i64, at most 20 chars.
pub fn parse_i64(b: &[u8]) -> Option<i64> {
    if b.is_empty() || b.len() > 20 {
        return None;
    }
    if b.len() == 1 && b[0] == b'0' {
        return Some(0);
    }
    let (neg, d) = if b[0] == b'-' {
        (true, &b[1..])
    } else {
        (false, b)
    };
    if d.is_empty() || d[0] == b'0' {
        return None;
    }
    let mut v: u64 = 0;
    for &c in d {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    if neg {
        if v > i64::MAX as u64 + 1 {
            None
        } else {
            Some((v as i64).wrapping_neg())
        }
    } else if v > i64::MAX as u64 {
        None
    } else {
        Some(v as i64)
    }
}

/// The decimal bytes of an integer.
pub fn i64_bytes(v: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(20);
    crate::resp::encode::push_int(&mut out, v);
    out
}

impl StrValue {
    /// Encode bytes as Redis's `tryObjectEncoding` would for a new value.
    pub fn from_bytes(b: &[u8]) -> StrValue {
        if b.len() <= 20 {
            if let Some(i) = parse_i64(b) {
                return StrValue::Int(i);
            }
        }
        if b.len() <= EMBSTR_LIMIT {
            StrValue::Emb(b.into())
        } else {
            StrValue::RawExact(b.into())
        }
    }

    /// A fresh string created whole (not integer-encoded), e.g. INCRBYFLOAT's result.
    pub fn from_created(b: Vec<u8>) -> StrValue {
        if b.len() <= EMBSTR_LIMIT {
            StrValue::Emb(b.into())
        } else {
            StrValue::RawExact(b.into_boxed_slice())
        }
    }

    /// The encoding name for OBJECT ENCODING.
    pub fn encoding(&self) -> &'static str {
        match self {
            StrValue::Int(_) => "int",
            StrValue::Emb(_) => "embstr",
            StrValue::Raw(_) | StrValue::RawExact(_) => "raw",
        }
    }

    /// The bytes (allocates only for ints).
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            StrValue::Int(i) => i64_bytes(*i),
            StrValue::Emb(b) => b.to_vec(),
            StrValue::Raw(b) => b.to_vec(),
            StrValue::RawExact(b) => b.to_vec(),
        }
    }

    /// Call `f` with the bytes without allocating for non-ints.
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            StrValue::Int(i) => {
                let mut buf = Vec::with_capacity(20);
                crate::resp::encode::push_int(&mut buf, *i);
                f(&buf)
            }
            StrValue::Emb(b) => f(b),
            StrValue::Raw(b) => f(b),
            StrValue::RawExact(b) => f(b),
        }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        match self {
            StrValue::Int(i) => {
                let mut n = if *i < 0 { 2 } else { 1 };
                let mut v = i.unsigned_abs();
                while v >= 10 {
                    v /= 10;
                    n += 1;
                }
                n
            }
            StrValue::Emb(b) => b.len(),
            StrValue::Raw(b) => b.len(),
            StrValue::RawExact(b) => b.len(),
        }
    }

    /// Whether the string is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value as an integer, if it parses as one (for INCR and friends).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            StrValue::Int(i) => Some(*i),
            StrValue::Emb(b) => parse_i64(b),
            StrValue::Raw(b) => parse_i64(b),
            StrValue::RawExact(b) => parse_i64(b),
        }
    }

    /// Turn into a growable `raw` string for in-place modification (APPEND, SETRANGE).
    /// An exact `raw` string keeps its allocation (no copy); the next growth reserves
    /// spare capacity as `Vec` does.
    pub fn make_raw(&mut self) -> &mut Vec<u8> {
        match std::mem::take(self) {
            StrValue::RawExact(b) => *self = StrValue::Raw(Box::new(b.into_vec())),
            StrValue::Raw(v) => *self = StrValue::Raw(v),
            other => *self = StrValue::Raw(Box::new(other.to_vec())),
        }
        match self {
            StrValue::Raw(v) => v,
            // Just converted above.
            _ => unreachable!("converted to raw above"),
        }
    }

    /// Approximate memory use in bytes, Redis-style (object header + allocation).
    pub fn mem_usage(&self) -> usize {
        match self {
            StrValue::Int(_) => 16,
            StrValue::Emb(b) => 16 + b.heap_size(),
            StrValue::Raw(v) => 16 + 24 + v.capacity(),
            StrValue::RawExact(b) => 16 + b.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_encoding_rules_match_string2ll() {
        assert_eq!(parse_i64(b"123"), Some(123));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        assert_eq!(parse_i64(b"0123"), None);
        assert_eq!(parse_i64(b"+1"), None);
        assert_eq!(parse_i64(b" 1"), None);
        assert_eq!(parse_i64(b"-0"), None);
        assert_eq!(parse_i64(b""), None);
        assert_eq!(StrValue::from_bytes(b"12").encoding(), "int");
        assert_eq!(StrValue::from_bytes(b"hello").encoding(), "embstr");
        assert_eq!(StrValue::from_bytes(&[b'x'; 45]).encoding(), "raw");
        assert_eq!(StrValue::Int(-120).len(), 4);
    }

    #[test]
    fn long_strings_are_one_exact_allocation_until_modified() {
        let mut s = StrValue::from_bytes(&[b'x'; 100]);
        assert!(matches!(s, StrValue::RawExact(_)));
        assert_eq!(s.encoding(), "raw");
        assert_eq!(s.mem_usage(), 16 + 100);
        let ptr = s.with_bytes(|b| b.as_ptr());
        // Becoming growable keeps the bytes where they are.
        assert_eq!(s.make_raw().as_ptr(), ptr);
        assert_eq!(s.len(), 100);
        // Repeated appends reallocate O(log n) times, not once per append.
        let mut reallocs = 0;
        let mut cap = s.make_raw().capacity();
        for _ in 0..10_000 {
            let v = s.make_raw();
            v.extend_from_slice(b"abc");
            if v.capacity() != cap {
                reallocs += 1;
                cap = v.capacity();
            }
        }
        assert_eq!(s.len(), 100 + 30_000);
        assert!(reallocs <= 16, "{reallocs} reallocations");
        assert_eq!(s.mem_usage(), 16 + 24 + cap);
        assert_eq!(
            StrValue::from_created(vec![b'y'; 45]),
            StrValue::from_bytes(&[b'y'; 45])
        );
    }
}
