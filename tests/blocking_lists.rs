//! Blocking list commands over real connections, against redis-server and
//! cinnabar-server side by side: each scenario runs on both servers with several client
//! connections, and the transcripts (every reply, in order) must be identical.
//!
//! A scenario waits for its clients to be parked by polling `INFO clients`
//! (`blocked_clients`) on a control connection before it pushes, so the order of
//! arrival is certain; it never sleeps to wait for a result. Timeouts are measured with
//! the wall clock only to check they are neither early nor far late.
#![cfg(feature = "native")]
mod common;

use std::time::{Duration, Instant};

use common::{Conn, Pair, show};

/// Poll until the server reports `n` blocked clients.
fn wait_blocked(ctl: &mut Conn, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let want = format!("blocked_clients:{n}\r\n");
    loop {
        let info = ctl.cmd(&["INFO", "clients"]);
        if String::from_utf8_lossy(&info).contains(&want) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "never reached {n} blocked clients"
        );
        std::thread::sleep(Duration::from_millis(1)); // polling for readiness only
    }
}

/// Run `scenario` against both servers and compare the transcripts.
fn on_both(p: &Pair, scenario: fn(u16) -> Vec<String>) -> Vec<String> {
    let r = scenario(p.redis_server.port);
    let c = scenario(p.cinnabar_server.port);
    assert_eq!(c, r, "transcripts differ (left: cinnabar, right: redis)");
    r
}

fn say(t: &mut Vec<String>, what: &str, raw: &[u8]) {
    t.push(format!("{what} -> {}", show(raw)));
}

fn three_waiters_are_served_in_arrival_order(port: u16) -> Vec<String> {
    let mut t = Vec::new();
    let mut ctl = Conn::connect(port);
    let mut w: Vec<Conn> = (0..3).map(|_| Conn::connect(port)).collect();
    w[0].send(&["BLPOP", "fifo", "0"]);
    wait_blocked(&mut ctl, 1);
    w[1].send(&["BLPOP", "other", "fifo", "0"]);
    wait_blocked(&mut ctl, 2);
    w[2].send(&["BRPOP", "fifo", "0"]);
    wait_blocked(&mut ctl, 3);
    say(
        &mut t,
        "rpush",
        &ctl.cmd(&["RPUSH", "fifo", "a", "b", "c", "d"]),
    );
    for (i, c) in w.iter_mut().enumerate() {
        say(&mut t, &format!("waiter {i}"), &c.read_reply());
    }
    say(&mut t, "left", &ctl.cmd(&["LRANGE", "fifo", "0", "-1"]));
    // One element for three waiters: only the first is served, the others keep waiting
    // in order.
    w[0].send(&["BLPOP", "one", "0"]);
    wait_blocked(&mut ctl, 1);
    w[1].send(&["BRPOP", "one", "0"]);
    wait_blocked(&mut ctl, 2);
    w[2].send(&["BLMPOP", "0", "1", "one", "LEFT", "COUNT", "2"]);
    wait_blocked(&mut ctl, 3);
    say(&mut t, "lpush", &ctl.cmd(&["LPUSH", "one", "x"]));
    say(&mut t, "waiter 0", &w[0].read_reply());
    wait_blocked(&mut ctl, 2);
    // Two elements, two waiters left: BRPOP takes the tail, BLMPOP what remains.
    say(&mut t, "rpush", &ctl.cmd(&["RPUSH", "one", "y", "z"]));
    say(&mut t, "waiter 1", &w[1].read_reply());
    say(&mut t, "waiter 2", &w[2].read_reply());
    say(&mut t, "left", &ctl.cmd(&["EXISTS", "one"]));
    t
}

#[test]
fn fifo_among_waiters_on_one_key() {
    let p = Pair::new();
    let t = on_both(&p, three_waiters_are_served_in_arrival_order);
    assert_eq!(
        t[1],
        "waiter 0 -> *2\\r\\n$4\\r\\nfifo\\r\\n$1\\r\\na\\r\\n"
    );
}

