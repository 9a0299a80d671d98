//! Differential tests of the bit commands against a real redis-server: SETBIT, GETBIT,
//! BITCOUNT, BITPOS, BITOP, BITFIELD and BITFIELD_RO with their options, range
//! arithmetic (exhaustively over small ranges, bytes and bits), overflow modes, `#`
//! offsets, errors, encodings and keyspace events, compared byte for byte.
//!
//! Not compared here: BITCOUNT/BITPOS with invalid arguments on a *missing* key, where
//! the 7.0 oracle answers 0/-1 before parsing and Redis 7.2 (our target) reports the
//! error; `engine_bitmaps.rs` covers the 7.2 behaviour.
#![cfg(feature = "native")]
mod common;

use common::{Pair, show};

const VALUES: &[&[u8]] = &[
    b"",
    b"\x00",
    b"\xff",
    b"foobar",
    b"\x00\x00\x00\x01\x00",
    b"\xff\xff\xff\xfe\xff\xff",
    b"\x80\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01",
    b"The quick brown fox jumps over the lazy dog, twice: The quick brown fox",
];

#[test]
fn setbit_and_getbit() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SETBIT", "k", "7", "1"],
        &["SETBIT", "k", "7", "1"],
        &["SETBIT", "k", "7", "0"],
        &["GETBIT", "k", "7"],
        &["GETBIT", "k", "8"],
        &["GETBIT", "k", "100000"],
        &["GET", "k"],
        &["SETBIT", "k", "100", "1"],
        &["GET", "k"],
        &["STRLEN", "k"],
        &["OBJECT", "ENCODING", "k"],
        &["GETBIT", "nokey", "0"],
        // Errors.
        &["SETBIT", "k", "-1", "1"],
        &["SETBIT", "k", "x", "1"],
        &["SETBIT", "k", "1.5", "1"],
        &["SETBIT", "k", " 1", "1"],
        &["SETBIT", "k", "4294967296", "1"],
        &["SETBIT", "k", "9223372036854775807", "1"],
        &["SETBIT", "k", "1", "2"],
        &["SETBIT", "k", "1", "-1"],
        &["SETBIT", "k", "1", "x"],
        &["SETBIT", "k", "1", ""],
        &["GETBIT", "k", "-1"],
        &["GETBIT", "k", "4294967296"],
        &["GETBIT", "k", "abc"],
        &["SETBIT", "k", "1"],
        &["GETBIT", "k"],
        &["SETBIT", "k", "1", "1", "1"],
        // Integer-encoded and embstr values become raw strings.
        &["SET", "i", "1234"],
        &["GETBIT", "i", "2"],
        &["SETBIT", "i", "6", "0"],
        &["GET", "i"],
        &["OBJECT", "ENCODING", "i"],
        &["SET", "e", "hello"],
        &["SETBIT", "e", "0", "0"],
        &["OBJECT", "ENCODING", "e"],
        &["SETBIT", "new", "0", "0"],
        &["OBJECT", "ENCODING", "new"],
        &["GET", "new"],
        // Wrong type.
        &["RPUSH", "l", "a"],
        &["SETBIT", "l", "0", "1"],
        &["GETBIT", "l", "0"],
        &["SETBIT", "l", "-1", "1"],
    ]);
    // The highest offset under proto-max-bulk-len (1mb here) and the first past it.
    p.check(&["CONFIG", "SET", "proto-max-bulk-len", "1mb"]);
    p.check(&["SETBIT", "big", "8388607", "1"]);
    p.check(&["STRLEN", "big"]);
    p.check(&["SETBIT", "big", "8388608", "1"]);
    p.check(&["GETBIT", "big", "8388608"]);
    p.check(&["BITCOUNT", "big"]);
}

