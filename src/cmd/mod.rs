//! Commands: the dispatcher, the handler context, and one file per command family.
//!
//! Every command takes one path (see DESIGN.md): `Engine::execute` looks the name up in
//! the declarative [`table`], checks arity (and later auth, ACL, OOM) once, centrally,
//! then calls the family's handler with a [`Ctx`] and the [`Args`]. Handlers are plain
//! functions returning a [`Reply`] or a [`CmdError`]; they never see a socket.

pub mod acl;
pub mod args;
pub mod bitmaps;
pub mod client;
pub mod command;
pub mod config_cmd;
pub mod config_rewrite;
pub mod geo;
pub mod hashes;
pub mod hyperloglog;
pub mod info;
pub mod keys;
pub mod keyspec;
pub mod latency;
pub mod lists;
pub mod memory;
pub mod monitor;
pub mod multi;
pub mod persist_cmds;
pub mod pubsub;
pub mod scripting;
pub mod server;
pub mod sets;
pub mod slowlog;
pub mod sort;
pub mod spec;
pub mod spec_types;
pub mod streams;
pub mod streams_groups;
pub mod streams_read;
pub mod strings;
pub mod table;
pub mod zsets;

pub use args::{Args, ArgvBuf};
pub use table::{Command, Table, table};

use crate::clock::Clock;
use crate::config::Config;
use crate::db::{Db, Entry, KeyStats};
use crate::reply::{CmdError, CmdResult, Reply};
use crate::rng::Rng;
use crate::session::Session;
use crate::types::{StrValue, Value};

/// A command handler.
pub type Handler = fn(&mut Ctx, &Args) -> CmdResult;

/// Server-wide counters reported by INFO.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Hits, misses, expirations.
    pub keys: KeyStats,
    /// Commands executed.
    pub total_commands_processed: u64,
    /// Connections accepted.
    pub total_connections_received: u64,
    /// Connections refused (maxclients).
    pub rejected_connections: u64,
    /// Bytes read from clients (host-maintained).
    pub net_input_bytes: u64,
    /// Bytes written to clients (host-maintained).
    pub net_output_bytes: u64,
    /// Keys evicted by maxmemory.
    pub evicted_keys: u64,
    /// Error replies sent.
    pub total_error_replies: u64,
    /// Highest `used_memory` seen (updated when INFO or MEMORY reads it).
    pub used_memory_peak: usize,
    /// Largest client buffers of the last seconds (INFO `client_recent_max_*`).
    pub client_peaks: ClientPeaks,
}

/// The largest query and output buffers any client held, per second, over the last
/// [`ClientPeaks::SLOTS`] seconds: Redis's `client_recent_max_input_buffer` /
/// `client_recent_max_output_buffer` (it samples clients in `clientsCron` into 8
/// one-second slots). The host reports a client's buffers when they change.
#[derive(Debug, Default, Clone)]
pub struct ClientPeaks {
    /// (unix second, max query buffer, max output buffer) by `second % SLOTS`.
    slots: [(i64, usize, usize); ClientPeaks::SLOTS],
}

impl ClientPeaks {
    /// Seconds remembered.
    pub const SLOTS: usize = 8;

    /// Note a client's query buffer (`qbuf`) and unwritten output (`omem`) at `now_ms`.
    pub fn note(&mut self, now_ms: i64, qbuf: usize, omem: usize) {
        let sec = now_ms.div_euclid(1000);
        let slot = &mut self.slots[sec.rem_euclid(Self::SLOTS as i64) as usize];
        if slot.0 != sec {
            *slot = (sec, 0, 0);
        }
        slot.1 = slot.1.max(qbuf);
        slot.2 = slot.2.max(omem);
    }

    /// (max query buffer, max output buffer) over the last `SLOTS` seconds.
    pub fn recent(&self, now_ms: i64) -> (usize, usize) {
        let sec = now_ms.div_euclid(1000);
        self.slots
            .iter()
            .filter(|s| s.0 > sec - Self::SLOTS as i64 && s.0 <= sec)
            .fold((0, 0), |(i, o), s| (i.max(s.1), o.max(s.2)))
    }
}

