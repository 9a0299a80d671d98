//! CRC-64/Jones, the checksum Redis puts after an RDB file and a DUMP payload.
//!
//! Parameters (as Redis's `crc64.c`): polynomial 0xad93d23594c935a9, reflected input and
//! output, initial value 0, no final xor. Check value: `crc64(0, b"123456789")` =
//! `0xe9c6d914c4b8d9ca`. Computed slicing-by-8 with tables built on first use (built at
//! compile time they would be 16 KB of incompressible data in the .wasm).

/// The reflected polynomial.
const POLY_REFLECTED: u64 = 0x95ac_9329_ac4b_c9b5;

fn make_tables(poly: u64) -> Box<[[u64; 256]; 8]> {
    let mut t = Box::new([[0u64; 256]; 8]);
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u64;
        let mut k = 0;
        while k < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ poly
            } else {
                crc >> 1
            };
            k += 1;
        }
        t[0][i] = crc;
        i += 1;
    }
    let mut i = 0;
    while i < 256 {
        let mut j = 1;
        while j < 8 {
            let prev = t[j - 1][i];
            t[j][i] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            j += 1;
        }
        i += 1;
    }
    t
}

fn tables() -> &'static [[u64; 256]; 8] {
    static TABLES: std::sync::OnceLock<Box<[[u64; 256]; 8]>> = std::sync::OnceLock::new();
    // black_box: keep the optimiser from folding the tables back into static data.
    TABLES.get_or_init(|| make_tables(std::hint::black_box(POLY_REFLECTED)))
}

/// Continue a CRC-64/Jones over `data` (start with `crc = 0`).
pub fn crc64(mut crc: u64, data: &[u8]) -> u64 {
    let t = tables();
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let v = crc ^ u64::from_le_bytes(w);
        crc = t[7][(v & 0xff) as usize]
            ^ t[6][((v >> 8) & 0xff) as usize]
            ^ t[5][((v >> 16) & 0xff) as usize]
            ^ t[4][((v >> 24) & 0xff) as usize]
            ^ t[3][((v >> 32) & 0xff) as usize]
            ^ t[2][((v >> 40) & 0xff) as usize]
            ^ t[1][((v >> 48) & 0xff) as usize]
            ^ t[0][(v >> 56) as usize];
    }
    for &b in chunks.remainder() {
        crc = t[0][((crc ^ b as u64) & 0xff) as usize] ^ (crc >> 8);
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_value_matches_redis() {
        assert_eq!(crc64(0, b"123456789"), 0xe9c6_d914_c4b8_d9ca);
        // A second vector, computed bit by bit.
        let s = b"This is a test of the emergency broadcast system.";
        assert_eq!(crc64(0, s), 0x4215_3dc5_db99_540f);
    }

    #[test]
    fn incremental_equals_whole() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 31 % 251) as u8).collect();
        let whole = crc64(0, &data);
        for split in [0, 1, 7, 8, 9, 500, 999, 1000] {
            let (a, b) = data.split_at(split);
            assert_eq!(crc64(crc64(0, a), b), whole, "split at {split}");
        }
    }
}
