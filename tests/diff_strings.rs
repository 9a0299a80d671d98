//! Differential tests of the string commands against a real redis-server: every command
//! with its options, error cases (arity, wrong type, bad integers and floats, syntax,
//! overflow, limits), binary and empty values, GETRANGE index arithmetic, INCRBYFLOAT
//! formatting and LCS reply shapes, compared byte for byte.
//!
//! Valkey's `SET ... IFEQ` and `DELIFEQ` are not in the Redis 7.0 oracle; they are
//! covered in `engine_strings.rs`.
#![cfg(feature = "native")]
mod common;

use common::{Pair, show};

/// Create a list at `key` on both servers; false (and a note) if Cinnabar does not serve
/// lists yet, in which case WRONGTYPE checks are skipped.
fn make_list(p: &mut Pair, key: &str) -> bool {
    let (r, c) = p.both(&["RPUSH", key, "a", "b"]);
    assert_eq!(show(&r), ":2\\r\\n");
    if c.starts_with(b"-ERR unknown command") {
        eprintln!("cinnabar serves no lists yet: WRONGTYPE checks skipped");
        return false;
    }
    assert_eq!(show(&c), show(&r));
    true
}

/// An integer reply's value.
fn int_of(raw: &[u8]) -> i64 {
    let s = String::from_utf8_lossy(raw);
    s.trim_start_matches(':')
        .trim_end()
        .parse()
        .unwrap_or_else(|_| panic!("not an integer reply: {s:?}"))
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Both servers' PTTL of `key`, each asserted within `lo..=hi`.
#[track_caller]
fn pttl_within(p: &mut Pair, key: &str, lo: i64, hi: i64) {
    let (r, c) = p.both(&["PTTL", key]);
    for (who, raw) in [("redis", &r), ("cinnabar", &c)] {
        let v = int_of(raw);
        assert!(
            (lo..=hi).contains(&v),
            "{who} PTTL {key} = {v}, expected {lo}..={hi}"
        );
    }
}

#[test]
fn get_and_set_basics() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SET", "k", "v"],
        &["GET", "k"],
        &["GET", "missing"],
        &["SET", "", ""],
        &["GET", ""],
        &["STRLEN", ""],
        &["SET", "k"],
        &["GET"],
        &["GET", "a", "b"],
        &["SET"],
        &["set", "K", "V"],
        &["get", "K"],
        &["SET", "n", "-0"],
        &["OBJECT", "ENCODING", "n"],
        &["SET", "n", "9223372036854775808"],
        &["OBJECT", "ENCODING", "n"],
        &["SET", "n", "-9223372036854775808"],
        &["OBJECT", "ENCODING", "n"],
        &["SET", "n", "12345678901234567890"],
        &["OBJECT", "ENCODING", "n"],
    ]);
    let key: &[u8] = b"bin\x00key\r\n";
    let val: &[u8] = b"\x00\r\n\xff\x01 binary \r\n\x00";
    p.check(&[&b"SET"[..], key, val]);
    p.check(&[&b"GET"[..], key]);
    p.check(&[&b"STRLEN"[..], key]);
    p.check(&[&b"APPEND"[..], key, b"\r\n\x00"]);
    p.check(&[&b"GET"[..], key]);
    p.check(&[&b"GETRANGE"[..], key, b"1", b"-2"]);
    let big = "x".repeat(100_000);
    p.check(&["SET", "big", &big]);
    p.check(&["GET", "big"]);
    p.check(&["OBJECT", "ENCODING", "big"]);
    for len in [0usize, 1, 20, 21, 44, 45] {
        let v = "7".repeat(len.max(1))[..len.max(1)].to_string();
        let v = if len == 0 { String::new() } else { v };
        p.check(&["SET", "e", &v]);
        p.check(&["OBJECT", "ENCODING", "e"]);
        let v: String = "a".repeat(len);
        p.check(&["SET", "e", &v]);
        p.check(&["OBJECT", "ENCODING", "e"]);
    }
}

