//! Set commands (and SORT) through `Engine::execute`: Redis 7.2's encodings and their
//! transitions (which the 7.0 oracle of the differential tests cannot show), the order
//! of listpack sets, propagation of SPOP, memory accounting, SSCAN's guarantee on large
//! sets, and limits.

use cinnabar::clock::ManualClock;
use cinnabar::cmd::ArgvBuf;
use cinnabar::db::keyspace::ENTRY_OVERHEAD;
use cinnabar::rng::Rng;
use cinnabar::{ClientHandle, Config, Engine, Reply};

const T0: i64 = 1_700_000_000_000;

struct T {
    e: Engine,
    c: ClientHandle,
}

impl T {
    fn new() -> T {
        let clock = ManualClock::new(T0);
        let mut e = Engine::with_rng(Config::default(), Box::new(clock), Rng::seeded(7));
        let c = e.connect();
        T { e, c }
    }

    fn run<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> Reply {
        let a = ArgvBuf::from_parts(parts.iter().map(|p| p.as_ref()));
        self.e.execute(self.c, &a.args())
    }

    fn int<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> i64 {
        match self.run(parts) {
            Reply::Int(i) => i,
            other => panic!("expected an integer, got {other:?}"),
        }
    }

    fn err<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> String {
        match self.run(parts) {
            Reply::Error(e) => e.into_owned(),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    /// Members of an array or set reply, in reply order.
    fn list<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> Vec<String> {
        match self.run(parts) {
            Reply::Array(v) | Reply::Set(v) => v
                .into_iter()
                .map(|r| match r {
                    Reply::Bulk(b) => String::from_utf8_lossy(&b).into_owned(),
                    other => panic!("expected bulk items, got {other:?}"),
                })
                .collect(),
            other => panic!("expected an array, got {other:?}"),
        }
    }

    fn sorted<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> Vec<String> {
        let mut v = self.list(parts);
        v.sort();
        v
    }

    fn encoding(&self, key: &str) -> &'static str {
        self.e.state().dbs[0]
            .ks
            .get(key.as_bytes())
            .expect("key present")
            .value
            .encoding()
    }

    fn present(&self, key: &str) -> bool {
        self.e.state().dbs[0].ks.get(key.as_bytes()).is_some()
    }

    /// The keyspace's incremental memory figure must equal a fresh recount.
    fn assert_mem_consistent(&self) {
        let ks = &self.e.state().dbs[0].ks;
        let recount: usize = ks
            .iter()
            .map(|e| e.key.heap_size() + e.value.mem_usage() + ENTRY_OVERHEAD)
            .sum();
        assert_eq!(ks.mem(), recount, "incremental memory estimate drifted");
    }

    fn propagated(&mut self) -> Vec<Vec<String>> {
        self.e
            .take_propagated()
            .into_iter()
            .map(|c| {
                c.into_iter()
                    .map(|a| String::from_utf8_lossy(&a).into_owned())
                    .collect()
            })
            .filter(|c: &Vec<String>| !c[0].eq_ignore_ascii_case("select"))
            .collect()
    }

    fn sadd_range(&mut self, key: &str, items: impl Iterator<Item = String>) -> i64 {
        let mut cmd = vec!["SADD".to_string(), key.to_string()];
        cmd.extend(items);
        self.int(&cmd)
    }
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn small_string_sets_are_listpacks_in_insertion_order() {
    let mut t = T::new();
    assert_eq!(t.int(&["SADD", "s", "c", "a", "b", "a"]), 3);
    assert_eq!(t.encoding("s"), "listpack");
    assert_eq!(t.list(&["SMEMBERS", "s"]), strs(&["c", "a", "b"]));
    assert_eq!(t.int(&["SREM", "s", "a"]), 1);
    t.int(&["SADD", "s", "a"]);
    assert_eq!(t.list(&["SMEMBERS", "s"]), strs(&["c", "b", "a"]));
    // An intset meeting a string becomes a listpack keeping the ascending order.
    t.int(&["SADD", "i", "30", "10", "20"]);
    assert_eq!(t.encoding("i"), "intset");
    t.int(&["SADD", "i", "x"]);
    assert_eq!(t.encoding("i"), "listpack");
    assert_eq!(t.list(&["SMEMBERS", "i"]), strs(&["10", "20", "30", "x"]));
    // SSCAN returns a listpack whole.
    match t.run(&["SSCAN", "i", "0", "COUNT", "1"]) {
        Reply::Array(v) => assert_eq!(v[0], Reply::Bulk(b"0".to_vec())),
        other => panic!("{other:?}"),
    }
    t.assert_mem_consistent();
}

#[test]
fn listpack_limits_and_config() {
    let mut t = T::new();
    t.sadd_range("s", (0..128).map(|i| format!("m{i}")));
    assert_eq!(t.encoding("s"), "listpack");
    t.int(&["SADD", "s", "m0"]);
    assert_eq!(t.encoding("s"), "listpack", "a duplicate does not convert");
    t.int(&["SADD", "s", "one-more"]);
    assert_eq!(t.encoding("s"), "hashtable");
    // More arguments than a listpack holds convert up front (setTypeMaybeConvert), even
    // when they are duplicates.
    t.int(&["SADD", "dup", "a"]);
    let mut cmd = vec!["SADD".to_string(), "dup".to_string()];
    cmd.extend(std::iter::repeat_n("a".to_string(), 129));
    assert_eq!(t.int(&cmd), 0);
    assert_eq!(t.encoding("dup"), "hashtable");
    // A new key with many arguments starts as a hashtable.
    t.sadd_range("big", (0..200).map(|i| format!("m{i}")));
    assert_eq!(t.encoding("big"), "hashtable");
    // Long members.
    t.int(&["SADD", "long", &"x".repeat(64)]);
    assert_eq!(t.encoding("long"), "listpack");
    t.int(&["SADD", "long", &"y".repeat(65)]);
    assert_eq!(t.encoding("long"), "hashtable");
    // Thresholds follow CONFIG SET.
    assert_eq!(
        t.run(&["CONFIG", "SET", "set-max-listpack-entries", "2"]),
        Reply::Ok
    );
    t.int(&["SADD", "c", "a", "b"]);
    assert_eq!(t.encoding("c"), "listpack");
    t.int(&["SADD", "c", "c"]);
    assert_eq!(t.encoding("c"), "hashtable");
    assert_eq!(
        t.run(&["CONFIG", "SET", "set-max-listpack-value", "3"]),
        Reply::Ok
    );
    t.int(&["SADD", "d", "abcd"]);
    assert_eq!(t.encoding("d"), "hashtable");
    assert_eq!(
        t.run(&["CONFIG", "SET", "set-max-intset-entries", "2"]),
        Reply::Ok
    );
    t.int(&["SADD", "n", "1", "2"]);
    assert_eq!(t.encoding("n"), "intset");
    t.int(&["SADD", "n", "3"]);
    assert_eq!(t.encoding("n"), "hashtable");
    t.assert_mem_consistent();
}

#[test]
fn results_are_built_like_redis() {
    let mut t = T::new();
    // A union starts as an intset: listpack sources of integers give an intset.
    t.int(&["SADD", "a", "x", "3", "1"]);
    t.int(&["SREM", "a", "x"]);
    assert_eq!(t.encoding("a"), "listpack");
    assert_eq!(t.int(&["SUNIONSTORE", "u", "a"]), 2);
    assert_eq!(t.encoding("u"), "intset");
    assert_eq!(t.list(&["SMEMBERS", "u"]), strs(&["1", "3"]));
    // Integer intersections of large hashtables are stored as intsets.
    t.sadd_range("h1", (0..600).map(|i| i.to_string()));
    t.sadd_range("h2", (590..700).map(|i| i.to_string()));
    assert_eq!(t.encoding("h1"), "hashtable");
    assert_eq!(t.int(&["SINTERSTORE", "i", "h1", "h2"]), 10);
    assert_eq!(t.encoding("i"), "intset");
    // String intersections start from a listpack.
    t.int(&["SADD", "s1", "p", "q", "r"]);
    t.int(&["SADD", "s2", "q", "r", "z"]);
    t.int(&["SINTERSTORE", "i", "s1", "s2"]);
    assert_eq!(t.encoding("i"), "listpack");
    assert_eq!(t.list(&["SMEMBERS", "i"]), strs(&["q", "r"]));
    // SINTER answers in the smallest set's order.
    t.int(&["SADD", "small", "r", "q"]);
    assert_eq!(t.list(&["SINTER", "s1", "small"]), strs(&["r", "q"]));
    // SDIFF of a listpack keeps its order.
    assert_eq!(t.list(&["SDIFF", "s1", "s2"]), strs(&["p"]));
    assert_eq!(t.list(&["SUNION", "s1", "s2"]), strs(&["p", "q", "r", "z"]));
    t.assert_mem_consistent();
}

#[test]
fn spop_is_propagated_as_srem_or_del() {
    let mut t = T::new();
    t.e.enable_propagation();
    t.int(&["SADD", "s", "1", "2", "3", "4", "5"]);
    t.propagated();
    let m = match t.run(&["SPOP", "s"]) {
        Reply::Bulk(b) => String::from_utf8(b).unwrap(),
        other => panic!("{other:?}"),
    };
    assert_eq!(t.propagated(), vec![strs(&["SREM", "s", &m])]);
    let popped = t.list(&["SPOP", "s", "2"]);
    assert_eq!(popped.len(), 2);
    let mut expect = strs(&["SREM", "s"]);
    expect.extend(popped.iter().cloned());
    assert_eq!(t.propagated(), vec![expect]);
    // Popping everything deletes the key and is propagated as DEL.
    assert_eq!(t.list(&["SPOP", "s", "10"]).len(), 2);
    assert!(!t.present("s"));
    assert_eq!(t.propagated(), vec![strs(&["DEL", "s"])]);
    // Nothing popped, nothing propagated.
    t.list(&["SPOP", "s", "3"]);
    t.int(&["SADD", "s", "1"]);
    t.propagated();
    t.list(&["SPOP", "s", "0"]);
    assert!(t.propagated().is_empty());
    // Big pops are propagated in SREM batches of 1024.
    t.sadd_range("big", (0..3000).map(|i| format!("m{i}")));
    t.propagated();
    let popped = t.list(&["SPOP", "big", "2500"]);
    assert_eq!(popped.len(), 2500);
    let p = t.propagated();
    assert_eq!(
        p.iter().map(|c| c.len() - 2).collect::<Vec<_>>(),
        vec![1024, 1024, 452]
    );
    let mut from_prop: Vec<String> = p.into_iter().flat_map(|c| c.into_iter().skip(2)).collect();
    let mut popped_sorted = popped.clone();
    from_prop.sort();
    popped_sorted.sort();
    assert_eq!(from_prop, popped_sorted);
    assert_eq!(t.int(&["SCARD", "big"]), 500);
    // SRANDMEMBER writes nothing.
    t.list(&["SRANDMEMBER", "big", "-5"]);
    assert!(t.propagated().is_empty());
    t.assert_mem_consistent();
}

#[test]
fn spop_strategies_leave_consistent_sets() {
    let mut t = T::new();
    for (key, n, strings) in [
        ("lp", 100, true),
        ("is", 400, false),
        ("ht", 1000, true),
        ("hti", 1000, false),
    ] {
        for count in [1usize, 10, n / 2, n - n / 10, n - 3] {
            t.run(&["DEL", key]);
            t.sadd_range(
                key,
                (0..n).map(|i| {
                    if strings {
                        format!("m{i}")
                    } else {
                        i.to_string()
                    }
                }),
            );
            let popped = t.list(&["SPOP", key, &count.to_string()]);
            assert_eq!(popped.len(), count);
            let rest = t.sorted(&["SMEMBERS", key]);
            assert_eq!(rest.len(), n - count);
            let mut all: Vec<String> = popped.into_iter().chain(rest).collect();
            all.sort();
            all.dedup();
            assert_eq!(
                all.len(),
                n,
                "{key} SPOP {count}: popped and kept partition the set"
            );
            assert_eq!(t.int(&["SCARD", key]) as usize, n - count);
            t.assert_mem_consistent();
        }
    }
    // Rebuilding a hashtable from a few survivors gives a listpack, as in Redis 7.2.
    t.run(&["DEL", "ht"]);
    t.sadd_range("ht", (0..1000).map(|i| format!("m{i}")));
    t.list(&["SPOP", "ht", "990"]);
    assert_eq!(t.encoding("ht"), "listpack");
    // A listpack pop keeps the survivors' order.
    t.run(&["DEL", "lp"]);
    t.sadd_range("lp", (0..50).map(|i| format!("m{i:02}")));
    t.list(&["SPOP", "lp", "45"]);
    let rest = t.list(&["SMEMBERS", "lp"]);
    let mut sorted = rest.clone();
    sorted.sort();
    assert_eq!(rest, sorted);
}

#[test]
fn srandmember_counts() {
    let mut t = T::new();
    t.sadd_range("lp", (0..20).map(|i| format!("m{i:02}")));
    t.sadd_range("ht", (0..500).map(|i| format!("m{i}")));
    t.sadd_range("is", (0..300).map(|i| i.to_string()));
    for key in ["lp", "ht", "is"] {
        let n = t.int(&["SCARD", key]) as usize;
        for count in [1, 5, n / 3, n / 3 + 1, n - 1, n, n + 5] {
            let got = t.list(&["SRANDMEMBER", key, &count.to_string()]);
            assert_eq!(got.len(), count.min(n));
            let mut u = got.clone();
            u.sort();
            u.dedup();
            assert_eq!(u.len(), got.len(), "{key} {count}: distinct");
        }
        let got = t.list(&["SRANDMEMBER", key, "-1000"]);
        assert_eq!(got.len(), 1000);
        for m in got.iter().take(20) {
            assert_eq!(t.int(&["SISMEMBER", key, m]), 1);
        }
    }
    // A listpack sample comes out in the set's order.
    let got = t.list(&["SRANDMEMBER", "lp", "7"]);
    let mut sorted = got.clone();
    sorted.sort();
    assert_eq!(got, sorted);
    // Huge repetitions are refused instead of building a gigantic reply.
    assert_eq!(
        t.err(&["SRANDMEMBER", "lp", "-100000000"]),
        "ERR count is out of range"
    );
    assert_eq!(
        t.list(&["SRANDMEMBER", "nosuch", "-100000000"]),
        Vec::<String>::new()
    );
    assert_eq!(t.list(&["SRANDMEMBER", "lp", "100000000"]).len(), 20);
}

#[test]
fn sscan_on_hashtables_survives_deletions() {
    let mut t = T::new();
    t.sadd_range("h", (0..5000).map(|i| format!("m{i}")));
    let mut seen = std::collections::HashSet::new();
    let mut cursor = "0".to_string();
    let mut rounds = 0;
    loop {
        let r = t.run(&["SSCAN", "h", &cursor, "COUNT", "100"]);
        let Reply::Array(v) = r else { panic!("{r:?}") };
        let Reply::Bulk(c) = &v[0] else { panic!() };
        cursor = String::from_utf8(c.clone()).unwrap();
        let Reply::Array(items) = &v[1] else { panic!() };
        assert!(items.len() <= 100);
        for it in items {
            let Reply::Bulk(b) = it else { panic!() };
            seen.insert(String::from_utf8(b.clone()).unwrap());
        }
        rounds += 1;
        if rounds == 5 {
            // Delete most members mid-scan (compacting the table) and add new ones.
            for i in 0..5000 {
                if i % 7 != 0 {
                    t.int(&["SREM", "h", &format!("m{i}")]);
                }
            }
            t.sadd_range("h", (0..100).map(|i| format!("new{i}")));
        }
        if cursor == "0" {
            break;
        }
        assert!(rounds < 1000, "scan terminates");
    }
    for i in (0..5000).step_by(7) {
        assert!(
            seen.contains(&format!("m{i}")),
            "m{i} was present throughout but not returned"
        );
    }
    // MATCH filters, COUNT 0 is an error.
    let r = t.run(&["SSCAN", "h", "0", "MATCH", "m7", "COUNT", "100000"]);
    let Reply::Array(v) = r else { panic!() };
    assert_eq!(v[1], Reply::Array(vec![Reply::Bulk(b"m7".to_vec())]));
    assert_eq!(
        t.err(&["SSCAN", "h", "0", "COUNT", "0"]),
        "ERR syntax error"
    );
    t.assert_mem_consistent();
}

#[test]
fn memory_is_accounted_across_writes() {
    let mut t = T::new();
    let base = t.e.state().dbs[0].ks.mem();
    t.sadd_range("s", (0..100).map(|i| i.to_string()));
    t.int(&["SADD", "s", "str"]);
    t.sadd_range("s", (0..300).map(|i| format!("long-member-{i}")));
    let grown = t.e.state().dbs[0].ks.mem();
    assert!(grown > base + 300 * 10, "members are counted");
    t.assert_mem_consistent();
    t.int(&["SMOVE", "s", "d", "str"]);
    t.int(&["SREM", "s", "1", "2", "3"]);
    t.list(&["SPOP", "s", "50"]);
    t.run(&["SPOP", "s"]);
    t.int(&["SINTERSTORE", "x", "s", "s"]);
    t.int(&["SDIFFSTORE", "x", "s", "d"]);
    t.int(&["SUNIONSTORE", "s", "s", "d"]);
    t.assert_mem_consistent();
    t.run(&["DEL", "s", "d", "x"]);
    assert_eq!(t.e.state().dbs[0].ks.mem(), base);
}

#[test]
fn sort_zset_converts_and_store_builds_listpacks() {
    let mut t = T::new();
    t.int(&["ZADD", "z", "1", "a", "2", "b"]);
    assert_eq!(t.encoding("z"), "listpack");
    assert_eq!(t.list(&["SORT", "z", "ALPHA"]), strs(&["a", "b"]));
    assert_eq!(
        t.encoding("z"),
        "skiplist",
        "Redis converts a sorted set it sorts"
    );
    t.int(&["RPUSH", "l", "3", "1", "2"]);
    assert_eq!(t.int(&["SORT", "l", "STORE", "d"]), 3);
    assert_eq!(t.encoding("d"), "listpack");
    assert_eq!(t.list(&["LRANGE", "d", "0", "-1"]), strs(&["1", "2", "3"]));
    // Sets sorted with BY nosort keep their own order unless stored.
    t.int(&["SADD", "s", "b", "c", "a"]);
    assert_eq!(
        t.list(&["SORT", "s", "BY", "nosort"]),
        strs(&["b", "c", "a"])
    );
    t.int(&["SORT", "s", "BY", "nosort", "STORE", "d"]);
    assert_eq!(t.list(&["LRANGE", "d", "0", "-1"]), strs(&["a", "b", "c"]));
    t.assert_mem_consistent();
}

#[test]
fn sort_edge_cases() {
    let mut t = T::new();
    t.int(&["RPUSH", "l", "b", "a\0z", "a"]);
    // ALPHA compares up to a NUL (strcoll) unless storing (binary).
    assert_eq!(t.list(&["SORT", "l", "ALPHA"]), strs(&["a\0z", "a", "b"]));
    t.int(&["SORT", "l", "ALPHA", "STORE", "d"]);
    assert_eq!(
        t.list(&["LRANGE", "d", "0", "-1"]),
        strs(&["a", "a\0z", "b"])
    );
    assert_eq!(
        t.err(&["SORT", "l"]),
        "ERR One or more scores can't be converted into double"
    );
    assert_eq!(t.err(&["SORT_RO", "l", "STORE", "d"]), "ERR syntax error");
    // GET with several patterns and a hash field.
    t.run(&["DEL", "l"]);
    t.int(&["RPUSH", "l", "2", "1"]);
    t.int(&["HSET", "h_1", "f", "one"]);
    t.run(&["SET", "k_2", "two"]);
    let r = t.run(&["SORT", "l", "GET", "#", "GET", "h_*->f", "GET", "k_*"]);
    assert_eq!(
        r,
        Reply::Array(vec![
            Reply::Bulk(b"1".to_vec()),
            Reply::Bulk(b"one".to_vec()),
            Reply::Nil,
            Reply::Bulk(b"2".to_vec()),
            Reply::Nil,
            Reply::Bulk(b"two".to_vec()),
        ])
    );
}
