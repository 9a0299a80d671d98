//! Whole RDB files: writing them at once (SAVE), writing them incrementally while
//! clients keep being served (BGSAVE and the AOF rewrite), and loading them.
//!
//! # Background snapshots without fork
//!
//! Redis forks and lets the kernel's copy-on-write keep the child's view fixed. The
//! engine has one thread and no fork, so a background snapshot is serialised in small
//! steps between client batches, and stays a consistent picture of the moment `T` it
//! started by saving a key's old value *before* a command changes it:
//!
//! 1. At `T` the snapshot records each database's size and makes the keyspaces hold
//!    their slots in place (no compaction), so a live entry never moves. Cost: O(dbs).
//! 2. Each step writes the entries of the next slots, in slot order, database by
//!    database (about [`STEP_ENTRIES`] entries a step; the host writes the bytes out
//!    and yields to clients between steps).
//! 3. Before any command runs, [`before_command`] looks at the keys it names. For each
//!    key not yet handled, the key is marked *done*; if it lies ahead of the walk and
//!    exists, its current value — still its value at `T`, since nothing changed it
//!    without passing here — is written now to a side buffer of its database, appended
//!    when the walk finishes that database. The walk skips *done* keys. Read-only
//!    commands only matter when they would delete the key by lazy expiry.
//! 4. Commands that may touch keys they do not name (FLUSHALL, FLUSHDB, SWAPDB, MOVE,
//!    COPY, scripts, any write command without keys) first finish the snapshot at
//!    once: the rare long pause is the price of their global effect.
//!
//! Keys deleted by the active expiry cycle while a snapshot runs may be missing from it;
//! they had expired before the snapshot completed, and a loader drops expired keys.
//!
//! The pause a client can see is one step; the *done* set holds only keys written
//! during the snapshot. `docs/FORMATS.md` has measurements.

use hashbrown::HashSet;

use super::crc64::crc64;
use super::rdb::{self, RDB_VERSION, RDB_VERSION_MAX, RdbError, Reader, WriteOpts, err, op};
use super::value::{self, Limits};
use super::{PersistState, Purpose};
use crate::cmd::State;
use crate::cmd::args::Args;
use crate::cmd::spec_types::F_WRITE;
use crate::cmd::table::Command;
use crate::db::lru::{self, Tracking};
use crate::db::{Db, Entry, NO_EXPIRE};

/// Entries written per background step.
pub const STEP_ENTRIES: usize = 2000;
/// Output bytes after which a step stops early.
pub const STEP_BYTES: usize = 1 << 20;

/// Which access data goes with each key (Redis saves LRU idle time under an LRU
/// policy, the LFU counter under an LFU one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessInfo {
    /// Neither.
    None,
    /// `IDLE` opcodes.
    Lru,
    /// `FREQ` opcodes.
    Lfu,
}

/// Everything that shapes the bytes of a snapshot.
#[derive(Debug, Clone, Copy)]
pub struct SaveOpts {
    /// Unix ms of the snapshot (`ctime` aux field, idle times).
    pub now_ms: i64,
    /// `used-mem` aux field.
    pub used_mem: u64,
    /// An AOF base (`aof-base` aux field = 1).
    pub aof_base: bool,
    /// String compression.
    pub write: WriteOpts,
    /// Write a CRC64 (`rdbchecksum yes`); else 8 zero bytes.
    pub checksum: bool,
    /// Access data per key.
    pub access: AccessInfo,
    /// LRU/LFU parameters.
    pub tracking: Tracking,
}

impl SaveOpts {
    /// Options from the engine's configuration at `now_ms`.
    pub fn from_state(st: &State, now_ms: i64, aof_base: bool) -> SaveOpts {
        let policy = st.config.get("maxmemory-policy").unwrap_or("noeviction");
        let access = if policy.ends_with("lru") {
            AccessInfo::Lru
        } else if policy.ends_with("lfu") {
            AccessInfo::Lfu
        } else {
            AccessInfo::None
        };
        SaveOpts {
            now_ms,
            used_mem: st.used_memory() as u64,
            aof_base,
            write: WriteOpts {
                compress: st.config.get("rdbcompression") != Some("no"),
            },
            checksum: st.config.get("rdbchecksum") != Some("no"),
            access,
            tracking: st.config.tracking,
        }
    }
}

