//! Differential tests of the generic keyspace commands against a real redis-server:
//! DEL, UNLINK, EXISTS, TYPE, TOUCH, RENAME(NX), MOVE, COPY, KEYS, SCAN, RANDOMKEY, the
//! EXPIRE and TTL families, PERSIST and OBJECT. Replies are compared byte for byte,
//! except KEYS and SCAN results, whose order legitimately differs: those are compared as
//! sorted lists.
#![cfg(feature = "native")]
mod common;

use common::{Pair, show};

/// A decoded RESP reply (enough for arrays of bulks and integers).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum R {
    Simple(Vec<u8>),
    Err(Vec<u8>),
    Int(i64),
    Bulk(Option<Vec<u8>>),
    Array(Option<Vec<R>>),
}

fn parse(raw: &[u8]) -> R {
    fn line(raw: &[u8], i: &mut usize) -> Vec<u8> {
        let start = *i;
        let end = start
            + raw[start..]
                .windows(2)
                .position(|w| w == b"\r\n")
                .expect("CRLF");
        *i = end + 2;
        raw[start..end].to_vec()
    }
    fn num(b: &[u8]) -> i64 {
        std::str::from_utf8(b)
            .expect("utf8")
            .parse()
            .expect("number")
    }
    fn one(raw: &[u8], i: &mut usize) -> R {
        let t = raw[*i];
        *i += 1;
        let l = line(raw, i);
        match t {
            b'+' => R::Simple(l),
            b'-' => R::Err(l),
            b':' => R::Int(num(&l)),
            b'$' => {
                let n = num(&l);
                if n < 0 {
                    return R::Bulk(None);
                }
                let b = raw[*i..*i + n as usize].to_vec();
                *i += n as usize + 2;
                R::Bulk(Some(b))
            }
            b'*' => {
                let n = num(&l);
                if n < 0 {
                    return R::Array(None);
                }
                R::Array(Some((0..n).map(|_| one(raw, i)).collect()))
            }
            other => panic!("unexpected type {:?}", other as char),
        }
    }
    let mut i = 0;
    one(raw, &mut i)
}

/// The items of an array reply, sorted.
fn sorted(raw: &[u8]) -> Vec<R> {
    match parse(raw) {
        R::Array(Some(mut v)) => {
            v.sort();
            v
        }
        other => panic!("not an array: {other:?} ({})", show(raw)),
    }
}

/// KEYS on both servers; the same keys in any order.
#[track_caller]
fn check_keys(p: &mut Pair, pattern: &[u8]) -> Vec<R> {
    let (r, c) = p.both(&[&b"KEYS"[..], pattern]);
    let (rs, cs) = (sorted(&r), sorted(&c));
    assert_eq!(
        cs,
        rs,
        "KEYS {:?} differs (left: cinnabar, right: redis)",
        show(pattern)
    );
    rs
}

/// A SCAN reply split into (cursor, sorted keys), or an error reply.
fn scan_parts(raw: &[u8]) -> Result<(Vec<u8>, Vec<R>), Vec<u8>> {
    match parse(raw) {
        R::Array(Some(v)) if v.len() == 2 => {
            let R::Bulk(Some(cursor)) = v[0].clone() else {
                panic!("cursor: {}", show(raw))
            };
            let R::Array(Some(mut keys)) = v[1].clone() else {
                panic!("keys: {}", show(raw))
            };
            keys.sort();
            Ok((cursor, keys))
        }
        R::Err(e) => Err(e),
        other => panic!("bad SCAN reply {other:?}"),
    }
}

/// A SCAN call that completes in one step on both servers (small keyspaces, big COUNT),
/// or fails the same way.
#[track_caller]
fn check_scan_one_step(p: &mut Pair, args: &[&[u8]]) {
    let (r, c) = p.both(args);
    let shown: Vec<String> = args.iter().map(|a| show(a)).collect();
    assert_eq!(
        scan_parts(&c),
        scan_parts(&r),
        "{shown:?} (left: cinnabar, right: redis)"
    );
}

