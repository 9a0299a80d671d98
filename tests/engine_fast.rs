//! `Engine::execute_fast` (the GET/SET fast path of the npm package) against the general
//! dispatcher: two engines with the same seed and clock run the same commands, one
//! through the fast path whenever it accepts them and the other only through
//! `execute_reply`; replies, statistics, LRU/LFU stamps, lazy-expiry events and WATCH
//! must come out the same. And in every state the fast path must decline, it must
//! decline without any effect.

use cinnabar::clock::{Clock, ManualClock};
use cinnabar::cmd::ArgvBuf;
use cinnabar::engine::Fast;
use cinnabar::rng::Rng;
use cinnabar::{ClientHandle, Config, Engine, Reply};

const T0: i64 = 1_700_000_000_000;

struct Twin {
    fast: Engine,
    slow: Engine,
    clocks: [ManualClock; 2],
    /// One client per engine for each index (created in the same order on both).
    clients: Vec<(ClientHandle, ClientHandle)>,
    /// Commands the fast path took.
    taken: usize,
}

fn encode(r: &Reply, resp3: bool) -> Vec<u8> {
    let mut out = Vec::new();
    cinnabar::resp::encode(r, resp3, &mut out);
    out
}

impl Twin {
    fn new(cfg: &[(&str, &str)]) -> Twin {
        let mk = |clock: &ManualClock| {
            let mut c = Config::default();
            for (k, v) in cfg {
                c.set(k, v, false).expect("config");
            }
            Engine::with_rng(c, Box::new(clock.clone()), Rng::seeded(7))
        };
        let clocks = [ManualClock::new(T0), ManualClock::new(T0)];
        let mut t = Twin {
            fast: mk(&clocks[0]),
            slow: mk(&clocks[1]),
            clocks,
            clients: Vec::new(),
            taken: 0,
        };
        t.connect();
        t
    }

    fn connect(&mut self) -> usize {
        self.clients
            .push((self.fast.connect(), self.slow.connect()));
        self.clients.len() - 1
    }

    fn advance(&self, ms: i64) {
        for c in &self.clocks {
            c.set(c.now_ms() + ms);
        }
    }

    /// Run on both engines (the fast one through `execute_fast` when it accepts);
    /// assert the same reply bytes; return them and whether the fast path took it.
    fn run_on(&mut self, client: usize, parts: &[&str]) -> (Vec<u8>, bool) {
        let a = ArgvBuf::from_parts(parts.iter().map(|p| p.as_bytes()));
        let (hf, hs) = self.clients[client];
        let mut out = Vec::new();
        let (fast_bytes, took) = match self.fast.execute_fast(hf, &a.args(), &mut out) {
            Some(f) => {
                let r = match f {
                    Fast::Bulk => Reply::Bulk(std::mem::take(&mut out)),
                    Fast::Nil => Reply::Nil,
                    Fast::Ok => Reply::Ok,
                    Fast::Other(r, _) => r,
                };
                assert!(out.is_empty(), "fast path left bytes besides a bulk reply");
                let resp3 = self.fast.session_mut(hf).is_some_and(|s| s.resp == 3);
                (encode(&r, resp3), true)
            }
            None => {
                assert!(out.is_empty(), "a declined fast path wrote output");
                self.fast.execute_encoded(hf, &a.args(), &mut out);
                (out, false)
            }
        };
        let mut slow_bytes = Vec::new();
        self.slow.execute_encoded(hs, &a.args(), &mut slow_bytes);
        assert_eq!(
            String::from_utf8_lossy(&fast_bytes),
            String::from_utf8_lossy(&slow_bytes),
            "{parts:?}"
        );
        if took {
            self.taken += 1;
        }
        (fast_bytes, took)
    }

    fn run(&mut self, parts: &[&str]) -> (Vec<u8>, bool) {
        self.run_on(0, parts)
    }

    /// Runs `parts` and checks the fast path took it.
    fn fast(&mut self, parts: &[&str]) -> Vec<u8> {
        let (r, took) = self.run(parts);
        assert!(took, "the fast path declined {parts:?}");
        r
    }

    /// Runs `parts` and checks the fast path declined it.
    fn general(&mut self, parts: &[&str]) -> Vec<u8> {
        let (r, took) = self.run(parts);
        assert!(!took, "the fast path took {parts:?}");
        r
    }

    /// Everything observable about the engines' bookkeeping must match: INFO (stats,
    /// command and error statistics, keyspace), the client's line, the dirty counter.
    fn same_state(&mut self) {
        for section in [
            "stats",
            "commandstats",
            "errorstats",
            "keyspace",
            "latencystats",
        ] {
            let f = self.info(true, section);
            let s = self.info(false, section);
            assert_eq!(f, s, "INFO {section}");
        }
        assert_eq!(self.fast.state().dirty, self.slow.state().dirty);
        assert_eq!(
            self.fast.state().stats.keys.keyspace_hits,
            self.slow.state().stats.keys.keyspace_hits
        );
    }

