//! Differential tests of the list commands against a real redis-server: every command
//! with its options, error cases (arity, wrong type, bad integers, syntax, huge counts),
//! RESP2 and RESP3 null shapes, the non-blocking paths of the blocking commands, and a
//! long seeded random sequence of mixed list operations, compared byte for byte.
//!
//! The oracle is Redis 7.0, which differs from 7.2 in a few places covered instead in
//! `engine_lists.rs`: OBJECT ENCODING (7.0 always says "quicklist"; 7.2 reports
//! "listpack" for small lists), timeouts of `inf` or beyond 2^63 ms ("timeout is out of
//! range" in 7.2) and below 1 ms (rounded up in 7.2), and `LPOS ... RANK` / `LREM` with
//! -2^63 (refused by 7.2's range check).
#![cfg(feature = "native")]
mod common;

use common::Pair;

/// An integer reply's value.
fn int_of(raw: &[u8]) -> i64 {
    let s = String::from_utf8_lossy(raw);
    s.trim_start_matches(':')
        .trim_end()
        .parse()
        .unwrap_or_else(|_| panic!("not an integer reply: {s:?}"))
}

/// A bulk reply's payload (None for a null).
fn bulk_of(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.starts_with(b"$-1") || raw.starts_with(b"_") {
        return None;
    }
    let nl = raw.iter().position(|&c| c == b'\n')?;
    Some(raw[nl + 1..raw.len() - 2].to_vec())
}

#[test]
fn pushes_pops_and_lengths() {
    let mut p = Pair::new();
    p.check_all(&[
        &["LPUSH", "l", "a", "b", "c"],
        &["RPUSH", "l", "x", "y", "z"],
        &["LRANGE", "l", "0", "-1"],
        &["LPUSHX", "l", "p"],
        &["RPUSHX", "l", "q", "r"],
        &["LPUSHX", "nokey", "p"],
        &["RPUSHX", "nokey", "p", "q"],
        &["EXISTS", "nokey"],
        &["LLEN", "l"],
        &["LLEN", "nokey"],
        &["LPOP", "l"],
        &["RPOP", "l"],
        &["LPOP", "l", "2"],
        &["RPOP", "l", "2"],
        &["LPOP", "l", "0"],
        &["RPOP", "l", "0"],
        &["LPOP", "l", "100"],
        &["EXISTS", "l"],
        &["LPOP", "l"],
        &["RPOP", "l"],
        &["LPOP", "l", "0"],
        &["LPOP", "l", "5"],
        &["RPOP", "l", "5"],
        &["LPOP", "l", "-1"],
        &["LPOP", "l", "x"],
        &["LPOP", "l", ""],
        &["RPOP", "l", "9223372036854775808"],
        &["LPOP", "l", "1", "2"],
        &["RPOP", "l", "1", "2"],
        &["LPOP"],
        &["LPUSH", "l"],
        &["RPUSH", "l"],
        &["LPUSHX", "l"],
        &["LLEN"],
        &["LLEN", "a", "b"],
        &["RPUSH", "l", "1", "2", "3"],
        &["RPOP", "l", "9223372036854775807"],
        &["TYPE", "l"],
    ]);
    // Binary-safe and large elements.
    let big = "v".repeat(100_000);
    p.check(&[
        "RPUSH",
        "b",
        "",
        "a\r\nb",
        "\0\x01",
        &big,
        "12345678901234567890",
    ]);
    p.check(&["LRANGE", "b", "0", "-1"]);
    p.check(&["LPOP", "b", "3"]);
    p.check(&["RPOP", "b"]);
    p.check(&["LLEN", "b"]);
    // Many elements.
    let many: Vec<String> = (0..2000).map(|i| format!("e{i}")).collect();
    let mut cmd: Vec<&str> = vec!["RPUSH", "m"];
    cmd.extend(many.iter().map(|s| s.as_str()));
    p.check(&cmd);
    p.check(&["LRANGE", "m", "100", "700"]);
    p.check(&["LINDEX", "m", "1999"]);
    p.check(&["LPOP", "m", "1500"]);
    p.check(&["RPOP", "m", "400"]);
    p.check(&["LRANGE", "m", "0", "-1"]);
}

