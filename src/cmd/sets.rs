//! Set commands: SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SPOP, SRANDMEMBER,
//! SMOVE, SINTER/SINTERCARD/SINTERSTORE, SUNION/SUNIONSTORE, SDIFF/SDIFFSTORE, SSCAN.
//!
//! As in Redis's `t_set.c`, the intersections share `sinter_generic` and unions and
//! differences share `sunion_diff_generic`. Results are built with the same
//! member-by-member adds Redis uses (a union starts as an empty intset), so their
//! encodings and, for intsets and listpacks, their order match Redis 7.2's.
//!
//! Random choices are never propagated as such: SPOP is propagated as `SREM` of the
//! popped members (in batches of 1024), or as `DEL` when it empties the set.

mod random;

pub use random::{spop, srandmember};

use super::{Args, Ctx, Handler, parse_i64};
use crate::db::NO_EXPIRE;
use crate::glob::glob_match;
use crate::reply::{CmdError, CmdResult, Reply};
use crate::types::Value;
use crate::types::set::{Member, Set, SetLimits};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("sadd", sadd),
    ("scard", scard),
    ("sdiff", sdiff),
    ("sdiffstore", sdiffstore),
    ("sinter", sinter),
    ("sintercard", sintercard),
    ("sinterstore", sinterstore),
    ("sismember", sismember),
    ("smembers", smembers),
    ("smismember", smismember),
    ("smove", smove),
    ("spop", spop),
    ("srandmember", srandmember),
    ("srem", srem),
    ("sscan", sscan),
    ("sunion", sunion),
    ("sunionstore", sunionstore),
];

/// Most members SRANDMEMBER returns with a negative count (repetitions allowed). Redis
/// has no limit and would build the whole reply in memory; we refuse instead.
pub const SRANDMEMBER_MAX_REPEATED: u64 = 1 << 22;

/// SPOP propagates its SREMs in batches of this many members, as Redis does.
const SPOP_BATCH: usize = 1024;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// The set inside a value, or WRONGTYPE.
#[inline]
pub(crate) fn as_set(v: &Value) -> Result<&Set, CmdError> {
    match v {
        Value::Set(s) => Ok(s),
        _ => Err(CmdError::WrongType),
    }
}

/// The set inside a value, mutable, or WRONGTYPE.
#[inline]
pub(crate) fn as_set_mut(v: &mut Value) -> Result<&mut Set, CmdError> {
    match v {
        Value::Set(s) => Ok(s),
        _ => Err(CmdError::WrongType),
    }
}

#[inline]
fn limits(ctx: &Ctx) -> SetLimits {
    ctx.st.config.set_limits
}

/// Adjust the keyspace's memory estimate by `after - before`.
#[inline]
fn adjust_mem(ctx: &mut Ctx, before: usize, after: usize) {
    if before != after {
        ctx.db().ks.adjust_mem(after as isize - before as isize);
    }
}

#[inline]
fn bulk(m: Member<'_>) -> Reply {
    Reply::Bulk(m.to_vec())
}

/// Delete `key` after its set became empty: Redis never keeps empty collections.
fn delete_empty(ctx: &mut Ctx, key: &[u8]) {
    ctx.db().ks.remove(key);
    ctx.notify('g', "del", key);
}

/// Store `set` at `dst` (replacing any value and TTL) as Redis's `setKey`; returns its
/// size.
fn store_set(ctx: &mut Ctx, dst: &[u8], set: Set, event: &str) -> i64 {
    let n = set.len() as i64;
    ctx.lookup_write(dst);
    ctx.db().set(dst, Value::Set(Box::new(set)), NO_EXPIRE);
    ctx.signal_modified(dst);
    ctx.notify('s', event, dst);
    ctx.dirty(1);
    n
}

/// Delete `dst` because a STORE variant's result is empty.
fn delete_dst(ctx: &mut Ctx, dst: &[u8]) {
    if ctx.delete(dst) {
        ctx.dirty(1);
        ctx.signal_modified(dst);
        ctx.notify('g', "del", dst);
    }
}

