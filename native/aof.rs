//! The append-only file, in Redis 7's multi-part layout.
//!
//! ```text
//! <dir>/<appenddirname>/
//!     <appendfilename>.<n>.base.rdb     a snapshot (RDB, `aof-base` aux = 1), or .base.aof
//!     <appendfilename>.<m>.incr.aof     RESP commands written since that snapshot
//!     <appendfilename>.manifest         which files make up the AOF, in order
//! ```
//!
//! The manifest lists one base and the increment files in order (`file <name> seq <n>
//! type b|i|h`, one per line); it is replaced atomically (temp file, fsync, rename,
//! fsync of the directory), so the set of files named by it is always complete.
//! `redis-check-aof <manifest>` and redis-server 7 read this layout as their own; a
//! Redis 6 single-file AOF (`<dir>/<appendfilename>`) is adopted as the base on start.
//!
//! Writes come from the engine's propagation stream, encoded as RESP multibulk
//! commands (with a SELECT whenever the database changes). They are buffered per
//! batch; a connection waits at [`barrier`] before its replies go out, and one flush
//! task writes everything buffered by all connections of a loop round with one
//! `write` — and one `fdatasync` under `appendfsync always` — then releases them all
//! (group commit). Under `everysec` the data is written before replies and fsynced once
//! a second off the event loop; under `no` it is written and left to the kernel.
//!
//! Loading replays the base and then each increment through `Engine::execute` with a
//! dedicated client. A truncated last file is cut back to its last complete command
//! (`aof-load-truncated yes`, as Redis; an unfinished MULTI is dropped); a damaged
//! command anywhere, or a truncated file that is not the last, stops the start with a
//! message naming the file and the fix, as Redis does.
//!
//! BGREWRITEAOF: at its start a new increment file is opened (and listed), so writes
//! from then on go there; the background snapshot becomes the next base; when it is
//! durable the manifest names the new base and the new increment only, and the old
//! files are deleted.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cinnabar::Engine;
use cinnabar::cmd::Args;
use cinnabar::persist::snapshot::{self, LoadOpts};

use crate::server::log;

/// `appendfsync`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fsync {
    /// Before every reply.
    Always,
    /// Once a second.
    EverySec,
    /// Never (the kernel decides).
    No,
}

impl Fsync {
    /// From the configuration value.
    pub fn parse(s: &str) -> Fsync {
        match s {
            "always" => Fsync::Always,
            "no" => Fsync::No,
            _ => Fsync::EverySec,
        }
    }
}

/// One file named by the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    /// File name inside the AOF directory.
    pub name: String,
    /// Sequence number.
    pub seq: u64,
    /// `b` base, `i` increment, `h` history (to delete).
    pub kind: char,
}

/// The manifest: one base (optional), history files, increments in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// The base file.
    pub base: Option<FileInfo>,
    /// Files left from an earlier layout, to delete.
    pub history: Vec<FileInfo>,
    /// Increment files, oldest first.
    pub incrs: Vec<FileInfo>,
}

fn needs_repr(s: &str) -> bool {
    s.bytes().any(|b| {
        b.is_ascii_whitespace()
            || b == b'"'
            || b == b'\''
            || b == b'\\'
            || !(0x20..0x7f).contains(&b)
    })
}

