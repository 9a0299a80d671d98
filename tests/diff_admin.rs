//! Differential tests against a real redis-server (7.0.15, the oracle) for the
//! operational commands: CONFIG GET/SET of the limits and observability parameters,
//! SLOWLOG, LATENCY, INFO commandstats/errorstats, MONITOR, CLIENT PAUSE / REPLY /
//! TRACKING / CACHING / GETREDIR / TRACKINGINFO and RESP3 invalidation pushes.
//!
//! Normalisations: slow log entries' time, duration and client address; MONITOR lines'
//! timestamp and client port; commandstats' `usec` and `usec_per_call`. Everything
//! else is compared byte for byte.

#![cfg(feature = "native")]
mod common;

use common::{Conn, Pair, show};

/// A parsed RESP value (enough for these tests).
#[derive(Debug, Clone, PartialEq)]
enum V {
    S(String),
    A(Vec<V>),
}

fn parse(raw: &[u8]) -> V {
    fn go(raw: &[u8], pos: &mut usize) -> V {
        let end = raw[*pos..]
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("line")
            + *pos;
        let line = String::from_utf8_lossy(&raw[*pos + 1..end]).into_owned();
        let kind = raw[*pos];
        *pos = end + 2;
        match kind {
            b'$' => {
                let n: i64 = line.parse().expect("len");
                if n < 0 {
                    return V::S("(nil)".into());
                }
                let n = n as usize;
                let v = String::from_utf8_lossy(&raw[*pos..*pos + n]).into_owned();
                *pos += n + 2;
                V::S(v)
            }
            b'*' | b'%' | b'>' | b'~' => {
                let n: usize = line.parse().expect("len");
                let n = if kind == b'%' { n * 2 } else { n };
                V::A((0..n).map(|_| go(raw, pos)).collect())
            }
            _ => V::S(line),
        }
    }
    go(raw, &mut 0)
}

fn both_conns(p: &Pair) -> (Conn, Conn) {
    p.connect_more()
}

#[test]
fn config_get_set_of_limits_and_observability_params() {
    let mut p = Pair::new();
    let params = [
        "aclfile",
        "acllog-max-len",
        "acl-pubsub-default",
        "latency-monitor-threshold",
        "latency-tracking",
        "latency-tracking-info-percentiles",
        "tracking-table-max-keys",
        "slowlog-log-slower-than",
        "slowlog-max-len",
        "timeout",
        "tcp-keepalive",
        "proto-max-bulk-len",
        "client-query-buffer-limit",
        "maxclients",
        "requirepass",
    ];
    for k in params {
        p.check(&["CONFIG", "GET", k]);
    }
    for (k, v) in [
        ("acl-pubsub-default", "foo"),
        ("acl-pubsub-default", "ALLCHANNELS"),
        ("acllog-max-len", "-1"),
        ("acllog-max-len", "5"),
        ("latency-monitor-threshold", "x"),
        ("latency-monitor-threshold", "100"),
        ("slowlog-log-slower-than", "-2"),
        ("slowlog-log-slower-than", "-1"),
        ("slowlog-max-len", "-1"),
        ("slowlog-max-len", "3"),
        ("latency-tracking-info-percentiles", "50 101"),
        ("latency-tracking-info-percentiles", "abc"),
        ("latency-tracking-info-percentiles", "50.0 99.90"),
        ("latency-tracking-info-percentiles", ""),
        ("latency-tracking", "maybe"),
        ("latency-tracking", "no"),
        ("tracking-table-max-keys", "10"),
        ("aclfile", "/tmp/x"),
        ("proto-max-bulk-len", "100"),
        ("proto-max-bulk-len", "2mb"),
        ("client-query-buffer-limit", "10"),
        ("client-query-buffer-limit", "4mb"),
        ("timeout", "-1"),
        ("timeout", "30"),
        ("tcp-keepalive", "-1"),
        ("tcp-keepalive", "60"),
        ("protected-mode", "no"),
    ] {
        p.check(&["CONFIG", "SET", k, v]);
        p.check(&["CONFIG", "GET", k]);
    }
    p.check(&[
        "CONFIG",
        "SET",
        "timeout",
        "0",
        "tcp-keepalive",
        "300",
        "acllog-max-len",
        "128",
    ]);
}

