//! wasm-bindgen marshalling for the npm package (`pkg/`). Marshalling only: every
//! command goes through [`Engine::execute_reply`], the same dispatcher the server uses.
//!
//! # The calling convention
//!
//! Crossing the JS/wasm boundary with one JS value per argument and per reply element is
//! what would make a `db.get()` slow, so the JS wrapper (`pkg/src/core.js`) and this
//! module share three regions of wasm linear memory instead:
//!
//! - the **argument area**: JS writes the arguments' bytes back to back (strings encoded
//!   as UTF-8 in place) and their lengths into the **length area**;
//!   [`WasmEngine::get`] and [`WasmEngine::set`], db.get's and db.set's path, take the
//!   key (and value) at [`NAME_ROOM`], back to back, and their lengths as arguments:
//!   no lengths written, no command name to match;
//! - [`WasmEngine::exec`] runs the command and returns a **reply code**. The most common
//!   replies need no encoding: `code >= 0` is a bulk string of `code` bytes in the
//!   **output area** (plus [`R_ASCII`] when it is at most [`ASCII_MAX`] bytes, all
//!   ASCII: JS then builds the string without checking the bytes), [`R_NIL`] a null, [`R_OK`] `+OK`, [`R_INT`] an integer (in the meta
//!   block). Anything else is [`R_RESP`]: the reply **RESP3-encoded** (the sessions speak
//!   RESP3 unless the caller sends `HELLO 2`) in the output area, after any Pub/Sub push
//!   frames the command sent to its own session; JS decodes it straight out of memory.
//! - a small **meta block** of `u32`s tells JS where the areas are now (they move when
//!   they grow):
//!
//! | index | meaning                                   |
//! |-------|-------------------------------------------|
//! | 0, 1  | argument area pointer, capacity (bytes)   |
//! | 2, 3  | length area pointer, capacity (entries)   |
//! | 4, 5  | output pointer, length                    |
//! | 6     | Pub/Sub messages waiting (see [`WasmEngine::drain_messages`]) |
//! | 7, 8  | the integer of an [`R_INT`] reply: low, high 32 bits (two's complement) |
//! | 9     | keys removed by expiry/eviction waiting (see [`WasmEngine::drain_removed`]) |
//!
//! Time: JS passes the current time with every call (`Date.now()`, or the clock the host
//! injected for tests), so a command costs no call back into JS for the clock. Only the
//! active expiry cycle, which measures its own time budget, reads `Date.now()` live.
//!
//! Blocking commands (BLPOP, BZPOPMIN, ...) never block here: embedded sessions have
//! `can_block = false`, so they answer their timeout reply at once when no data is ready.

use std::cell::{Cell, RefCell};
use std::ops::Range;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use wasm_bindgen::prelude::*;

use crate::clock::Clock;
use crate::cmd::Args;
use crate::engine::{Exec, Fast};
use crate::persist::rdb::{self, RDB_VERSION_MAX};
use crate::persist::snapshot::{self, LoadOpts, SaveOpts};
use crate::reply::{CmdError, Reply};
use crate::script::ScriptCtx;
use crate::{ClientHandle, Config, Engine};

mod hooks;

use hooks::run_js_hook;
pub use hooks::{hook_call, hook_io_meta, hook_io_reserve};

const META_LEN: usize = 10;

/// [`WasmEngine::exec`] reply code: a null.
pub const R_NIL: i32 = -1;
/// Added to the length of a bulk string of at most [`ASCII_MAX`] ASCII bytes.
pub const R_ASCII: i32 = 1 << 30;
/// The longest bulk string [`R_ASCII`] marks (the JS side's one-call decoder).
pub const ASCII_MAX: usize = 16;
/// Reply code: `+OK`.
pub const R_OK: i32 = -2;
/// Reply code: an integer, in meta[7] (low 32 bits) and meta[8] (high 32 bits).
pub const R_INT: i32 = -3;
/// Reply code: RESP in the output area (`meta[5]` bytes).
pub const R_RESP: i32 = -4;
const INITIAL_ARGS: usize = 64 * 1024;
/// Where [`WasmEngine::get`]/[`WasmEngine::set`] find the key in the argument area:
/// room for `GET`/`SET` in front, written there when the general path runs the call.
pub const NAME_ROOM: usize = 3;
const INITIAL_LENS: usize = 256;

