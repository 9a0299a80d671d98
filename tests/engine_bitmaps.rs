//! Bit commands through `Engine::execute`: Redis 7.2's argument validation before the
//! key lookup (BITCOUNT/BITPOS), the `proto-max-bulk-len` limit, propagation (writes
//! that change nothing are not propagated), keyspace events, encodings and memory
//! accounting.

use cinnabar::clock::ManualClock;
use cinnabar::cmd::ArgvBuf;
use cinnabar::rng::Rng;
use cinnabar::{ClientHandle, Config, Engine, Reply};

const T0: i64 = 1_700_000_000_000;
const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

struct T {
    e: Engine,
    c: ClientHandle,
}

impl T {
    fn new() -> T {
        let clock = ManualClock::new(T0);
        let mut e = Engine::with_rng(Config::default(), Box::new(clock), Rng::seeded(5));
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

    fn get(&mut self, key: &str) -> Option<Vec<u8>> {
        match self.run(&["GET", key]) {
            Reply::Bulk(b) => Some(b),
            Reply::Nil => None,
            other => panic!("expected a bulk, got {other:?}"),
        }
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

    fn propagated(&mut self) -> Vec<String> {
        self.e
            .take_propagated()
            .into_iter()
            .map(|c| {
                c.iter()
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .filter(|c| !c.to_ascii_lowercase().starts_with("select"))
            .collect()
    }
}

#[test]
fn bitcount_and_bitpos_validate_arguments_before_the_lookup() {
    // Redis 7.2: a missing key no longer hides argument errors (7.0 answered 0 / -1).
    let mut t = T::new();
    assert_eq!(
        t.err(&["BITCOUNT", "nokey", "a", "1"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(t.err(&["BITCOUNT", "nokey", "0"]), "ERR syntax error");
    assert_eq!(
        t.err(&["BITCOUNT", "nokey", "0", "1", "BITS"]),
        "ERR syntax error"
    );
    assert_eq!(
        t.err(&["BITPOS", "nokey", "1", "x"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        t.err(&["BITPOS", "nokey", "1", "0", "1", "2"]),
        "ERR syntax error"
    );
    assert_eq!(
        t.err(&["BITPOS", "nokey", "1", "0", "1", "BIT", "x"]),
        "ERR syntax error"
    );
    assert_eq!(t.int(&["BITCOUNT", "nokey", "0", "-1", "BIT"]), 0);
    assert_eq!(t.int(&["BITPOS", "nokey", "1", "0", "-1", "BIT"]), -1);
    assert_eq!(t.int(&["BITPOS", "nokey", "0", "0"]), 0);
    // Argument errors also come before WRONGTYPE.
    t.run(&["RPUSH", "l", "a"]);
    assert_eq!(t.err(&["BITCOUNT", "l", "0"]), "ERR syntax error");
    assert_eq!(t.err(&["BITCOUNT", "l", "0", "1"]), WRONGTYPE);
}

#[test]
fn bit_semantics_on_known_values() {
    let mut t = T::new();
    t.run(&["SET", "s", "foobar"]);
    assert_eq!(t.int(&["BITCOUNT", "s"]), 26);
    assert_eq!(t.int(&["BITCOUNT", "s", "1", "1"]), 6);
    assert_eq!(t.int(&["BITCOUNT", "s", "5", "30", "BIT"]), 17);
    assert_eq!(t.int(&["BITPOS", "s", "1", "2"]), 17);
    // Looking for a 0 without an end runs past the string; with an end, it does not.
    t.run(&[b"SET".as_slice(), b"ff", b"\xff\xff"]);
    assert_eq!(t.int(&["BITPOS", "ff", "0"]), 16);
    assert_eq!(t.int(&["BITPOS", "ff", "0", "0"]), 16);
    assert_eq!(t.int(&["BITPOS", "ff", "0", "0", "-1"]), -1);
    assert_eq!(t.int(&["SETBIT", "n", "15", "1"]), 0);
    assert_eq!(t.get("n"), Some(vec![0, 1]));
    assert_eq!(t.int(&["GETBIT", "n", "15"]), 1);
    assert_eq!(t.int(&["BITOP", "NOT", "d", "n"]), 2);
    assert_eq!(t.get("d"), Some(vec![0xff, 0xfe]));
    assert_eq!(
        t.run(&[
            "BITFIELD", "bf", "SET", "u8", "7", "23", "GET", "u5", "7", "INCRBY", "i4", "0", "-9"
        ]),
        Reply::Array(vec![Reply::Int(0), Reply::Int(2), Reply::Int(7)])
    );
}

#[test]
fn offsets_are_bounded_by_proto_max_bulk_len() {
    let mut t = T::new();
    let err = "ERR bit offset is not an integer or out of range";
    assert_eq!(t.err(&["SETBIT", "k", "4294967296", "1"]), err);
    assert_eq!(t.err(&["GETBIT", "k", "4294967296"]), err);
    assert_eq!(t.err(&["BITFIELD", "k", "GET", "u8", "#536870912"]), err);
    assert_eq!(
        t.err(&["BITFIELD", "k", "SET", "i64", "#9223372036854775807", "1"]),
        err
    );
    t.run(&["CONFIG", "SET", "proto-max-bulk-len", "1mb"]);
    assert_eq!(t.err(&["SETBIT", "k", "8388608", "1"]), err);
    assert_eq!(t.int(&["SETBIT", "k", "8388607", "1"]), 0);
    assert_eq!(t.int(&["STRLEN", "k"]), 1 << 20);
    assert_eq!(t.int(&["BITCOUNT", "k"]), 1);
    assert_eq!(t.int(&["BITPOS", "k", "1"]), 8388607);
}

#[test]
fn unchanged_writes_are_not_propagated_or_notified() {
    let mut t = T::new();
    t.e.enable_propagation();
    let sub = t.e.connect();
    let a = ArgvBuf::from_parts(["PSUBSCRIBE", "__keyevent@0__:*"]);
    t.e.execute(sub, &a.args());
    t.run(&["CONFIG", "SET", "notify-keyspace-events", "E$g"]);
    t.e.take_messages();
    t.propagated();

    t.int(&["SETBIT", "k", "3", "1"]);
    t.int(&["SETBIT", "k", "3", "1"]); // no change
    t.int(&["SETBIT", "k", "2", "0"]); // no change
    t.run(&["BITFIELD", "k", "SET", "u4", "0", "1"]); // no change: bits 0..4 are 0001
    t.run(&["BITFIELD", "k", "GET", "u8", "0"]);
    t.run(&[
        "BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u4", "0", "100",
    ]);
    t.run(&["BITFIELD", "k", "INCRBY", "u4", "0", "1"]);
    t.run(&["BITOP", "AND", "d", "nokey"]); // nothing to delete
    t.run(&["BITOP", "OR", "d", "k"]);
    t.run(&["BITOP", "AND", "d", "nokey"]);
    assert_eq!(
        t.propagated(),
        vec![
            "SETBIT k 3 1",
            "BITFIELD k INCRBY u4 0 1",
            "BITOP OR d k",
            "BITOP AND d nokey",
        ]
    );
    let events: Vec<String> =
        t.e.take_messages()
            .into_iter()
            .map(|(_, m)| String::from_utf8_lossy(&m).into_owned())
            .collect();
    let names: Vec<&str> = events
        .iter()
        .map(|m| {
            ["setbit", "set\r\n", "del"]
                .into_iter()
                .find(|n| m.contains(&format!("__keyevent@0__:{n}")))
                .unwrap_or("?")
        })
        .collect();
    assert_eq!(
        names,
        vec!["setbit", "setbit", "set\r\n", "del"],
        "{events:?}"
    );
}

#[test]
fn writes_make_raw_strings_and_keep_memory_accounting_exact() {
    let mut t = T::new();
    let empty = t.mem();
    t.run(&["SET", "i", "42"]);
    assert_eq!(t.encoding("i"), "int");
    t.int(&["SETBIT", "i", "0", "0"]);
    assert_eq!(t.encoding("i"), "raw");
    assert_eq!(t.get("i"), Some(b"42".to_vec()));
    t.int(&["SETBIT", "b", "0", "1"]);
    assert_eq!(t.encoding("b"), "raw");
    let m = t.mem();
    t.int(&["SETBIT", "b", "800000", "1"]);
    assert!(t.mem() >= m + 100_000, "growth is accounted");
    t.run(&["BITFIELD", "c", "SET", "u8", "#5000", "7"]);
    t.run(&["SET", "e", "hello"]);
    t.run(&["BITFIELD", "e", "INCRBY", "u8", "0", "1"]);
    assert_eq!(t.get("e"), Some(b"iello".to_vec()));
    assert_eq!(t.int(&["BITOP", "XOR", "x", "b", "c", "e"]), 100_001);
    assert_eq!(t.encoding("x"), "raw");
    t.run(&["DEL", "i", "b", "c", "e", "x"]);
    assert_eq!(t.mem(), empty, "all memory returned");
}

#[test]
fn wrong_types_and_errors() {
    let mut t = T::new();
    t.run(&["RPUSH", "l", "a"]);
    for cmd in [
        vec!["SETBIT", "l", "0", "1"],
        vec!["GETBIT", "l", "0"],
        vec!["BITCOUNT", "l"],
        vec!["BITPOS", "l", "0"],
        vec!["BITOP", "OR", "d", "l"],
        vec!["BITFIELD", "l", "GET", "u8", "0"],
        vec!["BITFIELD", "l", "SET", "u8", "0", "1"],
        vec!["BITFIELD_RO", "l", "GET", "u8", "0"],
    ] {
        assert_eq!(t.err(&cmd), WRONGTYPE, "{cmd:?}");
    }
    assert_eq!(
        t.err(&["BITOP", "NOT", "d", "a", "b"]),
        "ERR BITOP NOT must be called with a single source key."
    );
    assert_eq!(
        t.err(&["BITFIELD", "k", "GET", "u64", "0"]),
        "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
    );
    assert_eq!(
        t.err(&["BITFIELD", "k", "OVERFLOW", "x"]),
        "ERR Invalid OVERFLOW type specified"
    );
    assert_eq!(
        t.err(&["BITFIELD_RO", "k", "SET", "u8", "0", "1"]),
        "ERR BITFIELD_RO only supports the GET subcommand"
    );
    assert_eq!(
        t.err(&["SETBIT", "k", "0", "2"]),
        "ERR bit is not an integer or out of range"
    );
    assert_eq!(
        t.err(&["BITPOS", "k", "2"]),
        "ERR The bit argument must be 1 or 0."
    );
}