/// A slow log entry with time, duration and peer masked.
fn masked_slowlog(raw: &[u8]) -> V {
    let V::A(entries) = parse(raw) else {
        panic!("{}", show(raw))
    };
    V::A(
        entries
            .into_iter()
            .map(|e| {
                let V::A(mut f) = e else { panic!() };
                assert_eq!(f.len(), 6, "{f:?}");
                f[1] = V::S("time".into());
                f[2] = V::S("duration".into());
                f[4] = V::S("peer".into());
                V::A(f)
            })
            .collect(),
    )
}

#[test]
fn slowlog_shape() {
    let mut p = Pair::new();
    p.check(&["SLOWLOG", "LEN"]);
    p.check(&["SLOWLOG", "GET"]);
    p.check(&["SLOWLOG", "GET", "-2"]);
    p.check(&["SLOWLOG", "GET", "x"]);
    p.check(&["SLOWLOG", "GET", "1", "2"]);
    p.check(&["CONFIG", "SET", "slowlog-log-slower-than", "0"]);
    p.check(&["SLOWLOG", "RESET"]);
    p.check(&["CLIENT", "SETNAME", "slowpoke"]);
    p.check(&["SET", "k", "v"]);
    let long = "y".repeat(300);
    p.check(&["ECHO", long.as_str()]);
    p.check(&["AUTH", "default", "secret"]);
    let mut many = vec!["DEL".to_string()];
    for i in 0..40 {
        many.push(format!("key{i}"));
    }
    p.check(&many);
    p.check(&["ACL", "SETUSER", "u", ">pw", "on"]);
    p.check(&["CONFIG", "SET", "requirepass", "pw"]);
    p.check(&["AUTH", "pw"]);
    p.check(&["CONFIG", "SET", "requirepass", ""]);
    let (r, c) = p.both(&["SLOWLOG", "GET", "-1"]);
    assert_eq!(masked_slowlog(&c), masked_slowlog(&r));
    let (r, c) = p.both(&["SLOWLOG", "GET", "2"]);
    assert_eq!(masked_slowlog(&c), masked_slowlog(&r));
    p.check(&["SLOWLOG", "LEN"]);
    p.check(&["CONFIG", "SET", "slowlog-max-len", "2"]);
    p.check(&["SLOWLOG", "LEN"]);
}

#[test]
fn latency_commands_without_events() {
    let mut p = Pair::new();
    p.check(&["LATENCY", "LATEST"]);
    p.check(&["LATENCY", "HISTORY", "command"]);
    p.check(&["LATENCY", "RESET"]);
    p.check(&["LATENCY", "RESET", "command", "x"]);
    p.check(&["LATENCY", "GRAPH", "command"]);
    p.check(&["LATENCY", "NOSUCH"]);
    p.check(&["LATENCY", "HISTOGRAM", "nosuchcommand"]);
}

#[test]
fn info_errorstats_and_commandstats() {
    let mut p = Pair::new();
    p.check(&["SET", "k", "v"]);
    p.check(&["LPUSH", "k", "x"]);
    p.check(&["GET"]);
    p.check(&["NOSUCH"]);
    p.check(&["INCR", "k"]);
    p.check(&["INFO", "errorstats"]);
    let (r, c) = p.both(&["INFO", "commandstats"]);
    let pick = |raw: &[u8], cmd: &str| -> String {
        let s = String::from_utf8_lossy(raw).into_owned();
        let line = s
            .lines()
            .find(|l| l.starts_with(&format!("cmdstat_{cmd}:")))
            .unwrap_or_else(|| panic!("no {cmd} in {s}"))
            .to_string();
        // Drop usec and usec_per_call (timings).
        line.split(',')
            .filter(|f| !f.starts_with("usec"))
            .collect::<Vec<_>>()
            .join(",")
    };
    for cmd in ["set", "lpush", "get", "incr"] {
        assert_eq!(pick(&c, cmd), pick(&r, cmd));
    }
    p.check(&["CONFIG", "RESETSTAT"]);
    p.check(&["INFO", "errorstats"]);
}

