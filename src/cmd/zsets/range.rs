//! The ZRANGE family: ZRANGE (by rank, BYSCORE, BYLEX, REV, LIMIT, WITHSCORES),
//! ZRANGESTORE, and the older ZREVRANGE, Z[REV]RANGEBYSCORE, Z[REV]RANGEBYLEX, all
//! through one parser and walker (Redis's `zrangeGenericCommand`).
//!
//! Ranges start at a rank found in O(log N) and walk M elements. Offsets and limits keep
//! Redis's C semantics: a negative LIMIT offset yields nothing, a negative count means
//! no limit.

use super::{err_not_float_range, err_not_lex_range, limits, push_scored, read_zset, store_zset};
use crate::cmd::{Args, Ctx, parse_i64};
use crate::reply::{CmdError, CmdResult, Reply};
use crate::types::zset::{LexRange, ScoreRange, ZSet};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Auto,
    Rank,
    Score,
    Lex,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dir {
    Auto,
    Fwd,
    Rev,
}

/// The parsed range.
enum Spec<'a> {
    Rank(i64, i64),
    Score(ScoreRange),
    Lex(LexRange<'a>),
}

/// ```text
/// ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
/// ```
pub fn zrange(ctx: &mut Ctx, args: &Args) -> CmdResult {
    generic(ctx, args, 1, None, Kind::Auto, Dir::Auto)
}

/// ```text
/// ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]
/// ```
pub fn zrangestore(ctx: &mut Ctx, args: &Args) -> CmdResult {
    generic(ctx, args, 2, Some(args.get(1)), Kind::Auto, Dir::Auto)
}

/// ```text
/// ZREVRANGE key start stop [WITHSCORES]
/// ```
pub fn zrevrange(ctx: &mut Ctx, args: &Args) -> CmdResult {
    generic(ctx, args, 1, None, Kind::Rank, Dir::Rev)
}

/// ```text
/// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
/// ```
pub fn zrangebyscore(ctx: &mut Ctx, args: &Args) -> CmdResult {
    generic(ctx, args, 1, None, Kind::Score, Dir::Fwd)
}

/// ```text
/// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
/// ```
pub fn zrevrangebyscore(ctx: &mut Ctx, args: &Args) -> CmdResult {
    generic(ctx, args, 1, None, Kind::Score, Dir::Rev)
}

/// ```text
/// ZRANGEBYLEX key min max [LIMIT offset count]
/// ```
pub fn zrangebylex(ctx: &mut Ctx, args: &Args) -> CmdResult {
    generic(ctx, args, 1, None, Kind::Lex, Dir::Fwd)
}

/// ```text
/// ZREVRANGEBYLEX key max min [LIMIT offset count]
/// ```
pub fn zrevrangebylex(ctx: &mut Ctx, args: &Args) -> CmdResult {
    generic(ctx, args, 1, None, Kind::Lex, Dir::Rev)
}

