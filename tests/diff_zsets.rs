//! Differential tests of the sorted-set commands against a real redis-server: every
//! command with its options and error cases (arity, wrong type, bad floats, NaN scores,
//! bad ranges, incompatible flags, huge counts), both encodings and the thresholds
//! between them, plain sets as ZUNION/ZINTER/ZDIFF inputs, blocking pops served by
//! another connection and timing out, and RESP3 reply shapes, compared byte for byte.
//!
//! Scores are chosen so that Redis 7.0's `%.17g` and 7.2's shortest formatting agree
//! (1.5, 2, 10, -3.25, inf...). Not covered here because the 7.0 oracle lacks or differs
//! from 7.2: `ZRANK ... WITHSCORE`, the `timeout is out of range` check for infinite
//! timeouts, and ZADD's early conversion of a listpack receiving many pairs; those are in
//! `engine_zsets.rs`.
#![cfg(feature = "native")]
mod common;

use common::{Pair, parse_bulk_array, show};

const WRONG: &[&str] = &["SET", "str", "x"];

/// A listpack set `lp` and the same elements in a skiplist set `sl`, on both servers.
fn setup(p: &mut Pair) {
    p.check(WRONG);
    let elems = [
        ("1", "a"),
        ("2", "b"),
        ("2", "c"),
        ("3", "d"),
        ("4.5", "e"),
        ("-inf", "lo"),
        ("inf", "hi"),
        ("-3.25", "neg"),
        ("10", "ten"),
    ];
    for key in ["lp", "sl"] {
        let mut cmd = vec!["ZADD", key];
        for (s, m) in elems {
            cmd.push(s);
            cmd.push(m);
        }
        p.check(&cmd);
    }
    // Push `sl` past the listpack value limit, then drop the long member.
    let long = "L".repeat(65);
    p.check(&["ZADD", "sl", "100", &long]);
    p.check(&["ZREM", "sl", &long]);
    p.check(&["OBJECT", "ENCODING", "lp"]);
    p.check(&["OBJECT", "ENCODING", "sl"]);
}

#[test]
fn zadd_options_and_errors() {
    let mut p = Pair::new();
    p.check(WRONG);
    p.check_all(&[
        &["ZADD", "z", "1", "a", "2", "b"],
        &["ZADD", "z", "1", "a", "3", "b", "4", "c"],
        &["ZADD", "z", "CH", "1", "a", "5", "b", "6", "d"],
        &["ZADD", "z", "nx", "10", "a", "10", "e"],
        &["ZADD", "z", "XX", "10", "a", "10", "f"],
        &["ZADD", "z", "XX", "CH", "11", "a", "10", "f"],
        &["ZADD", "z", "GT", "CH", "1", "a", "12", "b"],
        &["ZADD", "z", "LT", "CH", "1", "a", "12", "b", "7", "g"],
        &["ZADD", "z", "XX", "GT", "CH", "100", "a", "1", "b"],
        &["ZADD", "z", "XX", "LT", "CH", "100", "a", "1", "b"],
        &["ZADD", "z", "INCR", "1.5", "a"],
        &["ZADD", "z", "INCR", "-3.25", "new"],
        &["ZADD", "z", "NX", "INCR", "1", "a"],
        &["ZADD", "z", "XX", "INCR", "1", "nope"],
        &["ZADD", "z", "GT", "INCR", "-1", "a"],
        &["ZADD", "z", "LT", "INCR", "-1", "a"],
        &["ZADD", "z", "INCR", "0", "a"],
        &["ZADD", "z", "ch", "incr", "2", "a"],
        &["ZADD", "z", "1", "m", "2", "m", "3", "m"],
        &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        &["ZADD", "nokey", "XX", "1", "a"],
        &["ZADD", "nokey", "XX", "INCR", "1", "a"],
        &["EXISTS", "nokey"],
        // Errors.
        &["ZADD", "z", "NX", "XX", "1", "a"],
        &["ZADD", "z", "GT", "LT", "1", "a"],
        &["ZADD", "z", "NX", "GT", "1", "a"],
        &["ZADD", "z", "NX", "LT", "1", "a"],
        &["ZADD", "z", "INCR", "1", "a", "2", "b"],
        &["ZADD", "z", "1", "a", "2"],
        &["ZADD", "z", "NX", "CH"],
        &["ZADD", "z", "1"],
        &["ZADD", "z"],
        &["ZADD", "z", "nan", "a"],
        &["ZADD", "z", "x", "a"],
        &["ZADD", "z", "", "a"],
        &["ZADD", "z", " 1", "a"],
        &["ZADD", "z", "1 ", "a"],
        &["ZADD", "z", "1e400", "a"],
        &["ZADD", "z", "1e-400", "a"],
        &["ZADD", "z", "1", "ok", "bad", "b"],
        &["ZSCORE", "z", "ok"],
        &["ZADD", "str", "1", "a"],
        &["ZADD", "str", "XX", "1", "a"],
        // strtod forms Redis accepts.
        &[
            "ZADD", "f", "0x10", "h", "-inf", "n", "+inf", "p", ".5", "d", "5.", "e", "1E2", "g",
        ],
        &["ZRANGE", "f", "0", "-1", "WITHSCORES"],
        // ZINCRBY.
        &["ZINCRBY", "z", "2", "a"],
        &["ZINCRBY", "z", "-10", "brand-new"],
        &["ZINCRBY", "z", "x", "a"],
        &["ZINCRBY", "z", "nx", "a"],
        &["ZINCRBY", "z", "1"],
        &["ZINCRBY", "str", "1", "a"],
        &["ZADD", "inf", "inf", "a"],
        &["ZINCRBY", "inf", "-inf", "a"],
        &["ZADD", "inf", "INCR", "-inf", "a"],
        &["ZINCRBY", "inf", "inf", "a"],
        &["ZSCORE", "inf", "a"],
        &["ZADD", "inf", "-inf", "a", "inf", "b"],
        &["ZRANGE", "inf", "0", "-1", "WITHSCORES"],
    ]);
}

