//! HyperLogLog through `Engine::execute`: estimation error at 1k, 100k, 1M and 10M
//! distinct elements (single estimates and the RMS error over independent trials), sparse-to-dense promotion at `hll-sparse-max-bytes`, the cached
//! cardinality, PFMERGE/PFCOUNT of several keys, PFDEBUG, corrupted values,
//! propagation and keyspace events, memory accounting.

use cinnabar::clock::ManualClock;
use cinnabar::cmd::ArgvBuf;
use cinnabar::rng::Rng;
use cinnabar::{ClientHandle, Config, Engine, Reply};

const T0: i64 = 1_700_000_000_000;
const NOT_HLL: &str = "WRONGTYPE Key is not a valid HyperLogLog string value.";
const INVALID: &str = "INVALIDOBJ Corrupted HLL object detected";
/// Redis's standard error: 1.04 / sqrt(16384).
const STD_ERR: f64 = 0.008125;

struct T {
    e: Engine,
    c: ClientHandle,
}

impl T {
    fn new() -> T {
        let clock = ManualClock::new(T0);
        let mut e = Engine::with_rng(Config::default(), Box::new(clock), Rng::seeded(9));
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

    fn get(&mut self, key: &str) -> Vec<u8> {
        match self.run(&["GET", key]) {
            Reply::Bulk(b) => b,
            other => panic!("expected a bulk, got {other:?}"),
        }
    }

    fn status(&mut self, parts: &[&str]) -> String {
        match self.run(parts) {
            Reply::Simple(s) => s.into_owned(),
            other => panic!("expected a status, got {other:?}"),
        }
    }

    /// PFADD elements `prefix{from..to}` in batches of 1000.
    fn add_range(&mut self, key: &str, prefix: &str, from: u64, to: u64) {
        let mut i = from;
        while i < to {
            let end = (i + 1000).min(to);
            let mut a = ArgvBuf::from_parts(["PFADD", key]);
            for j in i..end {
                a.push(format!("{prefix}{j}").as_bytes());
            }
            self.e.execute(self.c, &a.args());
            i = end;
        }
    }

    fn mem(&self) -> usize {
        self.e.state().dbs[0].ks.mem()
    }
}

fn rel_err(est: i64, n: u64) -> f64 {
    (est as f64 - n as f64).abs() / n as f64
}

#[test]
fn estimation_error_at_1k_100k_1m_10m() {
    // One HyperLogLog grown to 1k, 100k, 1M and 10M distinct elements. A single estimate
    // is a random variable with Redis's standard error (0.81%) as its deviation, so each
    // one is checked against three standard errors; `rms_error_is_the_standard_error`
    // checks the deviation itself. The estimates are deterministic (same hash and
    // estimator as Redis, see diff_hll.rs), so these bounds pin the implementation.
    let mut t = T::new();
    let mut added = 0u64;
    for n in [1_000u64, 100_000, 1_000_000, 10_000_000] {
        t.add_range("h", "element:", added, n);
        added = n;
        let est = t.int(&["PFCOUNT", "h"]);
        let e = rel_err(est, n);
        eprintln!("n={n} estimate={est} relative error={e:.5}");
        assert!(
            e <= 3.0 * STD_ERR,
            "n={n} estimate={est} relative error={e:.5}"
        );
    }
}

#[test]
fn rms_error_is_the_standard_error() {
    // Independent HyperLogLogs (distinct element names per trial): the root mean square
    // of the relative errors estimates the standard error, which must be Redis's 0.81%
    // (within the sampling spread of this many trials: at most 1.25 times it).
    let mut t = T::new();
    for (n, trials) in [(1_000u64, 64u64), (100_000, 16), (1_000_000, 4)] {
        let mut sq = 0.0;
        for k in 0..trials {
            let key = format!("h{n}:{k}");
            t.add_range(&key, &format!("t{k}:"), 0, n);
            let e = rel_err(t.int(&["PFCOUNT", &key]), n);
            sq += e * e;
            t.run(&["DEL", &key]);
        }
        let rms = (sq / trials as f64).sqrt();
        eprintln!("n={n} trials={trials} rms relative error={rms:.5}");
        assert!(rms <= 1.25 * STD_ERR, "n={n}: rms relative error {rms:.5}");
    }
}

#[test]
fn small_cardinalities_are_exact_or_nearly() {
    let mut t = T::new();
    assert_eq!(t.int(&["PFCOUNT", "h"]), 0);
    assert_eq!(
        t.int(&["PFADD", "h"]),
        1,
        "creating the key counts as a change"
    );
    assert_eq!(t.int(&["PFCOUNT", "h"]), 0);
    assert_eq!(t.int(&["PFADD", "h", "a", "b", "c", "a"]), 1);
    assert_eq!(t.int(&["PFADD", "h", "a", "b"]), 0);
    assert_eq!(t.int(&["PFCOUNT", "h"]), 3);
    for n in [10u64, 100, 500] {
        t.add_range("s", "x", 0, n);
        let est = t.int(&["PFCOUNT", "s"]);
        assert!(rel_err(est, n) < 0.02, "n={n} est={est}");
    }
}

#[test]
fn sparse_promotes_to_dense_at_the_configured_size() {
    let mut t = T::new();
    t.add_range("h", "e", 0, 100);
    assert_eq!(t.status(&["PFDEBUG", "ENCODING", "h"]), "sparse");
    let len = t.get("h").len();
    assert!(len < 3000 && len > 16, "{len}");
    t.add_range("h", "e", 100, 3000);
    assert_eq!(t.status(&["PFDEBUG", "ENCODING", "h"]), "dense");
    assert_eq!(t.get("h").len(), 12304);
    // A lower limit promotes earlier.
    t.run(&["CONFIG", "SET", "hll-sparse-max-bytes", "60"]);
    t.add_range("low", "e", 0, 30);
    assert_eq!(t.status(&["PFDEBUG", "ENCODING", "low"]), "dense");
    t.run(&["CONFIG", "SET", "hll-sparse-max-bytes", "3000"]);
    t.add_range("low2", "e", 0, 30);
    assert_eq!(t.status(&["PFDEBUG", "ENCODING", "low2"]), "sparse");
    // Counts agree across encodings.
    assert_eq!(t.int(&["PFCOUNT", "low"]), t.int(&["PFCOUNT", "low2"]));
    assert_eq!(t.int(&["PFDEBUG", "TODENSE", "low2"]), 1);
    assert_eq!(t.int(&["PFDEBUG", "TODENSE", "low2"]), 0);
    assert_eq!(t.get("low"), t.get("low2"));
}

#[test]
fn cached_cardinality_in_the_header() {
    let mut t = T::new();
    t.add_range("h", "e", 0, 50);
    let raw = t.get("h");
    assert_eq!(&raw[..4], b"HYLL");
    assert_ne!(raw[15] & 0x80, 0, "stale after PFADD");
    let c = t.int(&["PFCOUNT", "h"]);
    let raw = t.get("h");
    assert_eq!(raw[15] & 0x80, 0, "valid after PFCOUNT");
    assert_eq!(u64::from_le_bytes(raw[8..16].try_into().unwrap()), c as u64);
    // A forged cache is trusted, as in Redis.
    let mut forged = raw.clone();
    forged[8..16].copy_from_slice(&12345u64.to_le_bytes());
    t.run(&[b"SET".as_slice(), b"f", &forged]);
    assert_eq!(t.int(&["PFCOUNT", "f"]), 12345);
    t.int(&["PFADD", "f", "new-element-xyz"]);
    assert_eq!(t.int(&["PFCOUNT", "f"]), c + 1);
}

#[test]
fn merge_and_multi_key_count() {
    let mut t = T::new();
    t.add_range("a", "e", 0, 5000);
    t.add_range("b", "e", 2500, 8000);
    t.add_range("c", "f", 0, 10);
    let union = t.int(&["PFCOUNT", "a", "b", "c", "nokey"]);
    assert!(rel_err(union, 8010) < 0.02, "{union}");
    assert_eq!(t.run(&["PFMERGE", "m", "a", "b", "c"]), Reply::Ok);
    assert_eq!(t.int(&["PFCOUNT", "m"]), union);
    assert_eq!(t.status(&["PFDEBUG", "ENCODING", "m"]), "dense");
    // Merging sparse inputs keeps a sparse destination.
    assert_eq!(t.run(&["PFMERGE", "m2", "c"]), Reply::Ok);
    assert_eq!(t.status(&["PFDEBUG", "ENCODING", "m2"]), "sparse");
    assert_eq!(t.int(&["PFCOUNT", "m2"]), t.int(&["PFCOUNT", "c"]));
    // The destination is a source too.
    assert_eq!(t.run(&["PFMERGE", "c", "m2"]), Reply::Ok);
    assert_eq!(t.run(&["PFMERGE", "empty"]), Reply::Ok);
    assert_eq!(t.int(&["PFCOUNT", "empty"]), 0);
}

#[test]
fn invalid_values_and_wrong_types() {
    let mut t = T::new();
    t.run(&["SET", "s", "not an hll"]);
    t.run(&["SET", "i", "12345"]);
    t.run(&["RPUSH", "l", "a"]);
    for k in ["s", "i"] {
        assert_eq!(t.err(&["PFADD", k, "a"]), NOT_HLL);
        assert_eq!(t.err(&["PFCOUNT", k]), NOT_HLL);
        assert_eq!(t.err(&["PFCOUNT", "nokey", k]), NOT_HLL);
        assert_eq!(t.err(&["PFMERGE", "d", k]), NOT_HLL);
        assert_eq!(t.err(&["PFDEBUG", "ENCODING", k]), NOT_HLL);
    }
    let wt = "WRONGTYPE Operation against a key holding the wrong kind of value";
    assert_eq!(t.err(&["PFADD", "l", "a"]), wt);
    assert_eq!(t.err(&["PFCOUNT", "l"]), wt);
    assert_eq!(t.err(&["PFMERGE", "l", "s"]), wt);
    assert_eq!(
        t.err(&["PFDEBUG", "GETREG", "nokey"]),
        "ERR The specified key does not exist"
    );
    t.int(&["PFADD", "h", "a"]);
    assert_eq!(
        t.err(&["PFDEBUG", "FOO", "h"]),
        "ERR Unknown PFDEBUG subcommand 'FOO'"
    );
    // Corrupted sparse data: one register too many, a run past the end.
    let mut bad = t.get("h");
    bad.push(0x00);
    t.run(&[b"SET".as_slice(), b"bad", &bad]);
    assert_eq!(t.err(&["PFCOUNT", "bad"]), INVALID);
    assert_eq!(t.err(&["PFCOUNT", "bad", "h"]), INVALID);
    assert_eq!(t.err(&["PFMERGE", "d", "bad"]), INVALID);
    assert_eq!(t.err(&["PFDEBUG", "GETREG", "bad"]), INVALID);
    let mut hdr_only = t.get("h");
    hdr_only.truncate(16);
    t.run(&[b"SET".as_slice(), b"hdr", &hdr_only]);
    assert_eq!(t.err(&["PFADD", "hdr", "x"]), INVALID);
    // A dense value must be exactly 12304 bytes.
    let mut dense = b"HYLL\x00\x00\x00\x00".to_vec();
    dense.resize(100, 0);
    t.run(&[b"SET".as_slice(), b"dshort", &dense]);
    assert_eq!(t.err(&["PFCOUNT", "dshort"]), NOT_HLL);
}

#[test]
fn propagation_events_and_memory() {
    let mut t = T::new();
    let empty = t.mem();
    t.e.enable_propagation();
    let sub = t.e.connect();
    t.e.execute(
        sub,
        &ArgvBuf::from_parts(["PSUBSCRIBE", "__keyevent@0__:*"]).args(),
    );
    t.run(&["CONFIG", "SET", "notify-keyspace-events", "E$"]);
    t.e.take_messages();
    t.e.take_propagated();
    t.int(&["PFADD", "h", "a", "b"]);
    t.int(&["PFADD", "h", "a"]); // no change: not propagated
    t.int(&["PFCOUNT", "h"]); // cache refreshed: propagated, not notified
    t.int(&["PFCOUNT", "h"]); // cache valid: nothing
    t.run(&["PFMERGE", "m", "h"]);
    let p: Vec<String> =
        t.e.take_propagated()
            .into_iter()
            .map(|c| {
                c.iter()
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .filter(|c| !c.to_ascii_lowercase().starts_with("select"))
            .collect();
    assert_eq!(p, vec!["PFADD h a b", "PFCOUNT h", "PFMERGE m h"]);
    let events: Vec<String> =
        t.e.take_messages()
            .into_iter()
            .map(|(_, m)| String::from_utf8_lossy(&m).into_owned())
            .collect();
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(
        events.iter().all(|m| m.contains("__keyevent@0__:pfadd")),
        "{events:?}"
    );
    // Sparse growth and promotion are accounted; everything is returned on DEL.
    t.add_range("big", "e", 0, 5000);
    assert!(t.mem() > empty + 12_000);
    t.run(&["DEL", "h", "m", "big"]);
    assert_eq!(t.mem(), empty);
}

#[test]
fn pfselftest_passes() {
    let mut t = T::new();
    assert_eq!(t.run(&["PFSELFTEST"]), Reply::Ok);
}

#[test]
fn pfdebug_getreg_and_decode() {
    let mut t = T::new();
    t.int(&["PFADD", "h", "a", "b", "c"]);
    let Reply::Bulk(d) = t.run(&["PFDEBUG", "DECODE", "h"]) else {
        panic!("decode")
    };
    let d = String::from_utf8(d).unwrap();
    assert!(
        d.starts_with('Z') || d.starts_with('z') || d.starts_with('v'),
        "{d}"
    );
    let total: usize = d
        .split(' ')
        .map(|op| {
            let (_, rest) = op.split_once(':').unwrap();
            rest.rsplit(',').next().unwrap().parse::<usize>().unwrap()
        })
        .sum();
    assert_eq!(total, 16384, "{d}");
    let Reply::Array(regs) = t.run(&["PFDEBUG", "GETREG", "h"]) else {
        panic!("getreg")
    };
    assert_eq!(regs.len(), 16384);
    assert_eq!(regs.iter().filter(|r| **r != Reply::Int(0)).count(), 3);
    assert_eq!(t.status(&["PFDEBUG", "ENCODING", "h"]), "dense");
    assert_eq!(
        t.err(&["PFDEBUG", "DECODE", "h"]),
        "ERR HLL encoding is not sparse"
    );
}

#[test]
fn random_corrupt_payloads_never_panic() {
    // Arbitrary bytes after a sparse header: every command answers (a count, OK, or
    // INVALIDOBJ) and the engine stays usable.
    let mut t = T::new();
    let mut seed = 0x1234_5678u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed >> 33
    };
    for i in 0..300 {
        let mut v = b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80".to_vec();
        let len = next() % 64;
        for _ in 0..len {
            v.push(next() as u8);
        }
        let key = format!("c{i}");
        t.run(&[b"SET".as_slice(), key.as_bytes(), &v]);
        for cmd in [
            vec!["PFADD", &key, "a", "b", "c", "d"],
            vec!["PFCOUNT", &key],
            vec!["PFCOUNT", &key, "nokey"],
            vec!["PFMERGE", "dst", &key],
            vec!["PFDEBUG", "DECODE", &key],
            vec!["PFDEBUG", "TODENSE", &key],
            vec!["PFDEBUG", "GETREG", &key],
        ] {
            match t.run(&cmd) {
                Reply::Error(e) => assert!(
                    e.starts_with("INVALIDOBJ") || e.starts_with("ERR HLL"),
                    "{cmd:?}: {e}"
                ),
                Reply::Int(_) | Reply::Ok | Reply::Bulk(_) | Reply::Array(_) | Reply::Simple(_) => {
                }
                other => panic!("{cmd:?}: {other:?}"),
            }
        }
    }
    assert_eq!(t.int(&["PFADD", "fine", "x"]), 1);
}
