//! Set commands against the real redis-server (the oracle is Redis 7.0, Cinnabar follows
//! 7.2). Differences we do not compare byte for byte:
//!
//! * 7.0 has no listpack encoding for sets: small non-integer sets are hashtables there
//!   (listpacks here), so OBJECT ENCODING is compared only where both agree (intset,
//!   large hashtables), and replies listing the members of non-intset sets are compared
//!   sorted. Intset replies are ascending in both and are compared exactly.
//! * Random choices (SPOP, SRANDMEMBER) are compared by their properties.
#![cfg(feature = "native")]
mod common;

use common::{Pair, parse_bulk_array, show};

/// Compare a reply that lists members in an encoding-dependent order, sorted.
#[track_caller]
fn check_sorted(p: &mut Pair, cmd: &[&str]) -> Vec<Vec<u8>> {
    let (r, c) = p.both(cmd);
    assert_eq!(
        c.first(),
        r.first(),
        "reply type differs for {cmd:?}: {} vs {}",
        show(&c),
        show(&r)
    );
    let (mut a, mut b) = (parse_bulk_array(&r), parse_bulk_array(&c));
    a.sort();
    b.sort();
    assert_eq!(b, a, "members differ for {cmd:?}");
    a
}

fn int_reply(raw: &[u8]) -> i64 {
    let s = String::from_utf8_lossy(raw);
    s.trim_start_matches(':')
        .trim_end()
        .parse()
        .unwrap_or_else(|_| panic!("not an int: {s}"))
}

const WRONGTYPE: &[&str] = &["SET", "str", "x"];

#[test]
fn sadd_srem_scard_sismember_smismember() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SADD", "s", "a", "b", "c", "a"],
        &["SADD", "s", "c", "d"],
        &["SCARD", "s"],
        &["SCARD", "nosuch"],
        &["SISMEMBER", "s", "a"],
        &["SISMEMBER", "s", "zz"],
        &["SISMEMBER", "nosuch", "a"],
        &["SMISMEMBER", "s", "a", "zz", "d"],
        &["SMISMEMBER", "nosuch", "a", "b"],
        &["SREM", "s", "a", "zz", "a"],
        &["SREM", "nosuch", "a"],
        &["SCARD", "s"],
        &["SREM", "s", "b", "c", "d", "e"],
        &["EXISTS", "s"],
        &["SADD", "s", ""],
        &["SISMEMBER", "s", ""],
        WRONGTYPE,
        &["SADD", "str", "a"],
        &["SREM", "str", "a"],
        &["SCARD", "str"],
        &["SISMEMBER", "str", "a"],
        &["SMISMEMBER", "str", "a"],
        &["SMEMBERS", "str"],
        &["SADD", "s"],
        &["SREM", "s"],
        &["SCARD"],
        &["SISMEMBER", "s"],
        &["SMISMEMBER", "s"],
        &["SMEMBERS"],
    ]);
    check_sorted(&mut p, &["SMEMBERS", "s"]);
    p.check(&["SMEMBERS", "nosuch"]);
}

