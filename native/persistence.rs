//! The server's side of persistence: loading at start, the RDB file host, the task that
//! drives background snapshots (BGSAVE, AOF rewrites), save points, the AOF flush task
//! and the durability barrier, and saving at shutdown.
//!
//! Everything runs on the server thread. A background snapshot is stepped by a local
//! task that writes each step's bytes (a few thousand keys) and yields to clients in
//! between; only the final fsync and rename go to a blocking thread. See
//! `cinnabar::persist::snapshot` for why the snapshot stays a point in time.

use std::cell::{Cell, RefCell};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

use cinnabar::Engine;
use cinnabar::cmd::ShutdownMode;
use cinnabar::persist::snapshot::{self, LoadOpts};
use cinnabar::persist::{PersistHost, Purpose};
use tokio::sync::Notify;

use crate::aof::{self, Aof, Fsync};
use crate::server::{Shared, log};

/// Host-side persistence state, part of [`Shared`].
#[derive(Default)]
pub struct Persist {
    /// The AOF when `appendonly yes`.
    pub aof: RefCell<Option<Aof>>,
    /// Wakes the AOF flush task.
    kick: Notify,
    /// Fired after each AOF flush; connections waiting at [`barrier`] re-check.
    flushed: Notify,
    /// Wakes the snapshot task (a snapshot was started).
    snapshot_started: Notify,
    /// An everysec fsync is running on a blocking thread.
    fsync_in_flight: Rc<Cell<bool>>,
    /// When the last everysec fsync started.
    last_fsync: Cell<Option<Instant>>,
    /// When the last failed BGSAVE ended (save points retry after 5 s, as Redis).
    last_bgsave_fail: Cell<Option<Instant>>,
    /// The shutdown save already ran.
    shutdown_done: Cell<bool>,
    /// Longest snapshot step so far (µs), logged at the end of each snapshot.
    max_step_us: Cell<u64>,
}

impl Persist {
    /// State with the AOF loaded at start (if any).
    pub fn new(aof: Option<Aof>) -> Persist {
        Persist {
            aof: RefCell::new(aof),
            ..Default::default()
        }
    }
}

/// Writes `dir/dbfilename` for SAVE (temp file, fsync, rename, fsync of the directory).
struct FileHost;

impl PersistHost for FileHost {
    fn save_rdb(&mut self, dir: &str, file: &str, bytes: &[u8]) -> Result<(), String> {
        let path = Path::new(dir).join(file);
        let tmp = Path::new(dir).join(format!("temp-{}.rdb", std::process::id()));
        let r = (|| -> std::io::Result<()> {
            let mut f = File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)?;
            aof::fsync_dir(Path::new(dir));
            Ok(())
        })();
        match r {
            Ok(()) => {
                log("DB saved on disk");
                Ok(())
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                log(&format!(
                    "Failed opening the temp RDB file {} (in server root dir {dir}) for saving: {e}",
                    tmp.display()
                ));
                Err(e.to_string())
            }
        }
    }
}

/// Load data at start: the AOF when `appendonly yes`, else `dir/dbfilename` if present.
/// Registers the file host and, with the AOF, turns propagation on.
pub fn load_at_start(engine: &mut Engine) -> Result<Option<Aof>, String> {
    engine.state_mut().persist.host = Some(Box::new(FileHost));
    let cfg = engine.state().config.clone();
    if cfg.get("appendonly") == Some("yes") {
        engine.state_mut().persist.loading = true;
        let aof = aof::load_at_start(engine);
        engine.state_mut().persist.loading = false;
        let aof = aof?;
        engine.enable_propagation();
        // Loading is not a change to save.
        engine.state_mut().dirty = 0;
        update_info(engine, Some(&aof));
        return Ok(Some(aof));
    }
    let path =
        Path::new(cfg.get("dir").unwrap_or(".")).join(cfg.get("dbfilename").unwrap_or("dump.rdb"));
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("Fatal error loading the DB: {e}. Exiting.")),
    };
    let start = Instant::now();
    let now = engine.now();
    let o = LoadOpts {
        drop_expired: true,
        verify_checksum: cfg.get("rdbchecksum") != Some("no"),
        now_ms: now,
    };
    let st = engine.state_mut();
    st.persist.loading = true;
    let r = snapshot::load_into_state(st, &bytes, &o);
    st.persist.loading = false;
    let stats = r.map_err(|e| {
        format!(
            "Short read or OOM loading DB ({}): {e}. Unrecoverable error, aborting now.",
            path.display()
        )
    })?;
    st.dirty = 0;
    log(&format!(
        "DB loaded from disk: {:.3} seconds",
        start.elapsed().as_secs_f64()
    ));
    log(&format!(
        "Done loading RDB, keys loaded: {}, keys expired: {}.",
        stats.keys_loaded, stats.keys_expired
    ));
    Ok(None)
}