/// A whole SCAN iteration (with the given options) on one connection: the set of keys.
fn scan_all(conn: &mut common::Conn, opts: &[&str]) -> Vec<R> {
    let mut cursor = b"0".to_vec();
    let mut all = Vec::new();
    for _ in 0..100_000 {
        let mut args: Vec<&[u8]> = vec![b"SCAN", &cursor];
        args.extend(opts.iter().map(|o| o.as_bytes()));
        let raw = conn.cmd(&args);
        let (next, keys) = scan_parts(&raw).expect("scan ok");
        all.extend(keys);
        if next == b"0" {
            all.sort();
            all.dedup();
            return all;
        }
        cursor = next;
    }
    panic!("SCAN did not finish");
}

#[test]
fn del_unlink_exists_touch_type() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SET", "a", "1"],
        &["SET", "b", "2"],
        &["SET", "c", "3"],
        &["EXISTS", "a"],
        &["EXISTS", "a", "a", "b", "zz", "a"],
        &["EXISTS", "zz"],
        &["TYPE", "a"],
        &["TYPE", "zz"],
        &["TOUCH", "a", "b", "zz", "a"],
        &["TOUCH", "zz"],
        &["DEL", "a", "a", "zz"],
        &["DEL", "a"],
        &["UNLINK", "b", "c", "b", "zz"],
        &["EXISTS", "a", "b", "c"],
        // Arity.
        &["DEL"],
        &["UNLINK"],
        &["EXISTS"],
        &["TOUCH"],
        &["TYPE"],
        &["TYPE", "a", "b"],
        &["del", "x"],
    ]);
    let key: &[u8] = b"k\x00\r\n\xff";
    p.check(&[&b"SET"[..], key, b"v"]);
    p.check(&[&b"EXISTS"[..], key, key, b"k"]);
    p.check(&[&b"TYPE"[..], key]);
    p.check(&[&b"DEL"[..], key, b"k"]);
    p.check(&[&b"EXISTS"[..], key]);
}

#[test]
fn rename_and_renamenx() {
    let mut p = Pair::new();
    p.check_all(&[
        &["RENAME", "nope", "x"],
        &["RENAMENX", "nope", "x"],
        &["RENAME", "nope", "nope"],
        &["RENAMENX", "nope", "nope"],
        &["SET", "a", "1"],
        &["RENAME", "a", "a"],
        &["RENAMENX", "a", "a"],
        &["EXPIRE", "a", "1000"],
        &["RENAME", "a", "b"],
        &["EXISTS", "a"],
        &["GET", "b"],
        &["TTL", "b"],
        &["SET", "c", "3"],
        &["RENAMENX", "b", "c"],
        &["GET", "c"],
        &["RENAME", "c", "b"],
        &["GET", "b"],
        &["TTL", "b"],
        &["RENAMENX", "b", "d"],
        &["GET", "d"],
        &["EXISTS", "b"],
        &["RENAME", "d"],
        &["RENAME", "d", "e", "f"],
        &["RENAMENX", "d"],
    ]);
    let key: &[u8] = b"\x00bin\xfe";
    p.check(&[&b"RENAME"[..], b"d", key]);
    p.check(&[&b"GET"[..], key]);
    p.check(&[&b"RENAMENX"[..], key, b"\xff"]);
    p.check(&[&b"GET"[..], b"\xff"]);
}

#[test]
fn move_between_databases() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SET", "k", "v"],
        &["EXPIRE", "k", "1000"],
        &["MOVE", "k", "0"],
        &["MOVE", "k", "16"],
        &["MOVE", "k", "-1"],
        &["MOVE", "k", "abc"],
        &["MOVE", "k", "4294967296"],
        &["MOVE", "k", "2147483648"],
        &["MOVE", "k", "1.5"],
        &["MOVE", "k", ""],
        &["MOVE", "missing", "1"],
        &["MOVE", "missing", "0"],
        &["MOVE", "k", "1"],
        &["EXISTS", "k"],
        &["SET", "k", "other"],
        &["MOVE", "k", "1"],
        &["GET", "k"],
        &["MOVE"],
        &["MOVE", "k"],
        &["MOVE", "k", "1", "2"],
        &["SELECT", "1"],
        &["GET", "k"],
        &["TTL", "k"],
        &["MOVE", "k", "0"],
        &["MOVE", "k", "2"],
        &["EXISTS", "k"],
        &["SELECT", "2"],
        &["GET", "k"],
    ]);
}