#[test]
fn intset_encoding_order_and_conversion() {
    let mut p = Pair::new();
    p.check(&[
        "SADD",
        "i",
        "5",
        "-3",
        "100",
        "0",
        "-9223372036854775808",
        "9223372036854775807",
    ]);
    p.check(&["OBJECT", "ENCODING", "i"]);
    p.check(&["SMEMBERS", "i"]);
    p.check(&["SISMEMBER", "i", "0"]);
    p.check(&["SISMEMBER", "i", "00"]);
    p.check(&["SISMEMBER", "i", "+5"]);
    p.check(&["SREM", "i", "05", "-0", "5"]);
    p.check(&["SMEMBERS", "i"]);
    // Past set-max-intset-entries: a hashtable in both versions.
    let mut cmd = vec!["SADD".to_string(), "big".to_string()];
    cmd.extend((0..513).map(|i| i.to_string()));
    p.check(&cmd);
    p.check(&["OBJECT", "ENCODING", "big"]);
    let mut cmd = vec!["SADD".to_string(), "edge".to_string()];
    cmd.extend((0..512).map(|i| (i * 7).to_string()));
    p.check(&cmd);
    p.check(&["OBJECT", "ENCODING", "edge"]);
    p.check(&["SMEMBERS", "edge"]);
    p.check(&["SADD", "edge", "1"]);
    p.check(&["OBJECT", "ENCODING", "edge"]);
    // The threshold is configurable.
    p.check(&["CONFIG", "SET", "set-max-intset-entries", "3"]);
    p.check(&["SADD", "small", "1", "2", "3"]);
    p.check(&["OBJECT", "ENCODING", "small"]);
    p.check(&["SADD", "small", "4"]);
    check_sorted(&mut p, &["SMEMBERS", "small"]);
    // Non-canonical integers are strings.
    p.check(&["SADD", "nc", "1", "01", "+2", " 3", "-0", "1.0"]);
    check_sorted(&mut p, &["SMEMBERS", "nc"]);
    p.check(&["SISMEMBER", "nc", "01"]);
    p.check(&["SISMEMBER", "nc", "1"]);
}

#[test]
fn large_string_sets_are_hashtables() {
    let mut p = Pair::new();
    let mut cmd = vec!["SADD".to_string(), "h".to_string()];
    cmd.extend((0..300).map(|i| format!("member:{i}")));
    p.check(&cmd);
    p.check(&["OBJECT", "ENCODING", "h"]);
    p.check(&["SCARD", "h"]);
    p.check(&["SADD", "long", &"x".repeat(65)]);
    p.check(&["OBJECT", "ENCODING", "long"]);
    for i in (0..300).step_by(3) {
        p.check(&["SREM", "h", &format!("member:{i}")]);
    }
    check_sorted(&mut p, &["SMEMBERS", "h"]);
    p.check(&["SISMEMBER", "h", "member:1"]);
    p.check(&["SISMEMBER", "h", "member:3"]);
}

#[test]
fn smove_every_branch() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SADD", "src", "a", "b", "1"],
        &["SADD", "dst", "x"],
        WRONGTYPE,
        &["SMOVE", "nosuch", "dst", "a"],
        &["SMOVE", "nosuch", "str", "a"],
        &["SMOVE", "str", "dst", "a"],
        &["SMOVE", "src", "str", "a"],
        &["SMOVE", "src", "dst", "zz"],
        &["SMOVE", "src", "src", "a"],
        &["SMOVE", "src", "src", "zz"],
        &["SMOVE", "src", "dst", "a"],
        &["SISMEMBER", "dst", "a"],
        &["SISMEMBER", "src", "a"],
        &["SADD", "dst", "b"],
        &["SMOVE", "src", "dst", "b"],
        &["SCARD", "dst"],
        &["SMOVE", "src", "new", "1"],
        &["EXISTS", "src"],
        &["OBJECT", "ENCODING", "new"],
        &["SMEMBERS", "new"],
        &["SMOVE", "src"],
    ]);
}

#[test]
fn set_algebra_on_intsets_is_exact() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SADD", "a", "1", "2", "3", "4", "5", "6"],
        &["SADD", "b", "4", "5", "6", "7", "8"],
        &["SADD", "c", "6", "8", "10", "-1"],
        &["SINTER", "a", "b"],
        &["SINTER", "a", "b", "c"],
        &["SINTER", "a", "a"],
        &["SINTER", "a"],
        &["SINTER", "a", "nosuch"],
        &["SUNION", "a", "b", "c"],
        &["SUNION", "nosuch", "c"],
        &["SUNION", "nosuch"],
        &["SDIFF", "a", "b"],
        &["SDIFF", "a", "b", "c"],
        &["SDIFF", "a", "a"],
        &["SDIFF", "a", "nosuch"],
        &["SDIFF", "nosuch", "a"],
        &["SDIFF", "c", "a", "b"],
        &["SINTERSTORE", "d", "a", "b"],
        &["SMEMBERS", "d"],
        &["OBJECT", "ENCODING", "d"],
        &["SUNIONSTORE", "d", "a", "c"],
        &["SMEMBERS", "d"],
        &["OBJECT", "ENCODING", "d"],
        &["SDIFFSTORE", "d", "a", "b"],
        &["SMEMBERS", "d"],
        &["SINTERCARD", "2", "a", "b"],
        &["SINTERCARD", "3", "a", "b", "c"],
        &["SINTERCARD", "1", "a"],
        &["SINTERCARD", "2", "a", "b", "LIMIT", "2"],
        &["SINTERCARD", "2", "a", "b", "LIMIT", "0"],
        &["SINTERCARD", "2", "a", "b", "limit", "1", "LIMIT", "100"],
        &["SINTERCARD", "2", "a", "nosuch"],
    ]);
}