#[test]
fn bitcount_ranges_in_bytes_and_bits() {
    let mut p = Pair::new();
    for (i, v) in VALUES.iter().enumerate() {
        let key = format!("v{i}");
        p.check(&[b"SET".as_slice(), key.as_bytes(), v]);
        p.check(&["BITCOUNT", &key]);
        for start in -10..=10i64 {
            for end in -10..=10i64 {
                let (s, e) = (start.to_string(), end.to_string());
                p.check(&["BITCOUNT", &key, &s, &e]);
                p.check(&["BITCOUNT", &key, &s, &e, "BYTE"]);
            }
        }
        for start in [-80i64, -17, -9, -8, -1, 0, 1, 7, 8, 9, 15, 63, 64, 200] {
            for end in [-80i64, -17, -9, -8, -1, 0, 1, 7, 8, 9, 15, 63, 64, 200] {
                let (s, e) = (start.to_string(), end.to_string());
                p.check(&["BITCOUNT", &key, &s, &e, "BIT"]);
            }
        }
    }
    p.check_all(&[
        &["SET", "s", "foobar"],
        &["BITCOUNT", "s", "0", "-1", "bit"],
        &["BITCOUNT", "s", "0", "-1", "BYTES"],
        &["BITCOUNT", "s", "0"],
        &["BITCOUNT", "s", "0", "1", "BIT", "x"],
        &["BITCOUNT", "s", "a", "1"],
        &["BITCOUNT", "s", "0", "b"],
        &[
            "BITCOUNT",
            "s",
            "-9223372036854775808",
            "9223372036854775807",
        ],
        &[
            "BITCOUNT",
            "s",
            "-9223372036854775808",
            "9223372036854775807",
            "BIT",
        ],
        &[
            "BITCOUNT",
            "s",
            "9223372036854775807",
            "-9223372036854775808",
            "BIT",
        ],
        &["BITCOUNT", "nokey"],
        &["BITCOUNT", "nokey", "0", "-1"],
        &["BITCOUNT", "nokey", "0", "-1", "BIT"],
        &["SET", "n", "-1234567"],
        &["BITCOUNT", "n"],
        &["BITCOUNT", "n", "1", "-2", "BIT"],
        &["RPUSH", "l", "a"],
        &["BITCOUNT", "l"],
        &["BITCOUNT", "l", "0", "1"],
        &["BITCOUNT"],
    ]);
}

#[test]
fn bitpos_ranges_in_bytes_and_bits() {
    let mut p = Pair::new();
    for (i, v) in VALUES.iter().enumerate() {
        let key = format!("v{i}");
        p.check(&[b"SET".as_slice(), key.as_bytes(), v]);
        for bit in ["0", "1"] {
            p.check(&["BITPOS", &key, bit]);
            for start in -10..=10i64 {
                let s = start.to_string();
                p.check(&["BITPOS", &key, bit, &s]);
                for end in -10..=10i64 {
                    let e = end.to_string();
                    p.check(&["BITPOS", &key, bit, &s, &e]);
                    p.check(&["BITPOS", &key, bit, &s, &e, "BYTE"]);
                }
            }
            for start in [-80i64, -17, -9, -8, -1, 0, 1, 7, 8, 9, 15, 63, 64, 200] {
                for end in [-80i64, -17, -9, -8, -1, 0, 1, 7, 8, 9, 15, 63, 64, 200] {
                    let (s, e) = (start.to_string(), end.to_string());
                    p.check(&["BITPOS", &key, bit, &s, &e, "BIT"]);
                }
            }
        }
    }
    p.check_all(&[
        &["SET", "s", "\x00\x00\x0f"],
        &["BITPOS", "s", "2"],
        &["BITPOS", "s", "-1"],
        &["BITPOS", "s", "x"],
        &["BITPOS", "s", "1", "x"],
        &["BITPOS", "s", "1", "0", "x"],
        &["BITPOS", "s", "1", "0", "1", "BITS"],
        &["BITPOS", "s", "1", "0", "1", "BIT", "x"],
        &["BITPOS", "nokey", "1"],
        &["BITPOS", "nokey", "0"],
        &["BITPOS", "nokey", "0", "1", "2"],
        &["SET", "n", "12345"],
        &["BITPOS", "n", "0", "1"],
        &["BITPOS", "n", "1", "3", "20", "BIT"],
        &["RPUSH", "l", "a"],
        &["BITPOS", "l", "1"],
        &["BITPOS", "l", "1", "0", "1"],
        &["BITPOS", "s"],
    ]);
}

