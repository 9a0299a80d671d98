//! Keyspace commands through `Engine::execute` with a manual clock: TTLs, EXPIRE
//! conditions and propagation, SCAN's guarantee under churn, RANDOMKEY, RENAME/MOVE/COPY,
//! OBJECT, and the glob matcher's worst case through KEYS.

use std::collections::HashSet;

use cinnabar::clock::ManualClock;
use cinnabar::cmd::ArgvBuf;
use cinnabar::rng::Rng;
use cinnabar::{ClientHandle, Config, Engine, Reply};

const T0: i64 = 1_700_000_000_000;

struct T {
    e: Engine,
    c: ClientHandle,
    clock: ManualClock,
}

impl T {
    fn new() -> T {
        T::with_config(Config::default())
    }

    fn with_config(cfg: Config) -> T {
        let clock = ManualClock::new(T0);
        let mut e = Engine::with_rng(cfg, Box::new(clock.clone()), Rng::seeded(7));
        let c = e.connect();
        T { e, c, clock }
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

    fn select(&mut self, db: usize) {
        self.e.session_mut(self.c).expect("session").db = db;
    }

    fn expired_keys(&self) -> u64 {
        self.e.state().stats.keys.expired_keys
    }
}

fn bulks(r: Reply) -> Vec<Vec<u8>> {
    match r {
        Reply::Array(items) => items
            .into_iter()
            .map(|i| match i {
                Reply::Bulk(b) => b,
                other => panic!("expected a bulk, got {other:?}"),
            })
            .collect(),
        other => panic!("expected an array, got {other:?}"),
    }
}

/// One SCAN call: (next cursor, keys).
fn scan_once(t: &mut T, args: &[&str]) -> (String, Vec<Vec<u8>>) {
    match t.run(args) {
        Reply::Array(mut v) if v.len() == 2 => {
            let keys = bulks(v.pop().expect("keys"));
            let Some(Reply::Bulk(c)) = v.pop() else {
                panic!("cursor")
            };
            (String::from_utf8(c).expect("utf8 cursor"), keys)
        }
        other => panic!("bad SCAN reply {other:?}"),
    }
}

#[test]
fn expire_counts_down_with_the_clock_and_expires_after_the_deadline() {
    let mut t = T::new();
    t.run(&["SET", "k", "v"]);
    assert_eq!(t.int(&["TTL", "k"]), -1);
    assert_eq!(t.int(&["EXPIRE", "k", "10"]), 1);
    assert_eq!(t.int(&["TTL", "k"]), 10);
    assert_eq!(t.int(&["PTTL", "k"]), 10_000);
    assert_eq!(t.int(&["EXPIRETIME", "k"]), (T0 + 10_000) / 1000);
    assert_eq!(t.int(&["PEXPIRETIME", "k"]), T0 + 10_000);
    t.clock.advance(9_000);
    assert_eq!(t.int(&["TTL", "k"]), 1);
    t.clock.advance(1_000);
    // At the deadline itself the key still lives (Redis expires when now > deadline).
    assert_eq!(t.int(&["PTTL", "k"]), 0);
    assert_eq!(t.int(&["EXISTS", "k"]), 1);
    t.clock.advance(1);
    assert_eq!(t.int(&["EXISTS", "k"]), 0);
    assert_eq!(t.int(&["TTL", "k"]), -2);
    assert_eq!(t.int(&["PEXPIRETIME", "k"]), -2);
    assert_eq!(t.expired_keys(), 1);
}

#[test]
fn ttl_rounds_to_the_nearest_second() {
    let mut t = T::new();
    t.run(&["SET", "k", "v"]);
    t.int(&["PEXPIRE", "k", "1499"]);
    assert_eq!(t.int(&["TTL", "k"]), 1);
    t.int(&["PEXPIRE", "k", "1500"]);
    assert_eq!(t.int(&["TTL", "k"]), 2);
    t.int(&["PEXPIREAT", "k", &(T0 + 2_600).to_string()]);
    assert_eq!(t.int(&["TTL", "k"]), 3);
    assert_eq!(t.int(&["PERSIST", "k"]), 1);
    assert_eq!(t.int(&["PERSIST", "k"]), 0);
    assert_eq!(t.int(&["TTL", "k"]), -1);
    assert_eq!(t.int(&["PERSIST", "missing"]), 0);
}

#[test]
fn nx_xx_gt_lt_follow_redis_7() {
    let mut t = T::new();
    t.run(&["SET", "k", "v"]);
    // No TTL counts as infinite: GT fails, LT succeeds, XX fails, NX succeeds.
    assert_eq!(t.int(&["EXPIRE", "k", "100", "GT"]), 0);
    assert_eq!(t.int(&["EXPIRE", "k", "100", "XX"]), 0);
    assert_eq!(t.int(&["TTL", "k"]), -1);
    assert_eq!(t.int(&["EXPIRE", "k", "100", "LT"]), 1);
    assert_eq!(t.int(&["TTL", "k"]), 100);
    assert_eq!(t.int(&["EXPIRE", "k", "200", "NX"]), 0);
    assert_eq!(t.int(&["EXPIRE", "k", "50", "GT"]), 0);
    assert_eq!(
        t.int(&["EXPIRE", "k", "100", "GT"]),
        0,
        "equal is not greater"
    );
    assert_eq!(t.int(&["EXPIRE", "k", "200", "gt"]), 1);
    assert_eq!(t.int(&["TTL", "k"]), 200);
    assert_eq!(t.int(&["EXPIRE", "k", "300", "LT"]), 0);
    assert_eq!(t.int(&["EXPIRE", "k", "200", "LT"]), 0, "equal is not less");
    assert_eq!(t.int(&["EXPIRE", "k", "150", "XX", "LT"]), 1);
    assert_eq!(t.int(&["TTL", "k"]), 150);
    t.run(&["SET", "n", "v"]);
    assert_eq!(t.int(&["EXPIRE", "n", "10", "NX"]), 1);
    assert_eq!(t.int(&["EXPIRE", "missing", "10"]), 0);

    let nx = "ERR NX and XX, GT or LT options at the same time are not compatible";
    assert_eq!(t.err(&["EXPIRE", "k", "1", "NX", "XX"]), nx);
    assert_eq!(t.err(&["EXPIRE", "k", "1", "GT", "NX"]), nx);
    assert_eq!(t.err(&["PEXPIRE", "k", "1", "NX", "LT"]), nx);
    assert_eq!(
        t.err(&["EXPIREAT", "k", "1", "GT", "LT"]),
        "ERR GT and LT options at the same time are not compatible"
    );
    assert_eq!(
        t.err(&["EXPIRE", "k", "1", "FOO"]),
        "ERR Unsupported option FOO"
    );
    // Options are checked before the number.
    assert_eq!(
        t.err(&["EXPIRE", "k", "x", "FOO"]),
        "ERR Unsupported option FOO"
    );
    assert_eq!(
        t.err(&["EXPIRE", "k", "x"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(t.int(&["TTL", "k"]), 150);
}

#[test]
fn expire_overflow_is_an_invalid_expire_time() {
    let mut t = T::new();
    t.run(&["SET", "k", "v"]);
    assert_eq!(
        t.err(&["EXPIRE", "k", "9223372036854776"]),
        "ERR invalid expire time in 'expire' command"
    );
    assert_eq!(
        t.err(&["EXPIREAT", "k", "-9223372036854776"]),
        "ERR invalid expire time in 'expireat' command"
    );
    assert_eq!(
        t.err(&["PEXPIRE", "k", "9223372036854775807"]),
        "ERR invalid expire time in 'pexpire' command"
    );
    // Large but representable deadlines are accepted.
    assert_eq!(t.int(&["PEXPIREAT", "k", "9223372036854775000"]), 1);
    assert_eq!(t.int(&["PEXPIRETIME", "k"]), 9_223_372_036_854_775_000);
    assert_eq!(t.int(&["EXISTS", "k"]), 1);
}

#[test]
fn expire_propagates_as_pexpireat_and_a_past_deadline_as_del() {
    let mut t = T::new();
    t.e.enable_propagation();
    t.run(&["SET", "k", "v"]);
    t.e.take_propagated();
    assert_eq!(t.int(&["EXPIRE", "k", "10", "NX"]), 1);
    let abs = (T0 + 10_000).to_string().into_bytes();
    assert_eq!(
        t.e.take_propagated(),
        vec![vec![
            b"PEXPIREAT".to_vec(),
            b"k".to_vec(),
            abs.clone(),
            b"NX".to_vec()
        ]]
    );
    // A condition that fails changes nothing and propagates nothing.
    assert_eq!(t.int(&["EXPIRE", "k", "10", "NX"]), 0);
    assert!(t.e.take_propagated().is_empty());
    assert_eq!(t.int(&["pexpireat", "k", "1800000000000"]), 1);
    assert_eq!(
        t.e.take_propagated(),
        vec![vec![
            b"pexpireat".to_vec(),
            b"k".to_vec(),
            b"1800000000000".to_vec()
        ]]
    );
    assert_eq!(t.int(&["EXPIREAT", "k", "1800000001"]), 1);
    assert_eq!(
        t.e.take_propagated(),
        vec![vec![
            b"PEXPIREAT".to_vec(),
            b"k".to_vec(),
            b"1800000001000".to_vec()
        ]]
    );
    // A deadline already passed deletes the key.
    assert_eq!(t.int(&["EXPIRE", "k", "-1"]), 1);
    assert_eq!(
        t.e.take_propagated(),
        vec![vec![b"DEL".to_vec(), b"k".to_vec()]]
    );
    assert_eq!(t.int(&["EXISTS", "k"]), 0);
    t.run(&["SET", "k", "v"]);
    assert_eq!(t.int(&["PEXPIRE", "k", "0"]), 1);
    assert_eq!(t.int(&["EXISTS", "k"]), 0);
    // That deletion is not an expiration.
    assert_eq!(t.expired_keys(), 0);
}

#[test]
fn del_unlink_exists_touch_type() {
    let mut t = T::new();
    t.run(&["SET", "a", "1"]);
    t.run(&["SET", "b", "2"]);
    assert_eq!(t.int(&["EXISTS", "a", "a", "b", "zz"]), 3);
    assert_eq!(t.run(&["TYPE", "a"]), Reply::simple("string"));
    assert_eq!(t.run(&["TYPE", "zz"]), Reply::simple("none"));
    assert_eq!(t.int(&["TOUCH", "a", "b", "zz", "a"]), 3);
    assert_eq!(t.int(&["DEL", "a", "a", "zz"]), 1);
    assert_eq!(t.int(&["UNLINK", "b", "a"]), 1);
    assert_eq!(t.int(&["EXISTS", "a", "b"]), 0);
    // An expired key is not deleted again.
    t.run(&["SET", "c", "v"]);
    t.int(&["PEXPIRE", "c", "5"]);
    t.clock.advance(6);
    assert_eq!(t.int(&["DEL", "c"]), 0);
    assert_eq!(t.expired_keys(), 1);
}

#[test]
fn rename_keeps_the_ttl_and_handles_the_same_key() {
    let mut t = T::new();
    assert_eq!(t.err(&["RENAME", "nope", "x"]), "ERR no such key");
    assert_eq!(t.err(&["RENAMENX", "nope", "nope"]), "ERR no such key");
    t.run(&["SET", "a", "1"]);
    assert_eq!(t.run(&["RENAME", "a", "a"]), Reply::Ok);
    assert_eq!(t.int(&["RENAMENX", "a", "a"]), 0);
    t.int(&["EXPIRE", "a", "100"]);
    assert_eq!(t.run(&["RENAME", "a", "b"]), Reply::Ok);
    assert_eq!(t.int(&["EXISTS", "a"]), 0);
    assert_eq!(t.int(&["TTL", "b"]), 100);
    t.run(&["SET", "c", "3"]);
    assert_eq!(t.int(&["RENAMENX", "b", "c"]), 0);
    assert_eq!(t.run(&["GET", "c"]), Reply::bulk("3"));
    // Overwriting takes the source's TTL, or its lack of one.
    assert_eq!(t.run(&["RENAME", "c", "b"]), Reply::Ok);
    assert_eq!(t.run(&["GET", "b"]), Reply::bulk("3"));
    assert_eq!(t.int(&["TTL", "b"]), -1);
    assert_eq!(t.int(&["RENAMENX", "b", "d"]), 1);
    assert_eq!(t.run(&["GET", "d"]), Reply::bulk("3"));
    // An expired source is missing.
    t.int(&["PEXPIRE", "d", "1"]);
    t.clock.advance(2);
    assert_eq!(t.err(&["RENAME", "d", "e"]), "ERR no such key");
}

#[test]
fn move_between_databases() {
    let mut t = T::new();
    t.run(&["SET", "k", "v"]);
    t.int(&["EXPIRE", "k", "100"]);
    assert_eq!(
        t.err(&["MOVE", "k", "0"]),
        "ERR source and destination objects are the same"
    );
    assert_eq!(t.err(&["MOVE", "k", "16"]), "ERR DB index is out of range");
    assert_eq!(t.err(&["MOVE", "k", "-1"]), "ERR DB index is out of range");
    assert_eq!(
        t.err(&["MOVE", "k", "4294967296"]),
        "ERR value is out of range, value must between -2147483648 and 2147483647"
    );
    assert_eq!(t.int(&["MOVE", "missing", "1"]), 0);
    assert_eq!(t.int(&["MOVE", "k", "1"]), 1);
    assert_eq!(t.int(&["EXISTS", "k"]), 0);
    t.run(&["SET", "k", "other"]);
    assert_eq!(t.int(&["MOVE", "k", "1"]), 0, "target exists");
    t.select(1);
    assert_eq!(t.run(&["GET", "k"]), Reply::bulk("v"));
    assert_eq!(t.int(&["TTL", "k"]), 100);
}

#[test]
fn copy_deep_copies_and_keeps_encoding_and_ttl() {
    let mut t = T::new();
    let long = "x".repeat(60);
    t.run(&["SET", "raw", &long]);
    t.run(&["SET", "int", "12345"]);
    t.run(&["SET", "emb", "hello"]);
    t.int(&["EXPIRE", "emb", "50"]);
    for k in ["raw", "int", "emb"] {
        let dst = format!("{k}2");
        assert_eq!(t.int(&["COPY", k, &dst]), 1);
        assert_eq!(
            t.run(&["OBJECT", "ENCODING", k]),
            t.run(&["OBJECT", "ENCODING", &dst])
        );
        assert_eq!(t.run(&["GET", k]), t.run(&["GET", &dst]));
    }
    assert_eq!(t.run(&["OBJECT", "ENCODING", "raw2"]), Reply::bulk("raw"));
    assert_eq!(t.int(&["TTL", "emb2"]), 50);
    assert_eq!(t.int(&["TTL", "int2"]), -1);
    // Independent values.
    t.run(&["SET", "emb", "changed"]);
    assert_eq!(t.run(&["GET", "emb2"]), Reply::bulk("hello"));
    // Existing destination: 0 unless REPLACE.
    assert_eq!(t.int(&["COPY", "raw", "int"]), 0);
    assert_eq!(t.int(&["COPY", "raw", "int", "REPLACE"]), 1);
    assert_eq!(t.run(&["GET", "int"]), Reply::bulk(&long));
    assert_eq!(t.int(&["COPY", "missing", "x"]), 0);
    // Other database.
    assert_eq!(t.int(&["COPY", "emb2", "emb2", "DB", "3"]), 1);
    assert_eq!(
        t.err(&["COPY", "a", "a"]),
        "ERR source and destination objects are the same"
    );
    assert_eq!(
        t.err(&["COPY", "a", "a", "DB", "0"]),
        "ERR source and destination objects are the same"
    );
    assert_eq!(
        t.err(&["COPY", "a", "b", "DB", "16"]),
        "ERR DB index is out of range"
    );
    assert_eq!(t.err(&["COPY", "a", "b", "DB"]), "ERR syntax error");
    assert_eq!(t.err(&["COPY", "a", "b", "FOO"]), "ERR syntax error");
    assert_eq!(
        t.err(&["COPY", "a", "b", "DB", "x"]),
        "ERR value is not an integer or out of range"
    );
    t.select(3);
    assert_eq!(t.run(&["GET", "emb2"]), Reply::bulk("hello"));
    assert_eq!(t.int(&["TTL", "emb2"]), 50);
}

#[test]
fn keys_matches_patterns_and_hides_expired_keys_without_deleting() {
    let mut t = T::new();
    for k in ["user:1", "user:2", "user:10", "order:1", "", "u?er"] {
        t.run(&["SET", k, "v"]);
    }
    let mut got = bulks(t.run(&["KEYS", "user:?"]));
    got.sort();
    assert_eq!(got, vec![b"user:1".to_vec(), b"user:2".to_vec()]);
    assert_eq!(bulks(t.run(&["KEYS", "*"])).len(), 6);
    // "**" does not match the empty key; "*" does (it is special-cased, as in Redis).
    assert_eq!(bulks(t.run(&["KEYS", "**"])).len(), 5);
    assert_eq!(bulks(t.run(&["KEYS", ""])), vec![Vec::<u8>::new()]);
    assert_eq!(
        bulks(t.run(&["KEYS", "order:1"])),
        vec![b"order:1".to_vec()]
    );
    assert_eq!(bulks(t.run(&["KEYS", "u\\?er"])), vec![b"u?er".to_vec()]);
    assert!(bulks(t.run(&["KEYS", "nope"])).is_empty());
    t.int(&["PEXPIRE", "order:1", "1"]);
    t.clock.advance(2);
    assert!(bulks(t.run(&["KEYS", "order:1"])).is_empty());
    assert!(bulks(t.run(&["KEYS", "order*"])).is_empty());
    assert_eq!(t.expired_keys(), 0, "KEYS does not delete");
}

#[test]
fn keys_with_a_pathological_pattern_finishes() {
    let mut t = T::new();
    let long = "a".repeat(10_000);
    t.run(&["SET", &long, "v"]);
    let pat = "a*".repeat(15) + "b";
    assert!(bulks(t.run(&["KEYS", &pat])).is_empty());
    let (_, found) = scan_once(&mut t, &["SCAN", "0", "MATCH", &pat, "COUNT", "100"]);
    assert!(found.is_empty());
    assert_eq!(
        bulks(t.run(&["KEYS", &(pat.clone().replace('b', "a"))])).len(),
        1
    );
}

#[test]
fn scan_returns_every_key_present_throughout_despite_churn() {
    let mut t = T::new();
    for i in 0..2000 {
        t.run(&["SET", &format!("stable:{i}"), "v"]);
    }
    for i in 0..3000 {
        t.run(&["SET", &format!("tmp:{i}"), "v"]);
    }
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    let mut cursor = "0".to_string();
    let mut round = 0usize;
    let mut calls = 0;
    loop {
        let (next, keys) = scan_once(&mut t, &["SCAN", &cursor, "COUNT", "7"]);
        seen.extend(keys);
        calls += 1;
        // Between calls: delete temporaries (the table shrinks and compacts) and add keys.
        for _ in 0..25 {
            if round < 3000 {
                t.int(&["DEL", &format!("tmp:{round}")]);
            }
            round += 1;
        }
        t.run(&["SET", &format!("new:{calls}"), "v"]);
        cursor = next;
        if cursor == "0" {
            break;
        }
        assert!(calls < 100_000, "SCAN did not terminate");
    }
    for i in 0..2000 {
        assert!(
            seen.contains(format!("stable:{i}").as_bytes()),
            "SCAN missed stable:{i}"
        );
    }
}

#[test]
fn scan_options_filters_and_errors() {
    let mut t = T::new();
    for i in 0..50 {
        t.run(&["SET", &format!("a:{i}"), "v"]);
        t.run(&["SET", &format!("b:{i}"), "v"]);
    }
    let mut all = Vec::new();
    let mut cursor = "0".to_string();
    loop {
        let (next, keys) = scan_once(&mut t, &["SCAN", &cursor, "MATCH", "a:*", "COUNT", "9"]);
        all.extend(keys);
        cursor = next;
        if cursor == "0" {
            break;
        }
    }
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 50);
    assert!(all.iter().all(|k| k.starts_with(b"a:")));
    let (c, keys) = scan_once(&mut t, &["SCAN", "0", "COUNT", "1000", "TYPE", "STRING"]);
    assert_eq!((c.as_str(), keys.len()), ("0", 100));
    let (_, keys) = scan_once(&mut t, &["SCAN", "0", "COUNT", "1000", "TYPE", "list"]);
    assert!(keys.is_empty());
    // Expired keys met by SCAN are deleted.
    t.int(&["PEXPIRE", "a:1", "1"]);
    t.clock.advance(2);
    let (_, keys) = scan_once(&mut t, &["SCAN", "0", "COUNT", "1000"]);
    assert_eq!(keys.len(), 99);
    assert_eq!(t.expired_keys(), 1);

    assert_eq!(t.err(&["SCAN", "x"]), "ERR invalid cursor");
    assert_eq!(t.err(&["SCAN", " 0"]), "ERR invalid cursor");
    assert_eq!(t.err(&["SCAN", "0", "COUNT", "0"]), "ERR syntax error");
    assert_eq!(t.err(&["SCAN", "0", "COUNT", "-5"]), "ERR syntax error");
    assert_eq!(
        t.err(&["SCAN", "0", "COUNT", "x"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(t.err(&["SCAN", "0", "COUNT"]), "ERR syntax error");
    assert_eq!(t.err(&["SCAN", "0", "BOGUS", "1"]), "ERR syntax error");
    // A huge COUNT is fine (no allocation from it).
    let (_, keys) = scan_once(&mut t, &["SCAN", "0", "COUNT", "9223372036854775807"]);
    assert_eq!(keys.len(), 99);
}

#[test]
fn randomkey_skips_and_deletes_expired_keys() {
    let mut t = T::new();
    assert_eq!(t.run(&["RANDOMKEY"]), Reply::Nil);
    for i in 0..200 {
        let k = format!("v{i}");
        t.run(&["SET", &k, "x"]);
        t.int(&["PEXPIRE", &k, "10"]);
    }
    t.run(&["SET", "keeper", "x"]);
    t.clock.advance(11);
    for _ in 0..20 {
        assert_eq!(t.run(&["RANDOMKEY"]), Reply::bulk("keeper"));
    }
    t.int(&["DEL", "keeper"]);
    assert_eq!(t.run(&["RANDOMKEY"]), Reply::Nil);
    assert_eq!(t.expired_keys(), 200);
}

#[test]
fn object_idletime_tracks_accesses_but_not_inspections() {
    let mut t = T::new();
    t.run(&["SET", "k", "v"]);
    assert_eq!(t.int(&["OBJECT", "IDLETIME", "k"]), 0);
    t.clock.advance(10_000);
    assert_eq!(t.int(&["OBJECT", "IDLETIME", "k"]), 10);
    // TYPE, TTL, EXISTS and OBJECT itself do not count as accesses.
    t.run(&["TYPE", "k"]);
    t.run(&["TTL", "k"]);
    t.run(&["EXISTS", "k"]);
    t.clock.advance(5_000);
    assert_eq!(t.int(&["OBJECT", "idletime", "k"]), 15);
    t.run(&["GET", "k"]);
    assert_eq!(t.int(&["OBJECT", "IDLETIME", "k"]), 0);
    t.clock.advance(3_000);
    t.int(&["TOUCH", "k"]);
    assert_eq!(t.int(&["OBJECT", "IDLETIME", "k"]), 0);
    t.clock.advance(3_000);
    t.run(&["SET", "k", "w"]);
    assert_eq!(
        t.int(&["OBJECT", "IDLETIME", "k"]),
        0,
        "overwrite makes a new object"
    );
    assert_eq!(t.run(&["OBJECT", "IDLETIME", "missing"]), Reply::Nil);
    assert_eq!(
        t.err(&["OBJECT", "FREQ", "k"]),
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please \
         note that when switching between policies at runtime LRU and LFU data will take \
         some time to adjust."
    );
    assert_eq!(t.run(&["OBJECT", "FREQ", "missing"]), Reply::Nil);
}

#[test]
fn object_freq_under_an_lfu_policy() {
    let mut cfg = Config::default();
    cfg.set("maxmemory-policy", "allkeys-lfu", false)
        .expect("policy");
    let mut t = T::with_config(cfg);
    t.run(&["SET", "k", "v"]);
    assert_eq!(t.int(&["OBJECT", "FREQ", "k"]), 5);
    for _ in 0..200 {
        t.run(&["GET", "k"]);
    }
    let hot = t.int(&["OBJECT", "FREQ", "k"]);
    assert!(hot > 5, "counter grew: {hot}");
    // The counter decays by one per minute (lfu-decay-time 1).
    t.clock.advance(2 * 60_000);
    assert_eq!(t.int(&["OBJECT", "FREQ", "k"]), hot - 2);
    // Overwriting keeps the counter; renaming carries it.
    t.run(&["SET", "k", "w"]);
    let after = t.int(&["OBJECT", "FREQ", "k"]);
    assert!(
        after == hot - 2 || after == hot - 1,
        "{after} vs {}",
        hot - 2
    );
    assert!(
        t.err(&["OBJECT", "IDLETIME", "k"])
            .starts_with("ERR An LFU maxmemory policy is selected")
    );
}

#[test]
fn object_refcount_and_encoding() {
    let mut t = T::new();
    for (v, enc, rc) in [
        ("0", "int", 2_147_483_647),
        ("9999", "int", 2_147_483_647),
        ("10000", "int", 1),
        ("-1", "int", 1),
        ("hello", "embstr", 1),
    ] {
        t.run(&["SET", "k", v]);
        assert_eq!(t.run(&["OBJECT", "ENCODING", "k"]), Reply::bulk(enc), "{v}");
        assert_eq!(t.int(&["OBJECT", "REFCOUNT", "k"]), rc, "{v}");
    }
    assert_eq!(t.run(&["OBJECT", "ENCODING", "missing"]), Reply::Nil);
    assert_eq!(t.run(&["OBJECT", "REFCOUNT", "missing"]), Reply::Nil);
    match t.run(&["OBJECT", "HELP"]) {
        Reply::Array(lines) => {
            assert!(lines.len() > 4);
            assert_eq!(
                lines[0],
                Reply::simple("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        t.err(&["OBJECT", "NOPE", "k"]),
        "ERR unknown subcommand 'NOPE'. Try OBJECT HELP."
    );
}
