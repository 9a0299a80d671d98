//! Differential tests of HyperLogLog against a real redis-server: the stored strings
//! are byte-identical after the same PFADD/PFMERGE sequences (sparse opcodes, promotion
//! to dense, cached cardinality), a value created on one server counts the same on the
//! other after GET/SET (both ways), PFCOUNT agrees on large inputs and unions, and the
//! errors for invalid and corrupted values, PFDEBUG and keyspace events match.
#![cfg(feature = "native")]
mod common;

use common::{Pair, show};

/// A small deterministic generator.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// `PFADD key` with `n` elements named `prefix<i>` from `from`.
fn pfadd_cmd(key: &str, prefix: &str, from: u64, n: u64) -> Vec<String> {
    let mut c = vec!["PFADD".to_string(), key.to_string()];
    c.extend((from..from + n).map(|i| format!("{prefix}{i}")));
    c
}

/// A bulk reply's payload.
fn bulk_body(raw: &[u8]) -> Vec<u8> {
    let nl = raw
        .windows(2)
        .position(|w| w == b"\r\n")
        .expect("bulk header");
    assert_eq!(raw[0], b'$', "not a bulk: {}", show(raw));
    raw[nl + 2..raw.len() - 2].to_vec()
}

#[test]
fn pfadd_sequences_are_byte_identical() {
    let mut p = Pair::new();
    let mut g = Lcg(7);
    // Growing batch sizes cross from sparse (split and merged opcodes) to dense.
    let mut from = 0;
    for step in 0..120u64 {
        let n = 1 + step / 4 + g.next() % 5;
        p.check(&pfadd_cmd("h", "e", from, n));
        from += n;
        p.check(&["GET", "h"]);
        if step % 7 == 0 {
            p.check(&["PFCOUNT", "h"]);
            p.check(&["GET", "h"]);
            p.check(&["PFDEBUG", "ENCODING", "h"]);
        }
    }
    for _ in 0..40 {
        p.check(&pfadd_cmd("h", "e", from, 100));
        from += 100;
        p.check(&["PFDEBUG", "ENCODING", "h"]);
        p.check(&["PFCOUNT", "h"]);
    }
    p.check(&["GET", "h"]);
    // Random element names and re-adds (no change: 0).
    for _ in 0..50 {
        let a = format!("r{}", g.next() % 300);
        let b = format!("r{}", g.next() % 300);
        p.check(&["PFADD", "r", &a, &b]);
        p.check(&["GET", "r"]);
    }
    p.check(&["PFDEBUG", "DECODE", "r"]);
    p.check_all(&[
        &["PFADD", "empty"],
        &["GET", "empty"],
        &["PFADD", "empty"],
        &["PFCOUNT", "empty"],
        &["GET", "empty"],
        &["OBJECT", "ENCODING", "empty"],
    ]);
}

#[test]
fn sparse_limit_is_configurable() {
    let mut p = Pair::new();
    for limit in ["0", "20", "100", "3000", "20000"] {
        p.check(&["CONFIG", "SET", "hll-sparse-max-bytes", limit]);
        p.check(&["CONFIG", "GET", "hll-sparse-max-bytes"]);
        let key = format!("h{limit}");
        for i in 0..30 {
            p.check(&pfadd_cmd(&key, "x", i * 20, 20));
            p.check(&["PFDEBUG", "ENCODING", &key]);
        }
        p.check(&["GET", &key]);
    }
    p.check(&["CONFIG", "SET", "hll-sparse-max-bytes", "-1"]);
}

#[test]
fn values_copied_between_servers_count_the_same() {
    let mut p = Pair::new();
    for (n, key) in [(5u64, "tiny"), (300, "sparse"), (5000, "dense")] {
        // Redis -> Cinnabar.
        let mut from = 0;
        while from < n {
            let m = (n - from).min(500);
            p.redis.cmd(&pfadd_cmd(key, "r:", from, m));
            from += m;
        }
        let v = bulk_body(&p.redis.cmd(&["GET", key]));
        p.cinnabar.cmd(&[b"SET".as_slice(), key.as_bytes(), &v]);
        p.check(&["PFCOUNT", key]);
        p.check(&["GET", key]);
        p.check(&pfadd_cmd(key, "more:", 0, 50));
        p.check(&["GET", key]);
        p.check(&["PFCOUNT", key]);

        // Cinnabar -> Redis.
        let k2 = format!("{key}2");
        let mut from = 0;
        while from < n {
            let m = (n - from).min(500);
            p.cinnabar.cmd(&pfadd_cmd(&k2, "c:", from, m));
            from += m;
        }
        let v = bulk_body(&p.cinnabar.cmd(&["GET", &k2]));
        p.redis.cmd(&[b"SET".as_slice(), k2.as_bytes(), &v]);
        p.check(&["GET", &k2]);
        p.check(&["PFCOUNT", &k2]);
        p.check(&["PFCOUNT", key, &k2]);
        p.check(&["PFMERGE", "m", key, &k2]);
        p.check(&["GET", "m"]);
        p.check(&["PFCOUNT", "m"]);
    }
}

