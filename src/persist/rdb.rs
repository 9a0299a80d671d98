//! The RDB format's building blocks: opcodes, type bytes, lengths, strings (integer and
//! LZF encodings), doubles and times — the writer and the reader. Whole files are put
//! together in `snapshot.rs`, values in `value.rs`; `docs/FORMATS.md` describes the
//! layout byte by byte.

use super::lzf;

/// The RDB version we write (Redis 7.0's; 7.0 refuses anything newer).
pub const RDB_VERSION: u16 = 10;
/// The newest RDB version we read (Redis 7.4 writes 12).
pub const RDB_VERSION_MAX: u16 = 12;

/// Value type bytes.
pub mod ty {
    pub const STRING: u8 = 0;
    pub const LIST: u8 = 1;
    pub const SET: u8 = 2;
    pub const ZSET: u8 = 3;
    pub const HASH: u8 = 4;
    pub const ZSET_2: u8 = 5;
    pub const MODULE_PRE_GA: u8 = 6;
    pub const MODULE_2: u8 = 7;
    pub const HASH_ZIPMAP: u8 = 9;
    pub const LIST_ZIPLIST: u8 = 10;
    pub const SET_INTSET: u8 = 11;
    pub const ZSET_ZIPLIST: u8 = 12;
    pub const HASH_ZIPLIST: u8 = 13;
    pub const LIST_QUICKLIST: u8 = 14;
    pub const STREAM_LISTPACKS: u8 = 15;
    pub const HASH_LISTPACK: u8 = 16;
    pub const ZSET_LISTPACK: u8 = 17;
    pub const LIST_QUICKLIST_2: u8 = 18;
    pub const STREAM_LISTPACKS_2: u8 = 19;
    pub const SET_LISTPACK: u8 = 20;
    pub const STREAM_LISTPACKS_3: u8 = 21;
    pub const HASH_METADATA_PRE_GA: u8 = 22;
    pub const HASH_LISTPACK_EX_PRE_GA: u8 = 23;
    pub const HASH_METADATA: u8 = 24;
    pub const HASH_LISTPACK_EX: u8 = 25;
}

/// Opcodes that are not value types.
pub mod op {
    pub const SLOT_INFO: u8 = 244;
    pub const FUNCTION2: u8 = 245;
    pub const FUNCTION_PRE_GA: u8 = 246;
    pub const MODULE_AUX: u8 = 247;
    pub const IDLE: u8 = 248;
    pub const FREQ: u8 = 249;
    pub const AUX: u8 = 250;
    pub const RESIZEDB: u8 = 251;
    pub const EXPIRETIME_MS: u8 = 252;
    pub const EXPIRETIME: u8 = 253;
    pub const SELECTDB: u8 = 254;
    pub const EOF: u8 = 255;
}

/// Quicklist node containers (RDB_TYPE_LIST_QUICKLIST_2).
pub const QUICKLIST_NODE_PLAIN: u64 = 1;
/// A listpack node.
pub const QUICKLIST_NODE_PACKED: u64 = 2;

const ENC_INT8: u8 = 0;
const ENC_INT16: u8 = 1;
const ENC_INT32: u8 = 2;
const ENC_LZF: u8 = 3;

/// Why an RDB stream could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RdbError(pub String);

impl std::fmt::Display for RdbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RdbError {}

/// Shorthand for an error result.
pub fn err<T>(msg: impl Into<String>) -> Result<T, RdbError> {
    Err(RdbError(msg.into()))
}

// ---------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------

/// Options that change the bytes written.
#[derive(Debug, Clone, Copy)]
pub struct WriteOpts {
    /// `rdbcompression`: LZF-compress strings longer than 20 bytes when it saves space.
    pub compress: bool,
}

impl Default for WriteOpts {
    fn default() -> Self {
        WriteOpts { compress: true }
    }
}

/// Append a length (`rdbSaveLen`).
pub fn write_len(out: &mut Vec<u8>, len: u64) {
    if len < 1 << 6 {
        out.push(len as u8);
    } else if len < 1 << 14 {
        out.push(((len >> 8) as u8) | 0x40);
        out.push(len as u8);
    } else if len <= u32::MAX as u64 {
        out.push(0x80);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&len.to_be_bytes());
    }
}

/// The integer encoding of `v`, if it fits in 32 bits (`rdbEncodeInteger`).
fn encode_int(v: i64, out: &mut Vec<u8>) -> bool {
    if (-(1 << 7)..1 << 7).contains(&v) {
        out.push(0xC0 | ENC_INT8);
        out.push(v as i8 as u8);
    } else if (-(1 << 15)..1 << 15).contains(&v) {
        out.push(0xC0 | ENC_INT16);
        out.extend_from_slice(&(v as i16).to_le_bytes());
    } else if (-(1i64 << 31)..1i64 << 31).contains(&v) {
        out.push(0xC0 | ENC_INT32);
        out.extend_from_slice(&(v as i32).to_le_bytes());
    } else {
        return false;
    }
    true
}

