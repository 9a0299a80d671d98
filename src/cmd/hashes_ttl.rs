//! Hash-field expiration (Redis 7.4) and the Redis 8.0 field commands built on it:
//! HEXPIRE/HPEXPIRE/HEXPIREAT/HPEXPIREAT, HTTL/HPTTL/HEXPIRETIME/HPEXPIRETIME, HPERSIST,
//! HGETEX, HSETEX and HGETDEL.
//!
//! All of them name their fields with a `FIELDS numfields field...` block, checked the
//! same way ([`parse_fields`]), after the type check and the expire time, as Redis does.
//! Expiry times are absolute Unix ms between 0 and Redis's `HFE_MAX_ABS_TIME_MSEC`
//! (2^46 - 1). A time at or before now deletes the field at once (reply code 2 for the
//! HEXPIRE family). Per-field reply codes: -2 no such field, -1 no TTL, 0 condition not
//! met, 1 done, 2 deleted.
//!
//! Propagation is deterministic: relative times become `HPEXPIREAT key <ms> ... FIELDS`
//! naming only the fields that were set, `HSETEX ... EX` becomes `... PXAT <ms>`, HGETEX
//! becomes `HPEXPIREAT`/`HPERSIST`, HGETDEL becomes `HDEL`, and a field deleted because
//! its new time had passed is propagated as `HDEL key field`.

use super::{bulk, create_hash, drop_if_empty, limits, probe_hash, read_hash, with_hash};
use crate::cmd::{Args, Ctx, parse_i64};
use crate::reply::{CmdError, CmdResult, Reply};
use crate::types::hash::Hash;
use std::ops::Range;

/// Largest absolute field expiry in ms: Redis's `HFE_MAX_ABS_TIME_MSEC`
/// (`EB_EXPIRE_TIME_MAX >> 2`, two bits being reserved).
pub const HFE_MAX_ABS_TIME_MS: i64 = ((1i64 << 48) - 1) >> 2;

const ERR_FIELDS_MISSING: &str =
    "Mandatory argument FIELDS is missing or not at the right position";
const ERR_NUMFIELDS_POSITIVE: &str = "Number of fields must be a positive integer";
const ERR_NUMFIELDS_GT0: &str = "Parameter `numFields` should be greater than 0";
const ERR_NUMFIELDS_MATCH: &str = "The `numfields` parameter must match the number of arguments";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// Redis's order: the key's type is checked before the arguments.
fn check_type(ctx: &mut Ctx, key: &[u8]) -> Result<(), CmdError> {
    probe_hash(ctx, key).map(|_| ())
}

/// The `FIELDS numfields field...` block: `FIELDS` at `at - 1`, the count at `at`, the
/// fields filling the rest of the arguments. `msg` is the command's error for a count
/// that is not a positive integer. Returns the fields' argument positions.
fn parse_fields(args: &Args, at: usize, msg: &'static str) -> Result<Range<usize>, CmdError> {
    if !args.is(at - 1, "fields") {
        return Err(CmdError::err(ERR_FIELDS_MISSING));
    }
    let n = crate::types::string::parse_i64(args.get(at))
        .filter(|&n| n >= 1)
        .ok_or_else(|| CmdError::err(msg))?;
    let avail = args.len().saturating_sub(at + 1);
    if u64::try_from(n).ok() != Some(avail as u64) {
        return Err(CmdError::err(ERR_NUMFIELDS_MATCH));
    }
    Ok(at + 1..args.len())
}

/// Redis's HFE `parseExpireTime`: a non-negative integer in seconds or ms, plus
/// `basetime`, at most [`HFE_MAX_ABS_TIME_MS`].
fn parse_expire_time(ctx: &Ctx, arg: &[u8], seconds: bool, basetime: i64) -> Result<i64, CmdError> {
    let mut v = parse_i64(arg)?;
    if v < 0 {
        return Err(CmdError::err("invalid expire time, must be >= 0"));
    }
    let invalid = || CmdError::InvalidExpire(ctx.cmd.name().to_string());
    if seconds {
        if v > HFE_MAX_ABS_TIME_MS / 1000 {
            return Err(invalid());
        }
        v *= 1000;
    }
    if v > HFE_MAX_ABS_TIME_MS.saturating_sub(basetime) {
        return Err(invalid());
    }
    Ok(v.saturating_add(basetime))
}