#[test]
fn bitop_all_operations() {
    let mut p = Pair::new();
    for (i, v) in VALUES.iter().enumerate() {
        p.check(&[b"SET".as_slice(), format!("v{i}").as_bytes(), v]);
    }
    let keys: Vec<String> = (0..VALUES.len()).map(|i| format!("v{i}")).collect();
    for op in ["AND", "OR", "XOR", "and", "Or"] {
        for a in &keys {
            for b in &keys {
                p.check(&["BITOP", op, "dst", a, b]);
                p.check(&["GET", "dst"]);
            }
        }
        let mut all = vec!["BITOP", op, "dst"];
        all.extend(keys.iter().map(|s| s.as_str()));
        all.push("nokey");
        p.check(&all);
        p.check(&["GET", "dst"]);
    }
    for a in &keys {
        p.check(&["BITOP", "NOT", "dst", a]);
        p.check(&["GET", "dst"]);
    }
    p.check_all(&[
        // Long inputs (the word-at-a-time path) with different lengths.
        &[
            "SET",
            "l1",
            "0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTU",
        ],
        &[
            "SET",
            "l2",
            "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkjihgfedcba9876543210",
        ],
        &["BITOP", "AND", "dst", "l1", "l2"],
        &["GET", "dst"],
        &["BITOP", "OR", "dst", "l1", "l2", "l1"],
        &["GET", "dst"],
        &["BITOP", "XOR", "dst", "l1", "l2", "l2"],
        &["GET", "dst"],
        &["BITOP", "NOT", "dst", "l1"],
        &["GET", "dst"],
        &["OBJECT", "ENCODING", "dst"],
        // Integers are read as their decimal text.
        &["SET", "i", "12345"],
        &["BITOP", "OR", "dst", "i"],
        &["GET", "dst"],
        &["OBJECT", "ENCODING", "dst"],
        // The destination loses its TTL and may be of any type; an empty result deletes.
        &["SET", "t", "x", "EX", "100"],
        &["BITOP", "OR", "t", "v3"],
        &["TTL", "t"],
        &["RPUSH", "lst", "a"],
        &["BITOP", "OR", "lst", "v3"],
        &["TYPE", "lst"],
        &["BITOP", "AND", "lst", "nokey", "nokey2"],
        &["EXISTS", "lst"],
        &["BITOP", "AND", "dst", "v0"],
        &["EXISTS", "dst"],
        &["BITOP", "OR", "dst", "v3", "v0"],
        // Errors.
        &["BITOP", "NOT", "dst", "v1", "v2"],
        &["BITOP", "NAND", "dst", "v1"],
        &["BITOP", "AND", "dst"],
        &["RPUSH", "l", "a"],
        &["BITOP", "AND", "dst", "v1", "l"],
        &["BITOP", "NOT", "dst", "l"],
        &["GET", "dst"],
    ]);
}