#[test]
fn pfcount_agrees_on_large_inputs_and_unions() {
    let mut p = Pair::new();
    for (key, prefix, total) in [
        ("a", "x", 100_000u64),
        ("b", "x", 30_000),
        ("c", "y", 20_000),
    ] {
        let mut from = if key == "b" { 90_000 } else { 0 };
        let end = from + total;
        while from < end {
            p.check(&pfadd_cmd(key, prefix, from, 1000));
            from += 1000;
        }
        p.check(&["PFCOUNT", key]);
    }
    p.check_all(&[
        &["PFCOUNT", "a", "b"],
        &["PFCOUNT", "a", "b", "c"],
        &["PFCOUNT", "c", "nokey"],
        &["PFCOUNT", "nokey1", "nokey2"],
        &["PFMERGE", "abc", "a", "b", "c"],
        &["PFCOUNT", "abc"],
        &["GET", "abc"],
        &["PFMERGE", "abc", "nokey"],
        &["GET", "abc"],
    ]);
}

#[test]
fn pfmerge_sparse_and_dense() {
    let mut p = Pair::new();
    p.check(&pfadd_cmd("s1", "a", 0, 30));
    p.check(&pfadd_cmd("s2", "a", 20, 40));
    p.check(&pfadd_cmd("s3", "b", 0, 200));
    p.check(&pfadd_cmd("d1", "c", 0, 4000));
    p.check_all(&[
        &["PFMERGE", "m1", "s1", "s2"],
        &["GET", "m1"],
        &["PFDEBUG", "ENCODING", "m1"],
        &["PFMERGE", "m1", "s3"],
        &["GET", "m1"],
        &["PFMERGE", "m2", "s1", "d1"],
        &["GET", "m2"],
        &["PFDEBUG", "ENCODING", "m2"],
        &["PFMERGE", "s1", "s2"],
        &["GET", "s1"],
        &["PFMERGE", "m3"],
        &["GET", "m3"],
        &["PFMERGE", "m3", "nokey"],
        &["GET", "m3"],
        &["PFCOUNT", "m1", "m2", "m3"],
        &["SET", "t", "x", "EX", "100"],
        &["PFMERGE", "t", "s1"],
    ]);
}

#[test]
fn invalid_and_corrupted_values() {
    let mut p = Pair::new();
    let hdr: &[u8] = b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";
    let cat = |a: &[u8], b: &[u8]| [a, b].concat();
    let mut dense_stale = b"HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80".to_vec();
    dense_stale.resize(12304, 0);
    dense_stale[100] = 0x3f;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("short", b"HYLL\x01".to_vec()),
        (
            "badmagic",
            cat(
                b"HYLX\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
                b"\x7f\xff",
            ),
        ),
        (
            "badenc",
            cat(
                b"HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
                b"\x7f\xff",
            ),
        ),
        (
            "denseshort",
            cat(
                b"HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
                &[0; 100],
            ),
        ),
        ("toomany", cat(hdr, b"\x7f\xff\x00")),
        ("toofew", cat(hdr, b"\x7f\xfe")),
        ("halfxzero", cat(hdr, b"\x7f")),
        ("noops", hdr.to_vec()),
        ("valpast", cat(hdr, b"\x7f\xfe\x83")),
        ("valsplit", cat(hdr, b"\x7f\xfb\x83")),
        (
            "cachedsparse",
            cat(
                b"HYLL\x01\x00\x00\x00\x39\x05\x00\x00\x00\x00\x00\x00",
                b"\x7f\xff",
            ),
        ),
        ("densestale", dense_stale),
        ("int", b"12345".to_vec()),
    ];
    for (name, v) in &cases {
        let k = format!("c:{name}");
        let d = format!("d:{name}");
        p.check(&[b"SET".as_slice(), k.as_bytes(), v]);
        p.check(&["PFCOUNT", &k]);
        p.check(&["PFCOUNT", &k, "nokey"]);
        p.check(&["PFADD", &k, "a", "b", "c"]);
        p.check(&["GET", &k]);
        p.check(&["PFCOUNT", &k]);
        p.check(&["PFMERGE", &d, &k]);
        p.check(&["GET", &d]);
        p.check(&["PFDEBUG", "DECODE", &k]);
        p.check(&["PFDEBUG", "GETREG", &k]);
        p.check(&["PFDEBUG", "ENCODING", &k]);
        p.check(&["PFDEBUG", "TODENSE", &k]);
        p.check(&["OBJECT", "ENCODING", &k]);
    }
}

