//! Differential tests of the stream commands against a real redis-server: every command
//! with its options and error cases, chunk boundaries and approximate trimming (compared
//! through `XINFO STREAM`, radix-tree counts included), consumer groups with two
//! consumers and one that stops acknowledging, XCLAIM/XAUTOCLAIM, lag and entries-read,
//! RESP3 shapes, DUMP payloads exchanged both ways, and blocking XREAD/XREADGROUP
//! served by another connection.
//!
//! Ids are explicit wherever a reply is compared byte for byte; replies holding times
//! (idle times, delivery times) are parsed and the times masked. The oracle is Redis
//! 7.0.15; where Redis 7.2 differs Cinnabar follows 7.2 and the case is left to
//! `engine_streams.rs`: XINFO's `active-time`/`inactive` fields, XSETID's
//! `max_deleted_entry_id` check, the `<ms>-*` error on an exhausted sequence, the HELP
//! texts ("Print this help."), the "Unbalanced 'xread' list" text, XCLAIM creating its
//! consumer even when it claims nothing, and XREAD's `+` id (Redis 7.4).
#![cfg(feature = "native")]
mod common;

use std::time::{Duration, Instant};

use common::{Conn, Pair, show};

const WRONG: &[&str] = &["SET", "str", "x"];

// ---------------------------------------------------------------------------------------
// A small RESP reader, to mask times before comparing.
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum V {
    Line(Vec<u8>),
    Int(i64),
    Bulk(Option<Vec<u8>>),
    Arr(Option<Vec<V>>),
    Map(Vec<(V, V)>),
}

fn parse(raw: &[u8]) -> V {
    let mut pos = 0;
    let v = parse_at(raw, &mut pos);
    assert_eq!(pos, raw.len(), "trailing bytes in {}", show(raw));
    v
}

fn parse_at(raw: &[u8], pos: &mut usize) -> V {
    let end = raw[*pos..].windows(2).position(|w| w == b"\r\n").unwrap() + *pos;
    let t = raw[*pos];
    let body = &raw[*pos + 1..end];
    *pos = end + 2;
    let n = || std::str::from_utf8(body).unwrap().parse::<i64>().unwrap();
    match t {
        b'+' | b'-' | b'_' => V::Line(raw[end - body.len() - 1..end].to_vec()),
        b':' => V::Int(n()),
        b'$' => {
            let len = n();
            if len < 0 {
                return V::Bulk(None);
            }
            let b = raw[*pos..*pos + len as usize].to_vec();
            *pos += len as usize + 2;
            V::Bulk(Some(b))
        }
        b'*' => {
            let len = n();
            if len < 0 {
                return V::Arr(None);
            }
            V::Arr(Some((0..len).map(|_| parse_at(raw, pos)).collect()))
        }
        b'%' => V::Map(
            (0..n())
                .map(|_| (parse_at(raw, pos), parse_at(raw, pos)))
                .collect(),
        ),
        other => panic!("unexpected type {}", other as char),
    }
}

fn bulk(s: &str) -> V {
    V::Bulk(Some(s.as_bytes().to_vec()))
}

/// In a flat RESP2 map (`[k1, v1, k2, v2, ...]`) at any depth: drop the fields named in
/// `drop`, and replace the values of those in `mask` with 0.
fn scrub(v: &mut V, drop: &[&str], mask: &[&str]) {
    if let V::Arr(Some(items)) = v {
        let is_map = items.len() % 2 == 0
            && items.len() >= 2
            && items.iter().step_by(2).all(|k| matches!(k, V::Bulk(Some(b)) if b.iter().all(|c| c.is_ascii_lowercase() || *c == b'-')));
        if is_map {
            let mut out = Vec::new();
            let mut it = std::mem::take(items).into_iter();
            while let (Some(k), Some(mut val)) = (it.next(), it.next()) {
                let name = match &k {
                    V::Bulk(Some(b)) => String::from_utf8_lossy(b).into_owned(),
                    _ => String::new(),
                };
                if drop.contains(&name.as_str()) {
                    continue;
                }
                if mask.contains(&name.as_str()) {
                    val = V::Int(0);
                }
                scrub(&mut val, drop, mask);
                out.push(k);
                out.push(val);
            }
            *items = out;
        } else {
            for x in items.iter_mut() {
                scrub(x, drop, mask);
            }
        }
    }
}

/// XPENDING's extended form and XINFO's PEL lists: mask the time column `col` of each
/// row of `v` (an array of arrays).
fn mask_column(v: &mut V, col: usize) {
    if let V::Arr(Some(rows)) = v {
        for r in rows {
            if let V::Arr(Some(cells)) = r {
                if let Some(c) = cells.get_mut(col) {
                    *c = V::Int(0);
                }
            }
        }
    }
}

/// Send to both; compare after `f` normalises each parsed reply.
#[track_caller]
fn check_with(p: &mut Pair, args: &[&str], f: impl Fn(&mut V)) -> V {
    let (r, c) = p.both(args);
    let (mut r, mut c) = (parse(&r), parse(&c));
    f(&mut r);
    f(&mut c);
    assert_eq!(
        c, r,
        "reply differs for {args:?} (left: cinnabar, right: redis)"
    );
    r
}