/// Spawn the AOF flush task, the snapshot task and the persistence cron.
pub fn start(shared: &Rc<Shared>) {
    {
        let shared = shared.clone();
        tokio::task::spawn_local(async move {
            loop {
                shared.persist.kick.notified().await;
                // Let every connection with a ready batch run first: one write (and one
                // fsync) then covers them all.
                tokio::task::yield_now().await;
                flush_round(&shared).await;
            }
        });
    }
    {
        let shared = shared.clone();
        tokio::task::spawn_local(async move {
            loop {
                let running = shared.engine.borrow().state().persist.bg.is_some();
                if running {
                    drive_snapshot(&shared).await;
                } else {
                    tokio::select! {
                        _ = shared.persist.snapshot_started.notified() => {}
                        _ = tokio::time::sleep(Duration::from_millis(100)) => {}
                    }
                }
            }
        });
    }
    {
        let shared = shared.clone();
        tokio::task::spawn_local(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                cron(&shared);
            }
        });
    }
}

/// After each batch (called from `Shared::after_batch`): move propagated writes into
/// the AOF buffer, and wake the snapshot task if a command started a snapshot.
pub fn after_batch(shared: &Shared) {
    let started = feed_aof(shared);
    if started {
        shared.persist.snapshot_started.notify_one();
    }
}

/// Drain the propagation stream into the AOF buffer, splitting at the start of an AOF
/// rewrite. Returns whether a background snapshot is waiting to be driven.
fn feed_aof(shared: &Shared) -> bool {
    let mut eng = shared.engine.borrow_mut();
    let st = eng.state_mut();
    let mark = st.persist.rewrite_prop_mark.take();
    let bg = st.persist.bg.is_some();
    let mut guard = shared.persist.aof.borrow_mut();
    let Some(aof) = guard.as_mut() else {
        // Propagation is on only while the AOF is (disable_aof turns it off).
        return bg;
    };
    let props = st
        .propagation
        .as_mut()
        .map(std::mem::take)
        .unwrap_or_default();
    if props.is_empty() && mark.is_none() {
        return bg;
    }
    let mut rewrite_started = false;
    for (i, (db, argv)) in props.iter().enumerate() {
        if mark == Some(i) {
            start_incr_for_rewrite(aof);
            rewrite_started = true;
        }
        aof.feed(*db, argv);
    }
    if let Some(m) = mark {
        if m >= props.len() && !rewrite_started {
            start_incr_for_rewrite(aof);
        }
    }
    if !props.is_empty() {
        aof.appended_seq += 1;
        shared.persist.kick.notify_one();
    }
    bg
}

fn start_incr_for_rewrite(aof: &mut Aof) {
    if let Err(e) = aof.start_rewrite() {
        log(&format!(
            "Error opening a new AOF increment file for the rewrite: {e}"
        ));
        aof.last_error = Some(e.to_string());
    }
}

