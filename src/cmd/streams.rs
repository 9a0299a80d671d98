//! Stream commands: XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM, XSETID, and the helpers
//! the consumer-group commands ([`super::streams_groups`]) and the reads
//! ([`super::streams_read`]) share: id parsing with Redis's error texts, entry replies,
//! stream lookups with memory accounting.
//!
//! Writes are propagated as Redis does: XADD with `*` or `<ms>-*` carries the id it
//! generated, and approximate trimming (`~`) is rewritten as the exact trim it performed
//! (`MAXLEN = <resulting length>` / `MINID = <resulting first id>`), without `LIMIT`, so
//! replaying the log gives the same stream.

use super::{Args, Ctx, Handler, parse_i64};
use crate::db::NO_EXPIRE;
use crate::reply::{CmdError, CmdResult, Reply};
use crate::types::Value;
use crate::types::stream::{
    EntryRef, MAX_ENTRY_BYTES, NodeLimits, Stream, StreamId, Trim, parse_id,
};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("xadd", xadd),
    ("xlen", xlen),
    ("xrange", xrange),
    ("xrevrange", xrevrange),
    ("xdel", xdel),
    ("xtrim", xtrim),
    ("xsetid", xsetid),
];

// ---------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------

/// `ERR Invalid stream ID specified as stream command argument`.
pub(crate) fn invalid_id() -> CmdError {
    CmdError::err("Invalid stream ID specified as stream command argument")
}

/// A strict id (`-`/`+` refused), the sequence defaulting to 0.
pub(crate) fn parse_strict(arg: &[u8]) -> Result<StreamId, CmdError> {
    parse_id(arg, 0, true, false)
        .map(|p| p.id)
        .ok_or_else(invalid_id)
}

/// An id where `-` and `+` are allowed, with the given default sequence.
pub(crate) fn parse_loose(arg: &[u8], missing_seq: u64) -> Result<StreamId, CmdError> {
    parse_id(arg, missing_seq, false, false)
        .map(|p| p.id)
        .ok_or_else(invalid_id)
}

/// A range bound (`streamParseIntervalIDOrReply`): `(` makes it exclusive, which is
/// applied here (`start` moves up, an end moves down).
pub(crate) fn parse_bound(
    arg: &[u8],
    missing_seq: u64,
    is_start: bool,
) -> Result<StreamId, CmdError> {
    if arg.len() > 1 && arg[0] == b'(' {
        let id = parse_id(&arg[1..], missing_seq, true, false)
            .map(|p| p.id)
            .ok_or_else(invalid_id)?;
        if is_start {
            id.incr()
                .ok_or_else(|| CmdError::err("invalid start ID for the interval"))
        } else {
            id.decr()
                .ok_or_else(|| CmdError::err("invalid end ID for the interval"))
        }
    } else {
        parse_loose(arg, missing_seq)
    }
}

/// A bulk reply of an id.
pub(crate) fn id_reply(id: StreamId) -> Reply {
    Reply::Bulk(id.to_bytes())
}

/// `[id, [field, value, ...]]`.
pub(crate) fn entry_reply(e: &EntryRef<'_>) -> Reply {
    let mut fv = Vec::with_capacity(e.len() * 2);
    for (f, v) in e.fields() {
        fv.push(Reply::Bulk(f.to_vec()));
        fv.push(Reply::Bulk(v.to_vec()));
    }
    Reply::Array(vec![id_reply(e.id), Reply::Array(fv)])
}

/// Text of a key or name inside an error, as Redis's `addReplyErrorFormat` prints it
/// (newlines become spaces).
pub(crate) fn shown(b: &[u8]) -> String {
    String::from_utf8_lossy(b).replace(['\r', '\n'], " ")
}

/// `NOGROUP No such key '<key>' or consumer group '<group>'<suffix>`.
pub(crate) fn nogroup(key: &[u8], group: &[u8], suffix: &str) -> CmdError {
    CmdError::Other(
        format!(
            "NOGROUP No such key '{}' or consumer group '{}'{}",
            shown(key),
            shown(group),
            suffix
        )
        .into(),
    )
}

/// `NOGROUP No such consumer group '<group>' for key name '<key>'`.
pub(crate) fn nogroup_for_key(key: &[u8], group: &[u8]) -> CmdError {
    CmdError::Other(
        format!(
            "NOGROUP No such consumer group '{}' for key name '{}'",
            shown(group),
            shown(key)
        )
        .into(),
    )
}

