//! Redis's compact blob encodings as they appear inside RDB strings: listpack (read and
//! written), ziplist, intset (read and written) and zipmap (read only). Every reader
//! validates the blob completely (header sizes, entry bounds, terminator, element count)
//! and returns an error instead of trusting any length.

use super::rdb::{RdbError, err, fmt_i64};

/// One decoded entry: bytes or an integer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Elem<'a> {
    /// String bytes.
    Bytes(&'a [u8]),
    /// An integer-encoded entry.
    Int(i64),
}

impl Elem<'_> {
    /// The entry as bytes (integers in decimal).
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            Elem::Bytes(b) => b.to_vec(),
            Elem::Int(v) => {
                let mut buf = [0u8; 20];
                fmt_i64(*v, &mut buf).to_vec()
            }
        }
    }

    /// The entry as a double (zset scores).
    pub fn to_f64(&self) -> Result<f64, RdbError> {
        match self {
            Elem::Int(v) => Ok(*v as f64),
            Elem::Bytes(b) => crate::cmd::parse_f64_opt(b)
                .or(match *b {
                    b"nan" | b"-nan" => Some(f64::NAN),
                    _ => None,
                })
                .ok_or_else(|| super::rdb::RdbError("Invalid score in listpack/ziplist".into())),
        }
    }
}

fn get(b: &[u8], at: usize, n: usize) -> Result<&[u8], RdbError> {
    at.checked_add(n)
        .and_then(|end| b.get(at..end))
        .map_or_else(|| err("Entry out of blob bounds"), Ok)
}

fn le_uint(b: &[u8]) -> u64 {
    b.iter().rev().fold(0u64, |acc, &x| (acc << 8) | x as u64)
}

// ---------------------------------------------------------------------------------------
// Listpack
// ---------------------------------------------------------------------------------------

const LP_HDR: usize = 6;
const LP_EOF: u8 = 0xFF;

fn lp_backlen_size(l: usize) -> usize {
    match l {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2097150 => 3,
        2097151..=268435454 => 4,
        _ => 5,
    }
}

/// Decode every entry of a listpack, validating it.
pub fn listpack_entries(b: &[u8]) -> Result<Vec<Elem<'_>>, RdbError> {
    if b.len() < LP_HDR + 1 {
        return err("Listpack too short");
    }
    let total = le_uint(&b[0..4]) as usize;
    if total != b.len() {
        return err("Listpack total bytes mismatch");
    }
    let count = le_uint(&b[4..6]) as usize;
    let mut out = Vec::with_capacity(count.min(b.len()));
    let mut p = LP_HDR;
    loop {
        let Some(&first) = b.get(p) else {
            return err("Listpack without terminator");
        };
        if first == LP_EOF {
            if p + 1 != b.len() {
                return err("Listpack terminator before its end");
            }
            break;
        }
        let (elem, len) = match first {
            0x00..=0x7F => (Elem::Int(first as i64), 1),
            0x80..=0xBF => {
                let n = (first & 0x3F) as usize;
                (Elem::Bytes(get(b, p + 1, n)?), 1 + n)
            }
            0xC0..=0xDF => {
                let lo = get(b, p + 1, 1)?[0] as i64;
                let uv = (((first & 0x1F) as i64) << 8) | lo;
                let v = if uv >= 1 << 12 { uv - (1 << 13) } else { uv };
                (Elem::Int(v), 2)
            }
            0xE0..=0xEF => {
                let lo = get(b, p + 1, 1)?[0] as usize;
                let n = (((first & 0x0F) as usize) << 8) | lo;
                (Elem::Bytes(get(b, p + 2, n)?), 2 + n)
            }
            0xF0 => {
                let n = le_uint(get(b, p + 1, 4)?) as usize;
                (Elem::Bytes(get(b, p + 5, n)?), 5 + n)
            }
            0xF1 => {
                let x = get(b, p + 1, 2)?;
                (Elem::Int(i16::from_le_bytes([x[0], x[1]]) as i64), 3)
            }
            0xF2 => {
                let x = get(b, p + 1, 3)?;
                let v =
                    (((x[2] as i32) << 24 | (x[1] as i32) << 16 | (x[0] as i32) << 8) >> 8) as i64;
                (Elem::Int(v), 4)
            }
            0xF3 => {
                let x = get(b, p + 1, 4)?;
                (
                    Elem::Int(i32::from_le_bytes([x[0], x[1], x[2], x[3]]) as i64),
                    5,
                )
            }
            0xF4 => {
                let x = get(b, p + 1, 8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(x);
                (Elem::Int(i64::from_le_bytes(a)), 9)
            }
            _ => return err("Invalid listpack entry encoding"),
        };
        let back = lp_backlen_size(len);
        // The backlen must encode the entry length (validated as Redis's lpValidateNext).
        let bl = get(b, p + len, back)?;
        if lp_decode_backlen(bl) != Some(len) {
            return err("Invalid listpack entry back-length");
        }
        out.push(elem);
        p += len + back;
    }
    if count != 65535 && count != out.len() {
        return err("Listpack element count mismatch");
    }
    Ok(out)
}