/// The flush task's round: write everything buffered; under `always`, fsync it on a
/// blocking thread while the event loop keeps executing (and buffering) other
/// connections' commands, then go again while anything new was buffered — so fsyncs run
/// back to back, each covering everything that arrived during the previous one.
async fn flush_round(shared: &Shared) {
    loop {
        let (seq, file) = {
            let mut guard = shared.persist.aof.borrow_mut();
            let Some(aof) = guard.as_mut() else { break };
            if let Err(e) = aof.write_out() {
                drop(guard);
                write_failed(shared, e);
                break;
            }
            if aof.flushed_seq >= aof.appended_seq {
                break;
            }
            (aof.appended_seq, aof.file_for_sync())
        };
        let Some(file) = file else { break };
        let r = tokio::task::spawn_blocking(move || file.sync_data()).await;
        if !matches!(r, Ok(Ok(()))) {
            log(&format!("Error syncing the AOF file: {r:?}"));
            log(
                "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...",
            );
            std::process::exit(1);
        }
        if let Some(aof) = shared.persist.aof.borrow_mut().as_mut() {
            aof.synced(seq);
        }
        shared.persist.flushed.notify_waiters();
    }
    shared.persist.flushed.notify_waiters();
}

fn write_failed(shared: &Shared, e: std::io::Error) {
    log(&format!("Error writing to the AOF file: {e}"));
    let mut guard = shared.persist.aof.borrow_mut();
    let Some(aof) = guard.as_mut() else { return };
    if aof.fsync == Fsync::Always {
        log("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
        std::process::exit(1);
    }
    aof.last_error = Some(e.to_string());
    // Keep the waiters moving: under everysec/no Redis acknowledges and retries.
    aof.flushed_seq = aof.appended_seq;
}

/// Write (and, under `always`, fsync) everything buffered.
fn flush_aof(shared: &Shared) {
    let mut guard = shared.persist.aof.borrow_mut();
    let Some(aof) = guard.as_mut() else { return };
    match aof.flush() {
        Ok(()) => {
            aof.last_error = None;
        }
        Err(e) => {
            log(&format!("Error writing to the AOF file: {e}"));
            if aof.fsync == Fsync::Always {
                log(
                    "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...",
                );
                std::process::exit(1);
            }
            aof.last_error = Some(e.to_string());
            // Keep the waiters moving: under everysec/no Redis acknowledges and retries.
            aof.flushed_seq = aof.appended_seq;
        }
    }
}

/// Wait until this connection's writes are in the AOF (written; fsynced under
/// `always`). Returns at once when the AOF is off or nothing is pending. Connections
/// call this after a batch, before writing its replies.
pub async fn barrier(shared: &Shared) {
    let target = {
        let a = shared.persist.aof.borrow();
        match a.as_ref() {
            None => return,
            Some(a) if a.flushed_seq >= a.appended_seq => return,
            Some(a) => a.appended_seq,
        }
    };
    loop {
        let notified = shared.persist.flushed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        {
            let a = shared.persist.aof.borrow();
            match a.as_ref() {
                None => return,
                Some(a) if a.flushed_seq >= target => return,
                Some(_) => {}
            }
        }
        shared.persist.kick.notify_one();
        notified.await;
    }
}

/// Start a background snapshot from the host (save points, schedules, auto-rewrite).
fn host_start(shared: &Shared, purpose: Purpose) {
    // Everything propagated so far belongs before the snapshot's point in time.
    feed_aof(shared);
    {
        let mut eng = shared.engine.borrow_mut();
        let now = eng.now();
        let st = eng.state_mut();
        if st.persist.bg.is_some() {
            return;
        }
        match purpose {
            Purpose::Rdb => {
                st.persist.scheduled_bgsave = false;
                snapshot::start_bg(st, Purpose::Rdb, now);
            }
            Purpose::AofRewrite => cinnabar::cmd::persist_cmds::start_rewrite(st, now),
        }
    }
    feed_aof(shared);
    shared.persist.snapshot_started.notify_one();
}

fn rdb_path(eng: &Engine) -> (PathBuf, PathBuf) {
    let cfg = &eng.state().config;
    let dir = PathBuf::from(cfg.get("dir").unwrap_or("."));
    let file = dir.join(cfg.get("dbfilename").unwrap_or("dump.rdb"));
    (dir.join(format!("temp-{}.rdb", std::process::id())), file)
}

/// Step the running snapshot to its end, writing it to a temp file, then make it
/// durable and put it in place.
async fn drive_snapshot(shared: &Rc<Shared>) {
    let (purpose, started) = {
        let eng = shared.engine.borrow();
        match eng.state().persist.bg.as_ref() {
            Some(b) => (b.purpose, b.started_ms),
            None => return,
        }
    };
    let (tmp, dest) = match purpose {
        Purpose::Rdb => {
            log("Background saving started");
            rdb_path(&shared.engine.borrow())
        }
        Purpose::AofRewrite => {
            log("Background append only file rewriting started");
            let a = shared.persist.aof.borrow();
            match a.as_ref() {
                Some(a) => (a.rewrite_temp_path(), PathBuf::new()),
                None => {
                    let cfg = shared.engine.borrow().state().config.clone();
                    let dir = aof::aof_dir(&cfg);
                    let _ = std::fs::create_dir_all(&dir);
                    (
                        dir.join(format!("temp-rewriteaof-bg-{}.aof", std::process::id())),
                        PathBuf::new(),
                    )
                }
            }
        }
    };
    let mut file = match File::create(&tmp) {
        Ok(f) => f,
        Err(e) => {
            log(&format!(
                "Failed opening the temp file {} for saving: {e}",
                tmp.display()
            ));
            complete(shared, purpose, false, &tmp, 0);
            return;
        }
    };
    let mut written = 0u64;
    let mut max_us = 0u64;
    let mut steps: Vec<u32> = Vec::new();
    loop {
        let t0 = Instant::now();
        let step = {
            let mut eng = shared.engine.borrow_mut();
            snapshot::step_bg(eng.state_mut(), snapshot::STEP_ENTRIES)
        };
        let us = t0.elapsed().as_micros() as u64;
        max_us = max_us.max(us);
        steps.push(us.min(u32::MAX as u64) as u32);
        let Some((bytes, done)) = step else {
            // Aborted (shutdown).
            drop(file);
            let _ = std::fs::remove_file(&tmp);
            return;
        };
        if let Err(e) = file.write_all(&bytes) {
            log(&format!("Write error saving DB on disk: {e}"));
            drop(file);
            complete(shared, purpose, false, &tmp, 0);
            return;
        }
        written += bytes.len() as u64;
        if done {
            break;
        }
        tokio::task::yield_now().await;
    }
    shared.persist.max_step_us.set(max_us);
    let failed = shared
        .engine
        .borrow()
        .state()
        .persist
        .bg
        .as_ref()
        .and_then(|b| b.error.clone());
    if let Some(e) = failed {
        log(&format!("Background saving error: {e}"));
        drop(file);
        complete(shared, purpose, false, &tmp, 0);
        return;
    }
    // fsync (and rename, for an RDB) away from the event loop.
    let dest2 = dest.clone();
    let tmp2 = tmp.clone();
    let durable = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        file.sync_all()?;
        drop(file);
        if purpose == Purpose::Rdb {
            std::fs::rename(&tmp2, &dest2)?;
            if let Some(d) = dest2.parent() {
                aof::fsync_dir(d);
            }
        }
        Ok(())
    })
    .await;
    let ok = matches!(durable, Ok(Ok(())));
    if !ok {
        log(&format!("Error making the snapshot durable: {durable:?}"));
    }
    let secs = (shared.engine.borrow().now() - started).max(0) as f64 / 1000.0;
    steps.sort_unstable();
    let pct = |p: usize| {
        steps
            .get((steps.len().saturating_sub(1)) * p / 100)
            .copied()
            .unwrap_or(0)
    };
    log(&format!(
        "Snapshot of {} bytes written in {:.3} s in {} steps; pause per step: median {} us, p99 {} us, longest {} us",
        written,
        secs,
        steps.len(),
        pct(50),
        pct(99),
        max_us
    ));
    complete(shared, purpose, ok, &tmp, written);
}