/// `ERR unknown subcommand or wrong number of arguments for '<sub>'. Try <CMD> HELP.`
pub(crate) fn subcommand_syntax(args: &Args) -> CmdError {
    CmdError::err(format!(
        "unknown subcommand or wrong number of arguments for '{}'. Try {} HELP.",
        shown(&args.get(1)[..args.get(1).len().min(128)]),
        shown(args.get(0)).to_ascii_uppercase()
    ))
}

/// The stream at `key` for reading (`lookupKeyRead`): `None` if absent, WRONGTYPE if
/// another type.
pub(crate) fn read_stream<'c>(
    ctx: &'c mut Ctx,
    key: &[u8],
) -> Result<Option<&'c mut Stream>, CmdError> {
    match ctx.lookup_read(key) {
        None => Ok(None),
        Some(e) => match &mut e.value {
            Value::Stream(s) => Ok(Some(s)),
            _ => Err(CmdError::WrongType),
        },
    }
}

/// The stream at `key` for writing (`lookupKeyWrite`).
pub(crate) fn write_stream<'c>(
    ctx: &'c mut Ctx,
    key: &[u8],
) -> Result<Option<&'c mut Stream>, CmdError> {
    match ctx.lookup_write(key) {
        None => Ok(None),
        Some(e) => match &mut e.value {
            Value::Stream(s) => Ok(Some(s)),
            _ => Err(CmdError::WrongType),
        },
    }
}

/// Record a change of the value's memory estimate.
pub(crate) fn adjust_mem(ctx: &mut Ctx, before: usize, after: usize) {
    if before != after {
        ctx.db().ks.adjust_mem(after as isize - before as isize);
    }
}

/// Whether writes are being collected for propagation (to skip building them).
pub(crate) fn propagating(ctx: &Ctx) -> bool {
    ctx.st.propagation.is_some()
}

// ---------------------------------------------------------------------------------------
// XADD / XTRIM argument parsing (streamParseAddOrTrimArgsOrReply)
// ---------------------------------------------------------------------------------------

/// Parsed XADD/XTRIM options.
#[derive(Debug, Default)]
struct AddTrim {
    /// The explicit id (None for `*`).
    id: Option<crate::types::stream::ParsedId>,
    /// Index of the id argument (XADD), or `argc` when none was found.
    id_pos: usize,
    nomkstream: bool,
    trim: Option<Trim>,
    /// Index of the MAXLEN/MINID value argument.
    trim_arg: usize,
    approx: bool,
    limit: i64,
    /// Indexes of `LIMIT` tokens (dropped from the propagated command).
    limit_pos: Vec<usize>,
}

