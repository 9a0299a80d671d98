//! Hostile clients against a real cinnabar-server: slowloris senders, a client that
//! pipelines large reads and never reads the replies, 10,000 connections opened and
//! dropped, non-loopback clients under protected mode, idle clients under `timeout`.
//! Throughout, another client must keep being served and the server must not die.
//!
//! The slowloris client really sends one byte every 100 ms (that is the attack); the
//! assertions never depend on timing except generous upper bounds.

#![cfg(feature = "native")]
mod common;

use std::io::{Read, Write};
use std::net::{IpAddr, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use common::{Conn, rss_kib, start_cinnabar};

fn ping_ok(c: &mut Conn) {
    assert_eq!(c.cmd(&["PING"]), b"+PONG\r\n");
}

fn info_field(c: &mut Conn, section: &str, field: &str) -> i64 {
    let raw = c.cmd(&["INFO", section]);
    let s = String::from_utf8_lossy(&raw).into_owned();
    s.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in {s}"))
}

#[test]
fn slowloris_clients_do_not_stall_others() {
    let srv = start_cinnabar(&[]);
    let port = srv.port;
    let mut slow = Vec::new();
    for i in 0..4 {
        slow.push(std::thread::spawn(move || {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let cmd = format!(
                "*3\r\n$3\r\nSET\r\n$5\r\nslow{i}\r\n$20\r\n{}\r\n",
                "v".repeat(20)
            );
            for b in cmd.as_bytes() {
                s.write_all(&[*b]).unwrap();
                std::thread::sleep(Duration::from_millis(100)); // the attack itself
            }
            let mut buf = [0u8; 5];
            s.read_exact(&mut buf).unwrap();
            buf
        }));
    }
    // Meanwhile, a normal client is served promptly, many times.
    let mut c = Conn::connect(port);
    let t0 = Instant::now();
    let mut worst = Duration::ZERO;
    let mut n = 0;
    while slow.iter().any(|h| !h.is_finished()) {
        let t = Instant::now();
        ping_ok(&mut c);
        worst = worst.max(t.elapsed());
        n += 1;
    }
    for h in slow {
        assert_eq!(&h.join().unwrap(), b"+OK\r\n");
    }
    println!(
        "slowloris: {n} PINGs served during {:?}, worst {worst:?}",
        t0.elapsed()
    );
    assert!(n > 100);
    assert!(worst < Duration::from_millis(500), "worst PING {worst:?}");
    assert_eq!(
        c.cmd(&["GET", "slow3"]),
        format!("$20\r\n{}\r\n", "v".repeat(20)).into_bytes()
    );
}

#[test]
fn a_client_that_never_reads_cannot_grow_server_memory() {
    let srv = start_cinnabar(&[]);
    let port = srv.port;
    let mut c = Conn::connect(port);
    let big = "x".repeat(1024 * 1024);
    assert_eq!(c.cmd(&["SET", "big", big.as_str()]), b"+OK\r\n");
    let rss_before = rss_kib(srv.child.id());
    // 2,000 pipelined GETs of a 1 MB value = 2 GB of replies, never read.
    let mut hog = TcpStream::connect(("127.0.0.1", port)).unwrap();
    hog.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    let req = b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".repeat(2000);
    let _ = hog.write_all(&req); // the server stops reading once its writes block
    let mut peak = 0;
    for _ in 0..20 {
        ping_ok(&mut c);
        peak = peak.max(rss_kib(srv.child.id()));
    }
    println!("never-reading client: RSS {rss_before} KiB before, peak {peak} KiB");
    assert!(
        peak < rss_before + 64 * 1024,
        "RSS grew from {rss_before} KiB to {peak} KiB"
    );
    // The hog can be killed and the server goes on.
    let id = {
        let raw = c.cmd(&["CLIENT", "LIST"]);
        let s = String::from_utf8_lossy(&raw).into_owned();
        s.lines()
            .find(|l| l.contains("cmd=get"))
            .and_then(|l| l.split(' ').next())
            .and_then(|f| f.strip_prefix("id="))
            .map(str::to_string)
            .expect("the hog is listed")
    };
    assert_eq!(c.cmd(&["CLIENT", "KILL", "ID", id.as_str()]), b":1\r\n");
    drop(hog);
    ping_ok(&mut c);
}

#[test]
fn ten_thousand_connections_opened_and_dropped() {
    let srv = start_cinnabar(&["--maxclients", "15000"]);
    let port = srv.port;
    let mut c = Conn::connect(port);
    let t0 = Instant::now();
    let mut conns = Vec::with_capacity(10_000);
    for _ in 0..10_000 {
        conns.push(TcpStream::connect(("127.0.0.1", port)).expect("connect"));
    }
    // Every one of them is a client the server accepted.
    let deadline = Instant::now() + Duration::from_secs(30);
    while info_field(&mut c, "clients", "connected_clients") < 10_001 {
        assert!(
            Instant::now() < deadline,
            "not all connections were accepted"
        );
        std::thread::sleep(Duration::from_millis(20)); // polling the server, not timing it
    }
    // A sample of them works.
    for s in conns.iter_mut().step_by(997) {
        s.write_all(b"PING\r\n").unwrap();
        let mut buf = [0u8; 7];
        s.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"+PONG\r\n");
    }
    drop(conns);
    let deadline = Instant::now() + Duration::from_secs(30);
    while info_field(&mut c, "clients", "connected_clients") > 1 {
        assert!(Instant::now() < deadline, "connections were not released");
        std::thread::sleep(Duration::from_millis(20));
    }
    println!("10k connections opened and dropped in {:?}", t0.elapsed());
    ping_ok(&mut c);
    assert!(info_field(&mut c, "stats", "total_connections_received") >= 10_001);
}