/// The magic, version and aux fields Redis 7.0 writes.
pub fn write_header(out: &mut Vec<u8>, o: &SaveOpts) {
    out.extend_from_slice(format!("REDIS{RDB_VERSION:04}").as_bytes());
    rdb::write_aux(out, "redis-ver", crate::REDIS_VERSION.as_bytes(), o.write);
    rdb::write_aux(out, "redis-bits", b"64", o.write);
    rdb::write_aux(
        out,
        "ctime",
        (o.now_ms / 1000).to_string().as_bytes(),
        o.write,
    );
    rdb::write_aux(out, "used-mem", o.used_mem.to_string().as_bytes(), o.write);
    rdb::write_aux(
        out,
        "aof-base",
        if o.aof_base { b"1" } else { b"0" },
        o.write,
    );
}

fn write_db_start(out: &mut Vec<u8>, db: usize, size: usize, expires: usize) {
    out.push(op::SELECTDB);
    rdb::write_len(out, db as u64);
    out.push(op::RESIZEDB);
    rdb::write_len(out, size as u64);
    rdb::write_len(out, expires as u64);
}

/// One key (`rdbSaveKeyValuePair`): expiry, access data, type, key, value.
pub fn write_entry(out: &mut Vec<u8>, e: &Entry, o: &SaveOpts) -> Result<(), RdbError> {
    if e.expire != NO_EXPIRE {
        out.push(op::EXPIRETIME_MS);
        rdb::write_ms(out, e.expire);
    }
    match o.access {
        AccessInfo::None => {}
        AccessInfo::Lru => {
            out.push(op::IDLE);
            rdb::write_len(out, lru::idle_ms(e.lru, o.now_ms) / 1000);
        }
        AccessInfo::Lfu => {
            out.push(op::FREQ);
            out.push(lru::lfu_decr_and_return(e.lru, o.now_ms, o.tracking).min(255) as u8);
        }
    }
    let t = value::type_byte(&e.value);
    out.push(t);
    rdb::write_string(out, &e.key, o.write);
    value::write_body(out, &e.value, t, o.write)
}

/// EOF and checksum over `out` (when `crc` covers bytes already handed out, pass it).
fn write_footer(out: &mut Vec<u8>, crc_before: u64, from: usize, checksum: bool) {
    out.push(op::EOF);
    let crc = if checksum {
        crc64(crc_before, &out[from..])
    } else {
        0
    };
    out.extend_from_slice(&crc.to_le_bytes());
}