/// The 7.2 fields the 7.0 oracle lacks, and the time fields.
fn info_scrub(v: &mut V) {
    scrub(v, &["active-time", "inactive"], &["seen-time", "idle"]);
    // PEL rows inside XINFO STREAM FULL carry delivery times.
    fn walk(v: &mut V) {
        if let V::Arr(Some(items)) = v {
            let mut i = 0;
            while i + 1 < items.len() {
                if items[i] == bulk("pending") {
                    if let V::Arr(Some(rows)) = &items[i + 1] {
                        let col = match rows.first() {
                            Some(V::Arr(Some(c))) if c.len() == 4 => 2,
                            _ => 1,
                        };
                        mask_column(&mut items[i + 1], col);
                    }
                }
                i += 1;
            }
            for x in items.iter_mut() {
                walk(x);
            }
        }
    }
    walk(v);
}

fn fill(p: &mut Pair, key: &str, n: usize) {
    for i in 1..=n {
        let id = format!("{i}-1");
        let v = format!("v{i}");
        if i % 5 == 0 {
            p.check(&["XADD", key, &id, "other", &v]);
        } else {
            p.check(&["XADD", key, &id, "f", &v, "n", &i.to_string()]);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Plain stream commands
// ---------------------------------------------------------------------------------------

#[test]
fn xadd_ids_options_and_errors() {
    let mut p = Pair::new();
    p.check(WRONG);
    p.check_all(&[
        &["XADD", "s", "1-1", "a", "1", "b", "2"],
        &["XADD", "s", "1-1", "a", "1"],
        &["XADD", "s", "1-0", "a", "1"],
        &["XADD", "s", "0-0", "a", "1"],
        &["XADD", "new", "0-0", "a", "1"],
        &["EXISTS", "new"],
        &["XADD", "new", "0-*", "a", "1"],
        &["XADD", "s", "1-*", "a", "1"],
        &["XADD", "s", "2", "a", "1"],
        &["XADD", "s", "2-*", "a", "1"],
        &["XADD", "s", "3-18446744073709551615", "a", "1"],
        &["XADD", "s", "007-1", "a", "1"],
        &["XADD", "s", "+8-1", "a", "1"],
        &["XADD", "s", "9-01", "a", "1"],
        &["XADD", "s", "abc", "a", "1"],
        &["XADD", "s", "-", "a", "1"],
        &["XADD", "s", "+", "a", "1"],
        &["XADD", "s", "1-2-3", "a", "1"],
        &["XADD", "s", "-1", "a", "1"],
        &["XADD", "s", "18446744073709551616", "a", "1"],
        &["XADD", "s", "10-1", "a"],
        &["XADD", "s", "10-1"],
        &["XADD", "s", "MAXLEN"],
        &["XADD", "s", "MAXLEN", "5"],
        &["XADD", "s", "MAXLEN", "a", "b"],
        &["XADD", "s", "MAXLEN", "-1", "*", "a", "b"],
        &["XADD", "s", "MINID", "x", "*", "a", "b"],
        &["XADD", "s", "MINID", "+", "*", "a", "b"],
        &["XADD", "s", "MAXLEN", "1", "MINID", "1", "*", "a", "b"],
        &["XADD", "s", "LIMIT", "5", "*", "a", "b"],
        &["XADD", "s", "LIMIT", "0", "*", "a", "b"],
        &["XADD", "s", "MAXLEN", "5", "LIMIT", "5", "*", "a", "b"],
        &[
            "XADD", "s", "MAXLEN", "~", "5", "LIMIT", "-1", "*", "a", "b",
        ],
        &["XADD", "s", "MAXLEN", "~", "5", "LIMIT", "x", "*", "a", "b"],
        &["XADD", "nos", "NOMKSTREAM", "*", "a", "1"],
        &["XADD", "nos", "nomkstream", "MAXLEN", "1", "5-5", "a", "1"],
        &["EXISTS", "nos"],
        &["XADD", "s", "NOMKSTREAM", "20-1", "a", "1"],
        &["XADD", "str", "1-1", "a", "1"],
        &["XADD", "str", "NOMKSTREAM", "1-1", "a", "1"],
        &["XADD", "s", "MAXLEN", "=", "3", "30-1", "a", "1"],
        &["XADD", "s", "maxlen", "2", "31-1", "a", "1"],
        &["XADD", "s", "MINID", "=", "31", "32-1", "a", "1"],
        &[
            "XADD", "s", "MINID", "~", "31", "LIMIT", "10", "33-1", "a", "1",
        ],
        &["XRANGE", "s", "-", "+"],
        &["XLEN", "s"],
        &["XLEN", "nokey"],
        &["XLEN", "str"],
        &["TYPE", "s"],
        &["OBJECT", "ENCODING", "s"],
        &[
            "XADD",
            "m",
            "18446744073709551615-18446744073709551615",
            "a",
            "1",
        ],
        &["XADD", "m", "*", "a", "1"],
        &["XADD", "m", "1-1", "a", "1"],
        // Integers, negative numbers and long values inside entries.
        &[
            "XADD",
            "v",
            "1-1",
            "12",
            "-34",
            "9223372036854775807",
            "-9223372036854775808",
            "x",
            "00",
        ],
        &["XRANGE", "v", "-", "+"],
    ]);
    let long = "y".repeat(5000);
    p.check(&["XADD", "v", "2-1", "big", &long]);
    p.check(&["XRANGE", "v", "2", "2"]);
    // `*` ids follow the clock on both sides: compare the shape.
    let (r, c) = p.both(&["XADD", "auto", "*", "a", "1"]);
    for reply in [&r, &c] {
        let s = String::from_utf8_lossy(reply);
        assert!(s.starts_with('$') && s.trim_end().ends_with("-0"), "{s}");
    }
}

#[test]
fn xrange_xrevrange() {
    let mut p = Pair::new();
    p.check(WRONG);
    fill(&mut p, "s", 12);
    for args in [
        &["XRANGE", "s", "-", "+"][..],
        &["XRANGE", "s", "3", "5"],
        &["XRANGE", "s", "3-1", "5-0"],
        &["XRANGE", "s", "(3-1", "(5-1"],
        &["XRANGE", "s", "(3", "+"],
        &["XRANGE", "s", "-", "(0-1"],
        &["XRANGE", "s", "-", "(0-0"],
        &[
            "XRANGE",
            "s",
            "(18446744073709551615-18446744073709551615",
            "+",
        ],
        &["XRANGE", "s", "(-", "+"],
        &["XRANGE", "s", "-", "(+"],
        &["XRANGE", "s", "(", "+"],
        &["XRANGE", "s", "5", "3"],
        &["XRANGE", "s", "-", "+", "COUNT", "3"],
        &["XRANGE", "s", "-", "+", "count", "0"],
        &["XRANGE", "s", "-", "+", "COUNT", "-1"],
        &["XRANGE", "s", "-", "+", "COUNT", "1", "COUNT", "2"],
        &["XRANGE", "s", "-", "+", "COUNT"],
        &["XRANGE", "s", "-", "+", "COUNT", "x"],
        &["XRANGE", "s", "-", "+", "FOO", "1"],
        &["XRANGE", "s", "x", "+"],
        &["XRANGE", "s", "-", "x"],
        &["XRANGE", "nokey", "-", "+"],
        &["XRANGE", "nokey", "-", "+", "COUNT", "0"],
        &["XRANGE", "str", "-", "+"],
        &["XREVRANGE", "s", "+", "-"],
        &["XREVRANGE", "s", "+", "-", "COUNT", "4"],
        &["XREVRANGE", "s", "(10", "(2-1"],
        &["XREVRANGE", "s", "5", "8"],
        &["XREVRANGE", "s", "+", "-", "COUNT", "0"],
        &["XREVRANGE", "str", "+", "-"],
    ] {
        p.check(args);
    }
}

#[test]
fn xdel_xtrim_and_chunks() {
    let mut p = Pair::new();
    p.check(WRONG);
    fill(&mut p, "s", 350);
    p.check(&["XINFO", "STREAM", "s"]);
    for args in [
        &["XDEL", "s", "5-1", "6-1", "999-1", "5-1"][..],
        &["XDEL", "s", "bad"],
        &["XDEL", "s", "1-1", "bad"],
        &["XDEL", "s", "+"],
        &["XDEL", "nokey", "bad"],
        &["XDEL", "str", "1-1"],
        &["XINFO", "STREAM", "s"],
        &["XTRIM", "s", "MAXLEN", "~", "300"],
        &["XTRIM", "s", "MAXLEN", "~", "200"],
        &["XINFO", "STREAM", "s"],
        &["XTRIM", "s", "MAXLEN", "~", "100", "LIMIT", "50"],
        &["XTRIM", "s", "MAXLEN", "~", "100", "LIMIT", "100"],
        &["XTRIM", "s", "MAXLEN", "~", "10", "LIMIT", "0"],
        &["XLEN", "s"],
        &["XTRIM", "s", "MAXLEN", "40"],
        &["XINFO", "STREAM", "s"],
        &["XTRIM", "s", "MINID", "320"],
        &["XTRIM", "s", "MINID", "~", "340"],
        &["XTRIM", "s", "MINID", "=", "345-1"],
        &["XINFO", "STREAM", "s"],
        &["XRANGE", "s", "-", "+"],
        &["XTRIM", "s", "FOO", "1"],
        &["XTRIM", "s", "LIMIT", "5"],
        &["XTRIM", "s", "LIMIT", "0"],
        &["XTRIM", "s", "MAXLEN", "1", "LIMIT", "5"],
        &["XTRIM", "s", "MAXLEN", "-1"],
        &["XTRIM", "s", "MAXLEN", "x"],
        &["XTRIM", "s", "MAXLEN", "1", "MINID", "1"],
        &["XTRIM", "s", "MINID", "~", "1", "LIMIT", "-1"],
        &["XTRIM", "s", "NOMKSTREAM", "MAXLEN", "1"],
        &["XTRIM", "s", "MAXLEN"],
        &["XTRIM", "nokey", "MAXLEN", "1"],
        &["XTRIM", "str", "MAXLEN", "1"],
        &["XTRIM", "s", "MAXLEN", "0"],
        &["XINFO", "STREAM", "s"],
        &["EXISTS", "s"],
        // Chunks cut by entry count and by bytes, with tombstones counted.
        &["CONFIG", "SET", "stream-node-max-entries", "3"],
    ] {
        p.check(args);
    }
    for i in 1..=10 {
        p.check(&["XADD", "n", &format!("{i}-0"), "a", &i.to_string()]);
    }
    p.check_all(&[
        &["XDEL", "n", "4-0"],
        &["XADD", "n", "11-0", "a", "b"],
        &["XINFO", "STREAM", "n"],
        &["XDEL", "n", "10-0", "11-0"],
        &["XINFO", "STREAM", "n", "FULL"],
        &["XTRIM", "n", "MAXLEN", "~", "2"],
        &["XINFO", "STREAM", "n"],
        &["CONFIG", "SET", "stream-node-max-entries", "0"],
        &["CONFIG", "SET", "stream-node-max-bytes", "120"],
    ]);
    for i in 1..=12 {
        p.check(&["XADD", "b", &format!("{i}-0"), "field", &"z".repeat(i * 3)]);
    }
    p.check(&["XINFO", "STREAM", "b"]);
    p.check(&["CONFIG", "SET", "stream-node-max-bytes", "4096"]);
    p.check(&["CONFIG", "SET", "stream-node-max-entries", "100"]);
}

#[test]
fn xsetid() {
    let mut p = Pair::new();
    p.check(WRONG);
    fill(&mut p, "s", 3);
    p.check_all(&[
        &["XSETID", "nokey", "1-1"],
        &["XSETID", "str", "1-1"],
        &["XSETID", "s", "1-1"],
        &["XSETID", "s", "+"],
        &["XSETID", "s", "x"],
        &["XSETID", "s", "5-0", "ENTRIESADDED", "1"],
        &["XSETID", "s", "5-0", "ENTRIESADDED", "-1"],
        &["XSETID", "s", "5-0", "ENTRIESADDED", "x"],
        &["XSETID", "s", "5-0", "MAXDELETEDID", "6-0"],
        &["XSETID", "s", "5-0", "MAXDELETEDID", "+"],
        &["XSETID", "s", "5-0", "FOO"],
        &["XSETID", "s", "5-0", "ENTRIESADDED"],
        &[
            "XSETID",
            "s",
            "5-0",
            "ENTRIESADDED",
            "9",
            "MAXDELETEDID",
            "2-0",
        ],
        &["XINFO", "STREAM", "s"],
        &["XADD", "s", "5-0", "a", "1"],
        &["XADD", "s", "5-*", "a", "1"],
        &["XSETID", "s", "5-1"],
        &["XINFO", "STREAM", "s"],
    ]);
}

// ---------------------------------------------------------------------------------------
// Consumer groups
// ---------------------------------------------------------------------------------------

#[test]
fn xgroup_subcommands_and_errors() {
    let mut p = Pair::new();
    p.check(WRONG);
    fill(&mut p, "s", 4);
    for args in [
        &["XGROUP", "CREATE", "s", "g", "0"][..],
        &["XGROUP", "CREATE", "s", "g", "0"],
        &["XGROUP", "CREATE", "s", "g2", "$"],
        &["XGROUP", "CREATE", "s", "g3", "2-1", "ENTRIESREAD", "2"],
        &["XGROUP", "CREATE", "s", "g4", "bad"],
        &["XGROUP", "CREATE", "s", "g4", "+"],
        &["XGROUP", "CREATE", "s", "g4", "0", "ENTRIESREAD"],
        &["XGROUP", "CREATE", "s", "g4", "0", "ENTRIESREAD", "-2"],
        &["XGROUP", "CREATE", "s", "g4", "0", "ENTRIESREAD", "x"],
        &["XGROUP", "CREATE", "s", "g4", "0", "FOO"],
        &[
            "XGROUP", "CREATE", "s", "g4", "0", "MKSTREAM", "MKSTREAM", "MKSTREAM", "MKSTREAM",
        ],
        &["XGROUP", "CREATE", "nokey", "g", "$"],
        &["XGROUP", "CREATE", "nokey", "g", "$", "MKSTREAM"],
        &[
            "XGROUP",
            "CREATE",
            "nokey2",
            "g",
            "5-5",
            "MKSTREAM",
            "ENTRIESREAD",
            "-1",
        ],
        &["XGROUP", "CREATE", "str", "g", "$", "MKSTREAM"],
        &["XINFO", "STREAM", "nokey"],
        &["XINFO", "GROUPS", "nokey2"],
        &["XGROUP", "SETID", "s", "g3", "1-1", "ENTRIESREAD", "5"],
        &["XGROUP", "SETID", "s", "g3", "-"],
        &["XGROUP", "SETID", "s", "g3", "$"],
        &["XGROUP", "SETID", "s", "g3", "x"],
        &["XGROUP", "SETID", "s", "nog", "1-1"],
        &["XGROUP", "SETID", "s", "g3", "1-1", "MKSTREAM"],
        &["XGROUP", "SETID", "s", "g3", "1-1", "ENTRIESREAD"],
        &["XGROUP", "SETID", "nokey9", "g", "0"],
        &["XGROUP", "SETID", "str", "g", "0"],
        &["XINFO", "GROUPS", "s"],
        &["XGROUP", "CREATECONSUMER", "s", "g", "c1"],
        &["XGROUP", "CREATECONSUMER", "s", "g", "c1"],
        &["XGROUP", "CREATECONSUMER", "s", "nog", "c1"],
        &["XGROUP", "CREATECONSUMER", "nokey9", "g", "c1"],
        &["XGROUP", "DELCONSUMER", "s", "g", "c9"],
        &["XGROUP", "DELCONSUMER", "s", "g", "c1"],
        &["XGROUP", "DELCONSUMER", "s", "nog", "c1"],
        &["XGROUP", "DESTROY", "s", "nog"],
        &["XGROUP", "DESTROY", "s", "g2"],
        &["XGROUP", "DESTROY", "nokey9", "g2"],
        &["XGROUP", "DESTROY", "str", "g2"],
        &["XGROUP", "FOO", "s", "g"],
        &["XGROUP", "CREATE", "s"],
        &["XGROUP", "DESTROY", "s", "g", "x"],
        &["XGROUP"],
        &["XINFO", "GROUPS", "s"],
        &["XINFO", "FOO", "s"],
        &["XINFO", "GROUPS", "str"],
        &["XINFO", "GROUPS"],
    ] {
        p.check(args);
    }
}

/// Two consumers share a group; one stops acknowledging; the other takes its entries
/// with XCLAIM and XAUTOCLAIM.
#[test]
fn two_consumers_and_a_dead_one() {
    let mut p = Pair::new();
    p.check(WRONG);
    fill(&mut p, "s", 10);
    let no_times = |v: &mut V| mask_column(v, 2);
    p.check_all(&[
        &["XGROUP", "CREATE", "s", "g", "0"],
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "alice",
            "COUNT",
            "3",
            "STREAMS",
            "s",
            ">",
        ],
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "bob",
            "COUNT",
            "3",
            "STREAMS",
            "s",
            ">",
        ],
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "alice",
            "COUNT",
            "2",
            "STREAMS",
            "s",
            ">",
        ],
        &["XINFO", "GROUPS", "s"],
        &["XPENDING", "s", "g"],
        // Bob acknowledges his; alice acknowledges one and dies.
        &["XACK", "s", "g", "4-1", "5-1", "6-1", "6-1", "99-1"],
        &["XACK", "s", "g", "1-1"],
        &["XACK", "s", "g", "bad"],
        &["XACK", "s", "nog", "1-1"],
        &["XACK", "nokey", "g", "bad"],
        &["XACK", "str", "g", "1-1"],
        &["XPENDING", "s", "g"],
        &["XPENDING", "s", "g", "IDLE", "100000", "-", "+", "10"],
        &["XPENDING", "s", "g", "-", "+", "0"],
        &["XPENDING", "s", "g", "-", "+", "10", "nobody"],
        &["XPENDING", "s", "g", "-", "+"],
        &["XPENDING", "s", "g", "-"],
        &["XPENDING", "s", "g", "IDLE", "5", "-", "+"],
        &["XPENDING", "s", "g", "IDLE", "x", "-", "+", "1"],
        &["XPENDING", "s", "g", "-", "+", "x"],
        &["XPENDING", "s", "g", "x", "+", "1"],
        &[
            "XPENDING",
            "s",
            "g",
            "(18446744073709551615-18446744073709551615",
            "+",
            "1",
        ],
        &["XPENDING", "s", "nog"],
        &["XPENDING", "nokey", "g"],
        &["XPENDING", "str", "g"],
    ]);
    check_with(&mut p, &["XPENDING", "s", "g", "-", "+", "10"], no_times);
    check_with(
        &mut p,
        &[
            "XPENDING", "s", "g", "-", "+", "10", "alice", "extra", "args",
        ],
        no_times,
    );
    check_with(
        &mut p,
        &["XPENDING", "s", "g", "(2-1", "+", "2", "alice"],
        no_times,
    );
    check_with(
        &mut p,
        &["XPENDING", "s", "g", "IDLE", "0", "-", "+", "10", "alice"],
        no_times,
    );
    // Alice's history; an entry deleted meanwhile comes back as [id, nil].
    p.check_all(&[
        &["XDEL", "s", "3-1"],
        &["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"],
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "alice",
            "COUNT",
            "1",
            "STREAMS",
            "s",
            "2-1",
        ],
        &["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "0"],
    ]);
    check_with(&mut p, &["XPENDING", "s", "g", "-", "+", "10"], no_times);
    // Claims: nothing is idle for an hour; min-idle 0 takes everything asked for.
    p.check_all(&[
        &["XCLAIM", "s", "g", "bob", "3600000", "2-1", "7-1"],
        &["XCLAIM", "s", "g", "bob", "0", "2-1", "99-1"],
        &["XCLAIM", "s", "g", "bob", "0", "7-1", "8-1", "JUSTID"],
        &["XCLAIM", "s", "g", "bob", "0", "3-1", "JUSTID"],
        &["XCLAIM", "s", "g", "carol", "0", "9-1", "FORCE", "JUSTID"],
        &[
            "XCLAIM",
            "s",
            "g",
            "carol",
            "0",
            "10-1",
            "FORCE",
            "RETRYCOUNT",
            "5",
        ],
        &[
            "XCLAIM", "s", "g", "carol", "0", "10-1", "JUSTID", "LASTID", "10-1",
        ],
        &[
            "XCLAIM", "s", "g", "carol", "0", "10-1", "IDLE", "500", "TIME", "0", "JUSTID",
        ],
        &["XCLAIM", "s", "g", "carol", "0", "1-1", "LASTID", "50-0"],
        &["XINFO", "GROUPS", "s"],
        &["XCLAIM", "s", "g", "c", "x", "1-1"],
        &["XCLAIM", "s", "g", "c", "0", "1-1", "FOO"],
        &["XCLAIM", "s", "g", "c", "0", "1-1", "IDLE"],
        &["XCLAIM", "s", "g", "c", "0", "1-1", "IDLE", "x"],
        &["XCLAIM", "s", "g", "c", "0", "1-1", "TIME", "x"],
        &["XCLAIM", "s", "g", "c", "0", "1-1", "RETRYCOUNT", "x"],
        &["XCLAIM", "s", "g", "c", "0", "1-1", "LASTID", "x"],
        &["XCLAIM", "s", "nog", "c", "0", "1-1"],
        &["XCLAIM", "nokey", "g", "c", "0", "1-1"],
        &["XCLAIM", "str", "g", "c", "0", "1-1"],
        &["XCLAIM", "s", "g", "bob", "0", "FORCE"],
    ]);
    check_with(&mut p, &["XPENDING", "s", "g", "-", "+", "10"], no_times);
    p.check_all(&[
        &["XDEL", "s", "8-1"],
        &["XAUTOCLAIM", "s", "g", "dave", "3600000", "0"],
        &["XAUTOCLAIM", "s", "g", "dave", "0", "0", "COUNT", "2"],
        &[
            "XAUTOCLAIM",
            "s",
            "g",
            "dave",
            "0",
            "8-1",
            "COUNT",
            "1",
            "JUSTID",
        ],
        &["XAUTOCLAIM", "s", "g", "dave", "0", "(8-1", "JUSTID"],
        &["XAUTOCLAIM", "s", "g", "erin", "0", "-", "COUNT", "100"],
        &["XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "0"],
        &["XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "x"],
        &[
            "XAUTOCLAIM",
            "s",
            "g",
            "c",
            "0",
            "0",
            "COUNT",
            "9223372036854775807",
        ],
        &["XAUTOCLAIM", "s", "g", "c", "0", "0", "FOO"],
        &["XAUTOCLAIM", "s", "g", "c", "x", "0"],
        &["XAUTOCLAIM", "s", "g", "c", "0", "x"],
        &[
            "XAUTOCLAIM",
            "s",
            "g",
            "c",
            "0",
            "(18446744073709551615-18446744073709551615",
        ],
        &["XAUTOCLAIM", "s", "nog", "c", "0", "0"],
        &["XAUTOCLAIM", "nokey", "g", "c", "0", "0"],
        &["XAUTOCLAIM", "str", "g", "c", "0", "0"],
        &["XPENDING", "s", "g"],
        &["XGROUP", "DELCONSUMER", "s", "g", "erin"],
        &["XPENDING", "s", "g"],
        &["XINFO", "GROUPS", "s"],
    ]);
    check_with(&mut p, &["XINFO", "CONSUMERS", "s", "g"], info_scrub);
    check_with(&mut p, &["XINFO", "STREAM", "s", "FULL"], info_scrub);
    check_with(
        &mut p,
        &["XINFO", "STREAM", "s", "FULL", "COUNT", "1"],
        info_scrub,
    );
    check_with(
        &mut p,
        &["XINFO", "STREAM", "s", "FULL", "COUNT", "0"],
        info_scrub,
    );
    check_with(
        &mut p,
        &["XINFO", "STREAM", "s", "FULL", "COUNT", "-5"],
        info_scrub,
    );
    p.check_all(&[
        &["XINFO", "CONSUMERS", "s", "nog"],
        &["XINFO", "CONSUMERS", "nokey", "g"],
        &["XINFO", "STREAM", "s", "FOO"],
        &["XINFO", "STREAM", "s", "FULL", "COUNT"],
        &["XINFO", "STREAM", "s", "FULL", "FOO", "1"],
        &["XINFO", "STREAM", "s", "FULL", "COUNT", "x"],
        &["XINFO", "STREAM", "str"],
        &["XGROUP", "DESTROY", "s", "g"],
        &["XINFO", "STREAM", "s"],
    ]);
}

#[test]
fn xreadgroup_noack_lag_and_entries_read() {
    let mut p = Pair::new();
    p.check(WRONG);
    fill(&mut p, "s", 6);
    p.check_all(&[
        &["XGROUP", "CREATE", "s", "g", "0"],
        &["XGROUP", "CREATE", "s", "late", "$"],
        &["XGROUP", "CREATE", "s", "mid", "3-1", "ENTRIESREAD", "3"],
        &["XINFO", "GROUPS", "s"],
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "c",
            "NOACK",
            "COUNT",
            "2",
            "STREAMS",
            "s",
            ">",
        ],
        &["XPENDING", "s", "g"],
        &["XINFO", "GROUPS", "s"],
        &["XDEL", "s", "4-1"],
        &["XINFO", "GROUPS", "s"],
        &["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"],
        &["XINFO", "GROUPS", "s"],
        &[
            "XREADGROUP",
            "GROUP",
            "mid",
            "c",
            "COUNT",
            "1",
            "STREAMS",
            "s",
            ">",
        ],
        &["XINFO", "GROUPS", "s"],
        &["XADD", "s", "7-1", "f", "v"],
        &["XTRIM", "s", "MAXLEN", "2"],
        &["XINFO", "GROUPS", "s"],
        &["XINFO", "STREAM", "s"],
        &["XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD", "0"],
        &["XINFO", "GROUPS", "s"],
        &["XGROUP", "SETID", "s", "late", "$"],
        &["XINFO", "GROUPS", "s"],
        &["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"],
        &["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"],
        &["XINFO", "GROUPS", "s"],
        // Errors, each checked before anything is read.
        &["XREADGROUP", "GROUP", "nog", "c", "STREAMS", "s", ">"],
        &["XREADGROUP", "GROUP", "g", "c", "STREAMS", "nokey", ">"],
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "c",
            "STREAMS",
            "s",
            "nokey",
            ">",
            ">",
        ],
        &["XREADGROUP", "GROUP", "g", "c", "STREAMS", "str", ">"],
        &["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "$"],
        &["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "+"],
        &["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "bad"],
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "c",
            "COUNT",
            "x",
            "STREAMS",
            "s",
            ">",
        ],
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "c",
            "BLOCK",
            "x",
            "STREAMS",
            "s",
            ">",
        ],
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "c",
            "BLOCK",
            "-1",
            "STREAMS",
            "s",
            ">",
        ],
        &["XREADGROUP", "GROUP", "g", "c", "FOO", "STREAMS", "s", ">"],
        &["XREADGROUP", "GROUP", "g", "STREAMS", "s", ">"],
        &["XREADGROUP", "COUNT", "1", "NOACK", "STREAMS", "s", ">"],
        &["XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS"],
    ]);
}