#[test]
fn resp3_null_shapes() {
    let mut p = Pair::new();
    p.both(&["HELLO", "3"]);
    p.check_all(&[
        &["LPOP", "nokey"],
        &["RPOP", "nokey", "1"],
        &["LPOP", "nokey", "0"],
        &["LINDEX", "nokey", "0"],
        &["LPOS", "nokey", "a"],
        &["LPOS", "nokey", "a", "COUNT", "0"],
        &["LMOVE", "nokey", "d", "LEFT", "LEFT"],
        &["RPOPLPUSH", "nokey", "d"],
        &["LMPOP", "1", "nokey", "LEFT"],
        &["RPUSH", "l", "a", "b"],
        &["LINDEX", "l", "5"],
        &["LPOS", "l", "z"],
        &["LPOP", "l", "0"],
        &["LMPOP", "2", "nokey", "l", "RIGHT", "COUNT", "5"],
        &["MULTI"],
        &["BLPOP", "l", "0"],
        &["BLMOVE", "l", "d", "LEFT", "LEFT", "0"],
        &["BLMPOP", "0", "1", "l", "LEFT"],
        &["EXEC"],
    ]);
}

#[test]
fn indexes_ranges_and_in_place_writes() {
    let mut p = Pair::new();
    p.check(&["RPUSH", "l", "0", "1", "2", "3", "4", "5", "6"]);
    for (a, b) in [
        ("0", "-1"),
        ("1", "3"),
        ("-3", "-1"),
        ("-100", "2"),
        ("5", "100"),
        ("4", "2"),
        ("7", "9"),
        ("0", "-8"),
        ("-1", "-1"),
        ("-9223372036854775808", "9223372036854775807"),
        ("9223372036854775807", "-9223372036854775808"),
    ] {
        p.check(&["LRANGE", "l", a, b]);
    }
    p.check_all(&[
        &["LRANGE", "l", "x", "1"],
        &["LRANGE", "l", "0", "1.5"],
        &["LRANGE", "nokey", "0", "x"],
        &["LRANGE", "nokey", "0", "-1"],
        &["LRANGE", "l", "0"],
        &["LINDEX", "l", "0"],
        &["LINDEX", "l", "-1"],
        &["LINDEX", "l", "-7"],
        &["LINDEX", "l", "-8"],
        &["LINDEX", "l", "7"],
        &["LINDEX", "l", "9223372036854775807"],
        &["LINDEX", "l", "-9223372036854775808"],
        &["LINDEX", "l", "x"],
        &["LINDEX", "nokey", "x"],
        &["LINDEX", "l"],
        &["LSET", "l", "0", "zero"],
        &["LSET", "l", "-1", "six"],
        &["LSET", "l", "-7", "first"],
        &["LSET", "l", "7", "x"],
        &["LSET", "l", "-8", "x"],
        &["LSET", "l", "4294967296", "x"],
        &["LSET", "l", "x", "x"],
        &["LSET", "nokey", "x", "x"],
        &["LSET", "nokey", "0", "x"],
        &["LSET", "l", "0"],
        &["LRANGE", "l", "0", "-1"],
        &["LINSERT", "l", "BEFORE", "3", "b3"],
        &["LINSERT", "l", "AFTER", "3", "a3"],
        &["LINSERT", "l", "after", "six", "end"],
        &["LINSERT", "l", "before", "first", "start"],
        &["LINSERT", "l", "before", "nothing", "x"],
        &["LINSERT", "l", "middle", "3", "x"],
        &["LINSERT", "nokey", "before", "3", "x"],
        &["LINSERT", "nokey", "middle", "3", "x"],
        &["LINSERT", "l", "before", "3"],
        &["LRANGE", "l", "0", "-1"],
        &["DEL", "r"],
        &["RPUSH", "r", "a", "b", "a", "c", "a", "b", "a", "a"],
        &["LREM", "r", "2", "a"],
        &["LRANGE", "r", "0", "-1"],
        &["LREM", "r", "-2", "a"],
        &["LRANGE", "r", "0", "-1"],
        &["LREM", "r", "0", "b"],
        &["LREM", "r", "0", "zz"],
        &["LREM", "r", "x", "a"],
        &["LREM", "r", "9223372036854775807", "a"],
        &["LREM", "r", "-9223372036854775807", "c"],
        &["EXISTS", "r"],
        &["LREM", "nokey", "1", "a"],
        &["LREM", "nokey", "x", "a"],
        &["RPUSH", "t", "0", "1", "2", "3", "4", "5", "6", "7"],
        &["LTRIM", "t", "1", "-2"],
        &["LRANGE", "t", "0", "-1"],
        &["LTRIM", "t", "-100", "100"],
        &["LTRIM", "t", "1", "1"],
        &["LRANGE", "t", "0", "-1"],
        &["LTRIM", "t", "1", "0"],
        &["EXISTS", "t"],
        &["LTRIM", "nokey", "0", "1"],
        &["LTRIM", "nokey", "x", "1"],
        &["LTRIM", "t", "0"],
    ]);
}