#[test]
fn encodings_and_thresholds() {
    let mut p = Pair::new();
    for i in 0..128 {
        p.check(&["ZADD", "z", &i.to_string(), &format!("m{i}")]);
    }
    p.check(&["OBJECT", "ENCODING", "z"]);
    p.check(&["ZADD", "z", "1000", "extra"]);
    p.check(&["OBJECT", "ENCODING", "z"]);
    p.check(&["ZREMRANGEBYRANK", "z", "0", "-3"]);
    p.check(&["OBJECT", "ENCODING", "z"]);
    p.check(&["ZRANGE", "z", "0", "-1", "WITHSCORES"]);
    let long64 = "x".repeat(64);
    let long65 = "y".repeat(65);
    p.check(&["ZADD", "v", "1", &long64]);
    p.check(&["OBJECT", "ENCODING", "v"]);
    p.check(&["ZADD", "v", "2", &long65]);
    p.check(&["OBJECT", "ENCODING", "v"]);
    p.check(&["ZADD", "v2", "2", &long65]);
    p.check(&["OBJECT", "ENCODING", "v2"]);
    p.check(&["CONFIG", "SET", "zset-max-listpack-entries", "3"]);
    p.check(&["CONFIG", "SET", "zset-max-listpack-value", "4"]);
    p.check_all(&[
        &["ZADD", "s", "1", "a", "2", "b", "3", "c"],
        &["OBJECT", "ENCODING", "s"],
        &["ZADD", "s", "4", "d"],
        &["OBJECT", "ENCODING", "s"],
        &["ZADD", "t", "1", "abcd"],
        &["OBJECT", "ENCODING", "t"],
        &["ZADD", "t", "1", "abcde"],
        &["OBJECT", "ENCODING", "t"],
        &["ZADD", "u", "1", "a", "2", "b", "3", "c", "4", "d"],
        &["OBJECT", "ENCODING", "u"],
        &["CONFIG", "SET", "zset-max-listpack-entries", "0"],
        &["ZADD", "w", "1", "a"],
        &["OBJECT", "ENCODING", "w"],
        &["CONFIG", "GET", "zset-max-ziplist-entries"],
    ]);
}

#[test]
fn reads_in_both_encodings() {
    let mut p = Pair::new();
    setup(&mut p);
    for k in ["lp", "sl"] {
        p.check_all(&[
            &["ZCARD", k],
            &["ZSCORE", k, "e"],
            &["ZSCORE", k, "zz"],
            &["ZMSCORE", k, "a", "zz", "hi", "neg"],
            &["ZRANK", k, "lo"],
            &["ZRANK", k, "c"],
            &["ZRANK", k, "zz"],
            &["ZREVRANK", k, "c"],
            &["ZREVRANK", k, "hi"],
            &["ZCOUNT", k, "2", "3"],
            &["ZCOUNT", k, "(2", "3"],
            &["ZCOUNT", k, "-inf", "+inf"],
            &["ZCOUNT", k, "(-inf", "(+inf"],
            &["ZCOUNT", k, "(4.5", "(10"],
            &["ZCOUNT", k, "3", "2"],
            &["ZCOUNT", k, "", "1"],
            &["ZCOUNT", k, "x", "1"],
            &["ZCOUNT", k, "1", "nan"],
            &["ZCOUNT", k, "[1", "2"],
            &["ZLEXCOUNT", k, "-", "+"],
            &["ZLEXCOUNT", k, "[a", "[c"],
            &["ZLEXCOUNT", k, "a", "[c"],
            &["ZLEXCOUNT", k, "-", "+x"],
        ]);
    }
    p.check_all(&[
        &["ZCARD", "nokey"],
        &["ZSCORE", "nokey", "a"],
        &["ZMSCORE", "nokey", "a", "b"],
        &["ZRANK", "nokey", "a"],
        &["ZCOUNT", "nokey", "0", "1"],
        &["ZLEXCOUNT", "nokey", "-", "+"],
        &["ZCARD", "str"],
        &["ZSCORE", "str", "a"],
        &["ZMSCORE", "str", "a"],
        &["ZRANK", "str", "a"],
        &["ZREVRANK", "str", "a"],
        &["ZCOUNT", "str", "0", "1"],
        &["ZCOUNT", "str", "x", "1"],
        &["ZLEXCOUNT", "str", "-", "+"],
        &["ZCARD"],
        &["ZCARD", "a", "b"],
        &["ZSCORE", "a"],
        &["ZMSCORE", "a"],
        &["ZCOUNT", "a", "1"],
        &["ZRANK", "a"],
    ]);
}