#[test]
fn monitor_lines() {
    let p = Pair::new();
    let (mut mr, mut mc) = both_conns(&p);
    assert_eq!(mc.cmd(&["MONITOR"]), mr.cmd(&["MONITOR"]));
    let (mut r, mut c) = both_conns(&p);
    for args in [
        &["SET", "k", "a b\"c\n"][..],
        &["CONFIG", "GET", "maxclients"],
        &["AUTH", "default", "x"],
        &["SELECT", "3"],
        &["GET", "k"],
    ] {
        assert_eq!(show(&c.cmd(args)), show(&r.cmd(args)), "{args:?}");
    }
    let norm = |line: Vec<u8>| -> String {
        let s = String::from_utf8(line).unwrap();
        // "+<secs>.<usecs> [<db> 127.0.0.1:<port>] ..." → keep the db and the arguments.
        let close = s.find(']').expect("]");
        let db = s[s.find('[').expect("[") + 1..]
            .split(' ')
            .next()
            .unwrap()
            .to_string();
        format!("[{db}]{}", &s[close + 1..])
    };
    for _ in 0..4 {
        let (rl, cl) = (mr.read_reply(), mc.read_reply());
        assert_eq!(norm(cl), norm(rl));
    }
}

#[test]
fn client_reply_and_pause() {
    let mut p = Pair::new();
    let (mut r, mut c) = both_conns(&p);
    for conn in [&mut r, &mut c] {
        conn.send(&["CLIENT", "REPLY", "OFF"]);
        conn.send(&["SET", "a", "1"]);
        conn.send(&["CLIENT", "REPLY", "ON"]);
        conn.send(&["CLIENT", "REPLY", "SKIP"]);
        conn.send(&["GET", "a"]);
        conn.send(&["GET", "a"]);
        conn.send(&["CLIENT", "REPLY", "BAD"]);
    }
    for _ in 0..3 {
        assert_eq!(show(&c.read_reply()), show(&r.read_reply()));
    }
    for args in [
        &["CLIENT", "PAUSE", "abc"][..],
        &["CLIENT", "PAUSE", "-1"],
        &["CLIENT", "PAUSE", "10", "FOO"],
        &["CLIENT", "PAUSE", "10", "WRITE", "x"],
        &["CLIENT", "UNPAUSE"],
    ] {
        p.check(args);
    }
    // A write waits for the end of a WRITE pause, then runs; reads do not wait.
    p.check(&["CLIENT", "PAUSE", "300", "WRITE"]);
    assert_eq!(show(&c.cmd(&["GET", "a"])), show(&r.cmd(&["GET", "a"])));
    let t0 = std::time::Instant::now();
    assert_eq!(
        show(&c.cmd(&["SET", "a", "2"])),
        show(&r.cmd(&["SET", "a", "2"]))
    );
    assert!(t0.elapsed() >= std::time::Duration::from_millis(150));
    p.check(&["GET", "a"]);
}

