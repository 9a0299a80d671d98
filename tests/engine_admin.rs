//! SLOWLOG, LATENCY, INFO commandstats/errorstats/latencystats, MONITOR, CLIENT
//! PAUSE/REPLY/TRACKING through the engine API, with a manual clock and a fake
//! microsecond timer (every reading advances it by a fixed step, so every command
//! "takes" that long).

use std::cell::Cell;
use std::rc::Rc;

use cinnabar::clock::ManualClock;
use cinnabar::cmd::ArgvBuf;
use cinnabar::engine::Exec;
use cinnabar::rng::Rng;
use cinnabar::{ClientHandle, Config, Engine, Reply};

const T0: i64 = 1_700_000_000_000;

struct T {
    e: Engine,
    c: ClientHandle,
    clock: ManualClock,
}

impl T {
    /// An engine whose commands each take `step_us` microseconds.
    fn new(step_us: u64) -> T {
        let clock = ManualClock::new(T0);
        let mut e = Engine::with_rng(Config::default(), Box::new(clock.clone()), Rng::seeded(3));
        let t = Rc::new(Cell::new(0u64));
        e.state_mut().ops.usec = Some(Box::new(move || {
            t.set(t.get() + step_us);
            t.get()
        }));
        e.state_mut().ops.wall_us = Some(Box::new(|| 1_700_000_000_123_456));
        let c = e.connect();
        T { e, c, clock }
    }

    fn on<B: AsRef<[u8]>>(&mut self, c: ClientHandle, parts: &[B]) -> Reply {
        let a = ArgvBuf::from_parts(parts.iter().map(|p| p.as_ref()));
        self.e.execute(c, &a.args())
    }

    fn run<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> Reply {
        let c = self.c;
        self.on(c, parts)
    }

    /// Run through the encoding path (what the server writes).
    fn wire<B: AsRef<[u8]>>(&mut self, c: ClientHandle, parts: &[B]) -> (Exec, String) {
        let a = ArgvBuf::from_parts(parts.iter().map(|p| p.as_ref()));
        let mut out = Vec::new();
        let x = self.e.execute_encoded(c, &a.args(), &mut out);
        (x, String::from_utf8_lossy(&out).into_owned())
    }

    fn network_client(&mut self) -> ClientHandle {
        let c = self.e.connect();
        let s = self.e.session_mut(c).unwrap();
        s.can_block = true;
        s.addr = format!("127.0.0.1:{}", 40000 + c.id);
        c
    }