#[test]
fn zrange_family() {
    let mut p = Pair::new();
    setup(&mut p);
    p.check(&[
        "ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "ee",
    ]);
    p.check(&["CONFIG", "SET", "zset-max-listpack-entries", "0"]);
    p.check(&[
        "ZADD", "lexsl", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "ee",
    ]);
    p.check(&["OBJECT", "ENCODING", "lexsl"]);
    for k in ["lp", "sl"] {
        let cmds: Vec<Vec<&str>> = vec![
            vec!["ZRANGE", k, "0", "-1"],
            vec!["ZRANGE", k, "0", "-1", "WITHSCORES"],
            vec!["ZRANGE", k, "2", "4", "withscores"],
            vec!["ZRANGE", k, "-2", "100"],
            vec!["ZRANGE", k, "-100", "0"],
            vec!["ZRANGE", k, "5", "2"],
            vec!["ZRANGE", k, "9", "12"],
            vec!["ZRANGE", k, "-9223372036854775808", "9223372036854775807"],
            vec!["ZRANGE", k, "0", "2", "REV"],
            vec!["ZRANGE", k, "0", "2", "REV", "WITHSCORES"],
            vec!["ZRANGE", k, "0", "0", "LIMIT", "5", "-1"],
            vec!["ZREVRANGE", k, "1", "3"],
            vec!["ZREVRANGE", k, "1", "3", "WITHSCORES"],
            vec!["ZRANGE", k, "2", "3", "BYSCORE"],
            vec!["ZRANGE", k, "(2", "3", "BYSCORE", "WITHSCORES"],
            vec!["ZRANGE", k, "3", "(2", "BYSCORE", "REV"],
            vec!["ZRANGE", k, "-inf", "+inf", "BYSCORE", "LIMIT", "2", "3"],
            vec![
                "ZRANGE",
                k,
                "+inf",
                "-inf",
                "BYSCORE",
                "REV",
                "LIMIT",
                "2",
                "3",
                "WITHSCORES",
            ],
            vec!["ZRANGEBYSCORE", k, "2", "3"],
            vec!["ZRANGEBYSCORE", k, "2", "(3"],
            vec!["ZRANGEBYSCORE", k, "-inf", "+inf", "WITHSCORES"],
            vec!["ZRANGEBYSCORE", k, "(-inf", "(inf"],
            vec!["ZRANGEBYSCORE", k, "(2", "(2"],
            vec!["ZRANGEBYSCORE", k, "3", "2"],
            vec![
                "ZRANGEBYSCORE",
                k,
                "1",
                "10",
                "WITHSCORES",
                "LIMIT",
                "1",
                "2",
            ],
            vec!["ZRANGEBYSCORE", k, "1", "10", "LIMIT", "5", "10"],
            vec!["ZRANGEBYSCORE", k, "1", "10", "LIMIT", "6", "10"],
            vec!["ZRANGEBYSCORE", k, "1", "10", "LIMIT", "100", "10"],
            vec!["ZRANGEBYSCORE", k, "1", "10", "LIMIT", "0", "0"],
            vec!["ZRANGEBYSCORE", k, "1", "10", "LIMIT", "0", "-1"],
            vec!["ZRANGEBYSCORE", k, "1", "10", "LIMIT", "0", "-5"],
            vec!["ZRANGEBYSCORE", k, "1", "10", "LIMIT", "-1", "3"],
            vec!["ZRANGEBYSCORE", k, "1", "10", "LIMIT", "1"],
            vec!["ZRANGEBYSCORE", k, "1", "10", "LIMIT", "x", "1"],
            vec![
                "ZRANGEBYSCORE",
                k,
                "1",
                "10",
                "LIMIT",
                "1",
                "1",
                "LIMIT",
                "2",
                "2",
            ],
            vec!["ZRANGEBYSCORE", k, "", "1"],
            vec!["ZRANGEBYSCORE", k, " 3", "0x4"],
            vec!["ZRANGEBYSCORE", k, "(", "1e400"],
            vec!["ZRANGEBYSCORE", k, "1e-400", "5"],
            vec!["ZRANGEBYSCORE", k, "x", "1"],
            vec!["ZRANGEBYSCORE", k, "1 ", "2"],
            vec!["ZRANGEBYSCORE", k, "((1", "2"],
            vec!["ZRANGEBYSCORE", k, "1", "nan"],
            vec!["ZRANGEBYSCORE", k, "1", "2", "BYSCORE"],
            vec!["ZRANGEBYSCORE", k, "1", "2", "REV"],
            vec!["ZREVRANGEBYSCORE", k, "3", "2"],
            vec!["ZREVRANGEBYSCORE", k, "+inf", "(2", "LIMIT", "1", "2"],
            vec![
                "ZREVRANGEBYSCORE",
                k,
                "+inf",
                "-inf",
                "WITHSCORES",
                "LIMIT",
                "3",
                "-1",
            ],
            vec!["ZRANGE", k, "0", "1", "LIMIT", "0", "1"],
            vec!["ZRANGE", k, "0", "1", "BYSCORE", "BYLEX"],
            vec!["ZRANGE", k, "0", "1", "BYLEX", "WITHSCORES"],
            vec!["ZRANGE", k, "0", "1", "BOGUS"],
            vec!["ZRANGE", k, "a", "1"],
            vec!["ZRANGE", k, "0", "1", "REV", "REV"],
            vec!["ZREVRANGE", k, "0", "1", "REV"],
            vec!["ZREVRANGE", k, "0", "1", "LIMIT", "0", "1"],
        ];
        for c in cmds {
            p.check(&c);
        }
    }
    for k in ["lex", "lexsl"] {
        let cmds: Vec<Vec<&str>> = vec![
            vec!["ZRANGEBYLEX", k, "-", "+"],
            vec!["ZRANGEBYLEX", k, "[b", "(d"],
            vec!["ZRANGEBYLEX", k, "(b", "[e"],
            vec!["ZRANGEBYLEX", k, "[e", "+", "LIMIT", "1", "5"],
            vec!["ZRANGEBYLEX", k, "-", "+", "LIMIT", "-1", "5"],
            vec!["ZRANGEBYLEX", k, "-", "+", "LIMIT", "2", "-1"],
            vec!["ZRANGEBYLEX", k, "+", "-"],
            vec!["ZRANGEBYLEX", k, "-", "-"],
            vec!["ZRANGEBYLEX", k, "[z", "+"],
            vec!["ZRANGEBYLEX", k, "[a", "[a"],
            vec!["ZRANGEBYLEX", k, "(a", "[a"],
            vec!["ZRANGEBYLEX", k, "[", "+"],
            vec!["ZRANGEBYLEX", k, "(", "(e"],
            vec!["ZRANGEBYLEX", k, "a", "+"],
            vec!["ZRANGEBYLEX", k, "", "+"],
            vec!["ZRANGEBYLEX", k, "-", "+x"],
            vec!["ZRANGEBYLEX", k, "-", "+", "WITHSCORES"],
            vec!["ZREVRANGEBYLEX", k, "+", "-", "LIMIT", "1", "2"],
            vec!["ZREVRANGEBYLEX", k, "(d", "[b"],
            vec!["ZREVRANGEBYLEX", k, "-", "+"],
            vec!["ZRANGE", k, "[c", "[a", "BYLEX", "REV"],
            vec!["ZRANGE", k, "-", "+", "BYLEX", "LIMIT", "1", "2"],
            vec!["ZRANGE", k, "-", "+", "BYLEX", "WITHSCORES"],
            vec!["ZLEXCOUNT", k, "[b", "[e"],
            vec!["ZLEXCOUNT", k, "(e", "+"],
            vec!["ZLEXCOUNT", k, "+", "-"],
        ];
        for c in cmds {
            p.check(&c);
        }
    }
    p.check_all(&[
        &["ZRANGE", "nokey", "0", "-1"],
        &["ZRANGEBYSCORE", "nokey", "0", "1"],
        &["ZRANGEBYLEX", "nokey", "-", "+"],
        &["ZRANGE", "str", "0", "-1"],
        &["ZRANGEBYSCORE", "str", "0", "1"],
        &["ZRANGEBYSCORE", "str", "x", "1"],
        &["ZREVRANGEBYLEX", "str", "+", "-"],
        &["ZRANGE", "k", "0"],
        &["ZRANGEBYLEX", "k", "-"],
    ]);
}