/// A non-loopback address of this machine, if it has one.
fn outside_ip() -> Option<IpAddr> {
    let s = UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[test]
fn protected_mode_refuses_outside_clients_without_a_password() {
    let Some(ip) = outside_ip() else {
        println!("no non-loopback address: skipped");
        return;
    };
    let srv = start_cinnabar(&["--bind", "0.0.0.0"]);
    let mut s = TcpStream::connect((ip, srv.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(b"PING\r\n").ok();
    let mut text = String::new();
    let _ = s.read_to_string(&mut text);
    assert!(
        text.starts_with("-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user."),
        "{text}"
    );
    assert!(
        text.ends_with("accepting connections from the outside.\r\n"),
        "{text}"
    );
    // Loopback clients are served; with a password, outside clients are too.
    let mut c = Conn::connect(srv.port);
    assert_eq!(c.cmd(&["CONFIG", "SET", "requirepass", "pw"]), b"+OK\r\n");
    let mut s = TcpStream::connect((ip, srv.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(b"AUTH pw\r\nPING\r\n").unwrap();
    let mut buf = [0u8; 12];
    s.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"+OK\r\n+PONG\r\n");
    assert!(info_field(&mut c, "stats", "rejected_connections") >= 1);
}

#[test]
fn idle_clients_are_closed_after_timeout() {
    let srv = start_cinnabar(&["--timeout", "1"]);
    let mut idle = TcpStream::connect(("127.0.0.1", srv.port)).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut sub = Conn::connect(srv.port);
    sub.cmd(&["SUBSCRIBE", "ch"]);
    let t0 = Instant::now();
    let mut buf = [0u8; 1];
    // EOF: the server closed the idle connection.
    assert_eq!(idle.read(&mut buf).unwrap_or(0), 0);
    let waited = t0.elapsed();
    assert!(
        waited >= Duration::from_millis(900),
        "closed after {waited:?}"
    );
    assert!(waited < Duration::from_secs(5), "closed after {waited:?}");
    // Subscribers are exempt.
    let mut c = Conn::connect(srv.port);
    assert_eq!(c.cmd(&["PUBLISH", "ch", "m"]), b":1\r\n");
}