#[test]
fn copy_with_db_and_replace() {
    let mut p = Pair::new();
    let long = "x".repeat(60);
    p.check_all(&[
        &["SET", "raw", &long],
        &["SET", "int", "12345"],
        &["SET", "emb", "hello"],
        &["EXPIRE", "emb", "1000"],
        &["COPY", "raw", "raw2"],
        &["COPY", "int", "int2"],
        &["COPY", "emb", "emb2"],
        &["OBJECT", "ENCODING", "raw2"],
        &["OBJECT", "ENCODING", "int2"],
        &["OBJECT", "ENCODING", "emb2"],
        &["GET", "raw2"],
        &["TTL", "emb2"],
        &["TTL", "int2"],
        &["SET", "emb", "changed"],
        &["GET", "emb2"],
        &["COPY", "raw", "int"],
        &["GET", "int"],
        &["COPY", "raw", "int", "REPLACE"],
        &["GET", "int"],
        &["COPY", "raw", "int", "replace", "REPLACE"],
        &["COPY", "missing", "x"],
        &["COPY", "missing", "x", "REPLACE"],
        &["COPY", "a", "a"],
        &["COPY", "raw", "raw"],
        &["COPY", "raw", "raw", "DB", "0"],
        &["COPY", "raw", "raw", "DB", "1"],
        &["COPY", "raw", "raw", "DB", "1"],
        &["COPY", "raw", "raw", "DB", "1", "REPLACE"],
        &["COPY", "emb2", "e", "DB", "2", "DB", "3"],
        &["COPY", "a", "b", "DB", "16"],
        &["COPY", "a", "b", "DB", "-1"],
        &["COPY", "a", "b", "DB", "x"],
        &["COPY", "a", "b", "DB", "99999999999"],
        &["COPY", "a", "b", "DB"],
        &["COPY", "a", "b", "FOO"],
        &["COPY", "a", "b", "REPLACE", "FOO"],
        &["COPY", "a", "b", "DB", "x", "FOO"],
        &["COPY", "a", "b", "FOO", "DB", "x"],
        &["COPY", "a", "b", "DB", "16", "FOO"],
        &["COPY", "a", "a", "FOO"],
        &["COPY", "a"],
        &["COPY"],
        &["SELECT", "3"],
        &["GET", "e"],
        &["TTL", "e"],
        &["SELECT", "2"],
        &["EXISTS", "e"],
        &["SELECT", "1"],
        &["GET", "raw"],
    ]);
    let key: &[u8] = b"\x00\r\n";
    p.check(&[&b"COPY"[..], b"raw", key]);
    p.check(&[&b"GET"[..], key]);
}