#[test]
fn set_options_and_conditions() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SET", "k", "v", "XX"],
        &["EXISTS", "k"],
        &["SET", "k", "v", "NX"],
        &["SET", "k", "w", "NX"],
        &["GET", "k"],
        &["SET", "k", "w", "XX"],
        &["SET", "k", "x", "GET"],
        &["SET", "k", "y", "NX", "GET"],
        &["GET", "k"],
        &["SET", "m", "y", "XX", "GET"],
        &["EXISTS", "m"],
        &["SET", "m", "y", "NX", "GET"],
        &["SET", "m", "z", "get", "get", "nx", "nx"],
        &["SET", "m", "z", "xx", "xx"],
        &["GET", "m"],
        &["SET", "k", "v", "EX", "100"],
        &["TTL", "k"],
        &["SET", "k", "w", "KEEPTTL"],
        &["TTL", "k"],
        &["SET", "k", "w", "keepttl", "KEEPTTL"],
        &["TTL", "k"],
        &["SET", "k", "x"],
        &["TTL", "k"],
        &["SET", "k", "v", "PX", "100000"],
        &["TTL", "k"],
        &["SET", "k", "v", "ex", "10", "EX", "100"],
        &["TTL", "k"],
        &["SET", "k", "v", "GET", "EX", "200"],
        &["TTL", "k"],
        &["SET", "k", "v", "NX", "EX", "10"],
        &["TTL", "k"],
        &["SET", "k", "v", "XX", "PX", "300000", "GET"],
        &["TTL", "k"],
        &["SET", "nk", "v", "KEEPTTL"],
        &["TTL", "nk"],
    ]);
    pttl_within(&mut p, "k", 299_000, 300_000);
    // Absolute times.
    let exat = (now_ms() / 1000 + 1000).to_string();
    p.check(&["SET", "a", "v", "EXAT", &exat]);
    let (r, c) = p.both(&["TTL", "a"]);
    for raw in [r, c] {
        assert!((998..=1000).contains(&int_of(&raw)), "TTL {}", show(&raw));
    }
    let pxat = (now_ms() + 500_000).to_string();
    p.check(&["SET", "a", "v", "PXAT", &pxat]);
    pttl_within(&mut p, "a", 490_000, 500_000);
    // In the past: the key is gone at once.
    p.check_all(&[
        &["SET", "a", "v", "PXAT", "1"],
        &["EXISTS", "a"],
        &["SET", "b", "old"],
        &["SET", "b", "new", "EXAT", "1", "GET"],
        &["EXISTS", "b"],
        &["SET", "b", "v", "PXAT", "1", "NX"],
        &["EXISTS", "b"],
    ]);
}

#[test]
fn set_errors() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SET", "k", "v", "NX", "XX"],
        &["SET", "k", "v", "XX", "NX"],
        &["SET", "k", "v", "EX", "10", "PX", "10"],
        &["SET", "k", "v", "PX", "10", "EXAT", "10"],
        &["SET", "k", "v", "EXAT", "10", "PXAT", "10"],
        &["SET", "k", "v", "EX", "10", "KEEPTTL"],
        &["SET", "k", "v", "KEEPTTL", "PX", "10"],
        &["SET", "k", "v", "EX"],
        &["SET", "k", "v", "PXAT"],
        &["SET", "k", "v", "PERSIST"],
        &["SET", "k", "v", "FOO"],
        &["SET", "k", "v", "EXX", "10"],
        &["SET", "k", "v", "EX", "0"],
        &["SET", "k", "v", "EX", "-10"],
        &["SET", "k", "v", "PX", "0"],
        &["SET", "k", "v", "EXAT", "0"],
        &["SET", "k", "v", "PXAT", "-1"],
        &["SET", "k", "v", "EX", "abc"],
        &["SET", "k", "v", "EX", "1.5"],
        &["SET", "k", "v", "EX", ""],
        &["SET", "k", "v", "EX", "9223372036854775807"],
        &["SET", "k", "v", "EX", "9223372036854775"],
        &["SET", "k", "v", "EX", "9223372036854774"],
        &["SET", "k", "v", "PX", "9223372036854775807"],
        &["SET", "k", "v", "PX", "9223372036854775808"],
        &["SET", "k", "v", "EXAT", "9223372036854775"],
        &["SET", "k", "v", "EXAT", "9223372036854776"],
        &["SET", "k", "v", "PX", "9223372036854775807", "GET"],
        &["EXISTS", "k"],
        &["SETEX", "k", "0", "v"],
        &["SETEX", "k", "-1", "v"],
        &["SETEX", "k", "x", "v"],
        &["SETEX", "k", "9223372036854775807", "v"],
        &["SETEX", "k", "10"],
        &["PSETEX", "k", "0", "v"],
        &["PSETEX", "k", "9223372036854775807", "v"],
        &["PSETEX", "k", "10", "v", "x"],
        &["SETNX", "k"],
        &["EXISTS", "k"],
    ]);
}

