//! Stream commands through `Engine::execute` with a manual clock: ids (explicit, `*`,
//! `<ms>-*`), ranges, deletion and trimming, consumer groups with two consumers, pending
//! entries after a consumer stops acknowledging, XCLAIM/XAUTOCLAIM, XINFO, propagation
//! rewrites, keyspace events, memory accounting, DUMP/RESTORE, and blocking reads driven
//! through the engine's host API (parking, `$` resolved at block time, timeouts).

use cinnabar::clock::ManualClock;
use cinnabar::cmd::ArgvBuf;
use cinnabar::engine::Exec;
use cinnabar::rng::Rng;
use cinnabar::{ClientHandle, Config, Engine, Reply};

const T0: i64 = 1_700_000_000_000;
const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
const BAD_ID: &str = "ERR Invalid stream ID specified as stream command argument";
const TOO_SMALL: &str =
    "ERR The ID specified in XADD is equal or smaller than the target stream top item";

struct T {
    e: Engine,
    c: ClientHandle,
    clock: ManualClock,
}

fn argv<B: AsRef<[u8]>>(parts: &[B]) -> ArgvBuf {
    ArgvBuf::from_parts(parts.iter().map(|p| p.as_ref()))
}

fn b(s: &str) -> Reply {
    Reply::Bulk(s.as_bytes().to_vec())
}

/// `[id, [f, v, ...]]`.
fn entry(id: &str, fv: &[&str]) -> Reply {
    Reply::Array(vec![b(id), Reply::Array(fv.iter().map(|s| b(s)).collect())])
}

fn entries(items: &[(&str, &[&str])]) -> Reply {
    Reply::Array(items.iter().map(|(id, fv)| entry(id, fv)).collect())
}

/// A map reply as (name, value) pairs, by name.
fn map_get<'a>(r: &'a Reply, name: &str) -> &'a Reply {
    match r {
        Reply::Map(m) => m
            .iter()
            .find(|(k, _)| *k == b(name))
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("no field {name} in {r:?}")),
        other => panic!("not a map: {other:?}"),
    }
}

impl T {
    fn new() -> T {
        let clock = ManualClock::new(T0);
        let mut e = Engine::with_rng(Config::default(), Box::new(clock.clone()), Rng::seeded(7));
        let c = e.connect();
        T { e, c, clock }
    }

    fn run<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> Reply {
        self.e.execute(self.c, &argv(parts).args())
    }