#[test]
fn keys_patterns_match_redis() {
    let mut p = Pair::new();
    let keys: &[&[u8]] = &[
        b"",
        b"a",
        b"b",
        b"ab",
        b"abc",
        b"hello",
        b"hallo",
        b"hxllo",
        b"hllo",
        b"heeeello",
        b"user:1",
        b"user:2",
        b"user:10",
        b"user:1:name",
        b"*",
        b"?",
        b"[",
        b"]",
        b"\\",
        b"-",
        b"^",
        b"!",
        b"a*b",
        b"a\\b",
        b"A",
        b"Hello",
        b"\x00",
        b"\x01x",
        b"\x7f",
        b"\x80",
        b"\x90",
        b"\xfe",
        b"\xff",
        b"\xc3\xa9",
        b"k\r\nk",
        b"_",
        b"z",
    ];
    for k in keys {
        p.check(&[&b"SET"[..], k, b"v"]);
    }
    let patterns: &[&[u8]] = &[
        b"*",
        b"**",
        b"***",
        b"",
        b"?",
        b"??",
        b"*?",
        b"?*",
        b"a*",
        b"*b",
        b"a*b",
        b"a*c",
        b"*b*",
        b"h?llo",
        b"h*llo",
        b"h[ae]llo",
        b"h[^e]llo",
        b"h[!e]llo",
        b"h[a-b]llo",
        b"h[b-a]llo",
        b"h[z-a]llo",
        b"h[a-z]llo",
        b"[a-]",
        b"[-a]",
        b"[]",
        b"[]]",
        b"[]a]",
        b"[^]",
        b"[^",
        b"[",
        b"[a",
        b"[ab",
        b"a[",
        b"\\",
        b"*\\",
        b"\\*",
        b"\\?",
        b"\\[",
        b"a\\*b",
        b"a\\\\b",
        b"a\\b",
        b"[\\]]",
        b"[\\",
        b"[\\-]",
        b"[a\\-z]",
        b"[*]",
        b"[?]",
        b"[\\^]",
        b"[x-]",
        b"user:*",
        b"user:?",
        b"user:*:name",
        b"user:[0-9]",
        b"user:[0-9]*",
        b"user:1*",
        b"*1",
        b"[A-Z]",
        b"[a-Z]",
        b"[Z-a]",
        b"[\x80-\xfe]",
        b"[a-\xff]",
        b"[\xff-a]",
        b"[\x00-\x10]*",
        b"\x80",
        b"?\xa9",
        b"\xc3?",
        b"k?\nk",
        b"k*k",
        b"[^a-z]",
        b"[^a-z]*",
        b"*[^a-z]",
        b"hello",
        b"nomatch",
        b"Hello",
        b"[h]ello",
        b"*ll*",
        b"*l*l*o",
        b"h*e*l*l*o",
        b"?*?*?",
    ];
    for pat in patterns {
        check_keys(&mut p, pat);
    }
    p.check_all(&[&["KEYS"], &["KEYS", "a", "b"]]);
}

#[test]
fn keys_pathological_patterns() {
    let mut p = Pair::new();
    let long = "a".repeat(10_000);
    p.check(&["SET", &long, "v"]);
    p.check(&["SET", "aaa", "v"]);
    let pat = "a*".repeat(15) + "b";
    assert!(check_keys(&mut p, pat.as_bytes()).is_empty());
    check_keys(&mut p, ("a*".repeat(15) + "a").as_bytes());
    check_keys(&mut p, "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*".as_bytes());
    // Many stars: Redis caps nesting (at 1000 in current versions).
    let many = "a".repeat(1200);
    p.check(&["SET", &many, "v"]);
    check_keys(&mut p, "*a".repeat(600).as_bytes());
    check_keys(&mut p, ("*a".repeat(1100) + "*").as_bytes());
    // 1000 star groups still match (both long keys); 1001 match nothing.
    assert_eq!(
        check_keys(&mut p, ("*a".repeat(1000) + "*").as_bytes()).len(),
        2
    );
    assert!(check_keys(&mut p, ("*a".repeat(1001) + "*").as_bytes()).is_empty());
}

