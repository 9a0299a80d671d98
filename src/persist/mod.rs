//! Persistence formats and the engine-side state of saving.
//!
//! * [`rdb`], [`value`], [`encodings`], [`lzf`], [`crc64`]: the RDB format (Redis's
//!   snapshot format) — primitives, value encodings, compact blobs, compression and the
//!   checksum. `docs/FORMATS.md` pins the bytes.
//! * [`dump`]: DUMP/RESTORE payloads (a value encoding + RDB version + CRC64).
//! * [`snapshot`]: whole RDB files — written at once (SAVE), written incrementally while
//!   clients keep being served (BGSAVE, AOF rewrite), and loaded.
//!
//! No I/O happens here: the engine produces and consumes bytes; hosts (the native
//! server's `persistence.rs` / `aof.rs`, or the wasm glue) put them in files. A host
//! registers itself as the [`PersistHost`] so that SAVE, which must answer only once
//! the file is durable, can hand it the bytes synchronously.

pub mod crc64;
pub mod dump;
pub mod encodings;
pub mod lzf;
pub mod rdb;
pub mod snapshot;
pub mod value;

/// What a background snapshot is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// BGSAVE (or a save point): the snapshot becomes `dbfilename`.
    Rdb,
    /// BGREWRITEAOF: the snapshot becomes the new AOF base file.
    AofRewrite,
}

/// The host's side of saving, registered by the server (or the wasm glue).
pub trait PersistHost {
    /// Write a complete RDB snapshot durably as `file` (`dbfilename`) in `dir` (SAVE,
    /// SHUTDOWN SAVE). Called synchronously; the command answers after it returns.
    fn save_rdb(&mut self, dir: &str, file: &str, bytes: &[u8]) -> Result<(), String>;
}

/// AOF facts the host maintains for INFO persistence.
#[derive(Debug, Clone, Default)]
pub struct AofInfo {
    /// The AOF is on (`appendonly yes` and loaded/created).
    pub enabled: bool,
    /// A rewrite was asked for while another snapshot ran.
    pub rewrite_scheduled: bool,
    /// Duration of the last rewrite in seconds (-1 = none yet).
    pub last_rewrite_time_sec: i64,
    /// The last rewrite succeeded.
    pub last_bgrewrite_ok: bool,
    /// Rewrites done.
    pub rewrites: u64,
    /// Consecutive failed rewrites.
    pub rewrites_consecutive_failures: u64,
    /// The last write/fsync succeeded.
    pub last_write_ok: bool,
    /// Current total AOF size (base + incr) in bytes.
    pub current_size: u64,
    /// Size after the last rewrite/start (for auto-aof-rewrite-percentage).
    pub base_size: u64,
    /// Bytes waiting in the AOF buffer.
    pub buffer_length: u64,
    /// fsyncs delayed because the previous one was still running (everysec).
    pub delayed_fsync: u64,
}

/// The engine-side state of persistence (in [`crate::cmd::State`]).
#[derive(Default)]
pub struct PersistState {
    /// The host that writes files, if any.
    pub host: Option<Box<dyn PersistHost>>,
    /// The background snapshot in progress.
    pub bg: Option<Box<snapshot::BgSnapshot>>,
    /// A BGSAVE asked for while another snapshot ran (`BGSAVE SCHEDULE`, or inside a
    /// transaction); the host starts it when possible.
    pub scheduled_bgsave: bool,
    /// Set by the engine while EXEC runs a transaction (a snapshot must not start in
    /// the middle of one).
    pub in_exec: bool,
    /// Where in the propagation buffer a running AOF rewrite started (`None` when
    /// propagation is off or the host already split there).
    pub rewrite_prop_mark: Option<usize>,
    /// Unix seconds of the last successful save (LASTSAVE); 0 = engine start.
    pub lastsave: i64,
    /// The last background save succeeded.
    pub last_bgsave_ok: bool,
    /// Saves done (SAVE and BGSAVE).
    pub rdb_saves: u64,
    /// Duration of the last BGSAVE in seconds (-1 = none yet).
    pub last_bgsave_time_sec: i64,
    /// Keys loaded and skipped as expired by the last RDB load.
    pub last_load_keys_loaded: u64,
    /// Keys skipped as expired by the last RDB load.
    pub last_load_keys_expired: u64,
    /// Loading is in progress (INFO `loading`).
    pub loading: bool,
    /// AOF facts (host-maintained).
    pub aof: AofInfo,
    /// Changes since the last save (a copy of `State::dirty` taken when the host starts a
    /// background save, subtracted when it completes, as Redis's `dirty_before_bgsave`).
    pub dirty_before_bgsave: u64,
}

impl std::fmt::Debug for PersistState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersistState")
            .field("host", &self.host.is_some())
            .field("bg", &self.bg.as_ref().map(|b| b.purpose))
            .field("lastsave", &self.lastsave)
            .finish()
    }
}

impl PersistState {
    /// A new state: no save yet, statuses ok.
    pub fn new(now_ms: i64) -> PersistState {
        PersistState {
            lastsave: now_ms / 1000,
            last_bgsave_ok: true,
            last_bgsave_time_sec: -1,
            aof: AofInfo {
                last_rewrite_time_sec: -1,
                last_bgrewrite_ok: true,
                last_write_ok: true,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    /// Whether a background snapshot of `purpose` is running.
    pub fn bg_running(&self, purpose: Purpose) -> bool {
        self.bg.as_ref().is_some_and(|b| b.purpose == purpose)
    }
}
