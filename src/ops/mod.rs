//! Operations and observability: what the dispatcher records around every command and
//! the per-server switches that change how commands are run.
//!
//! * Statistics (INFO commandstats / errorstats / latencystats), the slow log and the
//!   latency monitor, fed by [`call`], the wrapper the dispatcher runs each handler in.
//! * MONITOR: every executed command, formatted as Redis formats it, queued for the
//!   monitoring clients in the Pub/Sub outbox.
//! * CLIENT PAUSE (clients postponed through the blocking machinery), CLIENT REPLY,
//!   CLIENT TRACKING (see [`tracking`]).
//! * `rename-command` (a per-engine name map consulted before the command table).
//!
//! Time: durations need a microsecond clock, which the engine cannot read itself; a
//! host sets [`Ops::usec`] (monotonic) and [`Ops::wall_us`] (Unix µs, for MONITOR
//! timestamps). Without them durations are 0 and timestamps come from the ms clock.

pub mod latency;
pub mod slowlog;
pub mod stats;
pub mod tracking;

use hashbrown::HashMap;

use crate::cmd::spec_types::{
    F_ADMIN, F_FAST, F_MAY_REPLICATE, F_READONLY, F_SKIP_MONITOR, F_SKIP_SLOWLOG, F_WRITE,
};
use crate::cmd::{Args, Command, Ctx, Handler, State, table};
use crate::config::Config;
use crate::reply::{CmdResult, Reply};
use crate::session::Session;

/// Files the engine asks its host to read or write (ACL LOAD/SAVE, CONFIG REWRITE).
pub trait FileHost {
    /// The whole file, or the reason it cannot be read (`strerror` style).
    fn read(&mut self, path: &str) -> Result<Vec<u8>, String>;
    /// Replace the file atomically (temporary file, fsync, rename).
    fn write(&mut self, path: &str, data: &[u8]) -> Result<(), String>;
}

/// An active CLIENT PAUSE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    /// End (Unix ms).
    pub until: i64,
    /// ALL (every command) rather than WRITE.
    pub all: bool,
}

/// CLIENT REPLY state of a client (absent: ON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyMode {
    /// OFF: no replies.
    Off = 1,
    /// SKIP was just given: its own reply and the next are dropped.
    SkipArmed = 2,
    /// The next reply is dropped.
    SkipNext = 3,
}

impl ReplyMode {
    /// The mode stored under `code` in `OpsState::reply_modes`.
    pub fn from_code(code: u32) -> Option<ReplyMode> {
        match code {
            1 => Some(ReplyMode::Off),
            2 => Some(ReplyMode::SkipArmed),
            3 => Some(ReplyMode::SkipNext),
            _ => None,
        }
    }
}

/// Config values read on every command, kept typed.
#[derive(Debug, Clone, Copy)]
pub struct Hot {
    /// `slowlog-log-slower-than` (µs; negative: off).
    pub slowlog_slower_than: i64,
    /// `slowlog-max-len`.
    pub slowlog_max_len: usize,
    /// `latency-monitor-threshold` (ms; 0: off).
    pub latency_threshold: u64,
    /// `latency-tracking`.
    pub latency_tracking: bool,
    /// `tracking-table-max-keys`.
    pub tracking_max_keys: usize,
    /// `timeout` (seconds; 0: never close idle clients).
    pub timeout: u64,
}

impl Hot {
    fn from(config: &Config) -> Hot {
        let num = |k: &str, d: i64| config.get(k).and_then(|v| v.parse().ok()).unwrap_or(d);
        Hot {
            slowlog_slower_than: num("slowlog-log-slower-than", 10_000),
            slowlog_max_len: num("slowlog-max-len", 128).max(0) as usize,
            latency_threshold: num("latency-monitor-threshold", 0).max(0) as u64,
            latency_tracking: config.get("latency-tracking") != Some("no"),
            tracking_max_keys: num("tracking-table-max-keys", 1_000_000).max(0) as usize,
            timeout: num("timeout", 0).max(0) as u64,
        }
    }
}

/// The pseudo key paused clients wait on (a real key with this name only wakes them
/// early, and they wait again).
pub const PAUSE_KEY: &[u8] = b"\x00cinnabar:client-pause";