/// How SHUTDOWN asked the host to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShutdownMode {
    /// Default: save if save points are configured.
    Default,
    /// SHUTDOWN SAVE.
    Save,
    /// SHUTDOWN NOSAVE.
    NoSave,
}

/// Requests from commands to the host (the server or the JS glue), drained after each
/// batch.
#[derive(Debug, Default)]
pub struct HostEvents {
    /// SHUTDOWN was called.
    pub shutdown: Option<ShutdownMode>,
    /// Client ids to disconnect (CLIENT KILL).
    pub kill: Vec<u64>,
    /// Keys the engine removed by itself, as (db, key, evicted: false = expired),
    /// collected only while a host asked for them (`Some`; the npm package's
    /// `expired`/`evicted` events). `None` costs one branch per removed key.
    pub removed: Option<Vec<(usize, Vec<u8>, bool)>>,
}

impl HostEvents {
    /// Record a key removed by expiry or eviction, if the host collects them.
    #[inline]
    pub fn log_removed(&mut self, db: usize, key: &[u8], evicted: bool) {
        if let Some(log) = self.removed.as_mut() {
            log.push((db, key.to_vec(), evicted));
        }
    }
}

/// The engine's shared state (everything but the client table).
pub struct State {
    /// The databases.
    pub dbs: Vec<Db>,
    /// Configuration.
    pub config: Config,
    /// Counters.
    pub stats: Stats,
    /// Random numbers (seeded).
    pub rng: Rng,
    /// The injected clock.
    pub clock: Box<dyn Clock>,
    /// Changes since the last save (Redis's `server.dirty`).
    pub dirty: u64,
    /// When the engine was created (Unix ms).
    pub start_ms: i64,
    /// 40-hex-char run id.
    pub run_id: String,
    /// Requests for the host.
    pub events: HostEvents,
    /// Host facts shown by INFO server (tcp_port, executable, config_file, ...).
    pub host_info: Vec<(String, String)>,
    /// Propagated writes as (db, argv), collected only when enabled (AOF, snapshot log,
    /// replicas).
    pub propagation: Option<Vec<(usize, Vec<Vec<u8>>)>>,
    /// (db, key) → ids of clients watching it.
    pub watched_keys: hashbrown::HashMap<(usize, Vec<u8>), Vec<u64>>,
    /// Clients whose watched keys were modified (their EXEC will fail), as keys (the
    /// values are unused: a map of the engine's client-index type, so the wasm carries
    /// one hash table instantiation for both).
    pub dirty_cas: hashbrown::HashMap<u64, u32>,
    /// The eviction pool (kept between commands, as Redis's).
    pub evict_pool: crate::db::evict::Pool,
    /// Registered scripting hooks.
    pub scripts: crate::script::Registry,
    /// Subscriptions and undelivered messages.
    pub pubsub: crate::pubsub::PubSub,
    /// Clients parked by blocking commands.
    pub blocked: crate::blocking::BlockedClients,
    /// Keys that received data while clients wait on them: (db, key), in order.
    pub ready_keys: std::collections::VecDeque<(usize, Vec<u8>)>,
    /// Set by a handler that must wait (see `Ctx::block`).
    pub(crate) block_request: Option<crate::blocking::BlockRequest>,
    /// Set by a handler that replaced its own propagation (`Ctx::propagate`).
    pub(crate) prop_overridden: bool,
    /// Saving: the background snapshot, LASTSAVE, statuses, the host that writes files.
    pub persist: crate::persist::PersistState,
    /// ACL users and log.
    pub acl: crate::acl::Acl,
    /// Statistics, slow log, latency, MONITOR, CLIENT PAUSE/REPLY/TRACKING, renames.
    pub ops: crate::ops::Ops,
}

impl State {
    /// The engine removed `key` from `db` by itself (expiry, or eviction when `evicted`):
    /// tell the host if it listens, propagate a DEL (AOF) and break WATCHes. The
    /// keyspace event is the caller's (it needs a command context).
    pub fn key_removed(&mut self, db: usize, key: &[u8], evicted: bool) {
        self.events.log_removed(db, key, evicted);
        if let Some(p) = self.propagation.as_mut() {
            p.push((db, vec![b"DEL".to_vec(), key.to_vec()]));
        }
        self.touch_watched(db, key);
    }

