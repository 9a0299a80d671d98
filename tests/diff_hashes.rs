//! Differential tests of the hash commands against a real redis-server: every command
//! with its options and error cases (arity, wrong type, bad integers and floats,
//! overflow, syntax), encodings and their thresholds, HINCRBYFLOAT formatting, RESP2 and
//! RESP3 reply shapes, compared byte for byte.
//!
//! Small hashes (listpack) keep insertion order in both, so HGETALL/HKEYS/HVALS/HSCAN
//! are compared exactly there; for the hashtable encoding the order legitimately
//! differs and replies are compared sorted. HRANDFIELD is random: sizes, distinctness
//! and membership are compared. The field-expiration commands (Redis 7.4/8.0) and
//! HSCAN NOVALUES (7.4) are not in the 7.0 oracle; `engine_hashes.rs` covers them.
#![cfg(feature = "native")]
mod common;

use common::{Pair, parse_bulk_array, show};

/// Both replies, as sorted lists of bulk items (order-insensitive compare).
#[track_caller]
fn check_sorted(p: &mut Pair, args: &[&str]) -> Vec<Vec<u8>> {
    let (r, c) = p.both(args);
    let mut rs = parse_bulk_array(&r);
    let mut cs = parse_bulk_array(&c);
    rs.sort();
    cs.sort();
    assert_eq!(
        cs,
        rs,
        "{args:?}: cinnabar {} / redis {}",
        show(&c),
        show(&r)
    );
    rs
}