fn repr(s: &str) -> String {
    let mut out = String::from("\"");
    for b in s.bytes() {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

impl Manifest {
    /// Parse a manifest file's text (Redis's `aofLoadManifestFromFile` rules).
    pub fn parse(text: &[u8]) -> Result<Manifest, String> {
        let mut m = Manifest::default();
        let mut last_incr_seq = 0u64;
        for raw in text.split_inclusive(|&b| b == b'\n') {
            if !raw.ends_with(b"\n") {
                return Err("The AOF manifest file is invalid format".into());
            }
            let line = &raw[..raw.len() - 1];
            if line.first() == Some(&b'#') || line.is_empty() {
                continue;
            }
            if raw.len() > 1024 {
                return Err("The AOF manifest file contains too long line".into());
            }
            let mut buf = Vec::new();
            let mut ranges = Vec::new();
            if !cinnabar::resp::parse::split_args(line, &mut buf, &mut ranges)
                || ranges.len() % 2 != 0
            {
                return Err("Invalid AOF manifest file format".into());
            }
            let (mut name, mut seq, mut kind) = (None, None, None);
            for pair in ranges.chunks_exact(2) {
                let k = &buf[pair[0].clone()];
                let v = String::from_utf8_lossy(&buf[pair[1].clone()]).into_owned();
                match k {
                    b"file" => {
                        if v.contains('/') {
                            return Err("File can't be a path, just a filename".into());
                        }
                        name = Some(v)
                    }
                    b"seq" => seq = v.parse::<u64>().ok(),
                    b"type" => kind = v.chars().next(),
                    _ => {}
                }
            }
            let (Some(name), Some(seq), Some(kind)) = (name, seq, kind) else {
                return Err("Invalid AOF manifest file format".into());
            };
            let fi = FileInfo { name, seq, kind };
            match kind {
                'b' => {
                    if m.base.is_some() {
                        return Err("Found duplicate base file information".into());
                    }
                    m.base = Some(fi);
                }
                'h' => m.history.push(fi),
                'i' => {
                    if seq <= last_incr_seq {
                        return Err("Found a non-monotonic sequence number".into());
                    }
                    last_incr_seq = seq;
                    m.incrs.push(fi);
                }
                _ => return Err("Unknown AOF file type".into()),
            }
        }
        if m.base.is_none() && m.incrs.is_empty() {
            return Err("Found an empty AOF manifest".into());
        }
        Ok(m)
    }

    /// The manifest's text (Redis's `getAOFManifestAsString`).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mut line = |f: &FileInfo| {
            let name = if needs_repr(&f.name) {
                repr(&f.name)
            } else {
                f.name.clone()
            };
            out.push_str(&format!("file {} seq {} type {}\n", name, f.seq, f.kind));
        };
        if let Some(b) = &self.base {
            line(b);
        }
        for h in &self.history {
            line(h);
        }
        for i in &self.incrs {
            line(i);
        }
        out
    }

    fn next_base_seq(&self) -> u64 {
        self.base.as_ref().map_or(1, |b| b.seq + 1)
    }

    fn next_incr_seq(&self) -> u64 {
        self.incrs.last().map_or(1, |i| i.seq + 1)
    }
}

/// Write `bytes` to `path` atomically and durably (temp file, fsync, rename, fsync dir).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!("temp-{name}"));
    {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    fsync_dir(dir);
    Ok(())
}