/// Operations state (in [`State`]).
pub struct Ops {
    /// Monotonic microseconds, set by the host (durations).
    pub usec: Option<Box<dyn Fn() -> u64>>,
    /// Unix time in microseconds, set by the host (MONITOR timestamps).
    pub wall_us: Option<Box<dyn Fn() -> i64>>,
    /// File access for ACL LOAD/SAVE and CONFIG REWRITE, set by the host.
    pub files: Option<Box<dyn FileHost>>,
    /// Typed copies of hot config values.
    pub hot: Hot,
    /// Per-command statistics.
    pub cmdstats: stats::CommandStats,
    /// Error statistics.
    pub errors: stats::ErrorStats,
    /// The slow log.
    pub slowlog: slowlog::SlowLog,
    /// The latency monitor.
    pub latency: latency::LatencyMonitor,
    /// Client-side caching.
    pub tracking: tracking::Tracking,
    /// MONITOR clients.
    pub monitors: Vec<u64>,
    /// CLIENT PAUSE in force.
    pub pause: Option<Pause>,
    /// CLIENT REPLY OFF / SKIP clients.
    /// `ReplyMode` codes (`ReplyMode as u32`): the same map type as the engine's client
    /// index, so the wasm carries one hash table instantiation for both.
    pub reply_modes: HashMap<u64, u32>,
    /// `rename-command`: lower-case name → command (None: the name is hidden).
    pub renames: crate::compact::ByteMap<Option<&'static Command>>,
    /// The current top-level command's handler ran (else an error is a rejection).
    ran: bool,
}

impl std::fmt::Debug for Ops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ops")
            .field("hot", &self.hot)
            .field("monitors", &self.monitors)
            .field("pause", &self.pause)
            .finish()
    }
}

impl Ops {
    /// Fresh state for `config`.
    pub fn new(config: &Config) -> Ops {
        Ops {
            usec: None,
            wall_us: None,
            files: None,
            hot: Hot::from(config),
            cmdstats: Default::default(),
            errors: Default::default(),
            slowlog: Default::default(),
            latency: Default::default(),
            tracking: Default::default(),
            monitors: Vec::new(),
            pause: None,
            reply_modes: HashMap::new(),
            renames: crate::compact::ByteMap::new(),
            ran: false,
        }
    }

    /// Re-read the hot config values (after CONFIG SET).
    pub fn sync_config(&mut self, config: &Config) {
        self.hot = Hot::from(config);
        self.slowlog.entries.truncate(self.hot.slowlog_max_len);
    }

    #[inline]
    fn now_us(&self) -> Option<u64> {
        self.usec.as_ref().map(|f| f())
    }
}

// ---------------------------------------------------------------------------------
// Dispatcher hooks
// ---------------------------------------------------------------------------------

/// Look a command up by name, honouring `rename-command` ([engine hook]).
#[inline]
pub fn lookup_command(st: &State, name: &[u8]) -> Option<&'static Command> {
    if st.ops.renames.is_empty() {
        return table().lookup(name);
    }
    match st.ops.renames.get(name.to_ascii_lowercase()) {
        Some(found) => *found,
        None => table().lookup(name),
    }
}

/// Apply `rename-command old new` (new empty: disable). Errors as Redis's config
/// loader words them.
pub fn rename_command(st: &mut State, old: &[u8], new: &[u8]) -> Result<(), String> {
    let Some(cmd) = lookup_command(st, old) else {
        return Err("No such command in rename-command".into());
    };
    if !new.is_empty() && lookup_command(st, new).is_some() {
        return Err("Target command name already exists".into());
    }
    st.ops.renames.insert(old.to_ascii_lowercase(), None);
    if !new.is_empty() {
        st.ops.renames.insert(new.to_ascii_lowercase(), Some(cmd));
    }
    Ok(())
}

/// Run a handler, recording what Redis's `call()` records ([engine hook]): duration,
/// command statistics, the slow log, the latency monitor, MONITOR, and the keys a
/// tracking client read.
#[inline]
pub fn call(ctx: &mut Ctx, handler: Handler, args: &Args) -> CmdResult {
    ctx.st.ops.ran = true;
    ctx.st.ops.tracking.current = ctx.sess.id;
    let t0 = ctx.st.ops.now_us();
    let r = handler(ctx, args);
    let dur = match (t0, ctx.st.ops.now_us()) {
        (Some(a), Some(b)) => b.saturating_sub(a),
        _ => 0,
    };
    ctx.st.ops.tracking.current = 0;
    if ctx.st.block_request.is_none() {
        after_call(ctx, args, &r, dur);
    }
    r
}