fn parse_add_trim(args: &Args, xadd: bool, node_max_entries: i64) -> Result<AddTrim, CmdError> {
    let argc = args.len();
    let mut a = AddTrim::default();
    let mut limit_given = false;
    let mut i = 2;
    while i < argc {
        let more = argc - 1 - i;
        let opt = args.get(i);
        if xadd && opt == b"*" {
            break;
        } else if (args.is(i, "maxlen") || args.is(i, "minid")) && more > 0 {
            if a.trim.is_some() {
                return Err(CmdError::err(
                    "syntax error, MAXLEN and MINID options at the same time are not compatible",
                ));
            }
            let maxlen = args.is(i, "maxlen");
            a.approx = false;
            let next = args.get(i + 1);
            if more >= 2 && next == b"~" {
                a.approx = true;
                i += 1;
            } else if more >= 2 && next == b"=" {
                i += 1;
            }
            if maxlen {
                let n = parse_i64(args.get(i + 1))?;
                if n < 0 {
                    return Err(CmdError::err("The MAXLEN argument must be >= 0."));
                }
                a.trim = Some(Trim::MaxLen(n as u64));
            } else {
                a.trim = Some(Trim::MinId(parse_strict(args.get(i + 1))?));
            }
            i += 1;
            a.trim_arg = i;
        } else if args.is(i, "limit") && more > 0 {
            let n = parse_i64(args.get(i + 1))?;
            if n < 0 {
                return Err(CmdError::err("The LIMIT argument must be >= 0."));
            }
            a.limit = n;
            limit_given = true;
            a.limit_pos.push(i);
            i += 1;
        } else if xadd && args.is(i, "nomkstream") {
            a.nomkstream = true;
        } else if xadd {
            a.id = Some(parse_id(opt, 0, true, true).ok_or_else(invalid_id)?);
            break;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    a.id_pos = i;
    if a.limit != 0 && a.trim.is_none() {
        return Err(CmdError::err(
            "syntax error, LIMIT cannot be used without specifying a trimming strategy",
        ));
    }
    if !xadd && a.trim.is_none() {
        return Err(CmdError::err(
            "syntax error, XTRIM must be called with a trimming strategy",
        ));
    }
    if limit_given {
        if !a.approx {
            return Err(CmdError::err(
                "syntax error, LIMIT cannot be used without the special ~ option",
            ));
        }
    } else if a.approx {
        a.limit = node_max_entries.saturating_mul(100);
        if a.limit <= 0 {
            a.limit = 10_000;
        }
        if a.limit > 1_000_000 {
            a.limit = 1_000_000;
        }
    } else {
        a.limit = 0;
    }
    Ok(a)
}

/// The command as it must be propagated after an approximate trim: `~` → `=`, the
/// count/id replaced by what the stream now holds, `LIMIT n` dropped; and the id
/// argument replaced by `new_id` (XADD with a generated id).
fn rewritten(args: &Args, a: &AddTrim, s: &Stream, new_id: Option<StreamId>) -> Vec<Vec<u8>> {
    let mut v = args.to_vecs();
    if a.approx {
        if let Some(t) = a.trim {
            let val = match t {
                Trim::MaxLen(_) => s.len().to_string().into_bytes(),
                Trim::MinId(_) => s.first_entry_id(true).unwrap_or(StreamId::MAX).to_bytes(),
            };
            if let Some(x) = v.get_mut(a.trim_arg - 1) {
                *x = b"=".to_vec();
            }
            if let Some(x) = v.get_mut(a.trim_arg) {
                *x = val;
            }
        }
    }
    if let (Some(id), Some(x)) = (new_id, v.get_mut(a.id_pos)) {
        *x = id.to_bytes();
    }
    if a.approx {
        for &p in a.limit_pos.iter().rev() {
            if p + 1 < v.len() {
                v.drain(p..p + 2);
            }
        }
    }
    v
}

// ---------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------

/// Append an entry, creating the stream unless NOMKSTREAM; optionally trim.
///
/// ```text
/// XADD key [NOMKSTREAM] [<MAXLEN | MINID> [= | ~] threshold [LIMIT count]]
///     <* | id> field value [field value ...]
/// ```
fn xadd(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let a = parse_add_trim(args, true, ctx.st.config.stream_node.max_entries)?;
    let argc = args.len();
    let field_pos = a.id_pos + 1;
    if argc < field_pos + 2 || (argc - field_pos) % 2 == 1 {
        return Err(CmdError::WrongArity("xadd".into()));
    }
    if let Some(p) = a.id {
        if p.seq_given && p.id.is_zero() {
            return Err(CmdError::err(
                "The ID specified in XADD must be greater than 0-0",
            ));
        }
    }
    let key = args.get(1);
    let lim = ctx.st.config.stream_node;
    let now = ctx.now;
    let want_prop = propagating(ctx);
    // The field/value arguments, on the stack for the usual few.
    let n = argc - field_pos;
    let mut small: [&[u8]; 32] = [&[]; 32];
    let big: Vec<&[u8]>;
    let pairs: &[&[u8]] = if n <= small.len() {
        for (slot, i) in small.iter_mut().zip(field_pos..argc) {
            *slot = args.get(i);
        }
        &small[..n]
    } else {
        big = (field_pos..argc).map(|i| args.get(i)).collect();
        &big
    };
    let input = AddInput {
        a: &a,
        args,
        pairs,
        now,
        lim,
        want_prop,
    };
    // One keyspace lookup when the stream exists.
    let existing = match write_stream(ctx, key)? {
        Some(s) => Some(add_entry(s, &input)?),
        None => None,
    };
    let added = match existing {
        Some(added) => added,
        None => {
            if a.nomkstream {
                return Ok(Reply::Nil);
            }
            ctx.db().set(key, Value::Stream(Box::default()), NO_EXPIRE);
            let Some(s) = write_stream(ctx, key)? else {
                return Ok(Reply::Nil);
            };
            add_entry(s, &input)?
        }
    };
    adjust_mem(ctx, added.before, added.after);
    ctx.signal_modified(key);
    ctx.notify('t', "xadd", key);
    ctx.dirty(1);
    if added.trimmed > 0 {
        ctx.notify('t', "xtrim", key);
    }
    if let Some(p) = added.prop {
        ctx.propagate(vec![p]);
    }
    ctx.signal_ready(key);
    Ok(id_reply(added.id))
}

/// What XADD adds, parsed.
struct AddInput<'a> {
    a: &'a AddTrim,
    args: &'a Args<'a>,
    pairs: &'a [&'a [u8]],
    now: i64,
    lim: NodeLimits,
    want_prop: bool,
}