fn lp_decode_backlen(bl: &[u8]) -> Option<usize> {
    // Stored big-end first; every byte but the first has the high bit set.
    let mut v: usize = 0;
    for (i, &x) in bl.iter().enumerate() {
        if i > 0 && x & 0x80 == 0 {
            return None;
        }
        v = (v << 7) | (x & 0x7F) as usize;
    }
    Some(v)
}

/// Builds a listpack exactly as Redis's `lpAppend` would.
#[derive(Debug, Clone)]
pub struct ListpackWriter {
    buf: Vec<u8>,
    count: usize,
}

impl Default for ListpackWriter {
    fn default() -> Self {
        ListpackWriter::new()
    }
}

impl ListpackWriter {
    /// An empty listpack.
    pub fn new() -> ListpackWriter {
        ListpackWriter {
            buf: vec![0; LP_HDR],
            count: 0,
        }
    }

    /// Bytes so far (header and entries, without the terminator).
    pub fn bytes_len(&self) -> usize {
        self.buf.len() + 1
    }

    /// Entries so far.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Append an entry: stored as an integer when the bytes are one (`lpStringToInt64`).
    pub fn push(&mut self, s: &[u8]) {
        match super::rdb::canonical_int(s) {
            Some(v) => self.push_int(v),
            None => self.push_str(s),
        }
    }

    /// Append an integer entry.
    pub fn push_int(&mut self, v: i64) {
        let start = self.buf.len();
        let b = &mut self.buf;
        if (0..=127).contains(&v) {
            b.push(v as u8);
        } else if (-4096..=4095).contains(&v) {
            let u = if v < 0 {
                ((1i64 << 13) + v) as u64
            } else {
                v as u64
            };
            b.push(((u >> 8) as u8) | 0xC0);
            b.push(u as u8);
        } else if (-32768..=32767).contains(&v) {
            b.push(0xF1);
            b.extend_from_slice(&(v as i16).to_le_bytes());
        } else if (-8388608..=8388607).contains(&v) {
            b.push(0xF2);
            b.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
        } else if (i32::MIN as i64..=i32::MAX as i64).contains(&v) {
            b.push(0xF3);
            b.extend_from_slice(&(v as i32).to_le_bytes());
        } else {
            b.push(0xF4);
            b.extend_from_slice(&v.to_le_bytes());
        }
        self.finish_entry(start);
    }

    /// Append a string entry verbatim.
    pub fn push_str(&mut self, s: &[u8]) {
        let start = self.buf.len();
        let b = &mut self.buf;
        let n = s.len();
        if n < 64 {
            b.push(0x80 | n as u8);
        } else if n < 4096 {
            b.push(0xE0 | (n >> 8) as u8);
            b.push(n as u8);
        } else {
            b.push(0xF0);
            b.extend_from_slice(&(n as u32).to_le_bytes());
        }
        b.extend_from_slice(s);
        self.finish_entry(start);
    }

