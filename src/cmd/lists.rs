//! List commands: pushes and pops at both ends, ranges, LINDEX/LSET/LINSERT/LREM/LTRIM,
//! LPOS, LMOVE/RPOPLPUSH, LMPOP, and (in `lists_blocking.rs`) the blocking variants.
//!
//! As in Redis's `t_list.c`, every write that adds elements first asks the list whether
//! it must leave the listpack encoding ([`List::grow_check`], with the raw lengths of
//! the new elements), and every write that removes elements from a list that survives
//! asks whether it may return to it ([`List::shrink_check`]). A list that becomes empty
//! is deleted (with a `del` event). Writes that create a list signal the key as ready so
//! that clients blocked on it are served after the command. LMPOP is propagated as
//! `LPOP/RPOP key count`; the blocking commands as their non-blocking forms.

#[path = "lists_blocking.rs"]
mod blocking;

use super::{Args, Ctx, Handler, parse_i64};
use crate::db::NO_EXPIRE;
use crate::reply::{CmdError, CmdResult, Reply};
use crate::types::list::Item;
use crate::types::{List, Value};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("blmove", blocking::blmove),
    ("blmpop", blocking::blmpop),
    ("blpop", blocking::blpop),
    ("brpop", blocking::brpop),
    ("brpoplpush", blocking::brpoplpush),
    ("lindex", lindex),
    ("linsert", linsert),
    ("llen", llen),
    ("lmove", lmove),
    ("lmpop", lmpop),
    ("lpop", lpop),
    ("lpos", lpos),
    ("lpush", lpush),
    ("lpushx", lpushx),
    ("lrange", lrange),
    ("lrem", lrem),
    ("lset", lset),
    ("ltrim", ltrim),
    ("rpop", rpop),
    ("rpoplpush", rpoplpush),
    ("rpush", rpush),
    ("rpushx", rpushx),
];

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// `list-max-listpack-size`.
#[inline]
fn fill(ctx: &Ctx) -> i32 {
    ctx.st.config.list_max_listpack_size
}

/// The list inside a value, or WRONGTYPE.
#[inline]
fn as_list(v: &mut Value) -> Result<&mut List, CmdError> {
    match v {
        Value::List(l) => Ok(l),
        _ => Err(CmdError::WrongType),
    }
}

/// The list at `key` for reading: `Ok(None)` when there is no such key.
fn read_list<'c>(ctx: &'c mut Ctx<'_>, key: &[u8]) -> Result<Option<&'c List>, CmdError> {
    match ctx.lookup_read(key) {
        None => Ok(None),
        Some(e) => match &e.value {
            Value::List(l) => Ok(Some(l)),
            _ => Err(CmdError::WrongType),
        },
    }
}

/// Adjust the keyspace's memory estimate by `after - before`.
#[inline]
fn adjust_mem(ctx: &mut Ctx, before: usize, after: usize) {
    if before != after {
        ctx.db().ks.adjust_mem(after as isize - before as isize);
    }
}

/// Run `f` on the list at `key` (a write lookup), keeping the memory estimate in step
/// and deleting the key when `f` left the list empty. `Ok(None)` when there is no such
/// key; otherwise `f`'s result and whether the key was deleted.
fn modify<R>(
    ctx: &mut Ctx,
    key: &[u8],
    f: impl FnOnce(&mut List) -> Result<R, CmdError>,
) -> Result<Option<(R, bool)>, CmdError> {
    let Some(e) = ctx.lookup_write(key) else {
        return Ok(None);
    };
    let l = as_list(&mut e.value)?;
    let before = l.mem_usage();
    let r = f(l);
    let after = l.mem_usage();
    let emptied = l.is_empty();
    adjust_mem(ctx, before, after);
    if emptied {
        ctx.db().ks.remove(key);
    }
    Ok(Some((r?, emptied)))
}