fn owned(parts: &[&[u8]]) -> Vec<Vec<u8>> {
    parts.iter().map(|p| p.to_vec()).collect()
}

fn ints(v: i64, n: usize) -> Reply {
    Reply::Array(vec![Reply::Int(v); n])
}

// ---------------------------------------------------------------------------------------
// HEXPIRE family
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cond {
    None,
    Nx,
    Xx,
    Gt,
    Lt,
}

/// ```text
/// HEXPIRE key seconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
/// ```
pub fn hexpire(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let now = ctx.now;
    hexpire_generic(ctx, args, now, true)
}

/// ```text
/// HPEXPIRE key milliseconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
/// ```
pub fn hpexpire(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let now = ctx.now;
    hexpire_generic(ctx, args, now, false)
}

/// ```text
/// HEXPIREAT key unix-time-seconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
/// ```
pub fn hexpireat(ctx: &mut Ctx, args: &Args) -> CmdResult {
    hexpire_generic(ctx, args, 0, true)
}

/// ```text
/// HPEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
/// ```
pub fn hpexpireat(ctx: &mut Ctx, args: &Args) -> CmdResult {
    hexpire_generic(ctx, args, 0, false)
}

/// The HEXPIRE variants (Redis's `hexpireGenericCommand`). No TTL counts as an infinite
/// one: GT and XX fail on such a field, LT and NX pass.
fn hexpire_generic(ctx: &mut Ctx, args: &Args, basetime: i64, seconds: bool) -> CmdResult {
    let key = args.get(1);
    check_type(ctx, key)?;
    let at = parse_expire_time(ctx, args.get(2), seconds, basetime)?;
    let cond = if args.is(3, "nx") {
        Cond::Nx
    } else if args.is(3, "xx") {
        Cond::Xx
    } else if args.is(3, "gt") {
        Cond::Gt
    } else if args.is(3, "lt") {
        Cond::Lt
    } else {
        Cond::None
    };
    let count_at = if cond == Cond::None { 4 } else { 5 };
    let fields = parse_fields(args, count_at, ERR_NUMFIELDS_GT0)?;
    let now = ctx.now;
    let r = with_hash(ctx, key, true, |h| {
        h.enable_field_ttl();
        let mut codes = Vec::with_capacity(fields.len());
        let mut set = Vec::new();
        let mut deleted = Vec::new();
        for i in fields.clone() {
            let f = args.get(i);
            let code = match h.field_ttl(f) {
                None => -2,
                Some(prev) => {
                    let ok = match (prev, cond) {
                        (None, Cond::Xx | Cond::Gt) => false,
                        (None, _) => true,
                        (Some(_), Cond::Nx) => false,
                        (Some(p), Cond::Gt) => at > p,
                        (Some(p), Cond::Lt) => at < p,
                        (Some(_), _) => true,
                    };
                    if !ok {
                        0
                    } else if at <= now {
                        h.remove(f);
                        deleted.push(i);
                        2
                    } else {
                        h.set_field_ttl(f, at);
                        set.push(i);
                        1
                    }
                }
            };
            codes.push(Reply::Int(code));
        }
        (codes, set, deleted)
    })?;
    let Some(((codes, set, deleted), empty)) = r else {
        return Ok(ints(-2, fields.len()));
    };
    if set.is_empty() && deleted.is_empty() {
        return Ok(Reply::Array(codes));
    }
    ctx.dirty((set.len() + deleted.len()) as u64);
    ctx.signal_modified(key);
    ctx.notify(
        'h',
        if deleted.is_empty() {
            "hexpire"
        } else {
            "hdel"
        },
        key,
    );
    drop_if_empty(ctx, key, empty);
    if ctx.st.propagation.is_some() {
        let mut cmds: Vec<Vec<Vec<u8>>> = deleted
            .iter()
            .map(|&i| owned(&[b"HDEL", key, args.get(i)]))
            .collect();
        if !set.is_empty() {
            let mut cmd = owned(&[b"HPEXPIREAT", key, at.to_string().as_bytes()]);
            if cond != Cond::None {
                cmd.push(args.get(3).to_vec());
            }
            cmd.push(b"FIELDS".to_vec());
            cmd.push(set.len().to_string().into_bytes());
            cmd.extend(set.iter().map(|&i| args.get(i).to_vec()));
            cmds.push(cmd);
        }
        ctx.propagate(cmds);
    }
    Ok(Reply::Array(codes))
}