#[test]
fn setnx_setex_psetex_getset() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SETNX", "k", "v"],
        &["SETNX", "k", "w"],
        &["GET", "k"],
        &["SETEX", "k", "100", "x"],
        &["GET", "k"],
        &["TTL", "k"],
        &["PSETEX", "k", "200000", "y"],
        &["TTL", "k"],
        &["GET", "k"],
        &["GETSET", "k", "z"],
        &["TTL", "k"],
        &["GETSET", "new", "1"],
        &["GET", "new"],
        &["OBJECT", "ENCODING", "new"],
        &["GETSET", "k"],
        &["SETEX", "e", "100", "12"],
        &["OBJECT", "ENCODING", "e"],
    ]);
}

#[test]
fn getdel_and_getex() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SET", "k", "v"],
        &["GETDEL", "k"],
        &["GETDEL", "k"],
        &["EXISTS", "k"],
        &["GETDEL"],
        &["GETDEL", "a", "b"],
        &["GETEX", "missing"],
        &["GETEX", "missing", "EX", "-1"],
        &["GETEX", "missing", "EX", "x"],
        &["GETEX", "missing", "FOO"],
        &["SET", "k", "v"],
        &["GETEX", "k"],
        &["TTL", "k"],
        &["GETEX", "k", "EX", "100"],
        &["TTL", "k"],
        &["GETEX", "k", "PX", "200000"],
        &["TTL", "k"],
        &["GETEX", "k", "PERSIST"],
        &["TTL", "k"],
        &["GETEX", "k", "persist", "PERSIST"],
        &["GETEX", "k", "EX", "0"],
        &["GETEX", "k", "PX", "-5"],
        &["GETEX", "k", "EX", "abc"],
        &["GETEX", "k", "EX", "9223372036854775807"],
        &["GETEX", "k", "EX"],
        &["GETEX", "k", "EX", "10", "PX", "10"],
        &["GETEX", "k", "PERSIST", "EX", "10"],
        &["GETEX", "k", "EX", "10", "PERSIST"],
        &["GETEX", "k", "KEEPTTL"],
        &["GETEX", "k", "NX"],
        &["GETEX", "k", "GET"],
        &["GETEX", "k", "EX", "10", "EX", "100"],
        &["TTL", "k"],
        &["GETEX", "k", "EXAT", "1"],
        &["EXISTS", "k"],
        &["GETEX"],
        &["SET", "n", "123"],
        &["GETEX", "n", "PXAT", "1"],
        &["EXISTS", "n"],
    ]);
    let exat = (now_ms() / 1000 + 1000).to_string();
    p.check(&["SET", "k", "v"]);
    p.check(&["GETEX", "k", "EXAT", &exat]);
    pttl_within(&mut p, "k", 995_000, 1_000_000);
}