/// Field/value pairs of a flat HGETALL/HSCAN-style reply, sorted.
#[track_caller]
fn check_pairs_sorted(p: &mut Pair, args: &[&str]) {
    let (r, c) = p.both(args);
    let pairs = |raw: &[u8]| {
        let items = parse_bulk_array(raw);
        let mut v: Vec<(Vec<u8>, Vec<u8>)> = items
            .chunks(2)
            .map(|c| (c[0].clone(), c.get(1).cloned().unwrap_or_default()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        pairs(&c),
        pairs(&r),
        "{args:?}: cinnabar {} / redis {}",
        show(&c),
        show(&r)
    );
}

#[test]
fn basic_commands_match() {
    let mut p = Pair::new();
    p.check_all(&[
        &["HSET", "h", "a", "1", "b", "2", "c", "3"],
        &["HSET", "h", "a", "10", "d", "4"],
        &["HGET", "h", "a"],
        &["HGET", "h", "zz"],
        &["HGET", "nokey", "a"],
        &["HMGET", "h", "a", "zz", "d"],
        &["HMGET", "nokey", "a", "b"],
        &["HLEN", "h"],
        &["HLEN", "nokey"],
        &["HEXISTS", "h", "a"],
        &["HEXISTS", "h", "zz"],
        &["HEXISTS", "nokey", "a"],
        &["HSTRLEN", "h", "a"],
        &["HSTRLEN", "h", "zz"],
        &["HSTRLEN", "nokey", "a"],
        &["HKEYS", "h"],
        &["HVALS", "h"],
        &["HGETALL", "h"],
        &["HKEYS", "nokey"],
        &["HVALS", "nokey"],
        &["HGETALL", "nokey"],
        &["HMSET", "h", "e", "5", "a", "11"],
        &["HGETALL", "h"],
        &["HSETNX", "h", "a", "x"],
        &["HSETNX", "h", "f", "6"],
        &["HSETNX", "new", "f", "6"],
        &["HGETALL", "new"],
        &["HDEL", "h", "a", "zz", "a", "b"],
        &["HDEL", "nokey", "a"],
        &["HGETALL", "h"],
        &["HDEL", "h", "c", "d", "e", "f"],
        &["EXISTS", "h"],
        &["TYPE", "new"],
        // Empty and binary fields and values.
        &["HSET", "bin", "", "", "x\u{0}y", "\r\n"],
        &["HGETALL", "bin"],
        &["HSTRLEN", "bin", "x\u{0}y"],
        &["HGET", "bin", ""],
        // Integer-looking values come back as written.
        &[
            "HSET",
            "nums",
            "a",
            "007",
            "b",
            "-0",
            "c",
            "9223372036854775808",
            "d",
            "12",
        ],
        &["HGETALL", "nums"],
        &["HSTRLEN", "nums", "d"],
    ]);
}

#[test]
fn errors_match() {
    let mut p = Pair::new();
    p.check(&["SET", "s", "x"]);
    p.check(&["HSET", "h", "a", "1"]);
    p.check_all(&[
        &["HSET", "h"],
        &["HSET", "h", "a"],
        &["HSET", "h", "a", "1", "b"],
        &["HMSET", "h", "a"],
        &["HMSET", "h", "a", "1", "b"],
        &["HSETNX", "h", "a"],
        &["HGET", "h"],
        &["HMGET", "h"],
        &["HDEL", "h"],
        &["HLEN"],
        &["HLEN", "h", "x"],
        &["HSTRLEN", "h"],
        &["HEXISTS", "h"],
        &["HKEYS"],
        &["HVALS", "h", "x"],
        &["HGETALL"],
        &["HINCRBY", "h", "a"],
        &["HINCRBYFLOAT", "h", "a"],
        &["HRANDFIELD"],
        &["HSCAN", "h"],
        // Wrong type.
        &["HSET", "s", "a", "1"],
        &["HMSET", "s", "a", "1"],
        &["HSETNX", "s", "a", "1"],
        &["HGET", "s", "a"],
        &["HMGET", "s", "a"],
        &["HDEL", "s", "a"],
        &["HLEN", "s"],
        &["HSTRLEN", "s", "a"],
        &["HEXISTS", "s", "a"],
        &["HKEYS", "s"],
        &["HVALS", "s"],
        &["HGETALL", "s"],
        &["HINCRBY", "s", "a", "1"],
        &["HINCRBYFLOAT", "s", "a", "1"],
        &["HRANDFIELD", "s"],
        &["HRANDFIELD", "s", "3"],
        &["HRANDFIELD", "s", "3", "WITHVALUES"],
        &["HSCAN", "s", "0"],
        // The increment is parsed before the type is checked.
        &["HINCRBY", "s", "a", "x"],
        &["HINCRBYFLOAT", "s", "a", "x"],
        &["GET", "s"],
    ]);
}

#[test]
fn hincrby_matches() {
    let mut p = Pair::new();
    p.check_all(&[
        &["HINCRBY", "h", "n", "5"],
        &["HINCRBY", "h", "n", "-12"],
        &["HINCRBY", "h", "n", "0"],
        &[
            "HSET",
            "h",
            "s",
            "abc",
            "sp",
            " 1",
            "f",
            "1.5",
            "big",
            "9223372036854775806",
            "neg",
            "-9223372036854775807",
        ],
        &["HINCRBY", "h", "s", "1"],
        &["HINCRBY", "h", "sp", "1"],
        &["HINCRBY", "h", "f", "1"],
        &["HINCRBY", "h", "n", "x"],
        &["HINCRBY", "h", "n", "1.0"],
        &["HINCRBY", "h", "n", " 1"],
        &["HINCRBY", "h", "n", "99999999999999999999"],
        &["HINCRBY", "h", "big", "1"],
        &["HINCRBY", "h", "big", "1"],
        &["HINCRBY", "h", "neg", "-1"],
        &["HINCRBY", "h", "neg", "-1"],
        &["HINCRBY", "h", "neg", "-9223372036854775808"],
        &["HINCRBY", "h", "fresh", "-9223372036854775808"],
        &["HGETALL", "h"],
        &["HINCRBY", "new", "f", "7"],
        &["HGETALL", "new"],
    ]);
}

#[test]
fn hincrbyfloat_matches() {
    let mut p = Pair::new();
    p.check_all(&[
        &["HINCRBYFLOAT", "h", "f", "10.5"],
        &["HINCRBYFLOAT", "h", "f", "0.1"],
        &["HINCRBYFLOAT", "h", "f", "-5"],
        &["HINCRBYFLOAT", "h", "f", "1e3"],
        &["HINCRBYFLOAT", "h", "f", "-1.5e-2"],
        &["HINCRBYFLOAT", "h", "g", "3.0"],
        &["HINCRBYFLOAT", "h", "g", "0x10"],
        &["HSET", "h", "i", "7", "s", "x", "e", "", "sp", "1 "],
        &["HINCRBYFLOAT", "h", "i", "0.25"],
        &["HINCRBYFLOAT", "h", "s", "1"],
        &["HINCRBYFLOAT", "h", "e", "1"],
        &["HINCRBYFLOAT", "h", "sp", "1"],
        &["HINCRBYFLOAT", "h", "f", "x"],
        &["HINCRBYFLOAT", "h", "f", ""],
        &["HINCRBYFLOAT", "h", "f", "nan"],
        &["HINCRBYFLOAT", "h", "f", "inf"],
        &["HINCRBYFLOAT", "h", "f", "-inf"],
        &["HSET", "h", "huge", "1e4932"],
        &["HINCRBYFLOAT", "h", "huge", "1e4932"],
        &["HINCRBYFLOAT", "h", "f", "1e-5000"],
        &["HGETALL", "h"],
    ]);
}

#[test]
fn encodings_match() {
    let mut p = Pair::new();
    let long = "x".repeat(65);
    let edge = "y".repeat(64);
    p.check_all(&[
        &["HSET", "small", "a", "1"],
        &["OBJECT", "ENCODING", "small"],
        &["HSET", "edge", "a", &edge],
        &["OBJECT", "ENCODING", "edge"],
        &["HSET", "longval", "a", &long],
        &["OBJECT", "ENCODING", "longval"],
        &["HSET", "longfield", &long, "1"],
        &["OBJECT", "ENCODING", "longfield"],
        &["HSETNX", "nx", &long, "1"],
        &["OBJECT", "ENCODING", "nx"],
        &["HINCRBY", "incr", &long, "1"],
        &["OBJECT", "ENCODING", "incr"],
        &["HINCRBYFLOAT", "incrf", &long, "1.5"],
        &["OBJECT", "ENCODING", "incrf"],
    ]);
    let mut args: Vec<String> = vec!["HSET".into(), "many".into()];
    for i in 0..512 {
        args.push(format!("f{i}"));
        args.push(format!("{i}"));
    }
    p.check(&args);
    p.check(&["OBJECT", "ENCODING", "many"]);
    p.check(&["HGETALL", "many"]);
    p.check(&["HSET", "many", "f0", "again"]);
    p.check(&["OBJECT", "ENCODING", "many"]);
    p.check(&["HSET", "many", "f512", "512"]);
    p.check(&["OBJECT", "ENCODING", "many"]);
    check_pairs_sorted(&mut p, &["HGETALL", "many"]);
    check_sorted(&mut p, &["HKEYS", "many"]);
    check_sorted(&mut p, &["HVALS", "many"]);
    p.check(&["HLEN", "many"]);
    // 513 pairs in one batch, all the same field. Redis 7.2 converts such a batch to a
    // hashtable up front (its pre-sizing guess); the 7.0 oracle does not, so only the
    // contents are compared (engine_hashes.rs checks the 7.2 encoding).
    let mut dup: Vec<String> = vec!["HSET".into(), "dup".into()];
    for _ in 0..513 {
        dup.push("a".into());
        dup.push("1".into());
    }
    p.check(&dup);
    p.check(&["HLEN", "dup"]);
    p.check(&["HGETALL", "dup"]);
    // No conversion back.
    for i in 0..513 {
        p.check(&["HDEL", "many", &format!("f{i}")]);
    }
    p.check(&["EXISTS", "many"]);
    p.check(&["HSET", "longval", "b", "2"]);
    p.check(&["HDEL", "longval", "a"]);
    p.check(&["OBJECT", "ENCODING", "longval"]);
    // Thresholds follow CONFIG SET.
    p.check(&["CONFIG", "SET", "hash-max-listpack-entries", "2"]);
    p.check(&["CONFIG", "SET", "hash-max-listpack-value", "4"]);
    p.check_all(&[
        &["HSET", "c", "a", "1", "b", "2"],
        &["OBJECT", "ENCODING", "c"],
        &["HSET", "c", "c", "3"],
        &["OBJECT", "ENCODING", "c"],
        &["HSET", "d", "a", "1234"],
        &["OBJECT", "ENCODING", "d"],
        &["HSET", "d", "b", "12345"],
        &["OBJECT", "ENCODING", "d"],
        &["HSET", "e", "a", "1", "b", "2", "c", "3"],
        &["OBJECT", "ENCODING", "e"],
        &["CONFIG", "SET", "hash-max-ziplist-entries", "0"],
        &["HSET", "z", "a", "1"],
        &["OBJECT", "ENCODING", "z"],
    ]);
}

#[test]
fn hrandfield_matches() {
    let mut p = Pair::new();
    p.check(&[
        "HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5",
    ]);
    let mut args: Vec<String> = vec!["HSET".into(), "big".into()];
    for i in 0..300 {
        args.push(format!("f{i}"));
        args.push(format!("v{i}"));
    }
    p.check(&args);
    p.check_all(&[
        &["HRANDFIELD", "nokey"],
        &["HRANDFIELD", "nokey", "5"],
        &["HRANDFIELD", "nokey", "-5", "WITHVALUES"],
        &["HRANDFIELD", "h", "0"],
        &["HRANDFIELD", "h", "0", "WITHVALUES"],
        &["HRANDFIELD", "h", "x"],
        &["HRANDFIELD", "h", "1.5"],
        &["HRANDFIELD", "h", "-9223372036854775808"],
        &["HRANDFIELD", "h", "3", "WITHSCORES"],
        &["HRANDFIELD", "h", "3", "WITHVALUES", "x"],
        &["HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES"],
        &["HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"],
        // Counts at least the size return the whole hash: order is the listpack's.
        &["HRANDFIELD", "h", "5"],
        &["HRANDFIELD", "h", "100", "WITHVALUES"],
        &["HRANDFIELD", "h", "9223372036854775807"],
    ]);
    for key in ["h", "big"] {
        let members = check_sorted(&mut p, &["HKEYS", key]);
        for count in ["1", "3", "-1", "-20", "250", "-400", "299", "301"] {
            for with in [false, true] {
                let mut a = vec!["HRANDFIELD", key, count];
                if with {
                    a.push("WITHVALUES");
                }
                let (r, c) = p.both(&a);
                let (ri, ci) = (parse_bulk_array(&r), parse_bulk_array(&c));
                assert_eq!(ci.len(), ri.len(), "{a:?}: {} vs {}", show(&c), show(&r));
                let step = if with { 2 } else { 1 };
                let fields: Vec<&Vec<u8>> = ci.iter().step_by(step).collect();
                assert!(fields.iter().all(|f| members.contains(f)), "{a:?}");
                if with {
                    for pair in ci.chunks(2) {
                        let f = String::from_utf8_lossy(&pair[0]);
                        let want = if key == "h" {
                            ((f.as_bytes()[0] - b'a') + 1).to_string()
                        } else {
                            f.replacen('f', "v", 1)
                        };
                        assert_eq!(String::from_utf8_lossy(&pair[1]), want, "{a:?}");
                    }
                }
                if !count.starts_with('-') {
                    let mut d = fields.clone();
                    d.sort();
                    d.dedup();
                    assert_eq!(d.len(), fields.len(), "{a:?}: repeated fields");
                }
            }
        }
        let (r, c) = p.both(&["HRANDFIELD", key]);
        assert_eq!(r[0], c[0]);
        assert!(members.contains(&parse_single_bulk(&c)));
    }
}

fn parse_single_bulk(raw: &[u8]) -> Vec<u8> {
    let s = raw.iter().position(|&b| b == b'\n').map_or(0, |p| p + 1);
    raw[s..raw.len() - 2].to_vec()
}

#[test]
fn resp3_shapes_match() {
    let mut p = Pair::new();
    p.check(&["HSET", "h", "a", "1", "b", "2"]);
    let (r, c) = p.both(&["HELLO", "3"]);
    assert_eq!(r[0], c[0]);
    p.check_all(&[
        &["HGETALL", "h"],
        &["HGETALL", "nokey"],
        &["HKEYS", "h"],
        &["HVALS", "nokey"],
        &["HMGET", "h", "a", "zz"],
        &["HGET", "h", "zz"],
        &["HRANDFIELD", "nokey"],
        &["HRANDFIELD", "h", "2", "WITHVALUES"],
        &["HRANDFIELD", "h", "5", "WITHVALUES"],
        &["HRANDFIELD", "h", "0", "WITHVALUES"],
        &["HRANDFIELD", "nokey", "2", "WITHVALUES"],
        &["HSCAN", "h", "0"],
        &["HSCAN", "nokey", "0"],
        &["HINCRBYFLOAT", "h", "f", "2.5"],
        &["HSTRLEN", "h", "f"],
    ]);
    // A negative count with values: pairs, repeats allowed.
    let (r, c) = p.both(&["HRANDFIELD", "h", "-3", "WITHVALUES"]);
    assert!(r.starts_with(b"*3\r\n*2\r\n"), "{}", show(&r));
    assert!(c.starts_with(b"*3\r\n*2\r\n"), "{}", show(&c));
}

#[test]
fn hscan_matches() {
    let mut p = Pair::new();
    p.check(&["HSET", "h", "a", "1", "b", "2", "ab", "3", "ba", "4"]);
    p.check_all(&[
        &["HSCAN", "h", "0"],
        &["HSCAN", "h", "0", "MATCH", "a*"],
        &["HSCAN", "h", "0", "MATCH", "*a"],
        &["HSCAN", "h", "0", "COUNT", "1"],
        &["HSCAN", "h", "0", "COUNT", "1", "MATCH", "b*"],
        &["HSCAN", "h", "0", "MATCH", "nothing"],
        &["HSCAN", "nokey", "0"],
        &["HSCAN", "nokey", "0", "COUNT", "0"],
        &["HSCAN", "nokey", "0", "BOGUS"],
        &["HSCAN", "h", "0", "COUNT", "0"],
        &["HSCAN", "h", "0", "COUNT", "-1"],
        &["HSCAN", "h", "0", "COUNT", "x"],
        &["HSCAN", "h", "0", "MATCH"],
        &["HSCAN", "h", "0", "COUNT"],
        &["HSCAN", "h", "0", "BOGUS"],
        &["HSCAN", "h", "0", "TYPE", "string"],
        &["HSCAN", "h", "x"],
        &["HSCAN", "h", "-1"],
        &["HSCAN", "nokey", "x"],
        &["HSCAN", "h", ""],
    ]);
    // The hashtable encoding: iterate to the end on both, compare what was seen.
    let mut args: Vec<String> = vec!["HSET".into(), "big".into()];
    for i in 0..500 {
        args.push(format!("f{i}"));
        args.push(format!("v{i}"));
    }
    p.check(&args);
    let mut seen = [Vec::new(), Vec::new()];
    for (side, seen) in seen.iter_mut().enumerate() {
        let mut cursor = "0".to_string();
        for _ in 0..10_000 {
            let args = [
                "HSCAN",
                "big",
                cursor.as_str(),
                "COUNT",
                "25",
                "MATCH",
                "f1*",
            ];
            let raw = if side == 0 {
                p.redis.cmd(&args)
            } else {
                p.cinnabar.cmd(&args)
            };
            let (next, items) = split_scan(&raw);
            seen.extend(items.chunks(2).map(|c| (c[0].clone(), c[1].clone())));
            cursor = next;
            if cursor == "0" {
                break;
            }
        }
        assert_eq!(cursor, "0");
        seen.sort();
        seen.dedup();
    }
    assert_eq!(seen[1], seen[0]);
    assert_eq!(seen[0].len(), 111);
}

/// (cursor, items) of a SCAN-family reply.
fn split_scan(raw: &[u8]) -> (String, Vec<Vec<u8>>) {
    // *2\r\n$<n>\r\n<cursor>\r\n*<m>\r\n...
    let text = raw;
    let mut lines = text.split(|&b| b == b'\n');
    lines.next();
    lines.next();
    let cursor = String::from_utf8_lossy(lines.next().unwrap_or_default())
        .trim_end()
        .to_string();
    let header_len: usize = {
        let mut n = 0;
        let mut seen = 0;
        for (i, &b) in raw.iter().enumerate() {
            if b == b'\n' {
                seen += 1;
                if seen == 3 {
                    n = i + 1;
                    break;
                }
            }
        }
        n
    };
    (cursor, parse_bulk_array(&raw[header_len..]))
}

#[test]
fn hdel_and_key_lifecycle_match() {
    let mut p = Pair::new();
    p.check_all(&[
        &["HSET", "h", "a", "1"],
        &["EXPIRE", "h", "100"],
        &["HSET", "h", "b", "2"],
        &["TTL", "h"],
        &["HDEL", "h", "a", "b"],
        &["EXISTS", "h"],
        &["TTL", "h"],
        &["HSET", "h", "c", "3"],
        &["TTL", "h"],
        &["RENAME", "h", "h2"],
        &["HGETALL", "h2"],
        &["COPY", "h2", "h3"],
        &["HSET", "h3", "d", "4"],
        &["HGETALL", "h2"],
        &["HGETALL", "h3"],
        &["OBJECT", "ENCODING", "h3"],
        &["DEL", "h2"],
        &["HLEN", "h2"],
    ]);
}

#[test]
fn keyspace_events_match() {
    let mut p = Pair::new();
    let (mut rs, mut cs) = p.connect_more();
    p.check(&["CONFIG", "SET", "notify-keyspace-events", "KEA"]);
    let (a, b) = (
        rs.cmd(&["PSUBSCRIBE", "__keyevent@0__:*"]),
        cs.cmd(&["PSUBSCRIBE", "__keyevent@0__:*"]),
    );
    assert_eq!(show(&b), show(&a));
    for cmd in [
        &["HSET", "h", "a", "1"][..],
        &["HSETNX", "h", "a", "2"],
        &["HSETNX", "h", "b", "2"],
        &["HINCRBY", "h", "n", "1"],
        &["HINCRBYFLOAT", "h", "f", "1.5"],
        &["HINCRBY", "h", "a", "x"],
        &["HDEL", "h", "zz"],
        &["HDEL", "h", "a"],
        &["HMSET", "h", "x", "1"],
        &["HGET", "h", "x"],
        &["HDEL", "h", "b", "n", "f", "x"],
        &["SET", "end", "1"],
    ] {
        p.check(cmd);
    }
    // Every event, in order, up to the final SET.
    for _ in 0..32 {
        let (a, b) = (rs.read_reply(), cs.read_reply());
        assert_eq!(show(&b), show(&a));
        if show(&a).contains("__keyevent@0__:set") {
            return;
        }
    }
    panic!("no final event");
}
