//! Test harness: real `redis-server` and `cinnabar-server` processes side by side.
//!
//! `Pair::new()` starts a fresh redis-server (Debian's, the oracle) and a fresh
//! cinnabar-server, each on a free 127.0.0.1 port, connects one raw TCP client to each,
//! and lets a test send the same command to both and compare the raw RESP replies byte
//! for byte. Processes are stopped by PID when the `Pair` is dropped.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Ports this test process has handed out. Tests of one binary run in parallel, and the
/// kernel may give a released port to the next `bind(0)`; a port is never handed out twice.
static HANDED_OUT: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());

/// A free loopback port (bound then released), not handed out before by this process.
pub fn free_port() -> u16 {
    loop {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = l.local_addr().expect("local addr").port();
        if HANDED_OUT
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(port)
        {
            return port;
        }
    }
}

/// A running server process, killed on drop.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub name: &'static str,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How a start attempt ended.
enum Start {
    Ready,
    /// The process exited (for example: another process took the port first).
    Exited(std::process::ExitStatus),
    /// Something answered on the port, but it is another process's server.
    NotOurs(u32),
}

/// `process_id` from an INFO SERVER reply read off `s`, if it has one.
fn info_pid(s: &mut TcpStream) -> Option<u32> {
    s.write_all(b"*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n").ok()?;
    let mut r = BufReader::new(s);
    let mut head = String::new();
    r.read_line(&mut head).ok()?;
    let n: usize = head.strip_prefix('$')?.trim_end().parse().ok()?;
    let mut body = vec![0u8; n + 2];
    r.read_exact(&mut body).ok()?;
    String::from_utf8_lossy(&body)
        .lines()
        .find_map(|l| l.strip_prefix("process_id:"))
        .and_then(|v| v.trim().parse().ok())
}

/// Wait until the server answers PING on `port`, and check by INFO's `process_id` that
/// the server answering is `child`, not another test's server that owns the port.
fn wait_ready(port: u16, child: &mut Child, name: &str) -> Start {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            s.set_read_timeout(Some(Duration::from_secs(5))).ok();
            if s.write_all(b"*1\r\n$4\r\nPING\r\n").is_ok() {
                let mut buf = [0u8; 7];
                if s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n" {
                    return match info_pid(&mut s) {
                        Some(pid) if pid != child.id() => Start::NotOurs(pid),
                        _ => Start::Ready,
                    };
                }
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Start::Exited(status);
        }
        assert!(
            Instant::now() < deadline,
            "{name} did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(5)); // polling for readiness, not synchronising results
    }
}

/// Start a server: `command(port)` builds the process for a port. A start that loses its
/// port to another process is retried on a new port, a few times.
fn launch(name: &'static str, command: impl Fn(u16) -> Command) -> Server {
    let mut last = String::new();
    for _ in 0..5 {
        let port = free_port();
        let mut child = command(port)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e} (run scripts/setup.sh)"));
        match wait_ready(port, &mut child, name) {
            Start::Ready => return Server { child, port, name },
            Start::Exited(status) => last = format!("exited during startup: {status}"),
            Start::NotOurs(pid) => {
                last = format!("port {port} was answered by process {pid}");
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
    panic!("{name} did not start after 5 attempts; last: {last}");
}

/// Path of the cinnabar-server binary built by cargo for this test run.
pub fn cinnabar_bin() -> &'static str {
    env!("CARGO_BIN_EXE_cinnabar-server")
}

/// Start a real redis-server (in memory, no persistence) with extra `--opt value` args.
pub fn start_redis(extra: &[&str]) -> Server {
    launch("redis", |port| {
        let mut cmd = Command::new("redis-server");
        cmd.args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .args(["--protected-mode", "no", "--logfile", ""])
            .args(extra);
        cmd
    })
}

/// Start cinnabar-server with extra `--opt value` args.
pub fn start_cinnabar(extra: &[&str]) -> Server {
    launch("cinnabar", |port| {
        let mut cmd = Command::new(cinnabar_bin());
        cmd.args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(extra);
        cmd
    })
}

/// Start `bin` (`redis-server` or [`cinnabar_bin`]) from the config file `conf` (the
/// first argument, as both servers expect) on a free loopback port, with extra
/// `--opt value` args.
pub fn start_with_config(bin: &str, conf: &str, extra: &[&str]) -> Server {
    let name = if bin == "redis-server" {
        "redis"
    } else {
        "cinnabar"
    };
    launch(name, |port| {
        let mut cmd = Command::new(bin);
        cmd.arg(conf)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(extra);
        cmd
    })
}

/// A raw RESP client.
pub struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

/// Encode a command as a RESP multibulk.
pub fn encode_cmd<A: AsRef<[u8]>>(args: &[A]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        let a = a.as_ref();
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

impl Conn {
    /// Connect to 127.0.0.1:port.
    pub fn connect(port: u16) -> Conn {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).ok();
        s.set_nodelay(true).ok();
        Conn {
            reader: BufReader::new(s.try_clone().expect("clone")),
            writer: s,
        }
    }

    /// Send raw bytes.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write");
    }

    /// Send a command without reading the reply.
    pub fn send<A: AsRef<[u8]>>(&mut self, args: &[A]) {
        self.send_raw(&encode_cmd(args));
    }

    /// Read one complete reply, returned as its raw bytes.
    pub fn read_reply(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        self.read_into(&mut out);
        out
    }

    /// Try to read one reply; None on EOF/error (connection closed).
    pub fn try_read_reply(&mut self) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut line = Vec::new();
        match self.reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        out.extend_from_slice(&line);
        self.read_rest(&line, &mut out);
        Some(out)
    }

    fn read_into(&mut self, out: &mut Vec<u8>) {
        let mut line = Vec::new();
        let n = self
            .reader
            .read_until(b'\n', &mut line)
            .expect("read reply");
        assert!(n > 0, "connection closed while waiting for a reply");
        out.extend_from_slice(&line);
        self.read_rest(&line, out);
    }

    fn read_rest(&mut self, line: &[u8], out: &mut Vec<u8>) {
        let body = std::str::from_utf8(&line[1..line.len().saturating_sub(2)]).unwrap_or("");
        match line[0] {
            b'+' | b'-' | b':' | b'_' | b',' | b'#' | b'(' => {}
            b'$' | b'=' | b'!' => {
                let n: i64 = body.parse().expect("bulk len");
                if n >= 0 {
                    let mut buf = vec![0u8; n as usize + 2];
                    self.reader.read_exact(&mut buf).expect("bulk body");
                    out.extend_from_slice(&buf);
                }
            }
            b'*' | b'~' | b'>' => {
                let n: i64 = body.parse().expect("array len");
                for _ in 0..n.max(0) {
                    self.read_into(out);
                }
            }
            b'%' | b'|' => {
                let n: i64 = body.parse().expect("map len");
                for _ in 0..n.max(0) * 2 {
                    self.read_into(out);
                }
            }
            other => panic!(
                "unexpected reply type byte {:?} in {:?}",
                other as char,
                String::from_utf8_lossy(line)
            ),
        }
    }

    /// Send a command and read its reply.
    pub fn cmd<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Vec<u8> {
        self.send(args);
        self.read_reply()
    }
}