#[test]
fn counters() {
    let mut p = Pair::new();
    p.check_all(&[
        &["INCR", "n"],
        &["INCR", "n"],
        &["DECR", "n"],
        &["DECR", "n"],
        &["DECR", "n"],
        &["INCRBY", "n", "100"],
        &["INCRBY", "n", "-1000"],
        &["DECRBY", "n", "-5"],
        &["DECRBY", "n", "5"],
        &["OBJECT", "ENCODING", "n"],
        &["SET", "n", "9223372036854775806"],
        &["INCR", "n"],
        &["INCR", "n"],
        &["GET", "n"],
        &["INCRBY", "n", "-9223372036854775807"],
        &["SET", "n", "-9223372036854775807"],
        &["DECR", "n"],
        &["DECR", "n"],
        &["DECRBY", "n", "1"],
        &["INCRBY", "n", "-1"],
        &["DECRBY", "n", "-9223372036854775808"],
        &["DECRBY", "missing", "-9223372036854775808"],
        &["DECRBY", "n", "9223372036854775807"],
        &["INCRBY", "n", "9223372036854775807"],
        &["INCRBY", "n", "9223372036854775808"],
        &["INCRBY", "n", "1.0"],
        &["INCRBY", "n", "0x10"],
        &["INCRBY", "n", " 1"],
        &["INCRBY", "n", "+1"],
        &["INCRBY", "n", ""],
        &["INCRBY", "n"],
        &["INCR", "n", "1"],
        &["DECR"],
    ]);
    for bad in [
        "abc",
        " 1",
        "1 ",
        "01",
        "+1",
        "",
        "1.0",
        "-0",
        "99999999999999999999",
        "1e3",
        "\x001",
    ] {
        p.check(&["SET", "s", bad]);
        p.check(&["INCR", "s"]);
        p.check(&["DECRBY", "s", "2"]);
    }
    p.check_all(&[
        &["SET", "s", "10"],
        &["APPEND", "s", "0"],
        &["OBJECT", "ENCODING", "s"],
        &["INCR", "s"],
        &["OBJECT", "ENCODING", "s"],
        &["SET", "t", "55", "EX", "100"],
        &["INCR", "t"],
        &["TTL", "t"],
    ]);
}

#[test]
fn incrbyfloat_formatting_and_errors() {
    let mut p = Pair::new();
    for _ in 0..12 {
        p.check(&["INCRBYFLOAT", "f", "0.1"]);
    }
    for _ in 0..12 {
        p.check(&["INCRBYFLOAT", "f", "-0.3"]);
    }
    p.check(&["OBJECT", "ENCODING", "f"]);
    let cases = [
        "10.5",
        "5.0e3",
        "-5",
        "3.0e-2",
        "1e300",
        "1e4000",
        "-1e4000",
        "1e-4000",
        "0x1p3",
        "0X1.8P-2",
        "+1.5",
        ".5",
        "5.",
        "-0",
        "+0",
        "1.23456789012345678901234",
        "1e-20",
        "-1e-20",
        "123456789012345678901234567890",
        "0.000000000000000005",
        "0.000000000000000015",
        "1E2",
        "1e+2",
        "00012.5000",
        "-.25",
        "17976931348623157e292",
        "4e-4951",
        "3.6e-4951",
        "1.18e4932",
        "2.5",
        "-2.5",
        "0.1e1",
        "9223372036854775807",
        "-9223372036854775808",
        "18446744073709551616",
        "0.30000000000000004",
        "3.14159265358979323846264338327950288",
        "1e19",
        "1e20",
        "1e-19",
    ];
    for c in cases {
        p.check(&["DEL", "g"]);
        p.check(&["INCRBYFLOAT", "g", c]);
        p.check(&["INCRBYFLOAT", "g", c]);
        p.check(&["INCRBYFLOAT", "g", "0.1"]);
    }
    p.check(&["SET", "h", "10.50"]);
    p.check(&["INCRBYFLOAT", "h", "0"]);
    p.check(&["OBJECT", "ENCODING", "h"]);
    p.check(&["SET", "h", "7"]);
    p.check(&["INCRBYFLOAT", "h", "3"]);
    p.check(&["OBJECT", "ENCODING", "h"]);
    p.check(&["SET", "t", "1", "EX", "100"]);
    p.check(&["INCRBYFLOAT", "t", "1.5"]);
    p.check(&["TTL", "t"]);
    let errors: &[&[&str]] = &[
        &["INCRBYFLOAT", "h", "abc"],
        &["INCRBYFLOAT", "h", ""],
        &["INCRBYFLOAT", "h", " 1"],
        &["INCRBYFLOAT", "h", "1 "],
        &["INCRBYFLOAT", "h", "1e"],
        &["INCRBYFLOAT", "h", "nan"],
        &["INCRBYFLOAT", "h", "-nan"],
        &["INCRBYFLOAT", "h", "inf"],
        &["INCRBYFLOAT", "h", "-Infinity"],
        &["INCRBYFLOAT", "h", "1e5000"],
        &["INCRBYFLOAT", "h", "1e-5000"],
        &["INCRBYFLOAT", "h", "0x"],
        &["INCRBYFLOAT", "h", "1.2.3"],
        &["INCRBYFLOAT", "h"],
        &["INCRBYFLOAT", "h", "1", "2"],
    ];
    for e in errors {
        p.check(e);
    }
    p.check(&["INCRBYFLOAT", "h", &"1".repeat(5119)]);
    p.check(&["INCRBYFLOAT", "h", &"1".repeat(5120)]);
    for stored in ["abc", "1e5000", "inf", "1.1e4932", " 1", "", "0x10"] {
        p.check(&["SET", "s", stored]);
        p.check(&["INCRBYFLOAT", "s", "1"]);
        p.check(&["INCRBYFLOAT", "s", "1.1e4932"]);
        p.check(&["GET", "s"]);
    }
    p.check(&[&b"SET"[..], b"s", b"2\x00junk"]);
    p.check(&["INCRBYFLOAT", "s", "1"]);
    p.check(&[&b"INCRBYFLOAT"[..], b"h", b"1\x00"]);
    p.check(&[&b"INCRBYFLOAT"[..], b"h", b"\x001"]);
}

