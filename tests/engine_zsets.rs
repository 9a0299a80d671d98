//! Sorted-set commands through `Engine::execute` with a manual clock: ZADD's flags and
//! errors, both encodings and the conversion thresholds, every range form, set
//! operations (with plain sets as inputs), pops and their propagation, blocking pops
//! served and timed out, ZRANDMEMBER's cases, ZSCAN, RESP3 shapes, and memory accounting.

use cinnabar::clock::ManualClock;
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

impl T {
    fn new() -> T {
        let clock = ManualClock::new(T0);
        let mut e = Engine::with_rng(Config::default(), Box::new(clock.clone()), Rng::seeded(7));
        let c = e.connect();
        T { e, c, clock }
    }

    fn run_as<B: AsRef<[u8]>>(&mut self, c: ClientHandle, parts: &[B]) -> Reply {
        let a = ArgvBuf::from_parts(parts.iter().map(|p| p.as_ref()));
        self.e.execute(c, &a.args())
    }

    fn run<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> Reply {
        self.run_as(self.c, parts)
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

    /// A flat array reply rendered as strings (bulks, doubles in Redis format, ints).
    fn strs<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> Vec<String> {
        match self.run(parts) {
            Reply::Array(v) => v.iter().map(show).collect(),
            other => panic!("expected an array, got {other:?}"),
        }
    }

    fn joined<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> String {
        self.strs(parts).join(" ")
    }

    fn encoding(&mut self, key: &str) -> String {
        show(&self.run(&["OBJECT", "ENCODING", key]))
    }
}

fn show(r: &Reply) -> String {
    match r {
        Reply::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
        Reply::Double(d) => cinnabar::resp::encode::fmt_double(*d),
        Reply::Int(i) => i.to_string(),
        Reply::Nil => "(nil)".into(),
        Reply::NilArray => "(nilarray)".into(),
        Reply::Array(v) => format!("[{}]", v.iter().map(show).collect::<Vec<_>>().join(" ")),
        Reply::Error(e) => format!("ERR:{e}"),
        other => format!("{other:?}"),
    }
}

/// Two engines' worth of the same data: one listpack-encoded, one forced to skiplist.
fn both_encodings(setup: &[&[&str]]) -> Vec<T> {
    let mut lp = T::new();
    let mut sl = T::new();
    sl.run(&["CONFIG", "SET", "zset-max-listpack-entries", "0"]);
    for t in [&mut lp, &mut sl] {
        for cmd in setup {
            t.run(cmd);
        }
    }
    vec![lp, sl]
}

// ---------------------------------------------------------------------------------------
// ZADD / ZINCRBY
// ---------------------------------------------------------------------------------------

#[test]
fn zadd_counts_added_and_ch_counts_changed() {
    let mut t = T::new();
    assert_eq!(t.int(&["ZADD", "z", "1", "a", "2", "b"]), 2);
    assert_eq!(t.int(&["ZADD", "z", "1", "a", "3", "b", "4", "c"]), 1);
    assert_eq!(t.int(&["ZADD", "z", "CH", "1", "a", "5", "b", "6", "d"]), 2);
    assert_eq!(
        t.joined(&["ZRANGE", "z", "0", "-1", "WITHSCORES"]),
        "a 1 c 4 b 5 d 6"
    );
    // The same member twice in one call: the later score wins, counted once.
    assert_eq!(t.int(&["ZADD", "y", "1", "m", "2", "m"]), 1);
    assert_eq!(show(&t.run(&["ZSCORE", "y", "m"])), "2");
}

#[test]
fn zadd_nx_xx_gt_lt() {
    let mut t = T::new();
    t.run(&["ZADD", "z", "5", "a"]);
    assert_eq!(t.int(&["ZADD", "z", "NX", "1", "a", "1", "b"]), 1);
    assert_eq!(show(&t.run(&["ZSCORE", "z", "a"])), "5");
    assert_eq!(t.int(&["ZADD", "z", "XX", "CH", "7", "a", "1", "c"]), 1);
    assert_eq!(t.run(&["ZSCORE", "z", "c"]), Reply::Nil);
    assert_eq!(t.int(&["ZADD", "z", "GT", "CH", "3", "a"]), 0);
    assert_eq!(t.int(&["ZADD", "z", "GT", "CH", "8", "a"]), 1);
    assert_eq!(t.int(&["ZADD", "z", "LT", "CH", "9", "a", "0", "b"]), 1);
    // GT/LT still add new members.
    assert_eq!(t.int(&["ZADD", "z", "LT", "100", "new"]), 1);
    assert_eq!(
        t.int(&["ZADD", "z", "XX", "GT", "CH", "200", "new", "1", "nope"]),
        1
    );
    assert_eq!(t.int(&["ZADD", "missing", "XX", "1", "a"]), 0);
    assert_eq!(t.int(&["EXISTS", "missing"]), 0);
}

#[test]
fn zadd_incr_and_zincrby() {
    let mut t = T::new();
    assert_eq!(show(&t.run(&["ZADD", "z", "INCR", "1.5", "a"])), "1.5");
    assert_eq!(show(&t.run(&["ZINCRBY", "z", "2", "a"])), "3.5");
    assert_eq!(show(&t.run(&["ZINCRBY", "z", "-10", "b"])), "-10");
    assert_eq!(t.run(&["ZADD", "z", "NX", "INCR", "1", "a"]), Reply::Nil);
    assert_eq!(t.run(&["ZADD", "z", "XX", "INCR", "1", "zz"]), Reply::Nil);
    assert_eq!(t.run(&["ZADD", "z", "GT", "INCR", "-1", "a"]), Reply::Nil);
    assert_eq!(show(&t.run(&["ZADD", "z", "GT", "INCR", "1", "a"])), "4.5");
    assert_eq!(show(&t.run(&["ZADD", "z", "INCR", "0", "a"])), "4.5");
    // Options are read from ZINCRBY's increment position too, as in Redis.
    assert_eq!(t.err(&["ZINCRBY", "z", "nx", "a"]), "ERR syntax error");
    t.run(&["ZADD", "inf", "inf", "a"]);
    assert_eq!(
        t.err(&["ZINCRBY", "inf", "-inf", "a"]),
        "ERR resulting score is not a number (NaN)"
    );
    assert_eq!(show(&t.run(&["ZSCORE", "inf", "a"])), "inf");
}

#[test]
fn zadd_errors() {
    let mut t = T::new();
    assert_eq!(
        t.err(&["ZADD", "z", "NX", "XX", "1", "a"]),
        "ERR XX and NX options at the same time are not compatible"
    );
    for opts in [["GT", "LT"], ["NX", "GT"], ["LT", "NX"]] {
        assert_eq!(
            t.err(&["ZADD", "z", opts[0], opts[1], "1", "a"]),
            "ERR GT, LT, and/or NX options at the same time are not compatible"
        );
    }
    assert_eq!(
        t.err(&["ZADD", "z", "INCR", "1", "a", "2", "b"]),
        "ERR INCR option supports a single increment-element pair"
    );
    assert_eq!(t.err(&["ZADD", "z", "1", "a", "2"]), "ERR syntax error");
    assert_eq!(t.err(&["ZADD", "z", "NX", "CH"]), "ERR syntax error");
    for bad in [
        "nan", "x", "", " 1", "1 ", "1e400", "-1e400", "1e-400", "1\u{0}",
    ] {
        assert_eq!(
            t.err(&["ZADD", "z", "1", "a", bad, "b"]),
            "ERR value is not a valid float",
            "{bad:?}"
        );
    }
    // Nothing was added by the failed commands.
    assert_eq!(t.int(&["EXISTS", "z"]), 0);
    t.run(&["SET", "s", "x"]);
    assert_eq!(t.err(&["ZADD", "s", "1", "a"]), WRONGTYPE);
    assert_eq!(t.err(&["ZINCRBY", "s", "1", "a"]), WRONGTYPE);
    // strtod forms that Redis accepts.
    assert_eq!(
        t.int(&[
            "ZADD",
            "ok",
            "0x10",
            "h",
            "-inf",
            "n",
            "+Infinity",
            "p",
            ".5",
            "d"
        ]),
        4
    );
    assert_eq!(
        t.joined(&["ZRANGE", "ok", "0", "-1", "WITHSCORES"]),
        "n -inf d 0.5 h 16 p inf"
    );
}

#[test]
fn encodings_follow_the_thresholds() {
    let mut t = T::new();
    for i in 0..128 {
        t.run(&["ZADD", "z", &i.to_string(), &format!("m{i}")]);
    }
    assert_eq!(t.encoding("z"), "listpack");
    t.run(&["ZADD", "z", "1000", "one-more"]);
    assert_eq!(t.encoding("z"), "skiplist");
    // Removing elements never converts back.
    t.run(&["ZREMRANGEBYRANK", "z", "0", "-3"]);
    assert_eq!(t.encoding("z"), "skiplist");
    assert_eq!(t.int(&["ZCARD", "z"]), 2);

    t.run(&["ZADD", "long", "1", &"x".repeat(64)]);
    assert_eq!(t.encoding("long"), "listpack");
    t.run(&["ZADD", "long", "1", &"x".repeat(65)]);
    assert_eq!(t.encoding("long"), "skiplist");

    // A new key with more pairs than the limit starts as a skiplist.
    let mut cmd = vec!["ZADD".to_string(), "big".into()];
    for i in 0..129 {
        cmd.push(i.to_string());
        cmd.push(format!("e{i}"));
    }
    t.run(&cmd);
    assert_eq!(t.encoding("big"), "skiplist");

    t.run(&["CONFIG", "SET", "zset-max-listpack-entries", "2"]);
    t.run(&["ZADD", "small", "1", "a", "2", "b"]);
    assert_eq!(t.encoding("small"), "listpack");
    t.run(&["ZADD", "small", "3", "c"]);
    assert_eq!(t.encoding("small"), "skiplist");
    t.run(&["CONFIG", "SET", "zset-max-listpack-value", "3"]);
    t.run(&["ZADD", "v", "1", "abcd"]);
    assert_eq!(t.encoding("v"), "skiplist");
}

// ---------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------

const ABC: &[&[&str]] = &[&[
    "ZADD", "z", "1", "a", "2", "b", "2", "c", "3", "d", "4.5", "e", "-inf", "lo", "inf", "hi",
]];

#[test]
fn score_card_rank_in_both_encodings() {
    for mut t in both_encodings(ABC) {
        assert_eq!(t.int(&["ZCARD", "z"]), 7);
        assert_eq!(t.int(&["ZCARD", "nokey"]), 0);
        assert_eq!(show(&t.run(&["ZSCORE", "z", "e"])), "4.5");
        assert_eq!(t.run(&["ZSCORE", "z", "zz"]), Reply::Nil);
        assert_eq!(t.run(&["ZSCORE", "nokey", "a"]), Reply::Nil);
        assert_eq!(t.joined(&["ZMSCORE", "z", "a", "zz", "hi"]), "1 (nil) inf");
        assert_eq!(t.joined(&["ZMSCORE", "nokey", "a", "b"]), "(nil) (nil)");
        assert_eq!(t.int(&["ZRANK", "z", "lo"]), 0);
        assert_eq!(t.int(&["ZRANK", "z", "c"]), 3);
        assert_eq!(t.int(&["ZREVRANK", "z", "c"]), 3);
        assert_eq!(t.int(&["ZREVRANK", "z", "hi"]), 0);
        assert_eq!(t.run(&["ZRANK", "z", "zz"]), Reply::Nil);
        assert_eq!(t.joined(&["ZRANK", "z", "e", "WITHSCORE"]), "5 4.5");
        assert_eq!(t.run(&["ZRANK", "z", "zz", "WITHSCORE"]), Reply::NilArray);
        assert_eq!(
            t.run(&["ZREVRANK", "nokey", "zz", "withscore"]),
            Reply::NilArray
        );
        assert_eq!(
            t.err(&["ZRANK", "z", "e", "WITHSCORES"]),
            "ERR syntax error"
        );
        assert_eq!(
            t.err(&["ZRANK", "z", "e", "WITHSCORE", "x"]),
            "ERR wrong number of arguments for 'zrank' command"
        );
    }
}

#[test]
fn zrange_by_rank() {
    for mut t in both_encodings(ABC) {
        assert_eq!(t.joined(&["ZRANGE", "z", "0", "-1"]), "lo a b c d e hi");
        assert_eq!(
            t.joined(&["ZRANGE", "z", "1", "2", "WITHSCORES"]),
            "a 1 b 2"
        );
        assert_eq!(t.joined(&["ZRANGE", "z", "-2", "100"]), "e hi");
        assert_eq!(t.joined(&["ZRANGE", "z", "-100", "0"]), "lo");
        assert_eq!(t.joined(&["ZRANGE", "z", "5", "2"]), "");
        assert_eq!(t.joined(&["ZRANGE", "z", "7", "9"]), "");
        assert_eq!(t.joined(&["ZRANGE", "z", "0", "1", "REV"]), "hi e");
        assert_eq!(
            t.joined(&["ZREVRANGE", "z", "1", "3", "WITHSCORES"]),
            "e 4.5 d 3 c 2"
        );
        assert_eq!(
            t.joined(&["ZRANGE", "z", "-9223372036854775808", "9223372036854775807"]),
            "lo a b c d e hi"
        );
        assert_eq!(t.joined(&["ZRANGE", "nokey", "0", "-1"]), "");
        assert_eq!(
            t.err(&["ZRANGE", "z", "a", "1"]),
            "ERR value is not an integer or out of range"
        );
        assert_eq!(
            t.err(&["ZRANGE", "z", "0", "1", "LIMIT", "0", "1"]),
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
        );
        // LIMIT with a count of -1 is "no limit" and allowed even by rank.
        assert_eq!(
            t.joined(&["ZRANGE", "z", "0", "0", "LIMIT", "5", "-1"]),
            "lo"
        );
        assert_eq!(
            t.err(&["ZREVRANGE", "z", "0", "1", "REV"]),
            "ERR syntax error"
        );
        assert_eq!(
            t.err(&["ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX"]),
            "ERR syntax error"
        );
    }
}

#[test]
fn zrange_by_score() {
    for mut t in both_encodings(ABC) {
        assert_eq!(t.joined(&["ZRANGEBYSCORE", "z", "2", "3"]), "b c d");
        assert_eq!(t.joined(&["ZRANGEBYSCORE", "z", "(2", "3"]), "d");
        assert_eq!(t.joined(&["ZRANGEBYSCORE", "z", "2", "(3"]), "b c");
        assert_eq!(
            t.joined(&["ZRANGEBYSCORE", "z", "-inf", "+inf"]),
            "lo a b c d e hi"
        );
        assert_eq!(
            t.joined(&["ZRANGEBYSCORE", "z", "(-inf", "(inf"]),
            "a b c d e"
        );
        assert_eq!(t.joined(&["ZRANGEBYSCORE", "z", "(2", "(2"]), "");
        assert_eq!(t.joined(&["ZRANGEBYSCORE", "z", "3", "2"]), "");
        assert_eq!(
            t.joined(&[
                "ZRANGEBYSCORE",
                "z",
                "1",
                "4.5",
                "WITHSCORES",
                "LIMIT",
                "1",
                "2"
            ]),
            "b 2 c 2"
        );
        assert_eq!(
            t.joined(&["ZRANGEBYSCORE", "z", "1", "4.5", "LIMIT", "4", "10"]),
            "e"
        );
        assert_eq!(
            t.joined(&["ZRANGEBYSCORE", "z", "1", "4.5", "LIMIT", "5", "10"]),
            ""
        );
        assert_eq!(
            t.joined(&["ZRANGEBYSCORE", "z", "1", "4.5", "LIMIT", "0", "0"]),
            ""
        );
        assert_eq!(
            t.joined(&["ZRANGEBYSCORE", "z", "1", "4.5", "LIMIT", "0", "-1"]),
            "a b c d e"
        );
        assert_eq!(
            t.joined(&["ZRANGEBYSCORE", "z", "1", "4.5", "LIMIT", "-1", "3"]),
            ""
        );
        assert_eq!(t.joined(&["ZREVRANGEBYSCORE", "z", "3", "2"]), "d c b");
        assert_eq!(
            t.joined(&["ZREVRANGEBYSCORE", "z", "+inf", "(2", "LIMIT", "1", "2"]),
            "e d"
        );
        assert_eq!(
            t.joined(&["ZRANGE", "z", "(3", "2", "BYSCORE", "REV", "WITHSCORES"]),
            "c 2 b 2"
        );
        assert_eq!(
            t.joined(&["ZRANGE", "z", "2", "2", "BYSCORE", "LIMIT", "1", "1"]),
            "c"
        );
        // strtod quirks of the range parser.
        assert_eq!(t.joined(&["ZRANGEBYSCORE", "z", "", "1"]), "a");
        assert_eq!(t.joined(&["ZRANGEBYSCORE", "z", " 3", "0x4"]), "d");
        for bad in ["x", "1 ", "nan", "(nan", "((1", "[1"] {
            assert_eq!(
                t.err(&["ZRANGEBYSCORE", "z", bad, "1"]),
                "ERR min or max is not a float"
            );
            assert_eq!(
                t.err(&["ZCOUNT", "z", "1", bad]),
                "ERR min or max is not a float"
            );
        }
        assert_eq!(t.int(&["ZCOUNT", "z", "2", "3"]), 3);
        assert_eq!(t.int(&["ZCOUNT", "z", "-inf", "+inf"]), 7);
        assert_eq!(t.int(&["ZCOUNT", "z", "(4.5", "(inf"]), 0);
        assert_eq!(t.int(&["ZCOUNT", "nokey", "0", "1"]), 0);
    }
}

#[test]
fn zrange_by_lex() {
    let setup: &[&[&str]] = &[&[
        "ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "ee",
    ]];
    for mut t in both_encodings(setup) {
        assert_eq!(t.joined(&["ZRANGEBYLEX", "l", "-", "+"]), "a b c d e ee");
        assert_eq!(t.joined(&["ZRANGEBYLEX", "l", "[b", "(d"]), "b c");
        assert_eq!(t.joined(&["ZRANGEBYLEX", "l", "(b", "[e"]), "c d e");
        assert_eq!(
            t.joined(&["ZRANGEBYLEX", "l", "[e", "+", "LIMIT", "1", "5"]),
            "ee"
        );
        assert_eq!(
            t.joined(&["ZRANGEBYLEX", "l", "-", "+", "LIMIT", "-1", "5"]),
            ""
        );
        assert_eq!(
            t.joined(&["ZREVRANGEBYLEX", "l", "+", "-", "LIMIT", "1", "2"]),
            "e d"
        );
        assert_eq!(t.joined(&["ZREVRANGEBYLEX", "l", "(d", "[b"]), "c b");
        assert_eq!(
            t.joined(&["ZRANGE", "l", "[c", "[a", "BYLEX", "REV"]),
            "c b a"
        );
        assert_eq!(t.joined(&["ZRANGEBYLEX", "l", "+", "-"]), "");
        assert_eq!(t.joined(&["ZRANGEBYLEX", "l", "-", "-"]), "");
        assert_eq!(t.joined(&["ZRANGEBYLEX", "l", "[z", "+"]), "");
        assert_eq!(t.int(&["ZLEXCOUNT", "l", "[b", "[e"]), 4);
        assert_eq!(t.int(&["ZLEXCOUNT", "l", "-", "+"]), 6);
        assert_eq!(t.int(&["ZLEXCOUNT", "l", "(e", "+"]), 1);
        assert_eq!(t.int(&["ZLEXCOUNT", "nokey", "-", "+"]), 0);
        for bad in ["a", "", "+a", "-a"] {
            assert_eq!(
                t.err(&["ZRANGEBYLEX", "l", bad, "+"]),
                "ERR min or max not valid string range item"
            );
            assert_eq!(
                t.err(&["ZLEXCOUNT", "l", "-", bad]),
                "ERR min or max not valid string range item"
            );
        }
        assert_eq!(
            t.err(&["ZRANGE", "l", "-", "+", "BYLEX", "WITHSCORES"]),
            "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
        );
    }
}

#[test]
fn wrong_type_everywhere() {
    let mut t = T::new();
    t.run(&["SET", "s", "x"]);
    for cmd in [
        vec!["ZCARD", "s"],
        vec!["ZSCORE", "s", "a"],
        vec!["ZMSCORE", "s", "a"],
        vec!["ZRANK", "s", "a"],
        vec!["ZRANGE", "s", "0", "1"],
        vec!["ZRANGEBYSCORE", "s", "0", "1"],
        vec!["ZRANGEBYLEX", "s", "-", "+"],
        vec!["ZCOUNT", "s", "0", "1"],
        vec!["ZLEXCOUNT", "s", "-", "+"],
        vec!["ZREM", "s", "a"],
        vec!["ZREMRANGEBYRANK", "s", "0", "1"],
        vec!["ZREMRANGEBYSCORE", "s", "0", "1"],
        vec!["ZREMRANGEBYLEX", "s", "-", "+"],
        vec!["ZPOPMIN", "s"],
        vec!["ZMPOP", "1", "s", "MIN"],
        vec!["ZRANDMEMBER", "s"],
        vec!["ZRANDMEMBER", "s", "2"],
        vec!["ZSCAN", "s", "0"],
        vec!["ZUNION", "1", "s"],
        vec!["ZRANGESTORE", "d", "s", "0", "1"],
        vec!["BZPOPMIN", "s", "0"],
    ] {
        assert_eq!(t.err(&cmd), WRONGTYPE, "{cmd:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Removals
// ---------------------------------------------------------------------------------------

#[test]
fn zrem_and_remrange_delete_empty_keys() {
    for mut t in both_encodings(ABC) {
        assert_eq!(t.int(&["ZREM", "z", "a", "zz", "a"]), 1);
        assert_eq!(t.int(&["ZREM", "nokey", "a"]), 0);
        assert_eq!(t.int(&["ZREMRANGEBYSCORE", "z", "(2", "4.5"]), 2);
        assert_eq!(t.joined(&["ZRANGE", "z", "0", "-1"]), "lo b c hi");
        assert_eq!(t.int(&["ZREMRANGEBYRANK", "z", "-1", "-1"]), 1);
        assert_eq!(t.int(&["ZREMRANGEBYRANK", "z", "5", "10"]), 0);
        assert_eq!(t.int(&["ZREMRANGEBYRANK", "z", "2", "1"]), 0);
        assert_eq!(
            t.err(&["ZREMRANGEBYRANK", "z", "x", "1"]),
            "ERR value is not an integer or out of range"
        );
        assert_eq!(t.joined(&["ZRANGE", "z", "0", "-1"]), "lo b c");
        assert_eq!(
            t.int(&["ZREMRANGEBYLEX", "z", "[b", "[b"]),
            0,
            "lex on mixed scores stops at lo"
        );
        assert_eq!(t.int(&["ZREMRANGEBYRANK", "z", "0", "-1"]), 3);
        assert_eq!(t.int(&["EXISTS", "z"]), 0);
        t.run(&["ZADD", "l", "0", "a", "0", "b", "0", "c"]);
        assert_eq!(t.int(&["ZREMRANGEBYLEX", "l", "(a", "+"]), 2);
        assert_eq!(t.int(&["ZREMRANGEBYLEX", "l", "-", "+"]), 1);
        assert_eq!(t.int(&["EXISTS", "l"]), 0);
        assert_eq!(t.int(&["ZREMRANGEBYSCORE", "nokey", "-inf", "inf"]), 0);
    }
}

// ---------------------------------------------------------------------------------------
// ZRANGESTORE and set operations
// ---------------------------------------------------------------------------------------

#[test]
fn zrangestore_stores_and_deletes() {
    for mut t in both_encodings(ABC) {
        t.run(&["SET", "dst", "string"]);
        t.run(&["EXPIRE", "dst", "100"]);
        assert_eq!(t.int(&["ZRANGESTORE", "dst", "z", "1", "3"]), 3);
        assert_eq!(t.int(&["TTL", "dst"]), -1);
        assert_eq!(
            t.joined(&["ZRANGE", "dst", "0", "-1", "WITHSCORES"]),
            "a 1 b 2 c 2"
        );
        assert_eq!(
            t.int(&[
                "ZRANGESTORE",
                "dst",
                "z",
                "+inf",
                "(2",
                "BYSCORE",
                "REV",
                "LIMIT",
                "1",
                "2"
            ]),
            2
        );
        assert_eq!(
            t.joined(&["ZRANGE", "dst", "0", "-1", "WITHSCORES"]),
            "d 3 e 4.5"
        );
        t.run(&["ZADD", "lex", "0", "x", "0", "y"]);
        assert_eq!(t.int(&["ZRANGESTORE", "dst", "lex", "[y", "+", "BYLEX"]), 1);
        assert_eq!(t.joined(&["ZRANGE", "dst", "0", "-1"]), "y");
        assert_eq!(t.int(&["ZRANGESTORE", "dst", "z", "5", "1"]), 0);
        assert_eq!(t.int(&["EXISTS", "dst"]), 0);
        assert_eq!(t.int(&["ZRANGESTORE", "dst", "nokey", "0", "-1"]), 0);
        assert_eq!(
            t.err(&["ZRANGESTORE", "dst", "z", "0", "1", "WITHSCORES"]),
            "ERR syntax error"
        );
        // A stored result takes the listpack encoding when it fits.
        assert_eq!(t.int(&["ZRANGESTORE", "dst", "z", "0", "-1"]), 7);
        assert_eq!(
            t.encoding("dst"),
            if t.encoding("z") == "listpack" {
                "listpack"
            } else {
                "skiplist"
            }
        );
    }
}

#[test]
fn union_inter_diff_with_weights_and_aggregates() {
    let mut t = T::new();
    t.run(&["ZADD", "z1", "1", "a", "2", "b", "3", "c"]);
    t.run(&["ZADD", "z2", "10", "b", "20", "c", "30", "d"]);
    t.run(&["SADD", "s", "c", "d", "e"]);
    assert_eq!(
        t.joined(&["ZUNION", "2", "z1", "z2", "WITHSCORES"]),
        "a 1 b 12 c 23 d 30"
    );
    assert_eq!(
        t.joined(&["ZINTER", "2", "z1", "z2", "WITHSCORES"]),
        "b 12 c 23"
    );
    assert_eq!(t.joined(&["ZDIFF", "2", "z1", "z2", "WITHSCORES"]), "a 1");
    assert_eq!(
        t.joined(&[
            "ZUNION",
            "2",
            "z1",
            "z2",
            "WEIGHTS",
            "2",
            "0.5",
            "AGGREGATE",
            "MAX",
            "WITHSCORES"
        ]),
        "a 2 b 5 c 10 d 15"
    );
    assert_eq!(
        t.joined(&["ZINTER", "2", "z1", "z2", "AGGREGATE", "min", "WITHSCORES"]),
        "b 2 c 3"
    );
    // Plain sets count with score 1.
    assert_eq!(
        t.joined(&["ZUNION", "2", "z1", "s", "WITHSCORES"]),
        "a 1 d 1 e 1 b 2 c 4"
    );
    assert_eq!(
        t.joined(&["ZINTER", "3", "z1", "z2", "s", "WITHSCORES"]),
        "c 24"
    );
    assert_eq!(t.joined(&["ZDIFF", "2", "s", "z2"]), "e");
    assert_eq!(t.int(&["ZINTERCARD", "2", "z1", "s"]), 1);
    assert_eq!(t.int(&["ZINTERCARD", "2", "z1", "z2", "LIMIT", "1"]), 1);
    assert_eq!(t.int(&["ZINTERCARD", "2", "z1", "z2", "LIMIT", "0"]), 2);
    // The same key twice.
    assert_eq!(
        t.joined(&["ZINTER", "2", "z1", "z1", "WITHSCORES"]),
        "a 2 b 4 c 6"
    );
    assert_eq!(t.joined(&["ZDIFF", "2", "z1", "z1"]), "");
    // inf * 0 counts as 0; inf + -inf as 0.
    t.run(&["ZADD", "i1", "inf", "x"]);
    t.run(&["ZADD", "i2", "-inf", "x"]);
    assert_eq!(
        t.joined(&["ZUNION", "1", "i1", "WEIGHTS", "0", "WITHSCORES"]),
        "x 0"
    );
    assert_eq!(t.joined(&["ZUNION", "2", "i1", "i2", "WITHSCORES"]), "x 0");
    assert_eq!(
        t.joined(&["ZINTER", "2", "i1", "i2", "AGGREGATE", "MAX", "WITHSCORES"]),
        "x inf"
    );
    // Stores.
    assert_eq!(t.int(&["ZUNIONSTORE", "out", "2", "z1", "z2"]), 4);
    assert_eq!(
        t.joined(&["ZRANGE", "out", "0", "-1", "WITHSCORES"]),
        "a 1 b 12 c 23 d 30"
    );
    assert_eq!(t.encoding("out"), "listpack");
    assert_eq!(
        t.int(&["ZINTERSTORE", "out", "2", "z1", "z2", "WEIGHTS", "1", "0"]),
        2
    );
    assert_eq!(
        t.joined(&["ZRANGE", "out", "0", "-1", "WITHSCORES"]),
        "b 2 c 3"
    );
    assert_eq!(t.int(&["ZDIFFSTORE", "out", "2", "z1", "z1"]), 0);
    assert_eq!(t.int(&["EXISTS", "out"]), 0);
    assert_eq!(t.int(&["ZUNIONSTORE", "out", "1", "nokey"]), 0);
}

#[test]
fn setop_errors() {
    let mut t = T::new();
    t.run(&["ZADD", "z", "1", "a"]);
    t.run(&["SET", "str", "x"]);
    assert_eq!(
        t.err(&["ZUNION", "0", "z"]),
        "ERR at least 1 input key is needed for 'zunion' command"
    );
    assert_eq!(
        t.err(&["ZINTERSTORE", "d", "-1", "z"]),
        "ERR at least 1 input key is needed for 'zinterstore' command"
    );
    assert_eq!(
        t.err(&["ZUNION", "x", "z"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(t.err(&["ZUNION", "3", "z", "z"]), "ERR syntax error");
    assert_eq!(
        t.err(&["ZUNION", "2", "z", "str", "WEIGHTS", "x"]),
        WRONGTYPE
    );
    assert_eq!(
        t.err(&["ZUNION", "1", "z", "WEIGHTS", "x"]),
        "ERR weight value is not a float"
    );
    assert_eq!(
        t.err(&["ZUNION", "2", "z", "z", "WEIGHTS", "1"]),
        "ERR syntax error"
    );
    assert_eq!(
        t.err(&["ZUNION", "1", "z", "AGGREGATE", "avg"]),
        "ERR syntax error"
    );
    assert_eq!(
        t.err(&["ZDIFF", "1", "z", "WEIGHTS", "1"]),
        "ERR syntax error"
    );
    assert_eq!(
        t.err(&["ZUNIONSTORE", "d", "1", "z", "WITHSCORES"]),
        "ERR syntax error"
    );
    assert_eq!(
        t.err(&["ZINTERCARD", "1", "z", "LIMIT", "-1"]),
        "ERR LIMIT can't be negative"
    );
    assert_eq!(
        t.err(&["ZINTERCARD", "1", "z", "LIMIT", "x"]),
        "ERR LIMIT can't be negative"
    );
    assert_eq!(
        t.err(&["ZINTERCARD", "1", "z", "WITHSCORES"]),
        "ERR syntax error"
    );
    assert_eq!(
        t.err(&["ZUNION", "9223372036854775807", "z"]),
        "ERR syntax error"
    );
}

// ---------------------------------------------------------------------------------------
// Pops
// ---------------------------------------------------------------------------------------

#[test]
fn zpop_and_zmpop() {
    for mut t in both_encodings(ABC) {
        assert_eq!(t.joined(&["ZPOPMIN", "z"]), "lo -inf");
        assert_eq!(t.joined(&["ZPOPMAX", "z", "2"]), "hi inf e 4.5");
        assert_eq!(t.joined(&["ZPOPMIN", "z", "0"]), "");
        assert_eq!(t.joined(&["ZPOPMIN", "nokey"]), "");
        assert_eq!(
            t.err(&["ZPOPMIN", "z", "-1"]),
            "ERR value is out of range, must be positive"
        );
        assert_eq!(
            t.err(&["ZPOPMIN", "z", "x"]),
            "ERR value is out of range, must be positive"
        );
        assert_eq!(t.err(&["ZPOPMIN", "z", "1", "2"]), "ERR syntax error");
        assert_eq!(
            t.joined(&["ZMPOP", "2", "nokey", "z", "MIN", "COUNT", "2"]),
            "z [[a 1] [b 2]]"
        );
        assert_eq!(t.run(&["ZMPOP", "1", "nokey", "MAX"]), Reply::NilArray);
        assert_eq!(
            t.joined(&["ZMPOP", "1", "z", "max", "COUNT", "100"]),
            "z [[d 3] [c 2]]"
        );
        assert_eq!(t.int(&["EXISTS", "z"]), 0);
        for (cmd, e) in [
            (
                vec!["ZMPOP", "0", "z", "MIN"],
                "ERR numkeys should be greater than 0",
            ),
            (
                vec!["ZMPOP", "x", "z", "MIN"],
                "ERR numkeys should be greater than 0",
            ),
            (vec!["ZMPOP", "2", "z", "MIN"], "ERR syntax error"),
            (vec!["ZMPOP", "1", "z", "MID"], "ERR syntax error"),
            (
                vec!["ZMPOP", "1", "z", "MIN", "COUNT", "0"],
                "ERR count should be greater than 0",
            ),
            (vec!["ZMPOP", "1", "z", "MIN", "COUNT"], "ERR syntax error"),
            (
                vec!["ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "1"],
                "ERR syntax error",
            ),
            (
                vec!["ZMPOP", "9223372036854775807", "z", "MIN"],
                "ERR syntax error",
            ),
        ] {
            assert_eq!(t.err(&cmd), e, "{cmd:?}");
        }
    }
}

#[test]
fn pops_are_propagated_as_zpop() {
    let mut t = T::new();
    t.e.enable_propagation();
    t.run(&["ZADD", "z", "1", "a", "2", "b", "3", "c"]);
    t.run(&["ZMPOP", "1", "z", "MAX", "COUNT", "5"]);
    t.run(&["ZADD", "z", "1", "a", "2", "b"]);
    t.run(&["BZPOPMIN", "z", "0"]);
    t.run(&["BZMPOP", "0", "1", "z", "MIN", "COUNT", "3"]);
    t.run(&["ZPOPMIN", "z"]);
    let p: Vec<String> =
        t.e.take_propagated()
            .iter()
            .map(|c| {
                c.iter()
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
    assert_eq!(
        p,
        vec![
            "ZADD z 1 a 2 b 3 c",
            "ZPOPMAX z 3",
            "ZADD z 1 a 2 b",
            "ZPOPMIN z",
            "ZPOPMIN z 1",
        ]
    );
}

#[test]
fn blocking_pops_wait_serve_and_time_out() {
    let mut t = T::new();
    let w = t.e.connect();
    t.e.session_mut(w).expect("session").can_block = true;
    let bz = ArgvBuf::from_parts([&b"BZPOPMIN"[..], b"k1", b"k2", b"0"]);
    let mut out = Vec::new();
    assert!(matches!(
        t.e.execute_encoded(w, &bz.args(), &mut out),
        Exec::Blocked
    ));
    assert!(out.is_empty());
    t.run(&["ZADD", "k2", "5", "m", "6", "n"]);
    let served = t.e.serve_blocked();
    assert_eq!(served.len(), 1);
    assert_eq!(served[0].1, b"*3\r\n$2\r\nk2\r\n$1\r\nm\r\n$1\r\n5\r\n");
    assert_eq!(t.int(&["ZCARD", "k2"]), 1);

    // BZMPOP with a timeout: answered nil once the deadline passes.
    let bzm = ArgvBuf::from_parts([&b"BZMPOP"[..], b"0.5", b"1", b"e", b"MAX", b"COUNT", b"2"]);
    assert!(matches!(
        t.e.execute_encoded(w, &bzm.args(), &mut out),
        Exec::Blocked
    ));
    t.clock.set(T0 + 499);
    assert!(t.e.expire_blocked().is_empty());
    t.clock.set(T0 + 501);
    let timed_out = t.e.expire_blocked();
    assert_eq!(timed_out.len(), 1);
    assert_eq!(timed_out[0].1, b"*-1\r\n");

    // Served by a later ZADD.
    assert!(matches!(
        t.e.execute_encoded(w, &bzm.args(), &mut out),
        Exec::Blocked
    ));
    t.run(&["ZADD", "e", "1", "a", "2", "b", "3", "c"]);
    let served = t.e.serve_blocked();
    assert_eq!(
        served[0].1,
        b"*2\r\n$1\r\ne\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"
    );

    // Without the ability to block (embedded callers, MULTI) the timeout reply comes at once.
    assert_eq!(t.run(&["BZPOPMAX", "nothing", "0"]), Reply::NilArray);
    assert_eq!(
        t.run(&["BZMPOP", "0", "1", "nothing", "MIN"]),
        Reply::NilArray
    );
}

#[test]
fn blocking_timeout_errors() {
    let mut t = T::new();
    for (arg, e) in [
        ("-1", "ERR timeout is negative"),
        ("x", "ERR timeout is not a float or out of range"),
        (" 1", "ERR timeout is not a float or out of range"),
        ("", "ERR timeout is not a float or out of range"),
        ("nan", "ERR timeout is not a float or out of range"),
        ("inf", "ERR timeout is out of range"),
        ("-inf", "ERR timeout is negative"),
        ("9223372036854775", "ERR timeout is out of range"),
    ] {
        assert_eq!(t.err(&["BZPOPMIN", "k", arg]), e, "{arg:?}");
    }
    // BZMPOP checks numkeys and the rest before the timeout.
    assert_eq!(
        t.err(&["BZMPOP", "x", "0", "k", "MIN"]),
        "ERR numkeys should be greater than 0"
    );
    assert_eq!(
        t.err(&["BZMPOP", "x", "1", "k", "MIN"]),
        "ERR timeout is not a float or out of range"
    );
    // Hex timeouts are floats too.
    t.run(&["ZADD", "k", "1", "a"]);
    assert_eq!(t.joined(&["BZPOPMIN", "k", "0x10"]), "k a 1");
}

// ---------------------------------------------------------------------------------------
// ZRANDMEMBER, ZSCAN
// ---------------------------------------------------------------------------------------

#[test]
fn zrandmember_cases() {
    for mut t in both_encodings(ABC) {
        let all = ["lo", "a", "b", "c", "d", "e", "hi"];
        let one = show(&t.run(&["ZRANDMEMBER", "z"]));
        assert!(all.contains(&one.as_str()));
        assert_eq!(t.run(&["ZRANDMEMBER", "nokey"]), Reply::Nil);
        assert_eq!(t.joined(&["ZRANDMEMBER", "nokey", "3"]), "");
        assert_eq!(t.joined(&["ZRANDMEMBER", "z", "0"]), "");
        // At least the whole set: everything, highest first.
        assert_eq!(t.joined(&["ZRANDMEMBER", "z", "7"]), "hi e d c b a lo");
        assert_eq!(
            t.joined(&["ZRANDMEMBER", "z", "100", "WITHSCORES"]),
            "hi inf e 4.5 d 3 c 2 b 2 a 1 lo -inf"
        );
        // Distinct members below the size.
        for n in [1usize, 2, 3, 6] {
            let mut got = t.strs(&["ZRANDMEMBER", "z", &n.to_string()]);
            assert_eq!(got.len(), n);
            got.sort();
            got.dedup();
            assert_eq!(got.len(), n);
            assert!(got.iter().all(|m| all.contains(&m.as_str())));
        }
        // Negative: repetitions allowed, exact count.
        let got = t.strs(&["ZRANDMEMBER", "z", "-20", "WITHSCORES"]);
        assert_eq!(got.len(), 40);
        for pair in got.chunks(2) {
            let s = show(&t.run(&["ZSCORE", "z", &pair[0]]));
            assert_eq!(s, pair[1]);
        }
        assert_eq!(
            t.err(&["ZRANDMEMBER", "z", "-9223372036854775808"]),
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
        );
        assert_eq!(
            t.err(&["ZRANDMEMBER", "z", "-9223372036854775807", "WITHSCORES"]),
            "ERR value is out of range"
        );
        assert_eq!(
            t.err(&["ZRANDMEMBER", "z", "1", "WITHSCORE"]),
            "ERR syntax error"
        );
        assert_eq!(
            t.err(&["ZRANDMEMBER", "z", "1", "WITHSCORES", "x"]),
            "ERR syntax error"
        );
        assert_eq!(
            t.err(&["ZRANDMEMBER", "z", "x"]),
            "ERR value is not an integer or out of range"
        );
        // A huge negative count is refused instead of building an unbounded reply.
        assert_eq!(
            t.err(&["ZRANDMEMBER", "z", "-9223372036854775807"]),
            "ERR value is out of range"
        );
    }
}

#[test]
fn zscan_visits_everything() {
    let mut t = T::new();
    t.run(&["ZADD", "small", "1", "a", "2.5", "b", "3", "ab"]);
    assert_eq!(t.joined(&["ZSCAN", "small", "0"]), "0 [a 1 b 2.5 ab 3]");
    assert_eq!(
        t.joined(&["ZSCAN", "small", "0", "MATCH", "a*", "COUNT", "1"]),
        "0 [a 1 ab 3]"
    );
    assert_eq!(t.joined(&["ZSCAN", "nokey", "0"]), "0 []");
    assert_eq!(t.err(&["ZSCAN", "small", "x"]), "ERR invalid cursor");
    assert_eq!(
        t.err(&["ZSCAN", "small", "0", "COUNT", "0"]),
        "ERR syntax error"
    );
    assert_eq!(
        t.err(&["ZSCAN", "small", "0", "TYPE", "zset"]),
        "ERR syntax error"
    );
    assert_eq!(t.err(&["ZSCAN", "small", "0", "MATCH"]), "ERR syntax error");

    for i in 0..1000 {
        t.run(&["ZADD", "big", &i.to_string(), &format!("m{i}")]);
    }
    let mut seen = std::collections::HashSet::new();
    let mut cursor = "0".to_string();
    let mut rounds = 0;
    loop {
        let r = t.run(&["ZSCAN", "big", &cursor, "COUNT", "37"]);
        let Reply::Array(v) = r else {
            panic!("not an array")
        };
        cursor = show(&v[0]);
        let Reply::Array(items) = &v[1] else {
            panic!("no items")
        };
        for pair in items.chunks(2) {
            let m = show(&pair[0]);
            assert_eq!(format!("m{}", show(&pair[1])), m);
            seen.insert(m);
        }
        // Members removed during the scan are fine; the rest must still come back.
        if rounds == 3 {
            t.run(&["ZREM", "big", "m999", "m0"]);
        }
        rounds += 1;
        if cursor == "0" {
            break;
        }
        assert!(rounds < 1000);
    }
    for i in 1..999 {
        assert!(seen.contains(&format!("m{i}")), "m{i} missed");
    }
}

// ---------------------------------------------------------------------------------------
// RESP3 shapes and memory
// ---------------------------------------------------------------------------------------

#[test]
fn resp3_nests_scored_pairs() {
    let mut t = T::new();
    t.run(&["HELLO", "3"]);
    t.run(&["ZADD", "z", "1", "a", "2", "b"]);
    assert_eq!(
        t.joined(&["ZRANGE", "z", "0", "-1", "WITHSCORES"]),
        "[a 1] [b 2]"
    );
    assert_eq!(t.joined(&["ZRANGE", "z", "0", "-1"]), "a b");
    assert_eq!(t.joined(&["ZUNION", "1", "z", "WITHSCORES"]), "[a 1] [b 2]");
    assert_eq!(
        t.joined(&["ZRANDMEMBER", "z", "5", "WITHSCORES"]),
        "[b 2] [a 1]"
    );
    assert_eq!(t.joined(&["ZPOPMIN", "z"]), "a 1");
    t.run(&["ZADD", "z", "1", "a"]);
    assert_eq!(t.joined(&["ZPOPMIN", "z", "1"]), "[a 1]");
    assert_eq!(t.run(&["ZSCORE", "z", "b"]), Reply::Double(2.0));
}

#[test]
fn memory_returns_to_baseline() {
    let mut t = T::new();
    let base = t.e.state().dbs[0].ks.mem();
    for i in 0..300 {
        t.run(&["ZADD", "z", &i.to_string(), &format!("member-{i}")]);
    }
    let grown = t.e.state().dbs[0].ks.mem();
    assert!(grown > base + 300 * 8, "{grown} vs {base}");
    t.run(&["ZINCRBY", "z", "1000", "member-3"]);
    t.run(&["ZREMRANGEBYSCORE", "z", "0", "100"]);
    t.run(&["ZPOPMAX", "z", "50"]);
    for i in 0..300 {
        t.run(&["ZREM", "z", &format!("member-{i}")]);
    }
    assert_eq!(t.int(&["EXISTS", "z"]), 0);
    assert_eq!(t.e.state().dbs[0].ks.mem(), base);
}

#[test]
fn skiplist_matches_listpack_under_random_commands() {
    let mut rng = Rng::seeded(42);
    let mut ts = both_encodings(&[]);
    let cmds = |rng: &mut Rng| -> Vec<String> {
        let m = format!("m{}", rng.below(40));
        let s = format!("{}", rng.below(20) as i64 - 10);
        let s2 = format!("{}", rng.below(20) as i64 - 10);
        match rng.below(10) {
            0..=3 => vec!["ZADD".into(), "z".into(), s, m],
            4 => vec!["ZINCRBY".into(), "z".into(), s, m],
            5 => vec!["ZREM".into(), "z".into(), m],
            6 => vec![
                "ZRANGEBYSCORE".into(),
                "z".into(),
                s,
                s2,
                "WITHSCORES".into(),
            ],
            7 => vec!["ZRANGE".into(), "z".into(), s, s2, "WITHSCORES".into()],
            8 => vec!["ZRANK".into(), "z".into(), m, "WITHSCORE".into()],
            _ => vec!["ZCOUNT".into(), "z".into(), format!("({s}"), s2],
        }
    };
    for _ in 0..3000 {
        let c = cmds(&mut rng);
        let a = ts[0].run(&c);
        let b = ts[1].run(&c);
        assert_eq!(a, b, "{c:?}");
    }
    assert_eq!(ts[1].encoding("z"), "skiplist");
}

/// Argument soup for every sorted-set command: no panic, never an unknown-command error,
/// and the sets stay consistent (ZCARD agrees with a full ZRANGE).
#[test]
fn argument_soup_never_panics() {
    let words = [
        "z",
        "sl",
        "str",
        "nokey",
        "0",
        "1",
        "-1",
        "2",
        "3",
        "100",
        "-100",
        "1.5",
        "(1",
        "[a",
        "(a",
        "-",
        "+",
        "inf",
        "-inf",
        "nan",
        "",
        " ",
        "x",
        "9223372036854775807",
        "-9223372036854775808",
        "99999999999999999999",
        "1e400",
        "0x10",
        "WITHSCORES",
        "WITHSCORE",
        "LIMIT",
        "REV",
        "BYSCORE",
        "BYLEX",
        "NX",
        "XX",
        "GT",
        "LT",
        "CH",
        "INCR",
        "WEIGHTS",
        "AGGREGATE",
        "SUM",
        "MIN",
        "MAX",
        "COUNT",
        "MATCH",
        "*",
        "a",
        "b",
    ];
    let cmds = [
        "ZADD",
        "ZINCRBY",
        "ZSCORE",
        "ZMSCORE",
        "ZCARD",
        "ZCOUNT",
        "ZLEXCOUNT",
        "ZRANGE",
        "ZRANGESTORE",
        "ZREVRANGE",
        "ZRANGEBYSCORE",
        "ZREVRANGEBYSCORE",
        "ZRANGEBYLEX",
        "ZREVRANGEBYLEX",
        "ZRANK",
        "ZREVRANK",
        "ZREM",
        "ZREMRANGEBYRANK",
        "ZREMRANGEBYSCORE",
        "ZREMRANGEBYLEX",
        "ZUNION",
        "ZINTER",
        "ZDIFF",
        "ZUNIONSTORE",
        "ZINTERSTORE",
        "ZDIFFSTORE",
        "ZINTERCARD",
        "ZPOPMIN",
        "ZPOPMAX",
        "ZMPOP",
        "BZPOPMIN",
        "BZPOPMAX",
        "BZMPOP",
        "ZRANDMEMBER",
        "ZSCAN",
    ];
    let mut t = T::new();
    t.run(&["CONFIG", "SET", "zset-max-listpack-entries", "4"]);
    let mut rng = Rng::seeded(99);
    for round in 0..6000 {
        if round % 200 == 0 {
            t.run(&["ZADD", "z", "1", "a", "2", "b", "3", "c"]);
            t.run(&[
                "ZADD", "sl", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
            ]);
            t.run(&["SET", "str", "x"]);
        }
        let mut cmd = vec![cmds[rng.below(cmds.len() as u64) as usize].to_string()];
        for _ in 0..rng.below(9) {
            cmd.push(words[rng.below(words.len() as u64) as usize].to_string());
        }
        if let Reply::Error(e) = t.run(&cmd) {
            assert!(!e.contains("unknown command"), "{cmd:?}: {e}");
        }
        for key in ["z", "sl"] {
            if let Reply::Int(n) = t.run(&["ZCARD", key]) {
                let all = t.strs(&["ZRANGE", key, "0", "-1"]);
                assert_eq!(all.len() as i64, n, "after {cmd:?}");
            }
        }
    }
}

/// COPY clones a set (both encodings) independently; DUMP/RESTORE round-trips it.
#[test]
fn copy_and_dump_restore_keep_order_and_encoding() {
    for mut t in both_encodings(ABC) {
        let enc = t.encoding("z");
        assert_eq!(t.int(&["COPY", "z", "c"]), 1);
        assert_eq!(t.encoding("c"), enc);
        t.run(&["ZADD", "c", "0", "only-in-copy"]);
        t.run(&["ZINCRBY", "c", "100", "a"]);
        assert_eq!(t.int(&["ZCARD", "z"]), 7);
        assert_eq!(t.joined(&["ZRANGE", "z", "0", "2"]), "lo a b");
        assert_eq!(t.joined(&["ZRANGE", "c", "0", "2"]), "lo only-in-copy b");
        assert_eq!(t.int(&["ZRANK", "c", "a"]), 6);
        let Reply::Bulk(dump) = t.run(&["DUMP", "z"]) else {
            panic!("DUMP gave no payload")
        };
        let restore = [&b"RESTORE"[..], b"r", b"0", &dump];
        assert_eq!(t.run(&restore), Reply::Ok);
        assert_eq!(
            t.joined(&["ZRANGE", "r", "0", "-1", "WITHSCORES"]),
            t.joined(&["ZRANGE", "z", "0", "-1", "WITHSCORES"])
        );
    }
}