impl Ops {
    /// Whether `call` + `after_command` of a command that is not a write, in a state
    /// where `execute_fast` runs (no client tracking, no blocking), would only update
    /// the command statistics and latency histogram ([`direct_call_done`]): no host
    /// clock for durations (every call lasts 0 µs, so the latency monitor never fires
    /// and the slow log only with `slowlog-log-slower-than 0`), no MONITOR.
    #[inline]
    pub fn direct_call_ok(&self) -> bool {
        self.usec.is_none()
            && self.monitors.is_empty()
            && !(self.hot.slowlog_slower_than == 0 && self.hot.slowlog_max_len > 0)
    }
}

/// `after_call` for a call of command `id` that lasted 0 µs, when
/// [`Ops::direct_call_ok`]; `ran`/`tracking.current` are left as `call` and
/// `after_command` leave them.
pub fn direct_call_done(st: &mut State, id: usize, failed: bool) {
    st.ops.ran = false;
    st.ops.tracking.current = 0;
    let hot = st.ops.hot;
    if let Some(s) = st.ops.cmdstats.get_mut(id) {
        s.calls += 1;
        if failed {
            s.failed += 1;
        }
        if hot.latency_tracking {
            s.hist.get_or_insert_with(Default::default).record(0);
        }
    }
}

fn after_call(ctx: &mut Ctx, args: &Args, r: &CmdResult, dur: u64) {
    let spec = ctx.cmd.spec;
    let id = ctx.cmd.id;
    let failed = match r {
        Err(_) => true,
        Ok(reply) => matches!(reply, Reply::Error(_)),
    };
    let hot = ctx.st.ops.hot;
    if let Some(s) = ctx.st.ops.cmdstats.get_mut(id) {
        s.calls += 1;
        s.usec += dur;
        if failed {
            s.failed += 1;
        }
        if hot.latency_tracking {
            s.hist
                .get_or_insert_with(Default::default)
                .record(dur.saturating_mul(1000));
        }
    }
    if hot.slowlog_slower_than >= 0
        && hot.slowlog_max_len > 0
        && dur >= hot.slowlog_slower_than as u64
        && spec.flags & F_SKIP_SLOWLOG == 0
    {
        let entry = slowlog::Entry {
            id: 0,
            time: ctx.now.div_euclid(1000),
            duration: dur,
            argv: slowlog::truncated_argv(args, &redacted(spec.name, args)),
            peer: ctx.sess.addr.clone(),
            name: ctx.sess.name.clone(),
        };
        ctx.st.ops.slowlog.push(entry, hot.slowlog_max_len);
    }
    if hot.latency_threshold > 0 && dur / 1000 >= hot.latency_threshold {
        let event = if spec.flags & F_FAST != 0 {
            "fast-command"
        } else {
            "command"
        };
        ctx.st
            .ops
            .latency
            .add(event, dur / 1000, ctx.now.div_euclid(1000));
    }
    if !ctx.st.ops.monitors.is_empty() && spec.flags & (F_SKIP_MONITOR | F_ADMIN) == 0 {
        feed_monitors(ctx, args);
    }
    if spec.flags & F_READONLY != 0
        && ctx.st.ops.tracking.active()
        && ctx.st.ops.tracking.clients.contains_key(&ctx.sess.id)
        && !matches!(spec.name, "eval_ro" | "evalsha_ro" | "fcall_ro")
    {
        let keys = crate::cmd::keyspec::command_keys(spec, args);
        let id = ctx.sess.id;
        ctx.st.ops.tracking.remember(
            id,
            keys.into_iter().map(|k| args.get(k.pos).to_vec()),
            hot.tracking_max_keys,
        );
    }
}

/// After each top-level (or EXEC-queued) command ([engine hook]): error statistics,
/// rejected calls, and the one-command lifetime of CLIENT CACHING.
#[inline]
pub fn after_command(st: &mut State, sess: &Session, args: &Args, reply: &Reply) {
    let ran = std::mem::replace(&mut st.ops.ran, false);
    if let Reply::Error(text) = reply {
        st.ops.errors.count(text);
        if !ran
            && let Some(cmd) = resolve(st, args)
            && let Some(s) = st.ops.cmdstats.get_mut(cmd.id)
        {
            s.rejected += 1;
        }
    }
    if st.ops.tracking.active()
        && !sess.in_multi
        && !(args.is(0, "client") && args.is(1, "caching"))
        && let Some(t) = st.ops.tracking.clients.get_mut(&sess.id)
    {
        t.caching = false;
    }
}