    fn finish_entry(&mut self, start: usize) {
        let l = self.buf.len() - start;
        let b = &mut self.buf;
        match lp_backlen_size(l) {
            1 => b.push(l as u8),
            2 => {
                b.push((l >> 7) as u8);
                b.push((l & 127) as u8 | 128);
            }
            3 => {
                b.push((l >> 14) as u8);
                b.push(((l >> 7) & 127) as u8 | 128);
                b.push((l & 127) as u8 | 128);
            }
            4 => {
                b.push((l >> 21) as u8);
                b.push(((l >> 14) & 127) as u8 | 128);
                b.push(((l >> 7) & 127) as u8 | 128);
                b.push((l & 127) as u8 | 128);
            }
            _ => {
                b.push((l >> 28) as u8);
                b.push(((l >> 21) & 127) as u8 | 128);
                b.push(((l >> 14) & 127) as u8 | 128);
                b.push(((l >> 7) & 127) as u8 | 128);
                b.push((l & 127) as u8 | 128);
            }
        }
        self.count += 1;
    }

    /// The finished listpack.
    pub fn finish(mut self) -> Vec<u8> {
        self.buf.push(LP_EOF);
        let total = self.buf.len() as u32;
        self.buf[0..4].copy_from_slice(&total.to_le_bytes());
        let n = self.count.min(65535) as u16;
        self.buf[4..6].copy_from_slice(&n.to_le_bytes());
        self.buf
    }
}

/// Format a zset score as Redis stores it in a listpack (`d2string`, then integer
/// encoding when integral).
pub fn score_text(v: f64) -> Vec<u8> {
    if v.is_nan() {
        return b"nan".to_vec();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            b"inf".to_vec()
        } else {
            b"-inf".to_vec()
        };
    }
    if v == 0.0 {
        return if v.is_sign_negative() {
            b"-0".to_vec()
        } else {
            b"0".to_vec()
        };
    }
    if v > -4503599627370495.0 && v < 4503599627370496.0 && v == (v as i64) as f64 {
        return (v as i64).to_string().into_bytes();
    }
    // Shortest text that reads back as the same double (Redis 7.2's fpconv_dtoa).
    let Some(sh) = crate::float_fmt::shortest(v) else {
        return b"nan".to_vec();
    };
    let sign = if v < 0.0 { "-" } else { "" };
    let (mut plain, mut sci) = (sign.to_string(), sign.to_string());
    sh.push_plain(&mut plain);
    sh.push_sci(true, 1, &mut sci);
    let pick = if plain.len() <= sci.len() { plain } else { sci };
    pick.into_bytes()
}

// ---------------------------------------------------------------------------------------
// Ziplist
// ---------------------------------------------------------------------------------------

const ZL_HDR: usize = 10;
const ZL_END: u8 = 0xFF;

