//! Hash commands through `Engine::execute` with a manual clock: every command and
//! option, error texts, encodings and their thresholds, propagation rewrites, memory
//! accounting, and hash-field expiration (HEXPIRE & co., HGETEX, HSETEX, HGETDEL), whose
//! expected replies follow Redis's documentation (the 7.0 oracle predates them).

use cinnabar::clock::ManualClock;
use cinnabar::cmd::ArgvBuf;
use cinnabar::db::keyspace::ENTRY_OVERHEAD;
use cinnabar::rng::Rng;
use cinnabar::{ClientHandle, Config, Engine, Reply};

const T0: i64 = 1_700_000_000_000;
const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

struct T {
    e: Engine,
    c: ClientHandle,
    clock: ManualClock,
}

fn b(s: &str) -> Reply {
    Reply::Bulk(s.as_bytes().to_vec())
}

fn ints(v: &[i64]) -> Reply {
    Reply::Array(v.iter().map(|&i| Reply::Int(i)).collect())
}

fn bulks(v: &[Option<&str>]) -> Reply {
    Reply::Array(v.iter().map(|o| o.map_or(Reply::Nil, b)).collect())
}

impl T {
    fn new() -> T {
        T::with_config(Config::default())
    }

    fn with_limits(entries: &str, value: &str) -> T {
        let mut cfg = Config::default();
        cfg.set("hash-max-listpack-entries", entries, false)
            .expect("config");
        cfg.set("hash-max-listpack-value", value, false)
            .expect("config");
        T::with_config(cfg)
    }