    /// Mark the watchers of `key` in `db` (their EXEC will fail).
    #[inline]
    pub fn touch_watched(&mut self, db: usize, key: &[u8]) {
        // [tracking hook] client-side caching invalidation.
        if self.ops.tracking.active() {
            self.ops.tracking.invalidate(key);
        }
        if self.watched_keys.is_empty() {
            return;
        }
        if let Some(ids) = self.watched_keys.get(&(db, key.to_vec())) {
            self.dirty_cas.extend(ids.iter().map(|&id| (id, 0)));
        }
    }

    /// Approximate memory used by the data (bytes), for INFO and MEMORY.
    pub fn used_memory(&self) -> usize {
        // A fixed baseline for the engine's own structures, plus the keyspaces.
        BASELINE_MEMORY + self.dbs.iter().map(|d| d.ks.mem()).sum::<usize>()
    }
}

/// Bytes counted for the engine itself before any key is stored.
pub const BASELINE_MEMORY: usize = 1024 * 1024;

/// What a handler works with: the engine state, its client's session, the other
/// clients (read-only), and the command's time snapshot.
pub struct Ctx<'a> {
    /// Engine state.
    pub st: &'a mut State,
    /// The calling client.
    pub sess: &'a mut Session,
    /// All other clients.
    pub clients: &'a crate::engine::Clients,
    /// Unix ms, fixed for the duration of the command (as Redis's command time snapshot).
    pub now: i64,
    /// The command being run.
    pub cmd: &'static Command,
}

impl<'a> Ctx<'a> {
    /// The selected database.
    #[inline]
    pub fn db(&mut self) -> &mut Db {
        let i = self.sess.db;
        let t = self.st.config.tracking;
        let db = &mut self.st.dbs[i];
        db.ks
            .set_new_lru(crate::db::lru::new_lru(self.now, t), t.lfu);
        db
    }

    /// `lookupKeyRead`: the live entry, counting hits/misses and recording the access
    /// (LRU clock / LFU counter).
    #[inline]
    pub fn lookup_read(&mut self, key: &[u8]) -> Option<&mut Entry> {
        let now = self.now;
        let i = self.sess.db;
        let st = &mut *self.st;
        let e = st.dbs[i].lookup_read(key, now, &mut st.stats.keys)?;
        crate::db::lru::touch(e, now, st.config.tracking, &mut st.rng);
        Some(e)
    }

    /// `lookupKeyWrite`: the live entry, for modification (records the access).
    #[inline]
    pub fn lookup_write(&mut self, key: &[u8]) -> Option<&mut Entry> {
        let now = self.now;
        let i = self.sess.db;
        let st = &mut *self.st;
        let e = st.dbs[i].lookup_write(key, now, &mut st.stats.keys)?;
        crate::db::lru::touch(e, now, st.config.tracking, &mut st.rng);
        Some(e)
    }

    /// Whether `key` exists (lazy expiry applied).
    pub fn exists(&mut self, key: &[u8]) -> bool {
        let now = self.now;
        let i = self.sess.db;
        self.st.dbs[i].exists(key, now, &mut self.st.stats.keys)
    }

    /// Delete `key` from the selected db; true if it existed.
    pub fn delete(&mut self, key: &[u8]) -> bool {
        let now = self.now;
        let i = self.sess.db;
        self.st.dbs[i].delete(key, now, &mut self.st.stats.keys)
    }

    /// The string at `key` for reading: `Ok(None)` if absent, WRONGTYPE if not a string.
    pub fn read_str(&mut self, key: &[u8]) -> Result<Option<&mut StrValue>, CmdError> {
        match self.lookup_read(key) {
            None => Ok(None),
            Some(e) => match &mut e.value {
                Value::Str(s) => Ok(Some(s)),
                #[allow(unreachable_patterns)]
                _ => Err(CmdError::WrongType),
            },
        }
    }

    /// Record `n` changes (for save points and `rdb_changes_since_last_save`).
    #[inline]
    pub fn dirty(&mut self, n: u64) {
        self.st.dirty += n;
    }

