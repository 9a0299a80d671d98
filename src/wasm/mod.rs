//! wasm-bindgen marshalling for the npm package (`pkg/`). Marshalling only: every
//! command goes through [`Engine::execute_encoded`], the same dispatcher the server uses.
//!
//! # The calling convention
//!
//! Crossing the JS/wasm boundary with one JS value per argument and per reply element is
//! what would make a `db.get()` slow, so the JS wrapper (`pkg/src/core.js`) and this
//! module share three regions of wasm linear memory instead:
//!
//! - the **argument area**: JS writes the arguments' bytes back to back (strings encoded
//!   as UTF-8 in place) and their lengths into the **length area**;
//! - [`WasmEngine::exec`] runs the command and leaves its reply **RESP3-encoded** (the
//!   sessions speak RESP3 unless the caller sends `HELLO 2`) in the **output area**;
//!   JS decodes it straight out of memory.
//! - a small **meta block** of `u32`s tells JS where the areas are now (they move when
//!   they grow):
//!
//! | index | meaning                                   |
//! |-------|-------------------------------------------|
//! | 0, 1  | argument area pointer, capacity (bytes)   |
//! | 2, 3  | length area pointer, capacity (entries)   |
//! | 4, 5  | output pointer, length                    |
//! | 6     | Pub/Sub messages waiting (see [`WasmEngine::drain_messages`]) |
//!
//! Time: JS passes the current time with every call (`Date.now()`, or the clock the host
//! injected for tests), so a command costs no call back into JS for the clock. Only the
//! active expiry cycle, which measures its own time budget, reads `Date.now()` live.
//!
//! Blocking commands (BLPOP, BZPOPMIN, ...) never block here: embedded sessions have
//! `can_block = false`, so they answer their timeout reply at once when no data is ready.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use wasm_bindgen::prelude::*;

use crate::clock::Clock;
use crate::cmd::Args;
use crate::engine::Exec;
use crate::{ClientHandle, Config, Engine};

const META_LEN: usize = 8;
const INITIAL_ARGS: usize = 64 * 1024;
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
}

/// The engine's clock: the time JS passed with the current call, or `Date.now()` while
/// `live` (during an active expiry cycle of an engine on the real clock).
#[derive(Clone, Default)]
struct HostClock {
    now: Arc<AtomicI64>,
    live: Arc<AtomicBool>,
}

impl HostClock {
    fn set(&self, ms: f64) {
        self.now.store(ms as i64, Ordering::Relaxed);
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
        };
        w.update_meta();
        Ok(w)
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
        if bytes > self.args.len() {
            let n = bytes.max(self.args.len().saturating_mul(2));
            self.args.resize(n, 0);
        }
        if nargs > self.lens.len() {
            let n = nargs.max(self.lens.len().saturating_mul(2));
            self.lens.resize(n, 0);
        }
        self.update_meta();
    }

    /// Run the command whose `nargs` arguments are in the argument area on session
    /// `idx` at time `now` (ms). Returns the length of the RESP3 reply left in the output
    /// area.
    pub fn exec(&mut self, idx: u32, nargs: u32, now: f64) -> u32 {
        self.clock.set(now);
        self.out.clear();
        let handle = self.sessions.get(idx as usize).copied().flatten();
        match (handle, self.build_ranges(nargs as usize)) {
            (None, _) => self.out.extend_from_slice(b"-ERR session closed\r\n"),
            (Some(_), false) => self.out.extend_from_slice(b"-ERR bad argument area\r\n"),
            (Some(h), true) => {
                let args = Args::new(&self.args, &self.ranges);
                if self.engine.execute_encoded(h, &args, &mut self.out) == Exec::Blocked {
                    // Cannot happen (embedded sessions never block); answer rather than hang.
                    self.out
                        .extend_from_slice(b"-ERR blocking is not supported here\r\n");
                }
            }
        }
        self.update_meta();
        self.out.len() as u32
    }

    /// Run one active expiry cycle of at most `budget_ms` at time `now`; returns the
    /// keys deleted.
    pub fn active_expire(&mut self, budget_ms: u32, now: f64) -> u32 {
        self.clock.set(now);
        if !self.manual {
            self.clock.live.store(true, Ordering::Relaxed);
        }
        let n = self.engine.active_expire(i64::from(budget_ms));
        self.clock.live.store(false, Ordering::Relaxed);
        self.update_meta();
        u32::try_from(n).unwrap_or(u32::MAX)
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

    /// Bytes the keyspace uses by the engine's own accounting (INFO's `used_memory`).
    pub fn used_memory(&self) -> f64 {
        self.engine.state().used_memory() as f64
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
    fn build_ranges(&mut self, n: usize) -> bool {
        self.ranges.clear();
        let Some(lens) = self.lens.get(..n) else {
            return false;
        };
        let mut pos = 0usize;
        for &l in lens {
            let Some(end) = pos.checked_add(l as usize) else {
                return false;
            };
            if end > self.args.len() {
                return false;
            }
            self.ranges.push(pos..end);
            pos = end;
        }
        true
    }

    fn update_meta(&mut self) {
        let pending = self.engine.state().pubsub.outbox.len();
        let m = &mut self.meta;
        m[0] = self.args.as_ptr() as u32;
        m[1] = self.args.len() as u32;
        m[2] = self.lens.as_ptr() as u32;
        m[3] = self.lens.len() as u32;
        m[4] = self.out.as_ptr() as u32;
        m[5] = self.out.len() as u32;
        m[6] = u32::try_from(pending).unwrap_or(u32::MAX);
    }
}
