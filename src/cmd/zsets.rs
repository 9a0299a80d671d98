//! Sorted-set commands (Redis's `t_zset.c` command half).
//!
//! As in Redis, variants share generic routines: ZADD and ZINCRBY share
//! [`zadd_generic`]; the whole ZRANGE family (ZRANGE, ZRANGESTORE, ZREVRANGE,
//! Z[REV]RANGEBYSCORE, Z[REV]RANGEBYLEX) shares one parser and range walker in
//! [`range`]; ZUNION/ZINTER/ZDIFF, their STORE forms and ZINTERCARD share
//! [`setops`]; the pops (ZPOPMIN/MAX, ZMPOP and the blocking BZPOPMIN/MAX, BZMPOP) share
//! [`pop`]; ZRANDMEMBER and ZSCAN live in [`random`].
//!
//! Replies follow Redis's protocol split: with WITHSCORES, RESP2 gets a flat array of
//! member, score, member, score...; RESP3 gets an array of [member, score] pairs, the
//! score a double. Propagation is verbatim except for the pops, which are rewritten as
//! deterministic `ZPOPMIN`/`ZPOPMAX key count` (ZMPOP, BZPOPMIN/MAX, BZMPOP).

pub mod pop;
pub mod random;
pub mod range;
pub mod setops;

use super::{Args, Ctx, Handler, parse_i64};
use crate::db::NO_EXPIRE;
use crate::reply::{CmdError, CmdResult, Reply};
use crate::types::Value;
use crate::types::zset::{AddFlags, AddOutcome, LexRange, Limits, ScoreRange, ZSet, parse_score};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("bzmpop", pop::bzmpop),
    ("bzpopmax", pop::bzpopmax),
    ("bzpopmin", pop::bzpopmin),
    ("zadd", zadd),
    ("zcard", zcard),
    ("zcount", zcount),
    ("zdiff", setops::zdiff),
    ("zdiffstore", setops::zdiffstore),
    ("zincrby", zincrby),
    ("zinter", setops::zinter),
    ("zintercard", setops::zintercard),
    ("zinterstore", setops::zinterstore),
    ("zlexcount", zlexcount),
    ("zmpop", pop::zmpop),
    ("zmscore", zmscore),
    ("zpopmax", pop::zpopmax),
    ("zpopmin", pop::zpopmin),
    ("zrandmember", random::zrandmember),
    ("zrange", range::zrange),
    ("zrangebylex", range::zrangebylex),
    ("zrangebyscore", range::zrangebyscore),
    ("zrangestore", range::zrangestore),
    ("zrank", zrank),
    ("zrem", zrem),
    ("zremrangebylex", zremrangebylex),
    ("zremrangebyrank", zremrangebyrank),
    ("zremrangebyscore", zremrangebyscore),
    ("zrevrange", range::zrevrange),
    ("zrevrangebylex", range::zrevrangebylex),
    ("zrevrangebyscore", range::zrevrangebyscore),
    ("zrevrank", zrevrank),
    ("zscan", random::zscan),
    ("zscore", zscore),
    ("zunion", setops::zunion),
    ("zunionstore", setops::zunionstore),
];

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// `ERR min or max is not a float`
pub(crate) fn err_not_float_range() -> CmdError {
    CmdError::raw("ERR min or max is not a float")
}

/// `ERR min or max not valid string range item`
pub(crate) fn err_not_lex_range() -> CmdError {
    CmdError::raw("ERR min or max not valid string range item")
}

/// The encoding thresholds from the configuration.
#[inline]
pub(crate) fn limits(ctx: &Ctx) -> Limits {
    Limits {
        max_entries: ctx.st.config.zset_max_listpack_entries,
        max_value: ctx.st.config.zset_max_listpack_value,
    }
}

/// The sorted set at `key` for reading: `Ok(None)` if absent, WRONGTYPE if another type.
#[inline]
pub(crate) fn read_zset<'c>(ctx: &'c mut Ctx, key: &[u8]) -> Result<Option<&'c ZSet>, CmdError> {
    match ctx.lookup_read(key) {
        None => Ok(None),
        Some(e) => match &e.value {
            Value::ZSet(z) => Ok(Some(z)),
            _ => Err(CmdError::WrongType),
        },
    }
}

