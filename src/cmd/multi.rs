//! Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//!
//! While a client is in MULTI the dispatcher queues its commands (replying `+QUEUED`);
//! a command refused before queueing (unknown, wrong arity, not allowed in MULTI) flags
//! the transaction so EXEC answers `-EXECABORT`. EXEC itself is run by the dispatcher
//! (`Engine::exec_transaction`), which runs the queue with no other command in between
//! and never lets a queued command block.
//!
//! WATCH records, per watched key, whether it was live. A write to a watched key marks
//! its watchers "dirty" (`Ctx::signal_modified` → `State::dirty_cas`); EXEC then
//! replies with a null array. Keys that vanish or pass their TTL without a command
//! touching them (expiry, eviction) are caught when EXEC re-checks the watched keys.

use super::{Args, Ctx, Handler};
use crate::reply::{CmdError, CmdResult, Reply};

/// Handlers of this family (EXEC is intercepted by the dispatcher).
pub const COMMANDS: &[(&str, Handler)] = &[
    ("multi", multi),
    ("exec", exec),
    ("discard", discard),
    ("watch", watch),
    ("unwatch", unwatch),
];

/// One watched key.
#[derive(Debug, Clone)]
pub struct Watched {
    /// Database index.
    pub db: usize,
    /// The key.
    pub key: Vec<u8>,
    /// Whether it was live when watched.
    pub existed: bool,
}

/// ```text
/// MULTI
/// ```
pub fn multi(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    if ctx.sess.in_multi {
        return Err(CmdError::err("MULTI calls can not be nested"));
    }
    ctx.sess.in_multi = true;
    ctx.sess.multi_error = false;
    ctx.sess.multi_queue.clear();
    Ok(Reply::Ok)
}

/// ```text
/// EXEC
/// ```
/// Only reached outside MULTI (the dispatcher runs transactions itself).
pub fn exec(_ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Err(CmdError::err("EXEC without MULTI"))
}

/// ```text
/// DISCARD
/// ```
pub fn discard(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    if !ctx.sess.in_multi {
        return Err(CmdError::err("DISCARD without MULTI"));
    }
    reset_multi(ctx);
    unwatch_all(ctx);
    Ok(Reply::Ok)
}

/// ```text
/// WATCH key [key ...]
/// ```
pub fn watch(ctx: &mut Ctx, args: &Args) -> CmdResult {
    if ctx.sess.in_multi {
        return Err(CmdError::err("WATCH inside MULTI is not allowed"));
    }
    let db = ctx.sess.db;
    for i in 1..args.len() {
        let key = args.get(i);
        if ctx.sess.watched.iter().any(|w| w.db == db && w.key == key) {
            continue;
        }
        let now = ctx.now;
        let existed = ctx.st.dbs[db].ks.get(key).is_some_and(|e| e.expire >= now);
        ctx.sess.watched.push(Watched {
            db,
            key: key.to_vec(),
            existed,
        });
        let id = ctx.sess.id;
        ctx.st
            .watched_keys
            .entry((db, key.to_vec()))
            .or_default()
            .push(id);
    }
    Ok(Reply::Ok)
}

/// ```text
/// UNWATCH
/// ```
pub fn unwatch(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    unwatch_all(ctx);
    Ok(Reply::Ok)
}

/// Leave MULTI state.
pub fn reset_multi(ctx: &mut Ctx) {
    ctx.sess.in_multi = false;
    ctx.sess.multi_error = false;
    ctx.sess.multi_queue.clear();
}

/// Forget every key the client watches.
pub fn unwatch_all(ctx: &mut Ctx) {
    let id = ctx.sess.id;
    for w in std::mem::take(&mut ctx.sess.watched) {
        let k = (w.db, w.key);
        if let Some(ids) = ctx.st.watched_keys.get_mut(&k) {
            ids.retain(|&c| c != id);
            if ids.is_empty() {
                ctx.st.watched_keys.remove(&k);
            }
        }
    }
    ctx.st.dirty_cas.remove(&id);
}

/// Whether EXEC must fail because a watched key changed, expired or vanished.
pub fn watch_broken(ctx: &mut Ctx) -> bool {
    if ctx.st.dirty_cas.contains_key(&ctx.sess.id) {
        return true;
    }
    let now = ctx.now;
    ctx.sess.watched.iter().any(|w| {
        w.existed
            && ctx.st.dbs.get(w.db).is_none_or(|d| match d.ks.get(&w.key) {
                None => true,
                Some(e) => e.expire < now,
            })
    })
}