#[test]
fn set_algebra_with_strings_compared_sorted() {
    let mut p = Pair::new();
    p.check(&["SADD", "a", "x", "y", "z", "1", "2"]);
    p.check(&["SADD", "b", "y", "z", "w", "2"]);
    let mut cmd = vec!["SADD".to_string(), "big".to_string()];
    cmd.extend((0..200).map(|i| format!("m{i}")));
    cmd.push("x".into());
    p.check(&cmd);
    for cmd in [
        &["SINTER", "a", "b"][..],
        &["SINTER", "big", "a"],
        &["SUNION", "a", "b"],
        &["SUNION", "a", "big"],
        &["SDIFF", "a", "b"],
        &["SDIFF", "big", "a"],
        &["SDIFF", "a", "big", "b"],
    ] {
        check_sorted(&mut p, cmd);
    }
    p.check(&["SUNIONSTORE", "u", "a", "big"]);
    p.check(&["OBJECT", "ENCODING", "u"]);
    check_sorted(&mut p, &["SMEMBERS", "u"]);
    p.check(&["SDIFFSTORE", "u", "big", "a"]);
    p.check(&["SCARD", "u"]);
    p.check(&["SINTERSTORE", "u", "a", "b"]);
    check_sorted(&mut p, &["SMEMBERS", "u"]);
}

#[test]
fn store_variants_replace_delete_and_clear_ttl() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SADD", "a", "1", "2"],
        &["SADD", "b", "3"],
        &["SET", "dst", "string"],
        &["EXPIRE", "dst", "100"],
        &["SUNIONSTORE", "dst", "a", "b"],
        &["TYPE", "dst"],
        &["TTL", "dst"],
        &["SMEMBERS", "dst"],
        &["SINTERSTORE", "dst", "a", "b"],
        &["EXISTS", "dst"],
        &["SINTERSTORE", "dst", "a", "b"],
        &["SADD", "dst", "9"],
        &["SINTERSTORE", "dst", "a", "nosuch"],
        &["EXISTS", "dst"],
        &["SADD", "dst", "9"],
        &["SDIFFSTORE", "dst", "a", "a"],
        &["EXISTS", "dst"],
        &["SADD", "dst", "9"],
        &["SUNIONSTORE", "dst", "nosuch"],
        &["EXISTS", "dst"],
        // The destination may be one of the sources.
        &["SUNIONSTORE", "a", "a", "b"],
        &["SMEMBERS", "a"],
        &["SDIFFSTORE", "a", "a", "b"],
        &["SMEMBERS", "a"],
        &["SINTERSTORE", "a", "a", "a"],
        &["SMEMBERS", "a"],
        // Integers-only intersections of hashtables come out as intsets.
        &["SINTERSTORE", "x"],
        &["SUNIONSTORE"],
        &["SDIFFSTORE", "x"],
    ]);
    let mut cmd = vec!["SADD".to_string(), "h1".to_string()];
    cmd.extend((0..600).map(|i| i.to_string()));
    p.check(&cmd);
    let mut cmd = vec!["SADD".to_string(), "h2".to_string()];
    cmd.extend((550..1200).map(|i| i.to_string()));
    p.check(&cmd);
    p.check(&["OBJECT", "ENCODING", "h1"]);
    p.check(&["SINTERSTORE", "i", "h1", "h2"]);
    p.check(&["OBJECT", "ENCODING", "i"]);
    p.check(&["SMEMBERS", "i"]);
    p.check(&["SDIFFSTORE", "i", "h1", "h2"]);
    p.check(&["SCARD", "i"]);
}