    fn on<B: AsRef<[u8]>>(&mut self, c: ClientHandle, parts: &[B]) -> Reply {
        self.e.execute(c, &argv(parts).args())
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

    fn ids(&mut self, key: &str) -> Vec<String> {
        match self.run(&["XRANGE", key, "-", "+"]) {
            Reply::Array(a) => a
                .into_iter()
                .map(|e| match e {
                    Reply::Array(mut p) => match p.remove(0) {
                        Reply::Bulk(b) => String::from_utf8(b).unwrap(),
                        other => panic!("{other:?}"),
                    },
                    other => panic!("{other:?}"),
                })
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    fn blocking_client(&mut self) -> ClientHandle {
        let c = self.e.connect();
        self.e.session_mut(c).unwrap().can_block = true;
        c
    }

    /// Send as a host would: `Some(encoded reply)`, or `None` when the client blocked.
    fn send<B: AsRef<[u8]>>(&mut self, c: ClientHandle, parts: &[B]) -> Option<String> {
        let mut out = Vec::new();
        match self.e.execute_encoded(c, &argv(parts).args(), &mut out) {
            Exec::Blocked => None,
            _ => Some(String::from_utf8_lossy(&out).into_owned()),
        }
    }

    fn serve(&mut self) -> Vec<(ClientHandle, String)> {
        self.e
            .serve_blocked()
            .into_iter()
            .map(|(c, r)| (c, String::from_utf8_lossy(&r).into_owned()))
            .collect()
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
            .collect()
    }

    fn mem(&self) -> usize {
        self.e.state().dbs[0].ks.mem()
    }
}

#[test]
fn xadd_ids_explicit_auto_and_partial() {
    let mut t = T::new();
    assert_eq!(t.run(&["XADD", "s", "1-1", "a", "1"]), b("1-1"));
    assert_eq!(t.err(&["XADD", "s", "1-1", "a", "1"]), TOO_SMALL);
    assert_eq!(t.err(&["XADD", "s", "1-0", "a", "1"]), TOO_SMALL);
    assert_eq!(t.run(&["XADD", "s", "1-*", "a", "1"]), b("1-2"));
    assert_eq!(t.run(&["XADD", "s", "5", "a", "1"]), b("5-0"));
    assert_eq!(t.run(&["XADD", "s", "7-*", "a", "1"]), b("7-0"));
    // `*` uses the command time; within the same ms the sequence grows.
    let now = T0.to_string();
    assert_eq!(t.run(&["XADD", "s", "*", "a", "1"]), b(&format!("{now}-0")));
    assert_eq!(t.run(&["XADD", "s", "*", "a", "1"]), b(&format!("{now}-1")));
    t.clock.advance(5);
    assert_eq!(
        t.run(&["XADD", "s", "*", "a", "1"]),
        b(&format!("{}-0", T0 + 5))
    );
    // A clock that went backwards never produces a smaller id.
    t.clock.set(T0 - 1000);
    assert_eq!(
        t.run(&["XADD", "s", "*", "a", "1"]),
        b(&format!("{}-1", T0 + 5))
    );
    assert_eq!(
        t.err(&["XADD", "s", "0-0", "a", "1"]),
        "ERR The ID specified in XADD must be greater than 0-0"
    );
    assert_eq!(
        t.err(&["XADD", "fresh", "0-0", "a", "1"]),
        "ERR The ID specified in XADD must be greater than 0-0"
    );
    assert_eq!(t.run(&["XADD", "fresh", "0-*", "a", "1"]), b("0-1"));
    assert_eq!(t.err(&["XADD", "s", "abc", "a", "1"]), BAD_ID);
    assert_eq!(t.err(&["XADD", "s", "-", "a", "1"]), BAD_ID);
    assert_eq!(t.err(&["XADD", "s", "+", "a", "1"]), BAD_ID);
    assert_eq!(
        t.err(&["XADD", "s", "1-1", "a"]),
        "ERR wrong number of arguments for 'xadd' command"
    );
    assert_eq!(
        t.err(&["XADD", "s", "MAXLEN", "5"]),
        "ERR wrong number of arguments for 'xadd' command"
    );
    assert_eq!(
        t.err(&["XADD", "s", "MAXLEN", "a", "b"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        t.err(&["XADD", "s", "NOMKSTREAM", "MAXLEN"]),
        "ERR wrong number of arguments for 'xadd' command"
    );
    assert_eq!(
        t.err(&["XADD", "s", "LIMIT", "x", "a", "b"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        t.run(&["XADD", "nos", "NOMKSTREAM", "*", "a", "1"]),
        Reply::Nil
    );
    assert_eq!(t.int(&["EXISTS", "nos"]), 0);
    t.run(&["SET", "str", "x"]);
    assert_eq!(t.err(&["XADD", "str", "*", "a", "1"]), WRONGTYPE);
    assert_eq!(t.err(&["XLEN", "str"]), WRONGTYPE);
    assert_eq!(t.run(&["TYPE", "s"]), Reply::Simple("stream".into()));
    assert_eq!(t.run(&["OBJECT", "ENCODING", "s"]), b("stream"));
    // The last possible id exhausts the stream.
    t.run(&[
        "XADD",
        "m",
        "18446744073709551615-18446744073709551614",
        "a",
        "1",
    ]);
    assert_eq!(
        t.run(&["XADD", "m", "18446744073709551615-*", "a", "1"]),
        b("18446744073709551615-18446744073709551615")
    );
    assert_eq!(
        t.err(&["XADD", "m", "*", "a", "1"]),
        "ERR The stream has exhausted the last possible ID, unable to add more items"
    );
    assert_eq!(t.int(&["XLEN", "s"]), 8);
    assert_eq!(t.int(&["XLEN", "nokey"]), 0);
}

#[test]
fn xrange_and_xrevrange() {
    let mut t = T::new();
    t.run(&["XADD", "s", "1-1", "a", "1", "b", "2"]);
    t.run(&["XADD", "s", "2-0", "c", "3"]);
    t.run(&["XADD", "s", "2-5", "a", "1", "b", "x"]);
    t.run(&["XADD", "s", "3-0", "12345", "-7"]);
    let all = entries(&[
        ("1-1", &["a", "1", "b", "2"]),
        ("2-0", &["c", "3"]),
        ("2-5", &["a", "1", "b", "x"]),
        ("3-0", &["12345", "-7"]),
    ]);
    assert_eq!(t.run(&["XRANGE", "s", "-", "+"]), all);
    assert_eq!(
        t.run(&["XRANGE", "s", "2", "2"]),
        entries(&[("2-0", &["c", "3"]), ("2-5", &["a", "1", "b", "x"])])
    );
    assert_eq!(
        t.run(&["XRANGE", "s", "(1-1", "(3-0"]),
        entries(&[("2-0", &["c", "3"]), ("2-5", &["a", "1", "b", "x"])])
    );
    assert_eq!(
        t.run(&["XRANGE", "s", "-", "+", "COUNT", "1"]),
        entries(&[("1-1", &["a", "1", "b", "2"])])
    );
    assert_eq!(
        t.run(&["XRANGE", "s", "-", "+", "COUNT", "0"]),
        Reply::NilArray
    );
    assert_eq!(
        t.run(&["XRANGE", "s", "-", "+", "COUNT", "-3"]),
        Reply::NilArray
    );
    assert_eq!(t.run(&["XRANGE", "s", "3", "1"]), Reply::Array(vec![]));
    assert_eq!(
        t.run(&["XREVRANGE", "s", "+", "-", "COUNT", "2"]),
        entries(&[("3-0", &["12345", "-7"]), ("2-5", &["a", "1", "b", "x"])])
    );
    assert_eq!(
        t.run(&["XREVRANGE", "s", "(2-5", "-"]),
        entries(&[("2-0", &["c", "3"]), ("1-1", &["a", "1", "b", "2"])])
    );
    assert_eq!(t.run(&["XRANGE", "nokey", "-", "+"]), Reply::Array(vec![]));
    assert_eq!(t.err(&["XRANGE", "s", "(-", "+"]), BAD_ID);
    assert_eq!(t.err(&["XRANGE", "s", "(", "+"]), BAD_ID);
    assert_eq!(
        t.err(&[
            "XRANGE",
            "s",
            "(18446744073709551615-18446744073709551615",
            "+"
        ]),
        "ERR invalid start ID for the interval"
    );
    assert_eq!(
        t.err(&["XRANGE", "s", "-", "(0-0"]),
        "ERR invalid end ID for the interval"
    );
    assert_eq!(
        t.err(&["XRANGE", "s", "-", "+", "COUNT"]),
        "ERR syntax error"
    );
    assert_eq!(
        t.err(&["XRANGE", "s", "-", "+", "COUNT", "x"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        t.err(&["XRANGE", "s", "-", "+", "LIMIT", "1"]),
        "ERR syntax error"
    );
}

#[test]
fn xdel_xtrim_and_chunk_boundaries() {
    let mut t = T::new();
    for i in 1..=250 {
        t.run(&["XADD", "s", &format!("{i}-0"), "f", &format!("v{i}")]);
    }
    // Chunks of 100 entries, as Redis's listpack nodes.
    let info = t.run(&["XINFO", "STREAM", "s"]);
    assert_eq!(map_get(&info, "radix-tree-keys"), &Reply::Int(3));
    assert_eq!(t.int(&["XDEL", "s", "5-0", "6-0", "999-0"]), 2);
    assert_eq!(t.int(&["XDEL", "s", "5-0"]), 0);
    assert_eq!(t.err(&["XDEL", "s", "bad"]), BAD_ID);
    assert_eq!(t.int(&["XDEL", "nokey", "bad"]), 0);
    // Approximate trimming removes whole chunks only.
    assert_eq!(t.int(&["XTRIM", "s", "MAXLEN", "~", "200"]), 0);
    assert_eq!(t.int(&["XTRIM", "s", "MAXLEN", "~", "140"]), 98);
    assert_eq!(t.int(&["XLEN", "s"]), 150);
    assert_eq!(t.int(&["XTRIM", "s", "MAXLEN", "~", "120"]), 0);
    assert_eq!(t.int(&["XTRIM", "s", "MAXLEN", "120"]), 30);
    assert_eq!(t.ids("s")[0], "131-0");
    assert_eq!(t.int(&["XTRIM", "s", "MINID", "=", "140"]), 9);
    assert_eq!(t.int(&["XTRIM", "s", "MINID", "~", "220"]), 61);
    assert_eq!(t.int(&["XLEN", "s"]), 50);
    assert_eq!(t.int(&["XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "10"]), 0);
    assert_eq!(t.int(&["XTRIM", "nokey", "MAXLEN", "0"]), 0);
    let syntax = [
        (&["XTRIM", "s", "FOO", "1"][..], "ERR syntax error"),
        (
            &["XTRIM", "s", "LIMIT", "5"],
            "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
        ),
        (
            &["XTRIM", "s", "LIMIT", "0"],
            "ERR syntax error, XTRIM must be called with a trimming strategy",
        ),
        (
            &["XTRIM", "s", "MAXLEN", "1", "LIMIT", "5"],
            "ERR syntax error, LIMIT cannot be used without the special ~ option",
        ),
        (
            &["XTRIM", "s", "MAXLEN", "-1"],
            "ERR The MAXLEN argument must be >= 0.",
        ),
        (
            &["XTRIM", "s", "MAXLEN", "~", "1", "LIMIT", "-1"],
            "ERR The LIMIT argument must be >= 0.",
        ),
        (
            &["XTRIM", "s", "MAXLEN", "1", "MINID", "1"],
            "ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
        ),
        (&["XTRIM", "s", "MINID", "x"], BAD_ID),
        (
            &["XTRIM", "s", "MAXLEN", "x"],
            "ERR value is not an integer or out of range",
        ),
    ];
    for (cmd, want) in syntax {
        assert_eq!(t.err(cmd), want, "{cmd:?}");
    }
    // XADD trims too.
    assert_eq!(
        t.run(&["XADD", "s", "MAXLEN", "3", "999-0", "f", "v"]),
        b("999-0")
    );
    assert_eq!(
        t.ids("s"),
        ["248-0", "249-0", "250-0", "999-0"][1..].to_vec()
    );
    assert_eq!(
        t.run(&["XADD", "s", "MINID", "999", "1000-0", "f", "v"]),
        b("1000-0")
    );
    assert_eq!(t.ids("s"), ["999-0", "1000-0"]);
}

#[test]
fn xsetid_and_xinfo_stream() {
    let mut t = T::new();
    assert_eq!(t.err(&["XSETID", "nokey", "1-1"]), "ERR no such key");
    t.run(&["XADD", "s", "1-0", "a", "1"]);
    t.run(&["XADD", "s", "2-0", "b", "2"]);
    t.run(&["XADD", "s", "3-0", "c", "3"]);
    assert_eq!(t.int(&["XDEL", "s", "3-0"]), 1);
    let info = t.run(&["XINFO", "STREAM", "s"]);
    assert_eq!(map_get(&info, "length"), &Reply::Int(2));
    assert_eq!(map_get(&info, "last-generated-id"), &b("3-0"));
    assert_eq!(map_get(&info, "max-deleted-entry-id"), &b("3-0"));
    assert_eq!(map_get(&info, "entries-added"), &Reply::Int(3));
    assert_eq!(map_get(&info, "recorded-first-entry-id"), &b("1-0"));
    assert_eq!(map_get(&info, "first-entry"), &entry("1-0", &["a", "1"]));
    assert_eq!(map_get(&info, "last-entry"), &entry("2-0", &["b", "2"]));
    assert_eq!(map_get(&info, "groups"), &Reply::Int(0));
    assert_eq!(
        t.err(&["XSETID", "s", "1-0"]),
        "ERR The ID specified in XSETID is smaller than current max_deleted_entry_id"
    );
    assert_eq!(
        t.err(&["XSETID", "s", "5-0", "ENTRIESADDED", "1"]),
        "ERR The entries_added specified in XSETID is smaller than the target stream length"
    );
    assert_eq!(
        t.err(&["XSETID", "s", "5-0", "ENTRIESADDED", "-1"]),
        "ERR entries_added must be positive"
    );
    assert_eq!(
        t.err(&["XSETID", "s", "5-0", "MAXDELETEDID", "6-0"]),
        "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"
    );
    assert_eq!(t.err(&["XSETID", "s", "5-0", "FOO"]), "ERR syntax error");
    assert_eq!(t.err(&["XSETID", "s", "+"]), BAD_ID);
    assert_eq!(
        t.run(&[
            "XSETID",
            "s",
            "9-0",
            "ENTRIESADDED",
            "10",
            "MAXDELETEDID",
            "4-0"
        ]),
        Reply::Ok
    );
    let info = t.run(&["XINFO", "STREAM", "s"]);
    assert_eq!(map_get(&info, "last-generated-id"), &b("9-0"));
    assert_eq!(map_get(&info, "entries-added"), &Reply::Int(10));
    assert_eq!(map_get(&info, "max-deleted-entry-id"), &b("4-0"));
    assert_eq!(t.err(&["XADD", "s", "8-0", "a", "1"]), TOO_SMALL);
    assert_eq!(t.err(&["XINFO", "STREAM", "nokey"]), "ERR no such key");
    assert_eq!(
        t.err(&["XINFO", "STREAM", "s", "FULL", "COUNT"]),
        "ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP."
    );
    let full = t.run(&["XINFO", "STREAM", "s", "FULL", "COUNT", "1"]);
    assert_eq!(map_get(&full, "entries"), &entries(&[("1-0", &["a", "1"])]));
    assert_eq!(map_get(&full, "groups"), &Reply::Array(vec![]));
}

/// Two consumers share a group; one stops acknowledging ("dies"); its pending entries
/// age on the manual clock and are claimed by the other with XCLAIM and XAUTOCLAIM.
#[test]
fn consumer_group_flow_with_a_dead_consumer() {
    let mut t = T::new();
    for i in 1..=6 {
        t.run(&["XADD", "s", &format!("{i}-0"), "n", &i.to_string()]);
    }
    assert_eq!(t.run(&["XGROUP", "CREATE", "s", "g", "0"]), Reply::Ok);
    assert_eq!(
        t.err(&["XGROUP", "CREATE", "s", "g", "0"]),
        "BUSYGROUP Consumer Group name already exists"
    );
    let r = t.run(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "alice",
        "COUNT",
        "2",
        "STREAMS",
        "s",
        ">",
    ]);
    assert_eq!(
        r,
        Reply::Array(vec![Reply::Array(vec![
            b("s"),
            entries(&[("1-0", &["n", "1"]), ("2-0", &["n", "2"])])
        ])])
    );
    t.clock.advance(1000);
    t.run(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "bob",
        "COUNT",
        "2",
        "STREAMS",
        "s",
        ">",
    ]);
    t.run(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "alice",
        "COUNT",
        "2",
        "STREAMS",
        "s",
        ">",
    ]);
    assert_eq!(
        t.run(&["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"]),
        Reply::NilArray
    );
    // Alice acknowledges one of hers, then dies.
    assert_eq!(t.int(&["XACK", "s", "g", "1-0", "1-0", "9-0"]), 1);
    t.clock.advance(5000);
    t.run(&["XACK", "s", "g", "3-0", "4-0"]);
    assert_eq!(
        t.run(&["XPENDING", "s", "g"]),
        Reply::Array(vec![
            Reply::Int(3),
            b("2-0"),
            b("6-0"),
            Reply::Array(vec![Reply::Array(vec![b("alice"), b("3")])]),
        ])
    );
    let pend = |id: &str, who: &str, idle: i64, n: i64| {
        Reply::Array(vec![b(id), b(who), Reply::Int(idle), Reply::Int(n)])
    };
    assert_eq!(
        t.run(&["XPENDING", "s", "g", "-", "+", "10"]),
        Reply::Array(vec![
            pend("2-0", "alice", 6000, 1),
            pend("5-0", "alice", 5000, 1),
            pend("6-0", "alice", 5000, 1)
        ])
    );
    assert_eq!(
        t.run(&[
            "XPENDING", "s", "g", "IDLE", "5500", "-", "+", "10", "alice"
        ]),
        Reply::Array(vec![pend("2-0", "alice", 6000, 1)])
    );
    assert_eq!(
        t.run(&["XPENDING", "s", "g", "(2-0", "+", "1"]),
        Reply::Array(vec![pend("5-0", "alice", 5000, 1)])
    );
    assert_eq!(
        t.run(&["XPENDING", "s", "g", "-", "+", "10", "nobody"]),
        Reply::Array(vec![])
    );
    // Alice's history still holds her entries; re-reading counts as a delivery.
    assert_eq!(
        t.run(&["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"]),
        Reply::Array(vec![Reply::Array(vec![
            b("s"),
            entries(&[
                ("2-0", &["n", "2"]),
                ("5-0", &["n", "5"]),
                ("6-0", &["n", "6"])
            ])
        ])])
    );
    t.clock.advance(10_000);
    // Bob claims entries idle at least 10 s: all three; 2-0 had two deliveries.
    assert_eq!(
        t.run(&["XCLAIM", "s", "g", "bob", "10000", "2-0", "5-0", "99-0"]),
        entries(&[("2-0", &["n", "2"]), ("5-0", &["n", "5"])])
    );
    assert_eq!(
        t.run(&["XPENDING", "s", "g", "-", "+", "1"]),
        Reply::Array(vec![pend("2-0", "bob", 0, 3)])
    );
    assert_eq!(
        t.run(&[
            "XCLAIM",
            "s",
            "g",
            "bob",
            "10000",
            "6-0",
            "JUSTID",
            "RETRYCOUNT",
            "9"
        ]),
        Reply::Array(vec![b("6-0")])
    );
    assert_eq!(
        t.run(&["XCLAIM", "s", "g", "carol", "1", "6-0", "JUSTID"]),
        Reply::Array(vec![])
    );
    assert_eq!(
        t.run(&["XPENDING", "s", "g", "6", "6", "1"]),
        Reply::Array(vec![pend("6-0", "bob", 0, 9)])
    );
    // A deleted entry leaves the PEL when claimed.
    t.run(&["XDEL", "s", "5-0"]);
    t.clock.advance(100);
    assert_eq!(
        t.run(&["XAUTOCLAIM", "s", "g", "carol", "50", "0", "COUNT", "1"]),
        Reply::Array(vec![
            b("5-0"),
            entries(&[("2-0", &["n", "2"])]),
            Reply::Array(vec![])
        ])
    );
    assert_eq!(
        t.run(&["XAUTOCLAIM", "s", "g", "carol", "50", "5-0", "JUSTID"]),
        Reply::Array(vec![
            b("0-0"),
            Reply::Array(vec![b("6-0")]),
            Reply::Array(vec![b("5-0")])
        ])
    );
    assert_eq!(
        t.run(&["XPENDING", "s", "g", "-", "+", "5"]),
        Reply::Array(vec![pend("2-0", "carol", 0, 4), pend("6-0", "carol", 0, 9)])
    );
    // FORCE creates a PEL entry for an entry never delivered.
    assert_eq!(
        t.run(&["XCLAIM", "s", "g", "dave", "0", "3-0", "FORCE", "JUSTID"]),
        Reply::Array(vec![b("3-0")])
    );
    assert_eq!(t.int(&["XGROUP", "DELCONSUMER", "s", "g", "carol"]), 2);
    assert_eq!(t.int(&["XGROUP", "DELCONSUMER", "s", "g", "carol"]), 0);
    assert_eq!(
        t.run(&["XPENDING", "s", "g"]),
        Reply::Array(vec![
            Reply::Int(1),
            b("3-0"),
            b("3-0"),
            Reply::Array(vec![Reply::Array(vec![b("dave"), b("1")])])
        ])
    );
    let consumers = t.run(&["XINFO", "CONSUMERS", "s", "g"]);
    let Reply::Array(cs) = &consumers else {
        panic!("{consumers:?}")
    };
    let names: Vec<&Reply> = cs.iter().map(|c| map_get(c, "name")).collect();
    assert_eq!(names, [&b("alice"), &b("bob"), &b("dave")]);
    assert_eq!(map_get(&cs[0], "idle"), &Reply::Int(10_100));
    assert_eq!(map_get(&cs[2], "pending"), &Reply::Int(1));
    assert_eq!(map_get(&cs[2], "inactive"), &Reply::Int(0));
    assert_eq!(t.int(&["XGROUP", "CREATECONSUMER", "s", "g", "erin"]), 1);
    assert_eq!(t.int(&["XGROUP", "CREATECONSUMER", "s", "g", "erin"]), 0);
    let cs = t.run(&["XINFO", "CONSUMERS", "s", "g"]);
    let Reply::Array(cs) = &cs else { panic!() };
    assert_eq!(map_get(&cs[3], "inactive"), &Reply::Int(-1));
    assert_eq!(t.int(&["XGROUP", "DESTROY", "s", "g"]), 1);
    assert_eq!(t.int(&["XGROUP", "DESTROY", "s", "g"]), 0);
}

#[test]
fn group_errors_and_lag() {
    let mut t = T::new();
    let needs_key = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.";
    assert_eq!(t.err(&["XGROUP", "CREATE", "s", "g", "$"]), needs_key);
    assert_eq!(
        t.run(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]),
        Reply::Ok
    );
    assert_eq!(t.int(&["XLEN", "s"]), 0);
    assert_eq!(
        t.err(&["XGROUP", "SETID", "s", "nog", "0"]),
        "NOGROUP No such consumer group 'nog' for key name 's'"
    );
    assert_eq!(t.err(&["XGROUP", "CREATE", "s", "g2", "bad"]), BAD_ID);
    assert_eq!(
        t.err(&["XGROUP", "CREATE", "s", "g2", "0", "ENTRIESREAD", "-5"]),
        "ERR value for ENTRIESREAD must be positive or -1"
    );
    assert_eq!(
        t.err(&["XGROUP", "CREATE", "s", "g2", "0", "FOO"]),
        "ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP."
    );
    assert_eq!(
        t.err(&["XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD"]),
        "ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP."
    );
    assert_eq!(
        t.err(&["XREADGROUP", "GROUP", "nog", "c", "STREAMS", "s", ">"]),
        "NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option"
    );
    assert_eq!(
        t.err(&["XPENDING", "s", "nog"]),
        "NOGROUP No such key 's' or consumer group 'nog'"
    );
    assert_eq!(
        t.err(&["XCLAIM", "nokey", "g", "c", "0", "1-0"]),
        "NOGROUP No such key 'nokey' or consumer group 'g'"
    );
    assert_eq!(
        t.err(&["XINFO", "CONSUMERS", "s", "nog"]),
        "NOGROUP No such consumer group 'nog' for key name 's'"
    );
    assert_eq!(
        t.err(&["XCLAIM", "s", "g", "c", "x", "1-0"]),
        "ERR Invalid min-idle-time argument for XCLAIM"
    );
    assert_eq!(
        t.err(&["XCLAIM", "s", "g", "c", "0", "1-0", "FOO"]),
        "ERR Unrecognized XCLAIM option 'FOO'"
    );
    assert_eq!(
        t.err(&["XCLAIM", "s", "g", "c", "0", "1-0", "IDLE", "x"]),
        "ERR Invalid IDLE option argument for XCLAIM"
    );
    assert_eq!(
        t.err(&["XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "0"]),
        "ERR COUNT must be > 0"
    );
    assert_eq!(
        t.err(&["XAUTOCLAIM", "s", "g", "c", "x", "0"]),
        "ERR Invalid min-idle-time argument for XAUTOCLAIM"
    );
    assert_eq!(t.err(&["XPENDING", "s", "g", "-", "+"]), "ERR syntax error");
    assert_eq!(
        t.err(&["XPENDING", "s", "g", "IDLE", "1", "-", "+"]),
        "ERR syntax error"
    );
    assert_eq!(t.int(&["XACK", "nokey", "g", "bad"]), 0);
    assert_eq!(t.err(&["XACK", "s", "g", "bad"]), BAD_ID);
    // Lag and entries-read as Redis 7 computes them.
    for i in 1..=4 {
        t.run(&["XADD", "s", &format!("{i}-0"), "f", "v"]);
    }
    let lag = |t: &mut T| {
        let g = t.run(&["XINFO", "GROUPS", "s"]);
        let Reply::Array(g) = g else { panic!() };
        (
            map_get(&g[0], "entries-read").clone(),
            map_get(&g[0], "lag").clone(),
        )
    };
    assert_eq!(lag(&mut t), (Reply::Nil, Reply::Int(4)));
    t.run(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "c",
        "COUNT",
        "1",
        "STREAMS",
        "s",
        ">",
    ]);
    assert_eq!(lag(&mut t), (Reply::Int(1), Reply::Int(3)));
    t.run(&["XDEL", "s", "3-0"]);
    assert_eq!(lag(&mut t), (Reply::Int(1), Reply::Nil));
    t.run(&["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"]);
    assert_eq!(lag(&mut t), (Reply::Int(4), Reply::Int(0)));
    t.run(&["XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD", "0"]);
    assert_eq!(lag(&mut t), (Reply::Int(0), Reply::Nil));
}

#[test]
fn xread_shapes_and_errors() {
    let mut t = T::new();
    t.run(&["XADD", "a", "1-0", "f", "1"]);
    t.run(&["XADD", "b", "2-0", "f", "2"]);
    assert_eq!(
        t.run(&["XREAD", "STREAMS", "a", "b", "0", "0"]),
        Reply::Array(vec![
            Reply::Array(vec![b("a"), entries(&[("1-0", &["f", "1"])])]),
            Reply::Array(vec![b("b"), entries(&[("2-0", &["f", "2"])])]),
        ])
    );
    assert_eq!(t.run(&["XREAD", "STREAMS", "a", "$"]), Reply::NilArray);
    // Redis 7.4's `+`: the last entry.
    t.run(&["XADD", "a", "3-0", "f", "3"]);
    assert_eq!(
        t.run(&["XREAD", "STREAMS", "a", "+"]),
        Reply::Array(vec![Reply::Array(vec![
            b("a"),
            entries(&[("3-0", &["f", "3"])])
        ])])
    );
    assert_eq!(
        t.run(&["XREAD", "BLOCK", "100", "STREAMS", "a", "$"]),
        Reply::NilArray
    );
    assert_eq!(
        t.err(&["XREAD", "STREAMS", "a", "b", "0"]),
        "ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified."
    );
    assert_eq!(
        t.err(&["XREAD", "STREAMS", "a", ">"]),
        "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option."
    );
    assert_eq!(
        t.err(&["XREAD", "GROUP", "g", "c", "STREAMS", "a", "0"]),
        "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."
    );
    assert_eq!(
        t.err(&["XREAD", "BLOCK", "x", "STREAMS", "a", "0"]),
        "ERR timeout is not an integer or out of range"
    );
    assert_eq!(
        t.err(&["XREAD", "BLOCK", "-1", "STREAMS", "a", "0"]),
        "ERR timeout is negative"
    );
    assert_eq!(t.err(&["XREAD", "COUNT", "1", "a"]), "ERR syntax error");
    assert_eq!(
        t.err(&["XREADGROUP", "COUNT", "1", "NOACK", "STREAMS", "a", ">"]),
        "ERR Missing GROUP option for XREADGROUP"
    );
    t.run(&["SET", "str", "x"]);
    assert_eq!(
        t.err(&["XREAD", "STREAMS", "a", "str", "0", "0"]),
        WRONGTYPE
    );
    // RESP3: a map of key → entries.
    t.run(&["HELLO", "3"]);
    assert_eq!(
        t.run(&["XREAD", "COUNT", "1", "STREAMS", "a", "0"]),
        Reply::Map(vec![(b("a"), entries(&[("1-0", &["f", "1"])]))])
    );
}

#[test]
fn propagation_is_deterministic() {
    let mut t = T::new();
    t.e.enable_propagation();
    t.run(&["XADD", "s", "1-1", "a", "1"]);
    t.run(&["XADD", "s", "1-*", "a", "1"]);
    t.run(&["XADD", "s", "*", "a", "1"]);
    t.run(&["XADD", "s", "NOMKSTREAM", "9-*", "a", "1"]);
    assert_eq!(
        t.propagated(),
        [
            "XADD s 1-1 a 1".to_string(),
            "XADD s 1-2 a 1".into(),
            format!("XADD s {T0}-0 a 1")
        ]
    );
    for i in 1..=250 {
        t.run(&["XADD", "q", &format!("{i}-0"), "a", "1"]);
    }
    t.propagated();
    // Approximate trims are propagated as the exact trim they did, without LIMIT.
    t.run(&["XTRIM", "q", "MAXLEN", "~", "100"]);
    t.run(&[
        "XADD", "q", "MAXLEN", "~", "10", "LIMIT", "1000", "251-0", "a", "1",
    ]);
    t.run(&["XTRIM", "q", "MINID", "~", "230", "LIMIT", "5"]);
    t.run(&["XADD", "q", "MINID", "~", "230", "*", "a", "1"]);
    assert_eq!(
        t.propagated(),
        [
            "XTRIM q MAXLEN = 150".to_string(),
            "XADD q MAXLEN = 51 251-0 a 1".into(),
            format!("XADD q MINID = 201-0 {T0}-0 a 1"),
        ]
    );
    t.run(&["XGROUP", "CREATE", "q", "g", "0"]);
    t.clock.advance(3);
    let t1 = T0 + 3;
    t.run(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "alice",
        "COUNT",
        "2",
        "STREAMS",
        "q",
        ">",
    ]);
    t.run(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "bob",
        "NOACK",
        "COUNT",
        "1",
        "STREAMS",
        "q",
        ">",
    ]);
    t.run(&["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "q", "0"]);
    t.run(&["XCLAIM", "q", "g", "bob", "0", "201", "LASTID", "240-0"]);
    t.run(&["XCLAIM", "q", "g", "bob", "0", "1-1", "LASTID", "245-0"]);
    t.run(&["XAUTOCLAIM", "q", "g", "carol", "0", "0", "COUNT", "1"]);
    t.run(&["XREAD", "STREAMS", "q", "0"]);
    t.run(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "alice",
        "STREAMS",
        "q",
        "999999999999999",
    ]);
    assert_eq!(
        t.propagated(),
        [
            "XGROUP CREATE q g 0".to_string(),
            format!("XCLAIM q g alice 0 201-0 TIME {t1} RETRYCOUNT 1 FORCE JUSTID LASTID 201-0"),
            format!("XCLAIM q g alice 0 202-0 TIME {t1} RETRYCOUNT 1 FORCE JUSTID LASTID 202-0"),
            "XGROUP CREATECONSUMER q g bob".into(),
            "XGROUP SETID q g 203-0 ENTRIESREAD 203".into(),
            format!("XCLAIM q g bob 0 201 TIME {t1} RETRYCOUNT 3 FORCE JUSTID LASTID 240-0"),
            "XGROUP SETID q g 245-0 ENTRIESREAD 203".into(),
            format!("XCLAIM q g carol 0 201-0 TIME {t1} RETRYCOUNT 4 FORCE JUSTID LASTID 245-0"),
        ]
    );
}

#[test]
fn keyspace_events() {
    let mut t = T::new();
    t.run(&["CONFIG", "SET", "notify-keyspace-events", "Et"]);
    let sub = t.e.connect();
    t.on(sub, &["PSUBSCRIBE", "__keyevent@0__:*"]);
    t.e.take_messages();
    t.run(&["XADD", "s", "MAXLEN", "1", "1-0", "a", "1"]);
    t.run(&["XADD", "s", "MAXLEN", "1", "2-0", "a", "1"]);
    t.run(&["XDEL", "s", "2-0"]);
    t.run(&["XADD", "s", "3-0", "a", "1"]);
    t.run(&["XTRIM", "s", "MAXLEN", "0"]);
    t.run(&["XGROUP", "CREATE", "s", "g", "$"]);
    t.run(&["XGROUP", "CREATECONSUMER", "s", "g", "c"]);
    t.run(&["XREADGROUP", "GROUP", "g", "d", "STREAMS", "s", ">"]);
    t.run(&["XGROUP", "SETID", "s", "g", "0"]);
    t.run(&["XGROUP", "DELCONSUMER", "s", "g", "c"]);
    t.run(&["XGROUP", "DESTROY", "s", "g"]);
    t.run(&["XSETID", "s", "9-0"]);
    let events: Vec<String> =
        t.e.take_messages()
            .into_iter()
            .map(|(_, m)| {
                let s = String::from_utf8_lossy(&m).into_owned();
                s.rsplit("__keyevent@0__:")
                    .next()
                    .unwrap()
                    .split("\r\n")
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
    assert_eq!(
        events,
        [
            "xadd",
            "xadd",
            "xtrim",
            "xdel",
            "xadd",
            "xtrim",
            "xgroup-create",
            "xgroup-createconsumer",
            "xgroup-createconsumer",
            "xgroup-setid",
            "xgroup-delconsumer",
            "xgroup-destroy",
            "xsetid",
        ]
    );
}

#[test]
fn blocking_xread_resolves_dollar_at_block_time() {
    let mut t = T::new();
    t.run(&["XADD", "s", "1-0", "a", "1"]);
    let w = t.blocking_client();
    assert_eq!(
        t.send(w, &["XREAD", "BLOCK", "0", "STREAMS", "s", "$"]),
        None
    );
    assert!(t.serve().is_empty());
    // Two entries arrive before the waiter is served: it gets both (its `$` was 1-0).
    t.run(&["XADD", "s", "2-0", "b", "2"]);
    t.run(&["XADD", "s", "3-0", "c", "3"]);
    let served = t.serve();
    assert_eq!(served.len(), 1);
    assert_eq!(
        served[0].1,
        "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n"
    );
    // A timeout answers a null array.
    assert_eq!(
        t.send(
            w,
            &["XREAD", "BLOCK", "100", "STREAMS", "s", "nokey", "$", "$"]
        ),
        None
    );
    t.clock.advance(100);
    assert!(t.e.expire_blocked().is_empty());
    t.clock.advance(1);
    let due = t.e.expire_blocked();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].1, b"*-1\r\n");
    // A key that was missing when blocking: `$` resolved to 0-0.
    assert_eq!(
        t.send(
            w,
            &["XREAD", "BLOCK", "0", "STREAMS", "s", "nokey", "$", "$"]
        ),
        None
    );
    t.run(&["XADD", "nokey", "1-1", "x", "y"]);
    let served = t.serve();
    assert_eq!(
        served[0].1,
        "*1\r\n*2\r\n$5\r\nnokey\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nx\r\n$1\r\ny\r\n"
    );
    // A client that may not block gets the timeout reply at once.
    assert_eq!(
        t.run(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"]),
        Reply::NilArray
    );
}

#[test]
fn blocking_xreadgroup_first_come_first_served() {
    let mut t = T::new();
    t.run(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]);
    let w1 = t.blocking_client();
    let w2 = t.blocking_client();
    assert_eq!(
        t.send(
            w1,
            &[
                "XREADGROUP",
                "GROUP",
                "g",
                "c1",
                "BLOCK",
                "0",
                "COUNT",
                "1",
                "STREAMS",
                "s",
                ">"
            ]
        ),
        None
    );
    assert_eq!(
        t.send(
            w2,
            &[
                "XREADGROUP",
                "GROUP",
                "g",
                "c2",
                "BLOCK",
                "0",
                "COUNT",
                "1",
                "STREAMS",
                "s",
                ">"
            ]
        ),
        None
    );
    t.run(&["XADD", "s", "1-0", "a", "1"]);
    let served = t.serve();
    assert_eq!(served.len(), 1);
    assert_eq!(served[0].0, w1);
    assert!(t.e.is_blocked(w2));
    t.run(&["XADD", "s", "2-0", "a", "2"]);
    let served = t.serve();
    assert_eq!(served.len(), 1);
    assert_eq!(served[0].0, w2);
    assert_eq!(
        t.run(&["XPENDING", "s", "g"]),
        Reply::Array(vec![
            Reply::Int(2),
            b("1-0"),
            b("2-0"),
            Reply::Array(vec![
                Reply::Array(vec![b("c1"), b("1")]),
                Reply::Array(vec![b("c2"), b("1")])
            ]),
        ])
    );
    // Destroying the group wakes its waiters with NOGROUP.
    assert_eq!(
        t.send(
            w1,
            &[
                "XREADGROUP",
                "GROUP",
                "g",
                "c1",
                "BLOCK",
                "0",
                "STREAMS",
                "s",
                ">"
            ]
        ),
        None
    );
    t.run(&["XGROUP", "DESTROY", "s", "g"]);
    let served = t.serve();
    assert_eq!(
        served[0].1,
        "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n"
    );
    // Inside MULTI nothing blocks.
    t.run(&["XGROUP", "CREATE", "s", "g", "$"]);
    t.send(w1, &["MULTI"]);
    t.send(
        w1,
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "c1",
            "BLOCK",
            "0",
            "STREAMS",
            "s",
            ">",
        ],
    );
    assert_eq!(t.send(w1, &["EXEC"]), Some("*1\r\n*-1\r\n".into()));
}

#[test]
fn memory_estimate_returns_to_baseline() {
    let mut t = T::new();
    let base = t.mem();
    let long = "q".repeat(300);
    for i in 1..=600 {
        let v = if i % 11 == 0 {
            long.clone()
        } else {
            format!("v{i}")
        };
        t.run(&[
            "XADD",
            "s",
            &format!("{i}-0"),
            "field",
            &v,
            "n",
            &i.to_string(),
        ]);
    }
    assert!(t.mem() > base + 600 * 10);
    t.run(&["XGROUP", "CREATE", "s", "g", "0"]);
    t.run(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "c",
        "COUNT",
        "300",
        "STREAMS",
        "s",
        ">",
    ]);
    t.run(&["XDEL", "s", "5-0", "6-0"]);
    t.run(&["XTRIM", "s", "MAXLEN", "400"]);
    t.run(&["XACK", "s", "g", "250-0"]);
    t.run(&["XAUTOCLAIM", "s", "g", "d", "0", "0"]);
    t.run(&["XGROUP", "DELCONSUMER", "s", "g", "c"]);
    t.run(&["DEL", "s"]);
    assert_eq!(t.mem(), base);
}

#[test]
fn dump_restore_round_trip() {
    let mut t = T::new();
    for i in 1..=150 {
        t.run(&[
            "XADD",
            "s",
            &format!("{i}-{i}"),
            "a",
            &i.to_string(),
            "b",
            "x",
        ]);
    }
    t.run(&["XADD", "s", "200-0", "other", "fields", "here", "-12"]);
    t.run(&["XDEL", "s", "7-7"]);
    t.run(&["XGROUP", "CREATE", "s", "g", "0"]);
    t.run(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "alice",
        "COUNT",
        "3",
        "STREAMS",
        "s",
        ">",
    ]);
    let dump = match t.run(&["DUMP", "s"]) {
        Reply::Bulk(b) => b,
        other => panic!("{other:?}"),
    };
    let before_range = t.run(&["XRANGE", "s", "-", "+"]);
    let before_info = t.run(&["XINFO", "STREAM", "s", "FULL"]);
    assert_eq!(
        t.run(&[b"RESTORE".to_vec(), b"s2".to_vec(), b"0".to_vec(), dump]),
        Reply::Ok
    );
    assert_eq!(t.run(&["XRANGE", "s2", "-", "+"]), before_range);
    let after_info = t.run(&["XINFO", "STREAM", "s2", "FULL"]);
    for f in [
        "length",
        "radix-tree-keys",
        "last-generated-id",
        "max-deleted-entry-id",
        "entries-added",
        "entries",
    ] {
        assert_eq!(map_get(&after_info, f), map_get(&before_info, f), "{f}");
    }
    assert_eq!(
        t.run(&["XPENDING", "s2", "g"]),
        t.run(&["XPENDING", "s", "g"])
    );
}

#[test]
fn random_arguments_never_break_the_engine() {
    let mut t = T::new();
    let mut r = Rng::seeded(42);
    let names = [
        "XADD",
        "XLEN",
        "XRANGE",
        "XREVRANGE",
        "XDEL",
        "XTRIM",
        "XSETID",
        "XREAD",
        "XREADGROUP",
        "XACK",
        "XPENDING",
        "XCLAIM",
        "XAUTOCLAIM",
        "XGROUP",
        "XINFO",
    ];
    let words = [
        "s",
        "s",
        "g",
        "c",
        "*",
        "0",
        "1",
        "1-1",
        "2-*",
        "$",
        ">",
        "+",
        "-",
        "(1",
        "(",
        "MAXLEN",
        "MINID",
        "~",
        "=",
        "LIMIT",
        "NOMKSTREAM",
        "COUNT",
        "BLOCK",
        "STREAMS",
        "GROUP",
        "NOACK",
        "IDLE",
        "TIME",
        "RETRYCOUNT",
        "FORCE",
        "JUSTID",
        "LASTID",
        "CREATE",
        "SETID",
        "DESTROY",
        "CREATECONSUMER",
        "DELCONSUMER",
        "MKSTREAM",
        "ENTRIESREAD",
        "STREAM",
        "GROUPS",
        "CONSUMERS",
        "FULL",
        "-1",
        "18446744073709551615-18446744073709551615",
        "9223372036854775807",
        "-9223372036854775808",
        "x",
        "",
    ];
    for _ in 0..20_000 {
        let name = names[r.below(names.len() as u64) as usize];
        let n = r.below(9) as usize;
        let mut cmd = vec![name.to_string()];
        for _ in 0..n {
            cmd.push(words[r.below(words.len() as u64) as usize].to_string());
        }
        t.run(&cmd);
        if r.below(500) == 0 {
            t.clock.advance(r.below(10_000) as i64);
        }
    }
    // Still consistent: XLEN matches XRANGE.
    if let Reply::Array(a) = t.run(&["XRANGE", "s", "-", "+"]) {
        assert_eq!(t.int(&["XLEN", "s"]), a.len() as i64);
    }
}