thread_local! {
    /// The message of the last Rust panic, for the JS side to rethrow.
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let msg = info.to_string();
            LAST_PANIC.with(|p| *p.borrow_mut() = msg);
        }));
    });
}

/// The message of the last Rust panic ("" if none). With `panic = "abort"` a panic
/// traps (`RuntimeError: unreachable`); the JS wrapper catches that and rethrows it with
/// this message.
#[wasm_bindgen(js_name = lastPanic)]
pub fn last_panic() -> String {
    LAST_PANIC.with(|p| p.borrow().clone())
}

/// Check that `bytes` look like a restorable snapshot (an RDB file): magic, version,
/// checksum. Returns `[rdb version, creation time in Unix ms (0 if unknown)]`; the error
/// says what is wrong.
#[wasm_bindgen(js_name = snapshotInfo)]
pub fn snapshot_info(bytes: &[u8]) -> Result<Box<[f64]>, JsError> {
    let (version, ctime) = check_snapshot(bytes).map_err(|e| JsError::new(&e))?;
    Ok(Box::new([f64::from(version), ctime as f64]))
}

fn check_snapshot(bytes: &[u8]) -> Result<(u16, i64), String> {
    if bytes.len() < 9 || !bytes.starts_with(b"REDIS") {
        return Err("not a snapshot (bad magic: an RDB file starts with \"REDIS\")".into());
    }
    let version = snapshot::header_version(bytes)
        .ok_or_else(|| "not a snapshot (bad magic: no RDB version after \"REDIS\")".to_string())?;
    if version == 0 || version > RDB_VERSION_MAX {
        return Err(format!(
            "incompatible snapshot version {version} (this build reads RDB versions 1 to {RDB_VERSION_MAX})"
        ));
    }
    if version >= 5 {
        // The last 8 bytes are the CRC64 of everything before (0 = not computed).
        let Some(body_len) = bytes.len().checked_sub(8).filter(|&n| n > 9) else {
            return Err("snapshot is truncated".into());
        };
        let (body, tail) = bytes.split_at(body_len);
        let expected = u64::from_le_bytes(tail.try_into().map_err(|_| "snapshot is truncated")?);
        if body.last() != Some(&rdb::op::EOF) {
            return Err("snapshot is truncated (no end marker before the checksum)".into());
        }
        if expected != 0 && crate::persist::crc64::crc64(0, body) != expected {
            return Err("snapshot is corrupt (checksum mismatch)".into());
        }
    }
    // The creation time, from the `ctime` aux field at the start.
    let mut r = rdb::Reader::new(bytes);
    let mut ctime = 0i64;
    if r.take(9).is_ok() {
        while let Ok(rdb::op::AUX) = r.u8() {
            let (Ok(k), Ok(v)) = (r.string(), r.string()) else {
                break;
            };
            if k == b"ctime" {
                ctime = std::str::from_utf8(&v)
                    .ok()
                    .and_then(|s| s.parse::<i64>().ok())
                    .map_or(0, |s| s.saturating_mul(1000));
            }
        }
    }
    Ok((version, ctime))
}

/// Panics on purpose: lets the tests check that a panic surfaces as a JS exception.
#[wasm_bindgen(js_name = __panicForTest)]
pub fn panic_for_test(msg: &str) {
    install_panic_hook();
    // Deliberate: this function exists to exercise the panic path.
    #[allow(clippy::panic)]
    {
        panic!("{msg}");
    }
}

/// One engine instance with its sessions, driven by the JS wrapper.
#[wasm_bindgen]
pub struct WasmEngine {
    engine: Engine,
    sessions: Vec<Option<ClientHandle>>,
    args: Vec<u8>,
    lens: Vec<u32>,
    ranges: Vec<Range<usize>>,
    out: Vec<u8>,
    meta: Box<[u32; META_LEN]>,
    clock: HostClock,
    manual: bool,
    /// `get`/`set` are given the JS side's coarse clock (see [`Self::set_coarse_clock`]).
    coarse: bool,
}

