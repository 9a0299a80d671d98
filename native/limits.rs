//! The server's side of access control and limits: protected mode, TCP keepalive, idle
//! client timeouts, the engine's host hooks (microsecond clocks, file access for ACL
//! LOAD/SAVE), loading users (`user` directives, `aclfile`) and `rename-command` at
//! start, and a small cron that ends CLIENT PAUSEs and delivers messages produced
//! outside command batches (tracking invalidations and keyspace events of expired
//! keys).

use std::cell::Cell;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use cinnabar::Engine;
use cinnabar::config::ObufLimit;
use cinnabar::engine::ClientHandle;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::server::{Shared, log};

/// A batch stops running a client's pipeline once this much of its output is
/// unwritten (or its class's output limit, if larger: see [`pause_at`]); the rest
/// runs once the client has read enough. A client that pipelines many large reads
/// and never reads the replies costs the server about this much, not the whole
/// pipeline's output (nothing more of its input is read meanwhile).
pub const BATCH_OUT_MAX: usize = 256 * 1024;

/// Redis's `checkClientOutputBufferLimits`: whether a client holding `pending`
/// output bytes must be closed under `lim`. The hard limit closes at once; the soft
/// limit only once the output has stayed over it for more than `soft_seconds`
/// seconds (`since` remembers when it went over, in unix seconds; 0 = under).
pub fn obuf_over(lim: &ObufLimit, pending: usize, since: &Cell<i64>, now_s: i64) -> bool {
    let pending = pending as u64;
    let hard = lim.hard > 0 && pending >= lim.hard;
    let mut soft = lim.soft > 0 && pending >= lim.soft;
    if soft {
        if since.get() == 0 {
            since.set(now_s.max(1));
            soft = false;
        } else if now_s.saturating_sub(since.get()) <= lim.soft_seconds as i64 {
            soft = false;
        }
    } else {
        since.set(0);
    }
    hard || soft
}

/// How much unwritten output a connection may hold before it stops running the
/// client's commands (and reading its input) until the client reads: the class's
/// limits when set (so that they can be reached), [`BATCH_OUT_MAX`] at least. With
/// no limits (the `normal` default) this bounds a client that never reads, where
/// Redis would buffer without bound.
pub fn pause_at(lim: &ObufLimit) -> usize {
    let cap = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
    BATCH_OUT_MAX.max(cap(lim.hard)).max(cap(lim.soft))
}

/// When the soft limit of a client over it since `since` (unix seconds) expires, in
/// engine milliseconds; None when it is not over.
pub fn soft_deadline_ms(lim: &ObufLimit, since: i64) -> Option<i64> {
    (since > 0 && lim.soft > 0).then(|| {
        since
            .saturating_add(lim.soft_seconds as i64)
            .saturating_add(1)
            .saturating_mul(1000)
    })
}

/// A client's CLIENT LIST line, for log messages (Redis's `catClientInfoString`).
pub fn client_info(shared: &Shared, h: ClientHandle) -> String {
    let mut eng = shared.engine.borrow_mut();
    let now = eng.now();
    let Some(sess) = eng.session_mut(h).map(|s| s.clone()) else {
        return format!("id={}", h.id);
    };
    cinnabar::cmd::client::client_line(eng.state(), &sess, now, 0)
}

/// Log that a client is closed for its output buffer limit; `scheduled` when found
/// while output was being added (Redis's asynchronous close), else from the timer.
pub fn log_obuf_close(shared: &Shared, h: ClientHandle, scheduled: bool) {
    let info = client_info(shared, h);
    let what = if scheduled {
        "scheduled to be closed ASAP"
    } else {
        "closed"
    };
    log_at(
        WARNING,
        &format!("Client {info} {what} for overcoming of output buffer limits."),
    );
}

