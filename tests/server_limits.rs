//! Connection limits against a real cinnabar-server (and redis-server where the two
//! can be compared byte for byte): `client-output-buffer-limit` for the normal,
//! pubsub and replica classes (hard and soft limits, replies of ordinary commands,
//! Pub/Sub messages, MONITOR output), CONFIG SET/GET/REWRITE of it, and
//! `proto-max-bulk-len` / `client-query-buffer-limit` changed at runtime applying to
//! connections that are already open.
//!
//! Nothing waits a fixed time to synchronise: every wait polls an observable condition
//! (a client gone from CLIENT LIST, EOF on a socket) up to a generous deadline.

#![cfg(feature = "native")]
mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{Conn, Pair, encode_cmd, rss_kib, show, start_cinnabar, start_with_config};

const MB: usize = 1024 * 1024;

/// The CLIENT LIST line of client `id`, if it is connected.
fn client_line(c: &mut Conn, id: i64) -> Option<String> {
    let raw = c.cmd(&["CLIENT", "LIST"]);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let prefix = format!("id={id} ");
    text.lines()
        .find(|l| l.starts_with(&prefix))
        .map(str::to_string)
}

fn field(line: &str, name: &str) -> i64 {
    line.split(' ')
        .find_map(|f| f.strip_prefix(&format!("{name}=")))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {line}"))
}

/// Poll `f` until it holds, up to `secs` seconds.
fn wait_for(secs: u64, what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20)); // polling interval only
    }
}

/// A raw client that pipelines and does not read; returns it with its client id.
fn raw_client(port: u16) -> (TcpStream, i64) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(&encode_cmd(&["CLIENT", "ID"])).unwrap();
    let mut buf = [0u8; 64];
    let mut got = Vec::new();
    while !got.ends_with(b"\r\n") {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0);
        got.extend_from_slice(&buf[..n]);
    }
    let id = std::str::from_utf8(&got[1..got.len() - 2])
        .unwrap()
        .parse()
        .unwrap();
    (s, id)
}

/// Read until EOF (or a reset); returns the bytes read. Panics if the server keeps
/// the connection open past the deadline.
fn read_to_eof(s: &mut TcpStream, secs: u64) -> usize {
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0;
    loop {
        match s.read(&mut buf) {
            Ok(0) => return total,
            Ok(n) => total += n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                assert!(
                    Instant::now() < deadline,
                    "connection still open after {total} bytes"
                );
            }
            Err(_) => return total, // reset by the server: closed too
        }
    }
}

fn set_big(c: &mut Conn, key: &str, len: usize) {
    let v = "x".repeat(len);
    assert_eq!(c.cmd(&["SET", key, v.as_str()]), b"+OK\r\n");
}

fn log_path(tag: &str) -> String {
    let dir = std::env::temp_dir().join(format!("cinnabar-limits-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("server.log").display().to_string()
}

fn log_contains(path: &str, needle: &str) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| t.contains(needle))
}