#[test]
fn wrong_types_anywhere_in_multi_key_commands() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SADD", "a", "1"],
        WRONGTYPE,
        &["SINTER", "a", "str"],
        &["SINTER", "nosuch", "str"],
        &["SINTER", "str", "nosuch"],
        &["SUNION", "a", "nosuch", "str"],
        &["SDIFF", "nosuch", "str"],
        &["SINTERSTORE", "d", "a", "str"],
        &["SUNIONSTORE", "d", "str"],
        &["SDIFFSTORE", "d", "a", "str"],
        &["EXISTS", "d"],
        &["SINTERCARD", "2", "a", "str"],
        &["SINTERCARD", "2", "nosuch", "str"],
        // A string destination is simply replaced.
        &["SUNIONSTORE", "str", "a"],
        &["TYPE", "str"],
    ]);
}

#[test]
fn sintercard_argument_errors() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SADD", "a", "1", "2"],
        &["SINTERCARD", "0", "a"],
        &["SINTERCARD", "-1", "a"],
        &["SINTERCARD", "abc", "a"],
        &["SINTERCARD", "3", "a", "b"],
        &["SINTERCARD", "1", "a", "LIMIT"],
        &["SINTERCARD", "1", "a", "LIMIT", "-1"],
        &["SINTERCARD", "1", "a", "LIMIT", "x"],
        &["SINTERCARD", "1", "a", "FOO", "1"],
        &["SINTERCARD", "1", "a", "b"],
        &["SINTERCARD", "1"],
        &["SINTERCARD", "9223372036854775807", "a"],
        &["SINTERCARD", "2", "a", "LIMIT"],
    ]);
}

#[test]
fn spop_deterministic_cases_and_errors() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SPOP", "nosuch"],
        &["SPOP", "nosuch", "3"],
        &["SPOP", "nosuch", "0"],
        &["SADD", "s", "1", "2", "3"],
        &["SPOP", "s", "0"],
        &["SPOP", "s", "-1"],
        &["SPOP", "s", "abc"],
        &["SPOP", "s", "1", "2"],
        &["SPOP", "s", "3"],
        &["EXISTS", "s"],
        &["SADD", "s", "42"],
        &["SPOP", "s"],
        &["EXISTS", "s"],
        &["SADD", "s", "1", "2", "3"],
        &["SPOP", "s", "100"],
        &["EXISTS", "s"],
        WRONGTYPE,
        &["SPOP", "str"],
        &["SPOP", "str", "1"],
        &["SPOP", "str", "-1"],
        &["SPOP"],
    ]);
}

#[test]
fn spop_random_cases_keep_the_set_consistent() {
    let mut p = Pair::new();
    for (key, members) in [
        ("ints", (0..50).map(|i| i.to_string()).collect::<Vec<_>>()),
        ("strs", (0..50).map(|i| format!("s{i}")).collect()),
        ("bigints", (0..700).map(|i| i.to_string()).collect()),
        ("bigstrs", (0..700).map(|i| format!("s{i}")).collect()),
    ] {
        let mut cmd = vec!["SADD".to_string(), key.to_string()];
        cmd.extend(members.iter().cloned());
        p.check(&cmd);
        let total = members.len() as i64;
        // Small counts (pop one by one) and large ones (rebuild from the rest).
        for count in [1usize, 3, total as usize / 2, total as usize - 5] {
            let n_before = int_reply(&p.check(&["SCARD", key]));
            let (r, c) = p.both(&["SPOP", key, &count.to_string()]);
            let (r, c) = (parse_bulk_array(&r), parse_bulk_array(&c));
            let expect = (count as i64).min(n_before) as usize;
            assert_eq!(r.len(), expect);
            assert_eq!(c.len(), expect, "{key} SPOP {count}");
            let mut uniq = c.clone();
            uniq.sort();
            uniq.dedup();
            assert_eq!(uniq.len(), c.len(), "popped members are distinct");
            for m in &c {
                assert!(members.iter().any(|x| x.as_bytes() == m.as_slice()));
                let (_, gone) = p.both(&["SISMEMBER", key, std::str::from_utf8(m).unwrap()]);
                assert!(gone == b":0\r\n" || n_before as usize == expect);
            }
            p.check(&["SCARD", key]);
            if int_reply(&p.check(&["EXISTS", key])) == 0 {
                break;
            }
        }
    }
}

