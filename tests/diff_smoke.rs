//! Smoke differential test: the harness itself and the protocol layer.
#![cfg(feature = "native")]
mod common;

#[test]
fn basic_replies_match_redis() {
    let mut p = common::Pair::new();
    p.check(&["PING"]);
    p.check(&["SET", "k", "v"]);
    p.check(&["GET", "k"]);
    p.check(&["GET", "missing"]);
    p.check(&["NOSUCHCOMMAND", "a", "b"]);
    p.check(&["get"]);
}

#[test]
fn inline_commands_and_pipelines_match_redis() {
    let mut p = common::Pair::new();
    p.check_raw(b"PING\r\nSET a 1\r\nGET a\r\n", 3);
    p.check_raw(b"*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$0\r\n\r\n*2\r\n$3\r\nGET\r\n$1\r\nb\r\n", 3);
    p.check_raw(b"set \"quoted key\" 'v a l'\r\nget \"quoted key\"\r\n", 2);
    p.check_raw(b"\r\n\r\nPING\r\n", 1);
}

#[test]
fn protocol_errors_match_redis_and_close() {
    for bad in [
        &b"*abc\r\n"[..],
        b"*1\r\n$-3\r\n",
        b"*1\r\n:1\r\n",
        b"*2147483648\r\n",
        b"*1\r\n$abc\r\n",
        b"*1\r\n$999999999999\r\n",
        b"get \"unbalanced\r\n",
    ] {
        let mut p = common::Pair::new();
        p.check_raw(bad, 1);
        // Both servers close the connection after a protocol error.
        assert!(p.redis.try_read_reply().is_none());
        assert!(p.cinnabar.try_read_reply().is_none());
    }
}

#[test]
fn binary_keys_and_values_round_trip() {
    let mut p = common::Pair::new();
    let key: &[u8] = b"k\x00\r\n\xff";
    let val: &[u8] = b"\x00\x01\r\n\xfe\xff";
    p.check(&[&b"SET"[..], key, val]);
    p.check(&[&b"GET"[..], key]);
    p.check(&[&b"SET"[..], b"", b""]);
    p.check(&[&b"GET"[..], b""]);
}

#[test]
fn huge_declared_counts_allocate_nothing_up_front() {
    // Redis accepts a multibulk count up to INT_MAX and waits for the arguments; neither
    // server may reserve memory for them before they arrive.
    let mut p = common::Pair::new();
    let (mut r2, mut c2) = p.connect_more();
    r2.send_raw(b"*2000000000\r\n$4\r\nPING\r\n");
    c2.send_raw(b"*2000000000\r\n$4\r\nPING\r\n");
    // The servers are still responsive to other clients.
    p.check(&["PING"]);
    let rss = common::rss_kib(p.cinnabar_server.child.id());
    assert!(rss > 0 && rss < 64 * 1024, "cinnabar RSS {rss} KiB");
}