/// Push `elems` at one end of the list at `key`, creating it unless `xx`. Returns the
/// new length, or `None` when `xx` and there is no such key. Dirty counts, events and
/// readiness are the caller's.
fn push_elems<'e, I>(
    ctx: &mut Ctx,
    key: &[u8],
    elems: I,
    front: bool,
    xx: bool,
) -> Result<Option<usize>, CmdError>
where
    I: Iterator<Item = &'e [u8]> + Clone,
{
    let fill = fill(ctx);
    if let Some(e) = ctx.lookup_write(key) {
        let l = as_list(&mut e.value)?;
        let before = l.mem_usage();
        l.grow_check(elems.clone(), fill);
        for b in elems {
            l.push(b, front);
        }
        let (len, after) = (l.len(), l.mem_usage());
        adjust_mem(ctx, before, after);
        return Ok(Some(len));
    }
    if xx {
        return Ok(None);
    }
    let mut l = List::new();
    l.grow_check(elems.clone(), fill);
    for b in elems {
        l.push(b, front);
    }
    let len = l.len();
    ctx.db()
        .ks
        .insert_new(key.into(), Value::List(Box::new(l)), NO_EXPIRE);
    Ok(Some(len))
}

/// The event name of a push at `front` / the tail.
#[inline]
fn push_event(front: bool) -> &'static str {
    if front { "lpush" } else { "rpush" }
}

/// The event name of a pop at `front` / the tail.
#[inline]
fn pop_event(front: bool) -> &'static str {
    if front { "lpop" } else { "rpop" }
}

/// `listElementsRemoved`: events, readiness of WATCH and dirty count after popping `n`
/// elements from `key` (deleted when `deleted`).
fn elements_removed(ctx: &mut Ctx, key: &[u8], front: bool, n: usize, deleted: bool) {
    ctx.notify('l', pop_event(front), key);
    if deleted {
        ctx.notify('g', "del", key);
    }
    ctx.signal_modified(key);
    ctx.dirty(n as u64);
}

/// Replace this command's propagation by one command, built only when someone consumes
/// propagation.
fn propagate_one(ctx: &mut Ctx, parts: &[&[u8]]) {
    if ctx.st.propagation.is_some() {
        ctx.propagate(vec![parts.iter().map(|p| p.to_vec()).collect()]);
    }
}

/// `getPositiveLongFromObjectOrReply` without a custom message.
fn parse_positive(arg: &[u8]) -> Result<i64, CmdError> {
    match crate::types::string::parse_i64(arg) {
        Some(v) if v >= 0 => Ok(v),
        _ => Err(CmdError::NotPositive),
    }
}