#[test]
fn srandmember_deterministic_cases_and_errors() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SRANDMEMBER", "nosuch"],
        &["SRANDMEMBER", "nosuch", "5"],
        &["SRANDMEMBER", "nosuch", "-5"],
        &["SADD", "s", "7"],
        &["SRANDMEMBER", "s"],
        &["SRANDMEMBER", "s", "0"],
        &["SRANDMEMBER", "s", "1"],
        &["SRANDMEMBER", "s", "-4"],
        &["SRANDMEMBER", "s", "10"],
        &["SADD", "s", "3", "-2", "100"],
        &["SRANDMEMBER", "s", "4"],
        &["SRANDMEMBER", "s", "1000"],
        &["SRANDMEMBER", "s", "-9223372036854775808"],
        &["SRANDMEMBER", "s", "x"],
        &["SRANDMEMBER", "s", "1", "2"],
        WRONGTYPE,
        &["SRANDMEMBER", "str"],
        &["SRANDMEMBER", "str", "2"],
        &["SRANDMEMBER"],
    ]);
    for key in ["ints", "strs", "bigstrs"] {
        let n = if key == "bigstrs" { 400 } else { 60 };
        let mut cmd = vec!["SADD".to_string(), key.to_string()];
        cmd.extend((0..n).map(|i| {
            if key == "ints" {
                i.to_string()
            } else {
                format!("m{i}")
            }
        }));
        p.check(&cmd);
        for count in [2i64, 5, 30, 59, -3, -100] {
            let (r, c) = p.both(&["SRANDMEMBER", key, &count.to_string()]);
            assert_eq!(r.first(), c.first());
            let (r, c) = (parse_bulk_array(&r), parse_bulk_array(&c));
            assert_eq!(c.len(), r.len(), "{key} SRANDMEMBER {count}");
            let mut u = c.clone();
            u.sort();
            u.dedup();
            if count > 0 {
                assert_eq!(u.len(), c.len(), "distinct members for a positive count");
            }
            for m in &u {
                let s = std::str::from_utf8(m).unwrap();
                assert_eq!(p.cinnabar.cmd(&["SISMEMBER", key, s]), b":1\r\n");
            }
        }
    }
}

#[test]
fn sscan_small_sets_whole_and_large_sets_by_cursor() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SADD", "i", "1", "2", "3", "10", "11", "20"],
        &["SSCAN", "i", "0"],
        &["SSCAN", "i", "0", "MATCH", "1*"],
        &["SSCAN", "i", "0", "COUNT", "1"],
        &["SSCAN", "i", "0", "COUNT", "0"],
        &["SSCAN", "i", "0", "COUNT", "-1"],
        &["SSCAN", "i", "0", "COUNT", "x"],
        &["SSCAN", "i", "0", "MATCH"],
        &["SSCAN", "i", "0", "TYPE", "set"],
        &["SSCAN", "i", "0", "NOVALUES"],
        &["SSCAN", "i", "abc"],
        &["SSCAN", "i", "-1"],
        &["SSCAN", "nosuch", "0"],
        &["SSCAN", "nosuch", "0", "COUNT", "0"],
        &["SSCAN", "nosuch", "x"],
        WRONGTYPE,
        &["SSCAN", "str", "0"],
        &["SSCAN", "str", "0", "COUNT", "0"],
        &["SSCAN", "i"],
    ]);
    p.check(&["SADD", "s", "a", "b", "c"]);
    check_sorted_scan(&mut p, "s", &[]);
    let mut cmd = vec!["SADD".to_string(), "big".to_string()];
    cmd.extend((0..1000).map(|i| format!("m{i}")));
    p.check(&cmd);
    check_sorted_scan(&mut p, "big", &[]);
    check_sorted_scan(&mut p, "big", &["MATCH", "m1*", "COUNT", "7"]);
}

