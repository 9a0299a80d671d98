//! Transactions against the real redis-server: MULTI/EXEC/DISCARD/WATCH/UNWATCH.
#![cfg(feature = "native")]
mod common;

use common::Pair;

#[test]
fn queued_commands_run_in_order() {
    let mut p = Pair::new();
    p.check_all(&[
        &["MULTI"],
        &["SET", "a", "1"],
        &["INCR", "a"],
        &["GET", "a"],
        &["EXEC"],
        &["GET", "a"],
    ]);
}

#[test]
fn runtime_errors_do_not_abort_the_rest() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SET", "s", "text"],
        &["MULTI"],
        &["INCR", "s"],
        &["SET", "t", "2"],
        &["INCR", "t"],
        &["EXEC"],
        &["GET", "t"],
    ]);
}

#[test]
fn queueing_errors_abort_with_execabort() {
    let mut p = Pair::new();
    p.check_all(&[
        &["MULTI"],
        &["SET", "x", "1"],
        &["NOSUCHCMD"],
        &["GET"],
        &["EXEC"],
        &["EXISTS", "x"],
    ]);
    p.check_all(&[
        &["MULTI"],
        &["SET", "y", "1"],
        &["GET", "y", "z"],
        &["EXEC"],
        &["EXISTS", "y"],
    ]);
}

#[test]
fn nesting_and_misuse_errors() {
    let mut p = Pair::new();
    p.check_all(&[
        &["EXEC"],
        &["DISCARD"],
        &["MULTI"],
        &["MULTI"],
        &["WATCH", "k"],
        &["SET", "k", "v"],
        &["EXEC"],
        &["GET", "k"],
        &["MULTI"],
        &["SET", "k", "w"],
        &["DISCARD"],
        &["GET", "k"],
    ]);
}

#[test]
fn watch_broken_by_another_client() {
    let mut p = Pair::new();
    let (mut r2, mut c2) = p.connect_more();
    p.check_all(&[
        &["SET", "w", "1"],
        &["WATCH", "w"],
        &["MULTI"],
        &["INCR", "w"],
    ]);
    assert_eq!(r2.cmd(&["SET", "w", "5"]), c2.cmd(&["SET", "w", "5"]));
    p.check(&["EXEC"]); // null: the transaction did not run
    p.check(&["GET", "w"]);
    // Unbroken watch runs.
    p.check_all(&[&["WATCH", "w"], &["MULTI"], &["INCR", "w"], &["EXEC"]]);
    // UNWATCH forgets.
    p.check_all(&[&["WATCH", "w"], &["UNWATCH"]]);
    assert_eq!(r2.cmd(&["SET", "w", "9"]), c2.cmd(&["SET", "w", "9"]));
    p.check_all(&[&["MULTI"], &["INCR", "w"], &["EXEC"]]);
}

#[test]
fn watch_broken_by_flush_swapdb_and_delete() {
    let mut p = Pair::new();
    let (mut r2, mut c2) = p.connect_more();
    for other in [
        &["FLUSHALL"][..],
        &["FLUSHDB"],
        &["SWAPDB", "0", "1"],
        &["DEL", "f"],
    ] {
        p.check_all(&[
            &["SET", "f", "1"],
            &["WATCH", "f"],
            &["MULTI"],
            &["GET", "f"],
        ]);
        assert_eq!(r2.cmd(other), c2.cmd(other));
        p.check(&["EXEC"]);
        p.check_all(&[&["SELECT", "1"], &["FLUSHDB"], &["SELECT", "0"]]);
    }
    // FLUSHALL of an empty db does not break a watch on a missing key.
    p.check_all(&[&["FLUSHALL"], &["WATCH", "missing"], &["MULTI"], &["PING"]]);
    assert_eq!(r2.cmd(&["FLUSHALL"]), c2.cmd(&["FLUSHALL"]));
    p.check(&["EXEC"]);
}

#[test]
fn watch_broken_by_expiry() {
    let mut p = Pair::new();
    p.check_all(&[
        &["SET", "e", "1", "PX", "30"],
        &["WATCH", "e"],
        &["MULTI"],
        &["GET", "e"],
    ]);
    // Wait (by polling the other server state, not sleeping blindly) until the key is gone.
    let (mut r2, mut c2) = p.connect_more();
    for conn in [&mut r2, &mut c2] {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while conn.cmd(&["PTTL", "e"]) != b":-2\r\n" {
            assert!(std::time::Instant::now() < deadline, "key never expired");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
    p.check(&["EXEC"]);
}

#[test]
fn resp3_exec_and_discard_shapes() {
    let mut p = Pair::new();
    let (r, c) = p.both(&["HELLO", "3"]);
    assert_eq!(r.is_empty(), c.is_empty());
    p.check_all(&[
        &["SET", "z", "1"],
        &["WATCH", "z"],
        &["SET", "z", "2"],
        &["MULTI"],
        &["GET", "z"],
        &["EXEC"],
    ]);
    p.check_all(&[&["MULTI"], &["SET", "q", "1"], &["GET", "q"], &["EXEC"]]);
}
