//! List commands through `Engine::execute` with a manual clock: every command's replies
//! and errors, RESP2/RESP3 null shapes, the listpack/quicklist encodings and their
//! conversions, propagation rewrites, memory accounting, and blocking (parking, FIFO
//! wake-ups, timeouts, MULTI, chained BLMOVE) driven through the engine's host API.

use cinnabar::clock::{Clock, ManualClock};
use cinnabar::cmd::ArgvBuf;
use cinnabar::engine::Exec;
use cinnabar::rng::Rng;
use cinnabar::{ClientHandle, Config, Engine, Reply};

const T0: i64 = 1_700_000_000_000;
const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

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

fn arr(items: &[&str]) -> Reply {
    Reply::Array(items.iter().map(|s| b(s)).collect())
}

fn ints(items: &[i64]) -> Reply {
    Reply::Array(items.iter().map(|&i| Reply::Int(i)).collect())
}

impl T {
    fn new() -> T {
        let clock = ManualClock::new(T0);
        let mut e = Engine::with_rng(Config::default(), Box::new(clock.clone()), Rng::seeded(3));
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

    fn range(&mut self, key: &str) -> Vec<String> {
        match self.run(&["LRANGE", key, "0", "-1"]) {
            Reply::Array(a) => a
                .into_iter()
                .map(|r| match r {
                    Reply::Bulk(b) => String::from_utf8(b).unwrap(),
                    other => panic!("{other:?}"),
                })
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    fn encoding(&mut self, key: &str) -> String {
        match self.run(&["OBJECT", "ENCODING", key]) {
            Reply::Bulk(b) => String::from_utf8(b).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    /// A client that may block, like a network connection.
    fn blocking_client(&mut self) -> ClientHandle {
        let c = self.e.connect();
        self.e.session_mut(c).unwrap().can_block = true;
        c
    }

    /// Send a command as a host would; `Some(encoded reply)` or `None` when it blocked.
    fn send<B: AsRef<[u8]>>(&mut self, c: ClientHandle, parts: &[B]) -> Option<String> {
        let mut out = Vec::new();
        match self.e.execute_encoded(c, &argv(parts).args(), &mut out) {
            Exec::Blocked => None,
            _ => Some(String::from_utf8_lossy(&out).into_owned()),
        }
    }

    /// Serve clients whose keys became ready: (client, encoded reply) in service order.
    fn serve(&mut self) -> Vec<(ClientHandle, String)> {
        self.e
            .serve_blocked()
            .into_iter()
            .map(|(c, r)| (c, String::from_utf8_lossy(&r).into_owned()))
            .collect()
    }

    fn mem(&self) -> usize {
        self.e.state().dbs[0].ks.mem()
    }
}

#[test]
fn push_and_pop_at_both_ends() {
    let mut t = T::new();
    assert_eq!(t.int(&["LPUSH", "l", "a", "b", "c"]), 3);
    assert_eq!(t.range("l"), ["c", "b", "a"]);
    assert_eq!(t.int(&["RPUSH", "l", "x", "y"]), 5);
    assert_eq!(t.range("l"), ["c", "b", "a", "x", "y"]);
    assert_eq!(t.run(&["LPOP", "l"]), b("c"));
    assert_eq!(t.run(&["RPOP", "l"]), b("y"));
    assert_eq!(t.int(&["LLEN", "l"]), 3);
    assert_eq!(t.int(&["LPUSHX", "nokey", "a"]), 0);
    assert_eq!(t.int(&["RPUSHX", "nokey", "a"]), 0);
    assert_eq!(t.run(&["EXISTS", "nokey"]), Reply::Int(0));
    assert_eq!(t.int(&["LPUSHX", "l", "p", "q"]), 5);
    assert_eq!(t.int(&["RPUSHX", "l", "z"]), 6);
    assert_eq!(t.range("l"), ["q", "p", "b", "a", "x", "z"]);
    assert_eq!(t.int(&["LLEN", "nokey"]), 0);
    assert_eq!(t.run(&["LPOP", "nokey"]), Reply::Nil);
    assert_eq!(t.run(&["RPOP", "nokey"]), Reply::Nil);
    // Binary-safe elements, long and short.
    let long = "v".repeat(1000);
    t.int(&["RPUSH", "bin", "", "a\r\nb", &long]);
    assert_eq!(t.range("bin"), ["", "a\r\nb", long.as_str()]);
}

#[test]
fn pop_with_count() {
    let mut t = T::new();
    t.int(&["RPUSH", "l", "a", "b", "c", "d", "e"]);
    assert_eq!(t.run(&["LPOP", "l", "2"]), arr(&["a", "b"]));
    assert_eq!(t.run(&["RPOP", "l", "2"]), arr(&["e", "d"]));
    assert_eq!(t.run(&["LPOP", "l", "0"]), Reply::Array(vec![]));
    assert_eq!(t.run(&["RPOP", "l", "1"]), arr(&["c"]));
    assert_eq!(
        t.run(&["EXISTS", "l"]),
        Reply::Int(0),
        "emptied list deleted"
    );
    assert_eq!(t.run(&["LPOP", "l", "0"]), Reply::NilArray);
    assert_eq!(t.run(&["LPOP", "l", "3"]), Reply::NilArray);
    t.int(&["RPUSH", "l", "a", "b"]);
    assert_eq!(
        t.run(&["LPOP", "l", "9223372036854775807"]),
        arr(&["a", "b"])
    );
    assert_eq!(
        t.err(&["LPOP", "l", "-1"]),
        "ERR value is out of range, must be positive"
    );
    assert_eq!(
        t.err(&["LPOP", "l", "x"]),
        "ERR value is out of range, must be positive"
    );
    assert_eq!(
        t.err(&["LPOP", "l", "1", "2"]),
        "ERR wrong number of arguments for 'lpop' command"
    );
    assert_eq!(
        t.err(&["RPOP", "l", "1", "2"]),
        "ERR wrong number of arguments for 'rpop' command"
    );
    t.run(&["SET", "s", "x"]);
    assert_eq!(t.err(&["LPOP", "s", "0"]), WRONGTYPE);
    assert_eq!(
        t.err(&["LPOP", "s", "x"]),
        "ERR value is out of range, must be positive"
    );
    // RESP3 null shapes.
    t.run(&["HELLO", "3"]);
    let mut out = Vec::new();
    t.e.execute_encoded(t.c, &argv(&["LPOP", "nokey", "1"]).args(), &mut out);
    assert_eq!(out, b"_\r\n");
}

#[test]
fn ranges_and_indexes() {
    let mut t = T::new();
    t.int(&["RPUSH", "l", "0", "1", "2", "3", "4", "5"]);
    let lr = |t: &mut T, a: &str, z: &str| t.run(&["LRANGE", "l", a, z]);
    assert_eq!(lr(&mut t, "1", "3"), arr(&["1", "2", "3"]));
    assert_eq!(lr(&mut t, "-2", "-1"), arr(&["4", "5"]));
    assert_eq!(lr(&mut t, "-100", "1"), arr(&["0", "1"]));
    assert_eq!(lr(&mut t, "4", "100"), arr(&["4", "5"]));
    assert_eq!(lr(&mut t, "3", "2"), Reply::Array(vec![]));
    assert_eq!(lr(&mut t, "6", "10"), Reply::Array(vec![]));
    assert_eq!(lr(&mut t, "0", "-7"), Reply::Array(vec![]));
    assert_eq!(
        lr(&mut t, "-9223372036854775808", "9223372036854775807"),
        arr(&["0", "1", "2", "3", "4", "5"])
    );
    assert_eq!(
        t.err(&["LRANGE", "l", "a", "1"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        t.err(&["LRANGE", "nokey", "0", "x"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(t.run(&["LRANGE", "nokey", "0", "-1"]), Reply::Array(vec![]));
    assert_eq!(t.run(&["LINDEX", "l", "0"]), b("0"));
    assert_eq!(t.run(&["LINDEX", "l", "-1"]), b("5"));
    assert_eq!(t.run(&["LINDEX", "l", "6"]), Reply::Nil);
    assert_eq!(t.run(&["LINDEX", "l", "-7"]), Reply::Nil);
    assert_eq!(t.run(&["LINDEX", "l", "-9223372036854775808"]), Reply::Nil);
    assert_eq!(
        t.err(&["LINDEX", "l", "x"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        t.run(&["LINDEX", "nokey", "x"]),
        Reply::Nil,
        "missing key before index parsing"
    );
}

#[test]
fn lset_linsert_lrem_ltrim() {
    let mut t = T::new();
    assert_eq!(t.err(&["LSET", "nokey", "x", "v"]), "ERR no such key");
    t.int(&["RPUSH", "l", "a", "b", "c"]);
    assert_eq!(t.run(&["LSET", "l", "1", "B"]), Reply::Ok);
    assert_eq!(t.run(&["LSET", "l", "-1", "C"]), Reply::Ok);
    assert_eq!(t.range("l"), ["a", "B", "C"]);
    assert_eq!(t.err(&["LSET", "l", "3", "x"]), "ERR index out of range");
    assert_eq!(t.err(&["LSET", "l", "-4", "x"]), "ERR index out of range");
    assert_eq!(
        t.err(&["LSET", "l", "x", "x"]),
        "ERR value is not an integer or out of range"
    );

    assert_eq!(t.int(&["LINSERT", "l", "BEFORE", "B", "x"]), 4);
    assert_eq!(t.int(&["LINSERT", "l", "after", "C", "y"]), 5);
    assert_eq!(t.range("l"), ["a", "x", "B", "C", "y"]);
    assert_eq!(t.int(&["LINSERT", "l", "after", "zz", "y"]), -1);
    assert_eq!(t.int(&["LINSERT", "nokey", "after", "zz", "y"]), 0);
    assert_eq!(
        t.err(&["LINSERT", "l", "middle", "a", "y"]),
        "ERR syntax error"
    );
    assert_eq!(
        t.err(&["LINSERT", "nokey", "middle", "a", "y"]),
        "ERR syntax error"
    );

    t.run(&["DEL", "l"]);
    t.int(&["RPUSH", "l", "a", "b", "a", "c", "a", "b", "a"]);
    assert_eq!(t.int(&["LREM", "l", "2", "a"]), 2);
    assert_eq!(t.range("l"), ["b", "c", "a", "b", "a"]);
    assert_eq!(t.int(&["LREM", "l", "-1", "a"]), 1);
    assert_eq!(t.range("l"), ["b", "c", "a", "b"]);
    assert_eq!(t.int(&["LREM", "l", "0", "b"]), 2);
    assert_eq!(t.int(&["LREM", "l", "0", "zz"]), 0);
    assert_eq!(t.int(&["LREM", "nokey", "0", "zz"]), 0);
    assert_eq!(
        t.err(&["LREM", "l", "-9223372036854775808", "a"]),
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
    );
    assert_eq!(
        t.err(&["LREM", "l", "x", "a"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(t.int(&["LREM", "l", "0", "c"]), 1);
    assert_eq!(t.int(&["LREM", "l", "-5", "a"]), 1);
    assert_eq!(t.run(&["EXISTS", "l"]), Reply::Int(0));

    t.int(&["RPUSH", "l", "0", "1", "2", "3", "4", "5"]);
    assert_eq!(t.run(&["LTRIM", "l", "1", "-2"]), Reply::Ok);
    assert_eq!(t.range("l"), ["1", "2", "3", "4"]);
    assert_eq!(t.run(&["LTRIM", "l", "-100", "100"]), Reply::Ok);
    assert_eq!(t.range("l"), ["1", "2", "3", "4"]);
    assert_eq!(t.run(&["LTRIM", "l", "2", "1"]), Reply::Ok);
    assert_eq!(t.run(&["EXISTS", "l"]), Reply::Int(0));
    assert_eq!(t.run(&["LTRIM", "nokey", "0", "1"]), Reply::Ok);
    assert_eq!(
        t.err(&["LTRIM", "nokey", "x", "1"]),
        "ERR value is not an integer or out of range"
    );
}

#[test]
fn lpos_options_and_errors() {
    let mut t = T::new();
    t.int(&["RPUSH", "l", "a", "b", "c", "a", "b", "c", "a"]);
    assert_eq!(t.run(&["LPOS", "l", "a"]), Reply::Int(0));
    assert_eq!(t.run(&["LPOS", "l", "c"]), Reply::Int(2));
    assert_eq!(t.run(&["LPOS", "l", "a", "RANK", "2"]), Reply::Int(3));
    assert_eq!(t.run(&["LPOS", "l", "a", "RANK", "-1"]), Reply::Int(6));
    assert_eq!(t.run(&["LPOS", "l", "a", "RANK", "-2"]), Reply::Int(3));
    assert_eq!(t.run(&["LPOS", "l", "a", "RANK", "4"]), Reply::Nil);
    assert_eq!(t.run(&["LPOS", "l", "a", "COUNT", "0"]), ints(&[0, 3, 6]));
    assert_eq!(t.run(&["LPOS", "l", "a", "COUNT", "2"]), ints(&[0, 3]));
    assert_eq!(
        t.run(&["LPOS", "l", "a", "COUNT", "0", "RANK", "-1"]),
        ints(&[6, 3, 0])
    );
    assert_eq!(
        t.run(&["LPOS", "l", "a", "RANK", "2", "COUNT", "5"]),
        ints(&[3, 6])
    );
    assert_eq!(
        t.run(&["LPOS", "l", "a", "COUNT", "0", "MAXLEN", "4"]),
        ints(&[0, 3])
    );
    assert_eq!(
        t.run(&["LPOS", "l", "a", "RANK", "-1", "MAXLEN", "1"]),
        Reply::Int(6)
    );
    assert_eq!(
        t.run(&["LPOS", "l", "b", "RANK", "-1", "MAXLEN", "1"]),
        Reply::Nil
    );
    assert_eq!(t.run(&["LPOS", "l", "z"]), Reply::Nil);
    assert_eq!(
        t.run(&["LPOS", "l", "z", "COUNT", "1"]),
        Reply::Array(vec![])
    );
    assert_eq!(t.run(&["LPOS", "nokey", "z"]), Reply::Nil);
    assert_eq!(
        t.run(&["LPOS", "nokey", "z", "COUNT", "1"]),
        Reply::Array(vec![])
    );
    // A later option overrides an earlier one.
    assert_eq!(
        t.run(&["LPOS", "l", "a", "RANK", "3", "RANK", "1"]),
        Reply::Int(0)
    );
    let rank0 = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
    assert_eq!(t.err(&["LPOS", "l", "a", "RANK", "0"]), rank0);
    assert_eq!(t.err(&["LPOS", "nokey", "a", "RANK", "0"]), rank0);
    assert_eq!(
        t.err(&["LPOS", "l", "a", "RANK", "-9223372036854775808"]),
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
    );
    assert_eq!(
        t.err(&["LPOS", "l", "a", "RANK", "x"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        t.err(&["LPOS", "l", "a", "COUNT", "-1"]),
        "ERR COUNT can't be negative"
    );
    assert_eq!(
        t.err(&["LPOS", "l", "a", "COUNT", "x"]),
        "ERR COUNT can't be negative"
    );
    assert_eq!(
        t.err(&["LPOS", "l", "a", "MAXLEN", "-1"]),
        "ERR MAXLEN can't be negative"
    );
    assert_eq!(
        t.err(&["LPOS", "l", "a", "MAXLEN", "x"]),
        "ERR MAXLEN can't be negative"
    );
    assert_eq!(t.err(&["LPOS", "l", "a", "RANK"]), "ERR syntax error");
    assert_eq!(t.err(&["LPOS", "l", "a", "FOO", "1"]), "ERR syntax error");
    t.run(&["SET", "s", "x"]);
    assert_eq!(t.err(&["LPOS", "s", "a"]), WRONGTYPE);
}

#[test]
fn lmove_and_rpoplpush() {
    let mut t = T::new();
    t.int(&["RPUSH", "src", "a", "b", "c"]);
    assert_eq!(t.run(&["LMOVE", "src", "dst", "LEFT", "RIGHT"]), b("a"));
    assert_eq!(t.run(&["LMOVE", "src", "dst", "right", "left"]), b("c"));
    assert_eq!(t.run(&["LMOVE", "src", "dst", "LEFT", "LEFT"]), b("b"));
    assert_eq!(t.run(&["EXISTS", "src"]), Reply::Int(0));
    assert_eq!(t.range("dst"), ["b", "c", "a"]);
    assert_eq!(
        t.run(&["LMOVE", "dst", "dst", "LEFT", "RIGHT"]),
        b("b"),
        "rotation"
    );
    assert_eq!(t.range("dst"), ["c", "a", "b"]);
    assert_eq!(t.run(&["LMOVE", "dst", "dst", "RIGHT", "RIGHT"]), b("b"));
    assert_eq!(t.range("dst"), ["c", "a", "b"]);
    assert_eq!(t.run(&["RPOPLPUSH", "dst", "dst"]), b("b"));
    assert_eq!(t.range("dst"), ["b", "c", "a"]);
    assert_eq!(t.run(&["RPOPLPUSH", "dst", "other"]), b("a"));
    assert_eq!(t.range("other"), ["a"]);
    t.int(&["RPUSH", "one", "x"]);
    assert_eq!(
        t.run(&["LMOVE", "one", "one", "LEFT", "LEFT"]),
        b("x"),
        "single element rotates"
    );
    assert_eq!(t.range("one"), ["x"]);
    assert_eq!(
        t.run(&["LMOVE", "nokey", "dst", "LEFT", "LEFT"]),
        Reply::Nil
    );
    assert_eq!(t.run(&["RPOPLPUSH", "nokey", "dst"]), Reply::Nil);
    t.run(&["SET", "s", "x"]);
    assert_eq!(t.err(&["LMOVE", "s", "dst", "LEFT", "LEFT"]), WRONGTYPE);
    assert_eq!(t.err(&["LMOVE", "dst", "s", "LEFT", "LEFT"]), WRONGTYPE);
    assert_eq!(
        t.range("dst"),
        ["b", "c"],
        "nothing moved on a wrong-type destination"
    );
    assert_eq!(
        t.run(&["LMOVE", "nokey", "s", "LEFT", "LEFT"]),
        Reply::Nil,
        "missing source first"
    );
    assert_eq!(
        t.err(&["LMOVE", "dst", "x", "UP", "LEFT"]),
        "ERR syntax error"
    );
    assert_eq!(
        t.err(&["LMOVE", "dst", "x", "LEFT", "DOWN"]),
        "ERR syntax error"
    );
}

#[test]
fn lmpop_parsing_and_replies() {
    let mut t = T::new();
    t.int(&["RPUSH", "b", "1", "2", "3"]);
    assert_eq!(
        t.run(&["LMPOP", "2", "a", "b", "LEFT"]),
        Reply::Array(vec![b("b"), arr(&["1"])])
    );
    assert_eq!(
        t.run(&["LMPOP", "2", "a", "b", "RIGHT", "COUNT", "5"]),
        Reply::Array(vec![b("b"), arr(&["3", "2"])])
    );
    assert_eq!(t.run(&["LMPOP", "2", "a", "b", "LEFT"]), Reply::NilArray);
    let nk = "ERR numkeys should be greater than 0";
    assert_eq!(t.err(&["LMPOP", "0", "a", "LEFT"]), nk);
    assert_eq!(t.err(&["LMPOP", "-1", "a", "LEFT"]), nk);
    assert_eq!(t.err(&["LMPOP", "x", "a", "LEFT"]), nk);
    assert_eq!(t.err(&["LMPOP", "2", "a", "LEFT"]), "ERR syntax error");
    assert_eq!(
        t.err(&["LMPOP", "9223372036854775807", "a", "LEFT"]),
        "ERR syntax error"
    );
    assert_eq!(t.err(&["LMPOP", "1", "a", "UP"]), "ERR syntax error");
    let cnt = "ERR count should be greater than 0";
    assert_eq!(t.err(&["LMPOP", "1", "a", "LEFT", "COUNT", "0"]), cnt);
    assert_eq!(t.err(&["LMPOP", "1", "a", "LEFT", "COUNT", "x"]), cnt);
    assert_eq!(
        t.err(&["LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "1"]),
        "ERR syntax error"
    );
    assert_eq!(
        t.err(&["LMPOP", "1", "a", "LEFT", "COUNT"]),
        "ERR syntax error"
    );
    t.run(&["SET", "s", "x"]);
    t.int(&["RPUSH", "l", "v"]);
    assert_eq!(t.err(&["LMPOP", "2", "nokey", "s", "LEFT"]), WRONGTYPE);
    assert_eq!(
        t.run(&["LMPOP", "2", "l", "s", "LEFT"]),
        Reply::Array(vec![b("l"), arr(&["v"])])
    );
    // BLMPOP parses keys and options before the timeout.
    assert_eq!(t.err(&["BLMPOP", "x", "0", "a", "LEFT"]), nk);
    assert_eq!(t.err(&["BLMPOP", "x", "1", "a", "LEFT", "COUNT", "0"]), cnt);
    assert_eq!(
        t.err(&["BLMPOP", "x", "1", "a", "LEFT"]),
        "ERR timeout is not a float or out of range"
    );
}

#[test]
fn wrong_types() {
    let mut t = T::new();
    t.run(&["SET", "s", "x"]);
    for cmd in [
        &["LPUSH", "s", "a"][..],
        &["RPUSH", "s", "a"],
        &["LPUSHX", "s", "a"],
        &["RPUSHX", "s", "a"],
        &["LPOP", "s"],
        &["RPOP", "s", "2"],
        &["LLEN", "s"],
        &["LRANGE", "s", "0", "1"],
        &["LINDEX", "s", "0"],
        &["LSET", "s", "0", "a"],
        &["LINSERT", "s", "BEFORE", "a", "b"],
        &["LREM", "s", "0", "a"],
        &["LTRIM", "s", "0", "1"],
        &["LPOS", "s", "a"],
        &["RPOPLPUSH", "s", "d"],
        &["LMPOP", "1", "s", "LEFT"],
        &["BLPOP", "s", "0"],
        &["BRPOP", "s", "0"],
        &["BLMOVE", "s", "d", "LEFT", "LEFT", "0"],
        &["BRPOPLPUSH", "s", "d", "0"],
        &["BLMPOP", "0", "1", "s", "LEFT"],
    ] {
        assert_eq!(t.err(cmd), WRONGTYPE, "{cmd:?}");
    }
    assert_eq!(t.run(&["GET", "s"]), b("x"));
}

#[test]
fn encodings_follow_redis_7_2() {
    let mut t = T::new();
    t.int(&["RPUSH", "l", "a", "b", "c"]);
    assert_eq!(t.encoding("l"), "listpack");
    // 8 KB default: 7 bytes of listpack header plus 103 bytes per 100-byte element.
    let v = "x".repeat(100);
    // Before push i: 13 + 103 * (i - 1) + 100 > 8192 first for i = 80.
    for _ in 0..79 {
        t.int(&["RPUSH", "l", &v]);
    }
    assert_eq!(t.encoding("l"), "listpack");
    t.int(&["RPUSH", "l", &v]);
    assert_eq!(t.encoding("l"), "quicklist");
    // Shrinking converts back only below half the limit.
    t.run(&["LTRIM", "l", "0", "45"]);
    assert_eq!(t.encoding("l"), "quicklist");
    t.run(&["LTRIM", "l", "0", "20"]);
    assert_eq!(t.encoding("l"), "listpack");
    // One large element makes a quicklist straight away.
    t.int(&["RPUSH", "big", &"z".repeat(9000)]);
    assert_eq!(t.encoding("big"), "quicklist");
    t.int(&["LPUSH", "big", "small"]);
    t.run(&["RPOP", "big"]);
    assert_eq!(
        t.encoding("big"),
        "listpack",
        "plain node gone, one small node left"
    );

    // The cases of Redis's own "listpack <-> quicklist encoding conversion" tests.
    t.run(&["CONFIG", "SET", "list-max-listpack-size", "3"]);
    let fresh = |t: &mut T, key: &str, items: &[&str]| {
        t.run(&["DEL", key]);
        let mut cmd = vec!["RPUSH", key];
        cmd.extend_from_slice(items);
        t.run(&cmd);
    };
    fresh(&mut t, "lst", &["a", "b", "c"]);
    assert_eq!(t.encoding("lst"), "listpack");
    t.int(&["RPUSH", "lst", "d"]);
    assert_eq!(t.encoding("lst"), "quicklist");
    fresh(&mut t, "lst", &["a", "b", "c"]);
    t.int(&["LINSERT", "lst", "after", "b", "d"]);
    assert_eq!(t.encoding("lst"), "quicklist");
    fresh(&mut t, "lst", &["a", "b", "c"]);
    t.run(&["LSET", "lst", "0", &"d".repeat(50001)]);
    assert_eq!(t.encoding("lst"), "quicklist");
    fresh(&mut t, "lsrc", &["a", "b", "c"]);
    fresh(&mut t, "ldes", &["d", "e", "f"]);
    t.run(&["LMOVE", "lsrc", "ldes", "left", "right"]);
    assert_eq!(t.encoding("ldes"), "quicklist");
    assert_eq!(t.encoding("lsrc"), "listpack");

    fresh(&mut t, "lst", &["a", "b", "c", "d"]);
    assert_eq!(t.encoding("lst"), "quicklist");
    t.run(&["RPOP", "lst", "3"]);
    assert_eq!(t.encoding("lst"), "listpack");
    fresh(&mut t, "lst", &["a", "a", "a", "d"]);
    t.int(&["LREM", "lst", "3", "a"]);
    assert_eq!(t.encoding("lst"), "listpack");
    fresh(&mut t, "lst", &["a", "b", "c", "d"]);
    t.run(&["LTRIM", "lst", "1", "1"]);
    assert_eq!(t.encoding("lst"), "listpack");
    // Two single-element nodes stay a quicklist (only one node converts back).
    fresh(&mut t, "lst", &["a", "b", "c", "d", "e", "f"]);
    t.run(&["LTRIM", "lst", "2", "3"]);
    assert_eq!(t.encoding("lst"), "quicklist");

    t.run(&["CONFIG", "SET", "list-max-listpack-size", "-1"]);
    let d5000 = "d".repeat(5000);
    fresh(&mut t, "lst", &["a", "b", "c", &d5000]);
    assert_eq!(t.encoding("lst"), "quicklist");
    t.run(&["RPOP", "lst", "1"]);
    assert_eq!(t.encoding("lst"), "listpack");
    fresh(&mut t, "lst", &["a", "a", "a", &d5000]);
    t.int(&["LREM", "lst", "1", &d5000]);
    assert_eq!(t.encoding("lst"), "listpack");
    fresh(&mut t, "lst", &["a", "b", "c", &d5000]);
    t.run(&["LTRIM", "lst", "1", "1"]);
    assert_eq!(t.encoding("lst"), "listpack");
}

#[test]
fn memory_estimate_returns_to_baseline() {
    let mut t = T::new();
    let base = t.mem();
    let long = "q".repeat(300);
    for i in 0..500 {
        let v = if i % 7 == 0 {
            long.clone()
        } else {
            format!("v{i}")
        };
        t.run(&["RPUSH", "l", &v]);
        t.run(&["LPUSH", "l", &v]);
    }
    assert!(t.mem() > base + 1000 * 24);
    t.run(&["LSET", "l", "5", &long]);
    t.run(&["LINSERT", "l", "BEFORE", "v3", &long]);
    t.run(&["LREM", "l", "3", &long]);
    t.run(&["LTRIM", "l", "10", "-10"]);
    t.run(&["LMOVE", "l", "m", "LEFT", "RIGHT"]);
    t.run(&["DEL", "m"]);
    while t.run(&["RPOP", "l", "37"]) != Reply::NilArray {}
    assert_eq!(t.mem(), base);
}

#[test]
fn propagation_rewrites() {
    let mut t = T::new();
    t.e.enable_propagation();
    t.int(&["RPUSH", "a", "1", "2", "3"]);
    t.run(&["LMPOP", "2", "x", "a", "RIGHT", "COUNT", "2"]);
    t.run(&["BLPOP", "x", "a", "0"]);
    t.int(&["RPUSH", "a", "4", "5"]);
    t.run(&["BLMOVE", "a", "b", "LEFT", "RIGHT", "0"]);
    t.run(&["BRPOPLPUSH", "a", "b", "0"]);
    t.run(&["BLMPOP", "0", "1", "b", "LEFT", "COUNT", "10"]);
    t.run(&["LPOP", "nokey"]);
    t.run(&["LTRIM", "nokey", "0", "1"]);
    let p: Vec<String> =
        t.e.take_propagated()
            .into_iter()
            .map(|c| {
                c.iter()
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
    assert_eq!(
        p,
        [
            "RPUSH a 1 2 3",
            "RPOP a 2",
            "LPOP a",
            "RPUSH a 4 5",
            "LMOVE a b LEFT RIGHT",
            "RPOPLPUSH a b",
            "LPOP b 2",
        ]
    );
}

#[test]
fn blocking_commands_without_blocking_reply_at_once() {
    // Embedded clients and MULTI cannot block: the timeout reply comes straight away.
    let mut t = T::new();
    assert_eq!(t.run(&["BLPOP", "a", "b", "0"]), Reply::NilArray);
    assert_eq!(t.run(&["BRPOP", "a", "0.5"]), Reply::NilArray);
    assert_eq!(t.run(&["BLMPOP", "0", "1", "a", "LEFT"]), Reply::NilArray);
    assert_eq!(
        t.run(&["BLMOVE", "a", "b", "LEFT", "LEFT", "0"]),
        Reply::Nil
    );
    assert_eq!(t.run(&["BRPOPLPUSH", "a", "b", "0"]), Reply::Nil);
    t.int(&["RPUSH", "a", "x", "y"]);
    assert_eq!(t.run(&["BLPOP", "nokey", "a", "0"]), arr(&["a", "x"]));
    assert_eq!(t.run(&["BRPOP", "a", "0"]), arr(&["a", "y"]));

    let c = t.blocking_client();
    assert_eq!(t.send(c, &["MULTI"]).as_deref(), Some("+OK\r\n"));
    t.send(c, &["BLPOP", "q", "0"]);
    t.send(c, &["BLMOVE", "q", "r", "LEFT", "LEFT", "0"]);
    assert_eq!(
        t.send(c, &["EXEC"]).as_deref(),
        Some("*2\r\n*-1\r\n$-1\r\n")
    );
    assert_eq!(t.err(&["BLPOP", "q", "-1"]), "ERR timeout is negative");
    assert_eq!(
        t.err(&["BLPOP", "q", "x"]),
        "ERR timeout is not a float or out of range"
    );
    assert_eq!(t.err(&["BLPOP", "q", "inf"]), "ERR timeout is out of range");
    assert_eq!(
        t.err(&["BLMOVE", "q", "r", "UP", "LEFT", "x"]),
        "ERR syntax error"
    );
    assert_eq!(
        t.err(&["BLMOVE", "q", "r", "LEFT", "LEFT", "x"]),
        "ERR timeout is not a float or out of range"
    );
    assert_eq!(
        t.err(&["BRPOPLPUSH", "q", "r", "-2"]),
        "ERR timeout is negative"
    );
}

#[test]
fn blocked_clients_are_served_first_come_first_served() {
    let mut t = T::new();
    let (c1, c2, c3) = (
        t.blocking_client(),
        t.blocking_client(),
        t.blocking_client(),
    );
    assert_eq!(t.send(c1, &["BLPOP", "q", "0"]), None);
    assert_eq!(t.send(c2, &["BRPOP", "other", "q", "0"]), None);
    assert_eq!(t.send(c3, &["BLPOP", "q", "0"]), None);
    assert!(t.e.is_blocked(c1) && t.e.is_blocked(c2) && t.e.is_blocked(c3));
    // Two elements: the first two waiters get one each, in arrival order.
    assert_eq!(t.int(&["RPUSH", "q", "a", "b"]), 2);
    let served = t.serve();
    assert_eq!(
        served,
        vec![
            (c1, "*2\r\n$1\r\nq\r\n$1\r\na\r\n".to_string()),
            (c2, "*2\r\n$1\r\nq\r\n$1\r\nb\r\n".to_string()),
        ]
    );
    assert!(t.e.is_blocked(c3), "third waiter keeps waiting");
    assert_eq!(t.run(&["EXISTS", "q"]), Reply::Int(0));
    // A push inside MULTI serves the waiter after EXEC, with the final contents.
    t.run(&["MULTI"]);
    t.run(&["RPUSH", "q", "x", "y"]);
    t.run(&["LPOP", "q"]);
    t.run(&["EXEC"]);
    assert_eq!(
        t.serve(),
        vec![(c3, "*2\r\n$1\r\nq\r\n$1\r\ny\r\n".to_string())]
    );
    assert!(!t.e.is_blocked(c3));
}

#[test]
fn blocked_clients_time_out_with_a_null_array() {
    let mut t = T::new();
    let c1 = t.blocking_client();
    let c2 = t.blocking_client();
    assert_eq!(t.send(c1, &["BLPOP", "q", "0.2"]), None);
    assert_eq!(
        t.send(c2, &["BLMOVE", "q", "d", "LEFT", "LEFT", "0.25"]),
        None
    );
    assert_eq!(t.e.next_block_deadline(), Some(T0 + 200));
    t.clock.advance(199);
    assert!(t.e.expire_blocked().is_empty());
    t.clock.advance(2);
    let r: Vec<_> =
        t.e.expire_blocked()
            .into_iter()
            .map(|(c, b)| (c, String::from_utf8(b).unwrap()))
            .collect();
    assert_eq!(r, vec![(c1, "*-1\r\n".to_string())]);
    t.clock.advance(50);
    let r: Vec<_> =
        t.e.expire_blocked()
            .into_iter()
            .map(|(c, b)| (c, String::from_utf8(b).unwrap()))
            .collect();
    assert_eq!(
        r,
        vec![(c2, "*-1\r\n".to_string())],
        "BLMOVE times out with a null array too"
    );
    // RESP3 null.
    let c3 = t.blocking_client();
    t.send(c3, &["HELLO", "3"]);
    assert_eq!(t.send(c3, &["BRPOP", "q", "0.001"]), None);
    t.clock.advance(2);
    let r: Vec<_> =
        t.e.expire_blocked()
            .into_iter()
            .map(|(_, b)| String::from_utf8(b).unwrap())
            .collect();
    assert_eq!(r, vec!["_\r\n".to_string()]);
    // Sub-millisecond timeouts round up to 1 ms (Redis 7.2).
    let c4 = t.blocking_client();
    assert_eq!(t.send(c4, &["BLPOP", "q", "0.0001"]), None);
    assert_eq!(t.e.next_block_deadline(), Some(t.clock.now_ms() + 1));
}

#[test]
fn blmove_chains_wake_ups_and_blmpop_pops_counts() {
    let mut t = T::new();
    let mover = t.blocking_client();
    let popper = t.blocking_client();
    let mpop = t.blocking_client();
    assert_eq!(
        t.send(mover, &["BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"]),
        None
    );
    assert_eq!(t.send(popper, &["BLPOP", "dst", "0"]), None);
    assert_eq!(
        t.send(
            mpop,
            &["BLMPOP", "0", "2", "x", "src", "LEFT", "COUNT", "5"]
        ),
        None
    );
    t.e.enable_propagation();
    t.int(&["RPUSH", "src", "1", "2", "3"]);
    let served = t.serve();
    assert_eq!(
        served,
        vec![
            (mover, "$1\r\n3\r\n".to_string()),
            (
                mpop,
                "*2\r\n$3\r\nsrc\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n".to_string()
            ),
            (popper, "*2\r\n$3\r\ndst\r\n$1\r\n3\r\n".to_string()),
        ]
    );
    assert_eq!(t.run(&["EXISTS", "src", "dst"]), Reply::Int(0));
    let p: Vec<String> =
        t.e.take_propagated()
            .into_iter()
            .map(|c| {
                c.iter()
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
    assert_eq!(
        p,
        [
            "RPUSH src 1 2 3",
            "LMOVE src dst RIGHT LEFT",
            "LPOP src 2",
            "LPOP dst"
        ]
    );
}

#[test]
fn disconnect_while_blocked_leaves_no_trace() {
    let mut t = T::new();
    let c1 = t.blocking_client();
    assert_eq!(t.send(c1, &["BLPOP", "q", "0"]), None);
    t.e.disconnect(c1);
    assert_eq!(t.int(&["RPUSH", "q", "v"]), 1);
    assert!(t.serve().is_empty());
    assert_eq!(t.range("q"), ["v"]);
    // A waiter whose BLMOVE target became a string gets the error once served.
    let c2 = t.blocking_client();
    t.run(&["SET", "str", "x"]);
    assert_eq!(
        t.send(c2, &["BLMOVE", "e", "str", "LEFT", "LEFT", "0"]),
        None
    );
    t.int(&["RPUSH", "e", "1"]);
    assert_eq!(t.serve(), vec![(c2, format!("-{WRONGTYPE}\r\n"))]);
    assert_eq!(t.range("e"), ["1"]);
    let _ = t.on(t.c, &["PING"]);
}

#[test]
fn served_waiters_rerun_the_whole_command() {
    // Redis 7.2 re-executes a woken command: BLPOP a b checks `a` first even when only
    // `b` was signalled before it within the same transaction.
    let mut t = T::new();
    let w = t.blocking_client();
    assert_eq!(t.send(w, &["BLPOP", "a", "b", "0"]), None);
    t.run(&["MULTI"]);
    t.run(&["RPUSH", "b", "1"]);
    t.run(&["RPUSH", "a", "2"]);
    t.run(&["EXEC"]);
    assert_eq!(
        t.serve(),
        vec![(w, "*2\r\n$1\r\na\r\n$1\r\n2\r\n".to_string())]
    );
    assert_eq!(t.range("b"), ["1"]);
}

#[test]
fn random_arguments_never_break_the_engine() {
    let mut t = T::new();
    let mut r = Rng::seeded(99);
    let names = [
        "LPUSH",
        "RPUSH",
        "LPUSHX",
        "RPUSHX",
        "LPOP",
        "RPOP",
        "LLEN",
        "LRANGE",
        "LINDEX",
        "LSET",
        "LINSERT",
        "LREM",
        "LTRIM",
        "LPOS",
        "LMOVE",
        "RPOPLPUSH",
        "LMPOP",
        "BLPOP",
        "BRPOP",
        "BLMOVE",
        "BRPOPLPUSH",
        "BLMPOP",
    ];
    let words = [
        "k",
        "k2",
        "s",
        "0",
        "1",
        "2",
        "-1",
        "-2",
        "3",
        "100",
        "-100",
        "LEFT",
        "RIGHT",
        "BEFORE",
        "AFTER",
        "COUNT",
        "RANK",
        "MAXLEN",
        "a",
        "b",
        "",
        "0.5",
        "inf",
        "-inf",
        "nan",
        "x",
        "9223372036854775807",
        "-9223372036854775808",
        "18446744073709551616",
        "1e400",
    ];
    t.run(&["SET", "s", "str"]);
    let big = "z".repeat(9000);
    for i in 0..20_000u64 {
        let mut cmd: Vec<&str> = vec![names[r.below(names.len() as u64) as usize]];
        for _ in 0..r.below(8) {
            cmd.push(if r.below(50) == 0 {
                &big
            } else {
                words[r.below(words.len() as u64) as usize]
            });
        }
        if i % 500 == 0 {
            let fill = ["-2", "-1", "1", "3", "0", "-5"][r.below(6) as usize];
            t.run(&["CONFIG", "SET", "list-max-listpack-size", fill]);
        }
        t.run(&cmd);
    }
    assert_eq!(t.run(&["PING"]), Reply::Simple("PONG".into()));
    for k in ["k", "k2"] {
        let n = t.int(&["LLEN", k]) as usize;
        assert_eq!(t.range(k).len(), n);
    }
    assert_eq!(t.run(&["GET", "s"]), b("str"));
}