#[test]
fn xread_shapes_and_errors() {
    let mut p = Pair::new();
    p.check(WRONG);
    fill(&mut p, "a", 3);
    fill(&mut p, "b", 2);
    p.check_all(&[
        &["XREAD", "STREAMS", "a", "b", "0", "0"],
        &["XREAD", "COUNT", "2", "STREAMS", "a", "b", "1", "1-1"],
        &["XREAD", "COUNT", "0", "STREAMS", "a", "0"],
        &["XREAD", "COUNT", "-1", "STREAMS", "a", "0"],
        &["XREAD", "STREAMS", "a", "nokey", "$", "0"],
        &["XREAD", "STREAMS", "a", "3-1"],
        &[
            "XREAD",
            "STREAMS",
            "a",
            "18446744073709551615-18446744073709551615",
        ],
        &["XREAD", "BLOCK", "0", "STREAMS", "a", "0"],
        &["XREAD", "STREAMS", "a", ">"],
        &["XREAD", "STREAMS", "a", "bad"],
        &["XREAD", "STREAMS", "a", "-"],
        &["XREAD", "STREAMS", "str", "0"],
        &["XREAD", "STREAMS", "a", "str", "bad", "0"],
        &["XREAD", "GROUP", "g", "c", "STREAMS", "a", "0"],
        &["XREAD", "NOACK", "STREAMS", "a", "0"],
        &["XREAD", "COUNT", "x", "STREAMS", "a", "0"],
        &["XREAD", "BLOCK", "x", "STREAMS", "a", "0"],
        &["XREAD", "BLOCK", "-1", "STREAMS", "a", "0"],
        &["XREAD", "BLOCK", "1.5", "STREAMS", "a", "0"],
        &["XREAD", "FOO", "STREAMS", "a", "0"],
        &["XREAD", "COUNT", "1", "a", "0"],
        &["XREAD", "STREAMS"],
        &["MULTI"],
        &["XREAD", "BLOCK", "0", "STREAMS", "a", "$"],
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "c",
            "BLOCK",
            "0",
            "STREAMS",
            "a",
            ">",
        ],
        &["EXEC"],
        &["XGROUP", "CREATE", "a", "g", "$"],
        &["MULTI"],
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "c",
            "BLOCK",
            "0",
            "STREAMS",
            "a",
            ">",
        ],
        &["EXEC"],
    ]);
    p.both(&["HELLO", "3"]);
    p.check_all(&[
        &["XREAD", "STREAMS", "a", "b", "0", "1"],
        &["XREAD", "STREAMS", "a", "$"],
        &["XRANGE", "a", "-", "+", "COUNT", "0"],
        &["XADD", "a", "NOMKSTREAM", "9-9", "x", "y"],
        &["XADD", "zz", "NOMKSTREAM", "9-9", "x", "y"],
        &["XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", ">"],
        &["XPENDING", "a", "g"],
        &["XINFO", "GROUPS", "a"],
        &["XINFO", "STREAM", "a"],
        &["XAUTOCLAIM", "a", "g", "c", "0", "0"],
    ]);
}