/// Log a protocol error as Redis does (verbose level): the client and a sample of
/// its unparsed input (`qbuf`), non-printable bytes shown as dots.
pub fn log_protocol_error(shared: &Shared, h: ClientHandle, err: &str, qbuf: &[u8]) {
    const DUMP: usize = 128;
    if !enabled(VERBOSE) {
        return;
    }
    let info = client_info(shared, h);
    // C strings: the sample ends at a NUL byte, as `%s` would.
    let text = |b: &[u8]| {
        let b = b.split(|&c| c == 0).next().unwrap_or(&[]);
        b.iter()
            .map(|&c| {
                if (0x20..0x7f).contains(&c) {
                    c as char
                } else {
                    '.'
                }
            })
            .collect::<String>()
    };
    let sample = if qbuf.len() < DUMP {
        format!("Query buffer during protocol error: '{}'", text(qbuf))
    } else {
        format!(
            "Query buffer during protocol error: '{}' (... more {} bytes ...) '{}'",
            text(&qbuf[..DUMP / 2]),
            qbuf.len() - DUMP,
            text(&qbuf[qbuf.len() - DUMP / 2..])
        )
    };
    // Redis formats into a 256-byte buffer.
    let sample: String = sample.chars().take(255).collect();
    log_at(
        VERBOSE,
        &format!("Protocol error ({err}) from client: {info}. {sample}"),
    );
}

/// Log that a client is closed for its query buffer (Redis's wording).
pub fn log_qbuf_close(shared: &Shared, h: ClientHandle, qbuf: &[u8]) {
    let info = client_info(shared, h);
    let mut head = Vec::new();
    cinnabar::ops::repr(&mut head, &qbuf[..qbuf.len().min(64)]);
    log_at(
        WARNING,
        &format!(
            "Closing client that reached max query buffer length: {info} (qbuf initial bytes: {})",
            String::from_utf8_lossy(&head)
        ),
    );
}

/// Redis 7.2's protected-mode refusal (sent before closing).
pub const DENIED: &str = "-DENIED Redis is running in protected mode because protected mode is \
    enabled and no password is set for the default user. In this mode connections are only \
    accepted from the loopback interface. If you want to connect from external computers to \
    Redis you may adopt one of the following solutions: 1) Just disable protected mode sending \
    the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to \
    Redis from the same host the server is running, however MAKE SURE Redis is not publicly \
    accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. \
    2) Alternatively you can just disable the protected mode by editing the Redis configuration \
    file, and setting the protected mode option to 'no', and then restarting the server. 3) If \
    you started the server manually just for testing, restart it with the '--protected-mode no' \
    option. 4) Set up an authentication password for the default user. NOTE: You only need to \
    do one of the above things in order for the server to start accepting connections from the \
    outside.\r\n";

/// `tcp-backlog` (Redis's default 511).
pub fn backlog(config: &cinnabar::Config) -> u32 {
    config
        .get("tcp-backlog")
        .and_then(|v| v.parse().ok())
        .unwrap_or(511)
}

/// A listening socket with SO_REUSEADDR and the given accept backlog (tokio's default
/// is smaller than Redis's 511: bursts of connections then see dropped SYNs and
/// one-second retries).
pub fn listen(addr: &str, backlog: u32) -> std::io::Result<tokio::net::TcpListener> {
    use std::net::ToSocketAddrs;
    let sa = addr
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no address"))?;
    let sock = if sa.is_ipv6() {
        tokio::net::TcpSocket::new_v6()?
    } else {
        tokio::net::TcpSocket::new_v4()?
    };
    sock.set_reuseaddr(true)?;
    sock.bind(sa)?;
    sock.listen(backlog)
}

/// Whether `ip` is a loopback address as Redis's `connIsLocal` sees it.
pub fn is_loopback(peer: &SocketAddr) -> bool {
    match peer {
        SocketAddr::V4(a) => a.ip().octets()[0] == 127,
        SocketAddr::V6(a) => {
            a.ip().is_loopback()
                || a.ip()
                    .to_ipv4_mapped()
                    .is_some_and(|v4| v4.octets()[0] == 127)
        }
    }
}

/// Checks made when a connection is accepted ([connection hook]): protected mode
/// (the refusal is written and false returned: close), then TCP keepalive.
pub async fn on_accept(shared: &Shared, stream: &mut TcpStream, peer: SocketAddr) -> bool {
    let (protected, keepalive) = {
        let eng = shared.engine.borrow();
        let st = eng.state();
        let protected = st.config.get("protected-mode") == Some("yes")
            && !st.acl.auth_required()
            && !is_loopback(&peer);
        let keepalive: u64 = st
            .config
            .get("tcp-keepalive")
            .and_then(|v| v.parse().ok())
            .unwrap_or(300);
        (protected, keepalive)
    };
    if protected {
        shared
            .engine
            .borrow_mut()
            .state_mut()
            .stats
            .rejected_connections += 1;
        let _ =
            tokio::time::timeout(Duration::from_secs(1), stream.write_all(DENIED.as_bytes())).await;
        let _ = stream.shutdown().await;
        return false;
    }
    if keepalive > 0 {
        set_keepalive(stream, keepalive);
    }
    true
}