/// Look each key up for reading (lazy expiry, hit/miss counts) in order, as Redis's loop
/// of `lookupKeyRead` + `checkType` does: WRONGTYPE at the first non-set.
fn check_sets<'k>(ctx: &mut Ctx, keys: impl Iterator<Item = &'k [u8]>) -> Result<(), CmdError> {
    for k in keys {
        if let Some(e) = ctx.lookup_read(k) {
            as_set(&e.value)?;
        }
    }
    Ok(())
}

/// The sets at `keys` (None for a missing key), after [`check_sets`].
fn get_sets<'c>(ctx: &'c Ctx, keys: &[&[u8]]) -> Vec<Option<&'c Set>> {
    let db = &ctx.st.dbs[ctx.sess.db];
    keys.iter()
        .map(|k| match db.ks.get(k).map(|e| &e.value) {
            Some(Value::Set(s)) => Some(&**s),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Single-key commands
// ---------------------------------------------------------------------------------------

/// ```text
/// SADD key member [member ...]
/// ```
pub fn sadd(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let lim = limits(ctx);
    let hint = args.len() - 2;
    let mut added = 0i64;
    let existing = match ctx.lookup_write(key) {
        Some(e) => {
            let s = as_set_mut(&mut e.value)?;
            let before = s.mem_usage();
            s.maybe_convert(hint, &lim);
            for m in args.iter().skip(2) {
                added += s.add(m, &lim) as i64;
            }
            Some((before, s.mem_usage()))
        }
        None => None,
    };
    match existing {
        Some((before, after)) => adjust_mem(ctx, before, after),
        None => {
            let mut s = Set::create(args.get(2), hint, &lim);
            for m in args.iter().skip(2) {
                added += s.add(m, &lim) as i64;
            }
            ctx.db()
                .ks
                .insert_new(key.into(), Value::Set(Box::new(s)), NO_EXPIRE);
        }
    }
    if added > 0 {
        ctx.signal_modified(key);
        ctx.notify('s', "sadd", key);
    }
    ctx.dirty(added as u64);
    Ok(Reply::Int(added))
}

/// ```text
/// SREM key member [member ...]
/// ```
pub fn srem(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let Some(e) = ctx.lookup_write(key) else {
        return Ok(Reply::Int(0));
    };
    let s = as_set_mut(&mut e.value)?;
    let before = s.mem_usage();
    let mut deleted = 0i64;
    for m in args.iter().skip(2) {
        if s.remove(m) {
            deleted += 1;
            if s.is_empty() {
                break;
            }
        }
    }
    let (after, empty) = (s.mem_usage(), s.is_empty());
    adjust_mem(ctx, before, after);
    if deleted > 0 {
        if empty {
            ctx.db().ks.remove(key);
        }
        ctx.signal_modified(key);
        ctx.notify('s', "srem", key);
        if empty {
            ctx.notify('g', "del", key);
        }
        ctx.dirty(deleted as u64);
    }
    Ok(Reply::Int(deleted))
}

/// ```text
/// SMEMBERS key
/// ```
pub fn smembers(ctx: &mut Ctx, args: &Args) -> CmdResult {
    match ctx.lookup_read(args.get(1)) {
        None => Ok(Reply::Set(Vec::new())),
        Some(e) => {
            let s = as_set(&e.value)?;
            Ok(Reply::Set(s.iter().map(bulk).collect()))
        }
    }
}

/// ```text
/// SISMEMBER key member
/// ```
pub fn sismember(ctx: &mut Ctx, args: &Args) -> CmdResult {
    match ctx.lookup_read(args.get(1)) {
        None => Ok(Reply::Int(0)),
        Some(e) => Ok(Reply::Int(as_set(&e.value)?.contains(args.get(2)) as i64)),
    }
}

/// ```text
/// SMISMEMBER key member [member ...]
/// ```
pub fn smismember(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let set = match ctx.lookup_read(args.get(1)) {
        None => None,
        Some(e) => Some(as_set(&e.value)?),
    };
    Ok(Reply::Array(
        args.iter()
            .skip(2)
            .map(|m| Reply::Int(set.is_some_and(|s| s.contains(m)) as i64))
            .collect(),
    ))
}

/// ```text
/// SCARD key
/// ```
pub fn scard(ctx: &mut Ctx, args: &Args) -> CmdResult {
    match ctx.lookup_read(args.get(1)) {
        None => Ok(Reply::Int(0)),
        Some(e) => Ok(Reply::Int(as_set(&e.value)?.len() as i64)),
    }
}

/// ```text
/// SMOVE source destination member
/// ```
pub fn smove(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let (src, dst, m) = (args.get(1), args.get(2), args.get(3));
    let src_is_set = ctx
        .lookup_write(src)
        .map(|e| matches!(e.value, Value::Set(_)));
    let dst_is_set = ctx
        .lookup_write(dst)
        .map(|e| matches!(e.value, Value::Set(_)));
    match src_is_set {
        None => return Ok(Reply::Int(0)),
        Some(false) => return Err(CmdError::WrongType),
        Some(true) => {}
    }
    if dst_is_set == Some(false) {
        return Err(CmdError::WrongType);
    }
    if src == dst {
        let present = ctx
            .db()
            .ks
            .get(src)
            .is_some_and(|e| as_set(&e.value).is_ok_and(|s| s.contains(m)));
        return Ok(Reply::Int(present as i64));
    }
    let Some((removed, before, after, empty)) = ctx.db().ks.get_mut(src).and_then(|e| {
        let s = as_set_mut(&mut e.value).ok()?;
        let before = s.mem_usage();
        let removed = s.remove(m);
        Some((removed, before, s.mem_usage(), s.is_empty()))
    }) else {
        return Ok(Reply::Int(0));
    };
    if !removed {
        return Ok(Reply::Int(0));
    }
    adjust_mem(ctx, before, after);
    ctx.notify('s', "srem", src);
    if empty {
        delete_empty(ctx, src);
    }
    let lim = limits(ctx);
    let added = match ctx.db().ks.get_mut(dst) {
        Some(e) => {
            let s = as_set_mut(&mut e.value)?;
            let before = s.mem_usage();
            let added = s.add(m, &lim);
            let after = s.mem_usage();
            adjust_mem(ctx, before, after);
            added
        }
        None => {
            let mut s = Set::create(m, 1, &lim);
            s.add(m, &lim);
            ctx.db()
                .ks
                .insert_new(dst.into(), Value::Set(Box::new(s)), NO_EXPIRE);
            true
        }
    };
    ctx.signal_modified(src);
    ctx.dirty(1);
    if added {
        ctx.dirty(1);
        ctx.signal_modified(dst);
        ctx.notify('s', "sadd", dst);
    }
    Ok(Reply::Int(1))
}

// ---------------------------------------------------------------------------------------
// Intersections
// ---------------------------------------------------------------------------------------

/// ```text
/// SINTER key [key ...]
/// ```
pub fn sinter(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let keys: Vec<&[u8]> = args.iter().skip(1).collect();
    sinter_generic(ctx, &keys, None, false, 0)
}

/// ```text
/// SINTERSTORE destination key [key ...]
/// ```
pub fn sinterstore(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let keys: Vec<&[u8]> = args.iter().skip(2).collect();
    sinter_generic(ctx, &keys, Some(args.get(1)), false, 0)
}

/// ```text
/// SINTERCARD numkeys key [key ...] [LIMIT limit]
/// ```
pub fn sintercard(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let bad_numkeys = || CmdError::err("numkeys should be greater than 0");
    let numkeys = parse_i64(args.get(1)).map_err(|_| bad_numkeys())?;
    if numkeys < 1 {
        return Err(bad_numkeys());
    }
    let numkeys = usize::try_from(numkeys).unwrap_or(usize::MAX);
    if numkeys > args.len() - 2 {
        return Err(CmdError::err(
            "Number of keys can't be greater than number of args",
        ));
    }
    let mut limit = 0usize;
    let mut j = 2 + numkeys;
    while j < args.len() {
        if args.is(j, "limit") && j + 1 < args.len() {
            let bad_limit = || CmdError::err("LIMIT can't be negative");
            let l = parse_i64(args.get(j + 1)).map_err(|_| bad_limit())?;
            if l < 0 {
                return Err(bad_limit());
            }
            limit = usize::try_from(l).unwrap_or(usize::MAX);
            j += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let keys: Vec<&[u8]> = (2..2 + numkeys).map(|i| args.get(i)).collect();
    sinter_generic(ctx, &keys, None, true, limit)
}

/// Redis's `sinterGenericCommand`: iterate the smallest set and test each member
/// against the others.
fn sinter_generic(
    ctx: &mut Ctx,
    keys: &[&[u8]],
    dst: Option<&[u8]>,
    card_only: bool,
    limit: usize,
) -> CmdResult {
    check_sets(ctx, keys.iter().copied())?;
    let lim = limits(ctx);
    let result: Result<(Set, bool), usize> = {
        let found = get_sets(ctx, keys);
        let mut sets: Vec<(&[u8], &Set)> = Vec::with_capacity(keys.len());
        let mut empty = false;
        for (k, s) in keys.iter().zip(found) {
            match s {
                Some(s) => sets.push((k, s)),
                None => empty = true,
            }
        }
        if empty {
            Err(0)
        } else {
            crate::compact::sort_by(&mut sets, |a, b| a.1.len().cmp(&b.1.len()));
            let (k0, first) = sets[0];
            let others = &sets[1..];
            let matches =
                |m: Member<'_>| others.iter().all(|(k, s)| *k == k0 || s.contains_member(m));
            if card_only {
                let mut n = 0usize;
                for m in first.iter() {
                    if matches(m) {
                        n += 1;
                        if limit != 0 && n >= limit {
                            break;
                        }
                    }
                }
                Err(n)
            } else {
                let mut out = if first.is_intset() {
                    Set::new()
                } else {
                    Set::new_listpack()
                };
                let mut only_integers = true;
                // Without a destination, collect in the first set's order.
                let mut order = Vec::new();
                for m in first.iter() {
                    if matches(m) {
                        if dst.is_some() {
                            only_integers &= m.as_int().is_some();
                            out.add_member(m, &lim);
                        } else {
                            order.push(bulk(m));
                        }
                    }
                }
                if dst.is_none() {
                    return Ok(Reply::Set(order));
                }
                Ok((out, only_integers))
            }
        }
    };
    match (result, dst) {
        (Err(n), None) if card_only => Ok(Reply::Int(n as i64)),
        (Err(_), None) => Ok(Reply::Set(Vec::new())),
        (Err(_), Some(d)) => {
            delete_dst(ctx, d);
            Ok(Reply::Int(0))
        }
        (Ok(_), None) => Ok(Reply::Set(Vec::new())),
        (Ok((mut out, only_integers)), Some(d)) => {
            if out.is_empty() {
                delete_dst(ctx, d);
                return Ok(Reply::Int(0));
            }
            if only_integers {
                out.maybe_convert_to_intset(&lim);
            }
            Ok(Reply::Int(store_set(ctx, d, out, "sinterstore")))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Unions and differences
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Union,
    Diff,
}

/// ```text
/// SUNION key [key ...]
/// ```
pub fn sunion(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let keys: Vec<&[u8]> = args.iter().skip(1).collect();
    sunion_diff_generic(ctx, &keys, None, SetOp::Union)
}

/// ```text
/// SUNIONSTORE destination key [key ...]
/// ```
pub fn sunionstore(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let keys: Vec<&[u8]> = args.iter().skip(2).collect();
    sunion_diff_generic(ctx, &keys, Some(args.get(1)), SetOp::Union)
}

/// ```text
/// SDIFF key [key ...]
/// ```
pub fn sdiff(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let keys: Vec<&[u8]> = args.iter().skip(1).collect();
    sunion_diff_generic(ctx, &keys, None, SetOp::Diff)
}

/// ```text
/// SDIFFSTORE destination key [key ...]
/// ```
pub fn sdiffstore(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let keys: Vec<&[u8]> = args.iter().skip(2).collect();
    sunion_diff_generic(ctx, &keys, Some(args.get(1)), SetOp::Diff)
}

/// Redis's `sunionDiffGenericCommand`. The result starts as an empty intset and grows by
/// member adds; a difference picks Redis's cheaper algorithm (which can change the
/// result's encoding and order, so we pick the same one).
fn sunion_diff_generic(ctx: &mut Ctx, keys: &[&[u8]], dst: Option<&[u8]>, op: SetOp) -> CmdResult {
    check_sets(ctx, keys.iter().copied())?;
    let lim = limits(ctx);
    let out = {
        let sets = get_sets(ctx, keys);
        let mut out = Set::new();
        let first = sets.first().copied().flatten();
        let k0 = keys.first().copied().unwrap_or_default();
        let sameset = first.is_some()
            && keys
                .iter()
                .zip(&sets)
                .skip(1)
                .any(|(k, s)| s.is_some() && *k == k0);
        match (op, first) {
            (SetOp::Union, _) => {
                for s in sets.iter().flatten() {
                    for m in s.iter() {
                        out.add_member(m, &lim);
                    }
                }
            }
            (SetOp::Diff, None) => {}
            (SetOp::Diff, Some(_)) if sameset => {}
            (SetOp::Diff, Some(first)) => {
                let present = || sets.iter().flatten();
                let algo_one = (present().count() * first.len()) / 2;
                let algo_two: usize = present().map(|s| s.len()).sum();
                if algo_one <= algo_two {
                    // Algorithm 1: keep the first set's members found in no other set.
                    for m in first.iter() {
                        if !sets.iter().skip(1).flatten().any(|s| s.contains_member(m)) {
                            out.add_member(m, &lim);
                        }
                    }
                } else {
                    // Algorithm 2: add the first set, remove every other set's members.
                    for m in first.iter() {
                        out.add_member(m, &lim);
                    }
                    for s in sets.iter().skip(1).flatten() {
                        for m in s.iter() {
                            out.remove_member(m);
                        }
                        if out.is_empty() {
                            break;
                        }
                    }
                }
            }
        }
        out
    };
    match dst {
        None => Ok(Reply::Set(out.iter().map(bulk).collect())),
        Some(d) if out.is_empty() => {
            delete_dst(ctx, d);
            Ok(Reply::Int(0))
        }
        Some(d) => {
            let event = if op == SetOp::Union {
                "sunionstore"
            } else {
                "sdiffstore"
            };
            Ok(Reply::Int(store_set(ctx, d, out, event)))
        }
    }
}

// ---------------------------------------------------------------------------------------
// SSCAN
// ---------------------------------------------------------------------------------------

/// ```text
/// SSCAN key cursor [MATCH pattern] [COUNT count]
/// ```
///
/// Intsets and listpacks are returned whole with cursor 0, as Redis does; hashtables are
/// walked by slot (see `types::set`).
pub fn sscan(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let Some(cursor) = super::keys::parse_cursor(args.get(2)) else {
        return Err(CmdError::err("invalid cursor"));
    };
    let key = args.get(1);
    let empty = || Reply::Array(vec![Reply::bulk("0"), Reply::Array(Vec::new())]);
    let Some(e) = ctx.lookup_read(key) else {
        return Ok(empty());
    };
    let s = as_set(&e.value)?;
    let mut count: i64 = 10;
    let mut pat: Option<&[u8]> = None;
    let mut i = 3;
    while i < args.len() {
        let more = i + 1 < args.len();
        if args.is(i, "count") && more {
            count = parse_i64(args.get(i + 1))?;
            if count < 1 {
                return Err(CmdError::Syntax);
            }
        } else if args.is(i, "match") && more {
            let p = args.get(i + 1);
            pat = if p == b"*" { None } else { Some(p) };
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    let mut out = Vec::new();
    let next = s.scan(cursor, count, |m| {
        let b = m.bytes();
        if pat.is_none_or(|p| glob_match(p, &b, false)) {
            out.push(Reply::Bulk(b.to_vec()));
        }
    });
    Ok(Reply::Array(vec![
        Reply::bulk(next.to_string()),
        Reply::Array(out),
    ]))
}