/// A snapshot ended: put an AOF base in place, update the engine's statuses.
fn complete(shared: &Shared, purpose: Purpose, mut ok: bool, tmp: &Path, len: u64) {
    if purpose == Purpose::AofRewrite {
        let mut guard = shared.persist.aof.borrow_mut();
        match guard.as_mut() {
            Some(a) if ok => {
                if let Err(e) = a.finish_rewrite(tmp, len) {
                    log(&format!("Error trying to rename the rewritten AOF: {e}"));
                    a.abort_rewrite();
                    ok = false;
                } else {
                    log("Background AOF rewrite finished successfully");
                }
            }
            Some(a) => {
                a.abort_rewrite();
                if a.manifest.base.is_none() {
                    // The AOF was being created (CONFIG SET appendonly yes): give up, as
                    // the base could not be written.
                    log("AOF base could not be written: turning the AOF off");
                    drop(guard);
                    disable_aof(shared);
                    let _ = shared.engine.borrow_mut().state_mut().config.set(
                        "appendonly",
                        "no",
                        false,
                    );
                    let mut eng = shared.engine.borrow_mut();
                    let now = eng.now();
                    snapshot::finish_bg(eng.state_mut(), false, now);
                    return;
                }
            }
            None if ok => {
                // A rewrite with the AOF off: a base-only AOF, as Redis 7 makes.
                let cfg = shared.engine.borrow().state().config.clone();
                if let Err(e) = base_only_aof(&cfg, tmp) {
                    log(&format!("Error writing the rewritten AOF: {e}"));
                    ok = false;
                }
            }
            None => {
                let _ = std::fs::remove_file(tmp);
            }
        }
    } else if ok {
        log("Background saving terminated with success");
    } else {
        let _ = std::fs::remove_file(tmp);
        shared.persist.last_bgsave_fail.set(Some(Instant::now()));
        log("Background saving error");
    }
    let mut eng = shared.engine.borrow_mut();
    let now = eng.now();
    snapshot::finish_bg(eng.state_mut(), ok, now);
    drop(eng);
    let a = shared.persist.aof.borrow();
    update_info(&mut shared.engine.borrow_mut(), a.as_ref());
}

