//! SPOP and SRANDMEMBER: Redis's strategies per encoding and count (pop one by one or
//! rebuild from the survivors; sample with or without repetition), so results have the
//! encodings and, for listpacks, the order Redis 7.2 gives them.

use super::{
    SPOP_BATCH, SRANDMEMBER_MAX_REPEATED, adjust_mem, as_set, as_set_mut, bulk, delete_empty,
    get_sets, limits,
};
use crate::cmd::{Args, Ctx, parse_i64};
use crate::reply::{CmdError, CmdResult, Reply};
use crate::types::Value;
use crate::types::set::{Member, Set, sample_positions};

/// ```text
/// SPOP key [count]
/// ```
///
/// Propagated as `SREM key member`, or as batches of `SREM` with a count (`DEL key` when
/// the whole set is popped).
pub fn spop(ctx: &mut Ctx, args: &Args) -> CmdResult {
    if args.len() == 3 {
        return spop_count(ctx, args);
    } else if args.len() > 3 {
        return Err(CmdError::Syntax);
    }
    let key = args.get(1);
    // One lookup: draw with a copy of the generator, stored back afterwards.
    let mut rng = ctx.st.rng.clone();
    let Some(e) = ctx.lookup_write(key) else {
        return Ok(Reply::Nil);
    };
    let s = as_set_mut(&mut e.value)?;
    let before = s.mem_usage();
    let Some(m) = s.pop_random(&mut rng) else {
        return Ok(Reply::Nil);
    };
    let (after, empty) = (s.mem_usage(), s.is_empty());
    ctx.st.rng = rng;
    adjust_mem(ctx, before, after);
    ctx.notify('s', "spop", key);
    if ctx.st.propagation.is_some() {
        ctx.propagate(vec![vec![b"SREM".to_vec(), key.to_vec(), m.clone()]]);
    } else {
        ctx.propagate(Vec::new());
    }
    if empty {
        delete_empty(ctx, key);
    }
    ctx.signal_modified(key);
    ctx.dirty(1);
    Ok(Reply::Bulk(m))
}

/// How many times bigger than the count the rest of the set must be for SPOP to pop
/// members one by one rather than rebuild the set from the members that stay (Redis's
/// `SPOP_MOVE_STRATEGY_MUL`).
const SPOP_MOVE_STRATEGY_MUL: usize = 5;

fn spop_count(ctx: &mut Ctx, args: &Args) -> CmdResult {
    // getPositiveLongFromObjectOrReply: one message for every bad count.
    let count = parse_i64(args.get(2)).map_err(|_| CmdError::NotPositive)?;
    if count < 0 {
        return Err(CmdError::NotPositive);
    }
    let key = args.get(1);
    let Some(e) = ctx.lookup_write(key) else {
        return Ok(Reply::Set(Vec::new()));
    };
    let size = as_set(&e.value)?.len();
    if count == 0 {
        return Ok(Reply::Set(Vec::new()));
    }
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    ctx.notify('s', "spop", key);
    ctx.dirty(count.min(size) as u64);
    let lim = limits(ctx);

    if count >= size {
        // The whole set: reply as SUNION would, delete, propagate as DEL.
        let reply = {
            let sets = get_sets(ctx, &[key]);
            let mut u = Set::new();
            if let Some(Some(s)) = sets.first() {
                for m in s.iter() {
                    u.add_member(m, &lim);
                }
            }
            u.iter().map(bulk).collect()
        };
        delete_empty(ctx, key);
        let unlink = ctx.st.config.get("lazyfree-lazy-server-del") == Some("yes");
        if ctx.st.propagation.is_some() {
            let cmd: &[u8] = if unlink { b"UNLINK" } else { b"DEL" };
            ctx.propagate(vec![vec![cmd.to_vec(), key.to_vec()]]);
        } else {
            ctx.propagate(Vec::new());
        }
        ctx.signal_modified(key);
        return Ok(Reply::Set(reply));
    }

    let i = ctx.sess.db;
    let st = &mut *ctx.st;
    let Some(e) = st.dbs[i].ks.get_mut(key) else {
        return Ok(Reply::Set(Vec::new()));
    };
    let s = as_set_mut(&mut e.value)?;
    let rng = &mut st.rng;
    let before = s.mem_usage();
    let remaining = size - count;
    let popped: Vec<Vec<u8>> = if remaining.saturating_mul(SPOP_MOVE_STRATEGY_MUL) > count {
        if s.is_listpack() {
            // One pass over the listpack: the popped members come out in its order.
            let pos = sample_positions(size, count, rng);
            s.remove_positions(&pos)
        } else {
            (0..count).filter_map(|_| s.pop_random(rng)).collect()
        }
    } else if s.is_listpack() {
        // Keep `remaining` random members in order; pop the rest.
        let keep = sample_positions(size, remaining, rng);
        let mut k = keep.iter().peekable();
        let pop: Vec<usize> = (0..size)
            .filter(|i| {
                if k.peek() == Some(&i) {
                    k.next();
                    false
                } else {
                    true
                }
            })
            .collect();
        s.remove_positions(&pop)
    } else {
        // Move `remaining` random members to a new set; pop what is left.
        let mut kept = if s.is_intset() {
            Set::new()
        } else {
            Set::new_listpack()
        };
        for _ in 0..remaining {
            if let Some(m) = s.pop_random(rng) {
                kept.add(&m, &lim);
            }
        }
        let popped = s.iter().map(Member::to_vec).collect();
        *s = kept;
        popped
    };
    let after = s.mem_usage();
    adjust_mem(ctx, before, after);
    propagate_srem(ctx, key, &popped);
    ctx.signal_modified(key);
    Ok(Reply::Set(popped.into_iter().map(Reply::Bulk).collect()))
}