// ---------------------------------------------------------------------------------------
// HTTL family and HPERSIST
// ---------------------------------------------------------------------------------------

/// ```text
/// HTTL key FIELDS numfields field [field ...]
/// ```
pub fn httl(ctx: &mut Ctx, args: &Args) -> CmdResult {
    httl_generic(ctx, args, false, false)
}

/// ```text
/// HPTTL key FIELDS numfields field [field ...]
/// ```
pub fn hpttl(ctx: &mut Ctx, args: &Args) -> CmdResult {
    httl_generic(ctx, args, true, false)
}

/// ```text
/// HEXPIRETIME key FIELDS numfields field [field ...]
/// ```
pub fn hexpiretime(ctx: &mut Ctx, args: &Args) -> CmdResult {
    httl_generic(ctx, args, false, true)
}

/// ```text
/// HPEXPIRETIME key FIELDS numfields field [field ...]
/// ```
pub fn hpexpiretime(ctx: &mut Ctx, args: &Args) -> CmdResult {
    httl_generic(ctx, args, true, true)
}

/// Remaining time (or absolute expiry) per field, in seconds (rounded up) or ms; -1 for
/// a field without TTL, -2 for no such field.
fn httl_generic(ctx: &mut Ctx, args: &Args, ms: bool, absolute: bool) -> CmdResult {
    let key = args.get(1);
    check_type(ctx, key)?;
    let fields = parse_fields(args, 3, ERR_NUMFIELDS_POSITIVE)?;
    let base = if absolute { 0 } else { ctx.now };
    let r = read_hash(ctx, key, |h| {
        fields
            .clone()
            .map(|i| {
                Reply::Int(match h.field_ttl(args.get(i)) {
                    None => -2,
                    Some(None) => -1,
                    Some(Some(t)) if ms => t.saturating_sub(base),
                    Some(Some(t)) => (t.saturating_add(999).saturating_sub(base)) / 1000,
                })
            })
            .collect()
    })?;
    Ok(r.map_or_else(|| ints(-2, fields.len()), Reply::Array))
}

/// ```text
/// HPERSIST key FIELDS numfields field [field ...]
/// ```
pub fn hpersist(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    check_type(ctx, key)?;
    let fields = parse_fields(args, 3, ERR_NUMFIELDS_POSITIVE)?;
    let r = with_hash(ctx, key, true, |h| {
        let mut changed = false;
        let codes: Vec<Reply> = fields
            .clone()
            .map(|i| {
                let f = args.get(i);
                Reply::Int(match h.field_ttl(f) {
                    None => -2,
                    Some(None) => -1,
                    Some(Some(_)) => {
                        h.persist_field(f);
                        changed = true;
                        1
                    }
                })
            })
            .collect();
        (codes, changed)
    })?;
    let Some(((codes, changed), _)) = r else {
        return Ok(ints(-2, fields.len()));
    };
    if changed {
        ctx.notify('h', "hpersist", key);
        ctx.signal_modified(key);
        ctx.dirty(1);
    }
    Ok(Reply::Array(codes))
}