fn base_only_aof(cfg: &cinnabar::Config, tmp: &Path) -> std::io::Result<()> {
    let dir = aof::aof_dir(cfg);
    let filename = cfg
        .get("appendfilename")
        .unwrap_or("appendonly.aof")
        .to_string();
    let mpath = dir.join(format!("{filename}.manifest"));
    let old = std::fs::read(&mpath)
        .ok()
        .and_then(|t| aof::Manifest::parse(&t).ok())
        .unwrap_or_default();
    let seq = old.base.as_ref().map_or(1, |b| b.seq + 1);
    let name = format!("{filename}.{seq}.base.rdb");
    std::fs::rename(tmp, dir.join(&name))?;
    let m = aof::Manifest {
        base: Some(aof::FileInfo {
            name,
            seq,
            kind: 'b',
        }),
        ..Default::default()
    };
    aof::write_atomic(&mpath, m.to_text().as_bytes())?;
    for f in old
        .base
        .iter()
        .chain(old.incrs.iter())
        .chain(old.history.iter())
    {
        let _ = std::fs::remove_file(dir.join(&f.name));
    }
    Ok(())
}

/// Parse `save` ("3600 1 300 100") into (seconds, changes) pairs.
fn save_points(s: &str) -> Vec<(i64, u64)> {
    let w: Vec<&str> = s.split_whitespace().collect();
    w.chunks_exact(2)
        .filter_map(|p| Some((p[0].parse().ok()?, p[1].parse().ok()?)))
        .collect()
}