#[test]
fn scan_matches_redis() {
    let mut p = Pair::new();
    for i in 0..40 {
        p.check(&["SET", &format!("key:{i}"), "v"]);
        p.check(&["SET", &format!("other:{i}"), "v"]);
    }
    p.check(&[&b"SET"[..], b"bin\x00\xff", b"v"]);
    let one_step: &[&[&[u8]]] = &[
        &[b"SCAN", b"0", b"COUNT", b"1000"],
        &[b"SCAN", b"0", b"COUNT", b"1000", b"MATCH", b"key:*"],
        &[b"SCAN", b"0", b"MATCH", b"key:1?", b"COUNT", b"1000"],
        &[b"SCAN", b"0", b"MATCH", b"*", b"COUNT", b"1000"],
        &[b"SCAN", b"0", b"MATCH", b"bin*", b"COUNT", b"1000"],
        &[b"SCAN", b"0", b"MATCH", b"nomatch", b"COUNT", b"1000"],
        &[b"SCAN", b"0", b"COUNT", b"1000", b"TYPE", b"string"],
        &[b"SCAN", b"0", b"COUNT", b"1000", b"TYPE", b"STRING"],
        &[b"SCAN", b"0", b"COUNT", b"1000", b"TYPE", b"list"],
        &[b"SCAN", b"0", b"COUNT", b"1000", b"TYPE", b"nosuchtype"],
        &[
            b"SCAN",
            b"0",
            b"COUNT",
            b"1000",
            b"MATCH",
            b"a",
            b"MATCH",
            b"other:3*",
        ],
        &[b"SCAN", b"0", b"count", b"5", b"COUNT", b"1000"],
        &[b"SCAN", b"", b"COUNT", b"1000"],
        &[b"SCAN", b"+0", b"COUNT", b"1000"],
        &[b"SCAN", b"-0", b"COUNT", b"1000"],
        &[b"SCAN", b"00", b"COUNT", b"1000"],
        // Errors.
        &[b"SCAN", b"x"],
        &[b"SCAN", b" 0"],
        &[b"SCAN", b"0 "],
        &[b"SCAN", b"-"],
        &[b"SCAN", b"+"],
        &[b"SCAN", b"0x10"],
        &[b"SCAN", b"1.5"],
        &[b"SCAN", b"18446744073709551616"],
        &[b"SCAN", b"99999999999999999999999"],
        &[b"SCAN", b"0", b"COUNT", b"0"],
        &[b"SCAN", b"0", b"COUNT", b"-1"],
        &[b"SCAN", b"0", b"COUNT", b"x"],
        &[b"SCAN", b"0", b"COUNT", b"1.5"],
        &[b"SCAN", b"0", b"COUNT", b"9223372036854775808"],
        &[b"SCAN", b"0", b"COUNT"],
        &[b"SCAN", b"0", b"MATCH"],
        &[b"SCAN", b"0", b"TYPE"],
        &[b"SCAN", b"0", b"FOO", b"bar"],
        &[b"SCAN", b"0", b"COUNT", b"0", b"FOO"],
        &[b"SCAN", b"0", b"FOO", b"COUNT", b"0"],
        &[b"SCAN", b"x", b"FOO"],
        &[b"SCAN"],
    ];
    for args in one_step {
        check_scan_one_step(&mut p, args);
    }
    // Full iterations with small counts give the same sets.
    for opts in [
        &["COUNT", "3"][..],
        &["COUNT", "1", "MATCH", "*:1*"],
        &["MATCH", "other:*"],
        &["TYPE", "string", "COUNT", "7"],
    ] {
        let r = scan_all(&mut p.redis, opts);
        let c = scan_all(&mut p.cinnabar, opts);
        assert_eq!(c, r, "SCAN iteration with {opts:?}");
    }
}

#[test]
fn scan_and_keys_on_an_empty_database() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SCAN", "0"],
        &["SCAN", "0", "MATCH", "*", "COUNT", "1", "TYPE", "hash"],
        &["KEYS", "*"],
        &["KEYS", "x"],
        &["RANDOMKEY"],
        &["RANDOMKEY", "x"],
        &["SET", "only", "v"],
        &["RANDOMKEY"],
        &["RANDOMKEY"],
        &["DEL", "only"],
        &["RANDOMKEY"],
    ]);
}