/// The sorted set at `key` for writing: `Ok(None)` if absent, WRONGTYPE if another type.
#[inline]
pub(crate) fn write_zset<'c>(
    ctx: &'c mut Ctx,
    key: &[u8],
) -> Result<Option<&'c mut ZSet>, CmdError> {
    match ctx.lookup_write(key) {
        None => Ok(None),
        Some(e) => match &mut e.value {
            Value::ZSet(z) => Ok(Some(z)),
            _ => Err(CmdError::WrongType),
        },
    }
}

/// After an in-place change: record the memory delta, and delete the key when the set
/// became empty (Redis never keeps an empty collection), notifying "del".
pub(crate) fn finish_write(ctx: &mut Ctx, key: &[u8], before: usize, after: usize, empty: bool) {
    if before != after {
        ctx.db().ks.adjust_mem(after as isize - before as isize);
    }
    if empty {
        ctx.db().ks.remove(key);
        ctx.notify('g', "del", key);
    }
}

/// Store `z` at `dst` as Redis's `setKey` (any old value and TTL replaced).
pub(crate) fn store_zset(ctx: &mut Ctx, dst: &[u8], z: ZSet) {
    // Apply lazy expiry to the old value first, as setKey's lookupKeyWrite does.
    let _ = ctx.lookup_write(dst);
    ctx.db().set(dst, Value::ZSet(Box::new(z)), NO_EXPIRE);
    ctx.signal_modified(dst);
    ctx.signal_ready(dst);
}

/// Append one (member, score) to a reply: a [member, score] pair in RESP3 with scores,
/// else the member and (with scores) the score flat.
#[inline]
pub(crate) fn push_scored(out: &mut Vec<Reply>, m: &[u8], s: f64, withscores: bool, resp3: bool) {
    if withscores && resp3 {
        out.push(Reply::Array(vec![Reply::bulk(m), Reply::Double(s)]));
    } else {
        out.push(Reply::bulk(m));
        if withscores {
            out.push(Reply::Double(s));
        }
    }
}

/// Room for `n` (member, score) items in a reply vector.
#[inline]
pub(crate) fn reply_capacity(n: usize, withscores: bool, resp3: bool) -> usize {
    let n = n.min(1 << 16);
    if withscores && !resp3 { n * 2 } else { n }
}

// ---------------------------------------------------------------------------------------
// ZADD / ZINCRBY
// ---------------------------------------------------------------------------------------

/// ```text
/// ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
/// ```
pub fn zadd(ctx: &mut Ctx, args: &Args) -> CmdResult {
    zadd_generic(ctx, args, false)
}

/// ```text
/// ZINCRBY key increment member
/// ```
pub fn zincrby(ctx: &mut Ctx, args: &Args) -> CmdResult {
    zadd_generic(ctx, args, true)
}