#[test]
fn lpos_matches_redis() {
    let mut p = Pair::new();
    p.check(&["RPUSH", "l", "a", "b", "c", "a", "b", "c", "a", "1", "01"]);
    let cases: &[&[&str]] = &[
        &["LPOS", "l", "a"],
        &["LPOS", "l", "c"],
        &["LPOS", "l", "1"],
        &["LPOS", "l", "01"],
        &["LPOS", "l", "z"],
        &["LPOS", "l", "a", "RANK", "2"],
        &["LPOS", "l", "a", "RANK", "3"],
        &["LPOS", "l", "a", "RANK", "4"],
        &["LPOS", "l", "a", "RANK", "-1"],
        &["LPOS", "l", "a", "RANK", "-3"],
        &["LPOS", "l", "a", "RANK", "-4"],
        &["LPOS", "l", "a", "RANK", "9223372036854775807"],
        &["LPOS", "l", "a", "RANK", "-9223372036854775807"],
        &["LPOS", "l", "a", "COUNT", "0"],
        &["LPOS", "l", "a", "COUNT", "1"],
        &["LPOS", "l", "a", "COUNT", "2", "RANK", "2"],
        &["LPOS", "l", "a", "COUNT", "0", "RANK", "-1"],
        &["LPOS", "l", "a", "COUNT", "0", "MAXLEN", "4"],
        &["LPOS", "l", "a", "RANK", "-1", "MAXLEN", "2"],
        &["LPOS", "l", "a", "RANK", "-1", "MAXLEN", "3"],
        &["LPOS", "l", "a", "MAXLEN", "0"],
        &["LPOS", "l", "z", "COUNT", "3"],
        &["LPOS", "l", "a", "rank", "2", "count", "9", "maxlen", "100"],
        &["LPOS", "l", "a", "RANK", "5", "RANK", "1"],
        &["LPOS", "nokey", "a"],
        &["LPOS", "nokey", "a", "COUNT", "1"],
        &["LPOS", "nokey", "a", "RANK", "0"],
        &["LPOS", "l", "a", "RANK", "0"],
        &["LPOS", "l", "a", "RANK", "x"],
        &["LPOS", "l", "a", "COUNT", "-1"],
        &["LPOS", "l", "a", "COUNT", "x"],
        &["LPOS", "l", "a", "MAXLEN", "-1"],
        &["LPOS", "l", "a", "MAXLEN", "x"],
        &["LPOS", "l", "a", "RANK"],
        &["LPOS", "l", "a", "COUNT"],
        &["LPOS", "l", "a", "FOO", "1"],
        &["LPOS", "l"],
    ];
    for c in cases {
        p.check(c);
    }
}