    /// Signal that `key` in the selected db was modified (WATCH, client tracking).
    #[inline]
    pub fn signal_modified(&mut self, key: &[u8]) {
        let db = self.sess.db;
        self.st.touch_watched(db, key);
    }

    /// Before a database is emptied or swapped: break the WATCH of every client watching
    /// a key that exists in `db` (Redis's touchAllWatchedKeysInDb).
    pub fn signal_db_changed(&mut self, db: usize) {
        // [tracking hook] a flush invalidates every tracking client's cache.
        if self.st.ops.tracking.active() {
            self.st.ops.tracking.invalidate_all();
        }
        self.signal_db_swapped(db, db);
    }

    /// Before databases `a` and `b` are swapped: break the WATCH of clients watching, in
    /// either, a key that exists in either.
    pub fn signal_db_swapped(&mut self, a: usize, b: usize) {
        if self.st.watched_keys.is_empty() {
            return;
        }
        let exists = |d: usize, k: &[u8]| self.st.dbs.get(d).is_some_and(|x| x.ks.get(k).is_some());
        let hit: Vec<u64> = self
            .st
            .watched_keys
            .iter()
            .filter(|((d, k), _)| (*d == a || *d == b) && (exists(a, k) || exists(b, k)))
            .flat_map(|(_, ids)| ids.iter().copied())
            .collect();
        self.st.dirty_cas.extend(hit.into_iter().map(|id| (id, 0)));
    }

    /// Emit a keyspace notification of `class` (e.g. `'$'`, `'g'`) for `event` on `key`
    /// in the selected db, as `notify-keyspace-events` asks.
    #[inline]
    pub fn notify(&mut self, class: char, event: &str, key: &[u8]) {
        let flags = self.st.config.notify_flags;
        if flags == 0 || flags & crate::pubsub::notify::class_flag(class) == 0 {
            return;
        }
        self.notify_db(self.sess.db, flags, event, key);
    }

    fn notify_db(&mut self, db: usize, flags: u32, event: &str, key: &[u8]) {
        use crate::pubsub::notify::{KEYEVENT, KEYSPACE};
        if flags & KEYSPACE != 0 {
            let mut ch = format!("__keyspace@{db}__:").into_bytes();
            ch.extend_from_slice(key);
            self.publish(&ch, event.as_bytes());
        }
        if flags & KEYEVENT != 0 {
            let ch = format!("__keyevent@{db}__:{event}").into_bytes();
            self.publish(&ch, key);
        }
    }

    /// Deliver `msg` to the subscribers of `channel` (and of matching patterns); returns
    /// the number of receivers.
    pub fn publish(&mut self, channel: &[u8], msg: &[u8]) -> i64 {
        let mut n = 0;
        let me = self.sess.id;
        let targets: Vec<u64> = self
            .st
            .pubsub
            .channels
            .get(channel)
            .cloned()
            .unwrap_or_default();
        for id in targets {
            let reply = crate::pubsub::message("message", channel, msg);
            self.push_to(id, me, &reply);
            n += 1;
        }
        if !self.st.pubsub.patterns.is_empty() {
            let pats: Vec<(Vec<u8>, u64)> = self
                .st
                .pubsub
                .patterns
                .iter()
                .filter(|(p, _)| crate::glob::glob_match(p, channel, false))
                .cloned()
                .collect();
            for (p, id) in pats {
                let reply = crate::pubsub::pmessage(&p, channel, msg);
                self.push_to(id, me, &reply);
                n += 1;
            }
        }
        n
    }

    /// Queue `reply` for client `id` in its protocol.
    pub fn push_to(&mut self, id: u64, me: u64, reply: &Reply) {
        let resp3 = if id == me {
            self.sess.resp3()
        } else {
            match self.clients.get(id) {
                Some(s) => s.resp3(),
                None => return,
            }
        };
        let mut bytes = Vec::new();
        crate::resp::encode(reply, resp3, &mut bytes);
        self.st.pubsub.outbox.push((id, bytes));
    }