#[test]
fn client_tracking_options_and_errors() {
    let mut p = Pair::new();
    for args in [
        &["CLIENT", "GETREDIR"][..],
        &["CLIENT", "TRACKINGINFO"],
        &["CLIENT", "CACHING", "yes"],
        &["CLIENT", "TRACKING", "maybe"],
        &["CLIENT", "TRACKING", "on", "bogus"],
        &["CLIENT", "TRACKING", "on", "prefix", "a"],
        &["CLIENT", "TRACKING", "on", "optin", "optout"],
        &["CLIENT", "TRACKING", "on", "bcast", "optin"],
        &[
            "CLIENT", "TRACKING", "on", "bcast", "prefix", "a", "prefix", "ab",
        ],
        &["CLIENT", "TRACKING", "on", "redirect", "abc"],
        &["CLIENT", "TRACKING", "on", "redirect", "99999"],
        &["CLIENT", "TRACKING", "on", "optin"],
        &["CLIENT", "TRACKINGINFO"],
        &["CLIENT", "GETREDIR"],
        &["CLIENT", "CACHING", "no"],
        &["CLIENT", "CACHING", "maybe"],
        &["CLIENT", "CACHING", "yes"],
        &["CLIENT", "TRACKINGINFO"],
        &["CLIENT", "TRACKING", "on", "optout"],
        &["CLIENT", "TRACKING", "on", "bcast"],
        &["CLIENT", "TRACKING", "off"],
        &[
            "CLIENT", "TRACKING", "on", "bcast", "prefix", "user:", "prefix", "obj:", "noloop",
        ],
        &["CLIENT", "TRACKINGINFO"],
        &["CLIENT", "TRACKING", "on", "bcast", "prefix", "user:x"],
        &["CLIENT", "TRACKING", "on", "bcast", "prefix", "new:"],
        &["CLIENT", "TRACKINGINFO"],
        &["CLIENT", "TRACKING", "off"],
        &["CLIENT", "TRACKINGINFO"],
    ] {
        p.check(args);
    }
}