#[test]
fn expire_family_options_and_errors() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SET", "k", "v"],
        &["EXPIRE", "k", "100", "GT"],
        &["EXPIRE", "k", "100", "XX"],
        &["TTL", "k"],
        &["EXPIRE", "k", "100", "LT"],
        &["TTL", "k"],
        &["EXPIRE", "k", "200", "NX"],
        &["EXPIRE", "k", "50", "GT"],
        &["EXPIRE", "k", "200", "gt"],
        &["TTL", "k"],
        &["EXPIRE", "k", "300", "LT"],
        &["EXPIRE", "k", "150", "XX", "LT"],
        &["EXPIRE", "k", "150", "lt", "xx"],
        &["EXPIRE", "k", "500", "XX", "GT", "GT"],
        &["TTL", "k"],
        &["EXPIRE", "missing", "10"],
        &["EXPIRE", "missing", "10", "NX"],
        &["EXPIRE", "k", "1", "NX", "XX"],
        &["EXPIRE", "k", "1", "GT", "NX"],
        &["EXPIRE", "k", "1", "NX", "LT"],
        &["EXPIRE", "k", "1", "XX", "NX"],
        &["EXPIRE", "k", "1", "GT", "LT"],
        &["EXPIRE", "k", "1", "LT", "GT", "NX"],
        &["EXPIRE", "k", "1", "FOO"],
        &["EXPIRE", "k", "1", "NX", "FOO"],
        &["EXPIRE", "k", "1", "FOO", "NX", "XX"],
        &["EXPIRE", "k", "x", "FOO"],
        &["EXPIRE", "k", "x", "NX", "XX"],
        &["EXPIRE", "k", "x"],
        &["EXPIRE", "k", "1.5"],
        &["EXPIRE", "k", ""],
        &["EXPIRE", "k", " 1"],
        &["EXPIRE", "k", "9223372036854775808"],
        &["EXPIRE", "k", "9223372036854776"],
        &["EXPIRE", "k", "-9223372036854776"],
        &["EXPIRE", "k", "9223372036854775"],
        &["TTL", "k"],
        &["PEXPIRE", "k", "9223372036854775807"],
        &["PEXPIRE", "k", "9223372036854775000"],
        &["EXPIREAT", "k", "9223372036854776"],
        &["EXPIREAT", "k", "-9223372036854776"],
        &["PEXPIREAT", "k", "9223372036854775806"],
        &["PEXPIRETIME", "k"],
        &["EXPIRETIME", "k"],
        &["EXPIREAT", "k", "2000000000"],
        &["EXPIRETIME", "k"],
        &["PEXPIRETIME", "k"],
        &["PEXPIREAT", "k", "2000000000123"],
        &["EXPIRETIME", "k"],
        &["PEXPIRETIME", "k"],
        &["PEXPIREAT", "k", "2000000000499"],
        &["EXPIRETIME", "k"],
        &["PEXPIREAT", "k", "2000000000500"],
        &["EXPIRETIME", "k"],
        &["PERSIST", "k"],
        &["PERSIST", "k"],
        &["PERSIST", "missing"],
        &["TTL", "k"],
        &["PTTL", "k"],
        &["EXPIRETIME", "k"],
        &["PEXPIRETIME", "k"],
        &["TTL", "missing"],
        &["PTTL", "missing"],
        &["EXPIRETIME", "missing"],
        &["PEXPIRETIME", "missing"],
        // Deadlines in the past delete.
        &["EXPIRE", "k", "-1"],
        &["EXISTS", "k"],
        &["SET", "k", "v"],
        &["PEXPIRE", "k", "0"],
        &["EXISTS", "k"],
        &["SET", "k", "v"],
        &["EXPIREAT", "k", "1"],
        &["EXISTS", "k"],
        &["SET", "k", "v"],
        &["PEXPIREAT", "k", "-5"],
        &["EXISTS", "k"],
        &["SET", "k", "v"],
        &["EXPIRE", "k", "-1", "NX"],
        &["EXISTS", "k"],
        &["SET", "k", "v"],
        &["EXPIRE", "k", "100"],
        &["EXPIRE", "k", "-1", "GT"],
        &["EXPIRE", "k", "-1", "LT"],
        &["EXISTS", "k"],
        // Arity.
        &["EXPIRE"],
        &["EXPIRE", "k"],
        &["PEXPIRE", "k"],
        &["EXPIREAT", "k"],
        &["PEXPIREAT", "k"],
        &["TTL"],
        &["TTL", "a", "b"],
        &["PTTL"],
        &["EXPIRETIME"],
        &["PEXPIRETIME", "a", "b"],
        &["PERSIST"],
        &["PERSIST", "a", "b"],
    ]);
    // Units and rounding that do not depend on timing.
    p.check_all(&[&["SET", "t", "v"], &["EXPIRE", "t", "100"], &["TTL", "t"]]);
    p.check_all(&[&["PEXPIRE", "t", "100000"], &["TTL", "t"]]);
    p.check_all(&[&["PEXPIRE", "t", "2400"], &["TTL", "t"]]);
    let (r, c) = p.both(&["PTTL", "t"]);
    for raw in [r, c] {
        let R::Int(ms) = parse(&raw) else {
            panic!("PTTL {}", show(&raw))
        };
        assert!((2000..=2400).contains(&ms), "PTTL {ms}");
    }
    let key: &[u8] = b"\xff\x00k";
    p.check(&[&b"SET"[..], key, b"v"]);
    p.check(&[&b"EXPIRE"[..], key, b"100"]);
    p.check(&[&b"TTL"[..], key]);
    p.check(&[&b"PERSIST"[..], key]);
    p.check(&[&b"TTL"[..], key]);
}

