//! Pub/Sub against the real redis-server: subscription frames, message delivery,
//! patterns, subscribed-mode restrictions, PUBSUB introspection, keyspace events.
#![cfg(feature = "native")]
mod common;

use common::{Conn, Pair};

/// Run the same step on both servers' connections and compare the replies.
fn same(r: &mut Conn, c: &mut Conn, cmd: &[&str]) -> Vec<u8> {
    let (a, b) = (r.cmd(cmd), c.cmd(cmd));
    assert_eq!(common::show(&b), common::show(&a), "differs for {cmd:?}");
    a
}

fn same_read(r: &mut Conn, c: &mut Conn) -> Vec<u8> {
    let (a, b) = (r.read_reply(), c.read_reply());
    assert_eq!(common::show(&b), common::show(&a));
    a
}

#[test]
fn subscribe_publish_unsubscribe() {
    let mut p = Pair::new();
    let (mut rs, mut cs) = p.connect_more();
    // SUBSCRIBE answers one frame per channel.
    rs.send(&["SUBSCRIBE", "news", "sport"]);
    cs.send(&["SUBSCRIBE", "news", "sport"]);
    same_read(&mut rs, &mut cs);
    same_read(&mut rs, &mut cs);
    p.check(&["PUBLISH", "news", "hello"]);
    same_read(&mut rs, &mut cs);
    p.check(&["PUBLISH", "nobody", "x"]);
    p.check(&["PUBSUB", "NUMSUB", "news", "sport", "nobody"]);
    p.check(&["PUBSUB", "NUMPAT"]);
    // Subscribed RESP2 clients may only (un)subscribe, PING, QUIT, RESET.
    same(&mut rs, &mut cs, &["GET", "k"]);
    same(&mut rs, &mut cs, &["PING"]);
    same(&mut rs, &mut cs, &["PING", "hi"]);
    rs.send(&["UNSUBSCRIBE", "news"]);
    cs.send(&["UNSUBSCRIBE", "news"]);
    same_read(&mut rs, &mut cs);
    rs.send(&["UNSUBSCRIBE"]);
    cs.send(&["UNSUBSCRIBE"]);
    same_read(&mut rs, &mut cs);
    same(&mut rs, &mut cs, &["UNSUBSCRIBE"]);
    // Back to normal mode.
    same(&mut rs, &mut cs, &["SET", "k", "v"]);
}

#[test]
fn patterns_and_pmessage() {
    let mut p = Pair::new();
    let (mut rs, mut cs) = p.connect_more();
    rs.send(&["PSUBSCRIBE", "user.*", "a?c"]);
    cs.send(&["PSUBSCRIBE", "user.*", "a?c"]);
    same_read(&mut rs, &mut cs);
    same_read(&mut rs, &mut cs);
    p.check(&["PUBLISH", "user.42", "joined"]);
    same_read(&mut rs, &mut cs);
    p.check(&["PUBLISH", "abc", "x"]);
    same_read(&mut rs, &mut cs);
    p.check(&["PUBSUB", "NUMPAT"]);
    rs.send(&["PUNSUBSCRIBE", "a?c"]);
    cs.send(&["PUNSUBSCRIBE", "a?c"]);
    same_read(&mut rs, &mut cs);
    p.check(&["PUBLISH", "abc", "x"]);
}

#[test]
fn shard_channels() {
    let mut p = Pair::new();
    let (mut rs, mut cs) = p.connect_more();
    same(&mut rs, &mut cs, &["SSUBSCRIBE", "orders"]);
    p.check(&["SPUBLISH", "orders", "o1"]);
    same_read(&mut rs, &mut cs);
    p.check(&["PUBSUB", "SHARDCHANNELS"]);
    p.check(&["PUBSUB", "SHARDNUMSUB", "orders", "none"]);
    same(&mut rs, &mut cs, &["SUNSUBSCRIBE", "orders"]);
}

#[test]
fn resp3_pushes_and_own_messages() {
    let mut p = Pair::new();
    let (mut rs, mut cs) = p.connect_more();
    let (a, b) = (rs.cmd(&["HELLO", "3"]), cs.cmd(&["HELLO", "3"]));
    assert!(a.starts_with(b"%") && b.starts_with(b"%"));
    same(&mut rs, &mut cs, &["SUBSCRIBE", "ch"]);
    // RESP3 subscribers may run any command, and see their own publications first.
    rs.send(&["PUBLISH", "ch", "me"]);
    cs.send(&["PUBLISH", "ch", "me"]);
    same_read(&mut rs, &mut cs); // the push
    same_read(&mut rs, &mut cs); // :1
    same(&mut rs, &mut cs, &["SET", "x", "1"]);
    p.check(&["PUBLISH", "ch", "other"]);
    same_read(&mut rs, &mut cs);
}

#[test]
fn keyspace_notifications() {
    let mut p = Pair::new();
    let (mut rs, mut cs) = p.connect_more();
    p.check(&["CONFIG", "SET", "notify-keyspace-events", "KEA"]);
    p.check(&["CONFIG", "GET", "notify-keyspace-events"]);
    rs.send(&["PSUBSCRIBE", "__key*__:*"]);
    cs.send(&["PSUBSCRIBE", "__key*__:*"]);
    same_read(&mut rs, &mut cs);
    for cmd in [
        &["SET", "k", "v"][..],
        &["APPEND", "k", "w"],
        &["EXPIRE", "k", "100"],
        &["PERSIST", "k"],
        &["INCR", "n"],
        &["RENAME", "n", "m"],
        &["DEL", "k", "m"],
    ] {
        p.check(cmd);
    }
    // Every event, in order, on both channels.
    for _ in 0..16 {
        same_read(&mut rs, &mut cs);
    }
    p.check(&["CONFIG", "SET", "notify-keyspace-events", "Eg"]);
    p.check(&["SET", "quiet", "1"]); // '$' class not enabled: no event
    p.check(&["DEL", "quiet"]);
    same_read(&mut rs, &mut cs);
    p.check(&["CONFIG", "SET", "notify-keyspace-events", "Q"]);
}

#[test]
fn subscriber_that_never_reads_is_disconnected_and_memory_stays_bounded() {
    let srv = common::start_cinnabar(&["--client-output-buffer-limit", "pubsub 1mb 256kb 60"]);
    let mut sub = Conn::connect(srv.port);
    assert!(sub.cmd(&["SUBSCRIBE", "firehose"]).starts_with(b"*3"));
    // `sub` never reads again. Publish ~64 MB at it.
    let mut publisher = Conn::connect(srv.port);
    let payload = "x".repeat(64 * 1024);
    let mut receivers_hit_zero = false;
    for _ in 0..1024 {
        let r = publisher.cmd(&["PUBLISH", "firehose", &payload]);
        if r == b":0\r\n" {
            receivers_hit_zero = true;
            break;
        }
    }
    assert!(
        receivers_hit_zero,
        "the slow subscriber was never disconnected"
    );
    let rss = common::rss_kib(srv.child.id());
    assert!(rss < 48 * 1024, "server RSS {rss} KiB");
    assert_eq!(
        publisher.cmd(&["PUBSUB", "NUMSUB", "firehose"]),
        b"*2\r\n$8\r\nfirehose\r\n:0\r\n"
    );
}