/// The engine's clock: the time JS passed with the current call, or `Date.now()` while
/// `live` (during an active expiry cycle of an engine on the real clock). While `behind`
/// (a `get`/`set` given the JS side's coarse clock), [`Clock::precise_ms`] reads
/// `Date.now()` once and catches up.
#[derive(Clone, Default)]
struct HostClock {
    now: Arc<AtomicI64>,
    live: Arc<AtomicBool>,
    behind: Arc<AtomicBool>,
}

impl HostClock {
    fn set(&self, ms: f64) {
        self.now.store(ms as i64, Ordering::Relaxed);
        self.behind.store(false, Ordering::Relaxed);
    }

    /// Set a time that may be behind the real one.
    fn set_coarse(&self, ms: f64) {
        self.now.store(ms as i64, Ordering::Relaxed);
        self.behind.store(true, Ordering::Relaxed);
    }
}

impl Clock for HostClock {
    fn now_ms(&self) -> i64 {
        if self.live.load(Ordering::Relaxed) {
            js_sys::Date::now() as i64
        } else {
            self.now.load(Ordering::Relaxed)
        }
    }

    fn precise_ms(&self) -> i64 {
        if self.behind.load(Ordering::Relaxed) {
            self.set(js_sys::Date::now());
        }
        self.now_ms()
    }
}