fn timeouts(port: u16) -> Vec<String> {
    let mut t = Vec::new();
    let mut c = Conn::connect(port);
    for cmd in [
        &["BLPOP", "nothing", "0.2"][..],
        &["BRPOP", "nothing", "also", "0.2"],
        &["BLMOVE", "nothing", "d", "LEFT", "RIGHT", "0.2"],
        &["BRPOPLPUSH", "nothing", "d", "0.2"],
        &[
            "BLMPOP", "0.2", "2", "nothing", "also", "LEFT", "COUNT", "3",
        ],
    ] {
        let start = Instant::now();
        let r = c.cmd(cmd);
        let took = start.elapsed();
        assert!(
            took >= Duration::from_millis(190) && took < Duration::from_secs(3),
            "port {port}: {cmd:?} replied after {took:?}"
        );
        say(&mut t, cmd[0], &r);
    }
    c.cmd(&["HELLO", "3"]);
    let start = Instant::now();
    say(&mut t, "resp3 blpop", &c.cmd(&["BLPOP", "nothing", "0.2"]));
    assert!(start.elapsed() >= Duration::from_millis(190));
    say(
        &mut t,
        "resp3 blmove",
        &c.cmd(&["BLMOVE", "nothing", "d", "LEFT", "LEFT", "0.2"]),
    );
    say(&mut t, "exists", &c.cmd(&["EXISTS", "d"]));
    t
}

#[test]
fn timeouts_return_null_after_the_delay() {
    let p = Pair::new();
    let t = on_both(&p, timeouts);
    assert_eq!(t[0], "BLPOP -> *-1\\r\\n");
    assert_eq!(t[5], "resp3 blpop -> _\\r\\n");
}

fn wake_ups(port: u16) -> Vec<String> {
    let mut t = Vec::new();
    let mut ctl = Conn::connect(port);
    let mut w = Conn::connect(port);
    // A push from another client wakes the waiter; the first listed key with data wins.
    w.send(&["BLPOP", "k1", "k2", "k3", "0"]);
    wait_blocked(&mut ctl, 1);
    say(&mut t, "rpush k3", &ctl.cmd(&["RPUSH", "k3", "x", "y"]));
    say(&mut t, "waiter", &w.read_reply());
    say(&mut t, "k3", &ctl.cmd(&["LRANGE", "k3", "0", "-1"]));
    // Pushes inside MULTI wake the waiter after EXEC, with the final contents.
    w.send(&["BRPOP", "tx", "5"]);
    wait_blocked(&mut ctl, 1);
    for cmd in [
        &["MULTI"][..],
        &["RPUSH", "tx", "a", "b"],
        &["RPOP", "tx"],
        &["RPUSH", "tx", "c"],
        &["LPOP", "tx"],
        &["EXEC"],
    ] {
        say(&mut t, cmd[0], &ctl.cmd(cmd));
    }
    say(&mut t, "waiter", &w.read_reply());
    say(&mut t, "tx", &ctl.cmd(&["EXISTS", "tx"]));
    // A push that the same transaction pops again leaves the waiter waiting.
    w.send(&["BLPOP", "gone", "0"]);
    wait_blocked(&mut ctl, 1);
    ctl.cmd(&["MULTI"]);
    ctl.cmd(&["RPUSH", "gone", "v"]);
    ctl.cmd(&["LPOP", "gone"]);
    say(&mut t, "exec", &ctl.cmd(&["EXEC"]));
    wait_blocked(&mut ctl, 1);
    say(&mut t, "lpush", &ctl.cmd(&["LPUSH", "gone", "w"]));
    say(&mut t, "waiter", &w.read_reply());
    // BLMPOP with a count, BRPOPLPUSH into a new list.
    w.send(&["BLMPOP", "0", "2", "m1", "m2", "RIGHT", "COUNT", "2"]);
    wait_blocked(&mut ctl, 1);
    say(
        &mut t,
        "rpush m2",
        &ctl.cmd(&["RPUSH", "m2", "1", "2", "3"]),
    );
    say(&mut t, "waiter", &w.read_reply());
    w.send(&["BRPOPLPUSH", "s", "d", "0"]);
    wait_blocked(&mut ctl, 1);
    say(&mut t, "rpush s", &ctl.cmd(&["RPUSH", "s", "p", "q"]));
    say(&mut t, "waiter", &w.read_reply());
    say(&mut t, "s", &ctl.cmd(&["LRANGE", "s", "0", "-1"]));
    say(&mut t, "d", &ctl.cmd(&["LRANGE", "d", "0", "-1"]));
    // LMOVE and RPOPLPUSH into a waited key wake the waiter too.
    w.send(&["BLPOP", "target", "0"]);
    wait_blocked(&mut ctl, 1);
    say(
        &mut t,
        "lmove",
        &ctl.cmd(&["LMOVE", "d", "target", "LEFT", "RIGHT"]),
    );
    say(&mut t, "waiter", &w.read_reply());
    t
}

