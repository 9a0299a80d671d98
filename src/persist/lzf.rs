//! LZF compression, as Redis uses it for strings in RDB files and DUMP payloads.
//!
//! The compressed format (liblzf):
//!
//! ```text
//! 000LLLLL <L+1 literal bytes>         a run of 1..=32 literal bytes
//! LLLooooo oooooooo                    a back reference of L+2 bytes (L in 1..=6)
//! 111ooooo LLLLLLLL oooooooo           a back reference of L+9 bytes
//! ```
//!
//! where the 13-bit `o` is the distance back minus one. The compressor follows liblzf's
//! `lzf_c.c` with Redis's settings (HLOG 16, VERY_FAST), including its quirks (a match
//! is never taken at offset 0 of the input; after a match the hash table is refreshed
//! at two positions only), so that the bytes we write are the bytes Redis would write
//! for the same input — except that our hash table starts zeroed where liblzf's starts
//! with stack garbage (which can only make it find extra, still valid, matches).

const HLOG: u32 = 16;
const HSIZE: usize = 1 << HLOG;
const MAX_LIT: usize = 1 << 5;
const MAX_OFF: usize = 1 << 13;
const MAX_REF: usize = (1 << 8) + (1 << 3);

#[inline]
fn frst(p: &[u8], i: usize) -> u32 {
    ((p[i] as u32) << 8) | p[i + 1] as u32
}

#[inline]
fn next(v: u32, p: &[u8], i: usize) -> u32 {
    (v << 8) | p[i + 2] as u32
}

#[inline]
fn idx(h: u32) -> usize {
    ((h >> (3 * 8 - HLOG)).wrapping_sub(h.wrapping_mul(5)) as usize) & (HSIZE - 1)
}

/// Compress `input` into at most `out_len` bytes. Returns `None` when the output would
/// not fit (liblzf returns 0), which is how Redis decides to store a string verbatim.
pub fn compress(input: &[u8], out_len: usize) -> Option<Vec<u8>> {
    let in_len = input.len();
    if in_len == 0 || out_len == 0 {
        return None;
    }
    // Positions are stored plus one; 0 is "empty".
    let mut htab = vec![0u32; HSIZE];
    let mut out = vec![0u8; out_len];
    let mut op: usize = 0;
    let mut ip: usize = 0;
    let mut lit: usize = 0;
    op += 1; // start run
    if in_len < 2 {
        // Too short for the hash: everything is literal (handled by the tail loop).
    }
    let mut hval: u32 = if in_len >= 2 { frst(input, 0) } else { 0 };
    while in_len >= 3 && ip < in_len - 2 {
        hval = next(hval, input, ip);
        let slot = idx(hval);
        let r = htab[slot] as usize;
        htab[slot] = (ip + 1) as u32;
        // `ref > in_data`: a reference to offset 0 is never used.
        let ok = r > 1 && {
            let rf = r - 1;
            let off = ip - rf - 1;
            off < MAX_OFF
                && input[rf + 2] == input[ip + 2]
                && input[rf] == input[ip]
                && input[rf + 1] == input[ip + 1]
        };
        if ok {
            let rf = r - 1;
            let off = ip - rf - 1;
            let mut len: usize = 2;
            let maxlen = (in_len - ip - len).min(MAX_REF);
            // A conservative test, then the exact one.
            if op + 3 + 1 >= out_len && op - usize::from(lit == 0) + 3 + 1 >= out_len {
                return None;
            }
            // stop run
            out[op - lit - 1] = (lit as u8).wrapping_sub(1);
            if lit == 0 {
                op -= 1; // undo run if length is zero
            }
            'scan: {
                if maxlen > 16 {
                    for _ in 0..16 {
                        len += 1;
                        if input[rf + len] != input[ip + len] {
                            break 'scan;
                        }
                    }
                }
                loop {
                    len += 1;
                    if !(len < maxlen && input[rf + len] == input[ip + len]) {
                        break;
                    }
                }
            }
            len -= 2; // len is now #octets - 1
            ip += 1;
            if len < 7 {
                out[op] = ((off >> 8) + (len << 5)) as u8;
                op += 1;
            } else {
                out[op] = ((off >> 8) + (7 << 5)) as u8;
                out[op + 1] = (len - 7) as u8;
                op += 2;
            }
            out[op] = off as u8;
            op += 1;
            lit = 0;
            op += 1; // start run
            ip += len + 1;
            if ip >= in_len - 2 {
                break;
            }
            ip -= 2;
            hval = frst(input, ip);
            hval = next(hval, input, ip);
            htab[idx(hval)] = (ip + 1) as u32;
            ip += 1;
            hval = next(hval, input, ip);
            htab[idx(hval)] = (ip + 1) as u32;
            ip += 1;
        } else {
            // one more literal byte we must copy
            if op >= out_len {
                return None;
            }
            lit += 1;
            out[op] = input[ip];
            op += 1;
            ip += 1;
            if lit == MAX_LIT {
                out[op - lit - 1] = (lit - 1) as u8;
                lit = 0;
                op += 1;
            }
        }
    }
    if op + 3 > out_len {
        return None;
    }
    while ip < in_len {
        lit += 1;
        out[op] = input[ip];
        op += 1;
        ip += 1;
        if lit == MAX_LIT {
            out[op - lit - 1] = (lit - 1) as u8;
            lit = 0;
            op += 1;
        }
    }
    out[op - lit - 1] = (lit as u8).wrapping_sub(1);
    if lit == 0 {
        op -= 1;
    }
    out.truncate(op);
    Some(out)
}