#[test]
fn getrange_substr_strlen() {
    let mut p = Pair::new();
    let values: [&[u8]; 6] = [
        b"",
        b"a",
        b"Hello World",
        b"-12345",
        b"\x00\r\n\x00",
        b"9223372036854775807",
    ];
    let idx: Vec<String> = (-13..=13)
        .map(|i: i64| i.to_string())
        .chain(["9223372036854775807", "-9223372036854775808", "100000"].map(String::from))
        .collect();
    for v in values {
        p.check(&[&b"SET"[..], b"k", v]);
        p.check(&["STRLEN", "k"]);
        for s in &idx {
            for e in &idx {
                p.check(&["GETRANGE", "k", s, e]);
            }
        }
        p.check(&["SUBSTR", "k", "1", "-2"]);
    }
    p.check_all(&[
        &["GETRANGE", "missing", "0", "-1"],
        &["SUBSTR", "missing", "0", "-1"],
        &["STRLEN", "missing"],
        &["GETRANGE", "k", "a", "1"],
        &["GETRANGE", "k", "0", "1.5"],
        &["GETRANGE", "missing", "x", "1"],
        &["GETRANGE", "k", "0", "9223372036854775808"],
        &["GETRANGE", "k", "0"],
        &["SUBSTR", "k", "0"],
        &["STRLEN"],
    ]);
}

