//! SORT and SORT_RO against the real redis-server: numeric and ALPHA orders, ties,
//! strtod's number syntax, LIMIT windows, BY (constant, key patterns, hash fields), GET,
//! STORE, and every error. ALPHA sorts use plain ASCII data so `strcoll` in the oracle's
//! locale agrees with byte order, and ALPHA + BY cases avoid equal weights (Redis's
//! order among those is unspecified).
#![cfg(feature = "native")]
mod common;

use common::Pair;

fn seed_list(p: &mut Pair, key: &str, items: &[&str]) {
    let mut cmd = vec!["RPUSH", key];
    cmd.extend_from_slice(items);
    p.check(&cmd);
}

#[test]
fn numeric_and_alpha_orders_of_lists() {
    let mut p = Pair::new();
    seed_list(
        &mut p,
        "l",
        &[
            "3", "1", "10", "-2.5", "1e1", "0x10", "  7", "inf", "-inf", "2",
        ],
    );
    p.check_all(&[
        &["SORT", "l"],
        &["SORT", "l", "DESC"],
        &["SORT", "l", "ASC"],
        &["SORT", "l", "ALPHA"],
        &["SORT", "l", "ALPHA", "DESC"],
        &["SORT", "l", "DESC", "ASC"],
        &["SORT_RO", "l"],
        &["SORT_RO", "l", "ALPHA", "DESC"],
        &["SORT", "nosuch"],
        &["SORT", "nosuch", "STORE", "dst"],
    ]);
    // Numeric ties are ordered by the elements' bytes, and DESC reverses them too.
    seed_list(&mut p, "ties", &["1.0", "1", "01", "b", "1e0"]);
    p.check(&["LREM", "ties", "0", "b"]);
    p.check_all(&[&["SORT", "ties"], &["SORT", "ties", "DESC"]]);
    // The empty string weighs 0.
    seed_list(&mut p, "empty", &["", "-1", "1"]);
    p.check_all(&[&["SORT", "empty"], &["SORT", "empty", "DESC"]]);
}

#[test]
fn weights_that_are_not_numbers() {
    let mut p = Pair::new();
    // First: Redis never clears errno before strtod, so once a weight overflowed, later
    // sorts of string weights keep failing until something else resets errno.
    seed_list(
        &mut p,
        "ok",
        &[
            "1", "+5", ".5", "5.", "1E2", "-0", "0X1P3", "infinity", "-INF", "6\0x",
        ],
    );
    p.check(&["SORT", "ok"]);
    for (key, bad) in [
        ("a", "abc"),
        ("b", "1 "),
        ("c", "nan"),
        ("d", "1e400"),
        ("e", "   "),
        ("f", "-1e400"),
        ("g", "1x"),
        ("h", "1e-310"),
        ("i", "0x"),
    ] {
        seed_list(&mut p, key, &["1", bad]);
        p.check(&["SORT", key]);
        p.check(&["SORT", key, "ALPHA"]);
        p.check(&["SORT", key, "STORE", "dst"]);
        p.check(&["EXISTS", "dst"]);
        p.check(&["SORT", key, "BY", "nosort"]);
    }
}

#[test]
fn limit_windows() {
    let mut p = Pair::new();
    seed_list(&mut p, "l", &["5", "3", "9", "1", "7"]);
    for (off, cnt) in [
        ("0", "2"),
        ("1", "3"),
        ("3", "10"),
        ("4", "1"),
        ("5", "1"),
        ("6", "2"),
        ("-3", "2"),
        ("0", "0"),
        ("0", "-1"),
        ("2", "-5"),
        ("-100", "-100"),
        ("9223372036854775807", "9223372036854775807"),
        ("-9223372036854775808", "9223372036854775807"),
    ] {
        p.check(&["SORT", "l", "LIMIT", off, cnt]);
        p.check(&["SORT", "l", "LIMIT", off, cnt, "DESC"]);
        p.check(&["SORT", "l", "BY", "nosort", "LIMIT", off, cnt]);
        p.check(&["SORT", "l", "BY", "nosort", "LIMIT", off, cnt, "DESC"]);
        p.check(&["SORT", "l", "LIMIT", off, cnt, "GET", "#", "GET", "x_*"]);
    }
    p.check(&["SORT", "nosuch", "LIMIT", "0", "1"]);
}

#[test]
fn by_patterns_keys_and_hash_fields() {
    let mut p = Pair::new();
    seed_list(&mut p, "l", &["a", "b", "c", "d", "e"]);
    p.check_all(&[
        &["MSET", "w_a", "5", "w_b", "-1", "w_c", "2.5", "w_e", "100"],
        &[
            "MSET", "name_a", "alice", "name_b", "bob", "name_c", "carol", "name_d", "dave",
        ],
        &["HSET", "h_a", "f", "3", "n", "x1"],
        &["HSET", "h_b", "f", "1", "n", "x2"],
        &["HSET", "h_c", "f", "2"],
        &["HSET", "h_d", "n", "x4"],
        &["SORT", "l", "BY", "w_*"],
        &["SORT", "l", "BY", "w_*", "DESC"],
        &["SORT", "l", "BY", "w_*", "LIMIT", "1", "2"],
        &["SORT", "l", "BY", "w_*", "GET", "#", "GET", "name_*"],
        &["SORT", "l", "BY", "h_*->f"],
        &[
            "SORT", "l", "BY", "h_*->f", "DESC", "GET", "h_*->n", "GET", "#",
        ],
        &["SORT", "l", "BY", "name_*", "ALPHA"],
        &["SORT", "l", "BY", "name_*", "ALPHA", "DESC"],
        &["SORT", "l", "BY", "h_*->"],
        &["SORT", "l", "BY", "h_*->nosuchfield"],
        &["SORT", "l", "BY", "nosort"],
        &["SORT", "l", "BY", "nosort", "DESC"],
        &["SORT", "l", "BY", "nosort", "GET", "w_*"],
        &["SORT", "l", "BY", "w_*", "BY", "nosort"],
        &["SORT", "l", "GET", "nostar"],
        &[
            "SORT", "l", "ALPHA", "GET", "#", "GET", "h_*->f", "GET", "h_*->n",
        ],
        // A BY key holding a non-string weighs nothing (0).
        &["SORT", "l", "BY", "h_*"],
        // Weights that are not numbers.
        &["SET", "w_d", "notanumber"],
        &["SORT", "l", "BY", "w_*"],
        &["SORT", "l", "BY", "w_*", "ALPHA"],
        &["SORT", "l", "BY", "w_*", "LIMIT", "0", "1"],
    ]);
    // '*' replaced only once; the rest of the pattern is literal.
    p.check_all(&[
        &["SET", "k_a_*", "9"],
        &["SORT", "l", "BY", "k_*_*", "GET", "k_*_*"],
    ]);
}