#[wasm_bindgen]
impl WasmEngine {
    /// A new engine. `config` is `name\0value\0name\0value...` (CONFIG SET names, applied
    /// before the databases are created); `now` is the current time in ms. With
    /// `manual_clock` the time only ever comes from the JS side (an injected test clock),
    /// even during active expiry.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &str, manual_clock: bool, now: f64) -> Result<WasmEngine, JsError> {
        install_panic_hook();
        let mut cfg = Config::default();
        let mut parts = config.split('\0').filter(|s| !s.is_empty());
        while let Some(name) = parts.next() {
            let value = parts.next().unwrap_or("");
            if let Err(e) = cfg.set(name, value, false) {
                let why = match e {
                    crate::config::ConfigError::Unknown => "unknown option".to_string(),
                    crate::config::ConfigError::Immutable => "can't be set".to_string(),
                    crate::config::ConfigError::Invalid(s) => s,
                };
                return Err(JsError::new(&format!(
                    "invalid option '{name}' = '{value}': {why}"
                )));
            }
        }
        let clock = HostClock::default();
        clock.set(now);
        let engine = Engine::new(cfg, Box::new(clock.clone()));
        let mut w = WasmEngine {
            engine,
            sessions: Vec::new(),
            args: vec![0; INITIAL_ARGS],
            lens: vec![0; INITIAL_LENS],
            ranges: Vec::with_capacity(INITIAL_LENS),
            out: Vec::with_capacity(4096),
            meta: Box::new([0; META_LEN]),
            clock,
            manual: manual_clock,
            coarse: false,
        };
        w.update_meta();
        Ok(w)
    }

    /// From now on, the time given to [`Self::get`]/[`Self::set`] may be behind the
    /// real one (the JS side refreshes it every few hundred calls and on each active
    /// expiry tick, as Redis refreshes its LRU clock in its cron): it stamps LRU/LFU
    /// data and idle times, while expiry decisions read `Date.now()` (only for keys with
    /// a TTL), and a call the fast path declines runs on the real time. Ignored with a
    /// manual clock.
    pub fn set_coarse_clock(&mut self, on: bool) {
        self.coarse = on && !self.manual;
    }

    /// Address of the meta block (see the module docs). It never moves.
    pub fn meta_ptr(&self) -> *const u32 {
        self.meta.as_ptr()
    }

    /// Open a session (a client of the engine, speaking RESP3); returns its index.
    pub fn connect(&mut self) -> u32 {
        let h = self.engine.connect();
        if let Some(s) = self.engine.session_mut(h) {
            s.resp = 3;
            s.lib_name = b"cinnabar-js".to_vec();
        }
        let idx = match self.sessions.iter().position(|s| s.is_none()) {
            Some(i) => {
                self.sessions[i] = Some(h);
                i
            }
            None => {
                self.sessions.push(Some(h));
                self.sessions.len() - 1
            }
        };
        idx as u32
    }

    /// Close session `idx` (its subscriptions and WATCHes go with it).
    pub fn disconnect(&mut self, idx: u32) {
        if let Some(slot) = self.sessions.get_mut(idx as usize) {
            if let Some(h) = slot.take() {
                self.engine.disconnect(h);
            }
        }
    }

    /// Make room for `bytes` argument bytes and `nargs` arguments; updates the meta
    /// block.
    pub fn reserve(&mut self, bytes: usize, nargs: usize) {
        grow_areas(&mut self.args, &mut self.lens, bytes, nargs);
        self.update_meta();
    }

    /// Run the command whose `nargs` arguments are in the argument area on session
    /// `idx` at time `now` (ms). Returns the reply code (see the module docs).
    pub fn exec(&mut self, idx: u32, nargs: u32, now: f64) -> i32 {
        self.clock.set(now);
        let ok = self.build_ranges(nargs as usize);
        self.run(idx, ok)
    }

    /// `GET key` on session `idx` at time `now`, the key's `klen` bytes written at
    /// [`NAME_ROOM`] in the argument area (no lengths, no command name: db.get's path).
    pub fn get(&mut self, idx: u32, klen: u32, now: f64) -> i32 {
        self.get_or_set(idx, klen as usize, None, now)
    }

    /// `SET key value` on session `idx` at time `now`, as [`Self::get`]: the key's
    /// `klen` bytes at [`NAME_ROOM`], the value's `vlen` bytes right after.
    pub fn set(&mut self, idx: u32, klen: u32, vlen: u32, now: f64) -> i32 {
        self.get_or_set(idx, klen as usize, Some(vlen as usize), now)
    }
    /// Run one active expiry cycle of at most `budget_ms` at time `now`; returns the
    /// keys deleted.
    pub fn active_expire(&mut self, budget_ms: u32, now: f64) -> u32 {
        self.clock.set(now);
        if !self.manual {
            self.clock.live.store(true, Ordering::Relaxed);
        }
        let n = self.engine.active_expire(i64::from(budget_ms));
        self.evict_in_background(i64::from(budget_ms));
        self.clock.live.store(false, Ordering::Relaxed);
        self.update_meta();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// Background eviction, as the native server's task (Redis's `evictionTimeProc`):
    /// while `used_memory` is over `maxmemory` (a lowered `CONFIG SET maxmemory`), evict
    /// bounded slices for up to `budget_ms`, so that the database drains on the host's
    /// expiry timer without waiting for commands. Not during CLIENT PAUSE.
    fn evict_in_background(&mut self, budget_ms: i64) {
        use crate::db::evict::Outcome;
        let st = self.engine.state();
        if st.config.maxmemory == 0 || st.ops.pause.is_some() {
            return;
        }
        let start = self.engine.now();
        loop {
            let now = self.engine.now();
            if self.engine.evict_if_needed(now) != Outcome::Running || now - start >= budget_ms {
                break;
            }
        }
    }

    /// Move the waiting Pub/Sub messages into the output area as records of
    /// `u32 session index (LE), u32 length (LE), RESP3 bytes`; returns the output length.
    /// Messages for sessions that are gone are dropped.
    pub fn drain_messages(&mut self) -> u32 {
        self.out.clear();
        for (id, bytes) in self.engine.take_messages() {
            let Some(idx) = self
                .sessions
                .iter()
                .position(|s| s.is_some_and(|h| h.id == id))
            else {
                continue;
            };
            let Ok(len) = u32::try_from(bytes.len()) else {
                continue;
            };
            self.out.extend_from_slice(&(idx as u32).to_le_bytes());
            self.out.extend_from_slice(&len.to_le_bytes());
            self.out.extend_from_slice(&bytes);
        }
        self.update_meta();
        self.out.len() as u32
    }

    /// Register a scripting hook run by `FCALL name ...` (and by EVAL/EVALSHA of the
    /// scripts registered for it). `trampoline` is the JS side of the hook (see
    /// [hooks](#hooks)): it reads the keys and arguments from the hook I/O area, runs
    /// the user's function, writes its return value there in the value format and
    /// returns the number of bytes written.
    pub fn register_hook(&mut self, name: &str, read_only: bool, trampoline: js_sys::Function) {
        let f = move |ctx: &mut ScriptCtx, keys: &[Vec<u8>], args: &[Vec<u8>]| {
            run_js_hook(&trampoline, ctx, keys, args)
        };
        self.engine.register_function(name, read_only, Rc::new(f));
    }

    /// Make `EVAL <body>` / `EVALSHA <sha1>` run the hook `name`; returns the SHA1.
    pub fn register_script(&mut self, body: &[u8], name: &str) -> String {
        self.engine.register_script(body, name)
    }

    /// The whole dataset as an RDB file, byte for byte what SAVE writes to `dump.rdb`
    /// (RDB version 10, as Redis 7.0; CRC64 unless `rdbchecksum no`). TTLs are absolute
    /// deadlines. `now` is the current time (ms).
    pub fn snapshot(&mut self, now: f64) -> Result<Vec<u8>, JsError> {
        self.clock.set(now);
        let now = self.engine.now();
        let st = self.engine.state();
        let opts = SaveOpts::from_state(st, now, false);
        snapshot::save_all(&st.dbs, &opts).map_err(|e| JsError::new(&e.0))
    }

    /// Replace the whole dataset with the RDB file `bytes` (from [`Self::snapshot`], or a
    /// `dump.rdb` of Redis or cinnabar-server), dropping keys already expired at `now`.
    /// All or nothing: on error the data stay as they were. Clients WATCHing any key
    /// see their transaction fail, as after FLUSHALL. Returns the keys loaded.
    pub fn restore(&mut self, bytes: &[u8], now: f64) -> Result<f64, JsError> {
        self.clock.set(now);
        check_snapshot(bytes).map_err(|e| JsError::new(&e))?;
        let o = LoadOpts {
            drop_expired: true,
            verify_checksum: true,
            now_ms: self.engine.now(),
        };
        let st = self.engine.state_mut();
        let dbs = st.dbs.len();
        let stats = snapshot::load_into_state(st, bytes, &o).map_err(|e| {
            JsError::new(&if e.0.starts_with("FATAL: Data file was created") {
                format!("the snapshot has more databases than the {dbs} configured (open with a larger 'databases')")
            } else {
                format!("snapshot is corrupt ({e})")
            })
        })?;
        let watchers: Vec<u64> = st.watched_keys.values().flatten().copied().collect();
        st.dirty_cas.extend(watchers.into_iter().map(|id| (id, 0)));
        self.update_meta();
        Ok(stats.keys_loaded as f64)
    }

    /// Bytes the keyspace uses by the engine's own accounting (INFO's `used_memory`).
    pub fn used_memory(&self) -> f64 {
        self.engine.state().used_memory() as f64
    }

    /// Start (`on`) or stop collecting the keys the engine removes by itself (expiry,
    /// eviction), for the JS `expired`/`evicted` events. Off by default: then nothing is
    /// collected.
    pub fn set_removed_log(&mut self, on: bool) {
        let ev = &mut self.engine.state_mut().events;
        if !on {
            ev.removed = None;
        } else if ev.removed.is_none() {
            ev.removed = Some(Vec::new());
        }
        self.update_meta();
    }

    /// Move the collected removed keys into the output area as records of `u8 kind
    /// (1 = evicted, 0 = expired), u32 db (LE), u32 key length (LE), key bytes`; returns
    /// the output length.
    pub fn drain_removed(&mut self) -> u32 {
        self.out.clear();
        if let Some(log) = self.engine.state_mut().events.removed.as_mut() {
            for (db, key, evicted) in log.drain(..) {
                let (Ok(db), Ok(len)) = (u32::try_from(db), u32::try_from(key.len())) else {
                    continue;
                };
                self.out.push(u8::from(evicted));
                self.out.extend_from_slice(&db.to_le_bytes());
                self.out.extend_from_slice(&len.to_le_bytes());
                self.out.extend_from_slice(&key);
            }
        }
        self.update_meta();
        self.out.len() as u32
    }

    /// Number of keys in database `db`.
    pub fn dbsize(&self, db: u32) -> f64 {
        self.engine
            .state()
            .dbs
            .get(db as usize)
            .map_or(0.0, |d| d.ks.len() as f64)
    }

    /// Changes since the engine started (the `save <seconds> <changes>` rule's counter;
    /// the JS side keeps its own baseline).
    pub fn dirty(&self) -> f64 {
        self.engine.state().dirty as f64
    }
}