/// `string2ll` followed by the round-trip check of `rdbTryIntegerEncoding`: the bytes
/// are exactly the canonical decimal form of an i64.
pub fn canonical_int(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    let v = crate::types::string::parse_i64(s)?;
    let mut buf = [0u8; 20];
    (fmt_i64(v, &mut buf) == s).then_some(v)
}

/// Format `v` in decimal into `buf` (no allocation).
pub fn fmt_i64(v: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut n = v.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    &buf[i..]
}

/// Append a string (`rdbSaveRawString`): integer encoding when the bytes are a small
/// canonical integer, LZF when enabled and it saves at least 4 bytes, else verbatim.
pub fn write_string(out: &mut Vec<u8>, s: &[u8], opts: WriteOpts) {
    if s.len() <= 11 {
        if let Some(v) = canonical_int(s) {
            if encode_int(v, out) {
                return;
            }
        }
    }
    if opts.compress && s.len() > 20 {
        if let Some(c) = lzf::compress(s, s.len() - 4) {
            out.push(0xC0 | ENC_LZF);
            write_len(out, c.len() as u64);
            write_len(out, s.len() as u64);
            out.extend_from_slice(&c);
            return;
        }
    }
    write_len(out, s.len() as u64);
    out.extend_from_slice(s);
}

/// Append an integer value as a string object (`rdbSaveLongLongAsStringObject`).
pub fn write_int_string(out: &mut Vec<u8>, v: i64) {
    if !encode_int(v, out) {
        let s = v.to_string();
        write_len(out, s.len() as u64);
        out.extend_from_slice(s.as_bytes());
    }
}

/// Append a binary double (ZSET_2 scores).
pub fn write_binary_double(out: &mut Vec<u8>, v: f64) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Append an expiry in ms.
pub fn write_ms(out: &mut Vec<u8>, ms: i64) {
    out.extend_from_slice(&ms.to_le_bytes());
}

/// Append an AUX field with a string value.
pub fn write_aux(out: &mut Vec<u8>, key: &str, value: &[u8], opts: WriteOpts) {
    out.push(op::AUX);
    write_string(out, key.as_bytes(), opts);
    write_string(out, value, opts);
}

// ---------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------

/// A cursor over an in-memory RDB stream. Every read is bounds-checked; a length is
/// never trusted for an allocation before the bytes it promises are present.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

/// A length or a special string encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Len {
    /// A plain length.
    Len(u64),
    /// An encoded string follows (INT8/16/32, LZF).
    Enc(u8),
}