#[test]
fn store_creates_lists() {
    let mut p = Pair::new();
    seed_list(&mut p, "l", &["3", "1", "2"]);
    p.check_all(&[
        &["SORT", "l", "STORE", "dst"],
        &["LRANGE", "dst", "0", "-1"],
        &["TYPE", "dst"],
        &["SET", "sdst", "x"],
        &["EXPIRE", "sdst", "100"],
        &["SORT", "l", "DESC", "STORE", "sdst"],
        &["TTL", "sdst"],
        &["LRANGE", "sdst", "0", "-1"],
        &["SORT", "l", "GET", "#", "GET", "missing_*", "STORE", "dst"],
        &["LRANGE", "dst", "0", "-1"],
        &["SORT", "l", "LIMIT", "5", "5", "STORE", "dst"],
        &["EXISTS", "dst"],
        &["SORT", "l", "LIMIT", "5", "5", "STORE", "dst"],
        &["SORT", "l", "STORE", "l"],
        &["LRANGE", "l", "0", "-1"],
        &["SORT_RO", "l", "STORE", "dst"],
        &["SORT", "l", "STORE"],
    ]);
    // A long result becomes a quicklist.
    let items: Vec<String> = (0..200).map(|i| format!("{:060}", i * 37 % 200)).collect();
    let refs: Vec<&str> = items.iter().map(String::as_str).collect();
    seed_list(&mut p, "big", &refs);
    p.check_all(&[
        &["SORT", "big", "STORE", "bigdst"],
        &["OBJECT", "ENCODING", "bigdst"],
        &["LRANGE", "bigdst", "0", "5"],
        &["LRANGE", "bigdst", "-3", "-1"],
    ]);
}

#[test]
fn sets_and_sorted_sets() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SADD", "is", "5", "-1", "30", "2"],
        &["SORT", "is"],
        &["SORT", "is", "DESC", "LIMIT", "1", "2"],
        &["SORT", "is", "BY", "nosort"],
        &["SORT", "is", "BY", "nosort", "STORE", "d"],
        &["LRANGE", "d", "0", "-1"],
        &["SADD", "ss", "pear", "apple", "fig", "banana"],
        &["SORT", "ss", "ALPHA"],
        &["SORT", "ss", "ALPHA", "DESC", "LIMIT", "0", "2"],
        &["SORT", "ss"],
        &["SORT", "ss", "BY", "nosort", "STORE", "d"],
        &["LRANGE", "d", "0", "-1"],
        &["SORT", "ss", "BY", "nosort", "DESC", "STORE", "d"],
        &["LRANGE", "d", "0", "-1"],
        &["ZADD", "z", "3", "c", "1", "a", "2", "b", "10", "j"],
        &["SORT", "z", "ALPHA"],
        &["SORT", "z", "BY", "nosort"],
        &["SORT", "z", "BY", "nosort", "DESC"],
        &["SORT", "z", "BY", "nosort", "LIMIT", "1", "2"],
        &["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"],
        &["SORT", "z", "BY", "nosort", "LIMIT", "3", "5"],
        &["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "4", "5"],
        &["SORT", "z", "BY", "nosort", "STORE", "d"],
        &["LRANGE", "d", "0", "-1"],
        &["SORT", "z"],
        &["ZADD", "zn", "1", "30", "2", "4", "3", "100"],
        &["SORT", "zn"],
        &["SORT", "zn", "BY", "nosort", "DESC"],
        &["OBJECT", "ENCODING", "zn"],
    ]);
}

#[test]
fn syntax_and_type_errors() {
    let mut p = Pair::new();
    seed_list(&mut p, "l", &["1", "2"]);
    p.check_all(&[
        &["SORT", "l", "LIMIT"],
        &["SORT", "l", "LIMIT", "1"],
        &["SORT", "l", "LIMIT", "a", "1"],
        &["SORT", "l", "LIMIT", "1", "b"],
        &["SORT", "l", "BY"],
        &["SORT", "l", "GET"],
        &["SORT", "l", "FOO"],
        &["SORT", "l", "ALPHA", "BOGUS"],
        &["SORT_RO", "l", "STORE", "x"],
        &["SET", "str", "x"],
        &["SORT", "str"],
        &["SORT", "str", "FOO"],
        &["SORT", "str", "LIMIT", "a", "1"],
        &["HSET", "hash", "f", "v"],
        &["SORT", "hash"],
        &["SORT_RO", "hash"],
        &["SORT"],
        &["SORT_RO"],
    ]);
}