impl WasmEngine {
    /// The code of `reply` (see the module docs), with its bytes in the output area.
    /// Run the command whose argument ranges are in `self.ranges` (`ok`: they fit the
    /// argument area) on session `idx`.
    fn run(&mut self, idx: u32, ok: bool) -> i32 {
        self.out.clear();
        let handle = self.sessions.get(idx as usize).copied().flatten();
        let code = match (handle, ok) {
            (None, _) => {
                self.out.extend_from_slice(b"-ERR session closed\r\n");
                R_RESP
            }
            (Some(_), false) => {
                self.out.extend_from_slice(b"-ERR bad argument area\r\n");
                R_RESP
            }
            (Some(h), true) => {
                let args = Args::new(&self.args, &self.ranges);
                // GET/SET without options: the engine's fast path, when it applies.
                if let Some(fast) = self.engine.execute_fast(h, &args, &mut self.out) {
                    let code = self.fast_code(fast);
                    self.update_meta();
                    return code;
                }
                match self.engine.execute_reply(h, &args, &mut self.out) {
                    // Cannot happen (embedded sessions never block); answer rather than hang.
                    (Exec::Blocked, _) => {
                        self.out
                            .extend_from_slice(b"-ERR blocking is not supported here\r\n");
                        R_RESP
                    }
                    // CLIENT REPLY OFF/SKIP: no reply (but maybe push frames).
                    (_, None) => R_RESP,
                    (_, Some((reply, resp3))) => self.reply_code(reply, resp3),
                }
            }
        };
        self.update_meta();
        code
    }