/// fsync a directory (so a rename in it is durable). Best effort.
pub fn fsync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Append the RESP encoding of `argv` to `out` (no allocation beyond `out`'s growth).
pub fn encode_command<A: AsRef<[u8]>>(out: &mut Vec<u8>, argv: &[A]) {
    let mut buf = [0u8; 20];
    out.push(b'*');
    out.extend_from_slice(cinnabar::persist::rdb::fmt_i64(argv.len() as i64, &mut buf));
    out.extend_from_slice(b"\r\n");
    for a in argv {
        let a = a.as_ref();
        out.push(b'$');
        out.extend_from_slice(cinnabar::persist::rdb::fmt_i64(a.len() as i64, &mut buf));
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

/// The AOF writer: the manifest, the open increment file, and the buffer.
#[derive(Debug)]
pub struct Aof {
    /// The AOF directory.
    pub dir: PathBuf,
    /// `appendfilename`.
    pub filename: String,
    /// The current manifest.
    pub manifest: Manifest,
    file: Option<Arc<File>>,
    /// Bytes waiting to be written.
    pub buf: Vec<u8>,
    selected_db: Option<usize>,
    /// `appendfsync`.
    pub fsync: Fsync,
    /// Bumped each time commands are buffered.
    pub appended_seq: u64,
    /// `appended_seq` covered by the last completed flush (write, + fsync if always).
    pub flushed_seq: u64,
    /// Bytes written since the last fsync.
    pub unsynced: bool,
    /// Size of the current increment file.
    pub incr_size: u64,
    /// Size of the base file plus older increments.
    pub other_size: u64,
    /// Size of the AOF after the last rewrite / at start (auto-rewrite reference).
    pub rewrite_base_size: u64,
    /// The manifest to write when the running rewrite completes (its new base name and
    /// the increments that follow it).
    pub pending_rewrite: Option<(String, u64)>,
    /// The last write or fsync failed.
    pub last_error: Option<String>,
}

/// Result of replaying one file.
struct Replayed {
    commands: u64,
    truncated_at: Option<usize>,
}

impl Aof {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn manifest_path(&self) -> PathBuf {
        self.dir.join(format!("{}.manifest", self.filename))
    }

    fn persist_manifest(&self) -> std::io::Result<()> {
        write_atomic(&self.manifest_path(), self.manifest.to_text().as_bytes())
    }

    /// Total size (for INFO and auto-rewrite).
    pub fn total_size(&self) -> u64 {
        self.incr_size + self.other_size
    }

    /// Buffer one propagated command.
    pub fn feed(&mut self, db: usize, argv: &[Vec<u8>]) {
        if self.selected_db != Some(db) {
            encode_command(
                &mut self.buf,
                &[b"SELECT".as_slice(), db.to_string().as_bytes()],
            );
            self.selected_db = Some(db);
        }
        encode_command(&mut self.buf, argv);
    }

    /// Write the buffer to the increment file (one `write`). Under `everysec`/`no` this
    /// completes a flush (everything appended so far is marked flushed); under `always`
    /// an fsync must follow ([`Aof::file_for_sync`], then [`Aof::synced`]).
    pub fn write_out(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            let Some(f) = self.file.as_ref() else {
                return Err(std::io::Error::other("AOF file not open"));
            };
            let mut w: &File = f;
            w.write_all(&self.buf)?;
            self.incr_size += self.buf.len() as u64;
            self.buf.clear();
            if self.buf.capacity() > 4 << 20 {
                self.buf.shrink_to(64 << 10);
            }
            self.unsynced = true;
        }
        if self.fsync != Fsync::Always {
            self.flushed_seq = self.appended_seq;
        }
        Ok(())
    }

    /// An fsync that started when `appended_seq` was `seq` completed.
    pub fn synced(&mut self, seq: u64) {
        self.flushed_seq = self.flushed_seq.max(seq);
        // Every write so far was made by the flush task before this fsync started, or by
        // a synchronous flush that fsynced itself.
        self.unsynced = false;
    }

    /// Write the buffer and, under `always`, fsync it now on this thread.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.write_out()?;
        if self.fsync == Fsync::Always && self.unsynced {
            self.sync_now()?;
        }
        self.flushed_seq = self.appended_seq;
        Ok(())
    }

    /// A handle to the increment file for an fsync off the event loop.
    pub fn file_for_sync(&self) -> Option<Arc<File>> {
        self.file.clone()
    }

    /// fsync now, on this thread (shutdown, policy changes).
    pub fn sync_now(&mut self) -> std::io::Result<()> {
        if let Some(f) = &self.file {
            f.sync_data()?;
        }
        self.unsynced = false;
        Ok(())
    }

    fn open_incr(&mut self, seq: u64) -> std::io::Result<()> {
        let name = format!("{}.{}.incr.aof", self.filename, seq);
        let f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.path(&name))?;
        fsync_dir(&self.dir);
        self.other_size += self.incr_size;
        self.incr_size = f.metadata().map(|m| m.len()).unwrap_or(0);
        self.file = Some(Arc::new(f));
        self.selected_db = None;
        self.manifest.incrs.push(FileInfo {
            name,
            seq,
            kind: 'i',
        });
        Ok(())
    }

    /// A rewrite starts: everything buffered so far goes to the current increment; a new
    /// increment is opened and listed, so later writes are kept whatever happens to the
    /// rewrite.
    pub fn start_rewrite(&mut self) -> std::io::Result<()> {
        self.flush()?;
        if self.unsynced {
            self.sync_now()?;
        }
        let seq = self.manifest.next_incr_seq();
        self.open_incr(seq)?;
        self.persist_manifest()?;
        let base_seq = self.manifest.next_base_seq();
        self.pending_rewrite = Some((format!("{}.{}.base.rdb", self.filename, base_seq), base_seq));
        Ok(())
    }

    /// Where the rewrite's snapshot is written before it becomes the base.
    pub fn rewrite_temp_path(&self) -> PathBuf {
        self.dir
            .join(format!("temp-rewriteaof-bg-{}.aof", std::process::id()))
    }

    /// The rewrite's snapshot is durable at `tmp`: make it the base, keep only the
    /// increment opened at the rewrite's start (and any later ones), delete the rest.
    pub fn finish_rewrite(&mut self, tmp: &Path, base_len: u64) -> std::io::Result<()> {
        let Some((name, seq)) = self.pending_rewrite.take() else {
            return Err(std::io::Error::other("no rewrite pending"));
        };
        fs::rename(tmp, self.path(&name))?;
        fsync_dir(&self.dir);
        let old_base = self.manifest.base.replace(FileInfo {
            name,
            seq,
            kind: 'b',
        });
        // The increment opened at the rewrite's start is the last one.
        let keep = self.manifest.incrs.pop();
        let old_incrs = std::mem::take(&mut self.manifest.incrs);
        self.manifest.incrs.extend(keep);
        let old_history = std::mem::take(&mut self.manifest.history);
        self.persist_manifest()?;
        for f in old_base.into_iter().chain(old_incrs).chain(old_history) {
            let _ = fs::remove_file(self.path(&f.name));
        }
        self.other_size = base_len;
        self.rewrite_base_size = self.total_size();
        Ok(())
    }

    /// The rewrite failed: drop its temp file (the manifest still names every file).
    pub fn abort_rewrite(&mut self) {
        self.pending_rewrite = None;
        let _ = fs::remove_file(self.rewrite_temp_path());
    }
}