    /// Replace this command's propagation with `cmds` (e.g. EXPIRE → PEXPIREAT). Without
    /// a call, a command that changed `dirty` is propagated verbatim.
    pub fn propagate(&mut self, cmds: Vec<Vec<Vec<u8>>>) {
        self.st.prop_overridden = true;
        if let Some(p) = &mut self.st.propagation {
            let db = self.sess.db;
            p.extend(cmds.into_iter().map(|c| (db, c)));
        }
    }

    /// Whether this client may block now (a network client outside MULTI/EXEC and
    /// scripts). When false, blocking commands behave as if their timeout expired.
    pub fn can_block(&self) -> bool {
        self.sess.can_block
    }

    /// Park the client until one of `keys` is signalled ready (then the command is run
    /// again) or `deadline` (Unix ms, `i64::MAX` = forever) passes (then `timeout_reply`
    /// is sent). The handler's own return value is discarded. Only call when
    /// [`Ctx::can_block`] is true.
    pub fn block(&mut self, keys: Vec<Vec<u8>>, deadline: i64, timeout_reply: Reply) {
        self.st.block_request = Some(crate::blocking::BlockRequest {
            keys,
            deadline,
            timeout_reply,
            rewritten_argv: None,
        });
    }

    /// As [`Ctx::block`], re-running `argv` instead of the original arguments when woken
    /// (XREAD BLOCK with `$` resolves it to the current last id, as Redis rewrites argv).
    pub fn block_with_argv(
        &mut self,
        keys: Vec<Vec<u8>>,
        deadline: i64,
        timeout_reply: Reply,
        argv: Vec<Vec<u8>>,
    ) {
        self.st.block_request = Some(crate::blocking::BlockRequest {
            keys,
            deadline,
            timeout_reply,
            rewritten_argv: Some(argv),
        });
    }

    /// Signal that `key` in the selected db received data (LPUSH, ZADD, XADD, ...), so
    /// clients blocked on it are served after this command.
    #[inline]
    pub fn signal_ready(&mut self, key: &[u8]) {
        let db = self.sess.db;
        if self.st.blocked.is_waited(db, key)
            && !self.st.ready_keys.iter().any(|(d, k)| *d == db && k == key)
        {
            self.st.ready_keys.push_back((db, key.to_vec()));
        }
    }

    /// Notify and propagate keys that lazy expiry just deleted in the selected db
    /// (Redis propagates a DEL and emits `expired`).
    pub fn flush_expired(&mut self) {
        let keys = std::mem::take(&mut self.st.stats.keys.pending_expired);
        let db = self.sess.db;
        for key in keys {
            self.st.key_removed(db, &key, false);
            self.notify('x', "expired", &key);
        }
    }

    /// A random number.
    pub fn rand(&mut self) -> u64 {
        self.st.rng.next_u64()
    }
}

/// Parse an integer argument like Redis's `getLongLongFromObjectOrReply`.
pub fn parse_i64(arg: &[u8]) -> Result<i64, CmdError> {
    crate::types::string::parse_i64(arg).ok_or(CmdError::NotInteger)
}

/// Parse a float argument like Redis's `getLongDoubleFromObject` / `getDoubleFromObject`:
/// no leading space, no trailing garbage, NaN refused; `inf`/`-inf` accepted.
pub fn parse_f64(arg: &[u8]) -> Result<f64, CmdError> {
    parse_f64_opt(arg).ok_or(CmdError::NotFloat)
}

/// As [`parse_f64`], returning `None` on failure.
pub fn parse_f64_opt(arg: &[u8]) -> Option<f64> {
    if arg.is_empty() || arg.len() > 5000 || arg[0].is_ascii_whitespace() {
        return None;
    }
    let s = std::str::from_utf8(arg).ok()?;
    let lower = s.to_ascii_lowercase();
    let v = match lower.as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => f64::INFINITY,
        "-inf" | "-infinity" => f64::NEG_INFINITY,
        _ => {
            // strtod accepts hex floats too, which Rust's parser does not; Redis users
            // practically never send them.
            if lower.contains("inf") || lower.contains("nan") {
                return None;
            }
            crate::float_parse::parse_f64(s)?
        }
    };
    if v.is_nan() { None } else { Some(v) }
}

/// A bulk reply of a string value.
pub fn str_reply(s: &StrValue) -> Reply {
    Reply::Bulk(s.to_vec())
}