#[test]
fn moves_and_multi_pops() {
    let mut p = Pair::new();
    p.check_all(&[
        &["RPUSH", "src", "a", "b", "c", "d"],
        &["LMOVE", "src", "dst", "LEFT", "RIGHT"],
        &["LMOVE", "src", "dst", "RIGHT", "LEFT"],
        &["LMOVE", "src", "dst", "left", "left"],
        &["LMOVE", "src", "dst", "right", "right"],
        &["EXISTS", "src"],
        &["LRANGE", "dst", "0", "-1"],
        &["LMOVE", "dst", "dst", "LEFT", "RIGHT"],
        &["LMOVE", "dst", "dst", "RIGHT", "LEFT"],
        &["LMOVE", "dst", "dst", "LEFT", "LEFT"],
        &["LRANGE", "dst", "0", "-1"],
        &["RPOPLPUSH", "dst", "dst"],
        &["RPOPLPUSH", "dst", "other"],
        &["LRANGE", "dst", "0", "-1"],
        &["LRANGE", "other", "0", "-1"],
        &["RPUSH", "one", "x"],
        &["LMOVE", "one", "one", "LEFT", "RIGHT"],
        &["LRANGE", "one", "0", "-1"],
        &["LMOVE", "nokey", "dst", "LEFT", "RIGHT"],
        &["RPOPLPUSH", "nokey", "dst"],
        &["SET", "s", "x"],
        &["LMOVE", "s", "dst", "LEFT", "RIGHT"],
        &["LMOVE", "dst", "s", "LEFT", "RIGHT"],
        &["LMOVE", "nokey", "s", "LEFT", "RIGHT"],
        &["RPOPLPUSH", "dst", "s"],
        &["RPOPLPUSH", "s", "dst"],
        &["LRANGE", "dst", "0", "-1"],
        &["LMOVE", "dst", "x", "UP", "LEFT"],
        &["LMOVE", "dst", "x", "LEFT", "DOWN"],
        &["LMOVE", "nokey", "x", "UP", "LEFT"],
        &["LMOVE", "dst", "x", "LEFT"],
        &["RPOPLPUSH", "dst"],
        &["DEL", "a", "b"],
        &["RPUSH", "b", "1", "2", "3", "4"],
        &["LMPOP", "2", "a", "b", "LEFT"],
        &["LMPOP", "2", "a", "b", "RIGHT", "COUNT", "2"],
        &["LMPOP", "2", "a", "b", "left", "count", "10"],
        &["LMPOP", "2", "a", "b", "LEFT"],
        &["RPUSH", "a", "x"],
        &[
            "LMPOP",
            "3",
            "a",
            "a",
            "a",
            "RIGHT",
            "COUNT",
            "9223372036854775807",
        ],
        &["LMPOP", "0", "a", "LEFT"],
        &["LMPOP", "-1", "a", "LEFT"],
        &["LMPOP", "x", "a", "LEFT"],
        &["LMPOP", "2", "a", "LEFT"],
        &["LMPOP", "9223372036854775807", "a", "LEFT"],
        &["LMPOP", "1", "a", "MIDDLE"],
        &["LMPOP", "1", "a", "LEFT", "COUNT", "0"],
        &["LMPOP", "1", "a", "LEFT", "COUNT", "-1"],
        &["LMPOP", "1", "a", "LEFT", "COUNT", "x"],
        &["LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "1"],
        &["LMPOP", "1", "a", "LEFT", "COUNT"],
        &["LMPOP", "1", "a", "LEFT", "FOO"],
        &["LMPOP", "1", "a"],
        &["LMPOP", "2", "nokey", "s", "LEFT"],
        &["RPUSH", "c", "v"],
        &["LMPOP", "2", "c", "s", "LEFT"],
    ]);
}

#[test]
fn blocking_commands_when_data_is_there() {
    let mut p = Pair::new();
    p.check_all(&[
        &["RPUSH", "a", "1", "2", "3"],
        &["BLPOP", "nokey", "a", "0"],
        &["BRPOP", "nokey", "a", "0.5"],
        &["BLPOP", "a", "a", "1"],
        &["EXISTS", "a"],
        &["RPUSH", "a", "1", "2", "3", "4", "5"],
        &["BLMPOP", "0", "2", "nokey", "a", "LEFT"],
        &["BLMPOP", "0", "2", "nokey", "a", "RIGHT", "COUNT", "2"],
        &["BLMOVE", "a", "d", "LEFT", "RIGHT", "0"],
        &["BRPOPLPUSH", "d", "a", "0"],
        &["BRPOPLPUSH", "a", "a", "0"],
        &["LRANGE", "a", "0", "-1"],
        &["LRANGE", "d", "0", "-1"],
        // Errors: argument parsing order and messages.
        &["BLPOP", "a", "x"],
        &["BLPOP", "a", "-1"],
        &["BLPOP", "a", "-0.5"],
        &["BLPOP", "a", ""],
        &["BLPOP", "a", " 1"],
        &["BLPOP", "a", "nan"],
        &["BLPOP", "a", "1e5000"],
        &["BLPOP", "a"],
        &["BRPOP", "a"],
        &["BLMOVE", "a", "d", "UP", "LEFT", "x"],
        &["BLMOVE", "a", "d", "LEFT", "LEFT", "x"],
        &["BLMOVE", "a", "d", "LEFT", "LEFT", "-1"],
        &["BLMOVE", "a", "d", "LEFT", "LEFT"],
        &["BRPOPLPUSH", "a", "d", "x"],
        &["BRPOPLPUSH", "a", "d", "-1"],
        &["BRPOPLPUSH", "a", "d"],
        &["BLMPOP", "x", "1", "a", "LEFT"],
        &["BLMPOP", "-1", "1", "a", "LEFT"],
        &["BLMPOP", "x", "0", "a", "LEFT"],
        &["BLMPOP", "x", "2", "a", "LEFT"],
        &["BLMPOP", "x", "1", "a", "UP"],
        &["BLMPOP", "x", "1", "a", "LEFT", "COUNT", "0"],
        &["BLMPOP", "0", "1", "a"],
        &["SET", "s", "x"],
        &["BLPOP", "s", "a", "0"],
        &["BLPOP", "a", "s", "0"],
        &["BLMOVE", "s", "d", "LEFT", "LEFT", "0"],
        &["BLMOVE", "a", "s", "LEFT", "LEFT", "0"],
        &["BRPOPLPUSH", "s", "d", "0"],
        &["BLMPOP", "0", "2", "s", "a", "LEFT"],
        &["LRANGE", "a", "0", "-1"],
        // Inside MULTI nothing blocks: the timeout reply comes at once.
        &["MULTI"],
        &["BLPOP", "nokey", "0"],
        &["BRPOP", "nokey", "nokey2", "10"],
        &["BLMPOP", "0", "1", "nokey", "LEFT"],
        &["BLMOVE", "nokey", "d", "LEFT", "LEFT", "0"],
        &["BRPOPLPUSH", "nokey", "d", "0"],
        &["BLPOP", "a", "0"],
        &["EXEC"],
    ]);
}

#[test]
fn wrong_types_and_keyspace_interplay() {
    let mut p = Pair::new();
    p.check(&["SET", "s", "x"]);
    let cmds: &[&[&str]] = &[
        &["LPUSH", "s", "a"],
        &["RPUSH", "s", "a"],
        &["LPUSHX", "s", "a"],
        &["RPUSHX", "s", "a"],
        &["LPOP", "s"],
        &["RPOP", "s", "0"],
        &["LLEN", "s"],
        &["LRANGE", "s", "0", "1"],
        &["LRANGE", "s", "x", "1"],
        &["LINDEX", "s", "0"],
        &["LINDEX", "s", "x"],
        &["LSET", "s", "0", "a"],
        &["LSET", "s", "x", "a"],
        &["LINSERT", "s", "BEFORE", "a", "b"],
        &["LINSERT", "s", "MIDDLE", "a", "b"],
        &["LREM", "s", "0", "a"],
        &["LREM", "s", "x", "a"],
        &["LTRIM", "s", "0", "1"],
        &["LPOS", "s", "a"],
        &["LPOS", "s", "a", "RANK", "0"],
        &["LMOVE", "s", "d", "LEFT", "LEFT"],
        &["RPOPLPUSH", "s", "d"],
        &["LMPOP", "1", "s", "LEFT"],
        &["GET", "s"],
    ];
    for c in cmds {
        p.check(c);
    }
    // Lists and the generic keyspace commands.
    p.check_all(&[
        &["RPUSH", "l", "a", "b", "c"],
        &["TYPE", "l"],
        &["GET", "l"],
        &["APPEND", "l", "x"],
        &["EXPIRE", "l", "100"],
        &["RPUSH", "l", "d"],
        &["TTL", "l"],
        &["LPOP", "l", "4"],
        &["TTL", "l"],
        &["EXISTS", "l"],
        &["RPUSH", "l", "a"],
        &["TTL", "l"],
        &["RENAME", "l", "l2"],
        &["LRANGE", "l2", "0", "-1"],
        &["COPY", "l2", "l3"],
        &["RPUSH", "l3", "z"],
        &["LRANGE", "l2", "0", "-1"],
        &["LRANGE", "l3", "0", "-1"],
        &["DEL", "l2", "l3"],
        &["SCAN", "0", "TYPE", "list"],
    ]);
}

/// A small deterministic generator (xorshift64*).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    fn value(&mut self) -> String {
        match self.below(20) {
            0 => "B".repeat([5000, 8200, 9000, 17000][self.below(4) as usize]),
            1..=5 => self.range(-100_000, 100_000).to_string(),
            6..=9 => "m".repeat(self.range(50, 600) as usize),
            _ => {
                let c = (b'a' + self.below(6) as u8) as char;
                c.to_string().repeat(self.below(6) as usize)
            }
        }
    }
}