/// The command (or subcommand) an argv names.
fn resolve(st: &State, args: &Args) -> Option<&'static Command> {
    let cmd = lookup_command(st, args.get(0))?;
    if cmd.is_container() && args.len() >= 2 {
        return cmd.sub(args.get(1));
    }
    Some(cmd)
}

/// Whether the reply to the command just run must be dropped (CLIENT REPLY OFF/SKIP)
/// ([engine hook]).
#[inline]
pub fn suppress_reply(st: &mut State, id: u64) -> bool {
    if st.ops.reply_modes.is_empty() {
        return false;
    }
    match st
        .ops
        .reply_modes
        .get(&id)
        .copied()
        .and_then(ReplyMode::from_code)
    {
        None => false,
        Some(ReplyMode::Off) => true,
        Some(ReplyMode::SkipArmed) => {
            st.ops.reply_modes.insert(id, ReplyMode::SkipNext as u32);
            true
        }
        Some(ReplyMode::SkipNext) => {
            st.ops.reply_modes.remove(&id);
            true
        }
    }
}

/// A client disconnected ([engine hook]): forget its monitor, tracking and reply state.
pub fn client_gone(st: &mut State, id: u64) {
    st.ops.monitors.retain(|&m| m != id);
    st.ops.tracking.disable(id);
    st.ops.reply_modes.remove(&id);
}

/// RESET: no MONITOR, no tracking, replies on.
pub fn reset_client(st: &mut State, id: u64) {
    client_gone(st, id);
}

/// Encode pending tracking invalidations into the outbox ([engine hook], called when
/// the host takes messages). `others` resolves every connected client.
pub fn flush_tracking<'a>(st: &mut State, session: &dyn Fn(u64) -> Option<&'a Session>) {
    if !st.ops.tracking.has_pending() {
        return;
    }
    let mut out = std::mem::take(&mut st.pubsub.outbox);
    st.ops.tracking.flush(session, &mut out);
    st.pubsub.outbox = out;
}

/// A parameter was changed by CONFIG SET: keep derived state in step
/// (`requirepass` is the default user's password, as in Redis).
pub fn config_changed(st: &mut State, name: &str) {
    match name {
        "requirepass" => {
            let pass = st.config.requirepass.clone();
            st.acl.set_default_password(&pass);
        }
        _ => st.ops.sync_config(&st.config),
    }
}

/// CONFIG RESETSTAT: command, error and ACL statistics.
pub fn reset_stats(st: &mut State) {
    st.ops.cmdstats.reset();
    st.ops.errors.counts.clear();
    st.acl.denied = Default::default();
}

// ---------------------------------------------------------------------------------
// CLIENT PAUSE
// ---------------------------------------------------------------------------------

/// Whether the command must wait for the end of a CLIENT PAUSE ([engine hook]). If so
/// the client is parked (its command re-runs when the pause ends) and true returned.
pub fn postpone(st: &mut State, sess: &Session, cmd: &'static Command, now: i64) -> bool {
    let Some(p) = st.ops.pause else {
        return false;
    };
    if p.until <= now {
        end_pause(st);
        return false;
    }
    if !sess.can_block {
        return false;
    }
    let writes = |flags: u32| flags & (F_WRITE | F_MAY_REPLICATE) != 0;
    let affected = p.all
        || writes(cmd.spec.flags)
        || (cmd.name() == "exec"
            && sess.multi_queue.iter().any(|a| {
                let args = a.args();
                resolve(st, &args).is_some_and(|c| writes(c.spec.flags))
            }));
    if !affected {
        return false;
    }
    st.block_request = Some(crate::blocking::BlockRequest {
        keys: vec![PAUSE_KEY.to_vec()],
        deadline: i64::MAX,
        timeout_reply: Reply::Nil,
        rewritten_argv: None,
    });
    true
}

/// End the pause: every postponed client is re-run (served as blocked clients whose
/// key became ready).
pub fn end_pause(st: &mut State) {
    st.ops.pause = None;
    for db in 0..st.dbs.len() {
        if st.blocked.is_waited(db, PAUSE_KEY) {
            let k = (db, PAUSE_KEY.to_vec());
            if !st.ready_keys.contains(&k) {
                st.ready_keys.push_back(k);
            }
        }
    }
}

/// Timer work the host drives (about every 100 ms): end an expired pause. Returns true
/// if clients became ready (the host then serves blocked clients).
pub fn cron(st: &mut State, now: i64) -> bool {
    if let Some(p) = st.ops.pause
        && p.until <= now
    {
        end_pause(st);
    }
    !st.ready_keys.is_empty()
}