/// Redis's `anetKeepAlive`: SO_KEEPALIVE, first probe after `interval` seconds, then
/// every interval/3 seconds, dropped after 3 unanswered probes.
#[cfg(target_os = "linux")]
fn set_keepalive(stream: &TcpStream, interval: u64) {
    use std::os::fd::AsRawFd;
    unsafe extern "C" {
        fn setsockopt(
            fd: i32,
            level: i32,
            name: i32,
            val: *const std::ffi::c_void,
            len: u32,
        ) -> i32;
    }
    const SOL_SOCKET: i32 = 1;
    const SO_KEEPALIVE: i32 = 9;
    const IPPROTO_TCP: i32 = 6;
    const TCP_KEEPIDLE: i32 = 4;
    const TCP_KEEPINTVL: i32 = 5;
    const TCP_KEEPCNT: i32 = 6;
    let fd = stream.as_raw_fd();
    let idle = i32::try_from(interval).unwrap_or(i32::MAX);
    let intvl = (idle / 3).max(1);
    let set = |level: i32, name: i32, v: i32| {
        // SAFETY: `fd` is an open socket owned by `stream` for the duration of the call,
        // and the option value points at a live i32 of the size passed.
        unsafe {
            setsockopt(
                fd,
                level,
                name,
                (&v as *const i32).cast(),
                size_of::<i32>() as u32,
            )
        }
    };
    set(SOL_SOCKET, SO_KEEPALIVE, 1);
    set(IPPROTO_TCP, TCP_KEEPIDLE, idle);
    set(IPPROTO_TCP, TCP_KEEPINTVL, intvl);
    set(IPPROTO_TCP, TCP_KEEPCNT, 3);
}

#[cfg(not(target_os = "linux"))]
fn set_keepalive(_stream: &TcpStream, _interval: u64) {}

/// Resolves when client `h` has been idle for `timeout` seconds ([connection hook]);
/// never when `timeout` is 0. The caller then asks [`idle_expired`].
pub async fn idle_timer(shared: &Shared, h: ClientHandle) {
    let wait = {
        let mut eng = shared.engine.borrow_mut();
        let timeout = eng.state().ops.hot.timeout;
        if timeout == 0 {
            None
        } else {
            let now = eng.now();
            eng.session_mut(h).map(|s| {
                let deadline = s
                    .last_interaction_ms
                    .saturating_add((timeout as i64).saturating_mul(1000));
                Duration::from_millis(deadline.saturating_sub(now).clamp(0, 3_600_000) as u64 + 1)
            })
        }
    };
    match wait {
        Some(d) => tokio::time::sleep(d).await,
        None => std::future::pending().await,
    }
}

/// Whether client `h` must be closed for idleness (Redis's `clientsCronHandleTimeout`:
/// subscribers, blocked clients and monitors are exempt).
pub fn idle_expired(shared: &Shared, h: ClientHandle) -> bool {
    let mut eng = shared.engine.borrow_mut();
    let timeout = eng.state().ops.hot.timeout as i64;
    if timeout == 0 || eng.is_blocked(h) || eng.state().ops.monitors.contains(&h.id) {
        return false;
    }
    let now = eng.now();
    let expired = eng.session_mut(h).is_some_and(|s| {
        !s.subscribed() && now - s.last_interaction_ms > timeout.saturating_mul(1000)
    });
    if expired {
        log_at(VERBOSE, "Closing idle client");
    }
    expired
}

/// The engine's file access: whole-file reads, atomic replacing writes.
struct Files;

fn io_text(e: &std::io::Error) -> String {
    // `strerror` wording without Rust's " (os error N)" suffix.
    let s = e.to_string();
    match s.find(" (os error") {
        Some(p) => s[..p].to_string(),
        None => s,
    }
}

impl cinnabar::ops::FileHost for Files {
    fn read(&mut self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(path).map_err(|e| io_text(&e))
    }