#[test]
fn zrangestore_results() {
    let mut p = Pair::new();
    setup(&mut p);
    p.check_all(&[
        &["SET", "dst", "string"],
        &["EXPIRE", "dst", "100"],
        &["ZRANGESTORE", "dst", "lp", "1", "3"],
        &["TTL", "dst"],
        &["TYPE", "dst"],
        &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
        &["OBJECT", "ENCODING", "dst"],
        &[
            "ZRANGESTORE",
            "dst",
            "sl",
            "+inf",
            "(2",
            "BYSCORE",
            "REV",
            "LIMIT",
            "1",
            "2",
        ],
        &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
        &["OBJECT", "ENCODING", "dst"],
        &["ZRANGESTORE", "dst", "sl", "0", "-1"],
        &["OBJECT", "ENCODING", "dst"],
        &["ZADD", "lex", "0", "x", "0", "y", "0", "z"],
        &["ZRANGESTORE", "dst", "lex", "[y", "+", "BYLEX"],
        &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
        &["ZRANGESTORE", "dst", "lp", "5", "1"],
        &["EXISTS", "dst"],
        &["ZRANGESTORE", "dst", "nokey", "0", "-1"],
        &["ZRANGESTORE", "dst", "lp", "0", "1", "WITHSCORES"],
        &["ZRANGESTORE", "dst", "lp", "0", "1", "LIMIT", "0", "1"],
        &["ZRANGESTORE", "dst", "str", "0", "1"],
        &["ZRANGESTORE", "str", "lp", "0", "1"],
        &["TYPE", "str"],
        &["ZRANGESTORE", "dst", "lp", "0"],
    ]);
}

#[test]
fn removals() {
    let mut p = Pair::new();
    setup(&mut p);
    for k in ["lp", "sl"] {
        let cmds: Vec<Vec<&str>> = vec![
            vec!["ZREM", k, "a", "zz", "a"],
            vec!["ZREMRANGEBYSCORE", k, "(2", "4.5"],
            vec!["ZRANGE", k, "0", "-1", "WITHSCORES"],
            vec!["ZREMRANGEBYSCORE", k, "x", "1"],
            vec!["ZREMRANGEBYSCORE", k, "5", "1"],
            vec!["ZREMRANGEBYRANK", k, "-1", "-1"],
            vec!["ZREMRANGEBYRANK", k, "50", "100"],
            vec!["ZREMRANGEBYRANK", k, "2", "1"],
            vec!["ZREMRANGEBYRANK", k, "x", "1"],
            vec!["ZREMRANGEBYRANK", k, "-100", "0"],
            vec!["ZRANGE", k, "0", "-1", "WITHSCORES"],
            vec!["ZREMRANGEBYLEX", k, "[b", "[b"],
            vec!["ZREMRANGEBYLEX", k, "x", "[b"],
            vec!["ZREMRANGEBYRANK", k, "0", "-1"],
            vec!["EXISTS", k],
        ];
        for c in cmds {
            p.check(&c);
        }
    }
    p.check_all(&[
        &["ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d"],
        &["ZREMRANGEBYLEX", "l", "(a", "[c"],
        &["ZRANGE", "l", "0", "-1"],
        &["ZREMRANGEBYLEX", "l", "-", "+"],
        &["EXISTS", "l"],
        &["ZADD", "r", "1", "a", "2", "b"],
        &["ZREM", "r", "a", "b", "c"],
        &["EXISTS", "r"],
        &["ZREM", "nokey", "a"],
        &["ZREMRANGEBYSCORE", "nokey", "-inf", "inf"],
        &["ZREMRANGEBYLEX", "nokey", "-", "+"],
        &["ZREMRANGEBYRANK", "nokey", "0", "-1"],
        &["ZREM", "str", "a"],
        &["ZREMRANGEBYRANK", "str", "0", "1"],
        &["ZREMRANGEBYSCORE", "str", "0", "1"],
        &["ZREMRANGEBYLEX", "str", "-", "+"],
        &["ZREM", "k"],
        &["ZREMRANGEBYRANK", "k", "0"],
    ]);
}