    fn info(&mut self, fast: bool, section: &str) -> String {
        let (e, h) = if fast {
            (&mut self.fast, self.clients[0].0)
        } else {
            (&mut self.slow, self.clients[0].1)
        };
        let a = ArgvBuf::from_parts([b"INFO".as_slice(), section.as_bytes()]);
        let text = match e.execute(h, &a.args()) {
            Reply::Bulk(b) | Reply::Verbatim(_, b) => String::from_utf8_lossy(&b).into_owned(),
            other => panic!("INFO: {other:?}"),
        };
        // INFO itself is counted: drop its own lines (the same on both anyway).
        text.lines()
            .filter(|l| !l.starts_with("cmdstat_info"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[test]
fn get_and_set_match_the_general_path() {
    let mut t = Twin::new(&[]);
    assert_eq!(t.fast(&["GET", "k"]), b"$-1\r\n");
    // The package's sessions speak RESP3.
    t.general(&["HELLO", "3"]);
    assert_eq!(t.fast(&["GET", "k"]), b"_\r\n");
    assert_eq!(t.fast(&["SET", "k", "hello"]), b"+OK\r\n");
    assert_eq!(t.fast(&["get", "k"]), b"$5\r\nhello\r\n");
    assert_eq!(t.fast(&["sEt", "k", ""]), b"+OK\r\n");
    assert_eq!(t.fast(&["GeT", "k"]), b"$0\r\n\r\n");
    // Integer-encoded values come back as their digits.
    t.fast(&["SET", "n", "-1234"]);
    assert_eq!(t.fast(&["GET", "n"]), b"$5\r\n-1234\r\n");
    t.general(&["INCR", "n"]);
    assert_eq!(t.fast(&["GET", "n"]), b"$5\r\n-1233\r\n");
    // Binary and non-ASCII bytes.
    t.fast(&["SET", "bin", "a\r\nb\u{e9}\u{0}"]);
    t.fast(&["GET", "bin"]);
    // A wrong type: the error, its statistics (failed calls, errorstats, error replies).
    t.general(&["RPUSH", "list", "x"]);
    let e = t.fast(&["GET", "list"]);
    assert!(
        e.starts_with(b"-WRONGTYPE"),
        "{}",
        String::from_utf8_lossy(&e)
    );
    // SET overwrites any type.
    t.fast(&["SET", "list", "now a string"]);
    assert_eq!(t.fast(&["GET", "list"]), b"$12\r\nnow a string\r\n");
    // Not for the fast path: options, wrong arity, other commands.
    t.general(&["SET", "k", "v", "NX"]);
    t.general(&["GET", "k", "extra"]);
    t.general(&["GET"]);
    t.general(&["GETSET", "k", "v"]);
    t.same_state();
    assert!(t.taken >= 10);
}

#[test]
fn lazy_expiry_and_its_events_match() {
    let mut t = Twin::new(&[]);
    for e in [&mut t.fast, &mut t.slow] {
        e.state_mut().events.removed = Some(Vec::new());
    }
    t.general(&["SET", "a", "1", "PX", "100"]);
    t.general(&["SET", "b", "2", "PX", "100"]);
    t.advance(100);
    // At the deadline the key still lives (Redis: expired when now > deadline).
    assert_eq!(t.fast(&["GET", "a"]), b"$1\r\n1\r\n");
    t.advance(1);
    assert_eq!(t.fast(&["GET", "a"]), b"$-1\r\n");
    // SET over an expired key: it is first expired (an `expired` event), then written.
    assert_eq!(t.fast(&["SET", "b", "3"]), b"+OK\r\n");
    assert_eq!(t.fast(&["GET", "b"]), b"$1\r\n3\r\n");
    t.general(&["TTL", "b"]);
    let removed = |e: &Engine| e.state().events.removed.clone().unwrap_or_default();
    assert_eq!(removed(&t.fast), removed(&t.slow));
    assert_eq!(removed(&t.fast).len(), 2);
    t.same_state();
}

#[test]
fn lfu_counters_and_lru_clock_match() {
    // An LFU policy (without maxmemory the fast path still applies): the counters use
    // the PRNG, so both engines must draw from it identically.
    let mut t = Twin::new(&[("maxmemory-policy", "allkeys-lfu")]);
    t.fast(&["SET", "k", "v"]);
    for _ in 0..200 {
        t.fast(&["GET", "k"]);
    }
    t.fast(&["GET", "missing"]);
    t.general(&["OBJECT", "FREQ", "k"]);
    let mut t = Twin::new(&[]);
    t.fast(&["SET", "k", "v"]);
    t.advance(5_000);
    t.general(&["OBJECT", "IDLETIME", "k"]);
    t.fast(&["GET", "k"]);
    t.advance(3_000);
    let idle = t.general(&["OBJECT", "IDLETIME", "k"]);
    assert_eq!(idle, b":3\r\n");
    // SET stamps the access time of the key it writes, new or overwritten.
    t.fast(&["SET", "k", "v2"]);
    t.fast(&["SET", "fresh", "v"]);
    t.advance(2_000);
    assert_eq!(t.general(&["OBJECT", "IDLETIME", "k"]), b":2\r\n");
    assert_eq!(t.general(&["OBJECT", "IDLETIME", "fresh"]), b":2\r\n");
    t.same_state();
}

#[test]
fn set_breaks_watch_like_the_general_path() {
    let mut t = Twin::new(&[]);
    let other = t.connect();
    t.run_on(other, &["WATCH", "k"]);
    t.run_on(other, &["MULTI"]);
    // A GET inside MULTI is queued, by the general path.
    let (q, took) = t.run_on(other, &["GET", "k"]);
    assert_eq!((q.as_slice(), took), (b"+QUEUED\r\n".as_slice(), false));
    t.fast(&["SET", "k", "changed"]);
    let (r, _) = t.run_on(other, &["EXEC"]);
    assert_eq!(r, b"*-1\r\n", "the transaction must abort");
    t.same_state();
}

#[test]
fn declines_without_effect_when_a_feature_is_active() {
    // Each case: configuration, setup commands; then GET and SET must go the general
    // way with the same replies and statistics.
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a [&'a str]]);
    let cases: &[Case] = &[
        (&[("notify-keyspace-events", "KEA")], &[]),
        (&[("maxmemory", "100mb")], &[]),
        (&[], &[&["CLIENT", "REPLY", "OFF"]]),
        (&[], &[&["CLIENT", "TRACKING", "ON"]]),
        (&[], &[&["MULTI"]]),
        (&[], &[&["HELLO", "2"], &["SUBSCRIBE", "ch"]]),
        (
            &[],
            &[
                &["ACL", "SETUSER", "u", "on", "nopass", "~a*", "+@all"],
                &["AUTH", "u", "x"],
            ],
        ),
        (&[("requirepass", "secret")], &[]),
        (&[], &[&["CLIENT", "PAUSE", "100000", "WRITE"]]),
    ];
    for (cfg, setup) in cases {
        let mut t = Twin::new(cfg);
        for cmd in setup.iter() {
            t.run(cmd);
        }
        let before = t.taken;
        t.run(&["SET", "k", "v"]);
        t.run(&["GET", "k"]);
        t.run(&["GET", "nokey"]);
        assert_eq!(t.taken, before, "fast path taken with {cfg:?} {setup:?}");
        let info_refused = cfg.iter().any(|(k, _)| *k == "requirepass")
            || setup.iter().any(|c| c[0] == "MULTI" || c[0] == "SUBSCRIBE");
        if !info_refused {
            t.same_state();
        }
    }
    // Propagation (replication/AOF) on: declined as well.
    let mut t = Twin::new(&[]);
    t.fast.enable_propagation();
    t.slow.enable_propagation();
    t.general(&["SET", "k", "v"]);
    assert_eq!(t.fast.take_propagated(), t.slow.take_propagated());
}

#[test]
fn get_bookkeeping_matches_with_slowlog_monitor_and_latency_settings() {
    // The fast path applies only while nothing but the command statistics and latency
    // histogram could record a call; with each of these settings the replies and
    // statistics must come out as the general path's.
    let cases: &[&[(&str, &str)]] = &[
        &[("slowlog-log-slower-than", "0")],
        &[("slowlog-log-slower-than", "0"), ("slowlog-max-len", "0")],
        &[("latency-tracking", "no")],
        &[("latency-monitor-threshold", "1")],
    ];
    for cfg in cases {
        let mut t = Twin::new(cfg);
        // With every call logged by the slow log, the fast path must decline.
        let slow = cfg.contains(&("slowlog-log-slower-than", "0")) && cfg.len() == 1;
        for cmd in [
            &["SET", "k", "v"][..],
            &["GET", "k"],
            &["GET", "nokey"],
            &["RPUSH", "list", "x"],
            &["GET", "list"],
        ] {
            let (_, took) = t.run(cmd);
            assert_eq!(took, !slow && cmd[0] != "RPUSH", "{cfg:?} {cmd:?}");
        }
        let (len, _) = t.run(&["SLOWLOG", "LEN"]);
        assert_eq!(len == b":0\r\n", !slow, "{cfg:?}");
        t.run(&["SLOWLOG", "GET", "10"]);
        t.same_state();
    }
    // With a MONITOR client the fast path declines: it sees every command.
    let mut t = Twin::new(&[]);
    let mon = t.connect();
    t.run_on(mon, &["MONITOR"]);
    t.general(&["SET", "k", "v"]);
    t.general(&["GET", "k"]);
    t.general(&["GET", "nokey"]);
    let fast_out = t.fast.take_messages();
    let slow_out = t.slow.take_messages();
    assert_eq!(fast_out, slow_out);
    assert!(!fast_out.is_empty(), "MONITOR fed nothing");
    t.same_state();
}