    /// [`Self::get`] (no `vlen`) and [`Self::set`]: the engine's fast path when it
    /// applies, else the command name is written in front of the key and the general
    /// path runs.
    fn get_or_set(&mut self, idx: u32, klen: usize, vlen: Option<usize>, now: f64) -> i32 {
        if self.coarse {
            self.clock.set_coarse(now);
        } else {
            self.clock.set(now);
        }
        let key_end = NAME_ROOM.saturating_add(klen);
        let end = key_end.saturating_add(vlen.unwrap_or(0));
        if end > self.args.len() {
            self.ranges.clear();
            return self.run(idx, false);
        }
        if let Some(h) = self.sessions.get(idx as usize).copied().flatten() {
            self.out.clear();
            let key = &self.args[NAME_ROOM..key_end];
            let fast = match vlen {
                None => self.engine.fast_get(h, key, &mut self.out),
                Some(_) => self.engine.fast_set(h, key, &self.args[key_end..end]),
            };
            if let Some(fast) = fast {
                let code = self.fast_code(fast);
                self.update_meta();
                return code;
            }
        }
        // The general path runs on the real time.
        self.clock.precise_ms();
        let name: &[u8; NAME_ROOM] = if vlen.is_some() { b"SET" } else { b"GET" };
        self.args[..NAME_ROOM].copy_from_slice(name);
        self.ranges.clear();
        self.ranges.push(0..NAME_ROOM);
        self.ranges.push(NAME_ROOM..key_end);
        if vlen.is_some() {
            self.ranges.push(key_end..end);
        }
        self.run(idx, true)
    }