#[test]
fn resp3_invalidation_pushes() {
    let mut p = Pair::new();
    let (mut tr, mut tc) = both_conns(&p);
    for conn in [&mut tr, &mut tc] {
        let hello = conn.cmd(&["HELLO", "3"]);
        assert_eq!(hello[0], b'%');
    }
    for args in [
        &["CLIENT", "TRACKING", "ON"][..],
        &["GET", "k"],
        &["MGET", "k2", "k3"],
    ] {
        assert_eq!(show(&tc.cmd(args)), show(&tr.cmd(args)), "{args:?}");
    }
    p.check(&["SET", "k", "1"]);
    assert_eq!(show(&tc.read_reply()), show(&tr.read_reply()));
    p.check(&["MSET", "k2", "1", "k3", "1"]);
    for _ in 0..2 {
        assert_eq!(show(&tc.read_reply()), show(&tr.read_reply()));
    }
    // Own write: the reply, then the invalidation.
    assert_eq!(show(&tc.cmd(&["GET", "k"])), show(&tr.cmd(&["GET", "k"])));
    assert_eq!(
        show(&tc.cmd(&["SET", "k", "2"])),
        show(&tr.cmd(&["SET", "k", "2"]))
    );
    assert_eq!(show(&tc.read_reply()), show(&tr.read_reply()));
    // FLUSHALL: one null invalidation.
    assert_eq!(show(&tc.cmd(&["GET", "k"])), show(&tr.cmd(&["GET", "k"])));
    p.check(&["FLUSHALL"]);
    assert_eq!(show(&tc.read_reply()), show(&tr.read_reply()));
    // BCAST: the keys of one batch arrive together.
    for args in [
        &["CLIENT", "TRACKING", "OFF"][..],
        &["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "u:"],
    ] {
        assert_eq!(show(&tc.cmd(args)), show(&tr.cmd(args)), "{args:?}");
    }
    p.check(&["MSET", "u:1", "a", "x", "b", "u:2", "c"]);
    assert_eq!(show(&tc.read_reply()), show(&tr.read_reply()));
    p.check(&["PING"]);
}

#[test]
fn client_list_shows_tracking_and_monitor() {
    let mut p = Pair::new();
    let (mut tr, mut tc) = both_conns(&p);
    for args in [&["HELLO", "3"][..], &["CLIENT", "TRACKING", "ON", "BCAST"]] {
        let (a, b) = (tr.cmd(args), tc.cmd(args));
        assert_eq!(a[0], b[0]);
    }
    let field = |raw: &[u8], name: &str| -> Vec<String> {
        let s = String::from_utf8_lossy(raw).into_owned();
        s.lines()
            .filter(|l| l.contains("id="))
            .map(|l| {
                l.split(' ')
                    .find(|f| f.starts_with(&format!("{name}=")))
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    };
    let (r, c) = p.both(&["CLIENT", "LIST"]);
    assert_eq!(field(&c, "flags"), field(&r, "flags"));
    assert_eq!(field(&c, "redir"), field(&r, "redir"));
}

#[test]
fn rename_command_in_the_config() {
    let opts = [
        "--rename-command",
        "GET",
        "FETCH",
        "--rename-command",
        "FLUSHALL",
        "",
    ];
    let mut p = Pair::with_options(&opts, &opts);
    for args in [
        &["SET", "k", "v"][..],
        &["GET", "k"],
        &["FETCH", "k"],
        &["fetch", "k"],
        &["FLUSHALL"],
        &["FLUSHDB"],
        &["ACL", "SETUSER", "u", "on", "nopass", "+get", "~*"],
        &["ACL", "LIST"],
    ] {
        p.check(args);
    }
}

#[test]
fn config_rewrite_keeps_the_file_and_updates_values_in_place() {
    let text = "# Cinnabar and Redis read this\nmaxmemory 1mb\n\n# policy below\nmaxmemory-policy allkeys-lru\nhash-max-ziplist-entries 100\nnotify-keyspace-events \"\"\nhz 10\nhz 11\n";
    let dir = std::env::temp_dir().join(format!("cinnabar-rewrite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (rf, cf) = (dir.join("redis.conf"), dir.join("cinnabar.conf"));
    std::fs::write(&rf, text).unwrap();
    std::fs::write(&cf, text).unwrap();
    let redis = common::start_with_config(
        "redis-server",
        rf.to_str().unwrap(),
        &["--save", "", "--appendonly", "no"],
    );
    let cinnabar = common::start_with_config(common::cinnabar_bin(), cf.to_str().unwrap(), &[]);
    let (mut r, mut c) = (Conn::connect(redis.port), Conn::connect(cinnabar.port));
    for args in [
        &[
            "CONFIG",
            "SET",
            "maxmemory",
            "2mb",
            "hash-max-listpack-entries",
            "200",
        ][..],
        &[
            "CONFIG",
            "SET",
            "maxmemory-policy",
            "noeviction",
            "hz",
            "20",
        ],
        &["CONFIG", "REWRITE"],
    ] {
        assert_eq!(show(&c.cmd(args)), show(&r.cmd(args)), "{args:?}");
    }
    let (rs, cs) = (
        std::fs::read_to_string(&rf).unwrap(),
        std::fs::read_to_string(&cf).unwrap(),
    );
    // The part that came from the file is rewritten identically (what each server
    // appends after the signature depends on its other, different, options).
    let head = |s: &str| {
        s.split("# Generated by CONFIG REWRITE")
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(head(&cs), head(&rs), "cinnabar:\n{cs}\nredis:\n{rs}");
    assert!(
        cs.contains("\nmaxmemory 2mb\n") && cs.contains("\nhz 20\n"),
        "{cs}"
    );
    assert!(cs.contains("# policy below"), "{cs}");
    // A second rewrite changes nothing.
    assert_eq!(c.cmd(&["CONFIG", "REWRITE"]), b"+OK\r\n");
    assert_eq!(std::fs::read_to_string(&cf).unwrap(), cs);
    std::fs::remove_dir_all(&dir).ok();
}