#[test]
fn set_operations() {
    let mut p = Pair::new();
    p.check(WRONG);
    p.check_all(&[
        &["ZADD", "z1", "1", "a", "2", "b", "3", "c"],
        &["ZADD", "z2", "10", "b", "20", "c", "30", "d"],
        &["SADD", "s", "c", "d", "e"],
        &["SADD", "ints", "1", "2", "3"],
        &["ZADD", "zi", "1.5", "1", "-3.25", "2", "10", "9"],
        &["ZUNION", "2", "z1", "z2"],
        &["ZUNION", "2", "z1", "z2", "WITHSCORES"],
        &["ZINTER", "2", "z1", "z2", "WITHSCORES"],
        &["ZDIFF", "2", "z1", "z2", "WITHSCORES"],
        &["ZDIFF", "2", "z2", "z1"],
        &[
            "ZUNION",
            "2",
            "z1",
            "z2",
            "WEIGHTS",
            "2",
            "0.5",
            "AGGREGATE",
            "MAX",
            "WITHSCORES",
        ],
        &["ZUNION", "2", "z1", "z2", "AGGREGATE", "MIN", "WITHSCORES"],
        &["ZINTER", "2", "z1", "z2", "AGGREGATE", "min", "WITHSCORES"],
        &[
            "ZINTER",
            "2",
            "z1",
            "z2",
            "WEIGHTS",
            "-1",
            "1",
            "WITHSCORES",
        ],
        &["ZUNION", "2", "z1", "s", "WITHSCORES"],
        &["ZINTER", "3", "z1", "z2", "s", "WITHSCORES"],
        &["ZDIFF", "2", "s", "z2"],
        &["ZUNION", "2", "ints", "zi", "WITHSCORES"],
        &[
            "ZINTER",
            "2",
            "ints",
            "zi",
            "WEIGHTS",
            "10",
            "1",
            "WITHSCORES",
        ],
        &["ZDIFF", "2", "zi", "ints", "WITHSCORES"],
        &["ZUNION", "3", "z1", "nokey", "z2", "WITHSCORES"],
        &["ZINTER", "2", "z1", "nokey"],
        &["ZDIFF", "2", "nokey", "z1"],
        &["ZINTERCARD", "2", "z1", "z2"],
        &["ZINTERCARD", "2", "z1", "s"],
        &["ZINTERCARD", "2", "z1", "z2", "LIMIT", "1"],
        &["ZINTERCARD", "2", "z1", "z2", "LIMIT", "0"],
        &["ZINTERCARD", "2", "z1", "nokey"],
        &["ZINTER", "2", "z1", "z1", "WITHSCORES"],
        &["ZUNION", "2", "z1", "z1", "WITHSCORES"],
        &["ZDIFF", "2", "z1", "z1"],
        &["ZADD", "i1", "inf", "x", "1", "y"],
        &["ZADD", "i2", "-inf", "x", "2", "y"],
        &["ZUNION", "1", "i1", "WEIGHTS", "0", "WITHSCORES"],
        &["ZUNION", "2", "i1", "i2", "WITHSCORES"],
        &["ZINTER", "2", "i1", "i2", "WITHSCORES"],
        &["ZINTER", "2", "i1", "i2", "AGGREGATE", "MAX", "WITHSCORES"],
        &["ZINTER", "2", "i1", "i1", "WEIGHTS", "1", "0", "WITHSCORES"],
        // Stores.
        &["ZUNIONSTORE", "out", "2", "z1", "z2"],
        &["ZRANGE", "out", "0", "-1", "WITHSCORES"],
        &["OBJECT", "ENCODING", "out"],
        &["ZINTERSTORE", "out", "2", "z1", "z2", "WEIGHTS", "1", "0"],
        &["ZRANGE", "out", "0", "-1", "WITHSCORES"],
        &["ZDIFFSTORE", "out", "2", "z2", "s"],
        &["ZRANGE", "out", "0", "-1", "WITHSCORES"],
        &["ZDIFFSTORE", "out", "2", "z1", "z1"],
        &["EXISTS", "out"],
        &["ZUNIONSTORE", "out", "1", "nokey"],
        &["ZUNIONSTORE", "str", "1", "z1"],
        &["TYPE", "str"],
        &["SET", "str", "x"],
        &["ZINTERSTORE", "z1copy", "1", "z1"],
        &["ZRANGE", "z1copy", "0", "-1", "WITHSCORES"],
        // Errors.
        &["ZUNION", "0", "z1"],
        &["ZINTER", "-1", "z1"],
        &["ZDIFF", "0", "z1"],
        &["ZUNIONSTORE", "d", "0", "z1"],
        &["ZINTERSTORE", "d", "0", "z1"],
        &["ZDIFFSTORE", "d", "0", "z1"],
        &["ZINTERCARD", "0", "z1"],
        &["ZUNION", "x", "z1"],
        &["ZUNION", "3", "z1", "z2"],
        &["ZUNION", "9223372036854775807", "z1"],
        &["ZUNION", "2", "z1", "str"],
        &["ZUNION", "2", "z1", "str", "WEIGHTS", "x"],
        &["ZUNION", "1", "z1", "WEIGHTS", "x"],
        &["ZUNION", "1", "z1", "WEIGHTS", "nan"],
        &["ZUNION", "2", "z1", "z2", "WEIGHTS", "1"],
        &["ZUNION", "1", "z1", "AGGREGATE", "avg"],
        &["ZUNION", "1", "z1", "AGGREGATE"],
        &["ZUNION", "1", "z1", "bogus"],
        &["ZDIFF", "1", "z1", "WEIGHTS", "1"],
        &["ZDIFF", "1", "z1", "AGGREGATE", "SUM"],
        &["ZUNIONSTORE", "d", "1", "z1", "WITHSCORES"],
        &["ZINTERCARD", "1", "z1", "LIMIT", "-1"],
        &["ZINTERCARD", "1", "z1", "LIMIT", "x"],
        &["ZINTERCARD", "1", "z1", "LIMIT"],
        &["ZINTERCARD", "1", "z1", "WITHSCORES"],
        &["ZINTERCARD", "1", "z1", "WEIGHTS", "1"],
        &["ZINTERCARD", "2", "z1", "str"],
        &["ZUNION", "1"],
        &["ZUNIONSTORE", "d", "1"],
    ]);
    // A big union stored as a skiplist, and one stored small from big inputs.
    for i in 0..200 {
        p.check(&["ZADD", "big", &i.to_string(), &format!("m{i}")]);
    }
    p.check_all(&[
        &["ZUNIONSTORE", "out", "2", "big", "z1"],
        &["OBJECT", "ENCODING", "out"],
        &["ZCARD", "out"],
        &["ZINTERSTORE", "out", "2", "big", "big"],
        &["OBJECT", "ENCODING", "out"],
        &["ZRANGE", "out", "0", "4", "WITHSCORES"],
        &["ZADD", "big2", "1", "m1", "2", "m2"],
        &["ZINTERSTORE", "out", "2", "big", "big2"],
        &["OBJECT", "ENCODING", "out"],
        &["ZRANGE", "out", "0", "-1", "WITHSCORES"],
    ]);
}