// ---------------------------------------------------------------------------------------
// HGETDEL, HGETEX, HSETEX
// ---------------------------------------------------------------------------------------

/// ```text
/// HGETDEL key FIELDS numfields field [field ...]
/// ```
///
/// Replies with each field's value (nil if absent) and deletes the fields; propagated
/// as `HDEL key field...`.
pub fn hgetdel(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    check_type(ctx, key)?;
    let fields = parse_fields(args, 3, ERR_NUMFIELDS_POSITIVE)?;
    let r = with_hash(ctx, key, true, |h| {
        let mut deleted = 0u64;
        let vals: Vec<Reply> = fields
            .clone()
            .map(|i| {
                let f = args.get(i);
                match h.get(f).map(bulk) {
                    Some(v) => {
                        h.remove(f);
                        deleted += 1;
                        v
                    }
                    None => Reply::Nil,
                }
            })
            .collect();
        (vals, deleted)
    })?;
    let Some(((vals, deleted), empty)) = r else {
        return Ok(Reply::Array(vec![Reply::Nil; fields.len()]));
    };
    if deleted > 0 {
        ctx.signal_modified(key);
        ctx.notify('h', "hdel", key);
        ctx.dirty(deleted);
        drop_if_empty(ctx, key, empty);
        if ctx.st.propagation.is_some() {
            let mut cmd = owned(&[b"HDEL", key]);
            cmd.extend(fields.map(|i| args.get(i).to_vec()));
            ctx.propagate(vec![cmd]);
        }
    }
    Ok(Reply::Array(vals))
}

/// What HGETEX does to the fields it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GetExOp {
    Nothing,
    Persist,
    At(i64),
}

/// ```text
/// HGETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds |
///   PXAT unix-time-milliseconds | PERSIST] FIELDS numfields field [field ...]
/// ```
///
/// Replies with the values and sets (or removes) the TTL of the fields that exist.
pub fn hgetex(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    check_type(ctx, key)?;
    let now = ctx.now;
    let timed = |unit_s: bool, base: i64| -> Result<(GetExOp, usize), CmdError> {
        Ok((
            GetExOp::At(parse_expire_time(ctx, args.get(3), unit_s, base)?),
            5,
        ))
    };
    let (op, count_at) = if args.is(2, "ex") {
        timed(true, now)?
    } else if args.is(2, "px") {
        timed(false, now)?
    } else if args.is(2, "exat") {
        timed(true, 0)?
    } else if args.is(2, "pxat") {
        timed(false, 0)?
    } else if args.is(2, "persist") {
        (GetExOp::Persist, 4)
    } else {
        (GetExOp::Nothing, 3)
    };
    let fields = parse_fields(args, count_at, ERR_NUMFIELDS_POSITIVE)?;
    let r = with_hash(ctx, key, true, |h| {
        if op != GetExOp::Nothing {
            h.enable_field_ttl();
        }
        let mut updated = 0u64;
        let mut deleted = Vec::new();
        let vals: Vec<Reply> = fields
            .clone()
            .map(|i| {
                let f = args.get(i);
                let Some(v) = h.get(f).map(bulk) else {
                    return Reply::Nil;
                };
                match op {
                    GetExOp::Nothing => {}
                    GetExOp::Persist => {
                        if h.persist_field(f) {
                            updated += 1;
                        }
                    }
                    GetExOp::At(t) if t <= now => {
                        h.remove(f);
                        deleted.push(i);
                    }
                    GetExOp::At(t) => {
                        h.set_field_ttl(f, t);
                        updated += 1;
                    }
                }
                v
            })
            .collect();
        (vals, updated, deleted)
    })?;
    let Some(((vals, updated, deleted), empty)) = r else {
        return Ok(Reply::Array(vec![Reply::Nil; fields.len()]));
    };
    if updated == 0 && deleted.is_empty() {
        return Ok(Reply::Array(vals));
    }
    ctx.dirty(updated + deleted.len() as u64);
    ctx.signal_modified(key);
    let mut cmds: Vec<Vec<Vec<u8>>> = Vec::new();
    let prop = ctx.st.propagation.is_some();
    if updated > 0 {
        let mut cmd = match op {
            GetExOp::At(t) => {
                ctx.notify('h', "hexpire", key);
                owned(&[b"HPEXPIREAT", key, t.to_string().as_bytes()])
            }
            _ => {
                ctx.notify('h', "hpersist", key);
                owned(&[b"HPERSIST", key])
            }
        };
        if prop {
            cmd.extend((count_at - 1..args.len()).map(|i| args.get(i).to_vec()));
            cmds.push(cmd);
        }
    } else {
        ctx.notify('h', "hdel", key);
        if prop {
            cmds.extend(deleted.iter().map(|&i| owned(&[b"HDEL", key, args.get(i)])));
        }
    }
    drop_if_empty(ctx, key, empty);
    ctx.propagate(cmds);
    Ok(Reply::Array(vals))
}