/// Redis's `zrangeGenericCommand`: `src` is the index of the source key; `store` the
/// destination of ZRANGESTORE.
fn generic(
    ctx: &mut Ctx,
    args: &Args,
    src: usize,
    store: Option<&[u8]>,
    mut kind: Kind,
    mut dir: Dir,
) -> CmdResult {
    let key = args.get(src);
    let mut withscores = false;
    let mut offset: i64 = 0;
    let mut limit: i64 = -1;
    let mut j = src + 3;
    while j < args.len() {
        let left = args.len() - j - 1;
        if store.is_none() && args.is(j, "withscores") {
            withscores = true;
        } else if args.is(j, "limit") && left >= 2 {
            offset = parse_i64(args.get(j + 1))?;
            limit = parse_i64(args.get(j + 2))?;
            j += 2;
        } else if dir == Dir::Auto && args.is(j, "rev") {
            dir = Dir::Rev;
        } else if kind == Kind::Auto && args.is(j, "bylex") {
            kind = Kind::Lex;
        } else if kind == Kind::Auto && args.is(j, "byscore") {
            kind = Kind::Score;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    if dir == Dir::Auto {
        dir = Dir::Fwd;
    }
    if kind == Kind::Auto {
        kind = Kind::Rank;
    }
    if limit != -1 && kind == Kind::Rank {
        return Err(CmdError::err(
            "syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ));
    }
    if withscores && kind == Kind::Lex {
        return Err(CmdError::err(
            "syntax error, WITHSCORES not supported in combination with BYLEX",
        ));
    }
    let rev = dir == Dir::Rev;
    let (mut lo, mut hi) = (args.get(src + 1), args.get(src + 2));
    if rev && kind != Kind::Rank {
        std::mem::swap(&mut lo, &mut hi);
    }
    let spec = match kind {
        Kind::Score => Spec::Score(ScoreRange::parse(lo, hi).ok_or_else(err_not_float_range)?),
        Kind::Lex => Spec::Lex(LexRange::parse(lo, hi).ok_or_else(err_not_lex_range)?),
        _ => Spec::Rank(parse_i64(lo)?, parse_i64(hi)?),
    };
    let resp3 = ctx.sess.resp3();
    let Some(z) = read_zset(ctx, key)? else {
        return match store {
            Some(dst) => finish_store(ctx, dst, Vec::new()),
            None => Ok(Reply::Array(Vec::new())),
        };
    };
    match store {
        None => {
            let mut out = Vec::new();
            walk(z, &spec, rev, offset, limit, |m, s| {
                push_scored(&mut out, m, s, withscores, resp3)
            });
            Ok(Reply::Array(out))
        }
        Some(dst) => {
            let mut picked: Vec<(Box<[u8]>, f64)> = Vec::new();
            walk(z, &spec, rev, offset, limit, |m, s| {
                picked.push((m.into(), s))
            });
            if rev {
                picked.reverse();
            }
            finish_store(ctx, dst, picked)
        }
    }
}

/// Store a ZRANGESTORE result (sorted ascending), or delete `dst` when it is empty.
fn finish_store(ctx: &mut Ctx, dst: &[u8], picked: Vec<(Box<[u8]>, f64)>) -> CmdResult {
    let n = picked.len();
    if n > 0 {
        let z = ZSet::from_sorted(picked, limits(ctx));
        store_zset(ctx, dst, z);
        ctx.notify('z', "zrangestore", dst);
        ctx.dirty(1);
    } else if ctx.delete(dst) {
        ctx.signal_modified(dst);
        ctx.notify('g', "del", dst);
        ctx.dirty(1);
    }
    Ok(Reply::Int(n as i64))
}

/// Visit the elements `spec` selects, in reply order.
fn walk<'z>(
    z: &'z ZSet,
    spec: &Spec,
    rev: bool,
    offset: i64,
    limit: i64,
    mut emit: impl FnMut(&'z [u8], f64),
) {
    let len = z.len();
    // A negative count is no limit; a negative offset walks off the end in Redis.
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let Ok(offset) = usize::try_from(offset) else {
        return;
    };
    match spec {
        Spec::Rank(start, end) => {
            let n = len as i64;
            let mut start = if *start < 0 {
                n.saturating_add(*start)
            } else {
                *start
            };
            let end = if *end < 0 {
                n.saturating_add(*end)
            } else {
                *end
            };
            if start < 0 {
                start = 0;
            }
            if start > end || start >= n {
                return;
            }
            let end = end.min(n - 1);
            let count = (end - start + 1) as usize;
            let first = if rev {
                (n - 1 - start) as usize
            } else {
                start as usize
            };
            for (m, s) in z.iter_at(first, rev).take(count) {
                emit(m, s);
            }
        }
        Spec::Score(range) => {
            if offset > 0 && offset >= len {
                return;
            }
            let Some((first, last)) = z.score_range(range) else {
                return;
            };
            let avail = last - first + 1;
            if offset >= avail {
                return;
            }
            let start = if rev { last - offset } else { first + offset };
            for (m, s) in z.iter_at(start, rev).take((avail - offset).min(limit)) {
                emit(m, s);
            }
        }
        Spec::Lex(range) => {
            let start = if rev {
                z.lex_last(range).and_then(|r| r.checked_sub(offset))
            } else {
                z.lex_first(range).map(|r| r.saturating_add(offset))
            };
            let Some(start) = start else {
                return;
            };
            let in_range = |m: &[u8]| {
                if rev {
                    range.gte_min(m)
                } else {
                    range.lte_max(m)
                }
            };
            for (m, s) in z
                .iter_at(start, rev)
                .take(limit)
                .take_while(|(m, _)| in_range(m))
            {
                emit(m, s);
            }
        }
    }
}
