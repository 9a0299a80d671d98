//! ZUNION, ZINTER, ZDIFF, their STORE forms, and ZINTERCARD (Redis's
//! `zunionInterDiffGenericCommand`).
//!
//! Inputs may be sorted sets or plain sets (whose members score 1). As in Redis, union and
//! intersection visit the inputs from the smallest to the largest (a stable order, which
//! fixes the order in which SUM adds floating-point scores), a weighted score that is NaN
//! (`inf * 0`) counts as 0, and so does a SUM of `inf` and `-inf`. Results are ordered by
//! (score, member); a stored result is a listpack when it fits the limits.

use std::borrow::Cow;

use hashbrown::HashMap;
use hashbrown::hash_map::Entry as MapEntry;

use super::{limits, push_scored, reply_capacity, store_zset};
use crate::cmd::{Args, Ctx, parse_i64};
use crate::reply::{CmdError, CmdResult, Reply};
use crate::types::zset::{ZSet, parse_score};
use crate::types::{Set, Value};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

/// One input.
#[derive(Clone, Copy)]
enum Src<'a> {
    Missing,
    Z(&'a ZSet),
    S(&'a Set),
}

impl<'a> Src<'a> {
    fn len(&self) -> usize {
        match self {
            Src::Missing => 0,
            Src::Z(z) => z.len(),
            Src::S(s) => s.len(),
        }
    }

    /// The score of `m` (1 for a plain set member).
    fn lookup(&self, m: &[u8]) -> Option<f64> {
        match self {
            Src::Missing => None,
            Src::Z(z) => z.score(m),
            Src::S(s) => s.contains(m).then_some(1.0),
        }
    }

    /// Visit every (member, score).
    fn for_each(&self, mut f: impl FnMut(Cow<'a, [u8]>, f64)) {
        match *self {
            Src::Missing => {}
            Src::Z(z) => z.iter().for_each(|(m, s)| f(Cow::Borrowed(m), s)),
            Src::S(s) => s.iter_bytes().for_each(|m| f(Cow::Owned(m.to_vec()), 1.0)),
        }
    }

    /// Whether both are the same stored value (the same key given twice).
    fn same(&self, other: &Src) -> bool {
        match (self, other) {
            (Src::Z(a), Src::Z(b)) => std::ptr::eq(*a, *b),
            (Src::S(a), Src::S(b)) => std::ptr::eq(*a, *b),
            _ => false,
        }
    }
}

#[inline]
fn aggregate(target: &mut f64, val: f64, agg: Aggregate) {
    match agg {
        Aggregate::Sum => {
            *target += val;
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggregate::Min => {
            if val < *target {
                *target = val;
            }
        }
        Aggregate::Max => {
            if val > *target {
                *target = val;
            }
        }
    }
}

/// ```text
/// ZUNION numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
/// ```
pub fn zunion(ctx: &mut Ctx, args: &Args) -> CmdResult {
    generic(ctx, args, None, 1, Op::Union, false)
}

/// ```text
/// ZINTER numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
/// ```
pub fn zinter(ctx: &mut Ctx, args: &Args) -> CmdResult {
    generic(ctx, args, None, 1, Op::Inter, false)
}

/// ```text
/// ZDIFF numkeys key [key ...] [WITHSCORES]
/// ```
pub fn zdiff(ctx: &mut Ctx, args: &Args) -> CmdResult {
    generic(ctx, args, None, 1, Op::Diff, false)
}

/// ```text
/// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX]
/// ```
pub fn zunionstore(ctx: &mut Ctx, args: &Args) -> CmdResult {
    generic(ctx, args, Some(args.get(1)), 2, Op::Union, false)
}

/// ```text
/// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX]
/// ```
pub fn zinterstore(ctx: &mut Ctx, args: &Args) -> CmdResult {
    generic(ctx, args, Some(args.get(1)), 2, Op::Inter, false)
}

/// ```text
/// ZDIFFSTORE destination numkeys key [key ...]
/// ```
pub fn zdiffstore(ctx: &mut Ctx, args: &Args) -> CmdResult {
    generic(ctx, args, Some(args.get(1)), 2, Op::Diff, false)
}

/// ```text
/// ZINTERCARD numkeys key [key ...] [LIMIT limit]
/// ```
pub fn zintercard(ctx: &mut Ctx, args: &Args) -> CmdResult {
    generic(ctx, args, None, 1, Op::Inter, true)
}

/// The shared implementation; `nk` is the index of `numkeys`.
fn generic(
    ctx: &mut Ctx,
    args: &Args,
    dst: Option<&[u8]>,
    nk: usize,
    op: Op,
    card_only: bool,
) -> CmdResult {
    let setnum = parse_i64(args.get(nk))?;
    if setnum < 1 {
        return Err(CmdError::err(format!(
            "at least 1 input key is needed for '{}' command",
            ctx.cmd.name()
        )));
    }
    let first_key = nk + 1;
    let avail = args.len() - first_key;
    if setnum as u64 > avail as u64 {
        return Err(CmdError::Syntax);
    }
    let setnum = setnum as usize;
    // Look every input up (lazy expiry, hit/miss counts, type check) before the options
    // are parsed, as Redis does.
    for k in 0..setnum {
        if let Some(e) = ctx.lookup_read(args.get(first_key + k)) {
            if !matches!(e.value, Value::ZSet(_) | Value::Set(_)) {
                return Err(CmdError::WrongType);
            }
        }
    }
    let mut weights = vec![1.0f64; setnum];
    let mut agg = Aggregate::Sum;
    let mut withscores = false;
    let mut limit: usize = 0;
    let mut j = first_key + setnum;
    while j < args.len() {
        let remaining = args.len() - j;
        if op != Op::Diff && !card_only && remaining > setnum && args.is(j, "weights") {
            for (i, w) in weights.iter_mut().enumerate() {
                *w = parse_score(args.get(j + 1 + i))
                    .ok_or_else(|| CmdError::raw("ERR weight value is not a float"))?;
            }
            j += 1 + setnum;
        } else if op != Op::Diff && !card_only && remaining >= 2 && args.is(j, "aggregate") {
            let a = args.get(j + 1);
            agg = if a.eq_ignore_ascii_case(b"sum") {
                Aggregate::Sum
            } else if a.eq_ignore_ascii_case(b"min") {
                Aggregate::Min
            } else if a.eq_ignore_ascii_case(b"max") {
                Aggregate::Max
            } else {
                return Err(CmdError::Syntax);
            };
            j += 2;
        } else if dst.is_none() && !card_only && args.is(j, "withscores") {
            withscores = true;
            j += 1;
        } else if card_only && remaining >= 2 && args.is(j, "limit") {
            let l = parse_i64(args.get(j + 1))
                .ok()
                .filter(|&l| l >= 0)
                .ok_or_else(|| CmdError::raw("ERR LIMIT can't be negative"))?;
            limit = usize::try_from(l).unwrap_or(usize::MAX);
            j += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }

    let db = ctx.sess.db;
    let ks = &ctx.st.dbs[db].ks;
    let mut src: Vec<(Src, f64)> = (0..setnum)
        .map(|k| {
            let s = match ks.get(args.get(first_key + k)).map(|e| &e.value) {
                Some(Value::ZSet(z)) => Src::Z(z),
                Some(Value::Set(s)) => Src::S(s),
                _ => Src::Missing,
            };
            (s, weights[k])
        })
        .collect();
    if op != Op::Diff {
        crate::compact::sort_by(&mut src, |a, b| a.0.len().cmp(&b.0.len()));
    }

    let mut out: Vec<(Cow<[u8]>, f64)> = Vec::new();
    let mut card = 0usize;
    match op {
        Op::Inter => {
            let (s0, w0) = src[0];
            if s0.len() > 0 {
                let mut stop = false;
                s0.for_each(|m, sc| {
                    if stop {
                        return;
                    }
                    let mut score = w0 * sc;
                    if score.is_nan() {
                        score = 0.0;
                    }
                    for (sj, wj) in &src[1..] {
                        let v = if sj.same(&s0) {
                            sc * wj
                        } else if let Some(v) = sj.lookup(&m) {
                            v * wj
                        } else {
                            return;
                        };
                        aggregate(&mut score, v, agg);
                    }
                    if card_only {
                        card += 1;
                        if limit > 0 && card >= limit {
                            stop = true;
                        }
                    } else {
                        out.push((m, score));
                    }
                });
            }
        }
        Op::Union => {
            let mut acc: HashMap<Cow<[u8]>, f64> =
                HashMap::with_capacity(src.last().map_or(0, |(s, _)| s.len()));
            for (s, w) in &src {
                s.for_each(|m, sc| {
                    let mut score = w * sc;
                    if score.is_nan() {
                        score = 0.0;
                    }
                    match acc.entry(m) {
                        MapEntry::Vacant(v) => {
                            v.insert(score);
                        }
                        MapEntry::Occupied(mut o) => aggregate(o.get_mut(), score, agg),
                    }
                });
            }
            out = acc.into_iter().collect();
        }
        Op::Diff => {
            let (s0, _) = src[0];
            if s0.len() > 0 {
                s0.for_each(|m, sc| {
                    let found = src[1..]
                        .iter()
                        .any(|(sj, _)| sj.same(&s0) || sj.lookup(&m).is_some());
                    if !found {
                        out.push((m, sc));
                    }
                });
            }
        }
    }
    if card_only {
        return Ok(Reply::Int(card as i64));
    }
    crate::compact::sort_by(&mut out, |a, b| {
        a.1.partial_cmp(&b.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.0.cmp(&b.0))
    });

    match dst {
        None => {
            let resp3 = ctx.sess.resp3();
            let mut reply = Vec::with_capacity(reply_capacity(out.len(), withscores, resp3));
            for (m, s) in &out {
                push_scored(&mut reply, m, *s, withscores, resp3);
            }
            Ok(Reply::Array(reply))
        }
        Some(dst) => {
            let n = out.len();
            if n > 0 {
                let owned: Vec<(Box<[u8]>, f64)> = out
                    .into_iter()
                    .map(|(m, s)| (m.into_owned().into(), s))
                    .collect();
                let z = ZSet::from_sorted(owned, limits(ctx));
                store_zset(ctx, dst, z);
                let event = match op {
                    Op::Union => "zunionstore",
                    Op::Inter => "zinterstore",
                    Op::Diff => "zdiffstore",
                };
                ctx.notify('z', event, dst);
                ctx.dirty(1);
            } else if ctx.delete(dst) {
                ctx.signal_modified(dst);
                ctx.notify('g', "del", dst);
                ctx.dirty(1);
            }
            Ok(Reply::Int(n as i64))
        }
    }
}
