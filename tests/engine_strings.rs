//! String commands through `Engine::execute` with a manual clock: expiry options and
//! their exact boundaries, conditional writes (NX/XX/GET and Valkey's IFEQ/DELIFEQ),
//! encodings, propagation rewrites, memory accounting, and limits.

use cinnabar::clock::ManualClock;
use cinnabar::cmd::ArgvBuf;
use cinnabar::db::NO_EXPIRE;
use cinnabar::rng::Rng;
use cinnabar::types::Value;
use cinnabar::{ClientHandle, Config, Engine, Reply};

const T0: i64 = 1_700_000_000_000;
const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

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
        let mut e = Engine::with_rng(cfg, Box::new(clock.clone()), Rng::seeded(11));
        let c = e.connect();
        T { e, c, clock }
    }

    fn run<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> Reply {
        let a = ArgvBuf::from_parts(parts.iter().map(|p| p.as_ref()));
        self.e.execute(self.c, &a.args())
    }

    fn ok<B: AsRef<[u8]>>(&mut self, parts: &[B]) {
        assert_eq!(self.run(parts), Reply::Ok);
    }

    fn int<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> i64 {
        match self.run(parts) {
            Reply::Int(i) => i,
            other => panic!("expected an integer, got {other:?}"),
        }
    }

    fn bulk<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> Option<Vec<u8>> {
        match self.run(parts) {
            Reply::Bulk(b) => Some(b),
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

    fn get(&mut self, key: &str) -> Option<Vec<u8>> {
        self.bulk(&["GET", key])
    }

    /// The stored absolute expiry (ms), `None` without TTL; panics if the key is absent.
    fn expire_of(&self, key: &str) -> Option<i64> {
        let e = self.e.state().dbs[0]
            .ks
            .get(key.as_bytes())
            .expect("key present");
        (e.expire != NO_EXPIRE).then_some(e.expire)
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

    fn mem(&self) -> usize {
        self.e.state().dbs[0].ks.mem()
    }

    /// Put a (list) value of another type at `key`, straight into the keyspace, so the
    /// WRONGTYPE paths are exercised whatever list commands exist.
    fn make_non_string(&mut self, key: &str) -> bool {
        let v = Value::List(Box::default());
        self.e.state_mut().dbs[0]
            .ks
            .insert(key.as_bytes(), v, NO_EXPIRE);
        assert_eq!(
            self.e.state().dbs[0]
                .ks
                .get(key.as_bytes())
                .map(|e| e.value.type_name()),
            Some("list")
        );
        true
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

fn b(s: &str) -> Option<Vec<u8>> {
    Some(s.as_bytes().to_vec())
}

#[test]
fn set_ex_expires_exactly_after_its_ttl() {
    let mut t = T::new();
    t.ok(&["SET", "k", "v", "EX", "10"]);
    assert_eq!(t.expire_of("k"), Some(T0 + 10_000));
    t.clock.advance(9_999);
    assert_eq!(t.get("k"), b("v"));
    // Redis's keyIsExpired is `now > when`: alive at the very millisecond, gone after.
    t.clock.advance(1);
    assert_eq!(t.get("k"), b("v"));
    t.clock.advance(1);
    assert_eq!(t.get("k"), None);
    assert!(!t.present("k"));
}

#[test]
fn every_expiry_option_stores_an_absolute_time() {
    let mut t = T::new();
    t.ok(&["SET", "a", "v", "PX", "1500"]);
    assert_eq!(t.expire_of("a"), Some(T0 + 1500));
    let exat = (T0 / 1000 + 100).to_string();
    t.ok(&["SET", "b", "v", "exat", &exat]);
    assert_eq!(t.expire_of("b"), Some((T0 / 1000 + 100) * 1000));
    let pxat = (T0 + 777).to_string();
    t.ok(&["SET", "c", "v", "PxAt", &pxat]);
    assert_eq!(t.expire_of("c"), Some(T0 + 777));
    t.ok(&["SETEX", "d", "5", "v"]);
    assert_eq!(t.expire_of("d"), Some(T0 + 5000));
    t.ok(&["PSETEX", "e", "5", "v"]);
    assert_eq!(t.expire_of("e"), Some(T0 + 5));
    // The same option may repeat; the last one wins.
    t.ok(&["SET", "f", "v", "EX", "10", "EX", "20"]);
    assert_eq!(t.expire_of("f"), Some(T0 + 20_000));
}

#[test]
fn invalid_expire_times_name_the_called_command() {
    let mut t = T::new();
    for (cmd, msg) in [
        (
            &["SET", "k", "v", "EX", "0"][..],
            "ERR invalid expire time in 'set' command",
        ),
        (
            &["SET", "k", "v", "PX", "-1"],
            "ERR invalid expire time in 'set' command",
        ),
        (
            &["SET", "k", "v", "EX", "9223372036854775"],
            "ERR invalid expire time in 'set' command",
        ),
        (
            &["SET", "k", "v", "EX", "9223372036854776"],
            "ERR invalid expire time in 'set' command",
        ),
        (
            &["SET", "k", "v", "PX", "9223372036854775807"],
            "ERR invalid expire time in 'set' command",
        ),
        (
            &["SETEX", "k", "0", "v"],
            "ERR invalid expire time in 'setex' command",
        ),
        (
            &["PSETEX", "k", "-5", "v"],
            "ERR invalid expire time in 'psetex' command",
        ),
        (
            &["SET", "k", "v", "EX", "ten"],
            "ERR value is not an integer or out of range",
        ),
        (
            &["SETEX", "k", "1.5", "v"],
            "ERR value is not an integer or out of range",
        ),
    ] {
        assert_eq!(t.err(cmd), msg, "{cmd:?}");
    }
    assert!(!t.present("k"));
    t.ok(&["SET", "k", "v"]);
    assert_eq!(
        t.err(&["GETEX", "k", "EX", "0"]),
        "ERR invalid expire time in 'getex' command"
    );
    // The largest PXAT is accepted (stored 1 ms short of "no expiry").
    t.ok(&["SET", "k", "v", "PXAT", "9223372036854775807"]);
    assert_eq!(t.expire_of("k"), Some(i64::MAX - 1));
}

#[test]
fn set_with_a_past_absolute_time_removes_the_key() {
    let mut t = T::new();
    t.e.enable_propagation();
    t.ok(&["SET", "k", "old"]);
    t.propagated();
    t.ok(&["SET", "k", "new", "PXAT", &(T0 - 1).to_string()]);
    assert!(!t.present("k"));
    assert_eq!(t.propagated(), vec![vec!["DEL", "k"]]);
    // Exactly now counts as already expired (checkAlreadyExpired: when <= now).
    t.ok(&["SET", "k", "v", "PXAT", &T0.to_string()]);
    assert!(!t.present("k"));
    assert!(
        t.propagated().is_empty(),
        "nothing to delete, nothing to propagate"
    );
    // With GET the old value is still returned.
    t.ok(&["SET", "k", "v1"]);
    assert_eq!(t.bulk(&["SET", "k", "v2", "GET", "EXAT", "1"]), b("v1"));
    assert!(!t.present("k"));
}

#[test]
fn keepttl_keeps_and_plain_set_clears() {
    let mut t = T::new();
    t.ok(&["SET", "k", "v", "EX", "100"]);
    t.ok(&["SET", "k", "w", "KEEPTTL"]);
    assert_eq!(t.expire_of("k"), Some(T0 + 100_000));
    assert_eq!(t.get("k"), b("w"));
    t.ok(&["SET", "k", "x"]);
    assert_eq!(t.expire_of("k"), None);
    t.ok(&["SET", "new", "v", "KEEPTTL"]);
    assert_eq!(t.expire_of("new"), None);
    // GETSET and MSET clear the TTL too; INCR, APPEND, SETRANGE, INCRBYFLOAT keep it.
    for (cmd, keeps) in [
        (&["GETSET", "k", "1"][..], false),
        (&["MSET", "k", "1"], false),
        (&["INCR", "k"], true),
        (&["INCRBY", "k", "5"], true),
        (&["APPEND", "k", "0"], true),
        (&["SETRANGE", "k", "0", "9"], true),
        (&["INCRBYFLOAT", "k", "1.5"], true),
    ] {
        t.e.state_mut().dbs[0].ks.set_expire(b"k", T0 + 50_000);
        t.run(cmd);
        let want = if keeps { Some(T0 + 50_000) } else { None };
        assert_eq!(t.expire_of("k"), want, "{cmd:?}");
    }
}

#[test]
fn option_conflicts_are_syntax_errors() {
    let mut t = T::new();
    for cmd in [
        &["SET", "k", "v", "NX", "XX"][..],
        &["SET", "k", "v", "XX", "NX"],
        &["SET", "k", "v", "EX", "10", "PX", "100"],
        &["SET", "k", "v", "EX", "10", "KEEPTTL"],
        &["SET", "k", "v", "KEEPTTL", "EXAT", "10"],
        &["SET", "k", "v", "EX"],
        &["SET", "k", "v", "PERSIST"],
        &["SET", "k", "v", "IFEQ"],
        &["SET", "k", "v", "IFEQ", "a", "NX"],
        &["SET", "k", "v", "IFEQ", "a", "XX"],
        &["SET", "k", "v", "NX", "IFEQ", "a"],
        &["SET", "k", "v", "XX", "IFEQ", "a"],
        &["SET", "k", "v", "IFEQ", "a", "IFEQ", "b"],
        &["SET", "k", "v", "BOGUS"],
        &["GETEX", "k", "PERSIST", "EX", "1"],
        &["GETEX", "k", "EX", "1", "PERSIST"],
        &["GETEX", "k", "EX", "1", "PXAT", "1"],
        &["GETEX", "k", "KEEPTTL"],
        &["GETEX", "k", "NX"],
        &["GETEX", "k", "EX"],
    ] {
        assert_eq!(t.err(cmd), "ERR syntax error", "{cmd:?}");
    }
    assert!(!t.present("k"));
    // Repeats of the same flag are fine.
    assert_eq!(
        t.run(&["SET", "k", "v", "NX", "nx", "GET", "get"]),
        Reply::Nil
    );
    assert_eq!(t.get("k"), b("v"));
}

#[test]
fn nx_xx_and_get_combinations() {
    let mut t = T::new();
    assert_eq!(t.run(&["SET", "k", "v", "XX"]), Reply::Nil);
    assert!(!t.present("k"));
    t.ok(&["SET", "k", "v", "NX"]);
    assert_eq!(t.run(&["SET", "k", "w", "NX"]), Reply::Nil);
    assert_eq!(t.get("k"), b("v"));
    t.ok(&["SET", "k", "w", "XX"]);
    assert_eq!(t.bulk(&["SET", "k", "x", "GET"]), b("w"));
    assert_eq!(t.bulk(&["SET", "k", "y", "NX", "GET"]), b("x"));
    assert_eq!(t.get("k"), b("x"), "NX failed, value unchanged");
    assert_eq!(t.bulk(&["SET", "m", "y", "XX", "GET"]), None);
    assert!(!t.present("m"));
    assert_eq!(t.bulk(&["SET", "m", "y", "NX", "GET"]), None);
    assert_eq!(t.get("m"), b("y"));
    assert_eq!(t.int(&["SETNX", "m", "z"]), 0);
    assert_eq!(t.int(&["SETNX", "n", "z"]), 1);
    assert_eq!(t.bulk(&["GETSET", "n", "q"]), b("z"));
    assert_eq!(t.bulk(&["GETSET", "fresh", "q"]), None);
    assert_eq!(t.get("fresh"), b("q"));
}

#[test]
fn ifeq_sets_only_when_the_current_value_matches() {
    let mut t = T::new();
    // Missing key: nothing set.
    assert_eq!(t.run(&["SET", "k", "v", "IFEQ", "x"]), Reply::Nil);
    assert!(!t.present("k"));
    t.ok(&["SET", "k", "v1"]);
    assert_eq!(t.run(&["SET", "k", "v2", "IFEQ", "nope"]), Reply::Nil);
    assert_eq!(t.get("k"), b("v1"));
    t.ok(&["SET", "k", "v2", "ifeq", "v1"]);
    assert_eq!(t.get("k"), b("v2"));
    // With GET: the old value either way.
    assert_eq!(t.bulk(&["SET", "k", "v3", "IFEQ", "nope", "GET"]), b("v2"));
    assert_eq!(t.get("k"), b("v2"));
    assert_eq!(t.bulk(&["SET", "k", "v3", "GET", "IFEQ", "v2"]), b("v2"));
    assert_eq!(t.get("k"), b("v3"));
    assert_eq!(t.bulk(&["SET", "missing", "v", "IFEQ", "x", "GET"]), None);
    assert!(!t.present("missing"));
    // The comparison is on the string form, also for integer-encoded values.
    t.ok(&["SET", "n", "10"]);
    assert_eq!(t.run(&["SET", "n", "11", "IFEQ", "010"]), Reply::Nil);
    t.ok(&["SET", "n", "11", "IFEQ", "10"]);
    assert_eq!(t.get("n"), b("11"));
    // Binary values compare byte for byte.
    t.ok(&[&b"SET"[..], b"bin", b"a\x00b\r\n"]);
    assert_eq!(
        t.run(&[&b"SET"[..], b"bin", b"c", b"IFEQ", b"a\x00b"]),
        Reply::Nil
    );
    t.ok(&[&b"SET"[..], b"bin", b"c", b"IFEQ", b"a\x00b\r\n"]);
    // IFEQ with an expiry or KEEPTTL.
    t.ok(&["SET", "k", "v4", "IFEQ", "v3", "EX", "30"]);
    assert_eq!(t.expire_of("k"), Some(T0 + 30_000));
    t.ok(&["SET", "k", "v5", "IFEQ", "v4", "KEEPTTL"]);
    assert_eq!(t.expire_of("k"), Some(T0 + 30_000));
    t.ok(&["SET", "k", "v6", "IFEQ", "v5"]);
    assert_eq!(t.expire_of("k"), None);
    // An expired key does not match.
    t.ok(&["SET", "e", "v", "PX", "10"]);
    t.clock.advance(11);
    assert_eq!(t.run(&["SET", "e", "w", "IFEQ", "v"]), Reply::Nil);
    assert!(!t.present("e"));
    if t.make_non_string("list") {
        assert_eq!(t.err(&["SET", "list", "v", "IFEQ", "x"]), WRONGTYPE);
        assert_eq!(t.err(&["SET", "list", "v", "IFEQ", "x", "GET"]), WRONGTYPE);
    }
}

#[test]
fn delifeq_deletes_only_on_a_match() {
    let mut t = T::new();
    t.e.enable_propagation();
    assert_eq!(t.int(&["DELIFEQ", "k", "v"]), 0);
    t.ok(&["SET", "k", "v"]);
    t.propagated();
    assert_eq!(t.int(&["DELIFEQ", "k", "w"]), 0);
    assert!(t.present("k"));
    assert!(t.propagated().is_empty());
    assert_eq!(t.int(&["DELIFEQ", "k", "v"]), 1);
    assert!(!t.present("k"));
    assert_eq!(t.propagated(), vec![vec!["DEL", "k"]]);
    t.ok(&["SET", "n", "42"]);
    assert_eq!(t.int(&["DELIFEQ", "n", "42"]), 1);
    if t.make_non_string("list") {
        assert_eq!(t.err(&["DELIFEQ", "list", "x"]), WRONGTYPE);
    }
    assert!(
        t.err(&["DELIFEQ", "k"])
            .starts_with("ERR wrong number of arguments for 'delifeq'")
    );
}

#[test]
fn writes_are_propagated_deterministically() {
    let mut t = T::new();
    t.e.enable_propagation();
    t.ok(&["SET", "k", "v"]);
    assert_eq!(t.propagated(), vec![vec!["SET", "k", "v"]]);
    t.ok(&["SET", "k", "v", "EX", "10"]);
    let at = (T0 + 10_000).to_string();
    assert_eq!(
        t.propagated(),
        vec![vec!["SET", "k", "v", "PXAT", at.as_str()]]
    );
    t.ok(&["SETEX", "k", "10", "v"]);
    assert_eq!(
        t.propagated(),
        vec![vec!["SET", "k", "v", "PXAT", at.as_str()]]
    );
    t.ok(&["PSETEX", "k", "10000", "v"]);
    assert_eq!(
        t.propagated(),
        vec![vec!["SET", "k", "v", "PXAT", at.as_str()]]
    );
    assert_eq!(t.bulk(&["SET", "k", "w", "GET"]), b("v"));
    assert_eq!(t.propagated(), vec![vec!["SET", "k", "w"]]);
    assert_eq!(t.bulk(&["SET", "k", "x", "GET", "KEEPTTL"]), b("w"));
    assert_eq!(t.propagated(), vec![vec!["SET", "k", "x", "KEEPTTL"]]);
    t.ok(&["SET", "k", "y", "IFEQ", "x"]);
    assert_eq!(t.propagated(), vec![vec!["SET", "k", "y"]]);
    // Failed conditions propagate nothing.
    assert_eq!(t.run(&["SET", "k", "z", "NX"]), Reply::Nil);
    assert_eq!(t.run(&["SET", "k", "z", "IFEQ", "nope"]), Reply::Nil);
    assert!(t.propagated().is_empty());
    assert_eq!(t.bulk(&["GETSET", "k", "g"]), b("y"));
    assert_eq!(t.propagated(), vec![vec!["SET", "k", "g"]]);
    assert_eq!(t.bulk(&["GETEX", "k", "EX", "10"]), b("g"));
    assert_eq!(t.propagated(), vec![vec!["PEXPIREAT", "k", at.as_str()]]);
    assert_eq!(t.bulk(&["GETEX", "k", "PERSIST"]), b("g"));
    assert_eq!(t.propagated(), vec![vec!["PERSIST", "k"]]);
    assert_eq!(t.bulk(&["GETEX", "k", "PERSIST"]), b("g"));
    assert!(t.propagated().is_empty(), "no TTL to remove");
    assert_eq!(t.bulk(&["GETEX", "k"]), b("g"));
    assert!(t.propagated().is_empty());
    assert_eq!(t.bulk(&["INCRBYFLOAT", "f", "1.5"]), b("1.5"));
    assert_eq!(t.propagated(), vec![vec!["SET", "f", "1.5", "KEEPTTL"]]);
    assert_eq!(t.bulk(&["GETDEL", "f"]), b("1.5"));
    assert_eq!(t.propagated(), vec![vec!["DEL", "f"]]);
    assert_eq!(t.bulk(&["GETDEL", "f"]), None);
    assert!(t.propagated().is_empty());
    assert_eq!(t.int(&["INCR", "n"]), 1);
    assert_eq!(t.propagated(), vec![vec!["INCR", "n"]]);
    assert_eq!(t.bulk(&["GETEX", "k", "EXAT", "1"]), b("g"));
    assert_eq!(t.propagated(), vec![vec!["DEL", "k"]]);
    assert!(!t.present("k"));
}

#[test]
fn getex_sets_and_removes_ttls() {
    let mut t = T::new();
    assert_eq!(t.bulk(&["GETEX", "missing", "EX", "10"]), None);
    // Redis 7 looks the key up before validating the time.
    assert_eq!(t.bulk(&["GETEX", "missing", "EX", "-1"]), None);
    t.ok(&["SET", "k", "v"]);
    assert_eq!(t.bulk(&["GETEX", "k", "PX", "500"]), b("v"));
    assert_eq!(t.expire_of("k"), Some(T0 + 500));
    let exat = (T0 / 1000 + 60).to_string();
    assert_eq!(t.bulk(&["GETEX", "k", "EXAT", &exat]), b("v"));
    assert_eq!(t.expire_of("k"), Some((T0 / 1000 + 60) * 1000));
    assert_eq!(
        t.bulk(&["GETEX", "k", "PXAT", &(T0 + 5).to_string()]),
        b("v")
    );
    assert_eq!(t.expire_of("k"), Some(T0 + 5));
    assert_eq!(t.bulk(&["GETEX", "k", "PERSIST"]), b("v"));
    assert_eq!(t.expire_of("k"), None);
    assert_eq!(t.bulk(&["GETEX", "k", "PXAT", &T0.to_string()]), b("v"));
    assert!(!t.present("k"));
}

#[test]
fn encodings_follow_redis() {
    let mut t = T::new();
    t.ok(&["SET", "i", "12345"]);
    assert_eq!(t.encoding("i"), "int");
    t.ok(&["SET", "e", "hello"]);
    assert_eq!(t.encoding("e"), "embstr");
    t.ok(&["SET", "r", &"x".repeat(45)]);
    assert_eq!(t.encoding("r"), "raw");
    t.ok(&["SET", "z", "0123"]);
    assert_eq!(t.encoding("z"), "embstr");
    t.int(&["APPEND", "e", "!"]);
    assert_eq!(t.encoding("e"), "raw");
    t.int(&["APPEND", "new", "7"]);
    assert_eq!(t.encoding("new"), "int");
    t.int(&["SETRANGE", "s", "2", "ab"]);
    assert_eq!(t.encoding("s"), "raw");
    t.ok(&["SET", "s2", "hi"]);
    t.int(&["SETRANGE", "s2", "0", "H"]);
    assert_eq!(t.encoding("s2"), "raw");
    t.ok(&["SET", "c", "10"]);
    t.int(&["APPEND", "c", "0"]);
    assert_eq!(t.encoding("c"), "raw");
    assert_eq!(t.int(&["INCR", "c"]), 101);
    assert_eq!(t.encoding("c"), "int");
    t.run(&["INCRBYFLOAT", "f", "2"]);
    assert_eq!(t.encoding("f"), "embstr");
    t.ok(&["MSET", "m1", "5", "m2", "five"]);
    assert_eq!((t.encoding("m1"), t.encoding("m2")), ("int", "embstr"));
}

#[test]
fn counters_check_types_and_overflow() {
    let mut t = T::new();
    assert_eq!(t.int(&["INCR", "n"]), 1);
    assert_eq!(t.int(&["DECR", "n"]), 0);
    assert_eq!(t.int(&["DECR", "n"]), -1);
    assert_eq!(t.int(&["INCRBY", "n", "101"]), 100);
    assert_eq!(t.int(&["DECRBY", "n", "-5"]), 105);
    t.ok(&["SET", "n", "9223372036854775807"]);
    assert_eq!(
        t.err(&["INCR", "n"]),
        "ERR increment or decrement would overflow"
    );
    assert_eq!(t.int(&["DECRBY", "n", "9223372036854775807"]), 0);
    assert_eq!(
        t.int(&["DECRBY", "n", "9223372036854775807"]),
        -9223372036854775807
    );
    assert_eq!(t.int(&["DECR", "n"]), i64::MIN);
    assert_eq!(
        t.err(&["DECR", "n"]),
        "ERR increment or decrement would overflow"
    );
    assert_eq!(
        t.err(&["DECRBY", "n", "-9223372036854775808"]),
        "ERR decrement would overflow"
    );
    assert_eq!(
        t.err(&["INCRBY", "n", "1.5"]),
        "ERR value is not an integer or out of range"
    );
    for bad in [
        "abc",
        " 1",
        "1 ",
        "01",
        "+1",
        "",
        "1.0",
        "99999999999999999999",
    ] {
        t.ok(&["SET", "s", bad]);
        assert_eq!(
            t.err(&["INCR", "s"]),
            "ERR value is not an integer or out of range",
            "{bad:?}"
        );
    }
    // An expired counter starts again from zero.
    t.ok(&["SET", "x", "41", "PX", "5"]);
    t.clock.advance(6);
    assert_eq!(t.int(&["INCR", "x"]), 1);
    assert_eq!(t.expire_of("x"), None);
    if t.make_non_string("list") {
        for cmd in [
            &["INCR", "list"][..],
            &["DECRBY", "list", "1"],
            &["INCRBYFLOAT", "list", "1"],
            &["APPEND", "list", "x"],
            &["SETRANGE", "list", "0", "x"],
            &["GET", "list"],
            &["GETDEL", "list"],
            &["GETEX", "list", "EX", "1"],
            &["GETRANGE", "list", "0", "1"],
            &["STRLEN", "list"],
            &["GETSET", "list", "x"],
            &["SET", "list", "x", "GET"],
        ] {
            assert_eq!(t.err(cmd), WRONGTYPE, "{cmd:?}");
        }
        // Plain overwrites replace any type; MGET reads other types as nil.
        assert_eq!(
            t.run(&["MGET", "list", "n"]),
            Reply::Array(vec![Reply::Nil, Reply::bulk("-9223372036854775808")])
        );
        t.ok(&["SET", "list", "now a string"]);
        assert_eq!(t.get("list"), b("now a string"));
    }
}

#[test]
fn incrbyfloat_matches_redis_formatting() {
    let mut t = T::new();
    let mut seen = Vec::new();
    for _ in 0..10 {
        seen.push(
            String::from_utf8(t.bulk(&["INCRBYFLOAT", "f", "0.1"]).expect("value")).expect("utf8"),
        );
    }
    assert_eq!(
        seen,
        [
            "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"
        ]
    );
    t.ok(&["SET", "g", "10.5"]);
    assert_eq!(t.bulk(&["INCRBYFLOAT", "g", "0.1"]), b("10.6"));
    assert_eq!(
        t.bulk(&["INCRBYFLOAT", "g", "5.0e3"]),
        b("5010.60000000000000009")
    );
    assert_eq!(
        t.bulk(&["INCRBYFLOAT", "g", "-5"]),
        b("5005.60000000000000009")
    );
    assert_eq!(t.bulk(&["INCRBYFLOAT", "h", "3.0e-2"]), b("0.03"));
    assert_eq!(t.bulk(&["INCRBYFLOAT", "h", "3.0e-2"]), b("0.06"));
    t.ok(&["SET", "i", "5"]);
    assert_eq!(t.bulk(&["INCRBYFLOAT", "i", "-5"]), b("0"));
    assert_eq!(
        t.err(&["INCRBYFLOAT", "i", "abc"]),
        "ERR value is not a valid float"
    );
    assert_eq!(
        t.err(&["INCRBYFLOAT", "i", "inf"]),
        "ERR increment would produce NaN or Infinity"
    );
    assert_eq!(
        t.err(&["INCRBYFLOAT", "i", "nan"]),
        "ERR value is not a valid float"
    );
    t.ok(&["SET", "s", "not a number"]);
    assert_eq!(
        t.err(&["INCRBYFLOAT", "s", "1"]),
        "ERR value is not a valid float"
    );
    t.ok(&["SET", "big", "1.1e4932"]);
    assert_eq!(
        t.err(&["INCRBYFLOAT", "big", "1.1e4932"]),
        "ERR increment would produce NaN or Infinity"
    );
    assert_eq!(
        t.get("big"),
        b("1.1e4932"),
        "failed increments change nothing"
    );
}

#[test]
fn ranges_append_and_setrange() {
    let mut t = T::new();
    t.ok(&["SET", "k", "Hello World"]);
    assert_eq!(t.bulk(&["GETRANGE", "k", "0", "4"]), b("Hello"));
    assert_eq!(t.bulk(&["GETRANGE", "k", "-5", "-1"]), b("World"));
    assert_eq!(t.bulk(&["SUBSTR", "k", "6", "100"]), b("World"));
    assert_eq!(t.bulk(&["GETRANGE", "missing", "0", "-1"]), b(""));
    t.ok(&["SET", "n", "-12345"]);
    assert_eq!(t.bulk(&["GETRANGE", "n", "1", "2"]), b("12"));
    assert_eq!(t.int(&["STRLEN", "n"]), 6);
    assert_eq!(t.int(&["STRLEN", "missing"]), 0);
    assert_eq!(t.int(&["APPEND", "k", "!"]), 12);
    assert_eq!(t.int(&["SETRANGE", "k", "0", "J"]), 12);
    assert_eq!(t.get("k"), b("Jello World!"));
    assert_eq!(t.int(&["SETRANGE", "k", "14", "x"]), 15);
    assert_eq!(t.get("k").expect("value"), b"Jello World!\0\0x");
    assert_eq!(t.int(&["SETRANGE", "k", "100", ""]), 15);
    assert_eq!(t.int(&["SETRANGE", "none", "3", ""]), 0);
    assert!(!t.present("none"));
    assert_eq!(t.int(&["SETRANGE", "none", "3", "ab"]), 5);
    assert_eq!(t.get("none").expect("value"), b"\0\0\0ab");
    assert_eq!(
        t.err(&["SETRANGE", "k", "-1", "x"]),
        "ERR offset is out of range"
    );
    assert_eq!(
        t.err(&["SETRANGE", "k", "x", "x"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        t.err(&["SETRANGE", "k", "536870912", "x"]),
        "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    );
    assert_eq!(
        t.err(&["SETRANGE", "k", "9223372036854775807", "x"]),
        "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    );
}

#[test]
fn size_limits_follow_proto_max_bulk_len() {
    let mut cfg = Config::default();
    cfg.set("proto-max-bulk-len", "1mb", false)
        .expect("valid setting");
    let mut t = T::with_config(cfg);
    let half = "x".repeat(512 * 1024);
    assert_eq!(t.int(&["APPEND", "k", &half]), 512 * 1024);
    assert_eq!(t.int(&["APPEND", "k", &half]), 1024 * 1024);
    assert_eq!(
        t.err(&["APPEND", "k", "y"]),
        "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    );
    assert_eq!(t.int(&["SETRANGE", "k", "1048575", "z"]), 1024 * 1024);
    assert_eq!(
        t.err(&["SETRANGE", "k", "1048576", "z"]),
        "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    );
    assert_eq!(t.int(&["STRLEN", "k"]), 1024 * 1024);
    // LCS refuses tables over the limit: (600+1)^2 * 4 bytes > 1 MB.
    let a = "a".repeat(600);
    t.ok(&["MSET", "a", &a, "b", &a]);
    assert_eq!(
        t.err(&["LCS", "a", "b", "LEN"]),
        "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"
    );
    let a = "a".repeat(400);
    t.ok(&["MSET", "a", &a, "b", &a]);
    assert_eq!(t.int(&["LCS", "a", "b", "LEN"]), 400);
}

#[test]
fn memory_accounting_tracks_in_place_changes() {
    let mut t = T::new();
    t.ok(&["SET", "k", "v"]);
    let m0 = t.mem();
    t.int(&["APPEND", "k", &"x".repeat(10_000)]);
    let m1 = t.mem();
    assert!(m1 >= m0 + 10_000, "{m0} -> {m1}");
    t.int(&["SETRANGE", "k", "50000", "y"]);
    assert!(t.mem() >= m0 + 50_000);
    t.ok(&["SET", "k", "small"]);
    assert!(t.mem() < m0 + 100, "overwrite releases the old value");
    t.ok(&["SET", "c", "abcdefghijklmnopqrstuvwxyz"]);
    let before = t.mem();
    t.ok(&["SET", "c", "1"]);
    t.int(&["INCR", "c"]);
    assert!(t.mem() < before);
    t.run(&["DEL", "k", "c"]);
    assert_eq!(t.e.state().dbs[0].ks.len(), 0);
}

#[test]
fn mget_mset_msetnx() {
    let mut t = T::new();
    t.ok(&["MSET", "a", "1", "b", "2"]);
    assert_eq!(
        t.run(&["MGET", "a", "nope", "b"]),
        Reply::Array(vec![Reply::bulk("1"), Reply::Nil, Reply::bulk("2")])
    );
    assert_eq!(
        t.err(&["MSET", "a", "1", "b"]),
        "ERR wrong number of arguments for 'mset' command"
    );
    assert_eq!(
        t.err(&["MSETNX", "a"]),
        "ERR wrong number of arguments for 'msetnx' command"
    );
    assert_eq!(
        t.err(&["MSETNX", "x", "1", "y"]),
        "ERR wrong number of arguments for 'msetnx' command"
    );
    assert_eq!(t.int(&["MSETNX", "x", "1", "a", "2"]), 0);
    assert!(!t.present("x"));
    assert_eq!(t.int(&["MSETNX", "x", "1", "y", "2", "x", "3"]), 1);
    assert_eq!(t.get("x"), b("3"));
    // MSET on an expired key (counted as expired) and repeated keys (last wins).
    t.ok(&["SET", "e", "v", "PX", "1"]);
    t.clock.advance(2);
    let before = t.e.state().stats.keys.expired_keys;
    t.ok(&["MSET", "e", "1", "e", "2"]);
    assert_eq!(t.get("e"), b("2"));
    assert_eq!(t.e.state().stats.keys.expired_keys, before + 1);
}

#[test]
fn lcs_replies() {
    let mut t = T::new();
    t.ok(&["MSET", "k1", "ohmytext", "k2", "mynewtext"]);
    assert_eq!(t.bulk(&["LCS", "k1", "k2"]), b("mytext"));
    assert_eq!(t.int(&["LCS", "k1", "k2", "LEN"]), 6);
    let range = |a: i64, b: i64| Reply::Array(vec![Reply::Int(a), Reply::Int(b)]);
    assert_eq!(
        t.run(&["LCS", "k1", "k2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"]),
        Reply::Map(vec![
            (
                Reply::bulk("matches"),
                Reply::Array(vec![Reply::Array(vec![
                    range(4, 7),
                    range(5, 8),
                    Reply::Int(4)
                ])])
            ),
            (Reply::bulk("len"), Reply::Int(6)),
        ])
    );
    assert_eq!(
        t.run(&["LCS", "k1", "k2", "idx"]),
        Reply::Map(vec![
            (
                Reply::bulk("matches"),
                Reply::Array(vec![
                    Reply::Array(vec![range(4, 7), range(5, 8)]),
                    Reply::Array(vec![range(2, 3), range(0, 1)]),
                ])
            ),
            (Reply::bulk("len"), Reply::Int(6)),
        ])
    );
    assert_eq!(t.bulk(&["LCS", "k1", "missing"]), b(""));
    assert_eq!(
        t.err(&["LCS", "k1", "k2", "LEN", "IDX"]),
        "ERR If you want both the length and indexes, please just use IDX."
    );
    assert_eq!(
        t.err(&["LCS", "k1", "k2", "MINMATCHLEN"]),
        "ERR syntax error"
    );
    assert_eq!(
        t.err(&["LCS", "k1", "k2", "MINMATCHLEN", "x"]),
        "ERR value is not an integer or out of range"
    );
    if t.make_non_string("list") {
        assert_eq!(
            t.err(&["LCS", "list", "k2", "BOGUS"]),
            "ERR The specified keys must contain string values"
        );
    }
}