#[test]
fn append_and_setrange() {
    let mut p = Pair::new();
    p.check_all(&[
        &["APPEND", "k", "Hello"],
        &["APPEND", "k", " World"],
        &["GET", "k"],
        &["APPEND", "k", ""],
        &["APPEND", "e", ""],
        &["EXISTS", "e"],
        &["GET", "e"],
        &["OBJECT", "ENCODING", "k"],
        &["APPEND", "n", "12"],
        &["OBJECT", "ENCODING", "n"],
        &["APPEND", "n", "3"],
        &["OBJECT", "ENCODING", "n"],
        &["GET", "n"],
        &["APPEND", "k"],
        &["SETRANGE", "k", "6", "Redis"],
        &["GET", "k"],
        &["SETRANGE", "k", "20", "!"],
        &["GET", "k"],
        &["SETRANGE", "k", "0", ""],
        &["SETRANGE", "k", "1000", ""],
        &["GET", "k"],
        &["SETRANGE", "new", "5", "x"],
        &["GET", "new"],
        &["OBJECT", "ENCODING", "new"],
        &["SETRANGE", "none", "5", ""],
        &["EXISTS", "none"],
        &["SETRANGE", "none", "0", ""],
        &["SETRANGE", "k", "-1", "x"],
        &["SETRANGE", "none", "-1", ""],
        &["SETRANGE", "k", "x", "y"],
        &["SETRANGE", "k", "1.5", "y"],
        &["SETRANGE", "k", "536870911", ""],
        &["SETRANGE", "k", "536870912", "x"],
        &["SETRANGE", "none", "536870912", "x"],
        &["SETRANGE", "none", "536870912", ""],
        &["SETRANGE", "k", "9223372036854775807", "x"],
        &["SETRANGE", "k", "9223372036854775808", "x"],
        &["SETRANGE", "k", "0"],
        &["SET", "i", "1234"],
        &["SETRANGE", "i", "1", "x"],
        &["GET", "i"],
        &["OBJECT", "ENCODING", "i"],
        &["SET", "t", "abc", "EX", "100"],
        &["SETRANGE", "t", "1", "B"],
        &["APPEND", "t", "d"],
        &["TTL", "t"],
        &["GET", "t"],
    ]);
    p.check(&[&b"SETRANGE"[..], b"bin", b"3", b"\x00\r\n"]);
    p.check(&["GET", "bin"]);
}

#[test]
fn mget_mset_msetnx() {
    let mut p = Pair::new();
    p.check_all(&[
        &["MSET", "a", "1", "b", "2", "c", "3"],
        &["MGET", "a", "b", "c", "d"],
        &["MGET", "d"],
        &["MGET"],
        &["MSET", "a"],
        &["MSET", "a", "1", "b"],
        &["MSET"],
        &["MSET", "a", "x", "a", "y"],
        &["GET", "a"],
        &["MSETNX", "a", "1", "z", "2"],
        &["EXISTS", "z"],
        &["MSETNX", "y", "1", "z", "2"],
        &["MGET", "y", "z"],
        &["MSETNX", "q", "1", "q", "2"],
        &["GET", "q"],
        &["MSETNX", "w"],
        &["MSETNX", "w", "1", "v"],
        &["SET", "t", "v", "EX", "100"],
        &["MSET", "t", "w"],
        &["TTL", "t"],
    ]);
    let keys: Vec<String> = (0..500).map(|i| format!("key:{i}")).collect();
    let mut mset = vec!["MSET".to_string()];
    for k in &keys {
        mset.push(k.clone());
        mset.push(format!("val:{k}"));
    }
    p.check(&mset);
    let mut mget = vec!["MGET".to_string()];
    mget.extend(keys.iter().cloned());
    mget.push("nope".into());
    p.check(&mget);
}