/// What XADD did to the stream.
struct Added {
    id: StreamId,
    before: usize,
    after: usize,
    trimmed: i64,
    prop: Option<Vec<Vec<u8>>>,
}

/// XADD's work on the stream: the new id, the entry, trimming.
fn add_entry(s: &mut Stream, inp: &AddInput<'_>) -> Result<Added, CmdError> {
    let a = inp.a;
    if s.last_id == StreamId::MAX {
        return Err(CmdError::err(
            "The stream has exhausted the last possible ID, unable to add more items",
        ));
    }
    let too_small = || {
        CmdError::err(
            "The ID specified in XADD is equal or smaller than the target stream top item",
        )
    };
    let id = match a.id {
        Some(p) if p.seq_given => p.id,
        Some(p) if s.last_id.ms == p.id.ms => {
            if s.last_id.seq == u64::MAX {
                return Err(too_small());
            }
            StreamId::new(p.id.ms, s.last_id.seq + 1)
        }
        Some(p) => p.id,
        None => s.next_id(inp.now).ok_or_else(too_small)?,
    };
    if id <= s.last_id {
        return Err(too_small());
    }
    if inp.pairs.iter().map(|p| p.len()).sum::<usize>() > MAX_ENTRY_BYTES {
        return Err(CmdError::err("Elements are too large to be stored"));
    }
    let before = s.mem_usage();
    s.append(id, inp.pairs, inp.lim);
    let trimmed = match a.trim {
        Some(t) => s.trim(t, a.approx, a.limit),
        None => 0,
    };
    let rewrite_id = a.id.is_none_or(|p| !p.seq_given);
    let prop = (inp.want_prop && (a.approx || rewrite_id))
        .then(|| rewritten(inp.args, a, s, rewrite_id.then_some(id)));
    Ok(Added {
        id,
        before,
        after: s.mem_usage(),
        trimmed,
        prop,
    })
}

/// Number of entries.
///
/// ```text
/// XLEN key
/// ```
fn xlen(ctx: &mut Ctx, args: &Args) -> CmdResult {
    Ok(Reply::Int(
        read_stream(ctx, args.get(1))?.map_or(0, |s| s.len() as i64),
    ))
}