/// Ten times a second: AOF on/off and policy changes, everysec fsync, save points,
/// scheduled snapshots, automatic AOF rewrites, INFO fields.
fn cron(shared: &Shared) {
    let (
        want_aof,
        fsync_cfg,
        save,
        now,
        dirty,
        lastsave,
        bg,
        scheduled_bgsave,
        rewrite_scheduled,
        pct,
        min_size,
    ) = {
        let eng = shared.engine.borrow();
        let st = eng.state();
        let c = &st.config;
        (
            c.get("appendonly") == Some("yes"),
            Fsync::parse(c.get("appendfsync").unwrap_or("everysec")),
            save_points(c.get("save").unwrap_or("")),
            eng.now(),
            st.dirty,
            st.persist.lastsave,
            st.persist.bg.is_some(),
            st.persist.scheduled_bgsave,
            st.persist.aof.rewrite_scheduled,
            c.get("auto-aof-rewrite-percentage")
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(100),
            c.get("auto-aof-rewrite-min-size")
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(64 << 20),
        )
    };
    // CONFIG SET appendonly yes|no.
    let have_aof = shared.persist.aof.borrow().is_some();
    if want_aof && !have_aof {
        enable_aof(shared, fsync_cfg);
    } else if !want_aof && have_aof {
        disable_aof(shared);
    }
    // Writes propagated outside client batches (active expiry) go in now.
    feed_aof(shared);
    {
        let mut guard = shared.persist.aof.borrow_mut();
        if let Some(a) = guard.as_mut() {
            if a.fsync != fsync_cfg {
                if fsync_cfg == Fsync::Always {
                    let _ = a.flush();
                    let _ = a.sync_now();
                }
                a.fsync = fsync_cfg;
            }
        }
    }
    // (feed_aof kicked the flush task if anything was fed.)
    everysec_fsync(shared);
    // Save points.
    if !bg {
        let retry_ok = shared
            .persist
            .last_bgsave_fail
            .get()
            .is_none_or(|t| t.elapsed() >= Duration::from_secs(5));
        let due = save
            .iter()
            .find(|&&(secs, changes)| dirty >= changes && now / 1000 - lastsave > secs)
            .copied();
        if let (Some((secs, changes)), true) = (due, retry_ok) {
            log(&format!("{changes} changes in {secs} seconds. Saving..."));
            host_start(shared, Purpose::Rdb);
        } else if scheduled_bgsave {
            host_start(shared, Purpose::Rdb);
        } else if rewrite_scheduled {
            host_start(shared, Purpose::AofRewrite);
        } else if want_aof && pct > 0 {
            let (size, base) = {
                let a = shared.persist.aof.borrow();
                a.as_ref()
                    .map_or((0, 0), |a| (a.total_size(), a.rewrite_base_size))
            };
            let base = base.max(1);
            let growth = size.saturating_sub(base) * 100 / base;
            if size > min_size && growth >= pct {
                log(&format!(
                    "Starting automatic rewriting of AOF on {growth}% growth"
                ));
                host_start(shared, Purpose::AofRewrite);
            }
        }
    }
    let a = shared.persist.aof.borrow();
    update_info(&mut shared.engine.borrow_mut(), a.as_ref());
}

fn everysec_fsync(shared: &Shared) {
    if shared
        .persist
        .last_fsync
        .get()
        .is_some_and(|t| t.elapsed() < Duration::from_secs(1))
    {
        return;
    }
    let file = {
        let mut guard = shared.persist.aof.borrow_mut();
        let Some(a) = guard.as_mut() else { return };
        if a.fsync != Fsync::EverySec || !a.unsynced {
            return;
        }
        if shared.persist.fsync_in_flight.get() {
            // The previous fsync is still running (slow disk): try again next tick.
            return;
        }
        a.unsynced = false;
        a.file_for_sync()
    };
    let Some(file) = file else { return };
    shared.persist.last_fsync.set(Some(Instant::now()));
    let flag = shared.persist.fsync_in_flight.clone();
    flag.set(true);
    tokio::task::spawn_local(async move {
        let r = tokio::task::spawn_blocking(move || file.sync_data()).await;
        if !matches!(r, Ok(Ok(()))) {
            log(&format!("Error in the everysec AOF fsync: {r:?}"));
        }
        flag.set(false);
    });
}