#[test]
fn normal_hard_limit_closes_a_pipelining_client_that_never_reads() {
    let log = log_path("hard");
    let srv = start_cinnabar(&["--logfile", log.as_str()]);
    let mut c = Conn::connect(srv.port);
    set_big(&mut c, "big", MB);
    // Set at runtime: applies to the hog, connected before or after.
    let (mut hog, id) = raw_client(srv.port);
    assert_eq!(
        c.cmd(&[
            "CONFIG",
            "SET",
            "client-output-buffer-limit",
            "normal 4mb 0 0"
        ]),
        b"+OK\r\n"
    );
    let rss_before = rss_kib(srv.child.id());
    // 200 pipelined GETs of a 1 MB value: 200 MB of replies, never read.
    hog.write_all(&b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".repeat(200))
        .unwrap();
    let mut peak = 0;
    wait_for(30, "the hog to be closed", || {
        peak = peak.max(rss_kib(srv.child.id()));
        // Another client is served throughout.
        assert_eq!(c.cmd(&["PING"]), b"+PONG\r\n");
        client_line(&mut c, id).is_none()
    });
    // The hog gets what the kernel buffered, then EOF: far less than it asked for.
    let got = read_to_eof(&mut hog, 30);
    println!("hog read {got} bytes before EOF; RSS {rss_before} KiB -> peak {peak} KiB");
    assert!(got < 60 * MB, "hog read {got} bytes");
    assert!(
        peak < rss_before + 64 * 1024,
        "RSS grew from {rss_before} KiB to {peak} KiB"
    );
    wait_for(10, "the log line", || {
        log_contains(
            &log,
            "scheduled to be closed ASAP for overcoming of output buffer limits.",
        )
    });
    assert!(log_contains(&log, &format!("# Client id={id} addr=")));
    // The server goes on, and the limit is still what was set.
    assert_eq!(
        c.cmd(&["CONFIG", "GET", "client-output-buffer-limit"]),
        b"*2\r\n$26\r\nclient-output-buffer-limit\r\n$73\r\nnormal 4194304 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60\r\n"
    );
    assert_eq!(c.cmd(&["STRLEN", "big"]), b":1048576\r\n");
}

#[test]
fn without_a_normal_limit_a_slow_reader_is_kept_and_gets_every_reply() {
    let srv = start_cinnabar(&[]);
    let mut c = Conn::connect(srv.port);
    set_big(&mut c, "big", MB);
    let (mut hog, id) = raw_client(srv.port);
    let n = 40;
    hog.write_all(&b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".repeat(n))
        .unwrap();
    // The server holds some of its output and waits for it (omem > 0).
    wait_for(30, "output held for the hog", || {
        client_line(&mut c, id).is_some_and(|l| field(&l, "omem") > 0)
    });
    // Now it reads everything: every reply is complete, and it is still connected.
    let reply_len = format!("${MB}\r\n").len() + MB + 2;
    let mut buf = vec![0u8; n * reply_len];
    hog.read_exact(&mut buf).unwrap();
    let one = [
        format!("${MB}\r\n").into_bytes(),
        vec![b'x'; MB],
        b"\r\n".to_vec(),
    ]
    .concat();
    assert!(buf.chunks(reply_len).all(|r| r == one.as_slice()));
    hog.write_all(b"PING\r\n").unwrap();
    let mut pong = [0u8; 7];
    hog.read_exact(&mut pong).unwrap();
    assert_eq!(&pong, b"+PONG\r\n");
    assert_eq!(client_line(&mut c, id).map(|l| field(&l, "omem")), Some(0));
}

#[test]
fn soft_limit_closes_a_client_over_it_for_longer_than_its_seconds() {
    let log = log_path("soft");
    let srv = start_cinnabar(&[
        "--client-output-buffer-limit",
        "normal 0 1mb 1",
        "--logfile",
        log.as_str(),
    ]);
    let mut c = Conn::connect(srv.port);
    set_big(&mut c, "big", MB);
    let (mut hog, id) = raw_client(srv.port);
    hog.write_all(&b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".repeat(100))
        .unwrap();
    let mut seen_over = false;
    wait_for(
        30,
        "the hog to be closed by the soft limit",
        || match client_line(&mut c, id) {
            Some(l) => {
                seen_over |= field(&l, "omem") >= MB as i64;
                false
            }
            None => true,
        },
    );
    let got = read_to_eof(&mut hog, 30);
    assert!(got < 60 * MB, "hog read {got} bytes");
    // Over the soft limit with no new output: closed by the timer, not on output.
    wait_for(10, "the log line", || {
        log_contains(&log, "closed for overcoming of output buffer limits.")
    });
    assert!(log_contains(&log, &format!("Client id={id} ")));
    println!("soft limit: omem over 1 MB observed before the close: {seen_over}");
    assert_eq!(c.cmd(&["PING"]), b"+PONG\r\n");
}

#[test]
fn under_the_soft_limit_a_client_is_kept() {
    let srv = start_cinnabar(&["--client-output-buffer-limit", "normal 0 8mb 1"]);
    let mut c = Conn::connect(srv.port);
    set_big(&mut c, "mid", 64 * 1024);
    let (mut hog, id) = raw_client(srv.port);
    // 20 replies of 64 KB (1.3 MB) unread: under the 8 MB soft limit.
    hog.write_all(&b"*2\r\n$3\r\nGET\r\n$3\r\nmid\r\n".repeat(20))
        .unwrap();
    // Still connected well past the soft limit's second.
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_millis(2500) {
        assert!(
            client_line(&mut c, id).is_some(),
            "closed under the soft limit"
        );
        std::thread::sleep(Duration::from_millis(100)); // polling interval only
    }
    let reply_len = format!("${}\r\n", 64 * 1024).len() + 64 * 1024 + 2;
    let mut buf = vec![0u8; 20 * reply_len];
    hog.read_exact(&mut buf).unwrap();
    assert!(buf.starts_with(b"$65536\r\nxxx"));
}

#[test]
fn pubsub_limit_applies_to_subscribers_only() {
    let srv = start_cinnabar(&["--client-output-buffer-limit", "pubsub 1mb 0 0"]);
    let mut c = Conn::connect(srv.port);
    let (mut sub, sub_id) = raw_client(srv.port);
    sub.write_all(&encode_cmd(&["SUBSCRIBE", "news"])).unwrap();
    wait_for(10, "the subscription", || {
        c.cmd(&["PUBSUB", "NUMSUB", "news"]) == b"*2\r\n$4\r\nnews\r\n:1\r\n"
    });
    // A normal client doing big reads is not in the pubsub class: not closed.
    set_big(&mut c, "big", MB);
    let (mut reader, reader_id) = raw_client(srv.port);
    reader
        .write_all(&b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".repeat(30))
        .unwrap();
    let msg = "m".repeat(100 * 1024);
    wait_for(30, "the subscriber to be closed", || {
        c.cmd(&["PUBLISH", "news", msg.as_str()]);
        client_line(&mut c, sub_id).is_none()
    });
    assert_eq!(
        c.cmd(&["PUBSUB", "NUMSUB", "news"]),
        b"*2\r\n$4\r\nnews\r\n:0\r\n"
    );
    read_to_eof(&mut sub, 30);
    wait_for(30, "the reader's output to be held", || {
        client_line(&mut c, reader_id).is_some_and(|l| field(&l, "omem") > 0)
    });
    let reply_len = format!("${MB}\r\n").len() + MB + 2;
    let mut buf = vec![0u8; 30 * reply_len];
    reader.read_exact(&mut buf).unwrap();
    assert!(client_line(&mut c, reader_id).is_some());
}

#[test]
fn monitor_clients_are_in_the_normal_class() {
    let srv = start_cinnabar(&["--client-output-buffer-limit", "normal 2mb 0 0"]);
    let mut c = Conn::connect(srv.port);
    let (mut mon, mon_id) = raw_client(srv.port);
    mon.write_all(&encode_cmd(&["MONITOR"])).unwrap();
    let mut ok = [0u8; 5];
    mon.read_exact(&mut ok).unwrap();
    assert_eq!(&ok, b"+OK\r\n");
    let v = "v".repeat(64 * 1024);
    wait_for(60, "the monitor to be closed", || {
        // Each SET is fed to the monitor (about 64 KB per line); it never reads.
        for _ in 0..16 {
            assert_eq!(c.cmd(&["SET", "k", v.as_str()]), b"+OK\r\n");
        }
        client_line(&mut c, mon_id).is_none()
    });
    read_to_eof(&mut mon, 30);
    assert_eq!(c.cmd(&["STRLEN", "k"]), b":65536\r\n");
}

#[test]
fn replica_class_is_stored_but_applies_to_no_client() {
    // The replica class limits nothing here (no replication): a tiny replica limit
    // leaves normal clients alone.
    let srv = start_cinnabar(&["--client-output-buffer-limit", "replica 1 1 0"]);
    let mut c = Conn::connect(srv.port);
    set_big(&mut c, "big", MB);
    let (mut r, id) = raw_client(srv.port);
    r.write_all(&b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".repeat(20))
        .unwrap();
    wait_for(30, "output held", || {
        client_line(&mut c, id).is_some_and(|l| field(&l, "omem") > 0)
    });
    let reply_len = format!("${MB}\r\n").len() + MB + 2;
    let mut buf = vec![0u8; 20 * reply_len];
    r.read_exact(&mut buf).unwrap();
    assert_eq!(
        c.cmd(&["CONFIG", "GET", "client-output-buffer-limit"]),
        b"*2\r\n$26\r\nclient-output-buffer-limit\r\n$51\r\nnormal 0 0 0 slave 1 1 0 pubsub 33554432 8388608 60\r\n"
    );
}

#[test]
fn config_set_and_get_of_output_limits_match_redis() {
    let mut p = Pair::new();
    let get: &[&str] = &["CONFIG", "GET", "client-output-buffer-limit"];
    p.check(get);
    for v in [
        "normal 1mb 512kb 10",
        "replica 1 2 3",
        "master 1 2 3",
        "foo 1 2 3",
        "normal 1 2",
        "normal x 2 3",
        "normal 1 2 -3",
        "normal -1 2 3",
        "",
        "NORMAL 1K 2KB 3",
        "pubsub 1 2 3 normal 4 5 6",
        "normal 1 2 3x",
        "slave 1gb 2g 0",
        "normal kb 0 0",
        "normal 1 2 ",
        " normal 1 2 3",
        "normal  1 2 3",
        "normal 1 2 +3",
        "normal 1 2 99999999999",
        "normal 1 2 4294967297",
        "normal 1 2 2147483648",
        "normal 99999999999999999999999 0 0",
        "normal 1 2 0x10",
        "normal\t1 2 3",
        "normal \"1\" 2 3",
        "Replica 5mb 6mb 7 pubsub 0 0 0",
        "normal 1 2 3 normal 4 5 6",
        "pubsub 32mb 8mb 60 slave 256mb 64mb 60 normal 0 0 0",
    ] {
        p.check(&["CONFIG", "SET", "client-output-buffer-limit", v]);
        p.check(get);
    }
    // Several parameters at once: all or nothing.
    p.check(&[
        "CONFIG",
        "SET",
        "client-output-buffer-limit",
        "normal 1 1 1",
        "maxmemory",
        "nonsense",
    ]);
    p.check(get);
    p.check(&[
        "CONFIG",
        "SET",
        "client-output-buffer-limit",
        "normal 1mb 1mb 1",
        "hz",
        "11",
    ]);
    p.check(get);
    p.check(&["CONFIG", "GET", "client-output-*"]);
}

/// A config file in a fresh directory.
fn conf_file(tag: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("cinnabar-limits-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("test.conf");
    std::fs::write(&f, text).unwrap();
    f.display().to_string()
}

fn obuf_lines(path: &str) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("client-output-buffer-limit"))
        .map(str::to_string)
        .collect()
}

#[test]
fn config_rewrite_writes_output_limits_as_redis() {
    let text = "# limits\nclient-output-buffer-limit normal 0 0 0\nmaxmemory 0\n";
    let rconf = conf_file("rw-redis", text);
    let cconf = conf_file("rw-cinnabar", text);
    let redis = start_with_config("redis-server", &rconf, &["--save", ""]);
    let cinnabar = start_with_config(common::cinnabar_bin(), &cconf, &["--save", ""]);
    let mut r = Conn::connect(redis.port);
    let mut c = Conn::connect(cinnabar.port);
    for (set, expect) in [
        // One line in the file, two classes changed: the first takes the line.
        (
            "pubsub 64mb 16mb 120 replica 1gb 2000000 0",
            vec![
                "client-output-buffer-limit normal 0 0 0",
                "client-output-buffer-limit replica 1gb 2000000 0",
                "client-output-buffer-limit pubsub 64mb 16mb 120",
            ],
        ),
        // Back to the defaults: the lines already there are kept (rewritten).
        (
            "pubsub 32mb 8mb 60 replica 256mb 64mb 60",
            vec![
                "client-output-buffer-limit normal 0 0 0",
                "client-output-buffer-limit replica 256mb 64mb 60",
                "client-output-buffer-limit pubsub 32mb 8mb 60",
            ],
        ),
    ] {
        for conn in [&mut r, &mut c] {
            assert_eq!(
                conn.cmd(&["CONFIG", "SET", "client-output-buffer-limit", set]),
                b"+OK\r\n"
            );
            assert_eq!(conn.cmd(&["CONFIG", "REWRITE"]), b"+OK\r\n");
        }
        assert_eq!(obuf_lines(&rconf), expect, "redis");
        assert_eq!(obuf_lines(&cconf), expect, "cinnabar");
    }
    // The rewritten file loads back to the same limits.
    drop(cinnabar);
    let again = start_with_config(common::cinnabar_bin(), &cconf, &["--save", ""]);
    let mut c2 = Conn::connect(again.port);
    let (rv, cv) = (
        r.cmd(&["CONFIG", "GET", "client-output-buffer-limit"]),
        c2.cmd(&["CONFIG", "GET", "client-output-buffer-limit"]),
    );
    assert_eq!(show(&cv), show(&rv));
}

#[test]
fn proto_max_bulk_len_set_at_runtime_applies_to_open_connections() {
    let mut p = Pair::new();
    // Connections opened before the change.
    let (mut r2, mut c2) = p.connect_more();
    assert_eq!(c2.cmd(&["PING"]), r2.cmd(&["PING"]));
    p.check(&["CONFIG", "SET", "proto-max-bulk-len", "1mb"]);
    let req = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n";
    r2.send_raw(req);
    c2.send_raw(req);
    let (rr, cr) = (r2.try_read_reply(), c2.try_read_reply());
    assert_eq!(cr.as_deref().map(show), rr.as_deref().map(show));
    assert_eq!(
        cr.as_deref(),
        Some(&b"-ERR Protocol error: invalid bulk length\r\n"[..])
    );
    // ... and then the connection is closed.
    assert_eq!(c2.try_read_reply(), None);
    assert_eq!(r2.try_read_reply(), None);
    // A bulk within the new limit is fine.
    let v = "v".repeat(MB);
    p.check(&["SET", "k", v.as_str()]);
    p.check(&["STRLEN", "k"]);
}

#[test]
fn client_query_buffer_limit_set_at_runtime_applies_to_open_connections() {
    let srv = start_cinnabar(&[]);
    let mut c = Conn::connect(srv.port);
    let (mut q, id) = raw_client(srv.port);
    assert_eq!(
        c.cmd(&["CONFIG", "SET", "client-query-buffer-limit", "1mb"]),
        b"+OK\r\n"
    );
    // A 3 MB argument (under proto-max-bulk-len) is more than the query buffer may
    // hold now.
    q.write_all(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n")
        .unwrap();
    let chunk = vec![b'z'; 64 * 1024];
    let mut sent = 0;
    while sent < 3_000_000 {
        if q.write_all(&chunk).is_err() {
            break; // closed by the server
        }
        sent += chunk.len();
    }
    read_to_eof(&mut q, 30);
    assert!(client_line(&mut c, id).is_none());
    assert_eq!(c.cmd(&["EXISTS", "k"]), b":0\r\n");
    // Raised again, a big argument goes through on a new connection.
    assert_eq!(
        c.cmd(&["CONFIG", "SET", "client-query-buffer-limit", "1gb"]),
        b"+OK\r\n"
    );
    let v = "v".repeat(3_000_000);
    assert_eq!(c.cmd(&["SET", "k", v.as_str()]), b"+OK\r\n");
}

/// Send `bytes` on a new connection and read until the server closes it.
fn protocol_error(port: u16, bytes: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(bytes).unwrap();
    let mut got = Vec::new();
    let _ = s.read_to_end(&mut got);
    got
}

#[test]
fn loglevel_set_at_runtime_applies_at_once() {
    let log = log_path("loglevel");
    let srv = start_cinnabar(&["--logfile", log.as_str()]);
    let mut c = Conn::connect(srv.port);
    // Protocol errors are logged at the verbose level, as Redis does: not under the
    // default `notice`. (The line is written before the reply and the close.)
    assert_eq!(
        protocol_error(srv.port, b"*1\r\n$x\r\n"),
        b"-ERR Protocol error: invalid bulk length\r\n"
    );
    assert!(!log_contains(&log, "Protocol error"));
    assert_eq!(c.cmd(&["CONFIG", "SET", "loglevel", "verbose"]), b"+OK\r\n");
    assert_eq!(
        protocol_error(srv.port, b"*1\r\n$yy\r\n"),
        b"-ERR Protocol error: invalid bulk length\r\n"
    );
    assert!(log_contains(
        &log,
        "- Protocol error (invalid bulk length) from client: id="
    ));
    assert!(log_contains(
        &log,
        ". Query buffer during protocol error: '*1..$yy..'"
    ));
    assert!(!log_contains(&log, "'*1..$x..'"));
    assert_eq!(c.cmd(&["CONFIG", "SET", "loglevel", "warning"]), b"+OK\r\n");
    protocol_error(srv.port, b"*1\r\n$zz\r\n");
    assert!(!log_contains(&log, "'*1..$zz..'"));
    assert_eq!(
        c.cmd(&["CONFIG", "GET", "loglevel"]),
        b"*2\r\n$8\r\nloglevel\r\n$7\r\nwarning\r\n"
    );
}

/// Send `bytes` to fresh connections on both servers and compare every reply up to
/// the close.
#[track_caller]
fn check_until_close(p: &Pair, bytes: &[u8]) -> Vec<Vec<u8>> {
    let (mut r, mut c) = p.connect_more();
    r.send_raw(bytes);
    c.send_raw(bytes);
    let (mut rs, mut cs) = (Vec::new(), Vec::new());
    while let Some(x) = r.try_read_reply() {
        rs.push(show(&x));
    }
    while let Some(x) = c.try_read_reply() {
        cs.push(show(&x));
    }
    assert_eq!(cs, rs, "replies differ for {:?}", show(bytes));
    rs.into_iter().map(String::into_bytes).collect()
}

#[test]
fn unauthenticated_clients_cannot_send_big_requests() {
    let mut p = Pair::new();
    p.check(&["CONFIG", "SET", "requirepass", "pw"]);
    let quit = encode_cmd(&["QUIT"]);
    // More than 10 arguments, or a bulk over 16 KB, before AUTH: refused and closed.
    assert_eq!(
        check_until_close(&p, b"*11\r\n"),
        vec![b"-ERR Protocol error: unauthenticated multibulk length\\r\\n".to_vec()]
    );
    assert_eq!(
        check_until_close(&p, b"*2\r\n$4\r\nAUTH\r\n$16385\r\n"),
        vec![b"-ERR Protocol error: unauthenticated bulk length\\r\\n".to_vec()]
    );
    check_until_close(&p, b"*1\r\n$16385\r\n");
    // At the limits: parsed, then refused as unauthenticated commands.
    let ten = [
        encode_cmd(&["DEL", "a", "b", "c", "d", "e", "f", "g", "h", "i"]),
        quit.clone(),
    ]
    .concat();
    assert_eq!(check_until_close(&p, &ten).len(), 2);
    let pw = "p".repeat(16384);
    check_until_close(
        &p,
        &[encode_cmd(&["AUTH", pw.as_str()]), quit.clone()].concat(),
    );
    // AUTH lifts the limits for the very next request of the same pipeline.
    let keys: Vec<String> = (0..20).map(|i| format!("k{i}")).collect();
    let mut del = vec!["DEL"];
    del.extend(keys.iter().map(String::as_str));
    let big = "v".repeat(100_000);
    let after_auth = [
        encode_cmd(&["AUTH", "pw"]),
        encode_cmd(&del),
        encode_cmd(&["SET", "big", big.as_str()]),
        encode_cmd(&["STRLEN", "big"]),
        quit.clone(),
    ]
    .concat();
    assert_eq!(
        check_until_close(&p, &after_auth),
        vec![
            b"+OK\\r\\n".to_vec(),
            b":0\\r\\n".to_vec(),
            b"+OK\\r\\n".to_vec(),
            b":100000\\r\\n".to_vec(),
            b"+OK\\r\\n".to_vec()
        ]
    );
    // No password any more: a connection that never authenticated is not limited.
    let (mut r, mut c) = p.connect_more();
    // Connected (and refused) before the password goes.
    assert_eq!(show(&c.cmd(&["PING"])), show(&r.cmd(&["PING"])));
    p.check(&["CONFIG", "SET", "requirepass", ""]);
    let del_cmd = encode_cmd(&del);
    r.send_raw(&del_cmd);
    c.send_raw(&del_cmd);
    assert_eq!(show(&c.read_reply()), show(&r.read_reply()));
    assert_eq!(c.cmd(&["STRLEN", "big"]), b":100000\r\n");
}

/// INFO clients' field `name` as a number.
fn info_clients_field(c: &mut Conn, name: &str) -> u64 {
    let raw = c.cmd(&["INFO", "clients"]);
    let text = String::from_utf8_lossy(&raw).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {text}"))
}

#[test]
fn info_reports_the_recent_largest_client_buffers() {
    let srv = start_cinnabar(&[]);
    let mut c = Conn::connect(srv.port);
    assert_eq!(
        info_clients_field(&mut c, "client_recent_max_output_buffer"),
        0
    );
    set_big(&mut c, "big", MB);
    // Output: a client that asks for 1 MB values and does not read holds unwritten output.
    let (mut hog, id) = raw_client(srv.port);
    hog.write_all(&b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".repeat(8))
        .unwrap();
    wait_for(30, "output held for the hog", || {
        client_line(&mut c, id).is_some_and(|l| field(&l, "omem") > 0)
    });
    let omem = client_line(&mut c, id).map(|l| field(&l, "omem")).unwrap() as u64;
    let peak_out = info_clients_field(&mut c, "client_recent_max_output_buffer");
    assert!(peak_out >= omem, "{peak_out} < omem {omem}");
    // Input: half of a 200 KB bulk string sits in the server's query buffer.
    let mut partial = TcpStream::connect(("127.0.0.1", srv.port)).unwrap();
    partial
        .write_all(
            &[
                b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$200000\r\n".as_slice(),
                &[b'y'; 100_000],
            ]
            .concat(),
        )
        .unwrap();
    wait_for(30, "the partial request in the query buffer", || {
        info_clients_field(&mut c, "client_recent_max_input_buffer") >= 100_000
    });
    // The peaks are remembered after the buffers are gone (for the last seconds).
    drop(hog);
    drop(partial);
    wait_for(30, "both clients gone", || {
        client_line(&mut c, id).is_none() && info_clients_field(&mut c, "connected_clients") == 1
    });
    assert!(info_clients_field(&mut c, "client_recent_max_output_buffer") >= omem);
    assert!(info_clients_field(&mut c, "client_recent_max_input_buffer") >= 100_000);
}