/// Decompress `input`, which must expand to exactly `out_len` bytes.
pub fn decompress(input: &[u8], out_len: usize) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::with_capacity(out_len);
    let mut ip = 0usize;
    while ip < input.len() {
        let ctrl = input[ip] as usize;
        ip += 1;
        if ctrl < 32 {
            let n = ctrl + 1;
            if out.len() + n > out_len {
                return None;
            }
            let lit = input.get(ip..ip + n)?;
            out.extend_from_slice(lit);
            ip += n;
        } else {
            let mut len = ctrl >> 5;
            if len == 7 {
                len += *input.get(ip)? as usize;
                ip += 1;
            }
            let lo = *input.get(ip)? as usize;
            ip += 1;
            let back = ((ctrl & 0x1f) << 8) + lo + 1;
            if back > out.len() {
                return None;
            }
            let n = len + 2;
            if out.len() + n > out_len {
                return None;
            }
            let start = out.len() - back;
            for k in 0..n {
                let b = out[start + k];
                out.push(b);
            }
        }
    }
    if out.len() != out_len {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(data: &[u8]) {
        if let Some(c) = compress(data, data.len().saturating_sub(4).max(1)) {
            assert!(c.len() <= data.len().saturating_sub(4).max(1));
            assert_eq!(decompress(&c, data.len()).as_deref(), Some(data));
        }
        // With room to spare, compression always succeeds.
        let c = compress(data, data.len() + data.len() / 16 + 64).expect("fits");
        assert_eq!(decompress(&c, data.len()).as_deref(), Some(data));
    }

    #[test]
    fn roundtrips() {
        roundtrip(b"a");
        roundtrip(b"ab");
        roundtrip(b"abc");
        roundtrip(b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        roundtrip(&b"hello world ".repeat(200));
        let noise: Vec<u8> = (0..5000u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        roundtrip(&noise);
        let mut mixed = noise.clone();
        mixed.extend_from_slice(&b"xyz".repeat(3000));
        roundtrip(&mixed);
    }

    #[test]
    fn repeated_bytes_compress_like_redis() {
        // Redis stores "a" x 100 as LZF: 0x00 'a', then back references (checked against
        // `DEBUG` / DUMP output of redis-server 7.0).
        let data = [b'a'; 100];
        let c = compress(&data, 96).expect("compressible");
        assert_eq!(decompress(&c, 100).as_deref(), Some(&data[..]));
        assert!(c.len() < 10);
    }

    #[test]
    fn corrupt_input_is_refused() {
        assert_eq!(decompress(&[0x20, 0x05], 10), None); // back reference before start
        assert_eq!(decompress(&[0x05, b'a'], 6), None); // literal past input end
        assert_eq!(decompress(&[0x00, b'a'], 2), None); // wrong length
        assert_eq!(decompress(&[0xe0], 10), None); // truncated long reference
    }
}