impl<'a> Reader<'a> {
    /// A reader at the start of `buf`.
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, pos: 0 }
    }

    /// Bytes consumed.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Bytes left.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// The whole underlying buffer.
    pub fn buf(&self) -> &'a [u8] {
        self.buf
    }

    /// Take `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], RdbError> {
        if n > self.remaining() {
            return err("Unexpected EOF reading RDB file");
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// One byte.
    pub fn u8(&mut self) -> Result<u8, RdbError> {
        Ok(self.take(1)?[0])
    }

    /// A little-endian u32 (e.g. EXPIRETIME seconds).
    pub fn u32_le(&mut self) -> Result<u32, RdbError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A little-endian i64 (EXPIRETIME_MS).
    pub fn i64_le(&mut self) -> Result<i64, RdbError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(i64::from_le_bytes(a))
    }

    /// A length or a string-encoding marker (`rdbLoadLenByRef`).
    pub fn len_or_enc(&mut self) -> Result<Len, RdbError> {
        let b = self.u8()?;
        match b >> 6 {
            0 => Ok(Len::Len((b & 0x3f) as u64)),
            1 => {
                let b2 = self.u8()?;
                Ok(Len::Len((((b & 0x3f) as u64) << 8) | b2 as u64))
            }
            2 => match b {
                0x80 => {
                    let x = self.take(4)?;
                    Ok(Len::Len(u32::from_be_bytes([x[0], x[1], x[2], x[3]]) as u64))
                }
                0x81 => {
                    let x = self.take(8)?;
                    let mut a = [0u8; 8];
                    a.copy_from_slice(x);
                    Ok(Len::Len(u64::from_be_bytes(a)))
                }
                _ => err(format!("Unknown length encoding {b} in rdbLoadLen()")),
            },
            _ => Ok(Len::Enc(b & 0x3f)),
        }
    }

    /// A plain length.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&mut self) -> Result<u64, RdbError> {
        match self.len_or_enc()? {
            Len::Len(n) => Ok(n),
            Len::Enc(_) => err("Unexpected string encoding where a length was expected"),
        }
    }

    /// A length used as a count of following items: at most `remaining / min_item_bytes`
    /// (each item takes at least that many bytes), so it can size an allocation.
    pub fn count(&mut self, min_item_bytes: usize) -> Result<usize, RdbError> {
        let n = self.len()?;
        let limit = (self.remaining() / min_item_bytes.max(1)) as u64;
        if n > limit {
            return err(format!("Collection length {n} exceeds the remaining data"));
        }
        Ok(n as usize)
    }

    /// A string, decoded (`rdbGenericLoadStringObject`): integers come back as their
    /// decimal text.
    pub fn string(&mut self) -> Result<Vec<u8>, RdbError> {
        match self.string_or_int()? {
            Str::Bytes(b) => Ok(b),
            Str::Int(v) => Ok(v.to_string().into_bytes()),
        }
    }

    /// A string, keeping integer encodings as integers.
    pub fn string_or_int(&mut self) -> Result<Str, RdbError> {
        match self.len_or_enc()? {
            Len::Len(n) => {
                let n = usize::try_from(n).map_err(|_| RdbError("String too long".into()))?;
                Ok(Str::Bytes(self.take(n)?.to_vec()))
            }
            Len::Enc(ENC_INT8) => Ok(Str::Int(self.u8()? as i8 as i64)),
            Len::Enc(ENC_INT16) => {
                let b = self.take(2)?;
                Ok(Str::Int(i16::from_le_bytes([b[0], b[1]]) as i64))
            }
            Len::Enc(ENC_INT32) => {
                let b = self.take(4)?;
                Ok(Str::Int(i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as i64))
            }
            Len::Enc(ENC_LZF) => {
                let clen = self.len()?;
                let len = self.len()?;
                let clen =
                    usize::try_from(clen).map_err(|_| RdbError("LZF length too long".into()))?;
                let data = self.take(clen)?;
                // LZF expands at most ~ 264/3 times per 3 input bytes; refuse absurd claims
                // before allocating.
                if len > (clen as u64).saturating_mul(100).saturating_add(64) {
                    return err("Invalid LZF compressed string");
                }
                let out = lzf::decompress(data, len as usize)
                    .ok_or_else(|| RdbError("Invalid LZF compressed string".into()))?;
                Ok(Str::Bytes(out))
            }
            Len::Enc(e) => err(format!("Unknown RDB string encoding type {e}")),
        }
    }

    /// A string-encoded double (ZSET type 3): a length byte, then text; 253 = NaN,
    /// 254 = +inf, 255 = -inf.
    pub fn string_double(&mut self) -> Result<f64, RdbError> {
        let n = self.u8()?;
        match n {
            253 => Ok(f64::NAN),
            254 => Ok(f64::INFINITY),
            255 => Ok(f64::NEG_INFINITY),
            _ => {
                let b = self.take(n as usize)?;
                std::str::from_utf8(b)
                    .ok()
                    .and_then(|s| crate::float_parse::parse_f64(s.trim()))
                    .ok_or_else(|| RdbError("Invalid double value".into()))
            }
        }
    }

    /// A binary double (ZSET_2).
    pub fn binary_double(&mut self) -> Result<f64, RdbError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(f64::from_le_bytes(a))
    }
}

/// A decoded string: bytes or an integer encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Str {
    /// Bytes.
    Bytes(Vec<u8>),
    /// An integer-encoded string.
    Int(i64),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_roundtrip() {
        for n in [
            0u64,
            1,
            63,
            64,
            16383,
            16384,
            u32::MAX as u64,
            u32::MAX as u64 + 1,
            u64::MAX,
        ] {
            let mut out = Vec::new();
            write_len(&mut out, n);
            let mut r = Reader::new(&out);
            assert_eq!(r.len().expect("len"), n);
            assert_eq!(r.remaining(), 0);
        }
    }

    #[test]
    fn strings_use_redis_encodings() {
        let o = WriteOpts::default();
        let mut out = Vec::new();
        write_string(&mut out, b"12", o);
        assert_eq!(out, [0xC0, 12]);
        out.clear();
        write_string(&mut out, b"-300", o);
        assert_eq!(out, [0xC1, 0xd4, 0xfe]);
        out.clear();
        write_string(&mut out, b"100000", o);
        assert_eq!(out, [0xC2, 0xa0, 0x86, 0x01, 0x00]);
        out.clear();
        // Not canonical: stays a string.
        write_string(&mut out, b"012", o);
        assert_eq!(out, [3, b'0', b'1', b'2']);
        out.clear();
        // Too large for 32 bits: a string.
        write_string(&mut out, b"12345678901", o);
        assert_eq!(out[0], 11);
        out.clear();
        let long = vec![b'x'; 100];
        write_string(&mut out, &long, o);
        assert_eq!(out[0], 0xC3);
        assert_eq!(Reader::new(&out).string().expect("lzf"), long);
        out.clear();
        write_string(&mut out, &long, WriteOpts { compress: false });
        assert_eq!(out[..2], [0x40, 100]);
    }

    #[test]
    fn truncated_input_is_an_error() {
        let mut out = Vec::new();
        write_string(&mut out, b"hello world", WriteOpts::default());
        for cut in 0..out.len() {
            assert!(Reader::new(&out[..cut]).string().is_err());
        }
    }

    #[test]
    fn count_refuses_impossible_lengths() {
        let mut out = Vec::new();
        write_len(&mut out, 1 << 40);
        assert!(Reader::new(&out).count(1).is_err());
    }
}