/// Decode every entry of a ziplist, validating it.
pub fn ziplist_entries(b: &[u8]) -> Result<Vec<Elem<'_>>, RdbError> {
    if b.len() < ZL_HDR + 1 {
        return err("Ziplist too short");
    }
    let total = le_uint(&b[0..4]) as usize;
    if total != b.len() {
        return err("Ziplist total bytes mismatch");
    }
    let tail = le_uint(&b[4..8]) as usize;
    let count = le_uint(&b[8..10]) as usize;
    let mut out = Vec::with_capacity(count.min(b.len()));
    let mut p = ZL_HDR;
    let mut prev_len = 0usize;
    let mut last_start = ZL_HDR;
    loop {
        let Some(&first) = b.get(p) else {
            return err("Ziplist without terminator");
        };
        if first == ZL_END {
            if p + 1 != b.len() {
                return err("Ziplist terminator before its end");
            }
            break;
        }
        let start = p;
        let (prevlen, plen) = if first < 254 {
            (first as usize, 1)
        } else if first == 254 {
            (le_uint(get(b, p + 1, 4)?) as usize, 5)
        } else {
            return err("Invalid ziplist prevlen");
        };
        if prevlen != prev_len {
            return err("Ziplist prevlen mismatch");
        }
        p += plen;
        let enc = *b
            .get(p)
            .ok_or_else(|| RdbError("Ziplist entry out of bounds".into()))?;
        let (elem, hlen, dlen) = match enc >> 6 {
            0 => {
                let n = (enc & 0x3F) as usize;
                (Elem::Bytes(get(b, p + 1, n)?), 1, n)
            }
            1 => {
                let lo = get(b, p + 1, 1)?[0] as usize;
                let n = (((enc & 0x3F) as usize) << 8) | lo;
                (Elem::Bytes(get(b, p + 2, n)?), 2, n)
            }
            2 => {
                if enc != 0x80 {
                    return err("Invalid ziplist string encoding");
                }
                let x = get(b, p + 1, 4)?;
                let n = u32::from_be_bytes([x[0], x[1], x[2], x[3]]) as usize;
                (Elem::Bytes(get(b, p + 5, n)?), 5, n)
            }
            _ => match enc {
                0xC0 => {
                    let x = get(b, p + 1, 2)?;
                    (Elem::Int(i16::from_le_bytes([x[0], x[1]]) as i64), 1, 2)
                }
                0xD0 => {
                    let x = get(b, p + 1, 4)?;
                    (
                        Elem::Int(i32::from_le_bytes([x[0], x[1], x[2], x[3]]) as i64),
                        1,
                        4,
                    )
                }
                0xE0 => {
                    let x = get(b, p + 1, 8)?;
                    let mut a = [0u8; 8];
                    a.copy_from_slice(x);
                    (Elem::Int(i64::from_le_bytes(a)), 1, 8)
                }
                0xF0 => {
                    let x = get(b, p + 1, 3)?;
                    let v = (((x[2] as i32) << 24 | (x[1] as i32) << 16 | (x[0] as i32) << 8) >> 8)
                        as i64;
                    (Elem::Int(v), 1, 3)
                }
                0xFE => {
                    let x = get(b, p + 1, 1)?;
                    (Elem::Int(x[0] as i8 as i64), 1, 1)
                }
                0xF1..=0xFD => (Elem::Int(((enc & 0x0F) as i64) - 1), 1, 0),
                _ => return err("Invalid ziplist integer encoding"),
            },
        };
        p += hlen + dlen;
        prev_len = p - start;
        last_start = start;
        out.push(elem);
    }
    if !out.is_empty() && tail != last_start {
        return err("Ziplist tail offset mismatch");
    }
    if count != 65535 && count != out.len() {
        return err("Ziplist element count mismatch");
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Intset
// ---------------------------------------------------------------------------------------

/// Decode an intset (sorted, unique integers), validating it.
pub fn intset_members(b: &[u8]) -> Result<Vec<i64>, RdbError> {
    if b.len() < 8 {
        return err("Intset too short");
    }
    let enc = le_uint(&b[0..4]) as usize;
    let len = le_uint(&b[4..8]) as usize;
    if !matches!(enc, 2 | 4 | 8) {
        return err("Invalid intset encoding");
    }
    if len.checked_mul(enc).and_then(|n| n.checked_add(8)) != Some(b.len()) {
        return err("Intset length mismatch");
    }
    let mut out = Vec::with_capacity(len);
    for c in b[8..].chunks_exact(enc) {
        let v = match enc {
            2 => i16::from_le_bytes([c[0], c[1]]) as i64,
            4 => i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as i64,
            _ => {
                let mut a = [0u8; 8];
                a.copy_from_slice(c);
                i64::from_le_bytes(a)
            }
        };
        if out.last().is_some_and(|&l| l >= v) {
            return err("Intset not sorted or has duplicates");
        }
        out.push(v);
    }
    Ok(out)
}

/// Encode sorted, unique integers as an intset blob.
pub fn intset_blob(sorted: &[i64]) -> Vec<u8> {
    let enc: usize = if sorted.iter().all(|&v| i16::try_from(v).is_ok()) {
        2
    } else if sorted.iter().all(|&v| i32::try_from(v).is_ok()) {
        4
    } else {
        8
    };
    let mut out = Vec::with_capacity(8 + enc * sorted.len());
    out.extend_from_slice(&(enc as u32).to_le_bytes());
    out.extend_from_slice(&(sorted.len() as u32).to_le_bytes());
    for &v in sorted {
        match enc {
            2 => out.extend_from_slice(&(v as i16).to_le_bytes()),
            4 => out.extend_from_slice(&(v as i32).to_le_bytes()),
            _ => out.extend_from_slice(&v.to_le_bytes()),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Zipmap (RDB_TYPE_HASH_ZIPMAP, written by Redis < 2.6)
// ---------------------------------------------------------------------------------------

/// Field/value pairs borrowed from a blob.
pub type Pairs<'a> = Vec<(&'a [u8], &'a [u8])>;

/// Decode a zipmap into (field, value) pairs, validating it.
pub fn zipmap_pairs(b: &[u8]) -> Result<Pairs<'_>, RdbError> {
    if b.len() < 2 {
        return err("Zipmap too short");
    }
    let mut p = 1;
    let mut out = Vec::new();
    let read_len = |p: &mut usize| -> Result<usize, RdbError> {
        let f = *b
            .get(*p)
            .ok_or_else(|| RdbError("Zipmap out of bounds".into()))?;
        if f < 254 {
            *p += 1;
            Ok(f as usize)
        } else if f == 254 {
            let n = le_uint(get(b, *p + 1, 4)?) as usize;
            *p += 5;
            Ok(n)
        } else {
            err("Invalid zipmap length")
        }
    };
    loop {
        match b.get(p) {
            None => return err("Zipmap without terminator"),
            Some(&255) => {
                if p + 1 != b.len() {
                    return err("Zipmap terminator before its end");
                }
                break;
            }
            Some(_) => {}
        }
        let klen = read_len(&mut p)?;
        let k = get(b, p, klen)?;
        p += klen;
        let vlen = read_len(&mut p)?;
        let free = *b
            .get(p)
            .ok_or_else(|| RdbError("Zipmap out of bounds".into()))? as usize;
        p += 1;
        let v = get(b, p, vlen)?;
        p += vlen;
        get(b, p, free)?;
        p += free;
        out.push((k, v));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listpack_roundtrip_all_encodings() {
        let ints = [
            0i64,
            127,
            128,
            -1,
            -4096,
            4095,
            4096,
            -32768,
            32767,
            40000,
            -8388608,
            8388607,
            1 << 30,
            i64::MIN,
            i64::MAX,
        ];
        let long = vec![b'z'; 5000];
        let mid = vec![b'y'; 200];
        let mut w = ListpackWriter::new();
        for v in ints {
            w.push(v.to_string().as_bytes());
        }
        w.push(b"hello");
        w.push(&mid);
        w.push(&long);
        w.push(b"007");
        let lp = w.finish();
        let got = listpack_entries(&lp).expect("valid");
        let mut want: Vec<Vec<u8>> = ints.iter().map(|v| v.to_string().into_bytes()).collect();
        want.push(b"hello".to_vec());
        want.push(mid.clone());
        want.push(long.clone());
        want.push(b"007".to_vec());
        assert_eq!(got.iter().map(|e| e.to_vec()).collect::<Vec<_>>(), want);
        assert!(matches!(got[0], Elem::Int(0)));
        assert!(matches!(got[got.len() - 1], Elem::Bytes(b"007")));
    }

    #[test]
    fn listpack_matches_redis_bytes() {
        // HSET h a 1 on redis 7.0, DUMP: the listpack inside.
        let mut w = ListpackWriter::new();
        w.push(b"a");
        w.push(b"1");
        assert_eq!(
            w.finish(),
            [0x0c, 0, 0, 0, 2, 0, 0x81, b'a', 2, 0x01, 1, 0xff]
        );
    }

    #[test]
    fn corrupt_listpacks_are_refused() {
        let mut w = ListpackWriter::new();
        w.push(b"abc");
        w.push(b"12345");
        let lp = w.finish();
        for cut in 0..lp.len() {
            assert!(listpack_entries(&lp[..cut]).is_err());
        }
        let mut bad = lp.clone();
        bad[4] = 3; // count
        assert!(listpack_entries(&bad).is_err());
        let mut bad = lp;
        bad[6] = 0xF7; // invalid encoding
        assert!(listpack_entries(&bad).is_err());
    }

    #[test]
    fn ziplist_decodes_redis_bytes() {
        // A ziplist with "a", 5 (imm), 300 (int16), "bb": built per the format.
        let mut e = Vec::new();
        e.extend_from_slice(&[0, 0x01, b'a']); // prevlen 0, str len 1
        e.extend_from_slice(&[3, 0xF6]); // prevlen 3, imm 5
        e.extend_from_slice(&[2, 0xC0, 0x2c, 0x01]); // int16 300
        let tail_entry = 10 + e.len();
        e.extend_from_slice(&[4, 0x02, b'b', b'b']);
        let total = 10 + e.len() + 1;
        let mut zl = Vec::new();
        zl.extend_from_slice(&(total as u32).to_le_bytes());
        zl.extend_from_slice(&(tail_entry as u32).to_le_bytes());
        zl.extend_from_slice(&4u16.to_le_bytes());
        zl.extend_from_slice(&e);
        zl.push(0xFF);
        let got: Vec<Vec<u8>> = ziplist_entries(&zl)
            .expect("valid")
            .iter()
            .map(|e| e.to_vec())
            .collect();
        assert_eq!(
            got,
            [
                b"a".to_vec(),
                b"5".to_vec(),
                b"300".to_vec(),
                b"bb".to_vec()
            ]
        );
        for cut in 0..zl.len() {
            assert!(ziplist_entries(&zl[..cut]).is_err());
        }
    }

    #[test]
    fn intset_roundtrip() {
        for set in [
            vec![1i64, 2, 3],
            vec![-70000, 5],
            vec![i64::MIN, 0, i64::MAX],
        ] {
            let b = intset_blob(&set);
            assert_eq!(intset_members(&b).expect("valid"), set);
        }
        assert_eq!(intset_blob(&[1, 2])[0], 2);
        assert!(intset_members(&intset_blob(&[1, 2])[..11]).is_err());
        let mut unsorted = intset_blob(&[1, 2]);
        unsorted[8] = 9;
        assert!(intset_members(&unsorted).is_err());
    }

    #[test]
    fn zipmap_decodes() {
        // zmlen 2, "foo" -> "bar" (free 1), "k" -> "" ; end
        let zm = [
            2, 3, b'f', b'o', b'o', 3, 1, b'b', b'a', b'r', 0, 1, b'k', 0, 0, 255,
        ];
        let got = zipmap_pairs(&zm).expect("valid");
        assert_eq!(got, [(&b"foo"[..], &b"bar"[..]), (&b"k"[..], &b""[..])]);
        assert!(zipmap_pairs(&zm[..zm.len() - 1]).is_err());
    }

    #[test]
    fn scores_format_like_redis() {
        assert_eq!(score_text(1.0), b"1");
        assert_eq!(score_text(-3.0), b"-3");
        assert_eq!(score_text(1.5), b"1.5");
        assert_eq!(score_text(f64::INFINITY), b"inf");
        assert_eq!(score_text(0.1).as_slice(), b"0.1");
        let t = score_text(1e300);
        assert_eq!(
            String::from_utf8(t)
                .expect("utf8")
                .parse::<f64>()
                .expect("f64"),
            1e300
        );
    }
}