#[test]
fn lcs_variants() {
    let mut p = Pair::new();
    p.check_all(&[
        &["MSET", "k1", "ohmytext", "k2", "mynewtext"],
        &["LCS", "k1", "k2"],
        &["LCS", "k1", "k2", "LEN"],
        &["LCS", "k1", "k2", "IDX"],
        &["LCS", "k1", "k2", "IDX", "WITHMATCHLEN"],
        &["LCS", "k1", "k2", "IDX", "MINMATCHLEN", "4"],
        &["LCS", "k1", "k2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"],
        &["LCS", "k1", "k2", "IDX", "MINMATCHLEN", "-5"],
        &["LCS", "k1", "k2", "WITHMATCHLEN"],
        &["LCS", "k1", "k2", "MINMATCHLEN", "2"],
        &["LCS", "k1", "k2", "len", "idx"],
        &["LCS", "k1", "k2", "MINMATCHLEN"],
        &["LCS", "k1", "k2", "MINMATCHLEN", "x"],
        &["LCS", "k1", "k2", "FOO"],
        &["LCS", "k1", "missing"],
        &["LCS", "missing", "k2", "IDX"],
        &["LCS", "missing", "missing2", "LEN"],
        &["LCS", "k1"],
        &["LCS", "k1", "k1", "IDX", "WITHMATCHLEN"],
        &["MSET", "n1", "1234567", "n2", "2345"],
        &["LCS", "n1", "n2", "IDX", "WITHMATCHLEN"],
        &["MSET", "x", "abcabcabcXYZabc", "y", "bcaXYZcbaabcab"],
        &["LCS", "x", "y"],
        &["LCS", "x", "y", "IDX", "WITHMATCHLEN"],
        &["LCS", "y", "x", "IDX", "WITHMATCHLEN", "MINMATCHLEN", "2"],
    ]);
    // Longer pseudo-random strings over a small alphabet (many equal-length choices).
    let mut seed = 12345u64;
    let mut rnd = |n: usize| -> String {
        (0..n)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (b'a' + ((seed >> 33) % 4) as u8) as char
            })
            .collect()
    };
    for (la, lb) in [(50, 60), (300, 200), (1, 500)] {
        let (a, b) = (rnd(la), rnd(lb));
        p.check(&["MSET", "ra", &a, "rb", &b]);
        p.check(&["LCS", "ra", "rb"]);
        p.check(&["LCS", "ra", "rb", "LEN"]);
        p.check(&["LCS", "ra", "rb", "IDX", "WITHMATCHLEN"]);
        p.check(&["LCS", "rb", "ra", "IDX", "MINMATCHLEN", "3"]);
    }
    // A table over proto-max-bulk-len is refused (12001^2 * 4 bytes > 512 MB).
    let a = "a".repeat(12_000);
    p.check(&["MSET", "la", &a, "lb", &a]);
    p.check(&["LCS", "la", "lb", "LEN"]);
    p.check(&["LCS", "la", "lb"]);
    // RESP3: IDX is a map.
    let (r, c) = p.both(&["HELLO", "3"]);
    if c.starts_with(b"%") && r.starts_with(b"%") {
        p.check(&["LCS", "k1", "k2", "IDX", "WITHMATCHLEN"]);
        p.check(&["GET", "missing"]);
        p.check(&["SET", "k1", "v", "XX", "GET"]);
        p.check(&["MGET", "k1", "missing"]);
    }
}

#[test]
fn wrong_type_errors() {
    let mut p = Pair::new();
    if !make_list(&mut p, "list") {
        return;
    }
    p.check(&["SET", "s", "v"]);
    let cmds: &[&[&str]] = &[
        &["GET", "list"],
        &["GETDEL", "list"],
        &["GETEX", "list"],
        &["GETEX", "list", "EX", "10"],
        &["GETEX", "list", "EX", "-1"],
        &["GETRANGE", "list", "0", "-1"],
        &["GETRANGE", "list", "x", "-1"],
        &["SUBSTR", "list", "0", "-1"],
        &["STRLEN", "list"],
        &["GETSET", "list", "v"],
        &["APPEND", "list", "v"],
        &["SETRANGE", "list", "0", "v"],
        &["SETRANGE", "list", "0", ""],
        &["SETRANGE", "list", "-1", "v"],
        &["INCR", "list"],
        &["DECR", "list"],
        &["INCRBY", "list", "1"],
        &["INCRBY", "list", "x"],
        &["DECRBY", "list", "1"],
        &["DECRBY", "list", "-9223372036854775808"],
        &["INCRBYFLOAT", "list", "1"],
        &["INCRBYFLOAT", "list", "x"],
        &["SET", "list", "v", "GET"],
        &["SET", "list", "v", "NX"],
        &["SET", "list", "v", "XX", "GET"],
        &["SET", "list", "v", "EX", "0", "GET"],
        &["SETNX", "list", "v"],
        &["MSETNX", "list", "v"],
        &["MGET", "list", "s", "list"],
        &["LCS", "list", "s"],
        &["LCS", "s", "list", "LEN"],
        &["LCS", "s", "list", "FOO"],
        &["TYPE", "list"],
        &["SET", "list", "v", "XX"],
        &["TYPE", "list"],
        &["RPUSH", "list2", "x"],
        &["MSET", "list2", "v"],
        &["TYPE", "list2"],
        &["RPUSH", "list3", "x"],
        &["SETEX", "list3", "100", "v"],
        &["TYPE", "list3"],
    ];
    for c in cmds {
        p.check(c);
    }
}