    fn with_config(cfg: Config) -> T {
        let clock = ManualClock::new(T0);
        let mut e = Engine::with_rng(cfg, Box::new(clock.clone()), Rng::seeded(7));
        e.enable_propagation();
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

    fn bulk<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> Option<String> {
        match self.run(parts) {
            Reply::Bulk(b) => Some(String::from_utf8_lossy(&b).into_owned()),
            Reply::Nil => None,
            other => panic!("expected a bulk or nil, got {other:?}"),
        }
    }

    fn err<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> String {
        match self.run(parts) {
            Reply::Error(e) => e.into_owned(),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    /// A flat array of bulk strings (HKEYS, HGETALL in RESP2 shape, ...).
    fn strs<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> Vec<String> {
        fn flat(r: Reply, out: &mut Vec<String>) {
            match r {
                Reply::Bulk(b) => out.push(String::from_utf8_lossy(&b).into_owned()),
                Reply::Nil => out.push("(nil)".into()),
                Reply::Array(a) | Reply::Set(a) => a.into_iter().for_each(|x| flat(x, out)),
                Reply::Map(m) => m.into_iter().for_each(|(k, v)| {
                    flat(k, out);
                    flat(v, out);
                }),
                other => panic!("unexpected {other:?}"),
            }
        }
        let mut out = Vec::new();
        flat(self.run(parts), &mut out);
        out
    }

    fn present(&self, key: &str) -> bool {
        self.e.state().dbs[0].ks.get(key.as_bytes()).is_some()
    }

    fn encoding(&self, key: &str) -> &'static str {
        self.e.state().dbs[0]
            .ks
            .get(key.as_bytes())
            .expect("key present")
            .value
            .encoding()
    }

    fn make_string(&mut self, key: &str) {
        assert_eq!(self.run(&["SET", key, "x"]), Reply::Ok);
    }

    /// The keyspace's incremental memory estimate equals a fresh recount.
    fn check_mem(&self) {
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
}

fn v(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------------------------------
// Basic commands
// ---------------------------------------------------------------------------------------

#[test]
fn hset_hget_and_friends() {
    let mut t = T::new();
    assert_eq!(t.int(&["HSET", "h", "a", "1", "b", "2"]), 2);
    assert_eq!(t.int(&["HSET", "h", "a", "10", "c", "3"]), 1);
    assert_eq!(t.bulk(&["HGET", "h", "a"]).as_deref(), Some("10"));
    assert_eq!(t.bulk(&["HGET", "h", "zz"]), None);
    assert_eq!(t.bulk(&["HGET", "nokey", "a"]), None);
    assert_eq!(
        t.run(&["HMGET", "h", "a", "zz", "c"]),
        bulks(&[Some("10"), None, Some("3")])
    );
    assert_eq!(t.run(&["HMGET", "nokey", "a", "b"]), bulks(&[None, None]));
    assert_eq!(t.int(&["HLEN", "h"]), 3);
    assert_eq!(t.int(&["HLEN", "nokey"]), 0);
    assert_eq!(t.int(&["HEXISTS", "h", "b"]), 1);
    assert_eq!(t.int(&["HEXISTS", "h", "zz"]), 0);
    assert_eq!(t.int(&["HEXISTS", "nokey", "b"]), 0);
    assert_eq!(t.int(&["HSTRLEN", "h", "a"]), 2);
    assert_eq!(t.int(&["HSTRLEN", "h", "zz"]), 0);
    assert_eq!(t.int(&["HSTRLEN", "nokey", "a"]), 0);
    assert_eq!(t.strs(&["HKEYS", "h"]), v(&["a", "b", "c"]));
    assert_eq!(t.strs(&["HVALS", "h"]), v(&["10", "2", "3"]));
    assert_eq!(
        t.strs(&["HGETALL", "h"]),
        v(&["a", "10", "b", "2", "c", "3"])
    );
    assert!(matches!(t.run(&["HGETALL", "h"]), Reply::Map(m) if m.len() == 3));
    assert_eq!(t.run(&["HGETALL", "nokey"]), Reply::Map(vec![]));
    assert_eq!(t.run(&["HKEYS", "nokey"]), Reply::Array(vec![]));
    assert_eq!(t.run(&["HVALS", "nokey"]), Reply::Array(vec![]));
    assert_eq!(t.run(&["HMSET", "h", "d", "4"]), Reply::Ok);
    assert_eq!(t.int(&["HLEN", "h"]), 4);
    t.check_mem();
}

#[test]
fn hdel_removes_fields_and_the_emptied_key() {
    let mut t = T::new();
    t.int(&["HSET", "h", "a", "1", "b", "2", "c", "3"]);
    assert_eq!(t.int(&["HDEL", "h", "a", "zz", "a"]), 1);
    assert_eq!(t.int(&["HDEL", "nokey", "a"]), 0);
    assert_eq!(t.int(&["HDEL", "h", "b", "c", "d"]), 2);
    assert!(!t.present("h"));
    assert_eq!(t.int(&["EXISTS", "h"]), 0);
    t.check_mem();
}

#[test]
fn hsetnx_sets_only_new_fields() {
    let mut t = T::new();
    assert_eq!(t.int(&["HSETNX", "h", "a", "1"]), 1);
    assert_eq!(t.int(&["HSETNX", "h", "a", "2"]), 0);
    assert_eq!(t.bulk(&["HGET", "h", "a"]).as_deref(), Some("1"));
    assert_eq!(t.int(&["HSETNX", "h", "b", "2"]), 1);
    assert_eq!(t.int(&["HLEN", "h"]), 2);
}

#[test]
fn arity_and_type_errors() {
    let mut t = T::new();
    assert_eq!(
        t.err(&["HSET", "h", "a"]),
        "ERR wrong number of arguments for 'hset' command"
    );
    assert_eq!(
        t.err(&["HSET", "h", "a", "1", "b"]),
        "ERR wrong number of arguments for 'hset' command"
    );
    assert_eq!(
        t.err(&["HMSET", "h", "a", "1", "b"]),
        "ERR wrong number of arguments for 'hmset' command"
    );
    assert_eq!(
        t.err(&["HGET", "h"]),
        "ERR wrong number of arguments for 'hget' command"
    );
    t.make_string("s");
    for cmd in [
        &["HSET", "s", "a", "1"][..],
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
        &["HRANDFIELD", "s", "2"],
        &["HSCAN", "s", "0"],
        &["HEXPIRE", "s", "10", "FIELDS", "1", "a"],
        &["HEXPIRE", "s", "notanumber", "FIELDS", "1", "a"],
        &["HTTL", "s", "FIELDS", "1", "a"],
        &["HTTL", "s", "NOTFIELDS", "1", "a"],
        &["HPERSIST", "s", "FIELDS", "1", "a"],
        &["HGETEX", "s", "FIELDS", "1", "a"],
        &["HGETDEL", "s", "FIELDS", "1", "a"],
        &["HSETEX", "s", "FIELDS", "1", "a", "b"],
    ] {
        assert_eq!(t.err(cmd), WRONGTYPE, "{cmd:?}");
    }
}

#[test]
fn hincrby_parses_checks_and_overflows() {
    let mut t = T::new();
    assert_eq!(t.int(&["HINCRBY", "h", "n", "5"]), 5);
    assert_eq!(t.int(&["HINCRBY", "h", "n", "-7"]), -2);
    t.int(&[
        "HSET",
        "h",
        "s",
        "abc",
        "sp",
        " 1",
        "big",
        "9223372036854775806",
    ]);
    assert_eq!(
        t.err(&["HINCRBY", "h", "s", "1"]),
        "ERR hash value is not an integer"
    );
    assert_eq!(
        t.err(&["HINCRBY", "h", "sp", "1"]),
        "ERR hash value is not an integer"
    );
    assert_eq!(
        t.err(&["HINCRBY", "h", "n", "x"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        t.err(&["HINCRBY", "h", "n", "1.5"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(t.int(&["HINCRBY", "h", "big", "1"]), i64::MAX);
    assert_eq!(
        t.err(&["HINCRBY", "h", "big", "1"]),
        "ERR increment or decrement would overflow"
    );
    t.int(&["HSET", "h", "small", "-9223372036854775808"]);
    assert_eq!(
        t.err(&["HINCRBY", "h", "small", "-1"]),
        "ERR increment or decrement would overflow"
    );
    assert_eq!(
        t.bulk(&["HGET", "h", "big"]).as_deref(),
        Some("9223372036854775807")
    );
}

#[test]
fn hincrbyfloat_formats_like_redis_and_propagates_hset() {
    let mut t = T::new();
    assert_eq!(
        t.bulk(&["HINCRBYFLOAT", "h", "f", "10.5"]).as_deref(),
        Some("10.5")
    );
    assert_eq!(
        t.bulk(&["HINCRBYFLOAT", "h", "f", "0.1"]).as_deref(),
        Some("10.6")
    );
    assert_eq!(
        t.bulk(&["HINCRBYFLOAT", "h", "f", "-10.6"]).as_deref(),
        Some("0")
    );
    assert_eq!(
        t.bulk(&["HINCRBYFLOAT", "h", "f", "5.0e3"]).as_deref(),
        Some("5000")
    );
    t.int(&["HSET", "h", "i", "3", "s", "x"]);
    assert_eq!(
        t.bulk(&["HINCRBYFLOAT", "h", "i", "1.25"]).as_deref(),
        Some("4.25")
    );
    assert_eq!(
        t.err(&["HINCRBYFLOAT", "h", "s", "1"]),
        "ERR hash value is not a float"
    );
    assert_eq!(
        t.err(&["HINCRBYFLOAT", "h", "f", "x"]),
        "ERR value is not a valid float"
    );
    assert_eq!(
        t.err(&["HINCRBYFLOAT", "h", "f", "nan"]),
        "ERR value is not a valid float"
    );
    assert_eq!(
        t.err(&["HINCRBYFLOAT", "h", "f", "inf"]),
        "ERR value is NaN or Infinity"
    );
    t.int(&["HSET", "h", "huge", "1e4932"]);
    assert_eq!(
        t.err(&["HINCRBYFLOAT", "h", "huge", "1e4932"]),
        "ERR increment would produce NaN or Infinity"
    );
    t.propagated();
    t.bulk(&["HINCRBYFLOAT", "h", "i", "1"]);
    assert_eq!(t.propagated(), vec![v(&["HSET", "h", "i", "5.25"])]);
}

#[test]
fn encodings_follow_the_thresholds() {
    let mut t = T::with_limits("4", "8");
    t.int(&["HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"]);
    assert_eq!(t.encoding("h"), "listpack");
    t.int(&["HSET", "h", "e", "5"]);
    assert_eq!(t.encoding("h"), "hashtable");
    // A value longer than hash-max-listpack-value converts.
    t.int(&["HSET", "v", "a", "12345678"]);
    assert_eq!(t.encoding("v"), "listpack");
    t.int(&["HSET", "v", "b", "123456789"]);
    assert_eq!(t.encoding("v"), "hashtable");
    // So does a long field name, via HSETNX, HINCRBY and HINCRBYFLOAT too.
    t.int(&["HSETNX", "n", "field-name-9", "1"]);
    assert_eq!(t.encoding("n"), "hashtable");
    t.int(&["HINCRBY", "i", "field-name-9", "1"]);
    assert_eq!(t.encoding("i"), "hashtable");
    // A batch with more pairs than the entry limit converts, even with duplicates.
    t.int(&[
        "HSET", "d", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1",
    ]);
    assert_eq!(t.encoding("d"), "hashtable");
    assert_eq!(t.int(&["HLEN", "d"]), 1);
    // Never converted back.
    t.int(&["HDEL", "h", "a", "b", "c", "d"]);
    assert_eq!(t.encoding("h"), "hashtable");
    assert_eq!(t.strs(&["HGETALL", "h"]), v(&["e", "5"]));
    assert_eq!(t.run(&["OBJECT", "ENCODING", "h"]), b("hashtable"));
    // CONFIG SET changes the thresholds at runtime.
    assert_eq!(
        t.run(&["CONFIG", "SET", "hash-max-listpack-entries", "1"]),
        Reply::Ok
    );
    t.int(&["HSET", "c", "a", "1"]);
    assert_eq!(t.encoding("c"), "listpack");
    t.int(&["HSET", "c", "b", "1"]);
    assert_eq!(t.encoding("c"), "hashtable");
    t.check_mem();
}

#[test]
fn large_hashes_work_in_the_hashtable_encoding() {
    let mut t = T::new();
    for i in 0..1000 {
        assert_eq!(
            t.int(&["HSET", "big", &format!("f{i}"), &format!("v{i}")]),
            1
        );
    }
    assert_eq!(t.encoding("big"), "hashtable");
    assert_eq!(t.int(&["HLEN", "big"]), 1000);
    assert_eq!(t.bulk(&["HGET", "big", "f777"]).as_deref(), Some("v777"));
    for i in (0..1000).step_by(2) {
        assert_eq!(t.int(&["HDEL", "big", &format!("f{i}")]), 1);
    }
    assert_eq!(t.int(&["HLEN", "big"]), 500);
    assert_eq!(t.bulk(&["HGET", "big", "f777"]).as_deref(), Some("v777"));
    assert_eq!(t.bulk(&["HGET", "big", "f778"]), None);
    let mut keys = t.strs(&["HKEYS", "big"]);
    keys.sort();
    let mut want: Vec<String> = (1..1000).step_by(2).map(|i| format!("f{i}")).collect();
    want.sort();
    assert_eq!(keys, want);
    t.check_mem();
}

// ---------------------------------------------------------------------------------------
// HRANDFIELD
// ---------------------------------------------------------------------------------------

#[test]
fn hrandfield_counts_and_shapes() {
    for limit in ["128", "2"] {
        let mut t = T::with_limits(limit, "64");
        t.int(&[
            "HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5",
        ]);
        let one = t.bulk(&["HRANDFIELD", "h"]).expect("a field");
        assert!(["a", "b", "c", "d", "e"].contains(&one.as_str()));
        assert_eq!(t.bulk(&["HRANDFIELD", "nokey"]), None);
        assert_eq!(t.run(&["HRANDFIELD", "nokey", "3"]), Reply::Array(vec![]));
        assert_eq!(t.run(&["HRANDFIELD", "h", "0"]), Reply::Array(vec![]));
        // Positive: distinct, at most the size.
        for n in [1usize, 3, 5, 10] {
            let got = t.strs(&["HRANDFIELD", "h", &n.to_string()]);
            assert_eq!(got.len(), n.min(5));
            let mut d = got.clone();
            d.sort();
            d.dedup();
            assert_eq!(d.len(), got.len());
        }
        // Negative: exactly |count|, repeats allowed.
        assert_eq!(t.strs(&["HRANDFIELD", "h", "-20"]).len(), 20);
        // WITHVALUES in RESP2: a flat array whose values match their fields.
        let flat = t.strs(&["HRANDFIELD", "h", "-7", "WITHVALUES"]);
        assert_eq!(flat.len(), 14);
        for p in flat.chunks(2) {
            let want = ((p[0].as_bytes()[0] - b'a') + 1).to_string();
            assert_eq!(p[1], want);
        }
        let all = t.strs(&["HRANDFIELD", "h", "5", "withvalues"]);
        assert_eq!(all.len(), 10);
        // RESP3: [field, value] pairs.
        assert!(matches!(t.run(&["HELLO", "3"]), Reply::Map(_)));
        match t.run(&["HRANDFIELD", "h", "3", "WITHVALUES"]) {
            Reply::Array(a) => {
                assert_eq!(a.len(), 3);
                assert!(
                    a.iter()
                        .all(|p| matches!(p, Reply::Array(x) if x.len() == 2))
                );
            }
            other => panic!("{other:?}"),
        }
        match t.run(&["HRANDFIELD", "h", "-4", "WITHVALUES"]) {
            Reply::Array(a) => assert_eq!(a.len(), 4),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn hrandfield_errors() {
    let mut t = T::new();
    t.int(&["HSET", "h", "a", "1"]);
    assert_eq!(
        t.err(&["HRANDFIELD", "h", "x"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        t.err(&["HRANDFIELD", "h", "-9223372036854775808"]),
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
    );
    assert_eq!(
        t.err(&["HRANDFIELD", "h", "1", "WITHSCORES"]),
        "ERR syntax error"
    );
    assert_eq!(
        t.err(&["HRANDFIELD", "h", "1", "WITHVALUES", "x"]),
        "ERR syntax error"
    );
    assert_eq!(
        t.err(&["HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES"]),
        "ERR value is out of range"
    );
    assert_eq!(
        t.err(&["HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"]),
        "ERR value is out of range"
    );
    // Repeats are built in memory: beyond 2^22 the count is refused.
    assert_eq!(
        t.err(&["HRANDFIELD", "h", "-5000000"]),
        "ERR value is out of range"
    );
    // A huge positive count is just "everything".
    assert_eq!(
        t.strs(&["HRANDFIELD", "h", "9223372036854775807"]),
        v(&["a"])
    );
}

// ---------------------------------------------------------------------------------------
// HSCAN
// ---------------------------------------------------------------------------------------

#[test]
fn hscan_listpack_returns_everything_at_once() {
    let mut t = T::new();
    t.int(&["HSET", "h", "a", "1", "b", "2", "ab", "3"]);
    assert_eq!(
        t.strs(&["HSCAN", "h", "0"]),
        v(&["0", "a", "1", "b", "2", "ab", "3"])
    );
    assert_eq!(
        t.strs(&["HSCAN", "h", "0", "MATCH", "a*"]),
        v(&["0", "a", "1", "ab", "3"])
    );
    assert_eq!(
        t.strs(&["HSCAN", "h", "0", "NOVALUES"]),
        v(&["0", "a", "b", "ab"])
    );
    assert_eq!(
        t.strs(&["HSCAN", "h", "0", "COUNT", "1", "MATCH", "b", "NOVALUES"]),
        v(&["0", "b"])
    );
    assert_eq!(t.strs(&["HSCAN", "nokey", "0"]), v(&["0"]));
    // A missing key is answered before the options are checked, as in Redis.
    assert_eq!(t.strs(&["HSCAN", "nokey", "0", "COUNT", "0"]), v(&["0"]));
    assert_eq!(
        t.err(&["HSCAN", "h", "0", "COUNT", "0"]),
        "ERR syntax error"
    );
    assert_eq!(
        t.err(&["HSCAN", "h", "0", "COUNT", "x"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(t.err(&["HSCAN", "h", "0", "MATCH"]), "ERR syntax error");
    assert_eq!(t.err(&["HSCAN", "h", "0", "BOGUS"]), "ERR syntax error");
    assert_eq!(t.err(&["HSCAN", "h", "x"]), "ERR invalid cursor");
    assert_eq!(t.err(&["HSCAN", "nokey", "x"]), "ERR invalid cursor");
}

#[test]
fn hscan_hashtable_iterates_to_completion() {
    let mut t = T::with_limits("128", "64");
    for i in 0..500 {
        t.int(&["HSET", "h", &format!("f{i}"), &format!("{i}")]);
    }
    let mut seen = std::collections::HashMap::new();
    let mut cursor = "0".to_string();
    let mut rounds = 0;
    loop {
        let r = t.strs(&["HSCAN", "h", &cursor, "COUNT", "20"]);
        cursor = r[0].clone();
        for p in r[1..].chunks(2) {
            seen.insert(p[0].clone(), p[1].clone());
        }
        rounds += 1;
        if cursor == "0" {
            break;
        }
        assert!(rounds < 1000);
    }
    assert!(rounds > 5, "a COUNT of 20 should take several calls");
    assert_eq!(seen.len(), 500);
    assert_eq!(seen.get("f123").map(String::as_str), Some("123"));
    let m = t.strs(&[
        "HSCAN", "h", "0", "COUNT", "1000", "MATCH", "f1?", "NOVALUES",
    ]);
    let mut got: Vec<String> = m[1..].to_vec();
    got.sort();
    assert_eq!(got, (10..20).map(|i| format!("f{i}")).collect::<Vec<_>>());
}

// ---------------------------------------------------------------------------------------
// Field expiration
// ---------------------------------------------------------------------------------------

#[test]
fn hexpire_sets_ttls_and_fields_expire_lazily() {
    let mut t = T::new();
    t.int(&["HSET", "h", "a", "1", "b", "2", "c", "3"]);
    assert_eq!(
        t.run(&["HEXPIRE", "h", "10", "FIELDS", "2", "a", "zz"]),
        ints(&[1, -2])
    );
    assert_eq!(t.encoding("h"), "listpackex");
    assert_eq!(
        t.run(&["HTTL", "h", "FIELDS", "3", "a", "b", "zz"]),
        ints(&[10, -1, -2])
    );
    assert_eq!(t.run(&["HPTTL", "h", "FIELDS", "1", "a"]), ints(&[10_000]));
    assert_eq!(
        t.run(&["HEXPIRETIME", "h", "FIELDS", "1", "a"]),
        ints(&[T0 / 1000 + 10])
    );
    assert_eq!(
        t.run(&["HPEXPIRETIME", "h", "FIELDS", "2", "a", "b"]),
        ints(&[T0 + 10_000, -1])
    );
    t.clock.advance(1500);
    assert_eq!(t.run(&["HTTL", "h", "FIELDS", "1", "a"]), ints(&[9]));
    assert_eq!(t.run(&["HPTTL", "h", "FIELDS", "1", "a"]), ints(&[8500]));
    // At exactly the expiry the field still lives (expired means strictly after).
    t.clock.set(T0 + 10_000);
    assert_eq!(t.bulk(&["HGET", "h", "a"]).as_deref(), Some("1"));
    assert_eq!(t.run(&["HPTTL", "h", "FIELDS", "1", "a"]), ints(&[0]));
    t.clock.advance(1);
    assert_eq!(t.bulk(&["HGET", "h", "a"]), None);
    assert_eq!(t.int(&["HLEN", "h"]), 2);
    assert_eq!(t.strs(&["HGETALL", "h"]), v(&["b", "2", "c", "3"]));
    assert_eq!(t.run(&["HTTL", "h", "FIELDS", "1", "a"]), ints(&[-2]));
    t.check_mem();
}

#[test]
fn every_read_hides_expired_fields() {
    let mut t = T::new();
    t.int(&["HSET", "h", "a", "1", "b", "2"]);
    t.run(&["HPEXPIRE", "h", "100", "FIELDS", "1", "a"]);
    t.clock.advance(101);
    assert_eq!(t.run(&["HMGET", "h", "a", "b"]), bulks(&[None, Some("2")]));
    assert_eq!(t.int(&["HEXISTS", "h", "a"]), 0);
    assert_eq!(t.int(&["HSTRLEN", "h", "a"]), 0);
    assert_eq!(t.strs(&["HKEYS", "h"]), v(&["b"]));
    assert_eq!(t.strs(&["HVALS", "h"]), v(&["2"]));
    assert_eq!(t.strs(&["HSCAN", "h", "0"]), v(&["0", "b", "2"]));
    assert_eq!(
        t.strs(&["HRANDFIELD", "h", "-5"]),
        v(&["b", "b", "b", "b", "b"])
    );
    // HINCRBY on an expired field starts from zero.
    t.int(&["HSET", "h", "n", "41"]);
    t.run(&["HPEXPIRE", "h", "5", "FIELDS", "1", "n"]);
    t.clock.advance(6);
    assert_eq!(t.int(&["HINCRBY", "h", "n", "1"]), 1);
    // HSETNX sets a field whose old value expired.
    t.run(&["HPEXPIRE", "h", "5", "FIELDS", "1", "n"]);
    t.clock.advance(6);
    assert_eq!(t.int(&["HSETNX", "h", "n", "new"]), 1);
    assert_eq!(t.bulk(&["HGET", "h", "n"]).as_deref(), Some("new"));
}

#[test]
fn the_last_field_expiring_removes_the_key() {
    let mut t = T::new();
    t.int(&["HSET", "h", "a", "1", "b", "2"]);
    t.run(&["HPEXPIRE", "h", "100", "FIELDS", "2", "a", "b"]);
    t.clock.advance(200);
    assert_eq!(t.int(&["HLEN", "h"]), 0);
    assert!(!t.present("h"));
    // A write to a fully expired hash starts a fresh one.
    t.int(&["HSET", "g", "a", "1"]);
    t.run(&["HPEXPIRE", "g", "100", "FIELDS", "1", "a"]);
    t.clock.advance(200);
    assert_eq!(t.int(&["HSET", "g", "b", "2"]), 1);
    assert_eq!(t.strs(&["HGETALL", "g"]), v(&["b", "2"]));
    assert_eq!(t.encoding("g"), "listpack");
    t.check_mem();
}

#[test]
fn hexpire_conditions() {
    let mut t = T::new();
    t.int(&["HSET", "h", "a", "1", "b", "2"]);
    // No TTL yet: NX and LT pass, XX and GT fail.
    assert_eq!(
        t.run(&["HEXPIRE", "h", "100", "XX", "FIELDS", "1", "a"]),
        ints(&[0])
    );
    assert_eq!(
        t.run(&["HEXPIRE", "h", "100", "GT", "FIELDS", "1", "a"]),
        ints(&[0])
    );
    assert_eq!(
        t.run(&["HEXPIRE", "h", "100", "nx", "FIELDS", "1", "a"]),
        ints(&[1])
    );
    assert_eq!(
        t.run(&["HEXPIRE", "h", "100", "LT", "FIELDS", "1", "b"]),
        ints(&[1])
    );
    // With a TTL of 100s.
    assert_eq!(
        t.run(&["HEXPIRE", "h", "50", "NX", "FIELDS", "1", "a"]),
        ints(&[0])
    );
    assert_eq!(
        t.run(&["HEXPIRE", "h", "50", "GT", "FIELDS", "1", "a"]),
        ints(&[0])
    );
    assert_eq!(
        t.run(&["HEXPIRE", "h", "100", "GT", "FIELDS", "1", "a"]),
        ints(&[0])
    );
    assert_eq!(
        t.run(&["HEXPIRE", "h", "200", "GT", "FIELDS", "1", "a"]),
        ints(&[1])
    );
    assert_eq!(
        t.run(&["HEXPIRE", "h", "300", "LT", "FIELDS", "1", "a"]),
        ints(&[0])
    );
    assert_eq!(
        t.run(&["HEXPIRE", "h", "150", "LT", "FIELDS", "1", "a"]),
        ints(&[1])
    );
    assert_eq!(
        t.run(&["HEXPIRE", "h", "120", "XX", "FIELDS", "2", "a", "c"]),
        ints(&[1, -2])
    );
    assert_eq!(
        t.run(&["HTTL", "h", "FIELDS", "2", "a", "b"]),
        ints(&[120, 100])
    );
    // Missing key: -2 for every field.
    assert_eq!(
        t.run(&["HEXPIRE", "nokey", "100", "FIELDS", "2", "a", "b"]),
        ints(&[-2, -2])
    );
    assert!(!t.present("nokey"));
}

#[test]
fn hexpire_in_the_past_deletes() {
    let mut t = T::new();
    t.int(&["HSET", "h", "a", "1", "b", "2", "c", "3"]);
    assert_eq!(
        t.run(&["HEXPIRE", "h", "0", "FIELDS", "2", "a", "zz"]),
        ints(&[2, -2])
    );
    assert_eq!(
        t.run(&["HPEXPIREAT", "h", &T0.to_string(), "FIELDS", "1", "b"]),
        ints(&[2])
    );
    assert_eq!(
        t.run(&["HEXPIREAT", "h", "1", "GT", "FIELDS", "1", "c"]),
        ints(&[0])
    );
    assert_eq!(t.strs(&["HKEYS", "h"]), v(&["c"]));
    assert_eq!(
        t.run(&["HEXPIREAT", "h", "1", "FIELDS", "1", "c"]),
        ints(&[2])
    );
    assert!(!t.present("h"));
    t.check_mem();
}

#[test]
fn field_expiry_argument_errors() {
    let mut t = T::new();
    t.int(&["HSET", "h", "a", "1"]);
    let e = |t: &mut T, a: &[&str]| t.err(a);
    assert_eq!(
        e(&mut t, &["HEXPIRE", "h", "x", "FIELDS", "1", "a"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        e(&mut t, &["HEXPIRE", "h", "-1", "FIELDS", "1", "a"]),
        "ERR invalid expire time, must be >= 0"
    );
    assert_eq!(
        e(&mut t, &["HEXPIRE", "h", "70368744177", "FIELDS", "1", "a"]),
        "ERR invalid expire time in 'hexpire' command"
    );
    assert_eq!(
        e(
            &mut t,
            &["HPEXPIREAT", "h", "70368744177664", "FIELDS", "1", "a"]
        ),
        "ERR invalid expire time in 'hpexpireat' command"
    );
    assert_eq!(
        t.run(&["HPEXPIREAT", "h", "70368744177663", "FIELDS", "1", "a"]),
        ints(&[1])
    );
    assert_eq!(
        e(
            &mut t,
            &["HEXPIREAT", "h", "70368744178", "FIELDS", "1", "a"]
        ),
        "ERR invalid expire time in 'hexpireat' command"
    );
    assert_eq!(
        e(&mut t, &["HEXPIRE", "h", "10", "BOGUS", "FIELDS", "1", "a"]),
        "ERR Mandatory argument FIELDS is missing or not at the right position"
    );
    assert_eq!(
        e(&mut t, &["HEXPIRE", "h", "10", "FIELDS", "0", "a"]),
        "ERR Parameter `numFields` should be greater than 0"
    );
    assert_eq!(
        e(&mut t, &["HEXPIRE", "h", "10", "NX", "FIELDS", "x", "a"]),
        "ERR Parameter `numFields` should be greater than 0"
    );
    assert_eq!(
        e(&mut t, &["HEXPIRE", "h", "10", "FIELDS", "2", "a"]),
        "ERR The `numfields` parameter must match the number of arguments"
    );
    assert_eq!(
        e(&mut t, &["HEXPIRE", "h", "10", "FIELDS", "1", "a", "b"]),
        "ERR The `numfields` parameter must match the number of arguments"
    );
    assert_eq!(
        e(&mut t, &["HEXPIRE", "h", "10", "FIELDS", "1"]),
        "ERR wrong number of arguments for 'hexpire' command"
    );
    assert_eq!(
        e(&mut t, &["HTTL", "h", "FIELDZ", "1", "a"]),
        "ERR Mandatory argument FIELDS is missing or not at the right position"
    );
    assert_eq!(
        e(&mut t, &["HTTL", "h", "FIELDS", "0", "a"]),
        "ERR Number of fields must be a positive integer"
    );
    assert_eq!(
        e(&mut t, &["HPERSIST", "h", "FIELDS", "-1", "a"]),
        "ERR Number of fields must be a positive integer"
    );
    assert_eq!(
        e(&mut t, &["HPTTL", "h", "FIELDS", "3", "a", "b"]),
        "ERR The `numfields` parameter must match the number of arguments"
    );
    assert_eq!(
        e(&mut t, &["HTTL", "h", "FIELDS", "1"]),
        "ERR wrong number of arguments for 'httl' command"
    );
    assert_eq!(
        e(&mut t, &["HGETDEL", "h", "FIELDS", "abc", "a"]),
        "ERR Number of fields must be a positive integer"
    );
    assert_eq!(
        e(&mut t, &["HGETDEL", "h", "FIELD", "1", "a"]),
        "ERR Mandatory argument FIELDS is missing or not at the right position"
    );
    // Missing keys answer -2 per field after the checks.
    assert_eq!(
        t.run(&["HTTL", "nokey", "FIELDS", "2", "a", "b"]),
        ints(&[-2, -2])
    );
    assert_eq!(
        t.run(&["HPERSIST", "nokey", "FIELDS", "1", "a"]),
        ints(&[-2])
    );
    assert_eq!(
        t.err(&["HTTL", "nokey", "FIELDS", "2", "a"]),
        "ERR The `numfields` parameter must match the number of arguments"
    );
}

#[test]
fn hpersist_codes() {
    let mut t = T::new();
    t.int(&["HSET", "h", "a", "1", "b", "2"]);
    // A plain listpack answers without changing encoding.
    assert_eq!(
        t.run(&["HPERSIST", "h", "FIELDS", "2", "a", "zz"]),
        ints(&[-1, -2])
    );
    assert_eq!(t.encoding("h"), "listpack");
    t.run(&["HEXPIRE", "h", "100", "FIELDS", "1", "a"]);
    assert_eq!(
        t.run(&["HPERSIST", "h", "FIELDS", "3", "a", "b", "zz"]),
        ints(&[1, -1, -2])
    );
    assert_eq!(t.run(&["HTTL", "h", "FIELDS", "1", "a"]), ints(&[-1]));
    assert_eq!(t.run(&["HPERSIST", "h", "FIELDS", "1", "a"]), ints(&[-1]));
    t.clock.advance(200_000);
    assert_eq!(t.bulk(&["HGET", "h", "a"]).as_deref(), Some("1"));
}

#[test]
fn listpackex_orders_fields_by_expiry() {
    let mut t = T::new();
    t.int(&["HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"]);
    t.run(&["HEXPIRE", "h", "300", "FIELDS", "1", "c"]);
    t.run(&["HEXPIRE", "h", "100", "FIELDS", "1", "a"]);
    assert_eq!(t.strs(&["HKEYS", "h"]), v(&["a", "c", "b", "d"]));
    // HSET drops the TTL and moves the field to the end; HINCRBY keeps both.
    t.int(&["HSET", "h", "a", "x"]);
    assert_eq!(t.strs(&["HKEYS", "h"]), v(&["c", "b", "d", "a"]));
    assert_eq!(t.run(&["HTTL", "h", "FIELDS", "1", "a"]), ints(&[-1]));
    t.int(&["HSET", "h", "n", "1"]);
    t.run(&["HEXPIRE", "h", "50", "FIELDS", "1", "n"]);
    assert_eq!(t.int(&["HINCRBY", "h", "n", "1"]), 2);
    assert_eq!(t.run(&["HTTL", "h", "FIELDS", "1", "n"]), ints(&[50]));
    assert_eq!(t.strs(&["HKEYS", "h"]), v(&["n", "c", "b", "d", "a"]));
    assert_eq!(
        t.bulk(&["HINCRBYFLOAT", "h", "n", "0.5"]).as_deref(),
        Some("2.5")
    );
    assert_eq!(t.run(&["HTTL", "h", "FIELDS", "1", "n"]), ints(&[50]));
    t.check_mem();
}

#[test]
fn field_ttls_in_the_hashtable_encoding() {
    let mut t = T::with_limits("8", "64");
    for i in 0..40 {
        t.int(&["HSET", "h", &format!("f{i}"), "v"]);
    }
    assert_eq!(t.encoding("h"), "hashtable");
    for i in 0..20 {
        let ms = (100 * (i + 1)).to_string();
        assert_eq!(
            t.run(&["HPEXPIRE", "h", &ms, "FIELDS", "1", &format!("f{i}")]),
            ints(&[1])
        );
    }
    assert_eq!(
        t.run(&["HPTTL", "h", "FIELDS", "2", "f0", "f39"]),
        ints(&[100, -1])
    );
    t.clock.advance(1050);
    assert_eq!(t.int(&["HLEN", "h"]), 30);
    assert_eq!(t.bulk(&["HGET", "h", "f9"]), None);
    assert_eq!(t.bulk(&["HGET", "h", "f10"]).as_deref(), Some("v"));
    assert_eq!(t.run(&["HPERSIST", "h", "FIELDS", "1", "f10"]), ints(&[1]));
    t.clock.advance(10_000);
    assert_eq!(t.int(&["HLEN", "h"]), 21);
    assert_eq!(t.bulk(&["HGET", "h", "f10"]).as_deref(), Some("v"));
    // A listpackex converting to a hashtable keeps its TTLs.
    let mut u = T::with_limits("3", "64");
    u.int(&["HSET", "g", "a", "1", "b", "2"]);
    u.run(&["HPEXPIRE", "g", "100", "FIELDS", "1", "a"]);
    u.int(&["HSET", "g", "c", "3", "d", "4"]);
    assert_eq!(u.encoding("g"), "hashtable");
    assert_eq!(
        u.run(&["HPTTL", "g", "FIELDS", "2", "a", "b"]),
        ints(&[100, -1])
    );
    u.clock.advance(101);
    assert_eq!(u.int(&["HLEN", "g"]), 3);
    t.check_mem();
    u.check_mem();
}

#[test]
fn hgetex_options() {
    let mut t = T::new();
    t.int(&["HSET", "h", "a", "1", "b", "2", "c", "3"]);
    assert_eq!(
        t.run(&["HGETEX", "h", "FIELDS", "2", "a", "zz"]),
        bulks(&[Some("1"), None])
    );
    assert_eq!(t.encoding("h"), "listpack");
    assert_eq!(
        t.run(&["HGETEX", "h", "EX", "10", "FIELDS", "2", "a", "zz"]),
        bulks(&[Some("1"), None])
    );
    assert_eq!(
        t.run(&["HTTL", "h", "FIELDS", "2", "a", "zz"]),
        ints(&[10, -2])
    );
    t.run(&["HGETEX", "h", "PX", "2500", "FIELDS", "1", "b"]);
    assert_eq!(t.run(&["HPTTL", "h", "FIELDS", "1", "b"]), ints(&[2500]));
    t.run(&[
        "HGETEX",
        "h",
        "EXAT",
        &(T0 / 1000 + 20).to_string(),
        "FIELDS",
        "1",
        "c",
    ]);
    assert_eq!(t.run(&["HTTL", "h", "FIELDS", "1", "c"]), ints(&[20]));
    t.run(&[
        "HGETEX",
        "h",
        "PXAT",
        &(T0 + 7).to_string(),
        "FIELDS",
        "1",
        "c",
    ]);
    assert_eq!(t.run(&["HPTTL", "h", "FIELDS", "1", "c"]), ints(&[7]));
    assert_eq!(
        t.run(&["HGETEX", "h", "PERSIST", "FIELDS", "1", "c"]),
        bulks(&[Some("3")])
    );
    assert_eq!(t.run(&["HTTL", "h", "FIELDS", "1", "c"]), ints(&[-1]));
    // A time in the past deletes the fields after reading them.
    assert_eq!(
        t.run(&["HGETEX", "h", "EX", "0", "FIELDS", "2", "a", "a"]),
        bulks(&[Some("1"), None])
    );
    assert_eq!(t.strs(&["HKEYS", "h"]), v(&["b", "c"]));
    assert_eq!(
        t.run(&["HGETEX", "nokey", "EX", "5", "FIELDS", "1", "a"]),
        bulks(&[None])
    );
    assert!(!t.present("nokey"));
    assert_eq!(
        t.err(&["HGETEX", "h", "EX", "x", "FIELDS", "1", "a"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        t.err(&["HGETEX", "h", "EX", "-1", "FIELDS", "1", "a"]),
        "ERR invalid expire time, must be >= 0"
    );
    assert_eq!(
        t.err(&["HGETEX", "h", "EX", "10", "FIELDS"]),
        "ERR Number of fields must be a positive integer"
    );
    assert_eq!(
        t.err(&["HGETEX", "h", "BOGUS", "FIELDS", "1", "a"]),
        "ERR Mandatory argument FIELDS is missing or not at the right position"
    );
    assert_eq!(
        t.err(&["HGETEX", "h", "PERSIST", "FIELDS", "2", "a"]),
        "ERR The `numfields` parameter must match the number of arguments"
    );
    t.clock.advance(3000);
    assert_eq!(
        t.run(&["HGETEX", "h", "FIELDS", "2", "b", "c"]),
        bulks(&[None, Some("3")])
    );
}

#[test]
fn hsetex_conditions_and_expiry() {
    let mut t = T::new();
    assert_eq!(
        t.int(&["HSETEX", "h", "FIELDS", "2", "a", "1", "b", "2"]),
        1
    );
    assert_eq!(t.run(&["HTTL", "h", "FIELDS", "1", "a"]), ints(&[-1]));
    assert_eq!(
        t.int(&["HSETEX", "h", "FNX", "FIELDS", "2", "a", "x", "c", "3"]),
        0
    );
    assert_eq!(
        t.int(&["HSETEX", "h", "FXX", "FIELDS", "2", "a", "x", "c", "3"]),
        0
    );
    assert_eq!(t.bulk(&["HGET", "h", "a"]).as_deref(), Some("1"));
    assert!(t.bulk(&["HGET", "h", "c"]).is_none());
    assert_eq!(
        t.int(&[
            "HSETEX", "h", "FXX", "EX", "100", "FIELDS", "2", "a", "x", "b", "y"
        ]),
        1
    );
    assert_eq!(
        t.run(&["HTTL", "h", "FIELDS", "2", "a", "b"]),
        ints(&[100, 100])
    );
    assert_eq!(
        t.int(&["HSETEX", "h", "FNX", "PX", "500", "FIELDS", "1", "c", "3"]),
        1
    );
    assert_eq!(t.run(&["HPTTL", "h", "FIELDS", "1", "c"]), ints(&[500]));
    // KEEPTTL keeps, no option clears.
    assert_eq!(
        t.int(&["HSETEX", "h", "KEEPTTL", "FIELDS", "1", "a", "k"]),
        1
    );
    assert_eq!(t.run(&["HTTL", "h", "FIELDS", "1", "a"]), ints(&[100]));
    assert_eq!(t.int(&["HSETEX", "h", "FIELDS", "1", "a", "n"]), 1);
    assert_eq!(t.run(&["HTTL", "h", "FIELDS", "1", "a"]), ints(&[-1]));
    assert_eq!(
        t.int(&[
            "HSETEX",
            "h",
            "EXAT",
            &(T0 / 1000 + 9).to_string(),
            "FIELDS",
            "1",
            "e",
            "5"
        ]),
        1
    );
    assert_eq!(t.run(&["HTTL", "h", "FIELDS", "1", "e"]), ints(&[9]));
    assert_eq!(
        t.int(&[
            "HSETEX",
            "h",
            "PXAT",
            &(T0 + 9).to_string(),
            "FIELDS",
            "1",
            "e",
            "5"
        ]),
        1
    );
    assert_eq!(t.run(&["HPTTL", "h", "FIELDS", "1", "e"]), ints(&[9]));
    // FXX on a missing key creates nothing; a time in the past sets then deletes.
    assert_eq!(
        t.int(&["HSETEX", "nokey", "FXX", "FIELDS", "1", "a", "1"]),
        0
    );
    assert!(!t.present("nokey"));
    assert_eq!(
        t.int(&["HSETEX", "gone", "PX", "0", "FIELDS", "1", "a", "1"]),
        1
    );
    assert!(!t.present("gone"));
    assert_eq!(
        t.int(&["HSETEX", "h", "EX", "0", "FIELDS", "1", "a", "1"]),
        1
    );
    assert!(t.bulk(&["HGET", "h", "a"]).is_none());
    t.check_mem();
}

#[test]
fn hsetex_argument_errors() {
    let mut t = T::new();
    let one_exp = "ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified";
    let one_cond = "ERR Only one of FXX or FNX arguments can be specified";
    let arity = "ERR wrong number of arguments for 'hsetex' command";
    for (args, want) in [
        (
            &["HSETEX", "h", "EX", "1", "PX", "1", "FIELDS", "1", "a", "b"][..],
            one_exp,
        ),
        (
            &["HSETEX", "h", "KEEPTTL", "EX", "1", "FIELDS", "1", "a", "b"],
            one_exp,
        ),
        (
            &[
                "HSETEX", "h", "PXAT", "1", "KEEPTTL", "FIELDS", "1", "a", "b",
            ],
            one_exp,
        ),
        // The conflict is found before the time is parsed.
        (&["HSETEX", "h", "FXX", "KEEPTTL", "PXAT", "x"], one_exp),
        (
            &["HSETEX", "h", "FNX", "FXX", "FIELDS", "1", "a", "b"],
            one_cond,
        ),
        (
            &["HSETEX", "h", "fxx", "fxx", "FIELDS", "1", "a", "b"],
            one_cond,
        ),
        (
            &["HSETEX", "h", "FNX", "FIELDS", "x", "a", "b"],
            "ERR invalid number of fields",
        ),
        (
            &["HSETEX", "h", "FIELDS", "0", "a", "b"],
            "ERR invalid number of fields",
        ),
        (
            &["HSETEX", "h", "FIELDS", "2147483648", "a", "b"],
            "ERR invalid number of fields",
        ),
        (&["HSETEX", "h", "FIELDS", "2", "a", "b"], arity),
        (&["HSETEX", "h", "FIELDS", "1", "a", "b", "c"], arity),
        (&["HSETEX", "h", "FNX", "PX", "10", "FIELDS"], arity),
        (&["HSETEX", "h", "FNX", "FIELDS", "1", "a"], arity),
        (
            &["HSETEX", "h", "BOGUS", "FIELDS", "1", "a", "b"],
            "ERR unknown argument: BOGUS",
        ),
        (
            &["HSETEX", "h", "FNX", "a", "b", "EX"],
            "ERR unknown argument: a",
        ),
        (
            &["HSETEX", "h", "EX", "x", "FIELDS", "1", "a", "b"],
            "ERR value is not an integer or out of range",
        ),
        (
            &["HSETEX", "h", "EX", "-1", "FIELDS", "1", "a", "b"],
            "ERR invalid expire time, must be >= 0",
        ),
        (
            &["HSETEX", "h", "EX", "70368744177", "FIELDS", "1", "a", "b"],
            "ERR invalid expire time in 'hsetex' command",
        ),
        (
            &[
                "HSETEX",
                "h",
                "PXAT",
                "70368744177664",
                "FIELDS",
                "1",
                "a",
                "b",
            ],
            "ERR invalid expire time in 'hsetex' command",
        ),
        (&["HSETEX", "h", "FIELDS", "1", "a"], arity),
    ] {
        assert_eq!(t.err(args), want, "{args:?}");
    }
    assert!(!t.present("h"));
    // Arguments are checked before the key's type.
    t.make_string("s");
    assert_eq!(
        t.err(&["HSETEX", "s", "BOGUS", "FIELDS", "1", "a", "b"]),
        "ERR unknown argument: BOGUS"
    );
    assert_eq!(t.err(&["HSETEX", "s", "FIELDS", "1", "a", "b"]), WRONGTYPE);
}

#[test]
fn hgetdel_reads_and_deletes() {
    let mut t = T::new();
    t.int(&["HSET", "h", "a", "1", "b", "2", "c", "3"]);
    assert_eq!(
        t.run(&["HGETDEL", "h", "FIELDS", "3", "a", "zz", "a"]),
        bulks(&[Some("1"), None, None])
    );
    assert_eq!(t.strs(&["HKEYS", "h"]), v(&["b", "c"]));
    assert_eq!(
        t.run(&["HGETDEL", "nokey", "FIELDS", "2", "a", "b"]),
        bulks(&[None, None])
    );
    assert_eq!(
        t.run(&["HGETDEL", "h", "FIELDS", "2", "b", "c"]),
        bulks(&[Some("2"), Some("3")])
    );
    assert!(!t.present("h"));
    t.check_mem();
}

// ---------------------------------------------------------------------------------------
// Propagation
// ---------------------------------------------------------------------------------------

#[test]
fn propagation_is_deterministic() {
    let mut t = T::new();
    t.int(&["HSET", "h", "a", "1", "b", "2", "c", "3"]);
    assert_eq!(
        t.propagated(),
        vec![v(&["HSET", "h", "a", "1", "b", "2", "c", "3"])]
    );
    // Relative and second-based times become absolute ms; only fields set are named.
    t.run(&["HEXPIRE", "h", "10", "NX", "FIELDS", "3", "a", "zz", "b"]);
    let at = (T0 + 10_000).to_string();
    assert_eq!(
        t.propagated(),
        vec![v(&["HPEXPIREAT", "h", &at, "NX", "FIELDS", "2", "a", "b"])]
    );
    // Nothing set: nothing propagated.
    t.run(&["HEXPIRE", "h", "10", "NX", "FIELDS", "1", "a"]);
    assert!(t.propagated().is_empty());
    // A time in the past deletes, propagated as HDEL.
    t.run(&["HEXPIRE", "h", "0", "FIELDS", "1", "c"]);
    assert_eq!(t.propagated(), vec![v(&["HDEL", "h", "c"])]);
    t.run(&["HPERSIST", "h", "FIELDS", "1", "b"]);
    assert_eq!(
        t.propagated(),
        vec![v(&["HPERSIST", "h", "FIELDS", "1", "b"])]
    );
    // Lazy expiry of a field is an HDEL before the command's own propagation.
    t.clock.advance(10_001);
    t.int(&["HSET", "h", "d", "4"]);
    assert_eq!(
        t.propagated(),
        vec![v(&["HDEL", "h", "a"]), v(&["HSET", "h", "d", "4"])]
    );
    // Reads that reclaim a field propagate only the HDEL.
    t.run(&["HPEXPIRE", "h", "5", "FIELDS", "1", "d"]);
    t.propagated();
    t.clock.advance(6);
    t.bulk(&["HGET", "h", "b"]);
    assert_eq!(t.propagated(), vec![v(&["HDEL", "h", "d"])]);
    // HGETDEL -> HDEL with the requested fields.
    t.int(&["HSET", "h", "x", "1"]);
    t.propagated();
    t.run(&["HGETDEL", "h", "FIELDS", "2", "x", "nope"]);
    assert_eq!(t.propagated(), vec![v(&["HDEL", "h", "x", "nope"])]);
    t.run(&["HGETDEL", "h", "FIELDS", "1", "nope"]);
    assert!(t.propagated().is_empty());
    // HGETEX -> HPEXPIREAT / HPERSIST; a plain HGETEX is not propagated.
    t.run(&["HGETEX", "h", "EX", "5", "FIELDS", "1", "b"]);
    let at = (t.e.now() + 5000).to_string();
    assert_eq!(
        t.propagated(),
        vec![v(&["HPEXPIREAT", "h", &at, "FIELDS", "1", "b"])]
    );
    t.run(&["HGETEX", "h", "PERSIST", "FIELDS", "1", "b"]);
    assert_eq!(
        t.propagated(),
        vec![v(&["HPERSIST", "h", "FIELDS", "1", "b"])]
    );
    t.run(&["HGETEX", "h", "FIELDS", "1", "b"]);
    assert!(t.propagated().is_empty());
    // HSETEX EX -> PXAT; KEEPTTL and PXAT verbatim; a past time -> HDEL only.
    t.int(&["HSETEX", "h", "FNX", "EX", "3", "FIELDS", "1", "y", "1"]);
    let at = (t.e.now() + 3000).to_string();
    assert_eq!(
        t.propagated(),
        vec![v(&[
            "HSETEX", "h", "FNX", "PXAT", &at, "FIELDS", "1", "y", "1"
        ])]
    );
    t.int(&["HSETEX", "h", "KEEPTTL", "FIELDS", "1", "y", "2"]);
    assert_eq!(
        t.propagated(),
        vec![v(&["HSETEX", "h", "KEEPTTL", "FIELDS", "1", "y", "2"])]
    );
    t.int(&["HSETEX", "h", "PX", "0", "FIELDS", "1", "y", "3"]);
    assert_eq!(t.propagated(), vec![v(&["HDEL", "h", "y"])]);
    // HINCRBYFLOAT on a field with a TTL keeps it on replay.
    t.int(&["HSETEX", "h", "EX", "100", "FIELDS", "1", "f", "1"]);
    t.propagated();
    t.bulk(&["HINCRBYFLOAT", "h", "f", "1.5"]);
    assert_eq!(
        t.propagated(),
        vec![v(&["HSETEX", "h", "KEEPTTL", "FIELDS", "1", "f", "2.5"])]
    );
    // Failed or no-op writes are not propagated.
    t.run(&["HDEL", "h", "nope"]);
    t.run(&["HSETNX", "h", "b", "x"]);
    t.run(&["HINCRBY", "h", "b", "x"]);
    assert!(t.propagated().is_empty());
}

#[test]
fn commands_are_listed_with_their_specs() {
    let mut t = T::new();
    for (name, arity) in [
        ("hexpire", -6),
        ("hpexpireat", -6),
        ("httl", -5),
        ("hpersist", -5),
        ("hgetex", -5),
        ("hsetex", -6),
        ("hgetdel", -5),
    ] {
        match t.run(&["COMMAND", "INFO", name]) {
            Reply::Array(a) => match a.first() {
                Some(Reply::Array(info)) => {
                    assert_eq!(info.first(), Some(&b(name)));
                    assert_eq!(info.get(1), Some(&Reply::Int(arity)), "{name}");
                }
                other => panic!("{name}: {other:?}"),
            },
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn memory_accounting_stays_exact_through_everything() {
    let mut t = T::with_limits("16", "32");
    for i in 0..200 {
        let f = format!("f{}", i % 40);
        match i % 7 {
            0 => {
                t.run(&["HSET", "h", &f, &"x".repeat(i % 50)]);
            }
            1 => {
                t.run(&["HDEL", "h", &f]);
            }
            2 => {
                t.run(&["HINCRBY", "n", &f, "3"]);
            }
            3 => {
                t.run(&["HPEXPIRE", "h", "50", "FIELDS", "1", &f]);
            }
            4 => {
                t.clock.advance(20);
                t.run(&["HLEN", "h"]);
            }
            5 => {
                t.run(&["HSETEX", "g", "PX", "30", "FIELDS", "1", &f, "v"]);
            }
            _ => {
                t.run(&["HGETDEL", "g", "FIELDS", "1", &f]);
            }
        }
        t.check_mem();
    }
}

#[test]
fn active_field_expiry_reclaims_untouched_hashes() {
    let mut t = T::with_limits("4", "64");
    for i in 0..50 {
        let k = format!("h{i}");
        t.int(&["HSET", &k, "a", "1", "b", "2", "c", "3", "d", "4", "e", "5"]);
        t.run(&["HPEXPIRE", &k, "100", "FIELDS", "2", "a", "b"]);
        if i % 2 == 0 {
            t.run(&["HPEXPIRE", &k, "100", "FIELDS", "3", "c", "d", "e"]);
        }
    }
    t.int(&["HSET", "plain", "a", "1"]);
    t.make_string("s");
    t.propagated();
    t.check_mem();
    t.clock.advance(101);
    let now = t.e.now();
    let mut cursor = 0;
    let mut reclaimed = 0;
    let mut steps = 0;
    loop {
        let (next, n) =
            cinnabar::cmd::hashes::active_expire_fields(t.e.state_mut(), 0, now, cursor, 7);
        reclaimed += n;
        cursor = next;
        steps += 1;
        if cursor == 0 {
            break;
        }
        assert!(steps < 1000);
    }
    assert!(steps > 1);
    assert_eq!(reclaimed, 25 * 5 + 25 * 2);
    // 25 hashes lost every field and are gone; 25 keep c, d, e.
    assert_eq!(t.int(&["DBSIZE"]), 25 + 2);
    assert!(!t.present("h0"));
    assert_eq!(t.strs(&["HKEYS", "h1"]), v(&["c", "d", "e"]));
    let p = t.propagated();
    assert_eq!(p.len(), 175);
    assert!(p.iter().all(|c| c[0] == "HDEL" && c.len() == 3));
    t.check_mem();
}