/// `CONFIG SET appendonly yes`: start an AOF from the current data, as Redis: writes go
/// to a new increment from now on, and a background snapshot of this moment becomes the
/// base (the AOF is complete once `aof_rewrite_in_progress` is back to 0).
fn enable_aof(shared: &Shared, fsync: Fsync) {
    let running = shared.engine.borrow().state().persist.bg.is_some();
    if running {
        // Wait for the running snapshot; the cron tries again.
        return;
    }
    let cfg = shared.engine.borrow().state().config.clone();
    match aof::begin_runtime(&cfg, fsync) {
        Ok(a) => {
            *shared.persist.aof.borrow_mut() = Some(a);
            let mut eng = shared.engine.borrow_mut();
            let now = eng.now();
            // Propagation starts at the snapshot's point in time.
            eng.state_mut().propagation = Some(Vec::new());
            snapshot::start_bg(eng.state_mut(), Purpose::AofRewrite, now);
            drop(eng);
            shared.persist.snapshot_started.notify_one();
            log("AOF enabled: writing the base file in the background");
        }
        Err(e) => {
            log(&format!("Redis needs to enable the AOF but can't: {e}"));
            let _ = shared
                .engine
                .borrow_mut()
                .state_mut()
                .config
                .set("appendonly", "no", false);
        }
    }
}

/// `CONFIG SET appendonly no`: flush, fsync and close the AOF.
fn disable_aof(shared: &Shared) {
    feed_aof(shared);
    flush_aof(shared);
    if let Some(mut a) = shared.persist.aof.borrow_mut().take() {
        let _ = a.sync_now();
        a.abort_rewrite();
    }
    shared.persist.flushed.notify_waiters();
    let mut eng = shared.engine.borrow_mut();
    let st = eng.state_mut();
    // The AOF was propagation's only consumer here.
    st.propagation = None;
    if st.persist.bg_running(Purpose::AofRewrite) {
        snapshot::abort_bg(st);
    }
    log("AOF disabled");
}

/// Mirror host facts into the engine for INFO persistence.
fn update_info(eng: &mut Engine, aof: Option<&Aof>) {
    let p = &mut eng.state_mut().persist.aof;
    p.enabled = aof.is_some();
    if let Some(a) = aof {
        p.current_size = a.total_size() + a.buf.len() as u64;
        p.base_size = a.rewrite_base_size;
        p.buffer_length = a.buf.len() as u64;
        p.last_write_ok = a.last_error.is_none();
    }
}

/// Before exiting (SHUTDOWN, SIGTERM): stop a background snapshot, flush and fsync the
/// AOF, and save the RDB when asked (SAVE) or when save points exist (default). Returns
/// false when the save failed (Redis then refuses to exit).
pub fn prepare_shutdown(shared: &Shared, mode: ShutdownMode) -> bool {
    if shared.persist.shutdown_done.replace(true) {
        return true;
    }
    {
        let mut eng = shared.engine.borrow_mut();
        let st = eng.state_mut();
        if st.persist.bg.is_some() {
            log("There is a child saving an .rdb. Killing it!");
            snapshot::abort_bg(st);
        }
    }
    if let Some(a) = shared.persist.aof.borrow_mut().as_mut() {
        if a.pending_rewrite.is_some() {
            a.abort_rewrite();
        }
    }
    feed_aof(shared);
    flush_aof(shared);
    if let Some(a) = shared.persist.aof.borrow_mut().as_mut() {
        log("Calling fsync() on the AOF file.");
        let _ = a.sync_now();
    }
    shared.persist.flushed.notify_waiters();
    let mut eng = shared.engine.borrow_mut();
    let has_points = !save_points(eng.state().config.get("save").unwrap_or("")).is_empty();
    let save = match mode {
        ShutdownMode::Save => true,
        ShutdownMode::NoSave => false,
        ShutdownMode::Default => has_points,
    };
    if save {
        log("Saving the final RDB snapshot before exiting.");
        let now = eng.now();
        if let Err(e) = snapshot::save_sync(eng.state_mut(), now) {
            log(&format!("Error trying to save the DB, can't exit: {e}"));
            shared.persist.shutdown_done.set(false);
            return false;
        }
    }
    true
}