/// `getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX)` without a custom message.
fn parse_symmetric(arg: &[u8]) -> Result<i64, CmdError> {
    let v = parse_i64(arg)?;
    if v == i64::MIN {
        return Err(CmdError::err(
            "value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        ));
    }
    Ok(v)
}

/// A non-negative integer with `msg` as the error for anything else.
fn parse_nonneg_msg(arg: &[u8], msg: &'static str) -> Result<i64, CmdError> {
    match crate::types::string::parse_i64(arg) {
        Some(v) if v >= 0 => Ok(v),
        _ => Err(CmdError::raw(msg)),
    }
}

/// `LEFT` (the head: true) or `RIGHT` (the tail: false), else a syntax error.
fn parse_where(arg: &[u8]) -> Result<bool, CmdError> {
    if arg.eq_ignore_ascii_case(b"left") {
        Ok(true)
    } else if arg.eq_ignore_ascii_case(b"right") {
        Ok(false)
    } else {
        Err(CmdError::Syntax)
    }
}

/// An index as LINDEX/LSET take it (negative from the tail) resolved against `len`.
#[inline]
fn resolve_index(idx: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let i = if idx < 0 { len + idx } else { idx };
    if (0..len).contains(&i) {
        Some(i as usize)
    } else {
        None
    }
}

#[inline]
fn bulk_item(it: Item) -> Reply {
    Reply::Bulk(it.into_vec())
}

/// Pop up to `count` elements from one end of `l`, as a reply array in pop order.
fn pop_n(l: &mut List, count: i64, front: bool, fill: i32) -> Vec<Reply> {
    let n = (count.max(0) as u64).min(l.len() as u64) as usize;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        if let Some(it) = l.pop(front) {
            out.push(bulk_item(it));
        }
    }
    if !l.is_empty() {
        l.shrink_check(fill);
    }
    out
}

// ---------------------------------------------------------------------------------------
// Pushes
// ---------------------------------------------------------------------------------------

/// Pushes for LPUSH/RPUSH/LPUSHX/RPUSHX; `xx` only pushes onto an existing list.
fn push_generic(ctx: &mut Ctx, args: &Args, front: bool, xx: bool) -> CmdResult {
    let key = args.get(1);
    let elems = (2..args.len()).map(|i| args.get(i));
    let Some(len) = push_elems(ctx, key, elems, front, xx)? else {
        return Ok(Reply::Int(0));
    };
    ctx.dirty((args.len() - 2) as u64);
    ctx.signal_modified(key);
    ctx.notify('l', push_event(front), key);
    ctx.signal_ready(key);
    Ok(Reply::Int(len as i64))
}

/// ```text
/// LPUSH key element [element ...]
/// ```
/// Insert the elements at the head, one after the other; returns the new length.
pub fn lpush(ctx: &mut Ctx, args: &Args) -> CmdResult {
    push_generic(ctx, args, true, false)
}

/// ```text
/// RPUSH key element [element ...]
/// ```
/// Append the elements at the tail; returns the new length.
pub fn rpush(ctx: &mut Ctx, args: &Args) -> CmdResult {
    push_generic(ctx, args, false, false)
}

/// ```text
/// LPUSHX key element [element ...]
/// ```
/// LPUSH, only if the list exists (0 otherwise).
pub fn lpushx(ctx: &mut Ctx, args: &Args) -> CmdResult {
    push_generic(ctx, args, true, true)
}

/// ```text
/// RPUSHX key element [element ...]
/// ```
/// RPUSH, only if the list exists (0 otherwise).
pub fn rpushx(ctx: &mut Ctx, args: &Args) -> CmdResult {
    push_generic(ctx, args, false, true)
}

// ---------------------------------------------------------------------------------------
// Pops
// ---------------------------------------------------------------------------------------

/// LPOP/RPOP: one element as a bulk string, or with a count an array (empty for count
/// 0 on an existing list, a null array for a missing key).
fn pop_generic(ctx: &mut Ctx, args: &Args, front: bool) -> CmdResult {
    if args.len() > 3 {
        return Err(CmdError::WrongArity(ctx.cmd.name().into()));
    }
    let has_count = args.len() == 3;
    let count = if has_count {
        parse_positive(args.get(2))?
    } else {
        0
    };
    let key = args.get(1);
    let fill = fill(ctx);
    let r = modify(ctx, key, |l| {
        if has_count && count == 0 {
            return Ok(None);
        }
        if !has_count {
            let it = l.pop(front);
            if !l.is_empty() {
                l.shrink_check(fill);
            }
            return Ok(it.map(|it| (bulk_item(it), 1)));
        }
        let out = pop_n(l, count, front, fill);
        let n = out.len();
        Ok(Some((Reply::Array(out), n)))
    })?;
    match r {
        None if has_count => Ok(Reply::NilArray),
        None => Ok(Reply::Nil),
        Some((None, _)) => Ok(Reply::Array(Vec::new())),
        Some((Some((reply, n)), deleted)) => {
            elements_removed(ctx, key, front, n, deleted);
            Ok(reply)
        }
    }
}

/// ```text
/// LPOP key [count]
/// ```
/// Remove and return the first element, or up to `count` of them as an array.
pub fn lpop(ctx: &mut Ctx, args: &Args) -> CmdResult {
    pop_generic(ctx, args, true)
}

/// ```text
/// RPOP key [count]
/// ```
/// Remove and return the last element, or up to `count` of them (last first).
pub fn rpop(ctx: &mut Ctx, args: &Args) -> CmdResult {
    pop_generic(ctx, args, false)
}

/// Parsed `numkeys key... LEFT|RIGHT [COUNT n]` of LMPOP/BLMPOP.
struct MpopArgs {
    /// Index of the first key in argv.
    first: usize,
    /// Number of keys.
    numkeys: usize,
    /// Pop from the head.
    front: bool,
    /// Elements to pop at most (1 without COUNT).
    count: i64,
}

/// Parse LMPOP/BLMPOP arguments starting at the numkeys argument, in Redis's order.
fn parse_mpop(args: &Args, numkeys_idx: usize) -> Result<MpopArgs, CmdError> {
    let numkeys = match crate::types::string::parse_i64(args.get(numkeys_idx)) {
        Some(n) if n >= 1 => n as u64,
        _ => return Err(CmdError::raw("ERR numkeys should be greater than 0")),
    };
    let argc = args.len();
    let where_idx = (numkeys_idx as u64)
        .saturating_add(numkeys)
        .saturating_add(1);
    if where_idx >= argc as u64 {
        return Err(CmdError::Syntax);
    }
    let where_idx = where_idx as usize;
    let front = parse_where(args.get(where_idx))?;
    let mut count = -1i64;
    let mut j = where_idx + 1;
    while j < argc {
        let more = j + 1 < argc;
        if count == -1 && args.is(j, "count") && more {
            j += 1;
            count = match crate::types::string::parse_i64(args.get(j)) {
                Some(c) if c >= 1 => c,
                _ => return Err(CmdError::raw("ERR count should be greater than 0")),
            };
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    Ok(MpopArgs {
        first: numkeys_idx + 1,
        numkeys: numkeys as usize,
        front,
        count: if count == -1 { 1 } else { count },
    })
}

/// Pop from the first non-empty list among `keys`: `count` elements as
/// `[key, [elements]]` when `count` is given (LMPOP, BLMPOP; propagated as
/// `LPOP/RPOP key n`), else one element as `[key, element]` (BLPOP/BRPOP; propagated as
/// `LPOP/RPOP key`). `Ok(None)` when every list is missing.
fn pop_first<'a>(
    ctx: &mut Ctx,
    keys: impl Iterator<Item = &'a [u8]>,
    front: bool,
    count: Option<i64>,
) -> Result<Option<Reply>, CmdError> {
    let fill = fill(ctx);
    for key in keys {
        let r = modify(ctx, key, |l| {
            Ok(match count {
                Some(c) => Reply::Array(pop_n(l, c, front, fill)),
                None => {
                    let it = l.pop(front);
                    if !l.is_empty() {
                        l.shrink_check(fill);
                    }
                    it.map(bulk_item).unwrap_or(Reply::Nil)
                }
            })
        })?;
        let Some((popped, deleted)) = r else { continue };
        let n = match &popped {
            Reply::Array(a) => a.len(),
            _ => 1,
        };
        elements_removed(ctx, key, front, n, deleted);
        let cmd: &[u8] = if front { b"LPOP" } else { b"RPOP" };
        if count.is_some() {
            propagate_one(ctx, &[cmd, key, n.to_string().as_bytes()]);
        } else {
            propagate_one(ctx, &[cmd, key]);
        }
        return Ok(Some(Reply::Array(vec![Reply::Bulk(key.to_vec()), popped])));
    }
    Ok(None)
}

/// ```text
/// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
/// ```
/// Pop up to `count` elements from the first non-empty list: `[key, [elements]]`, or a
/// null array when all are empty.
pub fn lmpop(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let m = parse_mpop(args, 1)?;
    let keys = (m.first..m.first + m.numkeys).map(|i| args.get(i));
    Ok(pop_first(ctx, keys, m.front, Some(m.count))?.unwrap_or(Reply::NilArray))
}

// ---------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------

/// ```text
/// LLEN key
/// ```
/// The length (0 for a missing key).
pub fn llen(ctx: &mut Ctx, args: &Args) -> CmdResult {
    Ok(Reply::Int(
        read_list(ctx, args.get(1))?.map_or(0, |l| l.len() as i64),
    ))
}

/// ```text
/// LINDEX key index
/// ```
/// The element at `index` (negative from the tail), or nil.
pub fn lindex(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let Some(l) = read_list(ctx, args.get(1))? else {
        return Ok(Reply::Nil);
    };
    let idx = parse_i64(args.get(2))?;
    Ok(match resolve_index(idx, l.len()).and_then(|i| l.get(i)) {
        Some(b) => Reply::Bulk(b.to_vec()),
        None => Reply::Nil,
    })
}

/// `start`/`end` (negative from the tail) clamped to a list of `len`; `None` when the
/// range is empty.
fn clamp_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let llen = len as i64;
    let mut start = if start < 0 { llen + start } else { start };
    let mut end = if end < 0 { llen + end } else { end };
    if start < 0 {
        start = 0;
    }
    if start > end || start >= llen {
        return None;
    }
    if end >= llen {
        end = llen - 1;
    }
    Some((start as usize, end as usize))
}

/// ```text
/// LRANGE key start stop
/// ```
/// The elements from `start` to `stop`, inclusive, negative indexes from the tail.
pub fn lrange(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let start = parse_i64(args.get(2))?;
    let end = parse_i64(args.get(3))?;
    let Some(l) = read_list(ctx, args.get(1))? else {
        return Ok(Reply::Array(Vec::new()));
    };
    Ok(Reply::Array(match clamp_range(start, end, l.len()) {
        Some((s, e)) => l.range(s, e).map(|b| Reply::Bulk(b.to_vec())).collect(),
        None => Vec::new(),
    }))
}

/// ```text
/// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
/// ```
/// The index of the `rank`-th match (negative: counting from the tail), or with COUNT
/// an array of up to `num-matches` indexes (0 = all); MAXLEN bounds the scan.
pub fn lpos(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let ele = args.get(2);
    let mut rank: i64 = 1;
    let mut count: i64 = -1;
    let mut maxlen: i64 = 0;
    let argc = args.len();
    let mut j = 3;
    while j < argc {
        let more = j + 1 < argc;
        if args.is(j, "rank") && more {
            j += 1;
            rank = parse_symmetric(args.get(j))?;
            if rank == 0 {
                return Err(CmdError::raw(
                    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the \
                     second ... or use negative to start from the end of the list",
                ));
            }
        } else if args.is(j, "count") && more {
            j += 1;
            count = parse_nonneg_msg(args.get(j), "ERR COUNT can't be negative")?;
        } else if args.is(j, "maxlen") && more {
            j += 1;
            maxlen = parse_nonneg_msg(args.get(j), "ERR MAXLEN can't be negative")?;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let forward = rank > 0;
    let rank = rank.unsigned_abs();
    let Some(l) = read_list(ctx, args.get(1))? else {
        return Ok(if count != -1 {
            Reply::Array(Vec::new())
        } else {
            Reply::Nil
        });
    };
    let len = l.len();
    let scan = if maxlen == 0 {
        len
    } else {
        len.min(maxlen as u64 as usize)
    };
    let mut matches = 0u64;
    let mut out = Vec::new();
    for k in 0..scan {
        let pos = if forward { k } else { len - 1 - k };
        if l.get(pos) != Some(ele) {
            continue;
        }
        matches += 1;
        if matches < rank {
            continue;
        }
        if count == -1 {
            return Ok(Reply::Int(pos as i64));
        }
        out.push(Reply::Int(pos as i64));
        if count != 0 && matches - rank + 1 >= count as u64 {
            break;
        }
    }
    Ok(if count == -1 {
        Reply::Nil
    } else {
        Reply::Array(out)
    })
}

// ---------------------------------------------------------------------------------------
// In-place writes
// ---------------------------------------------------------------------------------------

/// ```text
/// LSET key index element
/// ```
/// Replace the element at `index`.
pub fn lset(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let elem = args.get(3);
    let fill = fill(ctx);
    let r = modify(ctx, key, |l| {
        let idx = parse_i64(args.get(2))?;
        // Redis converts before it knows whether the index is valid.
        l.grow_check([elem], fill);
        let i = resolve_index(idx, l.len()).ok_or(CmdError::IndexOutOfRange)?;
        l.set(i, elem);
        l.shrink_check(fill);
        Ok(())
    })?;
    if r.is_none() {
        return Err(CmdError::NoSuchKey);
    }
    ctx.signal_modified(key);
    ctx.notify('l', "lset", key);
    ctx.dirty(1);
    Ok(Reply::Ok)
}

/// ```text
/// LINSERT key BEFORE|AFTER pivot element
/// ```
/// Insert `element` next to the first `pivot`; the new length, -1 without a pivot, 0
/// without a list.
pub fn linsert(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let after = if args.is(2, "after") {
        true
    } else if args.is(2, "before") {
        false
    } else {
        return Err(CmdError::Syntax);
    };
    let key = args.get(1);
    let pivot = args.get(3);
    let elem = args.get(4);
    let fill = fill(ctx);
    let r = modify(ctx, key, |l| {
        // Like Redis, convert first as if the insert will happen.
        l.grow_check([elem], fill);
        let found = l.iter().position(|b| b == pivot);
        Ok(match found {
            Some(i) => {
                l.insert(i, elem, after);
                Some(l.len())
            }
            None => None,
        })
    })?;
    match r {
        None => Ok(Reply::Int(0)),
        Some((None, _)) => Ok(Reply::Int(-1)),
        Some((Some(len), _)) => {
            ctx.signal_modified(key);
            ctx.notify('l', "linsert", key);
            ctx.dirty(1);
            ctx.signal_ready(key);
            Ok(Reply::Int(len as i64))
        }
    }
}

/// ```text
/// LREM key count element
/// ```
/// Remove occurrences of `element`: the first `count` (from the tail when negative, all
/// when 0); returns how many.
pub fn lrem(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let count = parse_symmetric(args.get(2))?;
    let key = args.get(1);
    let elem = args.get(3);
    let fill = fill(ctx);
    let r = modify(ctx, key, |l| {
        let n = l.remove_matching(elem, count);
        if n > 0 && !l.is_empty() {
            l.shrink_check(fill);
        }
        Ok(n)
    })?;
    let Some((n, deleted)) = r else {
        return Ok(Reply::Int(0));
    };
    if n > 0 {
        ctx.notify('l', "lrem", key);
        if deleted {
            ctx.notify('g', "del", key);
        }
        ctx.signal_modified(key);
        ctx.dirty(n as u64);
    }
    Ok(Reply::Int(n as i64))
}

/// ```text
/// LTRIM key start stop
/// ```
/// Keep only the elements from `start` to `stop`.
pub fn ltrim(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let start = parse_i64(args.get(2))?;
    let end = parse_i64(args.get(3))?;
    let key = args.get(1);
    let fill = fill(ctx);
    let r = modify(ctx, key, |l| {
        let len = l.len();
        let (ltrim, rtrim) = match clamp_range(start, end, len) {
            Some((s, e)) => (s, len - e - 1),
            None => (len, 0),
        };
        l.drop_n(ltrim, true);
        l.drop_n(rtrim, false);
        if !l.is_empty() {
            l.shrink_check(fill);
        }
        Ok(ltrim + rtrim)
    })?;
    let Some((n, deleted)) = r else {
        return Ok(Reply::Ok);
    };
    ctx.notify('l', "ltrim", key);
    if deleted {
        ctx.notify('g', "del", key);
    }
    ctx.signal_modified(key);
    ctx.dirty(n as u64);
    Ok(Reply::Ok)
}

// ---------------------------------------------------------------------------------------
// Moves
// ---------------------------------------------------------------------------------------

/// Move one element from an end of `src` to an end of `dst` (LMOVE, RPOPLPUSH and the
/// blocking forms once data is there). Returns the reply and whether anything moved.
fn lmove_generic(
    ctx: &mut Ctx,
    src: &[u8],
    dst: &[u8],
    from_front: bool,
    to_front: bool,
) -> Result<(Reply, bool), CmdError> {
    match ctx.lookup_write(src) {
        None => return Ok((Reply::Nil, false)),
        Some(e) => {
            as_list(&mut e.value)?;
        }
    }
    if src != dst {
        if let Some(e) = ctx.lookup_write(dst) {
            as_list(&mut e.value)?;
        }
    }
    let fill = fill(ctx);
    let value: Item;
    let src_deleted;
    if src == dst {
        let r = modify(ctx, src, |l| {
            let it = l.pop(from_front);
            if let Some(it) = &it {
                l.grow_check([it.as_bytes()], fill);
                l.push(it.as_bytes(), to_front);
                l.shrink_check(fill);
            }
            Ok(it)
        })?;
        let Some((Some(it), deleted)) = r else {
            return Ok((Reply::Nil, false));
        };
        value = it;
        src_deleted = deleted;
    } else {
        let r = modify(ctx, src, |l| {
            let it = l.pop(from_front);
            if !l.is_empty() {
                l.shrink_check(fill);
            }
            Ok(it)
        })?;
        let Some((Some(it), deleted)) = r else {
            return Ok((Reply::Nil, false));
        };
        push_elems(ctx, dst, std::iter::once(it.as_bytes()), to_front, false)?;
        value = it;
        src_deleted = deleted;
    }
    ctx.signal_modified(dst);
    ctx.notify('l', push_event(to_front), dst);
    elements_removed(ctx, src, from_front, 1, src_deleted);
    ctx.signal_ready(dst);
    Ok((bulk_item(value), true))
}

/// ```text
/// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
/// ```
/// Pop from one end of `source`, push onto one end of `destination`, return the element.
pub fn lmove(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let from = parse_where(args.get(3))?;
    let to = parse_where(args.get(4))?;
    Ok(lmove_generic(ctx, args.get(1), args.get(2), from, to)?.0)
}

/// ```text
/// RPOPLPUSH source destination
/// ```
/// LMOVE source destination RIGHT LEFT.
pub fn rpoplpush(ctx: &mut Ctx, args: &Args) -> CmdResult {
    Ok(lmove_generic(ctx, args.get(1), args.get(2), false, true)?.0)
}