/// Iterate SSCAN to the end on both servers and compare the members collected.
fn check_sorted_scan(p: &mut Pair, key: &str, opts: &[&str]) {
    let mut all = [Vec::new(), Vec::new()];
    for (side, conn) in [&mut p.redis, &mut p.cinnabar].into_iter().enumerate() {
        let mut cursor = "0".to_string();
        loop {
            let mut cmd = vec!["SSCAN", key, cursor.as_str()];
            cmd.extend_from_slice(opts);
            let raw = conn.cmd(&cmd);
            // *2 $n cursor *m members...
            let text = raw.clone();
            let first_nl = text.windows(2).position(|w| w == b"\r\n").unwrap() + 2;
            let rest = &text[first_nl..];
            let len_nl = rest.windows(2).position(|w| w == b"\r\n").unwrap() + 2;
            let n: usize = std::str::from_utf8(&rest[1..len_nl - 2])
                .unwrap()
                .parse()
                .unwrap();
            let next = std::str::from_utf8(&rest[len_nl..len_nl + n])
                .unwrap()
                .to_string();
            let members = parse_bulk_array(&rest[len_nl + n + 2..]);
            all[side].extend(members);
            cursor = next;
            if cursor == "0" {
                break;
            }
        }
    }
    for v in all.iter_mut() {
        v.sort();
        v.dedup();
    }
    assert_eq!(
        all[1], all[0],
        "SSCAN {key} {opts:?} collected different members"
    );
}

#[test]
fn resp3_reply_types() {
    let mut p = Pair::new();
    p.both(&["HELLO", "3"]); // server version and client id differ
    p.check_all(&[
        &["SADD", "i", "3", "1", "2"],
        &["SMEMBERS", "i"],
        &["SMEMBERS", "nosuch"],
        &["SINTER", "i", "i"],
        &["SINTER", "i", "nosuch"],
        &["SUNION", "i"],
        &["SDIFF", "i", "nosuch"],
        &["SMISMEMBER", "i", "1", "9"],
        &["SRANDMEMBER", "i", "5"],
        &["SRANDMEMBER", "nosuch", "5"],
        &["SRANDMEMBER", "nosuch"],
        &["SPOP", "nosuch"],
        &["SPOP", "nosuch", "2"],
        &["SPOP", "i", "0"],
        &["SPOP", "i", "5"],
        &["SSCAN", "nosuch", "0"],
    ]);
}

#[test]
fn keyspace_events_of_set_writes() {
    let mut p = Pair::new();
    p.check(&["CONFIG", "SET", "notify-keyspace-events", "KEA"]);
    let (mut rs, mut cs) = p.connect_more();
    rs.cmd(&["PSUBSCRIBE", "__key*__:*"]);
    cs.cmd(&["PSUBSCRIBE", "__key*__:*"]);
    let cmds: &[&[&str]] = &[
        &["SADD", "a", "1", "2"],
        &["SADD", "a", "1"],
        &["SREM", "a", "9"],
        &["SMOVE", "a", "b", "1"],
        &["SREM", "a", "2"],
        &["SADD", "a", "5", "6"],
        &["SINTERSTORE", "c", "a", "a"],
        &["SUNIONSTORE", "c", "a", "b"],
        &["SDIFFSTORE", "c", "a", "a"],
        &["SPOP", "a", "10"],
        &["SADD", "a", "7"],
        &["SPOP", "a"],
        &["SET", "end", "1"],
    ];
    for c in cmds {
        p.check(c);
    }
    // Read every event up to the final SET on both sides.
    loop {
        let (r, c) = (rs.read_reply(), cs.read_reply());
        assert_eq!(show(&c), show(&r));
        if r.ends_with(b"end\r\n") && r.windows(3).any(|w| w == b"set") {
            break;
        }
    }
}