    fn write(&mut self, path: &str, data: &[u8]) -> Result<(), String> {
        use std::io::Write;
        let tmp = format!(
            "{path}.tmp-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or(0)
        );
        let result = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(data)?;
            f.sync_all()?;
            std::fs::rename(&tmp, path)?;
            if let Some(dir) = std::path::Path::new(path).parent() {
                let dir = if dir.as_os_str().is_empty() {
                    std::path::Path::new(".")
                } else {
                    dir
                };
                if let Ok(d) = std::fs::File::open(dir) {
                    let _ = d.sync_all();
                }
            }
            Ok::<(), std::io::Error>(())
        })();
        if let Err(e) = &result {
            let _ = std::fs::remove_file(&tmp);
            log(&format!("Writing {path}: {e}"));
        }
        result.map_err(|e| io_text(&e))
    }
}

/// Give the engine its host hooks and load users and renames ([server hook], after
/// the data is loaded, so that AOF replay is never subject to ACLs). Errors are fatal.
pub fn setup_engine(
    engine: &mut Engine,
    renames: &[(usize, String, String, String)],
    users: &[Vec<Vec<u8>>],
) -> Result<(), String> {
    let st = engine.state_mut();
    st.ops.usec = Some(Box::new(crate::clock::monotonic_us));
    st.ops.wall_us = Some(Box::new(crate::clock::wall_us));
    st.ops.files = Some(Box::new(Files));
    for (line_no, line, old, new) in renames {
        cinnabar::ops::rename_command(st, old.as_bytes(), new.as_bytes()).map_err(|reason| {
            crate::config::BadConfig {
                line_no: *line_no,
                line: line.clone(),
                reason,
            }
            .to_string()
        })?;
    }
    let aclfile = st.config.get("aclfile").unwrap_or("").to_string();
    if !aclfile.is_empty() && !users.is_empty() {
        return Err(
            "Configuring Redis with users defined in redis.conf and at the same setting \
                    an ACL file path is invalid. This setup is very likely to lead to \
                    configuration errors and security holes, please define either an ACL file \
                    or declare users directly in your redis.conf, but not both."
                .into(),
        );
    }
    let pubsub_all = cinnabar::acl::pubsub_default_all(&st.config);
    if !users.is_empty() {
        st.acl
            .load_config_users(users, pubsub_all)
            .map_err(|e| format!("{e}\nCritical error while loading ACLs. Exiting."))?;
    }
    if !aclfile.is_empty() {
        let text = std::fs::read(&aclfile).map_err(|e| {
            format!(
                "Aborting Redis startup because of ACL errors: Error loading ACLs, opening file \
                 '{aclfile}': {}",
                io_text(&e)
            )
        })?;
        st.acl
            .load_text(&text, &aclfile, pubsub_all)
            .map_err(|e| format!("Aborting Redis startup because of ACL errors: {e}"))?;
    }
    Ok(())
}

/// Spawn the cron ([server hook]): every 100 ms, end an expired CLIENT PAUSE (serving
/// the postponed clients) and deliver messages queued outside command batches.
pub fn start(shared: &Rc<Shared>) {
    let shared = shared.clone();
    tokio::task::spawn_local(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(100));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let (ready, pending) = {
                let mut eng = shared.engine.borrow_mut();
                let now = eng.now();
                let ready = cinnabar::ops::cron(eng.state_mut(), now);
                let st = eng.state();
                (
                    ready,
                    !st.pubsub.outbox.is_empty() || st.ops.tracking.has_pending(),
                )
            };
            if ready || pending {
                shared.after_batch();
            }
        }
    });
}

// ---------------------------------------------------------------------------------
// Logging
// ---------------------------------------------------------------------------------

/// `loglevel debug`.
pub const DEBUG: u8 = 0;
/// `loglevel verbose`.
pub const VERBOSE: u8 = 1;
/// `loglevel notice` (the default).
pub const NOTICE: u8 = 2;
/// `loglevel warning`.
pub const WARNING: u8 = 3;

/// Where log lines go (`logfile`; empty = stdout).
static LOG_FILE: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

/// The lowest level written (`loglevel`; changed by CONFIG SET, see [`sync_level`]).
static LOG_LEVEL: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(NOTICE);