#[test]
fn pops() {
    let mut p = Pair::new();
    setup(&mut p);
    for k in ["lp", "sl"] {
        let cmds: Vec<Vec<&str>> = vec![
            vec!["ZPOPMIN", k],
            vec!["ZPOPMAX", k, "2"],
            vec!["ZPOPMIN", k, "0"],
            vec!["ZPOPMIN", k, "-1"],
            vec!["ZPOPMIN", k, "x"],
            vec!["ZPOPMIN", k, "1", "2"],
            vec!["ZMPOP", "2", "nokey", k, "MIN", "COUNT", "2"],
            vec!["ZMPOP", "1", k, "max"],
            vec!["BZPOPMIN", "nokey", k, "0"],
            vec!["BZPOPMAX", k, "0.5"],
            vec!["BZMPOP", "0", "2", "nokey", k, "MIN", "COUNT", "1"],
            vec!["ZMPOP", "1", k, "MAX", "COUNT", "100"],
            vec!["EXISTS", k],
            vec!["ZPOPMIN", k],
            vec!["ZPOPMIN", k, "3"],
            vec!["ZMPOP", "1", k, "MIN"],
        ];
        for c in cmds {
            p.check(&c);
        }
    }
    p.check_all(&[
        &["ZADD", "z", "1", "a"],
        &["ZMPOP", "0", "z", "MIN"],
        &["ZMPOP", "x", "z", "MIN"],
        &["ZMPOP", "-1", "z", "MIN"],
        &["ZMPOP", "2", "z", "MIN"],
        &["ZMPOP", "1", "z", "MID"],
        &["ZMPOP", "1", "z", "MIN", "COUNT", "0"],
        &["ZMPOP", "1", "z", "MIN", "COUNT", "-1"],
        &["ZMPOP", "1", "z", "MIN", "COUNT", "x"],
        &["ZMPOP", "1", "z", "MIN", "COUNT"],
        &["ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "1"],
        &["ZMPOP", "1", "z", "MIN", "BOGUS"],
        &["ZMPOP", "9223372036854775807", "z", "MIN"],
        &["ZMPOP", "1", "str", "MIN"],
        &["ZMPOP", "2", "nokey", "str", "MIN"],
        &["ZMPOP", "2", "z", "str", "MIN"],
        &["ZPOPMIN", "str"],
        &["ZPOPMAX", "str", "0"],
        &["ZPOPMIN", "nokey"],
        &["ZPOPMIN", "nokey", "5"],
        &["ZPOPMIN"],
        &["ZMPOP", "1", "z"],
        &["BZPOPMIN", "str", "0"],
        &["BZPOPMIN", "nokey", "z", "x"],
        &["BZPOPMIN", "z", "-1"],
        &["BZPOPMIN", "z", " 1"],
        &["BZPOPMIN", "z", ""],
        &["BZPOPMIN", "z", "nan"],
        &["BZPOPMIN", "z", "0x10"],
        &["BZPOPMIN", "z"],
        &["BZMPOP", "x", "1", "z", "MIN"],
        &["BZMPOP", "x", "0", "z", "MIN"],
        &["BZMPOP", "-1", "1", "z", "MIN"],
        &["BZMPOP", "0", "1", "z", "FOO"],
        &["BZMPOP", "0", "1", "str", "MIN"],
        &["BZMPOP", "0", "1", "z"],
        // Inside MULTI a blocking pop on nothing answers at once.
        &["MULTI"],
        &["BZPOPMIN", "nokey", "0"],
        &["BZMPOP", "0", "1", "nokey", "MAX"],
        &["EXEC"],
    ]);
}

#[test]
fn blocking_pops_across_connections() {
    let mut p = Pair::new();
    let (mut r2, mut c2) = p.connect_more();
    // BZPOPMIN served by a later ZADD on another connection.
    for (w, main) in [(&mut r2, &mut p.redis), (&mut c2, &mut p.cinnabar)] {
        w.send(&["BZPOPMIN", "k1", "k2", "0"]);
        // A round trip on the waiting connection's server makes sure it is parked.
        main.cmd(&["PING"]);
        main.cmd(&["ZADD", "k2", "5", "m", "6", "n"]);
    }
    assert_eq!(show(&c2.read_reply()), show(&r2.read_reply()));
    p.check(&["ZRANGE", "k2", "0", "-1", "WITHSCORES"]);

    // BZMPOP with COUNT, served by ZUNIONSTORE creating the key.
    p.check(&["ZADD", "src", "1", "a", "2", "b", "3", "c"]);
    for (w, main) in [(&mut r2, &mut p.redis), (&mut c2, &mut p.cinnabar)] {
        w.send(&["BZMPOP", "0", "2", "e1", "e2", "MAX", "COUNT", "2"]);
        main.cmd(&["PING"]);
        main.cmd(&["ZUNIONSTORE", "e2", "1", "src"]);
    }
    assert_eq!(show(&c2.read_reply()), show(&r2.read_reply()));
    p.check(&["ZRANGE", "e2", "0", "-1", "WITHSCORES"]);

    // BZPOPMAX served by ZINCRBY.
    for (w, main) in [(&mut r2, &mut p.redis), (&mut c2, &mut p.cinnabar)] {
        w.send(&["BZPOPMAX", "inc", "0"]);
        main.cmd(&["PING"]);
        main.cmd(&["ZINCRBY", "inc", "2.5", "x"]);
    }
    assert_eq!(show(&c2.read_reply()), show(&r2.read_reply()));
    p.check(&["EXISTS", "inc"]);

    // Timeouts: a nil array.
    r2.send(&["BZPOPMIN", "never", "0.05"]);
    c2.send(&["BZPOPMIN", "never", "0.05"]);
    assert_eq!(show(&c2.read_reply()), show(&r2.read_reply()));
    r2.send(&["BZMPOP", "0.05", "1", "never", "MIN"]);
    c2.send(&["BZMPOP", "0.05", "1", "never", "MIN"]);
    assert_eq!(show(&c2.read_reply()), show(&r2.read_reply()));
}

#[test]
fn zrandmember_deterministic_cases() {
    let mut p = Pair::new();
    setup(&mut p);
    for k in ["lp", "sl"] {
        let cmds: Vec<Vec<&str>> = vec![
            vec!["ZRANDMEMBER", k, "0"],
            vec!["ZRANDMEMBER", k, "9"],
            vec!["ZRANDMEMBER", k, "100"],
            vec!["ZRANDMEMBER", k, "100", "WITHSCORES"],
            vec!["ZRANDMEMBER", k, "100", "withscores"],
            vec!["ZRANDMEMBER", k, "0", "WITHSCORES"],
            vec!["ZRANDMEMBER", k, "-9223372036854775808"],
            vec!["ZRANDMEMBER", k, "9223372036854775807", "WITHSCORES"],
            vec!["ZRANDMEMBER", k, "-9223372036854775807", "WITHSCORES"],
            vec!["ZRANDMEMBER", k, "1", "WITHSCORE"],
            vec!["ZRANDMEMBER", k, "1", "WITHSCORES", "x"],
            vec!["ZRANDMEMBER", k, "x"],
        ];
        for c in cmds {
            p.check(&c);
        }
        // Random picks: compare shapes and membership.
        for n in ["1", "3", "8", "-5", "-20"] {
            let (r, c) = p.both(&["ZRANDMEMBER", k, n, "WITHSCORES"]);
            let (r, c) = (parse_bulk_array(&r), parse_bulk_array(&c));
            assert_eq!(c.len(), r.len(), "ZRANDMEMBER {k} {n}");
            for pair in c.chunks(2) {
                let m = String::from_utf8_lossy(&pair[0]).into_owned();
                let want = p.check(&["ZSCORE", k, &m]);
                assert!(
                    show(&want).ends_with(&format!("{}\\r\\n", String::from_utf8_lossy(&pair[1])))
                );
            }
            if !n.starts_with('-') {
                let mut ms: Vec<_> = c.chunks(2).map(|x| x[0].clone()).collect();
                ms.sort();
                ms.dedup();
                assert_eq!(ms.len() * 2, c.len(), "distinct members for {n}");
            }
        }
        let (r, c) = p.both(&["ZRANDMEMBER", k]);
        assert_eq!(r[0], b'$');
        assert_eq!(c[0], b'$');
    }
    p.check_all(&[
        &["ZRANDMEMBER", "nokey"],
        &["ZRANDMEMBER", "nokey", "5"],
        &["ZRANDMEMBER", "nokey", "-5", "WITHSCORES"],
        &["ZRANDMEMBER", "str"],
        &["ZRANDMEMBER", "str", "1"],
        &["ZRANDMEMBER"],
    ]);
}

#[test]
fn zscan_forms() {
    let mut p = Pair::new();
    setup(&mut p);
    p.check_all(&[
        &["ZSCAN", "lp", "0"],
        &["ZSCAN", "lp", "0", "COUNT", "2"],
        &["ZSCAN", "lp", "0", "MATCH", "*e*"],
        &["ZSCAN", "lp", "0", "MATCH", "[a-c]", "COUNT", "100"],
        &["ZSCAN", "nokey", "0"],
        &["ZSCAN", "nokey", "0", "COUNT", "0"],
        &["ZSCAN", "str", "0"],
        &["ZSCAN", "lp", "x"],
        &["ZSCAN", "lp", "-1"],
        &["ZSCAN", "lp", "0", "COUNT", "0"],
        &["ZSCAN", "lp", "0", "COUNT", "x"],
        &["ZSCAN", "lp", "0", "MATCH"],
        &["ZSCAN", "lp", "0", "TYPE", "zset"],
        &["ZSCAN", "lp", "0", "NOSCORES"],
        &["ZSCAN", "lp"],
    ]);
    // A skiplist is walked in server-specific order: compare everything collected.
    let mut all = Vec::new();
    for conn in [&mut p.redis, &mut p.cinnabar] {
        let mut cursor = b"0".to_vec();
        let mut got: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        loop {
            let raw = conn.cmd(&[&b"ZSCAN"[..], b"sl", &cursor, b"COUNT", b"3"]);
            // *2 $n cursor *m items...: split off the cursor by hand.
            let s = show(&raw);
            let parts: Vec<&str> = s.split("\\r\\n").collect();
            cursor = parts[2].as_bytes().to_vec();
            let items: Vec<&str> = parts[4..]
                .iter()
                .copied()
                .filter(|x| !x.starts_with('$') && !x.is_empty())
                .collect();
            for pair in items.chunks(2) {
                got.push((pair[0].as_bytes().to_vec(), pair[1].as_bytes().to_vec()));
            }
            if cursor == b"0" {
                break;
            }
        }
        got.sort();
        got.dedup();
        all.push(got);
    }
    assert_eq!(all[1], all[0]);
    assert_eq!(all[0].len(), 9);
}

#[test]
fn resp3_shapes() {
    let mut p = Pair::new();
    // Server version and client id differ; the protocol switch is what matters.
    p.both(&["HELLO", "3"]);
    p.check_all(&[
        &["ZADD", "z", "1", "a", "2.5", "b", "inf", "c"],
        &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        &["ZRANGE", "z", "0", "-1"],
        &["ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES"],
        &["ZREVRANGE", "z", "0", "-1", "WITHSCORES"],
        &["ZSCORE", "z", "b"],
        &["ZSCORE", "z", "nope"],
        &["ZMSCORE", "z", "a", "nope"],
        &["ZINCRBY", "z", "1", "a"],
        &["ZADD", "z", "XX", "INCR", "1", "nope"],
        &["ZRANK", "z", "nope"],
        &["ZUNION", "1", "z", "WITHSCORES"],
        &["ZINTER", "1", "z", "WITHSCORES"],
        &["ZDIFF", "1", "z", "WITHSCORES"],
        &["ZRANDMEMBER", "z", "10", "WITHSCORES"],
        &["ZRANDMEMBER", "nokey"],
        &["ZSCAN", "z", "0"],
        &["ZPOPMIN", "z"],
        &["ZPOPMIN", "z", "1"],
        &["ZPOPMAX", "z", "5"],
        &["ZPOPMIN", "nokey"],
        &["ZADD", "z", "1", "a", "2", "b"],
        &["ZMPOP", "1", "z", "MIN"],
        &["ZMPOP", "1", "nokey", "MIN"],
        &["BZPOPMAX", "z", "0"],
        &["ZADD", "z", "1", "a", "2", "b"],
        &["BZMPOP", "0", "1", "z", "MAX", "COUNT", "5"],
        &["MULTI"],
        &["BZPOPMIN", "nokey", "0"],
        &["EXEC"],
    ]);
}

#[test]
fn odd_members_and_zero_signs() {
    let mut p = Pair::new();
    p.check_all(&[
        &["ZADD", "z", "-0", "neg0", "0", "pos0", "1", ""],
        &["ZSCORE", "z", "neg0"],
        &["ZSCORE", "z", ""],
        &["ZADD", "z", "CH", "0", "neg0"],
        &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        &["ZRANGEBYLEX", "z", "[", "+"],
        &["ZRANGEBYLEX", "z", "-", "("],
        &["ZRANGEBYLEX", "z", "-", "["],
        &["ZRANK", "z", ""],
        &["ZADD", "bin", "1", "a\u{0}b", "1", "a\u{0}", "1", "a"],
        &["ZRANGE", "bin", "0", "-1"],
        &["ZRANGEBYLEX", "bin", "(a", "+"],
        &["ZSCAN", "bin", "0", "MATCH", "a*"],
    ]);
    // Lex ranges over a listpack with mixed scores follow Redis's linear scan.
    p.check(&[
        "ZADD", "mixed", "1", "d", "2", "a", "3", "c", "4", "b", "5", "e",
    ]);
    for (lo, hi) in [
        ("[b", "[d"),
        ("-", "[c"),
        ("(a", "+"),
        ("[c", "+"),
        ("-", "(b"),
    ] {
        p.check(&["ZRANGEBYLEX", "mixed", lo, hi]);
        p.check(&["ZREVRANGEBYLEX", "mixed", hi, lo]);
        p.check(&["ZLEXCOUNT", "mixed", lo, hi]);
    }
    p.check(&["ZREMRANGEBYLEX", "mixed", "[d", "[d"]);
    p.check(&["ZRANGE", "mixed", "0", "-1"]);
}

/// Random commands over a skiplist-encoded set (and a same-score one for lex ranges),
/// with a fixed seed: ranks, spans and range starts of the skiplist against Redis's.
#[test]
fn random_commands_on_big_sets() {
    let mut p = Pair::new();
    let mut rng = cinnabar::rng::Rng::seeded(2024);
    for i in 0..300 {
        let s = (rng.below(400) as i64 - 200).to_string();
        p.check(&["ZADD", "big", &s, &format!("m{i}")]);
        p.check(&["ZADD", "lex", "0", &format!("k{:03}", rng.below(1000))]);
    }
    p.check(&["OBJECT", "ENCODING", "big"]);
    p.check(&["OBJECT", "ENCODING", "lex"]);
    let score = |rng: &mut cinnabar::rng::Rng| {
        let v = rng.below(500) as i64 - 250;
        if rng.below(4) == 0 {
            format!("{v}.5")
        } else {
            v.to_string()
        }
    };
    for _ in 0..1500 {
        let m = format!("m{}", rng.below(400));
        let (a, b) = (score(&mut rng), score(&mut rng));
        let (x, y) = (
            (rng.below(700) as i64 - 350).to_string(),
            (rng.below(700) as i64 - 350).to_string(),
        );
        let (l1, l2) = (
            format!("[k{:03}", rng.below(1000)),
            format!("(k{:03}", rng.below(1000)),
        );
        let (off, cnt) = (
            rng.below(20).to_string(),
            (rng.below(30) as i64 - 5).to_string(),
        );
        let cmd: Vec<String> = match rng.below(16) {
            0 | 1 => vec!["ZADD".into(), "big".into(), a, m],
            2 => vec!["ZINCRBY".into(), "big".into(), a, m],
            3 => vec!["ZREM".into(), "big".into(), m],
            4 => vec!["ZRANK".into(), "big".into(), m],
            5 => vec!["ZREVRANK".into(), "big".into(), m],
            6 => vec!["ZRANGE".into(), "big".into(), x, y, "WITHSCORES".into()],
            7 => vec!["ZREVRANGE".into(), "big".into(), x, y],
            8 => vec![
                "ZRANGEBYSCORE".into(),
                "big".into(),
                format!("({a}"),
                b,
                "LIMIT".into(),
                off,
                cnt,
            ],
            9 => vec![
                "ZREVRANGEBYSCORE".into(),
                "big".into(),
                b,
                a,
                "WITHSCORES".into(),
            ],
            10 => vec!["ZCOUNT".into(), "big".into(), a, format!("({b}")],
            11 => vec![
                "ZRANGEBYLEX".into(),
                "lex".into(),
                l1,
                l2,
                "LIMIT".into(),
                off,
                cnt,
            ],
            12 => vec!["ZREVRANGEBYLEX".into(), "lex".into(), l2, l1],
            13 => vec!["ZLEXCOUNT".into(), "lex".into(), l1, l2],
            14 => {
                if rng.below(10) == 0 {
                    vec!["ZREMRANGEBYSCORE".into(), "big".into(), a, format!("({b}")]
                } else {
                    vec!["ZADD".into(), "lex".into(), "0".into(), l1[1..].to_string()]
                }
            }
            _ => {
                if rng.below(10) == 0 {
                    vec!["ZREMRANGEBYLEX".into(), "lex".into(), l1, l2]
                } else {
                    vec!["ZSCORE".into(), "big".into(), m]
                }
            }
        };
        p.check(&cmd);
    }
    p.check(&["ZRANGE", "big", "0", "-1", "WITHSCORES"]);
    p.check(&["ZRANGE", "lex", "0", "-1"]);
}

/// Keyspace events of every writing command, in order, compared with Redis's.
#[test]
fn keyspace_events() {
    let mut p = Pair::new();
    p.check(&["CONFIG", "SET", "notify-keyspace-events", "KEA"]);
    let (mut rs, mut cs) = p.connect_more();
    rs.cmd(&["PSUBSCRIBE", "__keyevent@0__:*"]);
    cs.cmd(&["PSUBSCRIBE", "__keyevent@0__:*"]);
    p.check_all(&[
        &["ZADD", "z", "1", "a", "2", "b", "3", "c"],
        &["ZADD", "z", "1", "a"],
        &["ZADD", "z", "INCR", "1", "a"],
        &["ZINCRBY", "z", "1", "b"],
        &["ZADD", "z", "NX", "5", "a"],
        &["ZREM", "z", "nope"],
        &["ZREM", "z", "a"],
        &["ZREMRANGEBYSCORE", "z", "100", "200"],
        &["ZADD", "z", "4", "d", "5", "e", "0", "x", "0", "y"],
        &["ZREMRANGEBYSCORE", "z", "4", "4"],
        &["ZREMRANGEBYRANK", "z", "-1", "-1"],
        &["ZREMRANGEBYLEX", "z", "[x", "[y"],
        &["ZPOPMIN", "z"],
        &["ZPOPMAX", "z", "0"],
        &["ZADD", "src", "1", "a", "2", "b"],
        &["ZUNIONSTORE", "u", "1", "src"],
        &["ZINTERSTORE", "u", "1", "src"],
        &["ZDIFFSTORE", "u", "1", "src"],
        &["ZRANGESTORE", "r", "src", "0", "0"],
        &["ZRANGESTORE", "r", "src", "5", "6"],
        &["ZUNIONSTORE", "u", "1", "nokey"],
        &["ZMPOP", "1", "src", "MAX"],
        &["BZPOPMIN", "src", "0"],
        &["ZADD", "m", "1", "a"],
        &["BZMPOP", "0", "1", "m", "MAX", "COUNT", "3"],
        &["ZREM", "z", "b", "c"],
        &["SET", "sentinel", "x"],
    ]);
    let mut events = Vec::new();
    for conn in [&mut rs, &mut cs] {
        let mut got = Vec::new();
        loop {
            let msg = parse_bulk_array(&conn.read_reply());
            let text: Vec<String> = msg
                .iter()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .collect();
            let done = text.get(3).is_some_and(|k| k == "sentinel");
            got.push(text.join(" "));
            if done {
                break;
            }
        }
        events.push(got);
    }
    assert_eq!(events[1], events[0]);
    assert!(events[0].len() > 20);
}