#[test]
fn wake_up_by_pushes_from_another_client() {
    let p = Pair::new();
    let t = on_both(&p, wake_ups);
    assert_eq!(t[1], "waiter -> *2\\r\\n$2\\r\\nk3\\r\\n$1\\r\\nx\\r\\n");
}

fn chained_moves(port: u16) -> Vec<String> {
    let mut t = Vec::new();
    let mut ctl = Conn::connect(port);
    let mut mover = Conn::connect(port);
    let mut popper = Conn::connect(port);
    let mut second = Conn::connect(port);
    mover.send(&["BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"]);
    wait_blocked(&mut ctl, 1);
    popper.send(&["BLPOP", "dst", "0"]);
    wait_blocked(&mut ctl, 2);
    second.send(&["BRPOPLPUSH", "dst", "final", "0"]);
    wait_blocked(&mut ctl, 3);
    say(&mut t, "rpush", &ctl.cmd(&["RPUSH", "src", "1", "2"]));
    say(&mut t, "mover", &mover.read_reply());
    say(&mut t, "popper", &popper.read_reply());
    wait_blocked(&mut ctl, 1);
    say(&mut t, "src", &ctl.cmd(&["LRANGE", "src", "0", "-1"]));
    say(&mut t, "dst", &ctl.cmd(&["EXISTS", "dst"]));
    // The next move feeds the BRPOPLPUSH waiter, which feeds nobody.
    mover.send(&["BLMOVE", "src", "dst", "LEFT", "LEFT", "0"]);
    say(&mut t, "mover", &mover.read_reply());
    say(&mut t, "second", &second.read_reply());
    say(&mut t, "final", &ctl.cmd(&["LRANGE", "final", "0", "-1"]));
    say(&mut t, "keys", &ctl.cmd(&["EXISTS", "src", "dst", "final"]));
    t
}

#[test]
fn blmove_into_a_waited_key_chains_the_wake_up() {
    let p = Pair::new();
    let t = on_both(&p, chained_moves);
    assert_eq!(t[1], "mover -> $1\\r\\n2\\r\\n");
    assert_eq!(t[2], "popper -> *2\\r\\n$3\\r\\ndst\\r\\n$1\\r\\n2\\r\\n");
}

fn disconnects(port: u16) -> Vec<String> {
    let mut t = Vec::new();
    let mut ctl = Conn::connect(port);
    {
        let mut w = Conn::connect(port);
        w.send(&["BLPOP", "q", "0"]);
        wait_blocked(&mut ctl, 1);
        let mut w2 = Conn::connect(port);
        w2.send(&["BLMOVE", "q", "elsewhere", "LEFT", "LEFT", "0"]);
        wait_blocked(&mut ctl, 2);
    } // both connections close while blocked
    wait_blocked(&mut ctl, 0);
    say(&mut t, "rpush", &ctl.cmd(&["RPUSH", "q", "v"]));
    say(&mut t, "q", &ctl.cmd(&["LRANGE", "q", "0", "-1"]));
    say(&mut t, "elsewhere", &ctl.cmd(&["EXISTS", "elsewhere"]));
    // A live waiter after the dead ones is still served normally.
    let mut w3 = Conn::connect(port);
    w3.send(&["BRPOP", "r", "0"]);
    wait_blocked(&mut ctl, 1);
    say(&mut t, "lpush", &ctl.cmd(&["LPUSH", "r", "x"]));
    say(&mut t, "w3", &w3.read_reply());
    t
}

#[test]
fn disconnect_while_blocked_leaves_no_trace() {
    let p = Pair::new();
    let t = on_both(&p, disconnects);
    assert_eq!(t[1], "q -> *1\\r\\n$1\\r\\nv\\r\\n");
}