/// Paths from the configuration.
pub fn aof_dir(cfg: &cinnabar::Config) -> PathBuf {
    let dir = cfg.get("dir").unwrap_or(".");
    Path::new(dir).join(cfg.get("appenddirname").unwrap_or("appendonlydir"))
}

/// An AOF with no files yet, in the configured directory (created if missing), and the
/// manifest found there, if any (new files continue its sequence numbers).
fn empty_with_old_manifest(
    cfg: &cinnabar::Config,
    fsync: Fsync,
) -> Result<(Aof, Manifest), String> {
    let dir = aof_dir(cfg);
    fs::create_dir_all(&dir).map_err(|e| {
        format!(
            "Can't create the append-only file directory {}: {e}",
            dir.display()
        )
    })?;
    let filename = cfg
        .get("appendfilename")
        .unwrap_or("appendonly.aof")
        .to_string();
    let mpath = dir.join(format!("{filename}.manifest"));
    let old = fs::read(&mpath)
        .ok()
        .and_then(|t| Manifest::parse(&t).ok())
        .unwrap_or_default();
    let aof = Aof {
        dir,
        filename,
        manifest: Manifest::default(),
        file: None,
        buf: Vec::new(),
        selected_db: None,
        fsync,
        appended_seq: 0,
        flushed_seq: 0,
        unsynced: false,
        incr_size: 0,
        other_size: 0,
        rewrite_base_size: 0,
        pending_rewrite: None,
        last_error: None,
    };
    Ok((aof, old))
}

/// Create a fresh AOF for the engine's current data: base = a snapshot now (written
/// synchronously), a first increment, and the manifest. Used on a start with no AOF,
/// and when `CONFIG SET appendonly yes` finds no rewrite possible.
pub fn create_fresh(engine: &mut Engine, fsync: Fsync) -> Result<Aof, String> {
    let cfg = engine.state().config.clone();
    let (mut aof, old) = empty_with_old_manifest(&cfg, fsync)?;
    let base_seq = old.next_base_seq();
    let incr_seq = old.next_incr_seq();
    let now = engine.now();
    let st = engine.state_mut();
    let opts = snapshot::SaveOpts::from_state(st, now, true);
    let bytes = snapshot::save_all(&st.dbs, &opts)
        .map_err(|e| format!("Can't write the AOF base file: {e}"))?;
    let base = format!("{}.{}.base.rdb", aof.filename, base_seq);
    write_atomic(&aof.path(&base), &bytes)
        .map_err(|e| format!("Can't write the AOF base file: {e}"))?;
    aof.manifest.base = Some(FileInfo {
        name: base,
        seq: base_seq,
        kind: 'b',
    });
    aof.open_incr(incr_seq)
        .map_err(|e| format!("Can't open the append-only file: {e}"))?;
    aof.other_size = bytes.len() as u64;
    aof.persist_manifest()
        .map_err(|e| format!("Can't persist the AOF manifest: {e}"))?;
    for f in old
        .base
        .iter()
        .chain(old.incrs.iter())
        .chain(old.history.iter())
    {
        let _ = fs::remove_file(aof.path(&f.name));
    }
    aof.rewrite_base_size = aof.total_size();
    Ok(aof)
}