/// ```text
/// SRANDMEMBER key [count]
/// ```
///
/// A negative count allows repetitions; its magnitude is capped at
/// [`SRANDMEMBER_MAX_REPEATED`] (Redis has no cap).
pub fn srandmember(ctx: &mut Ctx, args: &Args) -> CmdResult {
    if args.len() == 3 {
        return srandmember_count(ctx, args);
    } else if args.len() > 3 {
        return Err(CmdError::Syntax);
    }
    let key = args.get(1);
    let i = ctx.sess.db;
    let Some(e) = ctx.lookup_read(key) else {
        return Ok(Reply::Nil);
    };
    as_set(&e.value)?;
    let st = &mut *ctx.st;
    let s = match st.dbs[i].ks.get(key).map(|e| &e.value) {
        Some(Value::Set(s)) => s,
        _ => return Ok(Reply::Nil),
    };
    Ok(s.random(&mut st.rng).map_or(Reply::Nil, bulk))
}

fn srandmember_count(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let l = parse_i64(args.get(2))?;
    if l == i64::MIN {
        return Err(CmdError::err(format!(
            "value is out of range, value must between {} and {}",
            -i64::MAX,
            i64::MAX
        )));
    }
    let (count, uniq) = (l.unsigned_abs(), l >= 0);
    let key = args.get(1);
    let i = ctx.sess.db;
    let Some(e) = ctx.lookup_read(key) else {
        return Ok(Reply::Array(Vec::new()));
    };
    as_set(&e.value)?;
    if count == 0 {
        return Ok(Reply::Array(Vec::new()));
    }
    let st = &mut *ctx.st;
    let s = match st.dbs[i].ks.get(key).map(|e| &e.value) {
        Some(Value::Set(s)) => &**s,
        _ => return Ok(Reply::Array(Vec::new())),
    };
    let rng = &mut st.rng;
    let size = s.len();
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    if !uniq || count == 1 {
        // Case 1: with repetitions, in random order.
        if count as u64 > SRANDMEMBER_MAX_REPEATED {
            return Err(CmdError::err("count is out of range"));
        }
        let mut out = Vec::with_capacity(count);
        s.random_with_replacement(count, rng, |m| out.push(bulk(m)));
        return Ok(Reply::Array(out));
    }
    if count >= size {
        // Case 2: the whole set.
        return Ok(Reply::Array(s.iter().map(bulk).collect()));
    }
    if s.is_listpack() {
        // Case 2.5: distinct members in listpack order.
        return Ok(Reply::Array(
            s.sample_in_order(count, rng)
                .into_iter()
                .map(bulk)
                .collect(),
        ));
    }
    // Cases 3 and 4.
    Ok(Reply::Array(
        s.random_distinct(count, rng)
            .into_iter()
            .map(bulk)
            .collect(),
    ))
}

/// Propagate SPOP's effect as `SREM key m...` in batches.
fn propagate_srem(ctx: &mut Ctx, key: &[u8], members: &[Vec<u8>]) {
    if ctx.st.propagation.is_none() {
        ctx.propagate(Vec::new());
        return;
    }
    let cmds = members
        .chunks(SPOP_BATCH)
        .map(|c| {
            let mut v = Vec::with_capacity(c.len() + 2);
            v.push(b"SREM".to_vec());
            v.push(key.to_vec());
            v.extend(c.iter().cloned());
            v
        })
        .collect();
    ctx.propagate(cmds);
}
