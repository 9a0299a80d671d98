//! Crash consistency with real processes: a client writes in a loop and records every
//! acknowledged write; the server is killed with SIGKILL at many points (also during an
//! AOF rewrite); after each restart every acknowledged write is there. Truncated and
//! corrupted AOF/RDB files are recovered or refused exactly as documented.
#![cfg(feature = "native")]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{Conn, Server, cinnabar_bin, free_port, start_cinnabar};

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cinnabar-crash-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

fn start_in(dir: &Path, extra: &[&str]) -> Server {
    let d = dir.display().to_string();
    let mut args = vec!["--dir", d.as_str()];
    args.extend_from_slice(extra);
    start_cinnabar(&args)
}

/// Write `SET k<i> <i>` from `first` on, counting acknowledged writes in `acked`
/// (the highest i acknowledged + 1), pipelining `depth` commands, until the connection
/// dies.
fn writer(port: u16, first: u64, depth: u64, acked: Arc<AtomicU64>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let Ok(s) = TcpStream::connect(("127.0.0.1", port)) else {
            return;
        };
        s.set_read_timeout(Some(Duration::from_secs(10))).ok();
        let mut w = s.try_clone().expect("clone");
        let mut r = BufReader::new(s);
        let mut i = first;
        let mut line = String::new();
        loop {
            let mut batch = Vec::new();
            for j in i..i + depth {
                batch.extend_from_slice(&common::encode_cmd(&[
                    "SET",
                    &format!("k{j}"),
                    &j.to_string(),
                ]));
            }
            if w.write_all(&batch).is_err() {
                return;
            }
            for _ in 0..depth {
                line.clear();
                match r.read_line(&mut line) {
                    Ok(n) if n > 0 && line == "+OK\r\n" => {
                        i += 1;
                        acked.store(i, Ordering::SeqCst);
                    }
                    _ => return,
                }
            }
        }
    })
}

/// Every key below `n` must hold its number.
fn verify(c: &mut Conn, n: u64) {
    let mut i = 0;
    while i < n {
        let end = (i + 500).min(n);
        let mut args = vec!["MGET".to_string()];
        args.extend((i..end).map(|j| format!("k{j}")));
        let got = common::parse_bulk_array(&c.cmd(&args));
        for (j, v) in (i..end).zip(got) {
            assert_eq!(
                v,
                j.to_string().into_bytes(),
                "acknowledged write k{j} lost (of {n})"
            );
        }
        i = end;
    }
}

fn kill_rounds(policy: &str, rounds: u64, depth: u64) {
    let dir = tempdir(&format!("{policy}-{depth}"));
    let mut next = 0u64;
    for round in 0..rounds {
        let server = start_in(&dir, &["--appendonly", "yes", "--appendfsync", policy]);
        let port = server.port;
        {
            let mut c = Conn::connect(port);
            verify(&mut c, next);
            if round % 3 == 2 {
                // Crash in the middle of a rewrite too.
                c.cmd(&["BGREWRITEAOF"]);
            }
        }
        let acked = Arc::new(AtomicU64::new(next));
        let h = writer(port, next, depth, acked.clone());
        // Kill after a varying number of acknowledged writes (no sleeps: watch progress).
        let target = next + 200 + round * 397 % 1500;
        let deadline = Instant::now() + Duration::from_secs(60);
        while acked.load(Ordering::SeqCst) < target {
            assert!(Instant::now() < deadline, "writer stalled");
            std::thread::yield_now();
        }
        drop(server); // SIGKILL
        h.join().expect("writer");
        next = acked.load(Ordering::SeqCst);
    }
    let server = start_in(&dir, &["--appendonly", "yes"]);
    let mut c = Conn::connect(server.port);
    verify(&mut c, next);
    let o = Command::new("redis-check-aof")
        .arg(dir.join("appendonlydir").join("appendonly.aof.manifest"))
        .output()
        .expect("redis-check-aof");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("valid"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn appendfsync_always_loses_no_acknowledged_write() {
    kill_rounds("always", 8, 1);
}

#[test]
fn appendfsync_always_with_pipelining() {
    kill_rounds("always", 4, 16);
}

#[test]
fn appendfsync_everysec_survives_a_process_kill() {
    // Data is written before replies under everysec too; only an OS crash can lose the
    // last second.
    kill_rounds("everysec", 4, 4);
}

/// Start cinnabar expecting it to exit; returns (exit success, stdout).
fn start_expecting_exit(dir: &Path, extra: &[&str]) -> (bool, String) {
    let port = free_port();
    let mut child = Command::new(cinnabar_bin())
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--dir",
            &dir.display().to_string(),
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            let mut out = String::new();
            if let Some(mut o) = child.stdout.take() {
                let _ = o.read_to_string(&mut out);
            }
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut out);
            }
            return (status.success(), out);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("server did not exit");
        }
        std::thread::sleep(Duration::from_millis(10)); // polling for process exit
    }
}