// ---------------------------------------------------------------------------------------
// DUMP / RESTORE in both directions
// ---------------------------------------------------------------------------------------

#[test]
fn dump_payloads_interoperate() {
    let mut p = Pair::new();
    fill(&mut p, "s", 230);
    p.check_all(&[
        &["XDEL", "s", "7-1", "150-1"],
        &["XTRIM", "s", "MAXLEN", "200"],
        &["XADD", "s", "500-0", "big", &"q".repeat(3000)],
        &[
            "XSETID",
            "s",
            "600-0",
            "ENTRIESADDED",
            "300",
            "MAXDELETEDID",
            "150-1",
        ],
    ]);
    // Without groups (no times inside), the payloads are byte-identical.
    let d = p.check(&["DUMP", "s"]);
    assert!(d.len() > 1000);
    fill(&mut p, "g", 5);
    p.check_all(&[
        &["XGROUP", "CREATE", "g", "grp", "0"],
        &["XGROUP", "CREATE", "g", "empty", "$", "ENTRIESREAD", "5"],
        &[
            "XREADGROUP",
            "GROUP",
            "grp",
            "alice",
            "COUNT",
            "2",
            "STREAMS",
            "g",
            ">",
        ],
        &[
            "XREADGROUP",
            "GROUP",
            "grp",
            "bob",
            "COUNT",
            "1",
            "STREAMS",
            "g",
            ">",
        ],
    ]);
    // Each side's payload restored into the other.
    let raw = |v: &[u8]| -> Vec<u8> {
        match parse(v) {
            V::Bulk(Some(b)) => b,
            other => panic!("{other:?}"),
        }
    };
    let from_redis = raw(&p.redis.cmd(&["DUMP", "g"]));
    let from_cinnabar = raw(&p.cinnabar.cmd(&["DUMP", "g"]));
    let r = p.redis.cmd(&[
        b"RESTORE".to_vec(),
        b"g2".to_vec(),
        b"0".to_vec(),
        from_cinnabar,
    ]);
    let c = p.cinnabar.cmd(&[
        b"RESTORE".to_vec(),
        b"g2".to_vec(),
        b"0".to_vec(),
        from_redis,
    ]);
    assert_eq!(show(&r), "+OK\\r\\n");
    assert_eq!(show(&c), "+OK\\r\\n");
    for key in ["s", "g2"] {
        p.check(&["XRANGE", key, "-", "+"]);
        p.check(&["XINFO", "STREAM", key]);
        p.check(&["XINFO", "GROUPS", key]);
        check_with(&mut p, &["XINFO", "STREAM", key, "FULL"], info_scrub);
    }
    let s = raw(&p.redis.cmd(&["DUMP", "s"]));
    p.check(&[b"RESTORE".to_vec(), b"s3".to_vec(), b"0".to_vec(), s]);
    p.check(&["XINFO", "STREAM", "s3"]);
}