// ---------------------------------------------------------------------------------
// MONITOR
// ---------------------------------------------------------------------------------

/// Which arguments MONITOR and the slow log show as `(redacted)` (passwords).
pub fn redacted(name: &str, args: &Args) -> Vec<bool> {
    let n = args.len();
    let mut r = vec![false; n];
    match name {
        "auth" => r.iter_mut().skip(1).for_each(|x| *x = true),
        "acl|setuser" => r.iter_mut().skip(2).for_each(|x| *x = true),
        "hello" => {
            let mut j = 2;
            while j < n {
                if args.is(j, "auth") && j + 2 < n {
                    r[j + 1] = true;
                    r[j + 2] = true;
                    j += 3;
                } else {
                    j += 1;
                }
            }
        }
        "migrate" => {
            let mut j = 6;
            while j < n {
                if args.is(j, "auth") && j + 1 < n {
                    r[j + 1] = true;
                    j += 2;
                } else if args.is(j, "auth2") && j + 2 < n {
                    r[j + 1] = true;
                    r[j + 2] = true;
                    j += 3;
                } else {
                    j += 1;
                }
            }
        }
        "config|set" => {
            let mut j = 2;
            while j + 1 < n {
                if ["requirepass", "masterauth", "masteruser"]
                    .iter()
                    .any(|p| args.is(j, p))
                {
                    r[j + 1] = true;
                }
                j += 2;
            }
        }
        _ => {}
    }
    r
}

/// Redis's `sdscatrepr`: a double-quoted, escaped representation.
pub fn repr(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &c in s {
        match c {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            7 => out.extend_from_slice(b"\\a"),
            8 => out.extend_from_slice(b"\\b"),
            0x20..=0x7e => out.push(c),
            _ => out.extend_from_slice(format!("\\x{c:02x}").as_bytes()),
        }
    }
    out.push(b'"');
}

/// One MONITOR line: `+<secs>.<usecs> [<db> <addr>] "arg" ...\r\n`.
pub fn monitor_line(wall_us: i64, db: usize, addr: &str, name: &str, args: &Args) -> Vec<u8> {
    let red = redacted(name, args);
    let mut out = format!(
        "+{}.{:06} [{} {}] ",
        wall_us.div_euclid(1_000_000),
        wall_us.rem_euclid(1_000_000),
        db,
        if addr.is_empty() { "lua" } else { addr }
    )
    .into_bytes();
    for (j, a) in args.iter().enumerate() {
        if red.get(j).copied().unwrap_or(false) {
            out.extend_from_slice(b"\"(redacted)\"");
        } else {
            repr(&mut out, a);
        }
        if j + 1 != args.len() {
            out.push(b' ');
        }
    }
    out.extend_from_slice(b"\r\n");
    out
}

fn feed_monitors(ctx: &mut Ctx, args: &Args) {
    let wall = match &ctx.st.ops.wall_us {
        Some(f) => f(),
        None => ctx.now.saturating_mul(1000),
    };
    let line = monitor_line(wall, ctx.sess.db, &ctx.sess.addr, ctx.cmd.name(), args);
    let ids = ctx.st.ops.monitors.clone();
    for id in ids {
        ctx.st.pubsub.outbox.push((id, line.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::ArgvBuf;

    #[test]
    fn monitor_lines_like_redis() {
        let buf = ArgvBuf::from_parts(["set", "k", "a\"b\n\x01"]);
        let line = monitor_line(
            1_700_000_000_123_456,
            0,
            "127.0.0.1:5555",
            "set",
            &buf.args(),
        );
        assert_eq!(
            String::from_utf8(line).unwrap(),
            "+1700000000.123456 [0 127.0.0.1:5555] \"set\" \"k\" \"a\\\"b\\n\\x01\"\r\n"
        );
        let auth = ArgvBuf::from_parts(["AUTH", "u", "p"]);
        let line = monitor_line(5_000_001, 2, "1.2.3.4:5", "auth", &auth.args());
        assert_eq!(
            String::from_utf8(line).unwrap(),
            "+5.000001 [2 1.2.3.4:5] \"AUTH\" \"(redacted)\" \"(redacted)\"\r\n"
        );
        let hello = ArgvBuf::from_parts(["hello", "3", "auth", "u", "p", "setname", "x"]);
        assert_eq!(
            redacted("hello", &hello.args()),
            vec![false, false, false, true, true, false, false]
        );
    }
}