/// XRANGE / XREVRANGE.
fn range_generic(ctx: &mut Ctx, args: &Args, rev: bool) -> CmdResult {
    let (start_arg, end_arg) = if rev {
        (args.get(3), args.get(2))
    } else {
        (args.get(2), args.get(3))
    };
    let start = parse_bound(start_arg, 0, true)?;
    let end = parse_bound(end_arg, u64::MAX, false)?;
    let mut count: i64 = -1;
    let mut j = 4;
    while j < args.len() {
        if args.is(j, "count") && j + 1 < args.len() {
            count = parse_i64(args.get(j + 1))?.max(0);
            j += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let Some(s) = read_stream(ctx, args.get(1))? else {
        return Ok(Reply::Array(Vec::new()));
    };
    if count == 0 {
        return Ok(Reply::NilArray);
    }
    let limit = if count < 0 {
        usize::MAX
    } else {
        usize::try_from(count).unwrap_or(usize::MAX)
    };
    let out: Vec<Reply> = s
        .range(start, end, rev)
        .take(limit)
        .map(|e| entry_reply(&e))
        .collect();
    Ok(Reply::Array(out))
}

/// Entries with ids from `start` to `end` (`-`/`+`, `(` for exclusive bounds).
///
/// ```text
/// XRANGE key start end [COUNT count]
/// ```
fn xrange(ctx: &mut Ctx, args: &Args) -> CmdResult {
    range_generic(ctx, args, false)
}

/// Entries from `end` down to `start`.
///
/// ```text
/// XREVRANGE key end start [COUNT count]
/// ```
fn xrevrange(ctx: &mut Ctx, args: &Args) -> CmdResult {
    range_generic(ctx, args, true)
}

/// Delete entries by id; returns how many existed.
///
/// ```text
/// XDEL key id [id ...]
/// ```
fn xdel(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let Some(s) = write_stream(ctx, key)? else {
        return Ok(Reply::Int(0));
    };
    let ids = (2..args.len())
        .map(|j| parse_strict(args.get(j)))
        .collect::<Result<Vec<_>, _>>()?;
    let before = s.mem_usage();
    let mut deleted = 0i64;
    let mut first_entry = false;
    for id in ids {
        if s.delete(id) {
            if id == s.first_id {
                first_entry = true;
            }
            if id > s.max_deleted_id {
                s.max_deleted_id = id;
            }
            deleted += 1;
        }
    }
    if deleted > 0 {
        if s.is_empty() {
            s.first_id = StreamId::ZERO;
        } else if first_entry {
            s.first_id = s.first_entry_id(false).unwrap_or(StreamId::ZERO);
        }
    }
    let after = s.mem_usage();
    adjust_mem(ctx, before, after);
    if deleted > 0 {
        ctx.signal_modified(key);
        ctx.notify('t', "xdel", key);
        ctx.dirty(deleted as u64);
    }
    Ok(Reply::Int(deleted))
}

/// Trim by length or minimum id; returns the entries removed.
///
/// ```text
/// XTRIM key <MAXLEN | MINID> [= | ~] threshold [LIMIT count]
/// ```
fn xtrim(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let a = parse_add_trim(args, false, ctx.st.config.stream_node.max_entries)?;
    let key = args.get(1);
    let Some(s) = write_stream(ctx, key)? else {
        return Ok(Reply::Int(0));
    };
    let Some(t) = a.trim else {
        return Err(CmdError::Syntax);
    };
    let before = s.mem_usage();
    let deleted = s.trim(t, a.approx, a.limit);
    let after = s.mem_usage();
    let prop = (deleted > 0 && a.approx).then(|| rewritten(args, &a, s, None));
    adjust_mem(ctx, before, after);
    if deleted > 0 {
        ctx.notify('t', "xtrim", key);
        if let Some(p) = prop {
            if propagating(ctx) {
                ctx.propagate(vec![p]);
            }
        }
        ctx.signal_modified(key);
        ctx.dirty(deleted as u64);
    }
    Ok(Reply::Int(deleted))
}

/// Set the stream's last id, entries-added counter and greatest deleted id.
///
/// ```text
/// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
/// ```
fn xsetid(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let id = parse_strict(args.get(2))?;
    let mut entries_added: i64 = -1;
    let mut max_xdel = StreamId::ZERO;
    let mut i = 3;
    while i < args.len() {
        let more = args.len() - 1 - i;
        if args.is(i, "entriesadded") && more > 0 {
            entries_added = parse_i64(args.get(i + 1))?;
            if entries_added < 0 {
                return Err(CmdError::err("entries_added must be positive"));
            }
        } else if args.is(i, "maxdeletedid") && more > 0 {
            max_xdel = parse_strict(args.get(i + 1))?;
            if id < max_xdel {
                return Err(CmdError::err(
                    "The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
                ));
            }
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    let key = args.get(1);
    let Some(s) = write_stream(ctx, key)? else {
        return Err(CmdError::NoSuchKey);
    };
    if id < s.max_deleted_id {
        return Err(CmdError::err(
            "The ID specified in XSETID is smaller than current max_deleted_entry_id",
        ));
    }
    if !s.is_empty() {
        let maxid = s.last_valid_id().unwrap_or(StreamId::ZERO);
        if id < maxid {
            return Err(CmdError::err(
                "The ID specified in XSETID is smaller than the target stream top item",
            ));
        }
        if entries_added != -1 && s.len() > entries_added as u64 {
            return Err(CmdError::err(
                "The entries_added specified in XSETID is smaller than the target stream length",
            ));
        }
    }
    s.last_id = id;
    if entries_added != -1 {
        s.entries_added = entries_added as u64;
    }
    if !max_xdel.is_zero() {
        s.max_deleted_id = max_xdel;
    }
    ctx.dirty(1);
    ctx.notify('t', "xsetid", key);
    Ok(Reply::Ok)
}