/// `CONFIG SET appendonly yes` at runtime, as Redis: open a new increment now (writes
/// from this moment go there) and let a background snapshot of this moment become the
/// base; the manifest naming both is written when the snapshot is durable
/// ([`Aof::finish_rewrite`]). An older manifest is removed now (its files are deleted
/// at the end), so a crash before the base is ready leaves no stale AOF to load.
pub fn begin_runtime(cfg: &cinnabar::Config, fsync: Fsync) -> Result<Aof, String> {
    let (mut aof, old) = empty_with_old_manifest(cfg, fsync)?;
    let _ = fs::remove_file(aof.manifest_path());
    fsync_dir(&aof.dir);
    let base_seq = old.next_base_seq();
    let incr_seq = old.next_incr_seq();
    aof.manifest.history = old
        .base
        .into_iter()
        .chain(old.incrs)
        .chain(old.history)
        .map(|mut f| {
            f.kind = 'h';
            f
        })
        .collect();
    aof.open_incr(incr_seq)
        .map_err(|e| format!("Can't open the append-only file: {e}"))?;
    aof.pending_rewrite = Some((format!("{}.{}.base.rdb", aof.filename, base_seq), base_seq));
    Ok(aof)
}

/// Load the AOF at start (appendonly yes) and open it for appending.
pub fn load_at_start(engine: &mut Engine) -> Result<Aof, String> {
    let cfg = engine.state().config.clone();
    let dir = aof_dir(&cfg);
    let filename = cfg
        .get("appendfilename")
        .unwrap_or("appendonly.aof")
        .to_string();
    let fsync = Fsync::parse(cfg.get("appendfsync").unwrap_or("everysec"));
    let allow_truncated = cfg.get("aof-load-truncated") != Some("no");
    let mpath = dir.join(format!("{filename}.manifest"));
    let old_single = Path::new(cfg.get("dir").unwrap_or(".")).join(&filename);
    if !mpath.exists() && old_single.is_file() {
        // Redis 6's single file: adopt it as the base (as Redis 7's upgrade does).
        fs::create_dir_all(&dir).map_err(|e| format!("Can't create {}: {e}", dir.display()))?;
        fs::rename(&old_single, dir.join(&filename))
            .map_err(|e| format!("Can't move the old AOF: {e}"))?;
        let m = Manifest {
            base: Some(FileInfo {
                name: filename.clone(),
                seq: 1,
                kind: 'b',
            }),
            ..Default::default()
        };
        write_atomic(&mpath, m.to_text().as_bytes())
            .map_err(|e| format!("Can't write the AOF manifest: {e}"))?;
        log(&format!(
            "Successfully migrated an old-style AOF into the AOF directory {}",
            dir.display()
        ));
    }
    if !mpath.exists() {
        log("Creating AOF base file on server start");
        return create_fresh(engine, fsync);
    }
    let text = fs::read(&mpath)
        .map_err(|e| format!("Can't read the AOF manifest {}: {e}", mpath.display()))?;
    let manifest = Manifest::parse(&text).map_err(|e| format!("{e} ({})", mpath.display()))?;
    let start = std::time::Instant::now();
    let client = engine.connect();
    if let Some(s) = engine.session_mut(client) {
        s.authenticated = true;
        s.can_block = false;
    }
    let files: Vec<&FileInfo> = manifest.base.iter().chain(manifest.incrs.iter()).collect();
    let mut total = 0u64;
    let mut other_size = 0u64;
    let mut last_size = 0u64;
    for (i, f) in files.iter().enumerate() {
        let is_last = i + 1 == files.len();
        let path = dir.join(&f.name);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && f.kind == 'i' && is_last => {
                // An increment listed but never written to: nothing to replay.
                Vec::new()
            }
            Err(e) => return Err(format!("Can't open the append-only file {}: {e}", f.name)),
        };
        let mut pos = 0usize;
        if bytes.starts_with(b"REDIS") {
            let o = LoadOpts {
                drop_expired: false,
                verify_checksum: true,
                now_ms: engine.now(),
            };
            let stats = snapshot::load_into_state(engine.state_mut(), &bytes, &o).map_err(|e| {
                format!(
                    "Bad file format reading the append only file {}: {e}",
                    f.name
                )
            })?;
            pos = stats.consumed;
        }
        let r = replay(engine, client, &bytes, pos, &f.name)?;
        total += r.commands;
        let mut size = bytes.len() as u64;
        if let Some(at) = r.truncated_at {
            if !is_last {
                return Err(format!(
                    "Unexpected end of file reading the append only file {}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.",
                    f.name
                ));
            }
            if !allow_truncated {
                return Err(format!(
                    "Unexpected end of file reading the append only file {}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.",
                    f.name
                ));
            }
            log(&format!(
                "!!! Warning: short read while loading the AOF file {}!!!",
                f.name
            ));
            log(&format!(
                "!!! Truncating the AOF {} at offset {} !!!",
                f.name, at
            ));
            let file = OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|e| format!("Error truncating the AOF file {}: {e}", f.name))?;
            file.set_len(at as u64)
                .map_err(|e| format!("Error truncating the AOF file {}: {e}", f.name))?;
            let _ = file.sync_all();
            size = at as u64;
            log(&format!(
                "AOF {} loaded anyway because aof-load-truncated is enabled",
                f.name
            ));
        }
        if is_last {
            last_size = size;
        } else {
            other_size += size;
        }
    }
    engine.disconnect(client);
    log(&format!(
        "DB loaded from append only file: {:.3} seconds ({} commands)",
        start.elapsed().as_secs_f64(),
        total
    ));
    let mut aof = Aof {
        dir,
        filename,
        manifest,
        file: None,
        buf: Vec::new(),
        selected_db: None,
        fsync,
        appended_seq: 0,
        flushed_seq: 0,
        unsynced: false,
        incr_size: 0,
        other_size: 0,
        rewrite_base_size: 0,
        pending_rewrite: None,
        last_error: None,
    };
    match aof.manifest.incrs.pop() {
        Some(last) => {
            let f = OpenOptions::new()
                .create(true)
                .append(true)
                .open(aof.path(&last.name))
                .map_err(|e| format!("Can't open the append-only file {}: {e}", last.name))?;
            aof.file = Some(Arc::new(f));
            aof.manifest.incrs.push(last);
            aof.incr_size = last_size;
            aof.other_size = other_size;
        }
        None => {
            aof.other_size = other_size + last_size;
            let seq = aof.manifest.next_incr_seq();
            aof.open_incr(seq)
                .map_err(|e| format!("Can't open the append-only file: {e}"))?;
            aof.persist_manifest()
                .map_err(|e| format!("Can't persist the AOF manifest: {e}"))?;
        }
    }
    // History files left by an interrupted cleanup.
    if !aof.manifest.history.is_empty() {
        for h in std::mem::take(&mut aof.manifest.history) {
            let _ = fs::remove_file(aof.path(&h.name));
        }
        let _ = aof.persist_manifest();
    }
    aof.rewrite_base_size = aof.total_size();
    Ok(aof)
}

