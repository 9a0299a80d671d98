//! DUMP / RESTORE payloads, as Redis's `createDumpPayload` / `verifyDumpPayload`:
//!
//! ```text
//! <type byte> <value encoding> <RDB version: u16 LE> <CRC64 of everything before: u64 LE>
//! ```

use super::crc64::crc64;
use super::rdb::{RDB_VERSION, RDB_VERSION_MAX, RdbError, Reader, WriteOpts};
use super::value::{self, Limits};
use crate::types::Value;

/// The DUMP payload of `v`.
pub fn dump(v: &Value, opts: WriteOpts) -> Result<Vec<u8>, RdbError> {
    let mut out = Vec::new();
    value::write_value(&mut out, v, opts)?;
    out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = crc64(0, &out);
    out.extend_from_slice(&crc.to_le_bytes());
    Ok(out)
}

/// Check a payload's footer: the RDB version is one we read and the CRC64 matches.
/// Returns the body (type byte + value).
pub fn verify(payload: &[u8]) -> Option<&[u8]> {
    if payload.len() < 10 {
        return None;
    }
    let (rest, crc_bytes) = payload.split_at(payload.len() - 8);
    let (body, ver) = rest.split_at(rest.len() - 2);
    let version = u16::from_le_bytes([ver[0], ver[1]]);
    if version > RDB_VERSION_MAX {
        return None;
    }
    let mut c = [0u8; 8];
    c.copy_from_slice(crc_bytes);
    if crc64(0, rest) != u64::from_le_bytes(c) {
        return None;
    }
    Some(body)
}

/// Decode a verified body into a value (`Ok(None)` for an empty collection).
pub fn decode(body: &[u8], lim: &Limits) -> Result<Option<Value>, RdbError> {
    let mut r = Reader::new(body);
    value::read_typed_value(&mut r, lim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_match_redis_byte_for_byte() {
        // From redis-server 7.0.15: SET k hello / HSET h a 1 / SET big <"a" x 100>; DUMP.
        let o = WriteOpts::default();
        assert_eq!(
            dump(&Value::string(b"hello"), o).expect("dump"),
            b"\x00\x05hello\n\x00cr\xdfve4 \n"
        );
        let mut h = crate::types::Hash::new();
        h.set(b"a", b"1", false, crate::types::hash::Limits::default());
        assert_eq!(
            dump(&Value::Hash(h), o).expect("dump"),
            b"\x10\x0c\x0c\x00\x00\x00\x02\x00\x81a\x02\x01\x01\xff\n\x00\x84\xa6\x93\xe8\xaa\x17\xe4\xdb"
        );
        assert_eq!(
            dump(&Value::string(&[b'a'; 100]), o).expect("dump"),
            b"\x00\xc3\t@d\x01aa\xe0W\x00\x01aa\n\x00\xe8\xa3\xb5\x07\xb0m\xf2q"
        );
    }

    #[test]
    fn the_crc_covers_the_version() {
        let p = dump(&Value::string(b"hello"), WriteOpts::default()).expect("dump");
        assert!(verify(&p).is_some());
        let mut bad = p.clone();
        bad[8] = 9;
        assert!(verify(&bad).is_none());
    }

    #[test]
    fn integer_payload_matches_redis() {
        // redis 7.0: SET k 123; DUMP k -> "\x00\xc0{\n\x00..."
        let p = dump(&Value::string(b"123"), WriteOpts::default()).expect("dump");
        assert_eq!(&p[..3], b"\x00\xc0{");
    }

    #[test]
    fn short_or_damaged_payloads_are_refused() {
        assert!(verify(b"").is_none());
        assert!(verify(b"123456789").is_none());
        let mut p = dump(&Value::string(b"v"), WriteOpts::default()).expect("dump");
        let n = p.len();
        p[n - 1] ^= 1;
        assert!(verify(&p).is_none());
    }
}