#[test]
fn errors_wrong_types_and_pfdebug() {
    let mut p = Pair::new();
    p.check_all(&[
        &["RPUSH", "l", "a"],
        &["SET", "s", "hello"],
        &["PFADD", "l", "a"],
        &["PFCOUNT", "l"],
        &["PFCOUNT", "l", "s"],
        &["PFCOUNT", "s", "l"],
        &["PFMERGE", "l"],
        &["PFMERGE", "d", "l"],
        &["PFMERGE", "l", "nokey"],
        &["PFADD", "s", "a"],
        &["PFMERGE", "s", "nokey"],
        &["PFADD"],
        &["PFCOUNT"],
        &["PFMERGE"],
        &["PFADD", "h", "a", "b", "c"],
        &["PFDEBUG", "ENCODING", "h"],
        &["PFDEBUG", "DECODE", "h"],
        &["PFDEBUG", "encoding", "nokey"],
        &["PFDEBUG", "foo", "nokey"],
        &["PFDEBUG", "foo", "h"],
        &["PFDEBUG", "encoding", "l"],
        &["PFDEBUG", "encoding", "s"],
        &["PFDEBUG", "GETREG", "h"],
        &["PFDEBUG", "ENCODING", "h"],
        &["PFDEBUG", "DECODE", "h"],
        &["PFDEBUG", "TODENSE", "h"],
        &["PFDEBUG", "ENCODING"],
        &["PFDEBUG", "ENCODING", "h", "x"],
        &["GET", "h"],
        &["PFSELFTEST", "x"],
    ]);
}

#[test]
fn keyspace_events_of_hll_writes() {
    let mut p = Pair::new();
    p.check(&["CONFIG", "SET", "notify-keyspace-events", "KEA"]);
    let (mut rs, mut cs) = p.connect_more();
    rs.cmd(&["PSUBSCRIBE", "__key*__:*"]);
    cs.cmd(&["PSUBSCRIBE", "__key*__:*"]);
    let cmds: &[&[&str]] = &[
        &["PFADD", "a", "1", "2"],
        &["PFADD", "a", "1"],
        &["PFADD", "b"],
        &["PFCOUNT", "a"],
        &["PFMERGE", "c", "a", "b"],
        &["PFMERGE", "c"],
        &["PFDEBUG", "TODENSE", "c"],
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

/// A valid sparse HyperLogLog with a random opcode layout (split zero runs, XZEROs for
/// short runs, adjacent equal VALs left unmerged): layouts Redis accepts but would not
/// produce itself.
fn random_sparse(g: &mut Lcg) -> Vec<u8> {
    let mut v = b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80".to_vec();
    let mut left: u64 = 16384;
    while left > 0 {
        match g.next() % 4 {
            0 => {
                let n = 1 + g.next() % left.min(64);
                v.push((n - 1) as u8);
                left -= n;
            }
            1 => {
                let n = 1 + g.next() % left.min(if g.next() % 2 == 0 { 300 } else { 16384 });
                v.push(0x40 | ((n - 1) >> 8) as u8);
                v.push(((n - 1) & 0xff) as u8);
                left -= n;
            }
            _ => {
                let n = 1 + g.next() % left.min(4);
                let val = 1 + g.next() % 32;
                v.push(0x80 | ((val - 1) << 2) as u8 | (n - 1) as u8);
                left -= n;
            }
        }
    }
    v
}

#[test]
fn unusual_sparse_layouts_update_identically() {
    let mut p = Pair::new();
    let mut g = Lcg(99);
    for i in 0..60 {
        let key = format!("u{i}");
        let v = random_sparse(&mut g);
        p.check(&[b"SET".as_slice(), key.as_bytes(), &v]);
        p.check(&["PFCOUNT", &key]);
        p.check(&["PFDEBUG", "DECODE", &key]);
        for round in 0..5 {
            p.check(&pfadd_cmd(
                &key,
                &format!("z{round}:"),
                0,
                1 + g.next() % 40,
            ));
            p.check(&["GET", &key]);
        }
        p.check(&["PFMERGE", "acc", &key]);
        p.check(&["GET", "acc"]);
    }
}