fn find_crlf(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 1 < b.len() {
        match memchr(b'\r', &b[i..b.len() - 1]) {
            Some(off) => {
                let p = i + off;
                if b[p + 1] == b'\n' {
                    return Some(p);
                }
                i = p + 1;
            }
            None => return None,
        }
    }
    None
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

fn parse_num(b: &[u8]) -> Option<i64> {
    std::str::from_utf8(b).ok()?.parse().ok()
}

enum Cmd {
    /// A complete command: argument ranges, end offset.
    Full(usize),
    /// The file ends inside it.
    Truncated,
}

/// Parse one `*N\r\n$len\r\narg\r\n...` at `pos` into `ranges`.
fn parse_command(
    b: &[u8],
    pos: usize,
    ranges: &mut Vec<std::ops::Range<usize>>,
    name: &str,
) -> Result<Cmd, String> {
    let bad = || {
        format!(
            "Bad file format reading the append only file {name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>"
        )
    };
    ranges.clear();
    if b[pos] != b'*' {
        return Err(bad());
    }
    let Some(eol) = find_crlf(b, pos + 1) else {
        return Ok(Cmd::Truncated);
    };
    let argc = parse_num(&b[pos + 1..eol]).ok_or_else(bad)?;
    if argc < 1 {
        return Err(bad());
    }
    let mut p = eol + 2;
    for _ in 0..argc {
        if p >= b.len() {
            return Ok(Cmd::Truncated);
        }
        if b[p] != b'$' {
            return Err(bad());
        }
        let Some(eol) = find_crlf(b, p + 1) else {
            return Ok(Cmd::Truncated);
        };
        let len = parse_num(&b[p + 1..eol]).ok_or_else(bad)?;
        let len = usize::try_from(len).map_err(|_| bad())?;
        let start = eol + 2;
        let Some(end) = start.checked_add(len) else {
            return Err(bad());
        };
        if end + 2 > b.len() {
            return Ok(Cmd::Truncated);
        }
        if &b[end..end + 2] != b"\r\n" {
            return Err(bad());
        }
        ranges.push(start..end);
        p = end + 2;
    }
    Ok(Cmd::Full(p))
}

/// Replay the RESP commands of `b` from `pos`. A file that ends inside a command (or an
/// unfinished MULTI) reports where the last complete one ended.
fn replay(
    engine: &mut Engine,
    client: cinnabar::ClientHandle,
    b: &[u8],
    mut pos: usize,
    name: &str,
) -> Result<Replayed, String> {
    let mut ranges = Vec::with_capacity(8);
    let mut commands = 0u64;
    let mut valid = pos;
    let mut multi_start: Option<usize> = None;
    let table = cinnabar::cmd::table();
    while pos < b.len() {
        if b[pos] == b'#' {
            // An annotation (`#TS:...`).
            match find_crlf(b, pos) {
                Some(eol) => {
                    pos = eol + 2;
                    if multi_start.is_none() {
                        valid = pos;
                    }
                    continue;
                }
                None => break,
            }
        }
        let cmd_start = pos;
        match parse_command(b, pos, &mut ranges, name)? {
            Cmd::Truncated => break,
            Cmd::Full(end) => {
                let args = Args::new(b, &ranges);
                let cmd_name = args.get(0);
                if table.lookup(cmd_name).is_none() {
                    return Err(format!(
                        "Unknown command '{}' reading the append only file {name}",
                        String::from_utf8_lossy(cmd_name)
                    ));
                }
                if args.is(0, "multi") {
                    multi_start = Some(cmd_start);
                } else if args.is(0, "exec") {
                    multi_start = None;
                }
                engine.execute(client, &args);
                commands += 1;
                pos = end;
                if multi_start.is_none() {
                    valid = pos;
                }
            }
        }
    }
    if multi_start.is_some() {
        // Revert an incomplete MULTI/EXEC: its commands were only queued.
        let discard = cinnabar::cmd::ArgvBuf::from_parts(["DISCARD"]);
        engine.execute(client, &discard.args());
        log("Revert incomplete MULTI/EXEC transaction in AOF file");
    }
    let truncated_at = (valid < b.len()).then_some(valid);
    Ok(Replayed {
        commands,
        truncated_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_roundtrip() {
        let m = Manifest {
            base: Some(FileInfo {
                name: "appendonly.aof.1.base.rdb".into(),
                seq: 1,
                kind: 'b',
            }),
            history: vec![],
            incrs: vec![
                FileInfo {
                    name: "appendonly.aof.1.incr.aof".into(),
                    seq: 1,
                    kind: 'i',
                },
                FileInfo {
                    name: "my file.aof".into(),
                    seq: 2,
                    kind: 'i',
                },
            ],
        };
        let t = m.to_text();
        assert!(t.starts_with("file appendonly.aof.1.base.rdb seq 1 type b\n"));
        assert!(t.contains("file \"my file.aof\" seq 2 type i\n"));
        assert_eq!(Manifest::parse(t.as_bytes()), Ok(m));
        assert!(Manifest::parse(b"file a seq 1 type b").is_err());
        assert!(Manifest::parse(b"file a/b seq 1 type b\n").is_err());
        assert!(Manifest::parse(b"").is_err());
    }

    #[test]
    fn commands_parse_and_truncation_is_detected() {
        let mut b = Vec::new();
        encode_command(&mut b, &["SET", "k", "v"]);
        let mut r = Vec::new();
        assert!(matches!(parse_command(&b, 0, &mut r, "f"), Ok(Cmd::Full(n)) if n == b.len()));
        for cut in 1..b.len() {
            assert!(
                matches!(parse_command(&b[..cut], 0, &mut r, "f"), Ok(Cmd::Truncated)),
                "cut {cut}"
            );
        }
        assert!(parse_command(b"+OK\r\n", 0, &mut r, "f").is_err());
        assert!(parse_command(b"*1\r\n$3\r\nabcX\n", 0, &mut r, "f").is_err());
        assert!(parse_command(b"*x\r\n", 0, &mut r, "f").is_err());
    }
}
