//! Persistence commands: SAVE, BGSAVE, LASTSAVE, BGREWRITEAOF, DUMP, RESTORE.
//!
//! The engine writes no files: SAVE hands a complete snapshot to the registered
//! [`PersistHost`](crate::persist::PersistHost) and answers when it returns; BGSAVE and
//! BGREWRITEAOF start a background snapshot (`persist::snapshot`) that the host steps
//! between client batches and completes. DUMP and RESTORE use Redis's payload format
//! (`persist::dump`), so values move between Cinnabar and Redis.

use super::{Args, Ctx, Handler, parse_i64};
use crate::db::NO_EXPIRE;
use crate::persist::rdb::WriteOpts;
use crate::persist::value::Limits;
use crate::persist::{Purpose, dump, snapshot};
use crate::reply::{CmdError, CmdResult, Reply};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("bgrewriteaof", bgrewriteaof),
    ("bgsave", bgsave),
    ("dump", dump_cmd),
    ("lastsave", lastsave),
    ("restore", restore),
    ("save", save),
];

/// ```text
/// SAVE
/// ```
///
/// A synchronous save: every client waits until the snapshot is durable.
pub fn save(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    if ctx.st.persist.bg_running(Purpose::Rdb) {
        return Err(CmdError::err("Background save already in progress"));
    }
    match snapshot::save_sync(ctx.st, ctx.now) {
        Ok(()) => Ok(Reply::Ok),
        Err(_) => Err(CmdError::raw("ERR")),
    }
}

/// ```text
/// BGSAVE [SCHEDULE]
/// ```
///
/// Starts a background snapshot at this point (no fork: see `persist::snapshot`).
/// Inside a transaction, or while an AOF rewrite runs, it is scheduled instead.
pub fn bgsave(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let mut schedule = false;
    if args.len() > 1 {
        if args.len() == 2 && args.is(1, "schedule") {
            schedule = true;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let p = &mut ctx.st.persist;
    if p.bg_running(Purpose::Rdb) {
        return Err(CmdError::err("Background save already in progress"));
    }
    if p.bg.is_some() || p.in_exec {
        if schedule || p.in_exec {
            p.scheduled_bgsave = true;
            return Ok(Reply::simple("Background saving scheduled"));
        }
        return Err(CmdError::err(
            "Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
        ));
    }
    snapshot::start_bg(ctx.st, Purpose::Rdb, ctx.now);
    Ok(Reply::simple("Background saving started"))
}

/// ```text
/// BGREWRITEAOF
/// ```
///
/// Starts rewriting the AOF: a background snapshot becomes the new base file while
/// new writes go to a new increment file.
pub fn bgrewriteaof(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    let p = &mut ctx.st.persist;
    if p.bg_running(Purpose::AofRewrite) {
        return Err(CmdError::err(
            "Background append only file rewriting already in progress",
        ));
    }
    if p.bg.is_some() || p.in_exec {
        p.aof.rewrite_scheduled = true;
        p.aof.rewrites_consecutive_failures = 0;
        return Ok(Reply::simple(
            "Background append only file rewriting scheduled",
        ));
    }
    start_rewrite(ctx.st, ctx.now);
    Ok(Reply::simple(
        "Background append only file rewriting started",
    ))
}

/// Start an AOF rewrite now, marking where in the propagation stream it starts (the
/// host sends what comes before to the old increment file, the rest to the new one).
pub fn start_rewrite(st: &mut crate::cmd::State, now: i64) {
    st.persist.rewrite_prop_mark = st.propagation.as_ref().map(|p| p.len());
    st.persist.aof.rewrite_scheduled = false;
    snapshot::start_bg(st, Purpose::AofRewrite, now);
}

/// ```text
/// LASTSAVE
/// ```
pub fn lastsave(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(Reply::Int(ctx.st.persist.lastsave))
}

/// ```text
/// DUMP key
/// ```
pub fn dump_cmd(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let compress = ctx.st.config.get("rdbcompression") != Some("no");
    match ctx.lookup_read(args.get(1)) {
        None => Ok(Reply::Nil),
        Some(e) => dump::dump(&e.value, WriteOpts { compress })
            .map(Reply::Bulk)
            .map_err(|e| CmdError::err(e.0)),
    }
}

/// ```text
/// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
/// ```
///
/// A relative TTL is propagated as an absolute one (`... ABSTTL`); a key restored
/// already expired is not created (and, with REPLACE, the old one is deleted).
pub fn restore(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let (mut replace, mut absttl) = (false, false);
    let mut idle: i64 = -1;
    let mut freq: i64 = -1;
    let mut j = 4;
    while j < args.len() {
        let more = args.len() - j - 1;
        if args.is(j, "replace") {
            replace = true;
        } else if args.is(j, "absttl") {
            absttl = true;
        } else if args.is(j, "idletime") && more >= 1 && freq == -1 {
            idle = parse_i64(args.get(j + 1))?;
            if idle < 0 {
                return Err(CmdError::err("Invalid IDLETIME value, must be >= 0"));
            }
            j += 1;
        } else if args.is(j, "freq") && more >= 1 && idle == -1 {
            freq = parse_i64(args.get(j + 1))?;
            if !(0..=255).contains(&freq) {
                return Err(CmdError::err("Invalid FREQ value, must be >= 0 and <= 255"));
            }
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    if !replace && ctx.lookup_write(key).is_some() {
        return Err(CmdError::raw("BUSYKEY Target key name already exists."));
    }
    let mut ttl = parse_i64(args.get(2))?;
    if ttl < 0 {
        return Err(CmdError::err("Invalid TTL value, must be >= 0"));
    }
    let Some(body) = dump::verify(args.get(3)) else {
        return Err(CmdError::err("DUMP payload version or checksum are wrong"));
    };
    let lim = Limits::from_config(&ctx.st.config);
    let value = match dump::decode(body, &lim) {
        Ok(Some(v)) => v,
        _ => return Err(CmdError::err("Bad data format")),
    };
    let deleted = replace && ctx.delete(key);
    if ttl != 0 && !absttl {
        ttl = ttl.saturating_add(ctx.now);
    }
    if ttl != 0 && ttl <= ctx.now {
        if deleted {
            ctx.propagate(vec![vec![b"DEL".to_vec(), key.to_vec()]]);
            ctx.signal_modified(key);
            ctx.notify('g', "del", key);
            ctx.dirty(1);
        } else {
            ctx.propagate(vec![]);
        }
        return Ok(Reply::Ok);
    }
    let expire = if ttl != 0 { ttl } else { NO_EXPIRE };
    ctx.db().ks.insert(key, value, expire);
    let tracking = ctx.st.config.tracking;
    let idle_opt = (idle >= 0).then_some(idle as u64);
    let freq_opt = (freq >= 0).then_some(freq as u8);
    if let Some(l) = snapshot::lru_from(idle_opt, freq_opt, ctx.now, tracking) {
        if let Some(e) = ctx.db().ks.get_mut(key) {
            e.lru = l;
        }
    }
    if ttl != 0 && !absttl {
        // Propagate the absolute expiry.
        let mut argv = args.to_vecs();
        if let Some(t) = argv.get_mut(2) {
            *t = ttl.to_string().into_bytes();
        }
        argv.push(b"ABSTTL".to_vec());
        ctx.propagate(vec![argv]);
    }
    ctx.signal_modified(key);
    ctx.notify('g', "restore", key);
    ctx.dirty(1);
    Ok(Reply::Ok)
}
