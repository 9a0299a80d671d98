//! ZPOPMIN, ZPOPMAX, ZMPOP and the blocking BZPOPMIN, BZPOPMAX, BZMPOP (Redis's
//! `genericZpopCommand` / `blockingGenericZpopCommand`).
//!
//! A blocking pop that finds nothing parks the client on its keys (see
//! `crate::blocking`); when a key receives data the engine re-runs the command, which
//! then serves like the non-blocking form. Pops are propagated as `ZPOPMIN`/`ZPOPMAX key
//! [count]`, never as the blocking or multi-key forms.

use super::{finish_write, write_zset};
use crate::cmd::{Args, Ctx, parse_i64};
use crate::reply::{CmdError, CmdResult, Reply};
use crate::types::zset::{c_isspace, parse_c_double};

/// How the popped elements are shaped in the reply.
#[derive(Clone, Copy)]
struct Shape {
    /// Lead with the key name (BZPOP*, ZMPOP, BZMPOP).
    emit_key: bool,
    /// [member, score] pairs instead of a flat list.
    nested: bool,
    /// Reply nil (not an empty array) when no key has elements.
    nil_when_empty: bool,
}

/// ```text
/// ZPOPMIN key [count]
/// ```
pub fn zpopmin(ctx: &mut Ctx, args: &Args) -> CmdResult {
    zpop_min_max(ctx, args, false)
}

/// ```text
/// ZPOPMAX key [count]
/// ```
pub fn zpopmax(ctx: &mut Ctx, args: &Args) -> CmdResult {
    zpop_min_max(ctx, args, true)
}

fn zpop_min_max(ctx: &mut Ctx, args: &Args, max: bool) -> CmdResult {
    if args.len() > 3 {
        return Err(CmdError::Syntax);
    }
    let mut count = -1;
    if args.len() == 3 {
        // getPositiveLongFromObjectOrReply: one message for both failures.
        count = parse_i64(args.get(2))
            .ok()
            .filter(|&c| c >= 0)
            .ok_or(CmdError::NotPositive)?;
    }
    let shape = Shape {
        emit_key: false,
        nested: ctx.sess.resp3() && count != -1,
        nil_when_empty: false,
    };
    let keys = [args.get(1)];
    Ok(generic_pop(ctx, &keys, max, count, shape)?.0)
}

/// The key popped from and how many elements, when something was popped.
type Popped<'k> = Option<(&'k [u8], usize)>;

/// Pop up to `count` (-1: one, plain) elements from the first non-empty key of `keys`.
/// Returns the reply and, when something was popped, the key and how many.
fn generic_pop<'k>(
    ctx: &mut Ctx,
    keys: &[&'k [u8]],
    max: bool,
    count: i64,
    shape: Shape,
) -> Result<(Reply, Popped<'k>), CmdError> {
    let mut found = None;
    for &k in keys {
        if write_zset(ctx, k)?.is_some() {
            found = Some(k);
            break;
        }
    }
    let Some(key) = found else {
        let r = if shape.nil_when_empty {
            Reply::NilArray
        } else {
            Reply::Array(Vec::new())
        };
        return Ok((r, None));
    };
    if count == 0 {
        return Ok((Reply::Array(Vec::new()), None));
    }
    let want = if count < 0 { 1 } else { count as u64 };
    let Some(z) = write_zset(ctx, key)? else {
        return Ok((Reply::Array(Vec::new()), None));
    };
    let before = z.mem_usage();
    let n = (z.len() as u64).min(want) as usize;
    let mut items = Vec::with_capacity(if shape.nested { n } else { n * 2 });
    for _ in 0..n {
        let Some((m, s)) = z.pop(max) else { break };
        if shape.nested {
            items.push(Reply::Array(vec![
                Reply::Bulk(m.into_vec()),
                Reply::Double(s),
            ]));
        } else {
            items.push(Reply::Bulk(m.into_vec()));
            items.push(Reply::Double(s));
        }
    }
    let (after, empty) = (z.mem_usage(), z.is_empty());
    ctx.dirty(n as u64);
    ctx.notify('z', if max { "zpopmax" } else { "zpopmin" }, key);
    finish_write(ctx, key, before, after, empty);
    ctx.signal_modified(key);
    let reply = match (shape.emit_key, shape.nested) {
        (false, _) => Reply::Array(items),
        (true, false) => {
            let mut v = Vec::with_capacity(items.len() + 1);
            v.push(Reply::bulk(key));
            v.extend(items);
            Reply::Array(v)
        }
        (true, true) => Reply::Array(vec![Reply::bulk(key), Reply::Array(items)]),
    };
    Ok((reply, Some((key, n))))
}

/// Propagate a pop as `ZPOPMIN|ZPOPMAX key [count]`.
fn propagate_pop(ctx: &mut Ctx, max: bool, key: &[u8], count: Option<usize>) {
    if ctx.st.propagation.is_none() {
        return;
    }
    let name: &[u8] = if max { b"ZPOPMAX" } else { b"ZPOPMIN" };
    let mut cmd = vec![name.to_vec(), key.to_vec()];
    if let Some(c) = count {
        cmd.push(c.to_string().into_bytes());
    }
    ctx.propagate(vec![cmd]);
}

/// The parsed `numkeys key... MIN|MAX [COUNT count]` of ZMPOP/BZMPOP.
struct MpopArgs<'a> {
    keys: Vec<&'a [u8]>,
    max: bool,
    count: i64,
}