#[test]
fn object_subcommands() {
    let mut p = Pair::new();
    let long = "y".repeat(45);
    p.check_all(&[
        &["SET", "i0", "0"],
        &["SET", "i9999", "9999"],
        &["SET", "i10000", "10000"],
        &["SET", "neg", "-5"],
        &["SET", "big", "9223372036854775807"],
        &["SET", "emb", "hello"],
        &["SET", "e44", &"z".repeat(44)],
        &["SET", "raw", &long],
        &["SET", "lead0", "007"],
        &["OBJECT", "ENCODING", "i0"],
        &["OBJECT", "ENCODING", "i10000"],
        &["OBJECT", "ENCODING", "big"],
        &["OBJECT", "ENCODING", "emb"],
        &["OBJECT", "ENCODING", "e44"],
        &["OBJECT", "ENCODING", "raw"],
        &["OBJECT", "ENCODING", "lead0"],
        &["OBJECT", "encoding", "missing"],
        &["OBJECT", "REFCOUNT", "i0"],
        &["OBJECT", "REFCOUNT", "i9999"],
        &["OBJECT", "REFCOUNT", "i10000"],
        &["OBJECT", "REFCOUNT", "neg"],
        &["OBJECT", "REFCOUNT", "emb"],
        &["OBJECT", "REFCOUNT", "raw"],
        &["OBJECT", "REFCOUNT", "missing"],
        &["OBJECT", "FREQ", "emb"],
        &["OBJECT", "FREQ", "missing"],
        &["OBJECT", "IDLETIME", "missing"],
        &["OBJECT", "NOPE"],
        &["OBJECT", "NOPE", "k"],
        &["OBJECT"],
        &["OBJECT", "ENCODING"],
        &["OBJECT", "ENCODING", "a", "b"],
        &["OBJECT", "REFCOUNT"],
        &["OBJECT", "IDLETIME"],
        &["OBJECT", "FREQ", "a", "b"],
        &["OBJECT", "HELP", "x"],
    ]);
    // Idle time is in whole seconds; a second boundary may fall between the commands.
    let (r, c) = p.both(&["OBJECT", "IDLETIME", "emb"]);
    for raw in [r, c] {
        assert!(
            raw == b":0\r\n" || raw == b":1\r\n",
            "IDLETIME {}",
            show(&raw)
        );
    }
    // HELP: same shape; the wording is our own.
    let (r, c) = p.both(&["OBJECT", "HELP"]);
    let (R::Array(Some(r)), R::Array(Some(c))) = (parse(&r), parse(&c)) else {
        panic!("help")
    };
    assert_eq!(c.first(), r.first());
    assert_eq!(c.last(), r.last());
    assert!(c.iter().all(|l| matches!(l, R::Simple(_))));
}