/// HSETEX's expiration option: (seconds?, relative?) and the argument position of its
/// time.
#[derive(Debug, Clone, Copy)]
struct SetExTime {
    at: i64,
    pos: usize,
    is_pxat: bool,
}

/// ```text
/// HSETEX key [FNX | FXX] [EX seconds | PX milliseconds | EXAT unix-time-seconds |
///   PXAT unix-time-milliseconds | KEEPTTL] FIELDS numfields field value [field value ...]
/// ```
///
/// Replies 1 when the fields were set, 0 when FNX/FXX refused (FNX: none of the fields
/// may exist; FXX: all must). Without an expiration option the fields lose their TTLs.
pub fn hsetex(ctx: &mut Ctx, args: &Args) -> CmdResult {
    const ONE_EXPIRATION: &str =
        "Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified";
    let key = args.get(1);
    let now = ctx.now;
    let mut fnx = false;
    let mut fxx = false;
    let mut time: Option<SetExTime> = None;
    let mut keepttl = false;
    let mut first: Option<usize> = None;
    let mut i = 2;
    while i < args.len() {
        let a = args.get(i);
        if a.eq_ignore_ascii_case(b"fields") {
            if i + 3 >= args.len() {
                return Err(CmdError::WrongArity("hsetex".into()));
            }
            let n = crate::types::string::parse_i64(args.get(i + 1))
                .filter(|&n| (1..=i32::MAX as i64).contains(&n))
                .ok_or_else(|| CmdError::err("invalid number of fields"))?;
            let remaining = args.len() - i - 2;
            if remaining % 2 != 0 || n as usize != remaining / 2 {
                return Err(CmdError::WrongArity("hsetex".into()));
            }
            first = Some(i + 2);
            break;
        }
        let unit = if a.eq_ignore_ascii_case(b"ex") {
            Some((true, now, false))
        } else if a.eq_ignore_ascii_case(b"px") {
            Some((false, now, false))
        } else if a.eq_ignore_ascii_case(b"exat") {
            Some((true, 0, false))
        } else if a.eq_ignore_ascii_case(b"pxat") {
            Some((false, 0, true))
        } else {
            None
        };
        if let Some((seconds, base, is_pxat)) = unit {
            if time.is_some() || keepttl {
                return Err(CmdError::err(ONE_EXPIRATION));
            }
            if i + 1 >= args.len() {
                return Err(CmdError::err("missing expire time"));
            }
            i += 1;
            let at = parse_expire_time(ctx, args.get(i), seconds, base)?;
            time = Some(SetExTime {
                at,
                pos: i,
                is_pxat,
            });
        } else if a.eq_ignore_ascii_case(b"keepttl") {
            if time.is_some() || keepttl {
                return Err(CmdError::err(ONE_EXPIRATION));
            }
            keepttl = true;
        } else if a.eq_ignore_ascii_case(b"fxx") || a.eq_ignore_ascii_case(b"fnx") {
            if fnx || fxx {
                return Err(CmdError::err(
                    "Only one of FXX or FNX arguments can be specified",
                ));
            }
            if a.eq_ignore_ascii_case(b"fxx") {
                fxx = true;
            } else {
                fnx = true;
            }
        } else {
            let shown = &a[..a.iter().position(|&c| c == 0).unwrap_or(a.len())];
            return Err(CmdError::err(format!(
                "unknown argument: {}",
                String::from_utf8_lossy(shown)
            )));
        }
        i += 1;
    }
    let Some(first) = first else {
        return Err(CmdError::Syntax);
    };
    let lim = limits(ctx);
    let pairs = (args.len() - first) / 2;
    let keep = time.is_some() || keepttl;
    let apply = |h: &mut Hash| -> Option<(u64, Vec<usize>)> {
        if fnx || fxx {
            let mut found = 0;
            for j in (first..args.len()).step_by(2) {
                let exists = h.contains(args.get(j));
                found += exists as usize;
                if (fxx && !exists) || (fnx && exists) {
                    break;
                }
            }
            if (fnx && found != 0) || (fxx && found != pairs) {
                return None;
            }
        }
        h.prepare_batch(pairs, (first..args.len()).map(|j| args.get(j).len()), lim);
        if time.is_some() {
            h.enable_field_ttl();
        }
        let mut updated = 0u64;
        let mut deleted = Vec::new();
        for j in (first..args.len()).step_by(2) {
            let f = args.get(j);
            h.set(f, args.get(j + 1), keep, lim);
            if let Some(t) = time {
                if t.at <= now {
                    h.remove(f);
                    deleted.push(j);
                } else {
                    h.set_field_ttl(f, t.at);
                    updated += 1;
                }
            }
        }
        Some((updated, deleted))
    };
    let (outcome, empty) = match with_hash(ctx, key, true, apply)? {
        Some((o, empty)) => (o, empty),
        None if fxx => return Ok(Reply::Int(0)),
        None => {
            let mut h = Hash::new();
            let o = apply(&mut h);
            let empty = h.is_empty();
            if !empty {
                create_hash(ctx, key, h);
            }
            // A new hash whose fields all expired at once was never stored; its "del"
            // event still follows, as in Redis.
            (o, empty)
        }
    };
    let Some((updated, deleted)) = outcome else {
        return Ok(Reply::Int(0));
    };
    ctx.dirty(pairs as u64);
    ctx.signal_modified(key);
    ctx.notify('h', "hset", key);
    if updated > 0 || !deleted.is_empty() {
        ctx.notify(
            'h',
            if deleted.is_empty() {
                "hexpire"
            } else {
                "hdel"
            },
            key,
        );
    }
    if empty {
        if ctx.db().ks.get(key).is_some() {
            drop_if_empty(ctx, key, true);
        } else {
            ctx.notify('g', "del", key);
        }
    }
    if ctx.st.propagation.is_some() {
        if !deleted.is_empty() {
            let cmds = deleted
                .iter()
                .map(|&j| owned(&[b"HDEL", key, args.get(j)]))
                .collect();
            ctx.propagate(cmds);
        } else if let Some(t) = time.filter(|t| !t.is_pxat) {
            let mut cmd = args.to_vecs();
            if let Some(tok) = cmd.get_mut(t.pos - 1) {
                *tok = b"PXAT".to_vec();
            }
            if let Some(v) = cmd.get_mut(t.pos) {
                *v = t.at.to_string().into_bytes();
            }
            ctx.propagate(vec![cmd]);
        }
    }
    Ok(Reply::Int(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_time_is_redis_value() {
        assert_eq!(HFE_MAX_ABS_TIME_MS, 70_368_744_177_663);
    }
}