/// A redis-server and a cinnabar-server, with one connection to each.
pub struct Pair {
    pub redis: Conn,
    pub cinnabar: Conn,
    pub redis_server: Server,
    pub cinnabar_server: Server,
}

/// Show bytes readably in assertion messages.
pub fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).replace("\r\n", "\\r\\n")
}

impl Pair {
    /// Fresh servers with default options.
    pub fn new() -> Pair {
        Pair::with_options(&[], &[])
    }

    /// Fresh servers with extra options for each (`["--maxmemory", "1mb"]`).
    pub fn with_options(redis_opts: &[&str], cinnabar_opts: &[&str]) -> Pair {
        let redis_server = start_redis(redis_opts);
        let cinnabar_server = start_cinnabar(cinnabar_opts);
        Pair {
            redis: Conn::connect(redis_server.port),
            cinnabar: Conn::connect(cinnabar_server.port),
            redis_server,
            cinnabar_server,
        }
    }

    /// Send to both and return both raw replies (no assertion).
    pub fn both<A: AsRef<[u8]>>(&mut self, args: &[A]) -> (Vec<u8>, Vec<u8>) {
        (self.redis.cmd(args), self.cinnabar.cmd(args))
    }

    /// Send to both, assert identical raw replies, return the reply.
    #[track_caller]
    pub fn check<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Vec<u8> {
        let (r, c) = self.both(args);
        let shown: Vec<String> = args.iter().map(|a| show(a.as_ref())).collect();
        assert_eq!(
            show(&c),
            show(&r),
            "reply differs for {:?} (left: cinnabar, right: redis)",
            shown
        );
        r
    }

    /// Check several commands in order.
    #[track_caller]
    pub fn check_all(&mut self, cmds: &[&[&str]]) {
        for c in cmds {
            self.check(c);
        }
    }

    /// Same as `check` (use after `HELLO 3`; kept for readability).
    #[track_caller]
    pub fn check_resp3<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Vec<u8> {
        self.check(args)
    }

    /// Send raw bytes to both and compare everything read until both close or `replies`
    /// replies have been read.
    #[track_caller]
    pub fn check_raw(&mut self, bytes: &[u8], replies: usize) -> Vec<Vec<u8>> {
        self.redis.send_raw(bytes);
        self.cinnabar.send_raw(bytes);
        let mut out = Vec::new();
        for _ in 0..replies {
            let r = self.redis.try_read_reply();
            let c = self.cinnabar.try_read_reply();
            assert_eq!(
                c.as_deref().map(show),
                r.as_deref().map(show),
                "raw reply differs for {:?} (left: cinnabar, right: redis)",
                show(bytes)
            );
            if let Some(r) = r {
                out.push(r);
            }
        }
        out
    }

    /// A second pair of connections to the same servers.
    pub fn connect_more(&self) -> (Conn, Conn) {
        (
            Conn::connect(self.redis_server.port),
            Conn::connect(self.cinnabar_server.port),
        )
    }
}

/// Parse a flat RESP array of bulk strings (e.g. KEYS output) into items.
pub fn parse_bulk_array(raw: &[u8]) -> Vec<Vec<u8>> {
    let mut items = Vec::new();
    let mut i;
    let line_end = |from: usize| {
        raw[from..]
            .windows(2)
            .position(|w| w == b"\r\n")
            .map(|p| from + p)
    };
    let Some(e) = line_end(0) else { return items };
    assert!(
        raw[0] == b'*' || raw[0] == b'~',
        "not an array: {}",
        show(raw)
    );
    i = e + 2;
    while i < raw.len() {
        let Some(e) = line_end(i) else { break };
        let n: usize = std::str::from_utf8(&raw[i + 1..e])
            .unwrap_or("0")
            .parse()
            .unwrap_or(0);
        let start = e + 2;
        items.push(raw[start..start + n].to_vec());
        i = start + n + 2;
    }
    items
}

/// Resident set size of a process in KiB (Linux /proc), 0 if unknown.
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|v| v.parse().unwrap_or(0)))
        })
        .unwrap_or(0)
}