    /// The reply code of a fast-path reply (its bytes, if any, are in `self.out`).
    fn fast_code(&mut self, fast: Fast) -> i32 {
        match fast {
            Fast::Bulk => match bulk_code(&self.out) {
                Some(n) => n,
                None => {
                    let b = std::mem::take(&mut self.out);
                    crate::resp::encode(&Reply::Bulk(b), true, &mut self.out);
                    R_RESP
                }
            },
            Fast::Nil => R_NIL,
            Fast::Ok => R_OK,
            Fast::Other(reply, resp3) => self.reply_code(reply, resp3),
        }
    }

    fn reply_code(&mut self, reply: Reply, resp3: bool) -> i32 {
        // Push frames already in the output area go first: then the whole is RESP.
        if self.out.is_empty() {
            match reply {
                Reply::Bulk(b) => {
                    if let Some(n) = bulk_code(&b) {
                        self.out.extend_from_slice(&b);
                        return n;
                    }
                    crate::resp::encode(&Reply::Bulk(b), resp3, &mut self.out);
                    return R_RESP;
                }
                Reply::Nil => return R_NIL,
                Reply::NilArray if resp3 => return R_NIL,
                Reply::Ok => return R_OK,
                Reply::Int(i) => {
                    self.meta[7] = i as u32;
                    self.meta[8] = (i >> 32) as u32;
                    return R_INT;
                }
                _ => {}
            }
        }
        crate::resp::encode(&reply, resp3, &mut self.out);
        R_RESP
    }

    fn build_ranges(&mut self, n: usize) -> bool {
        build_ranges(&self.lens, self.args.len(), n, &mut self.ranges)
    }

    fn update_meta(&mut self) {
        let st = self.engine.state();
        let pending = st.pubsub.outbox.len();
        let removed = st.events.removed.as_ref().map_or(0, Vec::len);
        let m = &mut self.meta;
        m[0] = self.args.as_ptr() as u32;
        m[1] = self.args.len() as u32;
        m[2] = self.lens.as_ptr() as u32;
        m[3] = self.lens.len() as u32;
        m[4] = self.out.as_ptr() as u32;
        m[5] = self.out.len() as u32;
        m[6] = u32::try_from(pending).unwrap_or(u32::MAX);
        m[9] = u32::try_from(removed).unwrap_or(u32::MAX);
    }
}

/// The reply code of bulk string `b` (its length, plus [`R_ASCII`] when that applies),
/// or None when it is too long for a code (then it goes as RESP).
fn bulk_code(b: &[u8]) -> Option<i32> {
    let n = i32::try_from(b.len()).ok().filter(|&n| n < R_ASCII)?;
    Some(if b.len() <= ASCII_MAX && b.is_ascii() {
        n + R_ASCII
    } else {
        n
    })
}

/// Grow an argument area to at least `bytes` bytes and its length area to `nargs`
/// entries (at least doubling what grows).
fn grow_areas(args: &mut Vec<u8>, lens: &mut Vec<u32>, bytes: usize, nargs: usize) {
    if bytes > args.len() {
        let n = bytes.max(args.len().saturating_mul(2));
        args.resize(n, 0);
    }
    if nargs > lens.len() {
        let n = nargs.max(lens.len().saturating_mul(2));
        lens.resize(n, 0);
    }
}

/// Fill `ranges` with the `n` argument ranges described by `lens` over an area of
/// `cap` bytes; false if they do not fit.
fn build_ranges(lens: &[u32], cap: usize, n: usize, ranges: &mut Vec<Range<usize>>) -> bool {
    ranges.clear();
    let Some(lens) = lens.get(..n) else {
        return false;
    };
    let mut pos = 0usize;
    for &l in lens {
        let Some(end) = pos.checked_add(l as usize) else {
            return false;
        };
        if end > cap {
            return false;
        }
        ranges.push(pos..end);
        pos = end;
    }
    true
}

/// The package's allocator: talc's WebAssembly configuration, smaller and faster than
/// the default dlmalloc (see the commit that chose it for the figures).
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