#[test]
fn random_operation_sequences_match() {
    let mut p = Pair::new();
    let mut g = Gen(0x5eed_1234_abcd_0001);
    let keys = ["k1", "k2"];
    let mut nonempty = 0;
    for fill in ["-2", "3", "-1", "1"] {
        p.check(&["CONFIG", "SET", "list-max-listpack-size", fill]);
        p.check(&["FLUSHALL"]);
        for step in 0..600 {
            let key = keys[g.below(2) as usize];
            let other = keys[g.below(2) as usize];
            let len = int_of(&p.check(&["LLEN", key]));
            let some_elem = |p: &mut Pair, g: &mut Gen| -> String {
                let raw = p.check(&["LINDEX", key, &g.below(len.max(1) as u64).to_string()]);
                bulk_of(&raw)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default()
            };
            let op = g.below(100);
            let cmd: Vec<String> = if op < 30 {
                let mut c = vec![
                    if g.below(2) == 0 { "LPUSH" } else { "RPUSH" }.to_string(),
                    key.into(),
                ];
                for _ in 0..g.range(1, 5) {
                    c.push(g.value());
                }
                c
            } else if op < 40 {
                vec![
                    if g.below(2) == 0 { "LPOP" } else { "RPOP" }.into(),
                    key.into(),
                    g.range(0, 4).to_string(),
                ]
            } else if op < 48 {
                let pivot = some_elem(&mut p, &mut g);
                let w = if g.below(2) == 0 { "BEFORE" } else { "AFTER" };
                vec!["LINSERT".into(), key.into(), w.into(), pivot, g.value()]
            } else if op < 56 {
                vec![
                    "LSET".into(),
                    key.into(),
                    g.range(-len - 1, len).to_string(),
                    g.value(),
                ]
            } else if op < 63 {
                let e = some_elem(&mut p, &mut g);
                vec!["LREM".into(), key.into(), g.range(-2, 2).to_string(), e]
            } else if op < 68 {
                vec![
                    "LTRIM".into(),
                    key.into(),
                    g.range(-len - 2, len / 2).to_string(),
                    g.range(-len / 2 - 1, len + 2).to_string(),
                ]
            } else if op < 75 {
                let w = |g: &mut Gen| if g.below(2) == 0 { "LEFT" } else { "RIGHT" }.to_string();
                vec![
                    "LMOVE".into(),
                    key.into(),
                    other.into(),
                    w(&mut g),
                    w(&mut g),
                ]
            } else if op < 80 {
                vec!["RPOPLPUSH".into(), key.into(), other.into()]
            } else if op < 85 {
                let w = if g.below(2) == 0 { "LEFT" } else { "RIGHT" };
                vec![
                    "LMPOP".into(),
                    "2".into(),
                    "k1".into(),
                    "k2".into(),
                    w.into(),
                    "COUNT".into(),
                    g.range(1, 4).to_string(),
                ]
            } else if op < 92 {
                vec![
                    "LRANGE".into(),
                    key.into(),
                    g.range(-8, 8).to_string(),
                    g.range(-8, 8).to_string(),
                ]
            } else {
                let e = some_elem(&mut p, &mut g);
                let rank = [1, -1, 2, -2][g.below(4) as usize].to_string();
                vec![
                    "LPOS".into(),
                    key.into(),
                    e,
                    "RANK".into(),
                    rank,
                    "COUNT".into(),
                    g.range(0, 3).to_string(),
                ]
            };
            p.check(&cmd);
            if step % 50 == 0 {
                for k in keys {
                    if p.check(&["LRANGE", k, "0", "-1"]) != b"*0\r\n" {
                        nonempty += 1;
                    }
                }
            }
        }
        for k in keys {
            p.check(&["LRANGE", k, "0", "-1"]);
        }
    }
    // The sequence exercised real data, not just empty keys.
    assert!(
        nonempty > 20,
        "lists were mostly empty ({nonempty} samples)"
    );
}