/// Apply the configured `loglevel` (`Config::loglevel`); called on every batch, so a
/// CONFIG SET of it takes effect at once. One atomic load when unchanged.
#[inline]
pub fn sync_level(level: u8) {
    use std::sync::atomic::Ordering::Relaxed;
    if LOG_LEVEL.load(Relaxed) != level {
        LOG_LEVEL.store(level, Relaxed);
    }
}

/// Whether lines of `level` are written now.
pub fn enabled(level: u8) -> bool {
    level >= LOG_LEVEL.load(std::sync::atomic::Ordering::Relaxed)
}

/// Civil date (year, month 1-12, day) of a day count since 1970-01-01 (Howard
/// Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A Redis-style log line: `pid:role dd Mon yyyy hh:mm:ss.mmm <level char> message`
/// (UTC).
pub fn format_line(pid: u32, role: char, unix_ms: i64, level: u8, msg: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = unix_ms.div_euclid(1000);
    let (y, m, d) = civil(secs.div_euclid(86_400));
    let tod = secs.rem_euclid(86_400);
    let mark = match level {
        DEBUG => '.',
        VERBOSE => '-',
        NOTICE => '*',
        _ => '#',
    };
    format!(
        "{pid}:{role} {d:02} {} {y} {:02}:{:02}:{:02}.{:03} {mark} {msg}",
        MONTHS[(m as usize).saturating_sub(1) % 12],
        tod / 3600,
        tod % 3600 / 60,
        tod % 60,
        unix_ms.rem_euclid(1000)
    )
}

fn write_log(role: char, level: u8, msg: &str) {
    if !enabled(level) {
        return;
    }
    let file = match LOG_FILE.lock() {
        Ok(g) => g.clone(),
        Err(p) => p.into_inner().clone(),
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let line = format_line(std::process::id(), role, now, level, msg);
    if file.is_empty() {
        println!("{line}");
    } else if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&file)
    {
        use std::io::Write;
        let _ = writeln!(f, "{line}");
    }
}

/// Log `msg` at `level` (honouring `loglevel` and `logfile`).
pub fn log_at(level: u8, msg: &str) {
    write_log('M', level, msg);
}

/// Take `loglevel` / `logfile` from the configuration and print the start banner
/// ([server hook]).
pub fn start_logging(config: &cinnabar::Config, config_file: Option<&str>) {
    sync_level(config.loglevel);
    let file = config.get("logfile").unwrap_or("").to_string();
    match LOG_FILE.lock() {
        Ok(mut g) => *g = file,
        Err(p) => *p.into_inner() = file,
    }
    write_log(
        'C',
        WARNING,
        "oO0OoO0OoO0Oo Cinnabar is starting oO0OoO0OoO0Oo",
    );
    write_log(
        'C',
        WARNING,
        &format!(
            "Cinnabar version={}, Redis-compatible={}, bits={}, pid={}, just started",
            env!("CARGO_PKG_VERSION"),
            cinnabar::REDIS_VERSION,
            usize::BITS,
            std::process::id()
        ),
    );
    match config_file {
        Some(_) => write_log('C', WARNING, "Configuration loaded"),
        None => write_log(
            'C',
            WARNING,
            "Warning: no config file specified, using the default config. In order to \
             specify a config file use cinnabar-server /path/to/cinnabar.conf",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lines_look_like_redis() {
        // 2026-11-22 03:26:33.145 UTC
        let ms = 1_795_317_993_145;
        assert_eq!(
            format_line(25223, 'M', ms, NOTICE, "Ready to accept connections"),
            "25223:M 22 Nov 2026 03:26:33.145 * Ready to accept connections"
        );
        assert_eq!(
            format_line(1, 'C', 0, WARNING, "x"),
            "1:C 01 Jan 1970 00:00:00.000 # x"
        );
        assert_eq!(civil(-1), (1969, 12, 31));
        assert_eq!(civil(11_016), (2000, 2, 29));
    }

    #[test]
    fn loopback_addresses() {
        assert!(is_loopback(&"127.0.0.1:1".parse().unwrap()));
        assert!(is_loopback(&"127.9.9.9:1".parse().unwrap()));
        assert!(is_loopback(&"[::1]:1".parse().unwrap()));
        assert!(is_loopback(&"[::ffff:127.0.0.1]:1".parse().unwrap()));
        assert!(!is_loopback(&"192.0.2.2:1".parse().unwrap()));
        assert!(!is_loopback(&"[fd00::2]:1".parse().unwrap()));
    }
}