    fn info(&mut self, section: &str) -> String {
        match self.run(&["INFO", section]) {
            Reply::Verbatim(_, b) => String::from_utf8(b).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    /// Messages for client `c` waiting in the outbox, as text.
    fn messages_for(&mut self, c: ClientHandle) -> Vec<String> {
        self.e
            .take_messages()
            .into_iter()
            .filter(|(id, _)| *id == c.id)
            .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
            .collect()
    }
}

fn arr(r: Reply) -> Vec<Reply> {
    match r {
        Reply::Array(v) => v,
        other => panic!("expected an array, got {other:?}"),
    }
}

#[test]
fn slowlog_records_slow_commands() {
    let mut t = T::new(20_000);
    assert_eq!(t.run(&["SLOWLOG", "LEN"]), Reply::Int(0));
    t.run(&["SET", "k", "v"]);
    t.run(&["CLIENT", "SETNAME", "me"]);
    let long = "x".repeat(200);
    t.run(&["ECHO", long.as_str()]);
    t.run(&["AUTH", "default", "secret"]);
    let entries = arr(t.run(&["SLOWLOG", "GET", "-1"]));
    let names: Vec<Reply> = entries
        .iter()
        .map(|e| arr(e.clone())[3].clone())
        .map(|a| arr(a)[0].clone())
        .collect();
    assert_eq!(
        names,
        vec![
            Reply::bulk("AUTH"),
            Reply::bulk("ECHO"),
            Reply::bulk("CLIENT"),
            Reply::bulk("SET"),
            Reply::bulk("SLOWLOG"),
        ],
        "newest first; SLOWLOG commands are logged too, as in Redis"
    );
    let auth = arr(entries[0].clone());
    assert_eq!(
        arr(auth[3].clone()),
        vec![
            Reply::bulk("AUTH"),
            Reply::bulk("(redacted)"),
            Reply::bulk("(redacted)")
        ]
    );
    assert_eq!(auth[0], Reply::Int(4), "ids count up");
    assert_eq!(auth[1], Reply::Int(T0 / 1000));
    assert_eq!(auth[2], Reply::Int(20_000));
    assert_eq!(auth[5], Reply::bulk("me"));
    let echo = arr(entries[1].clone());
    let echo_args = arr(echo[3].clone());
    assert_eq!(
        echo_args[1],
        Reply::bulk(format!("{}... (72 more bytes)", "x".repeat(128)))
    );
    assert_eq!(arr(t.run(&["SLOWLOG", "GET", "1"])).len(), 1);
    assert_eq!(
        t.run(&["SLOWLOG", "GET", "-2"]),
        Reply::Error("ERR count should be greater than or equal to -1".into())
    );
    t.run(&["CONFIG", "SET", "slowlog-max-len", "2"]);
    assert_eq!(t.run(&["SLOWLOG", "LEN"]), Reply::Int(2));
    t.run(&["CONFIG", "SET", "slowlog-max-len", "128"]);
    assert_eq!(t.run(&["SLOWLOG", "RESET"]), Reply::Ok);
    // The RESET itself is logged after it ran, as in Redis.
    assert_eq!(t.run(&["SLOWLOG", "LEN"]), Reply::Int(1));
    // Faster than the threshold: not logged.
    t.run(&["CONFIG", "SET", "slowlog-log-slower-than", "50000"]);
    t.run(&["GET", "k"]);
    assert_eq!(t.run(&["SLOWLOG", "LEN"]), Reply::Int(2));
    t.run(&["CONFIG", "SET", "slowlog-log-slower-than", "-1"]);
    t.run(&["SET", "k", "v"]);
    assert_eq!(t.run(&["SLOWLOG", "LEN"]), Reply::Int(2));
}

#[test]
fn latency_monitor_events() {
    let mut t = T::new(25_000);
    assert_eq!(t.run(&["LATENCY", "LATEST"]), Reply::Array(vec![]));
    t.run(&["CONFIG", "SET", "latency-monitor-threshold", "10"]);
    t.run(&["SET", "k", "v"]); // not fast: "command"
    t.run(&["GET", "k"]); // fast: "fast-command"
    t.clock.set(T0 + 2000);
    t.run(&["SORT", "nosuch"]);
    let latest = arr(t.run(&["LATENCY", "LATEST"]));
    assert_eq!(latest.len(), 2);
    assert_eq!(
        arr(latest[0].clone()),
        vec![
            Reply::bulk("command"),
            Reply::Int(T0 / 1000 + 2),
            Reply::Int(25),
            Reply::Int(25)
        ]
    );
    assert_eq!(arr(latest[1].clone())[0], Reply::bulk("fast-command"));
    let hist = arr(t.run(&["LATENCY", "HISTORY", "command"]));
    assert_eq!(hist.len(), 2, "one sample per second: {hist:?}");
    assert_eq!(arr(t.run(&["LATENCY", "HISTORY", "nosuch"])), vec![]);
    assert!(matches!(t.run(&["LATENCY", "DOCTOR"]), Reply::Verbatim(..)));
    assert!(matches!(
        t.run(&["LATENCY", "GRAPH", "command"]),
        Reply::Verbatim(..)
    ));
    assert_eq!(
        t.run(&["LATENCY", "GRAPH", "nosuch"]),
        Reply::Error("ERR No samples available for event 'nosuch'".into())
    );
    assert_eq!(t.run(&["LATENCY", "RESET", "command", "x"]), Reply::Int(1));
    assert_eq!(t.run(&["LATENCY", "RESET"]), Reply::Int(2));
    match t.run(&["LATENCY", "HISTOGRAM", "set", "nosuch"]) {
        Reply::Map(m) => {
            assert_eq!(m.len(), 1);
            assert_eq!(m[0].0, Reply::bulk("set"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn info_command_error_and_latency_stats() {
    let mut t = T::new(10);
    t.run(&["SET", "k", "v"]);
    t.run(&["SET", "k", "v"]);
    t.run(&["LPUSH", "k", "x"]); // WRONGTYPE: failed
    t.run(&["GET"]); // arity: rejected
    t.run(&["NOSUCHCOMMAND"]); // unknown: an error, no command
    t.run(&["CLIENT", "ID"]);
    let cs = t.info("commandstats");
    assert!(
        cs.contains(
            "cmdstat_set:calls=2,usec=20,usec_per_call=10.00,rejected_calls=0,failed_calls=0\r\n"
        ),
        "{cs}"
    );
    assert!(
        cs.contains(
            "cmdstat_lpush:calls=1,usec=10,usec_per_call=10.00,rejected_calls=0,failed_calls=1\r\n"
        ),
        "{cs}"
    );
    assert!(
        cs.contains(
            "cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0\r\n"
        ),
        "{cs}"
    );
    assert!(cs.contains("cmdstat_client|id:calls=1,"), "{cs}");
    let es = t.info("errorstats");
    assert!(es.contains("errorstat_ERR:count=2\r\n"), "{es}");
    assert!(es.contains("errorstat_WRONGTYPE:count=1\r\n"), "{es}");
    let ls = t.info("latencystats");
    // 10 µs falls in the 10.000..=10.047 µs bucket (two significant digits).
    assert!(
        ls.contains("latency_percentiles_usec_set:p50=10.047,p99=10.047,p99.9=10.047\r\n"),
        "{ls}"
    );
    assert_eq!(t.run(&["CONFIG", "RESETSTAT"]), Reply::Ok);
    let cs = t.info("commandstats");
    assert!(!cs.contains("cmdstat_set"), "{cs}");
}

#[test]
fn monitor_sees_commands_as_redis_formats_them() {
    let mut t = T::new(1);
    let m = t.network_client();
    assert_eq!(t.on(m, &["MONITOR"]), Reply::Ok);
    let w = t.network_client();
    t.on(w, &["SET", "k", "a b\"c"]);
    t.on(w, &["AUTH", "default", "pw"]);
    t.on(w, &["CONFIG", "GET", "port"]); // admin: not shown
    t.on(w, &["SELECT", "2"]);
    t.on(w, &["GET", "k"]);
    let addr = format!("127.0.0.1:{}", 40000 + w.id);
    let lines = t.messages_for(m);
    assert_eq!(
        lines,
        vec![
            format!("+1700000000.123456 [0 {addr}] \"SET\" \"k\" \"a b\\\"c\"\r\n"),
            format!("+1700000000.123456 [0 {addr}] \"AUTH\" \"(redacted)\" \"(redacted)\"\r\n"),
            format!("+1700000000.123456 [2 {addr}] \"SELECT\" \"2\"\r\n"),
            format!("+1700000000.123456 [2 {addr}] \"GET\" \"k\"\r\n"),
        ]
    );
    // MONITOR again: no reply at all; the client list shows the O flag.
    let (_, out) = t.wire(m, &["MONITOR"]);
    assert_eq!(out, "");
    match t.run(&["CLIENT", "LIST"]) {
        Reply::Verbatim(_, b) => {
            let s = String::from_utf8(b).unwrap();
            assert!(s.contains("flags=O "), "{s}");
        }
        other => panic!("{other:?}"),
    }
    t.e.disconnect(m);
    t.on(w, &["PING"]);
    assert!(t.e.take_messages().is_empty());
}

#[test]
fn client_pause_postpones_and_resumes() {
    let mut t = T::new(1);
    let writer = t.network_client();
    let reader = t.network_client();
    assert_eq!(t.run(&["CLIENT", "PAUSE", "1000", "WRITE"]), Reply::Ok);
    let (x, out) = t.wire(writer, &["SET", "k", "v"]);
    assert_eq!(x, Exec::Blocked);
    assert_eq!(out, "");
    assert!(t.e.is_blocked(writer));
    // Reads go on.
    let (x, out) = t.wire(reader, &["GET", "k"]);
    assert_eq!((x, out.as_str()), (Exec::Replied, "$-1\r\n"));
    // The pause ends with time: the write runs and is answered.
    t.clock.set(T0 + 1001);
    assert!(cinnabar::ops::cron(t.e.state_mut(), T0 + 1001));
    let served = t.e.serve_blocked();
    assert_eq!(served.len(), 1);
    assert_eq!(served[0].1, b"+OK\r\n");
    assert_eq!(t.run(&["GET", "k"]), Reply::bulk("v"));
    // PAUSE ALL holds reads too, until UNPAUSE.
    t.run(&["CLIENT", "PAUSE", "100000"]);
    assert_eq!(t.wire(reader, &["GET", "k"]).0, Exec::Blocked);
    t.run(&["CLIENT", "UNPAUSE"]);
    let served = t.e.serve_blocked();
    assert_eq!(served[0].1, b"$1\r\nv\r\n");
    assert_eq!(
        t.run(&["CLIENT", "PAUSE", "-1"]),
        Reply::Error("ERR timeout is negative".into())
    );
    assert_eq!(
        t.run(&["CLIENT", "PAUSE", "10", "FOO"]),
        Reply::Error("ERR CLIENT PAUSE mode must be WRITE or ALL".into())
    );
}

#[test]
fn client_reply_off_and_skip() {
    let mut t = T::new(1);
    let c = t.network_client();
    assert_eq!(t.wire(c, &["CLIENT", "REPLY", "OFF"]).1, "");
    assert_eq!(t.wire(c, &["SET", "a", "1"]).1, "");
    assert_eq!(t.wire(c, &["CLIENT", "REPLY", "ON"]).1, "+OK\r\n");
    assert_eq!(t.wire(c, &["CLIENT", "REPLY", "SKIP"]).1, "");
    assert_eq!(t.wire(c, &["GET", "a"]).1, "");
    assert_eq!(t.wire(c, &["GET", "a"]).1, "$1\r\n1\r\n");
    assert_eq!(
        t.wire(c, &["CLIENT", "REPLY", "X"]).1,
        "-ERR syntax error\r\n"
    );
}

#[test]
fn tracking_default_mode_invalidates_read_keys() {
    let mut t = T::new(1);
    let c = t.network_client();
    t.on(c, &["HELLO", "3"]);
    assert_eq!(t.on(c, &["CLIENT", "TRACKING", "ON"]), Reply::Ok);
    t.run(&["SET", "k", "1"]);
    t.on(c, &["GET", "k"]);
    t.on(c, &["MGET", "k2", "k3"]);
    assert!(t.messages_for(c).is_empty());
    t.run(&["SET", "k", "2"]);
    t.run(&["DEL", "k3"]);
    t.run(&["SET", "k3", "x"]);
    assert_eq!(
        t.messages_for(c),
        vec![
            ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n".to_string(),
            ">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nk3\r\n".to_string()
        ]
    );
    // Told once: no second invalidation until read again.
    t.run(&["SET", "k", "3"]);
    assert!(t.messages_for(c).is_empty());
    // Its own write invalidates too (no NOLOOP) after the reply.
    t.on(c, &["GET", "k"]);
    let (_, out) = t.wire(c, &["SET", "k", "4"]);
    assert_eq!(out, "+OK\r\n");
    assert_eq!(t.messages_for(c).len(), 1);
    // Expiry invalidates.
    t.on(c, &["GET", "k"]);
    t.run(&["PEXPIRE", "k", "10"]);
    assert_eq!(t.messages_for(c).len(), 1, "PEXPIRE modifies the key");
    t.on(c, &["GET", "k"]);
    t.clock.set(T0 + 50);
    t.e.active_expire(10);
    assert_eq!(t.messages_for(c).len(), 1, "the expiry itself");
    // FLUSHALL: a null invalidation.
    t.run(&["FLUSHALL"]);
    assert_eq!(
        t.messages_for(c),
        vec![">2\r\n$10\r\ninvalidate\r\n_\r\n".to_string()]
    );
    // INFO shows the tracking client.
    assert!(t.info("clients").contains("tracking_clients:1\r\n"));
    t.on(c, &["CLIENT", "TRACKING", "OFF"]);
    assert!(t.info("clients").contains("tracking_clients:0\r\n"));
}

#[test]
fn tracking_bcast_noloop_optin_and_redirect() {
    let mut t = T::new(1);
    let b = t.network_client();
    t.on(b, &["HELLO", "3"]);
    assert_eq!(
        t.on(
            b,
            &[
                "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:", "NOLOOP"
            ]
        ),
        Reply::Ok
    );
    t.run(&["SET", "user:1", "a"]);
    t.run(&["SET", "other", "a"]);
    t.run(&["SET", "user:2", "a"]);
    t.on(b, &["SET", "user:3", "mine"]);
    assert_eq!(
        t.messages_for(b),
        vec![">2\r\n$10\r\ninvalidate\r\n*2\r\n$6\r\nuser:1\r\n$6\r\nuser:2\r\n".to_string()]
    );
    match t.on(b, &["CLIENT", "TRACKINGINFO"]) {
        Reply::Map(m) => {
            assert_eq!(
                m[0].1,
                Reply::Set(vec![
                    Reply::bulk("on"),
                    Reply::bulk("bcast"),
                    Reply::bulk("noloop")
                ])
            );
            assert_eq!(m[2].1, Reply::Array(vec![Reply::bulk("user:")]));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        t.on(b, &["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:x"]),
        Reply::Error("ERR Prefix 'user:x' overlaps with an existing prefix 'user:'. Prefixes for a single client must not overlap.".into())
    );
    assert_eq!(
        t.on(b, &["CLIENT", "TRACKING", "ON"]),
        Reply::Error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.".into())
    );

    // OPTIN: only reads after CLIENT CACHING yes are tracked.
    let o = t.network_client();
    t.on(o, &["HELLO", "3"]);
    t.on(o, &["CLIENT", "TRACKING", "ON", "OPTIN"]);
    t.on(o, &["GET", "a"]);
    assert_eq!(t.on(o, &["CLIENT", "CACHING", "YES"]), Reply::Ok);
    t.on(o, &["GET", "b"]);
    t.on(o, &["GET", "c"]); // CACHING lasted one command
    t.run(&["MSET", "a", "1", "b", "1", "c", "1"]);
    assert_eq!(
        t.messages_for(o),
        vec![">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nb\r\n".to_string()]
    );
    assert_eq!(
        t.on(o, &["CLIENT", "CACHING", "NO"]),
        Reply::Error(
            "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.".into()
        )
    );

    // REDIRECT to a RESP2 client subscribed to __redis__:invalidate.
    let sink = t.network_client();
    t.on(sink, &["SUBSCRIBE", "__redis__:invalidate"]);
    let r = t.network_client();
    let redir = sink.id.to_string();
    assert_eq!(
        t.on(r, &["CLIENT", "TRACKING", "ON", "REDIRECT", redir.as_str()]),
        Reply::Ok
    );
    assert_eq!(t.on(r, &["CLIENT", "GETREDIR"]), Reply::Int(sink.id as i64));
    t.on(r, &["GET", "z"]);
    t.run(&["SET", "z", "1"]);
    let msgs = t.messages_for(sink);
    assert_eq!(
        msgs,
        vec!["*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nz\r\n".to_string()]
    );
    // The redirect target goes away: the tracking client is flagged.
    t.e.disconnect(sink);
    t.on(r, &["GET", "z"]);
    t.run(&["SET", "z", "2"]);
    let _ = t.e.take_messages();
    match t.run(&["CLIENT", "LIST"]) {
        Reply::Verbatim(_, s) => {
            let s = String::from_utf8(s).unwrap();
            let line = s
                .lines()
                .find(|l| l.starts_with(&format!("id={} ", r.id)))
                .unwrap();
            assert!(line.contains("flags=tR "), "{line}");
            assert!(line.contains(&format!("redir={}", sink.id)), "{line}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        t.on(r, &["CLIENT", "TRACKING", "ON", "REDIRECT", "99999"]),
        Reply::Error("ERR The client ID you want redirect to does not exist".into())
    );
}