/// A complete snapshot of `dbs` in one go (SAVE).
pub fn save_all(dbs: &[Db], o: &SaveOpts) -> Result<Vec<u8>, RdbError> {
    let mut out = Vec::with_capacity(1024);
    write_header(&mut out, o);
    for (i, db) in dbs.iter().enumerate() {
        if db.ks.is_empty() {
            continue;
        }
        write_db_start(&mut out, i, db.ks.len(), db.ks.volatile_len());
        for e in db.ks.iter() {
            write_entry(&mut out, e, o)?;
        }
    }
    write_footer(&mut out, 0, 0, o.checksum);
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Background snapshots
// ---------------------------------------------------------------------------------------

/// A snapshot being written in steps (see the module docs).
#[derive(Debug)]
pub struct BgSnapshot {
    /// What it is for.
    pub purpose: Purpose,
    /// Unix ms when it started (its point in time).
    pub started_ms: i64,
    /// `State::dirty` when it started.
    pub dirty_at_start: u64,
    opts: SaveOpts,
    sizes: Vec<(usize, usize)>,
    db: usize,
    cursor: usize,
    db_started: bool,
    header_written: bool,
    done: Vec<HashSet<Box<[u8]>>>,
    side: Vec<Vec<u8>>,
    out: Vec<u8>,
    crc: u64,
    crc_from: usize,
    finished: bool,
    /// Why the snapshot failed (a value that cannot be saved).
    pub error: Option<String>,
    /// Keys written so far.
    pub keys_written: u64,
    /// Keys at the start.
    pub keys_total: u64,
    /// Longest step so far in µs (measured by the host, for INFO and the docs).
    pub max_step_us: u64,
}

impl BgSnapshot {
    /// Start a snapshot of `dbs` at this moment.
    pub fn start(dbs: &mut [Db], purpose: Purpose, opts: SaveOpts, dirty: u64) -> BgSnapshot {
        let sizes: Vec<(usize, usize)> = dbs
            .iter()
            .map(|d| (d.ks.len(), d.ks.volatile_len()))
            .collect();
        for d in dbs.iter_mut() {
            d.ks.hold_compaction(true);
        }
        let n = dbs.len();
        BgSnapshot {
            purpose,
            started_ms: opts.now_ms,
            dirty_at_start: dirty,
            opts,
            keys_total: sizes.iter().map(|s| s.0 as u64).sum(),
            sizes,
            db: 0,
            cursor: 0,
            db_started: false,
            header_written: false,
            done: (0..n).map(|_| HashSet::new()).collect(),
            side: vec![Vec::new(); n],
            out: Vec::new(),
            crc: 0,
            crc_from: 0,
            finished: false,
            error: None,
            keys_written: 0,
            max_step_us: 0,
        }
    }

    /// Whether every byte has been produced (the footer included).
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Keys changed during the snapshot and saved ahead of the walk.
    pub fn done_keys(&self) -> usize {
        self.done.iter().map(|d| d.len()).sum()
    }

    /// Take the bytes produced so far.
    pub fn take_output(&mut self) -> Vec<u8> {
        if self.opts.checksum && self.crc_from < self.out.len() {
            self.crc = crc64(self.crc, &self.out[self.crc_from..]);
        }
        self.crc_from = 0;
        std::mem::take(&mut self.out)
    }

    /// Before `key` in `db` changes: save its value at the snapshot's moment if the walk
    /// has not reached it yet, and make the walk skip it from now on.
    pub fn touch(&mut self, dbs: &[Db], db: usize, key: &[u8]) {
        if self.finished || db >= self.done.len() || db < self.db {
            return;
        }
        if self.done[db].contains(key) {
            return;
        }
        let ks = &dbs[db].ks;
        if let Some(slot) = ks.slot_of(key) {
            let ahead = db > self.db || slot >= self.cursor;
            if ahead {
                if let Some(e) = ks.slot_entry(slot) {
                    if let Err(err) = write_entry(&mut self.side[db], e, &self.opts) {
                        self.error.get_or_insert(err.0);
                    }
                    self.keys_written += 1;
                }
            }
        }
        self.done[db].insert(key.into());
    }

    /// Write up to `max_entries` more entries (and the footer once everything is
    /// written). Returns whether the snapshot is now finished.
    pub fn step(&mut self, dbs: &mut [Db], max_entries: usize) -> bool {
        self.step_inner(dbs, max_entries, STEP_BYTES)
    }

    fn step_inner(&mut self, dbs: &mut [Db], max_entries: usize, max_bytes: usize) -> bool {
        if self.finished {
            return true;
        }
        if !self.header_written {
            write_header(&mut self.out, &self.opts);
            self.header_written = true;
        }
        let mut budget = max_entries;
        while self.db < dbs.len().min(self.sizes.len()) {
            let db = self.db;
            if self.sizes[db].0 == 0 && self.side[db].is_empty() {
                self.next_db();
                continue;
            }
            if !self.db_started {
                write_db_start(&mut self.out, db, self.sizes[db].0, self.sizes[db].1);
                self.db_started = true;
            }
            let ks = &dbs[db].ks;
            let done = &self.done[db];
            while self.cursor < ks.slot_count() {
                if budget == 0 || self.out.len() >= max_bytes {
                    return false;
                }
                if let Some(e) = ks.slot_entry(self.cursor) {
                    if done.is_empty() || !done.contains(&*e.key) {
                        if let Err(err) = write_entry(&mut self.out, e, &self.opts) {
                            self.error.get_or_insert(err.0);
                        }
                        self.keys_written += 1;
                        budget -= 1;
                    }
                }
                self.cursor += 1;
            }
            let side = std::mem::take(&mut self.side[db]);
            self.out.extend_from_slice(&side);
            self.next_db();
        }
        // Everything written: the footer, and the keyspaces may compact again.
        let from = self.crc_from;
        write_footer(&mut self.out, self.crc, from, self.opts.checksum);
        self.crc_from = self.out.len();
        self.finished = true;
        release(dbs);
        true
    }

    fn next_db(&mut self) {
        self.db += 1;
        self.cursor = 0;
        self.db_started = false;
    }

    /// Write everything that is left now.
    pub fn run_to_end(&mut self, dbs: &mut [Db]) {
        self.step_inner(dbs, usize::MAX, usize::MAX);
    }
}

/// Let the keyspaces compact again.
pub fn release(dbs: &mut [Db]) {
    for d in dbs.iter_mut() {
        d.ks.hold_compaction(false);
    }
}

/// Commands whose effect reaches keys they do not name.
fn touches_unnamed_keys(name: &str) -> bool {
    matches!(
        name,
        "flushall"
            | "flushdb"
            | "swapdb"
            | "move"
            | "copy"
            | "eval"
            | "evalsha"
            | "eval_ro"
            | "evalsha_ro"
            | "fcall"
            | "fcall_ro"
            | "debug"
            | "restore-asking"
            | "migrate"
    )
}

/// The engine's hook, run before every command executes: keep a running background
/// snapshot consistent (see the module docs). Cheap when no snapshot runs.
#[inline]
pub fn before_command(st: &mut State, db: usize, cmd: &Command, args: &Args, now: i64) {
    if st.persist.bg.is_none() {
        return;
    }
    before_command_slow(st, db, cmd, args, now);
}

fn before_command_slow(st: &mut State, db: usize, cmd: &Command, args: &Args, now: i64) {
    let Some(bg) = st.persist.bg.as_mut() else {
        return;
    };
    let write = cmd.spec.flags & F_WRITE != 0;
    let keys = crate::cmd::keyspec::command_keys(cmd.spec, args);
    if touches_unnamed_keys(cmd.name()) || (write && keys.is_empty()) {
        bg.run_to_end(&mut st.dbs);
        return;
    }
    let Some(d) = st.dbs.get(db) else { return };
    for k in keys {
        let key = args.get(k.pos);
        if !write {
            // A read changes a key only by deleting it through lazy expiry.
            match d.ks.get(key) {
                Some(e) if e.expire != NO_EXPIRE && e.expire < now => {}
                _ => continue,
            }
        }
        bg.touch(&st.dbs, db, key);
    }
}

/// Write the rest of a running background snapshot now (before changes the hook
/// cannot see, such as eviction). The bytes wait for the host's next step.
pub fn finish_now(st: &mut State) {
    if let Some(bg) = st.persist.bg.as_mut() {
        bg.run_to_end(&mut st.dbs);
    }
}

/// Before a key changes outside a command: the same as for a command.
pub fn before_key_change(st: &mut State, db: usize, key: &[u8]) {
    if let Some(bg) = st.persist.bg.as_mut() {
        bg.touch(&st.dbs, db, key);
    }
}

/// Start a background snapshot now (the caller checked that none runs).
pub fn start_bg(st: &mut State, purpose: Purpose, now_ms: i64) {
    let opts = SaveOpts::from_state(st, now_ms, purpose == Purpose::AofRewrite);
    let dirty = st.dirty;
    let bg = BgSnapshot::start(&mut st.dbs, purpose, opts, dirty);
    st.persist.bg = Some(Box::new(bg));
    st.persist.dirty_before_bgsave = dirty;
}

/// Host side: run one step of the background snapshot. Returns the bytes produced and
/// whether it finished (the snapshot stays in `st.persist.bg` until
/// [`finish_bg`] or [`abort_bg`]).
pub fn step_bg(st: &mut State, max_entries: usize) -> Option<(Vec<u8>, bool)> {
    let bg = st.persist.bg.as_mut()?;
    let done = bg.step(&mut st.dbs, max_entries);
    Some((bg.take_output(), done))
}

/// Host side: the background snapshot's file is durable (`ok`) or failed. Updates
/// LASTSAVE, the dirty counter and statuses as Redis's `backgroundSaveDoneHandler`.
pub fn finish_bg(st: &mut State, ok: bool, now_ms: i64) -> Option<Box<BgSnapshot>> {
    let bg = st.persist.bg.take()?;
    release(&mut st.dbs);
    let p: &mut PersistState = &mut st.persist;
    let secs = (now_ms - bg.started_ms).max(0) / 1000;
    match bg.purpose {
        Purpose::Rdb => {
            p.last_bgsave_ok = ok;
            p.last_bgsave_time_sec = secs;
            if ok {
                st.dirty = st.dirty.saturating_sub(bg.dirty_at_start);
                p.lastsave = now_ms / 1000;
                p.rdb_saves += 1;
            }
        }
        Purpose::AofRewrite => {
            p.aof.last_bgrewrite_ok = ok;
            p.aof.last_rewrite_time_sec = secs;
            if ok {
                p.aof.rewrites += 1;
                p.aof.rewrites_consecutive_failures = 0;
            } else {
                p.aof.rewrites_consecutive_failures += 1;
            }
        }
    }
    Some(bg)
}

/// Host side: drop a running background snapshot (shutdown, errors).
pub fn abort_bg(st: &mut State) {
    if st.persist.bg.take().is_some() {
        release(&mut st.dbs);
    }
}

/// A synchronous save through the registered host (SAVE, SHUTDOWN, FLUSHALL).
pub fn save_sync(st: &mut State, now_ms: i64) -> Result<(), String> {
    let opts = SaveOpts::from_state(st, now_ms, false);
    let bytes = save_all(&st.dbs, &opts).map_err(|e| e.0)?;
    let dir = st.config.get("dir").unwrap_or(".").to_string();
    let file = st
        .config
        .get("dbfilename")
        .unwrap_or("dump.rdb")
        .to_string();
    let Some(host) = st.persist.host.as_mut() else {
        return Err("no persistence host".into());
    };
    host.save_rdb(&dir, &file, &bytes)?;
    st.dirty = 0;
    st.persist.lastsave = now_ms / 1000;
    st.persist.rdb_saves += 1;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------

/// How a load treats its input.
#[derive(Debug, Clone, Copy)]
pub struct LoadOpts {
    /// Drop keys already expired (a master loading a dump; not an AOF base).
    pub drop_expired: bool,
    /// Verify the trailing CRC64 (when non-zero), as `rdbchecksum yes`.
    pub verify_checksum: bool,
    /// Unix ms used to decide expiry and to restore idle times.
    pub now_ms: i64,
}

/// What a load did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadStats {
    /// Keys loaded.
    pub keys_loaded: u64,
    /// Keys skipped because they had expired.
    pub keys_expired: u64,
    /// Empty collections skipped.
    pub empty_skipped: u64,
    /// The RDB version of the file.
    pub version: u16,
    /// Bytes consumed (an AOF with an RDB preamble continues after them).
    pub consumed: usize,
    /// Aux fields, in order.
    pub aux: Vec<(Vec<u8>, Vec<u8>)>,
}

/// The `lru` field of an entry loaded with optional IDLE / FREQ data
/// (`objectSetLRUOrLFU`).
pub fn lru_from(idle_secs: Option<u64>, freq: Option<u8>, now_ms: i64, t: Tracking) -> Option<u32> {
    if t.lfu {
        let f = freq?;
        let minutes = ((now_ms.max(0) / 1000 / 60) as u64 & 65535) as u32;
        Some((minutes << 8) | f as u32)
    } else {
        Some(lru::lru_for_idle(idle_secs?, now_ms))
    }
}

/// Parse an RDB stream into `dbs` (which should be empty). Stops after the EOF opcode
/// and checksum; `consumed` says where.
pub fn load(
    dbs: &mut [Db],
    bytes: &[u8],
    lim: &Limits,
    tracking: Tracking,
    o: &LoadOpts,
) -> Result<LoadStats, RdbError> {
    if bytes.len() < 9 || &bytes[..5] != b"REDIS" {
        return err("Wrong signature trying to load DB from file");
    }
    let version: u16 = std::str::from_utf8(&bytes[5..9])
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| RdbError("Wrong signature trying to load DB from file".into()))?;
    if version == 0 || version > RDB_VERSION_MAX {
        return err(format!("Can't handle RDB format version {version}"));
    }
    let mut r = Reader::new(bytes);
    r.take(9)?;
    let mut stats = LoadStats {
        version,
        ..Default::default()
    };
    let mut db = 0usize;
    let mut expire: i64 = NO_EXPIRE;
    let mut idle: Option<u64> = None;
    let mut freq: Option<u8> = None;
    loop {
        let t = r.u8()?;
        match t {
            op::EXPIRETIME => {
                expire = (r.u32_le()? as i64).saturating_mul(1000);
                continue;
            }
            op::EXPIRETIME_MS => {
                expire = r.i64_le()?;
                continue;
            }
            op::FREQ => {
                freq = Some(r.u8()?);
                continue;
            }
            op::IDLE => {
                idle = Some(r.len()?);
                continue;
            }
            op::EOF => break,
            op::SELECTDB => {
                let n = r.len()?;
                if n >= dbs.len() as u64 {
                    return err(format!(
                        "FATAL: Data file was created with a Redis server configured to handle more than {} databases. Exiting",
                        dbs.len()
                    ));
                }
                db = n as usize;
                continue;
            }
            op::RESIZEDB => {
                r.len()?;
                r.len()?;
                continue;
            }
            op::SLOT_INFO => {
                r.len()?;
                r.len()?;
                r.len()?;
                continue;
            }
            op::AUX => {
                let k = r.string()?;
                let v = r.string()?;
                stats.aux.push((k, v));
                continue;
            }
            op::MODULE_AUX => {
                return err("The RDB file contains module AUX data, which Cinnabar cannot load");
            }
            op::FUNCTION_PRE_GA => return err("Pre-release function format not supported"),
            op::FUNCTION2 => {
                // A function library (Lua code): Cinnabar has no functions; it is skipped.
                r.string()?;
                continue;
            }
            _ => {}
        }
        if !value::is_value_type(t) {
            return err(format!("Unknown RDB encoding type {t}"));
        }
        let key = r.string()?;
        let val = value::read_value(&mut r, t, lim)
            .map_err(|e| RdbError(format!("{} (key '{}')", e.0, String::from_utf8_lossy(&key))))?;
        let this_expire = std::mem::replace(&mut expire, NO_EXPIRE);
        let (this_idle, this_freq) = (idle.take(), freq.take());
        let Some(val) = val else {
            stats.empty_skipped += 1;
            continue;
        };
        if o.drop_expired && this_expire != NO_EXPIRE && this_expire < o.now_ms {
            stats.keys_expired += 1;
            continue;
        }
        let ks = &mut dbs[db].ks;
        if ks.get(&key).is_some() {
            return err(format!(
                "RDB has duplicated key '{}' in DB {db}",
                String::from_utf8_lossy(&key)
            ));
        }
        ks.insert_new(key.as_slice().into(), val, this_expire);
        if let Some(l) = lru_from(this_idle, this_freq, o.now_ms, tracking) {
            if let Some(e) = ks.get_mut(&key) {
                e.lru = l;
            }
        }
        stats.keys_loaded += 1;
    }
    let body_end = r.pos();
    if version >= 5 {
        let c = r
            .take(8)
            .map_err(|_| RdbError("Unexpected EOF reading RDB file (checksum)".into()))?;
        let mut a = [0u8; 8];
        a.copy_from_slice(c);
        let expected = u64::from_le_bytes(a);
        if o.verify_checksum && expected != 0 {
            let got = crc64(0, &bytes[..body_end]);
            if got != expected {
                return err("Wrong RDB checksum. Aborting now.");
            }
        }
    }
    stats.consumed = r.pos();
    Ok(stats)
}

/// Load an RDB stream into the engine's databases, replacing their contents.
pub fn load_into_state(st: &mut State, bytes: &[u8], o: &LoadOpts) -> Result<LoadStats, RdbError> {
    let lim = Limits::from_config(&st.config);
    let mut dbs: Vec<Db> = (0..st.dbs.len()).map(|_| Db::new()).collect();
    let t = st.config.tracking;
    let stats = load(&mut dbs, bytes, &lim, t, o)?;
    st.dbs = dbs;
    st.persist.last_load_keys_loaded = stats.keys_loaded;
    st.persist.last_load_keys_expired = stats.keys_expired;
    Ok(stats)
}

/// The version of an RDB stream's header, if it has one.
pub fn header_version(bytes: &[u8]) -> Option<u16> {
    if bytes.len() < 9 || &bytes[..5] != b"REDIS" {
        return None;
    }
    std::str::from_utf8(&bytes[5..9]).ok()?.parse().ok()
}

/// The RDB version we write.
pub const fn written_version() -> u16 {
    RDB_VERSION
}
