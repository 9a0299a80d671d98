//! ZRANDMEMBER and ZSCAN.
//!
//! ZRANDMEMBER follows Redis's cases: a negative count samples with repetition; a count
//! at least the set's size returns the whole set (in descending order, as Redis walks it
//! from the tail); a smaller positive count samples distinct members. Random picks are by
//! rank (O(log N) each on a skiplist), so every member is equally likely.
//!
//! ZSCAN returns a listpack-encoded set whole with cursor 0, as Redis does, and walks a
//! skiplist by arena slot (slots are stable while an element stays in the set).

use hashbrown::HashSet;

use super::{push_scored, read_zset, reply_capacity};
use crate::cmd::keys::parse_cursor;
use crate::cmd::{Args, Ctx, parse_i64};
use crate::glob::glob_match;
use crate::reply::{CmdError, CmdResult, Reply};
use crate::resp::encode::fmt_double;
use crate::rng::Rng;
use crate::types::Value;
use crate::types::zset::ZSet;

/// The most elements one ZRANDMEMBER reply may hold. Redis would try to build any size
/// (until memory runs out); we refuse counts past this bound instead.
const MAX_RANDOM_REPLY: u64 = 1 << 22;

/// ```text
/// ZRANDMEMBER key [count [WITHSCORES]]
/// ```
pub fn zrandmember(ctx: &mut Ctx, args: &Args) -> CmdResult {
    if args.len() >= 3 {
        let l = parse_i64(args.get(2))?;
        if l == i64::MIN {
            return Err(CmdError::err(
                "value is out of range, value must between -9223372036854775807 and 9223372036854775807",
            ));
        }
        let withscores = if args.len() > 4 || (args.len() == 4 && !args.is(3, "withscores")) {
            return Err(CmdError::Syntax);
        } else {
            args.len() == 4
        };
        if withscores && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&l) {
            return Err(CmdError::err("value is out of range"));
        }
        return with_count(ctx, args.get(1), l, withscores);
    }
    let Some((z, rng)) = zset_and_rng(ctx, args.get(1))? else {
        return Ok(Reply::Nil);
    };
    let n = z.len() as u64;
    if n == 0 {
        return Ok(Reply::Nil);
    }
    let r = (rng.next_u64() % n) as usize;
    Ok(z.get(r).map_or(Reply::Nil, |(m, _)| Reply::bulk(m)))
}

/// The sorted set at `key` (one counted lookup) and the engine's RNG, borrowed together.
fn zset_and_rng<'c>(
    ctx: &'c mut Ctx,
    key: &[u8],
) -> Result<Option<(&'c ZSet, &'c mut Rng)>, CmdError> {
    if read_zset(ctx, key)?.is_none() {
        return Ok(None);
    }
    let db = ctx.sess.db;
    let st = &mut *ctx.st;
    match st.dbs[db].ks.get(key).map(|e| &e.value) {
        Some(Value::ZSet(z)) => Ok(Some((z, &mut st.rng))),
        _ => Ok(None),
    }
}

fn with_count(ctx: &mut Ctx, key: &[u8], l: i64, withscores: bool) -> CmdResult {
    let resp3 = ctx.sess.resp3();
    let Some((z, rng)) = zset_and_rng(ctx, key)? else {
        return Ok(Reply::Array(Vec::new()));
    };
    let size = z.len() as u64;
    let (count, uniq) = if l >= 0 {
        (l as u64, true)
    } else {
        (l.unsigned_abs(), false)
    };
    if count == 0 || size == 0 {
        return Ok(Reply::Array(Vec::new()));
    }
    let mut out = Vec::new();
    // Case 1: with repetition (or a single member).
    if !uniq || count == 1 {
        if count > MAX_RANDOM_REPLY {
            return Err(CmdError::err("value is out of range"));
        }
        out.reserve(reply_capacity(count as usize, withscores, resp3));
        for _ in 0..count {
            let r = (rng.next_u64() % size) as usize;
            if let Some((m, s)) = z.get(r) {
                push_scored(&mut out, m, s, withscores, resp3);
            }
        }
        return Ok(Reply::Array(out));
    }
    // Case 2: the whole set, walked from the tail as Redis's iterator does.
    if count >= size {
        out.reserve(reply_capacity(size as usize, withscores, resp3));
        for (m, s) in z.iter_at(z.len() - 1, true) {
            push_scored(&mut out, m, s, withscores, resp3);
        }
        return Ok(Reply::Array(out));
    }
    let size = size as usize;
    let count = count as usize;
    out.reserve(reply_capacity(count, withscores, resp3));
    if z.is_listpack() || count * 3 > size {
        // Pick `count` distinct ranks by a partial shuffle; a listpack replies in order.
        let mut ranks: Vec<usize> = (0..size).collect();
        for i in 0..count {
            let j = i + (rng.next_u64() % (size - i) as u64) as usize;
            ranks.swap(i, j);
        }
        let picked = &mut ranks[..count];
        if z.is_listpack() {
            crate::compact::sort_usize(picked);
        }
        for &r in picked.iter() {
            if let Some((m, s)) = z.get(r) {
                push_scored(&mut out, m, s, withscores, resp3);
            }
        }
    } else {
        // A big set: draw until `count` distinct members.
        let mut seen: HashSet<usize> = HashSet::with_capacity(count);
        while seen.len() < count {
            let r = (rng.next_u64() % size as u64) as usize;
            if seen.insert(r) {
                if let Some((m, s)) = z.get(r) {
                    push_scored(&mut out, m, s, withscores, resp3);
                }
            }
        }
    }
    Ok(Reply::Array(out))
}

/// ```text
/// ZSCAN key cursor [MATCH pattern] [COUNT count]
/// ```
pub fn zscan(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let Some(cursor) = parse_cursor(args.get(2)) else {
        return Err(CmdError::err("invalid cursor"));
    };
    let Some(z) = read_zset(ctx, args.get(1))? else {
        return Ok(Reply::Array(vec![
            Reply::bulk("0"),
            Reply::Array(Vec::new()),
        ]));
    };
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
    let next = z.scan(cursor, count, |m, s| {
        if pat.is_none_or(|p| glob_match(p, m, false)) {
            out.push(Reply::bulk(m));
            out.push(Reply::Bulk(fmt_double(s).into_bytes()));
        }
    });
    Ok(Reply::Array(vec![
        Reply::bulk(next.to_string()),
        Reply::Array(out),
    ]))
}