#[test]
fn bitfield_get_set_incrby() {
    let mut p = Pair::new();
    p.check(&["CONFIG", "SET", "proto-max-bulk-len", "1mb"]);
    let cmds: &[&[&str]] = &[
        &[
            "BITFIELD", "bf", "SET", "i8", "0", "100", "GET", "i8", "0", "INCRBY", "i8", "0",
            "100", "GET", "u4", "0",
        ],
        &[
            "BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "100", "OVERFLOW", "FAIL",
            "INCRBY", "i8", "0", "100", "OVERFLOW", "WRAP", "INCRBY", "i8", "0", "100",
        ],
        &[
            "BITFIELD", "bf", "SET", "u8", "#1", "255", "GET", "u8", "#1", "INCRBY", "u8", "#1",
            "1", "OVERFLOW", "SAT", "INCRBY", "u8", "#1", "-300",
        ],
        &[
            "BITFIELD",
            "bf",
            "GET",
            "i64",
            "0",
            "SET",
            "i64",
            "0",
            "-1",
            "GET",
            "u63",
            "1",
            "INCRBY",
            "i64",
            "0",
            "-9223372036854775807",
        ],
        &[
            "BITFIELD",
            "bf",
            "OVERFLOW",
            "SAT",
            "INCRBY",
            "i64",
            "0",
            "-9223372036854775807",
        ],
        &[
            "BITFIELD",
            "bf",
            "OVERFLOW",
            "WRAP",
            "INCRBY",
            "i64",
            "0",
            "-9223372036854775807",
        ],
        &[
            "BITFIELD", "bf", "OVERFLOW", "sat", "SET", "u8", "0", "-1", "overflow", "wrap", "SET",
            "u8", "8", "-1", "OVERFLOW", "FAIL", "SET", "u8", "16", "-1", "GET", "u32", "0",
        ],
        &[
            "BITFIELD", "bf", "OVERFLOW", "SAT", "SET", "i8", "0", "200", "OVERFLOW", "WRAP",
            "SET", "i8", "8", "200", "OVERFLOW", "FAIL", "SET", "i8", "16", "-200", "GET", "u32",
            "0",
        ],
        &["GET", "bf"],
        &[
            "BITFIELD", "bf2", "INCRBY", "u2", "100", "1", "GET", "u2", "100", "INCRBY", "u2",
            "100", "-3", "OVERFLOW", "SAT", "INCRBY", "u2", "100", "-5", "INCRBY", "i2", "102",
            "-5", "INCRBY", "i2", "102", "10",
        ],
        &[
            "BITFIELD",
            "bf3",
            "INCRBY",
            "u63",
            "0",
            "9223372036854775807",
            "INCRBY",
            "u63",
            "0",
            "1",
            "OVERFLOW",
            "SAT",
            "INCRBY",
            "u63",
            "0",
            "9223372036854775807",
        ],
        &[
            "BITFIELD", "bf3", "SET", "i1", "0", "1", "GET", "i1", "0", "SET", "u1", "1", "3",
            "GET", "u1", "1", "OVERFLOW", "SAT", "SET", "i1", "3", "-5", "GET", "i1", "3",
        ],
        &[
            "BITFIELD", "bf3", "SET", "i5", "3", "-20", "GET", "i5", "3", "INCRBY", "u5", "9",
            "40", "GET", "u5", "9", "GET", "u63", "0", "GET", "i64", "1",
        ],
        &["GET", "bf3"],
        // Reads past the end, on missing keys, and on integers.
        &["BITFIELD", "nokey", "GET", "u8", "100", "GET", "i16", "#3"],
        &["EXISTS", "nokey"],
        &["BITFIELD", "nokey"],
        &["SET", "ints", "12345"],
        &[
            "BITFIELD", "ints", "GET", "u8", "0", "GET", "i16", "8", "GET", "i64", "30",
        ],
        &["BITFIELD", "ints", "SET", "u8", "0", "65"],
        &["GET", "ints"],
        &["OBJECT", "ENCODING", "ints"],
        // Growth and huge offsets (proto-max-bulk-len is 1mb here: bit offsets up to
        // 8388607; only the offset is checked, not offset + width).
        &["BITFIELD", "g", "SET", "u8", "8388600", "1"],
        &["STRLEN", "g"],
        &["BITFIELD", "g", "SET", "u8", "8388601", "1"],
        &["STRLEN", "g"],
        &["BITFIELD", "g", "SET", "u8", "8388608", "1"],
        &["BITFIELD", "g2", "GET", "u8", "8388608"],
        &["BITFIELD", "g2", "GET", "u8", "4294967296"],
        &["BITFIELD", "g3", "SET", "i64", "#131071", "1"],
        &["STRLEN", "g3"],
        &["BITFIELD", "g3", "SET", "i64", "#131072", "1"],
        &["BITFIELD", "g3", "SET", "u8", "#9223372036854775807", "1"],
        &["BITFIELD", "g3", "SET", "u8", "#1152921504606846975", "1"],
        // Errors.
        &["BITFIELD", "bf", "GET", "u64", "0"],
        &["BITFIELD", "bf", "GET", "i65", "0"],
        &["BITFIELD", "bf", "GET", "i0", "0"],
        &["BITFIELD", "bf", "GET", "u-1", "0"],
        &["BITFIELD", "bf", "GET", "x8", "0"],
        &["BITFIELD", "bf", "GET", "", "0"],
        &["BITFIELD", "bf", "GET", "U8", "0"],
        &["BITFIELD", "bf", "GET", "u8", "-1"],
        &["BITFIELD", "bf", "GET", "u8", "#-1"],
        &["BITFIELD", "bf", "GET", "u8", "#"],
        &["BITFIELD", "bf", "GET", "u8", "abc"],
        &["BITFIELD", "bf", "SET", "u8", "0", "abc"],
        &["BITFIELD", "bf", "SET", "u8", "0"],
        &["BITFIELD", "bf", "INCRBY", "u8", "0"],
        &["BITFIELD", "bf", "GET", "u8"],
        &["BITFIELD", "bf", "OVERFLOW"],
        &["BITFIELD", "bf", "OVERFLOW", "foo", "GET", "u8", "0"],
        &["BITFIELD", "bf", "FOO"],
        &["BITFIELD", "bf", "GET", "u8", "0", "SET", "x8", "0", "1"],
        &["BITFIELD"],
        // BITFIELD_RO.
        &["BITFIELD_RO", "bf", "GET", "u8", "0", "GET", "i32", "#1"],
        &["BITFIELD_RO", "bf", "SET", "u8", "0", "1"],
        &[
            "BITFIELD_RO",
            "bf",
            "GET",
            "u8",
            "0",
            "INCRBY",
            "u8",
            "0",
            "1",
        ],
        &["BITFIELD_RO", "bf", "OVERFLOW", "SAT"],
        &["BITFIELD_RO", "nokey", "GET", "u8", "0"],
        &["BITFIELD_RO", "bf"],
        // Wrong type.
        &["RPUSH", "l", "a"],
        &["BITFIELD", "l", "GET", "u8", "0"],
        &["BITFIELD", "l", "SET", "u8", "0", "1"],
        &["BITFIELD_RO", "l", "GET", "u8", "0"],
        &["BITFIELD", "l", "GET", "x8", "0"],
        &["BITFIELD", "l"],
    ];
    for c in cmds {
        p.check(c);
    }
}