fn parse_mpop<'a>(args: &Args<'a>, nk: usize) -> Result<MpopArgs<'a>, CmdError> {
    let numkeys_err = || CmdError::raw("ERR numkeys should be greater than 0");
    let numkeys = parse_i64(args.get(nk)).map_err(|_| numkeys_err())?;
    if numkeys < 1 {
        return Err(numkeys_err());
    }
    let where_idx = (nk as u64).saturating_add(numkeys as u64).saturating_add(1);
    if where_idx >= args.len() as u64 {
        return Err(CmdError::Syntax);
    }
    let where_idx = where_idx as usize;
    let max = if args.is(where_idx, "min") {
        false
    } else if args.is(where_idx, "max") {
        true
    } else {
        return Err(CmdError::Syntax);
    };
    let mut count = -1;
    let mut j = where_idx + 1;
    while j < args.len() {
        let more = args.len() - 1 - j;
        if count == -1 && args.is(j, "count") && more > 0 {
            j += 1;
            count = parse_i64(args.get(j))
                .ok()
                .filter(|&c| c >= 1)
                .ok_or_else(|| CmdError::raw("ERR count should be greater than 0"))?;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    if count == -1 {
        count = 1;
    }
    Ok(MpopArgs {
        keys: (nk + 1..where_idx).map(|i| args.get(i)).collect(),
        max,
        count,
    })
}

/// ```text
/// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
/// ```
pub fn zmpop(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let p = parse_mpop(args, 1)?;
    let shape = Shape {
        emit_key: true,
        nested: true,
        nil_when_empty: true,
    };
    let (reply, popped) = generic_pop(ctx, &p.keys, p.max, p.count, shape)?;
    if let Some((key, n)) = popped {
        propagate_pop(ctx, p.max, key, Some(n));
    }
    Ok(reply)
}

/// ```text
/// BZPOPMIN key [key ...] timeout
/// ```
pub fn bzpopmin(ctx: &mut Ctx, args: &Args) -> CmdResult {
    bzpop(ctx, args, false)
}

/// ```text
/// BZPOPMAX key [key ...] timeout
/// ```
pub fn bzpopmax(ctx: &mut Ctx, args: &Args) -> CmdResult {
    bzpop(ctx, args, true)
}

fn bzpop(ctx: &mut Ctx, args: &Args, max: bool) -> CmdResult {
    let deadline = parse_timeout(ctx, args.get(args.len() - 1))?;
    let keys: Vec<&[u8]> = (1..args.len() - 1).map(|i| args.get(i)).collect();
    let shape = Shape {
        emit_key: true,
        nested: false,
        nil_when_empty: true,
    };
    blocking_pop(ctx, &keys, max, -1, shape, deadline)
}

/// ```text
/// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
/// ```
pub fn bzmpop(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let p = parse_mpop(args, 2)?;
    let deadline = parse_timeout(ctx, args.get(1))?;
    let shape = Shape {
        emit_key: true,
        nested: true,
        nil_when_empty: true,
    };
    blocking_pop(ctx, &p.keys, p.max, p.count, shape, deadline)
}

/// Serve from the first non-empty key, or block (Redis's `blockingGenericZpopCommand`).
fn blocking_pop(
    ctx: &mut Ctx,
    keys: &[&[u8]],
    max: bool,
    count: i64,
    shape: Shape,
    deadline: i64,
) -> CmdResult {
    for &k in keys {
        let Some(z) = write_zset(ctx, k)? else {
            continue;
        };
        if z.is_empty() {
            continue;
        }
        let (reply, popped) = generic_pop(ctx, &[k], max, count, shape)?;
        if let Some((key, n)) = popped {
            propagate_pop(ctx, max, key, (count != -1).then_some(n));
        }
        return Ok(reply);
    }
    if !ctx.can_block() {
        return Ok(Reply::NilArray);
    }
    ctx.block(
        keys.iter().map(|k| k.to_vec()).collect(),
        deadline,
        Reply::NilArray,
    );
    Ok(Reply::NilArray)
}

/// Parse a blocking timeout in seconds as Redis 7.2's `getTimeoutFromObjectOrReply`:
/// a float (as `strtold`, no leading space, at most 5120 bytes), turned into whole
/// milliseconds rounding up; 0 waits forever. Returns the absolute deadline in Unix ms
/// (`i64::MAX` for forever).
pub(crate) fn parse_timeout(ctx: &Ctx, arg: &[u8]) -> Result<i64, CmdError> {
    let not_float = || CmdError::raw("ERR timeout is not a float or out of range");
    if arg.is_empty() || arg.len() > 5120 || c_isspace(arg[0]) {
        return Err(not_float());
    }
    // strtold has a wider range than a double: an overflow is just a huge timeout.
    let (secs, _) = parse_c_double(arg).ok_or_else(not_float)?;
    let ms = secs * 1000.0;
    if ms > i64::MAX as f64 {
        return Err(CmdError::raw("ERR timeout is out of range"));
    }
    let ms = ms.ceil();
    // C's conversion of an out-of-range value (-inf, huge negatives) gives LLONG_MIN.
    let tval = if ms >= i64::MIN as f64 {
        ms as i64
    } else {
        i64::MIN
    };
    if tval < 0 {
        return Err(CmdError::raw("ERR timeout is negative"));
    }
    if tval == 0 {
        return Ok(i64::MAX);
    }
    if tval > i64::MAX - ctx.now {
        return Err(CmdError::raw("ERR timeout is out of range"));
    }
    Ok(ctx.now + tval)
}