/// ZADD and ZINCRBY (Redis's `zaddGenericCommand`). Options are read from argument 2 on
/// for both, so `ZINCRBY key nx m` is a syntax error as in Redis.
fn zadd_generic(ctx: &mut Ctx, args: &Args, incr_cmd: bool) -> CmdResult {
    let key = args.get(1);
    let mut f = AddFlags {
        incr: incr_cmd,
        ..AddFlags::default()
    };
    let mut ch = false;
    let mut i = 2;
    while i < args.len() {
        let a = args.get(i);
        if a.eq_ignore_ascii_case(b"nx") {
            f.nx = true;
        } else if a.eq_ignore_ascii_case(b"xx") {
            f.xx = true;
        } else if a.eq_ignore_ascii_case(b"ch") {
            ch = true;
        } else if a.eq_ignore_ascii_case(b"incr") {
            f.incr = true;
        } else if a.eq_ignore_ascii_case(b"gt") {
            f.gt = true;
        } else if a.eq_ignore_ascii_case(b"lt") {
            f.lt = true;
        } else {
            break;
        }
        i += 1;
    }
    let rest = args.len() - i;
    if rest == 0 || rest % 2 != 0 {
        return Err(CmdError::Syntax);
    }
    let pairs = rest / 2;
    if f.nx && f.xx {
        return Err(CmdError::err(
            "XX and NX options at the same time are not compatible",
        ));
    }
    if ((f.gt || f.lt) && f.nx) || (f.gt && f.lt) {
        return Err(CmdError::err(
            "GT, LT, and/or NX options at the same time are not compatible",
        ));
    }
    if f.incr && pairs > 1 {
        return Err(CmdError::err(
            "INCR option supports a single increment-element pair",
        ));
    }
    // Every score is checked before anything changes.
    let mut max_len = 0;
    for j in 0..pairs {
        parse_score(args.get(i + 2 * j)).ok_or(CmdError::NotFloat)?;
        max_len = max_len.max(args.get(i + 2 * j + 1).len());
    }
    let lim = limits(ctx);
    let mut added = 0u64;
    let mut updated = 0u64;
    let mut processed = 0u64;
    let mut score = 0.0;
    let mut nan = false;
    let mut apply = |z: &mut ZSet| {
        for j in 0..pairs {
            let s = parse_score(args.get(i + 2 * j)).unwrap_or(0.0);
            match z.add(args.get(i + 2 * j + 1), s, f, lim) {
                AddOutcome::Added(s) => {
                    added += 1;
                    processed += 1;
                    score = s;
                }
                AddOutcome::Updated(s) => {
                    updated += 1;
                    processed += 1;
                    score = s;
                }
                AddOutcome::Unchanged(s) => {
                    processed += 1;
                    score = s;
                }
                AddOutcome::Skipped => {}
                AddOutcome::NaN => {
                    nan = true;
                    break;
                }
            }
        }
    };
    match write_zset(ctx, key)? {
        Some(z) => {
            let before = z.mem_usage();
            z.reserve_for(pairs, lim);
            apply(z);
            let after = z.mem_usage();
            finish_write(ctx, key, before, after, false);
        }
        None => {
            if !f.xx {
                let mut z = ZSet::with_hint(pairs, max_len, lim);
                apply(&mut z);
                if !z.is_empty() {
                    ctx.db()
                        .ks
                        .insert_new(key.into(), Value::ZSet(Box::new(z)), NO_EXPIRE);
                }
            }
        }
    }
    if !nan {
        ctx.dirty(added + updated);
    }
    if added + updated > 0 {
        ctx.signal_modified(key);
        ctx.notify('z', if f.incr { "zincr" } else { "zadd" }, key);
        ctx.signal_ready(key);
    }
    if nan {
        Err(CmdError::err("resulting score is not a number (NaN)"))
    } else if f.incr {
        Ok(if processed > 0 {
            Reply::Double(score)
        } else {
            Reply::Nil
        })
    } else {
        Ok(Reply::Int(
            (if ch { added + updated } else { added }) as i64,
        ))
    }
}

// ---------------------------------------------------------------------------------------
// ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK
// ---------------------------------------------------------------------------------------

/// ```text
/// ZREM key member [member ...]
/// ```
pub fn zrem(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let Some(z) = write_zset(ctx, key)? else {
        return Ok(Reply::Int(0));
    };
    let before = z.mem_usage();
    let mut deleted = 0u64;
    for m in args.iter().skip(2) {
        if z.remove(m) {
            deleted += 1;
        }
        if z.is_empty() {
            break;
        }
    }
    let (after, empty) = (z.mem_usage(), z.is_empty());
    if deleted > 0 {
        ctx.notify('z', "zrem", key);
        finish_write(ctx, key, before, after, empty);
        ctx.signal_modified(key);
        ctx.dirty(deleted);
    }
    Ok(Reply::Int(deleted as i64))
}

/// ```text
/// ZCARD key
/// ```
pub fn zcard(ctx: &mut Ctx, args: &Args) -> CmdResult {
    Ok(Reply::Int(
        read_zset(ctx, args.get(1))?.map_or(0, |z| z.len() as i64),
    ))
}

/// ```text
/// ZSCORE key member
/// ```
pub fn zscore(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let score = read_zset(ctx, args.get(1))?.and_then(|z| z.score(args.get(2)));
    Ok(score.map_or(Reply::Nil, Reply::Double))
}

/// ```text
/// ZMSCORE key member [member ...]
/// ```
pub fn zmscore(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let z = read_zset(ctx, args.get(1))?;
    Ok(Reply::Array(
        args.iter()
            .skip(2)
            .map(|m| z.and_then(|z| z.score(m)).map_or(Reply::Nil, Reply::Double))
            .collect(),
    ))
}

/// ```text
/// ZRANK key member [WITHSCORE]
/// ```
pub fn zrank(ctx: &mut Ctx, args: &Args) -> CmdResult {
    rank_generic(ctx, args, false)
}

/// ```text
/// ZREVRANK key member [WITHSCORE]
/// ```
pub fn zrevrank(ctx: &mut Ctx, args: &Args) -> CmdResult {
    rank_generic(ctx, args, true)
}