// ---------------------------------------------------------------------------------------
// Blocking reads with two connections
// ---------------------------------------------------------------------------------------

/// Poll until the server reports `n` blocked clients.
fn wait_blocked(ctl: &mut Conn, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let want = format!("blocked_clients:{n}\r\n");
    loop {
        let info = ctl.cmd(&["INFO", "clients"]);
        if String::from_utf8_lossy(&info).contains(&want) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "never reached {n} blocked clients"
        );
        std::thread::sleep(Duration::from_millis(1)); // polling for readiness only
    }
}

/// Run `scenario` against each server; the transcripts must be identical.
fn on_both(p: &Pair, scenario: fn(u16) -> Vec<String>) -> Vec<String> {
    let r = scenario(p.redis_server.port);
    let c = scenario(p.cinnabar_server.port);
    assert_eq!(c, r, "transcripts differ (left: cinnabar, right: redis)");
    r
}

fn blocking_reads(port: u16) -> Vec<String> {
    let mut t = Vec::new();
    let mut ctl = Conn::connect(port);
    let mut w1 = Conn::connect(port);
    let mut w2 = Conn::connect(port);
    let mut say = |what: &str, raw: Vec<u8>| t.push(format!("{what}: {}", show(&raw)));
    ctl.cmd(&["FLUSHALL"]);
    ctl.cmd(&["XADD", "s", "1-0", "a", "1"]);
    // `$` is the last id when the client blocked: entries added in one transaction are
    // all delivered.
    w1.send(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"]);
    wait_blocked(&mut ctl, 1);
    say("multi", ctl.cmd(&["MULTI"]));
    ctl.cmd(&["XADD", "s", "2-0", "b", "2"]);
    ctl.cmd(&["XADD", "s", "3-0", "c", "3"]);
    say("exec", ctl.cmd(&["EXEC"]));
    say("w1", w1.read_reply());
    // Several keys; the one that gets data answers; COUNT applies.
    w1.send(&[
        "XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "x", "s", "$", "$",
    ]);
    wait_blocked(&mut ctl, 1);
    say("xadd", ctl.cmd(&["XADD", "x", "5-0", "k", "v"]));
    say("w1", w1.read_reply());
    // Timeout: a null array, on time.
    let start = Instant::now();
    say(
        "timeout",
        w1.cmd(&["XREAD", "BLOCK", "30", "STREAMS", "s", "$"]),
    );
    assert!(start.elapsed() >= Duration::from_millis(30));
    // Consumer groups: two waiters served in arrival order.
    ctl.cmd(&["XGROUP", "CREATE", "s", "g", "$"]);
    w1.send(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "c1",
        "COUNT",
        "1",
        "BLOCK",
        "0",
        "STREAMS",
        "s",
        ">",
    ]);
    wait_blocked(&mut ctl, 1);
    w2.send(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "c2",
        "COUNT",
        "1",
        "BLOCK",
        "0",
        "STREAMS",
        "s",
        ">",
    ]);
    wait_blocked(&mut ctl, 2);
    say("xadd", ctl.cmd(&["XADD", "s", "6-0", "d", "4"]));
    say("w1", w1.read_reply());
    wait_blocked(&mut ctl, 1);
    say("xadd", ctl.cmd(&["XADD", "s", "7-0", "e", "5"]));
    say("w2", w2.read_reply());
    say("pending", ctl.cmd(&["XPENDING", "s", "g"]));
    // NOACK waiter.
    w1.send(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "c3",
        "NOACK",
        "BLOCK",
        "0",
        "STREAMS",
        "s",
        ">",
    ]);
    wait_blocked(&mut ctl, 1);
    say("xadd", ctl.cmd(&["XADD", "s", "8-0", "f", "6"]));
    say("w1", w1.read_reply());
    say("pending", ctl.cmd(&["XPENDING", "s", "g"]));
    say("groups", ctl.cmd(&["XINFO", "GROUPS", "s"]));
    // XREADGROUP with a timeout.
    say(
        "timeout",
        w2.cmd(&[
            "XREADGROUP",
            "GROUP",
            "g",
            "c2",
            "BLOCK",
            "20",
            "STREAMS",
            "s",
            ">",
        ]),
    );
    // RESP3 waiter.
    w2.cmd(&["HELLO", "3"]);
    w2.send(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"]);
    wait_blocked(&mut ctl, 1);
    say("xadd", ctl.cmd(&["XADD", "s", "9-0", "g", "7"]));
    say("w2", w2.read_reply());
    t
}

#[test]
fn blocking_xread_and_xreadgroup() {
    let p = Pair::new();
    let t = on_both(&p, blocking_reads);
    assert!(t.iter().any(|l| l.starts_with("w2: %1")), "{t:?}");
}