/// A small deterministic generator for the randomized sequences.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn bitfield_randomized_sequences_agree() {
    let mut p = Pair::new();
    let mut g = Lcg(42);
    for _ in 0..600 {
        let mut cmd: Vec<String> = vec!["BITFIELD".into(), "r".into()];
        for _ in 0..1 + g.below(4) {
            let signed = g.below(2) == 0;
            let bits = if signed {
                1 + g.below(64)
            } else {
                1 + g.below(63)
            };
            let ty = format!("{}{bits}", if signed { "i" } else { "u" });
            let off = if g.below(4) == 0 {
                format!("#{}", g.below(8))
            } else {
                g.below(200).to_string()
            };
            let val: i64 = match g.below(5) {
                0 => g.next() as i64 - (1 << 30),
                1 => (g.next() << 31 | g.next()) as i64,
                2 => -((g.next() << 31 | g.next()) as i64),
                3 => g.below(5) as i64 - 2,
                _ => i64::MAX - g.below(3) as i64,
            };
            match g.below(6) {
                0 => cmd.extend([
                    "OVERFLOW".into(),
                    ["WRAP", "SAT", "FAIL"][g.below(3) as usize].into(),
                ]),
                1 | 2 => cmd.extend(["GET".into(), ty, off]),
                3 => cmd.extend(["SET".into(), ty, off, val.to_string()]),
                _ => cmd.extend(["INCRBY".into(), ty, off, val.to_string()]),
            }
        }
        p.check(&cmd);
    }
    p.check(&["GET", "r"]);
}

#[test]
fn keyspace_events_of_bit_writes() {
    let mut p = Pair::new();
    p.check(&["CONFIG", "SET", "notify-keyspace-events", "KEA"]);
    let (mut rs, mut cs) = p.connect_more();
    rs.cmd(&["PSUBSCRIBE", "__key*__:*"]);
    cs.cmd(&["PSUBSCRIBE", "__key*__:*"]);
    let cmds: &[&[&str]] = &[
        &["SETBIT", "a", "3", "1"],
        &["SETBIT", "a", "3", "1"],
        &["SETBIT", "a", "3", "0"],
        &["SETBIT", "a", "100", "0"],
        &["BITFIELD", "b", "SET", "u8", "0", "1"],
        &["BITFIELD", "b", "SET", "u8", "0", "1"],
        &[
            "BITFIELD", "b", "INCRBY", "u8", "0", "1", "INCRBY", "u8", "8", "0",
        ],
        &[
            "BITFIELD", "b", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1000",
        ],
        &["BITFIELD", "b", "GET", "u8", "0"],
        &["BITOP", "OR", "c", "a", "b"],
        &["BITOP", "AND", "c", "nokey"],
        &["BITOP", "AND", "c", "nokey"],
        &["SET", "end", "1"],
    ];
    for c in cmds {
        p.check(c);
    }
    loop {
        let (r, c) = (rs.read_reply(), cs.read_reply());
        assert_eq!(show(&c), show(&r));
        if r.ends_with(b"end\r\n") && r.windows(3).any(|w| w == b"set") {
            break;
        }
    }
}