fn rank_generic(ctx: &mut Ctx, args: &Args, rev: bool) -> CmdResult {
    if args.len() > 4 {
        return Err(CmdError::WrongArity(ctx.cmd.name().to_string()));
    }
    let withscore = if args.len() == 4 {
        if !args.is(3, "withscore") {
            return Err(CmdError::Syntax);
        }
        true
    } else {
        false
    };
    let missing = if withscore {
        Reply::NilArray
    } else {
        Reply::Nil
    };
    let Some(z) = read_zset(ctx, args.get(1))? else {
        return Ok(missing);
    };
    let Some((r, s)) = z.rank(args.get(2)) else {
        return Ok(missing);
    };
    let r = if rev { z.len() - 1 - r } else { r };
    Ok(if withscore {
        Reply::Array(vec![Reply::Int(r as i64), Reply::Double(s)])
    } else {
        Reply::Int(r as i64)
    })
}

// ---------------------------------------------------------------------------------------
// ZCOUNT, ZLEXCOUNT
// ---------------------------------------------------------------------------------------

/// ```text
/// ZCOUNT key min max
/// ```
pub fn zcount(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let range = ScoreRange::parse(args.get(2), args.get(3)).ok_or_else(err_not_float_range)?;
    let Some(z) = read_zset(ctx, args.get(1))? else {
        return Ok(Reply::Int(0));
    };
    Ok(Reply::Int(
        z.score_range(&range).map_or(0, |(a, b)| (b - a + 1) as i64),
    ))
}

/// ```text
/// ZLEXCOUNT key min max
/// ```
pub fn zlexcount(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let range = LexRange::parse(args.get(2), args.get(3)).ok_or_else(err_not_lex_range)?;
    let Some(z) = read_zset(ctx, args.get(1))? else {
        return Ok(Reply::Int(0));
    };
    Ok(Reply::Int(z.lex_count(&range) as i64))
}

// ---------------------------------------------------------------------------------------
// ZREMRANGEBYRANK / BYSCORE / BYLEX
// ---------------------------------------------------------------------------------------

/// ```text
/// ZREMRANGEBYRANK key start stop
/// ```
pub fn zremrangebyrank(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let start = parse_i64(args.get(2))?;
    let end = parse_i64(args.get(3))?;
    remrange_generic(ctx, args.get(1), "zremrangebyrank", |z| {
        let n = z.len() as i64;
        let mut start = if start < 0 {
            n.saturating_add(start)
        } else {
            start
        };
        let end = if end < 0 { n.saturating_add(end) } else { end };
        if start < 0 {
            start = 0;
        }
        if start > end || start >= n {
            return None;
        }
        Some((start as usize, end.min(n - 1) as usize))
    })
}

/// ```text
/// ZREMRANGEBYSCORE key min max
/// ```
pub fn zremrangebyscore(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let range = ScoreRange::parse(args.get(2), args.get(3)).ok_or_else(err_not_float_range)?;
    remrange_generic(ctx, args.get(1), "zremrangebyscore", |z| {
        z.score_range(&range)
    })
}

/// ```text
/// ZREMRANGEBYLEX key min max
/// ```
pub fn zremrangebylex(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let range = LexRange::parse(args.get(2), args.get(3)).ok_or_else(err_not_lex_range)?;
    remrange_generic(ctx, args.get(1), "zremrangebylex", |z| {
        let first = z.lex_first(&range)?;
        let n = z
            .iter_at(first, false)
            .take_while(|(m, _)| range.lte_max(m))
            .count();
        Some((first, first + n.max(1) - 1))
    })
}

/// Remove the ranks `select` picks (Redis's `zremrangeGenericCommand`).
fn remrange_generic(
    ctx: &mut Ctx,
    key: &[u8],
    event: &'static str,
    select: impl FnOnce(&ZSet) -> Option<(usize, usize)>,
) -> CmdResult {
    let Some(z) = write_zset(ctx, key)? else {
        return Ok(Reply::Int(0));
    };
    let Some((start, end)) = select(z) else {
        return Ok(Reply::Int(0));
    };
    let before = z.mem_usage();
    let deleted = z.remove_ranks(start, end);
    let (after, empty) = (z.mem_usage(), z.is_empty());
    if deleted > 0 {
        ctx.signal_modified(key);
        ctx.notify('z', event, key);
        finish_write(ctx, key, before, after, empty);
        ctx.dirty(deleted as u64);
    }
    Ok(Reply::Int(deleted as i64))
}