fn incr_file(dir: &Path) -> PathBuf {
    let d = dir.join("appendonlydir");
    let mut incrs: Vec<PathBuf> = std::fs::read_dir(&d)
        .expect("aof dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".incr.aof"))
        .collect();
    incrs.sort();
    incrs.pop().expect("an incr file")
}

fn write_some(dir: &Path) -> Vec<u8> {
    let s = start_in(dir, &["--appendonly", "yes", "--appendfsync", "always"]);
    let mut c = Conn::connect(s.port);
    for i in 0..10 {
        c.cmd(&["SET", &format!("k{i}"), "v"]);
    }
    c.cmd(&["MULTI"]);
    c.cmd(&["SET", "in-tx", "1"]);
    c.cmd(&["EXEC"]);
    drop(s);
    std::fs::read(incr_file(dir)).expect("read incr")
}

#[test]
fn a_truncated_tail_is_cut_back_and_the_server_starts() {
    let dir = tempdir("trunc");
    let full = write_some(&dir);
    // Cut inside the last SET k9 ... and the transaction.
    let at = full.windows(4).rposition(|w| w == b"k9\r\n").expect("k9") + 1;
    std::fs::write(incr_file(&dir), &full[..at]).expect("truncate");
    // With aof-load-truncated no: refused.
    let (ok, out) =
        start_expecting_exit(&dir, &["--appendonly", "yes", "--aof-load-truncated", "no"]);
    assert!(!ok);
    assert!(
        out.contains("Unexpected end of file reading the append only file"),
        "{out}"
    );
    // Default: truncated to the last whole command, then started.
    let s = start_in(&dir, &["--appendonly", "yes"]);
    let mut c = Conn::connect(s.port);
    assert_eq!(c.cmd(&["EXISTS", "k8"]), b":1\r\n");
    assert_eq!(c.cmd(&["EXISTS", "k9"]), b":0\r\n");
    assert_eq!(c.cmd(&["EXISTS", "in-tx"]), b":0\r\n");
    // The file was cut back: a clean AOF again.
    let o = Command::new("redis-check-aof")
        .arg(dir.join("appendonlydir").join("appendonly.aof.manifest"))
        .output()
        .expect("check");
    assert!(String::from_utf8_lossy(&o.stdout).contains("All AOF files and manifest are valid"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unfinished_transaction_is_dropped() {
    let dir = tempdir("multi");
    let full = write_some(&dir);
    // Drop the EXEC only.
    let exec = b"*1\r\n$4\r\nEXEC\r\n";
    assert!(full.ends_with(exec));
    std::fs::write(incr_file(&dir), &full[..full.len() - exec.len()]).expect("write");
    let s = start_in(&dir, &["--appendonly", "yes"]);
    let mut c = Conn::connect(s.port);
    assert_eq!(c.cmd(&["EXISTS", "k9"]), b":1\r\n");
    assert_eq!(c.cmd(&["EXISTS", "in-tx"]), b":0\r\n");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_corrupt_middle_refuses_to_start() {
    let dir = tempdir("corrupt");
    let mut full = write_some(&dir);
    let at = full.windows(4).position(|w| w == b"k3\r\n").expect("k3");
    // Damage the bulk length of an argument in the middle of the file.
    let dollar = full[..at].iter().rposition(|&b| b == b'$').expect("$");
    full[dollar] = b'!';
    std::fs::write(incr_file(&dir), &full).expect("write");
    let (ok, out) = start_expecting_exit(&dir, &["--appendonly", "yes"]);
    assert!(!ok);
    assert!(
        out.contains("Bad file format reading the append only file"),
        "{out}"
    );
    assert!(out.contains("redis-check-aof --fix"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_corrupt_rdb_refuses_to_start() {
    let dir = tempdir("rdb");
    let s = start_in(&dir, &[]);
    let mut c = Conn::connect(s.port);
    for i in 0..100 {
        c.cmd(&["SET", &format!("key{i}"), &"v".repeat(i)]);
    }
    assert_eq!(c.cmd(&["SAVE"]), b"+OK\r\n");
    drop(s);
    let path = dir.join("dump.rdb");
    let good = std::fs::read(&path).expect("dump");
    // A flipped byte: the checksum catches it.
    let mut bad = good.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0x01;
    std::fs::write(&path, &bad).expect("write");
    let (ok, out) = start_expecting_exit(&dir, &[]);
    assert!(!ok);
    assert!(
        out.contains("Wrong RDB checksum") || out.contains("loading DB"),
        "{out}"
    );
    // A truncated file.
    std::fs::write(&path, &good[..good.len() - 20]).expect("write");
    let (ok, out) = start_expecting_exit(&dir, &[]);
    assert!(!ok);
    assert!(out.contains("Unexpected EOF"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
