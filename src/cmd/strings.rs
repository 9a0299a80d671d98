//! String commands: GET, SET and friends, INCR and friends, ranges, LCS, and Valkey's
//! conditional writes (`SET ... IFEQ`, `DELIFEQ`).
//!
//! As in Redis's `t_string.c`, the SET variants (SET, SETNX, SETEX, PSETEX) share one
//! routine, [`set_generic`], and INCR/DECR/INCRBY/DECRBY share [`incr_decr`]. Writes
//! whose effect depends on the time or on the current value are propagated as
//! deterministic commands: SET with a relative expiry as `SET key value PXAT <ms>`,
//! GETEX as `PEXPIREAT`/`PERSIST`/`DEL`, INCRBYFLOAT as `SET key <result> KEEPTTL`,
//! GETDEL/DELIFEQ as `DEL`, GETSET as `SET`.
//!
//! INCRBYFLOAT computes in x87 extended precision like Redis; see [`longdouble`].

pub mod lcs;
pub mod longdouble;

use super::{Args, Ctx, Handler, parse_i64, str_reply};
use crate::db::NO_EXPIRE;
use crate::reply::{CmdError, CmdResult, Reply};
use crate::types::string::i64_bytes;
use crate::types::{StrValue, Value};
use longdouble::LongDouble;

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("append", append),
    ("decr", decr),
    ("decrby", decrby),
    ("delifeq", delifeq),
    ("get", get),
    ("getdel", getdel),
    ("getex", getex),
    ("getrange", getrange),
    ("getset", getset),
    ("incr", incr),
    ("incrby", incrby),
    ("incrbyfloat", incrbyfloat),
    ("lcs", lcs::lcs),
    ("mget", mget),
    ("mset", mset),
    ("msetnx", msetnx),
    ("psetex", psetex),
    ("set", set),
    ("setex", setex),
    ("setnx", setnx),
    ("setrange", setrange),
    ("strlen", strlen),
    ("substr", getrange),
];

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// The string inside a value, or WRONGTYPE.
#[inline]
pub(crate) fn as_str(v: &Value) -> Result<&StrValue, CmdError> {
    #[allow(unreachable_patterns)]
    match v {
        Value::Str(s) => Ok(s),
        _ => Err(CmdError::WrongType),
    }
}

/// The string inside a value, mutable, or WRONGTYPE.
#[inline]
pub(crate) fn as_str_mut(v: &mut Value) -> Result<&mut StrValue, CmdError> {
    #[allow(unreachable_patterns)]
    match v {
        Value::Str(s) => Ok(s),
        _ => Err(CmdError::WrongType),
    }
}

/// Whether the string's bytes equal `b` (Redis's `compareStringObjects(...) == 0`).
fn str_eq(s: &StrValue, b: &[u8]) -> bool {
    match s {
        StrValue::Emb(v) => **v == *b,
        StrValue::Raw(v) => v.as_slice() == b,
        StrValue::RawExact(v) => **v == *b,
        StrValue::Int(i) => crate::types::string::parse_i64(b) == Some(*i),
    }
}

/// Lazily expire `key` before an overwrite that does not need the old value (Redis's
/// `setKey` → `lookupKeyWrite`): one hash lookup.
#[inline]
fn expire_if_needed(ctx: &mut Ctx, key: &[u8]) {
    let i = ctx.sess.db;
    let now = ctx.now;
    ctx.st.dbs[i].expire_if_needed(key, now, &mut ctx.st.stats.keys);
}

/// Replace this command's propagation by one command, building it only when someone
/// consumes propagation.
fn propagate_one(ctx: &mut Ctx, parts: &[&[u8]]) {
    if ctx.st.propagation.is_some() {
        ctx.propagate(vec![parts.iter().map(|p| p.to_vec()).collect()]);
    }
}

/// Adjust the keyspace's memory estimate by `after - before`.
#[inline]
fn adjust_mem(ctx: &mut Ctx, before: usize, after: usize) {
    if before != after {
        ctx.db().ks.adjust_mem(after as isize - before as isize);
    }
}

/// `arg` lower-cased into `buf` when it is at most 8 bytes long, else an empty slice: for
/// matching option words in one pass without allocating.
#[inline]
fn lower8<'b>(arg: &[u8], buf: &'b mut [u8; 8]) -> &'b [u8] {
    if arg.len() > buf.len() {
        return &[];
    }
    for (d, s) in buf.iter_mut().zip(arg) {
        *d = s.to_ascii_lowercase();
    }
    &buf[..arg.len()]
}

/// How an expiry argument is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ExpireKind {
    /// EX: relative seconds.
    Ex,
    /// PX: relative milliseconds.
    Px,
    /// EXAT: absolute Unix seconds.
    ExAt,
    /// PXAT: absolute Unix milliseconds.
    PxAt,
}

impl ExpireKind {
    fn absolute(self) -> bool {
        matches!(self, ExpireKind::ExAt | ExpireKind::PxAt)
    }
}

/// Redis's `getExpireMillisecondsOrReply`: the absolute expiry in ms of an EX/PX/EXAT/PXAT
/// argument, or "invalid expire time in '<cmd>' command" for a non-positive value or an
/// overflow.
fn expire_at(ctx: &Ctx, arg: &[u8], kind: ExpireKind) -> Result<i64, CmdError> {
    let v = parse_i64(arg)?;
    let invalid = || CmdError::InvalidExpire(ctx.cmd.name().to_string());
    let secs = matches!(kind, ExpireKind::Ex | ExpireKind::ExAt);
    if v <= 0 || (secs && v > i64::MAX / 1000) {
        return Err(invalid());
    }
    let ms = if secs { v * 1000 } else { v };
    let at = if kind.absolute() {
        ms
    } else {
        ms.checked_add(ctx.now).ok_or_else(invalid)?
    };
    // i64::MAX is our "no expiry" marker; the largest PXAT keeps a TTL 1 ms shorter.
    Ok(at.min(NO_EXPIRE - 1))
}

// ---------------------------------------------------------------------------------------
// GET family
// ---------------------------------------------------------------------------------------

/// ```text
/// GET key
/// ```
pub fn get(ctx: &mut Ctx, args: &Args) -> CmdResult {
    Ok(match ctx.read_str(args.get(1))? {
        Some(s) => str_reply(s),
        None => Reply::Nil,
    })
}

/// ```text
/// MGET key [key ...]
/// ```
/// Missing keys and keys of other types read as nil.
pub fn mget(ctx: &mut Ctx, args: &Args) -> CmdResult {
    // Bounded by the argument count, which has already arrived.
    let mut out = Vec::with_capacity(args.len().saturating_sub(1));
    for i in 1..args.len() {
        let r = match ctx.lookup_read(args.get(i)) {
            Some(e) => match as_str(&e.value) {
                Ok(s) => str_reply(s),
                Err(_) => Reply::Nil,
            },
            None => Reply::Nil,
        };
        out.push(r);
    }
    Ok(Reply::Array(out))
}

/// ```text
/// STRLEN key
/// ```
pub fn strlen(ctx: &mut Ctx, args: &Args) -> CmdResult {
    Ok(match ctx.read_str(args.get(1))? {
        Some(s) => Reply::Int(s.len() as i64),
        None => Reply::Int(0),
    })
}

/// ```text
/// GETRANGE key start end
/// SUBSTR key start end
/// ```
/// Inclusive byte range; negative indexes count from the end.
pub fn getrange(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let start = parse_i64(args.get(2))?;
    let end = parse_i64(args.get(3))?;
    let Some(s) = ctx.read_str(args.get(1))? else {
        return Ok(Reply::Bulk(Vec::new()));
    };
    Ok(Reply::Bulk(
        s.with_bytes(|b| range_of(b, start, end).to_vec()),
    ))
}

/// The bytes GETRANGE returns for `start..=end`, with Redis's clamping rules.
fn range_of(b: &[u8], mut start: i64, mut end: i64) -> &[u8] {
    let len = b.len() as i64;
    if start < 0 && end < 0 && start > end {
        return &[];
    }
    if start < 0 {
        start += len;
    }
    if end < 0 {
        end += len;
    }
    start = start.max(0);
    end = end.max(0);
    if end >= len {
        end = len - 1;
    }
    if start > end || len == 0 {
        return &[];
    }
    b.get(start as usize..=end as usize).unwrap_or(&[])
}

/// ```text
/// GETDEL key
/// ```
pub fn getdel(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let Some(s) = ctx.read_str(key)? else {
        return Ok(Reply::Nil);
    };
    let reply = str_reply(s);
    if ctx.delete(key) {
        propagate_one(ctx, &[b"DEL", key]);
        ctx.signal_modified(key);
        ctx.notify('g', "del", key);
        ctx.dirty(1);
    }
    Ok(reply)
}

/// ```text
/// GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds |
///     PXAT unix-time-milliseconds | PERSIST]
/// ```
pub fn getex(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let mut expire: Option<(ExpireKind, &[u8])> = None;
    let mut persist = false;
    let mut j = 2;
    while j < args.len() {
        let has_next = j + 1 < args.len();
        let mut buf = [0u8; 8];
        let kind = match lower8(args.get(j), &mut buf) {
            b"persist" if expire.is_none() => {
                persist = true;
                j += 1;
                continue;
            }
            b"ex" => ExpireKind::Ex,
            b"px" => ExpireKind::Px,
            b"exat" => ExpireKind::ExAt,
            b"pxat" => ExpireKind::PxAt,
            _ => return Err(CmdError::Syntax),
        };
        // The same option may repeat (the last wins); different ones exclude each other.
        if persist || !has_next || expire.is_some_and(|(k, _)| k != kind) {
            return Err(CmdError::Syntax);
        }
        expire = Some((kind, args.get(j + 1)));
        j += 2;
    }

    let (reply, had_ttl) = match ctx.lookup_read(key) {
        None => return Ok(Reply::Nil),
        Some(e) => (str_reply(as_str(&e.value)?), e.has_expire()),
    };
    // Redis 7 validates the time only once the key is known to be a string.
    if let Some((kind, arg)) = expire {
        let at = expire_at(ctx, arg, kind)?;
        if kind.absolute() && at <= ctx.now {
            ctx.delete(key);
            propagate_one(ctx, &[b"DEL", key]);
            ctx.signal_modified(key);
            ctx.notify('g', "del", key);
        } else {
            ctx.db().ks.set_expire(key, at);
            propagate_one(ctx, &[b"PEXPIREAT", key, &i64_bytes(at)]);
            ctx.signal_modified(key);
            ctx.notify('g', "expire", key);
        }
        ctx.dirty(1);
    } else if persist && had_ttl {
        ctx.db().ks.set_expire(key, NO_EXPIRE);
        ctx.signal_modified(key);
        propagate_one(ctx, &[b"PERSIST", key]);
        ctx.notify('g', "persist", key);
        ctx.dirty(1);
    }
    Ok(reply)
}

// ---------------------------------------------------------------------------------------
// SET family
// ---------------------------------------------------------------------------------------

/// Parsed options of the SET variants.
#[derive(Debug, Default)]
struct SetOpts<'a> {
    nx: bool,
    xx: bool,
    get: bool,
    keepttl: bool,
    ifeq: Option<&'a [u8]>,
    expire: Option<(ExpireKind, &'a [u8])>,
}

/// Parse `[NX | XX | IFEQ value] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL]` in one
/// pass with Redis's rules: options may repeat, conflicting ones are a syntax error, and
/// an option missing its argument is a syntax error.
fn parse_set_opts<'a>(args: &Args<'a>) -> Result<SetOpts<'a>, CmdError> {
    let mut o = SetOpts::default();
    let mut j = 3;
    while j < args.len() {
        let has_next = j + 1 < args.len();
        let mut buf = [0u8; 8];
        let kind = match lower8(args.get(j), &mut buf) {
            b"nx" if !o.xx && o.ifeq.is_none() => {
                o.nx = true;
                j += 1;
                continue;
            }
            b"xx" if !o.nx && o.ifeq.is_none() => {
                o.xx = true;
                j += 1;
                continue;
            }
            b"ifeq" if has_next && !o.nx && !o.xx && o.ifeq.is_none() => {
                o.ifeq = Some(args.get(j + 1));
                j += 2;
                continue;
            }
            b"get" => {
                o.get = true;
                j += 1;
                continue;
            }
            b"keepttl" if o.expire.is_none() => {
                o.keepttl = true;
                j += 1;
                continue;
            }
            b"ex" => ExpireKind::Ex,
            b"px" => ExpireKind::Px,
            b"exat" => ExpireKind::ExAt,
            b"pxat" => ExpireKind::PxAt,
            _ => return Err(CmdError::Syntax),
        };
        if o.keepttl || !has_next || o.expire.is_some_and(|(k, _)| k != kind) {
            return Err(CmdError::Syntax);
        }
        o.expire = Some((kind, args.get(j + 1)));
        j += 2;
    }
    Ok(o)
}

/// ```text
/// SET key value [NX | XX | IFEQ comparison-value] [GET]
///     [EX seconds | PX milliseconds | EXAT unix-time-seconds |
///      PXAT unix-time-milliseconds | KEEPTTL]
/// ```
pub fn set(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let val = args.get(2);
    if args.len() == 3 {
        // The common case: no options, no old value needed.
        let (i, now) = (ctx.sess.db, ctx.now);
        let st = &mut *ctx.st;
        let value = Value::Str(StrValue::from_bytes(val));
        st.dbs[i].set_plain(
            key,
            value,
            now,
            None,
            st.config.tracking,
            &mut st.stats.keys,
        );
        ctx.signal_modified(key);
        ctx.notify('$', "set", key);
        ctx.dirty(1);
        return Ok(Reply::Ok);
    }
    let o = parse_set_opts(args)?;
    set_generic(ctx, key, val, &o, Reply::Ok, Reply::Nil)
}

/// ```text
/// SETNX key value
/// ```
pub fn setnx(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let o = SetOpts {
        nx: true,
        ..Default::default()
    };
    set_generic(
        ctx,
        args.get(1),
        args.get(2),
        &o,
        Reply::Int(1),
        Reply::Int(0),
    )
}

/// ```text
/// SETEX key seconds value
/// ```
pub fn setex(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let o = SetOpts {
        expire: Some((ExpireKind::Ex, args.get(2))),
        ..Default::default()
    };
    set_generic(ctx, args.get(1), args.get(3), &o, Reply::Ok, Reply::Nil)
}

/// ```text
/// PSETEX key milliseconds value
/// ```
pub fn psetex(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let o = SetOpts {
        expire: Some((ExpireKind::Px, args.get(2))),
        ..Default::default()
    };
    set_generic(ctx, args.get(1), args.get(3), &o, Reply::Ok, Reply::Nil)
}

/// The shared body of SET, SETNX, SETEX and PSETEX (Redis's `setGenericCommand`).
/// `ok` is the reply when the value was written, `abort` when a condition failed; with
/// GET the reply is the old value either way.
fn set_generic(
    ctx: &mut Ctx,
    key: &[u8],
    val: &[u8],
    o: &SetOpts,
    ok: Reply,
    abort: Reply,
) -> CmdResult {
    let expire = match o.expire {
        Some((kind, arg)) => Some(expire_at(ctx, arg, kind)?),
        None => None,
    };
    let old = if o.get {
        Some(match ctx.read_str(key)? {
            Some(s) => str_reply(s),
            None => Reply::Nil,
        })
    } else {
        None
    };
    let (found, old_expire) = if o.nx || o.xx || o.keepttl || o.ifeq.is_some() || expire.is_some() {
        match ctx.lookup_write(key) {
            None => (false, NO_EXPIRE),
            Some(e) => {
                if let Some(cmp) = o.ifeq {
                    // With GET the type was already checked (and refused) above.
                    if !str_eq(as_str(&e.value)?, cmp) {
                        return Ok(old.unwrap_or(abort));
                    }
                }
                (true, e.expire)
            }
        }
    } else {
        expire_if_needed(ctx, key);
        (false, NO_EXPIRE)
    };
    let aborted = if found {
        o.nx
    } else {
        o.xx || o.ifeq.is_some()
    };
    if aborted {
        return Ok(old.unwrap_or(abort));
    }
    if let Some(at) = expire {
        if at <= ctx.now {
            // Already expired (EXAT/PXAT in the past): don't store it; drop the old key.
            if found {
                ctx.delete(key);
                propagate_one(ctx, &[b"DEL", key]);
                ctx.signal_modified(key);
                ctx.notify('g', "del", key);
                ctx.dirty(1);
            }
            return Ok(old.unwrap_or(Reply::Ok));
        }
    }
    let at = match expire {
        Some(at) => at,
        None if o.keepttl && found => old_expire,
        None => NO_EXPIRE,
    };
    ctx.db()
        .ks
        .insert(key, Value::Str(StrValue::from_bytes(val)), at);
    ctx.dirty(1);
    ctx.signal_modified(key);
    ctx.notify('$', "set", key);
    if let Some(at) = expire {
        ctx.notify('g', "expire", key);
        propagate_one(ctx, &[b"SET", key, val, b"PXAT", &i64_bytes(at)]);
    } else if o.get || o.ifeq.is_some() {
        // Without GET (which a replica must not answer) and IFEQ (already decided here,
        // and unknown to Redis 7 reading our AOF).
        if o.keepttl {
            propagate_one(ctx, &[b"SET", key, val, b"KEEPTTL"]);
        } else {
            propagate_one(ctx, &[b"SET", key, val]);
        }
    }
    Ok(old.unwrap_or(ok))
}

/// ```text
/// GETSET key value
/// ```
pub fn getset(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let val = args.get(2);
    let old = match ctx.read_str(key)? {
        Some(s) => str_reply(s),
        None => Reply::Nil,
    };
    ctx.db()
        .ks
        .insert(key, Value::Str(StrValue::from_bytes(val)), NO_EXPIRE);
    ctx.signal_modified(key);
    ctx.notify('$', "set", key);
    ctx.dirty(1);
    propagate_one(ctx, &[b"SET", key, val]);
    Ok(old)
}

/// ```text
/// MSET key value [key value ...]
/// ```
pub fn mset(ctx: &mut Ctx, args: &Args) -> CmdResult {
    mset_generic(ctx, args, false)
}

/// ```text
/// MSETNX key value [key value ...]
/// ```
/// Sets all the keys only if none of them exists.
pub fn msetnx(ctx: &mut Ctx, args: &Args) -> CmdResult {
    mset_generic(ctx, args, true)
}

fn mset_generic(ctx: &mut Ctx, args: &Args, nx: bool) -> CmdResult {
    if args.len() % 2 == 0 {
        return Err(CmdError::WrongArity(ctx.cmd.name().to_string()));
    }
    if nx {
        for j in (1..args.len()).step_by(2) {
            if ctx.lookup_write(args.get(j)).is_some() {
                return Ok(Reply::Int(0));
            }
        }
    }
    for j in (1..args.len()).step_by(2) {
        let key = args.get(j);
        if !nx {
            expire_if_needed(ctx, key);
        }
        ctx.db().ks.insert(
            key,
            Value::Str(StrValue::from_bytes(args.get(j + 1))),
            NO_EXPIRE,
        );
        ctx.signal_modified(key);
        ctx.notify('$', "set", key);
    }
    ctx.dirty((args.len() as u64 - 1) / 2);
    Ok(if nx { Reply::Int(1) } else { Reply::Ok })
}

/// ```text
/// DELIFEQ key value
/// ```
/// Valkey 9: delete `key` if its string value equals `value`; 1 if deleted, else 0.
pub fn delifeq(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let equal = match ctx.lookup_write(key) {
        None => return Ok(Reply::Int(0)),
        Some(e) => str_eq(as_str(&e.value)?, args.get(2)),
    };
    if !equal {
        return Ok(Reply::Int(0));
    }
    ctx.delete(key);
    propagate_one(ctx, &[b"DEL", key]);
    ctx.signal_modified(key);
    ctx.notify('g', "del", key);
    ctx.dirty(1);
    Ok(Reply::Int(1))
}

// ---------------------------------------------------------------------------------------
// In-place modification: APPEND, SETRANGE
// ---------------------------------------------------------------------------------------

/// ```text
/// APPEND key value
/// ```
pub fn append(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let val = args.get(2);
    let max = ctx.st.config.proto_max_bulk_len;
    let (total, before, after) = match ctx.lookup_write(key) {
        None => {
            ctx.db()
                .ks
                .insert(key, Value::Str(StrValue::from_bytes(val)), NO_EXPIRE);
            (val.len(), 0, 0)
        }
        Some(e) => {
            let s = as_str_mut(&mut e.value)?;
            let total = s.len().saturating_add(val.len());
            if total > max {
                return Err(CmdError::StringTooLong);
            }
            let before = s.mem_usage();
            s.make_raw().extend_from_slice(val);
            (total, before, s.mem_usage())
        }
    };
    adjust_mem(ctx, before, after);
    ctx.signal_modified(key);
    ctx.notify('$', "append", key);
    ctx.dirty(1);
    Ok(Reply::Int(total as i64))
}

/// ```text
/// SETRANGE key offset value
/// ```
/// Overwrite bytes from `offset`, zero-padding a shorter string.
pub fn setrange(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let offset = parse_i64(args.get(2))?;
    let val = args.get(3);
    if offset < 0 {
        return Err(CmdError::err("offset is out of range"));
    }
    let max = ctx.st.config.proto_max_bulk_len as u64;
    // offset + len, checked against proto-max-bulk-len (and so against overflow).
    let end = (offset as u64).saturating_add(val.len() as u64);
    let offset = offset as usize;
    let (len, before, after) = match ctx.lookup_write(key) {
        None => {
            if val.is_empty() {
                return Ok(Reply::Int(0));
            }
            if end > max {
                return Err(CmdError::StringTooLong);
            }
            let mut v = vec![0u8; end as usize];
            if let Some(dst) = v.get_mut(offset..) {
                dst.copy_from_slice(val);
            }
            ctx.db()
                .ks
                .insert(key, Value::Str(StrValue::Raw(Box::new(v))), NO_EXPIRE);
            (end as usize, 0, 0)
        }
        Some(e) => {
            let s = as_str_mut(&mut e.value)?;
            if val.is_empty() {
                return Ok(Reply::Int(s.len() as i64));
            }
            if end > max {
                return Err(CmdError::StringTooLong);
            }
            let end = end as usize;
            let before = s.mem_usage();
            let r = s.make_raw();
            if r.len() < end {
                r.resize(end, 0);
            }
            if let Some(dst) = r.get_mut(offset..end) {
                dst.copy_from_slice(val);
            }
            let len = r.len();
            (len, before, s.mem_usage())
        }
    };
    adjust_mem(ctx, before, after);
    ctx.signal_modified(key);
    ctx.notify('$', "setrange", key);
    ctx.dirty(1);
    Ok(Reply::Int(len as i64))
}

// ---------------------------------------------------------------------------------------
// Counters
// ---------------------------------------------------------------------------------------

/// ```text
/// INCR key
/// ```
pub fn incr(ctx: &mut Ctx, args: &Args) -> CmdResult {
    incr_decr(ctx, args.get(1), 1)
}

/// ```text
/// DECR key
/// ```
pub fn decr(ctx: &mut Ctx, args: &Args) -> CmdResult {
    incr_decr(ctx, args.get(1), -1)
}

/// ```text
/// INCRBY key increment
/// ```
pub fn incrby(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let by = parse_i64(args.get(2))?;
    incr_decr(ctx, args.get(1), by)
}

/// ```text
/// DECRBY key decrement
/// ```
pub fn decrby(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let by = parse_i64(args.get(2))?;
    let Some(neg) = by.checked_neg() else {
        return Err(CmdError::err("decrement would overflow"));
    };
    incr_decr(ctx, args.get(1), neg)
}

/// Add `by` to the integer at `key` (0 if absent), storing an `int`-encoded result.
fn incr_decr(ctx: &mut Ctx, key: &[u8], by: i64) -> CmdResult {
    let (v, before) = match ctx.lookup_write(key) {
        Some(e) => {
            let s = as_str_mut(&mut e.value)?;
            let cur = s.as_i64().ok_or(CmdError::NotInteger)?;
            let v = cur.checked_add(by).ok_or(CmdError::Overflow)?;
            match s {
                StrValue::Int(i) => {
                    *i = v;
                    (v, None)
                }
                _ => {
                    let before = s.mem_usage();
                    *s = StrValue::Int(v);
                    (v, Some(before))
                }
            }
        }
        None => {
            ctx.db()
                .ks
                .insert(key, Value::Str(StrValue::Int(by)), NO_EXPIRE);
            (by, None)
        }
    };
    if let Some(before) = before {
        adjust_mem(ctx, before, StrValue::Int(0).mem_usage());
    }
    ctx.signal_modified(key);
    ctx.notify('$', "incrby", key);
    ctx.dirty(1);
    Ok(Reply::Int(v))
}

/// ```text
/// INCRBYFLOAT key increment
/// ```
/// Computed in x87 extended precision and printed with 17 decimals, trailing zeros
/// removed, exactly as Redis on x86-64. The key keeps its TTL.
pub fn incrbyfloat(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let incr_arg = args.get(2);
    let nan = || CmdError::err("increment would produce NaN or Infinity");
    let (out, mem) = match ctx.lookup_write(key) {
        Some(e) => {
            let s = as_str_mut(&mut e.value)?;
            let cur = match s {
                StrValue::Int(i) => LongDouble::from_i64(*i),
                StrValue::Emb(b) => longdouble::parse(b).ok_or(CmdError::NotFloat)?,
                StrValue::Raw(b) => longdouble::parse(b).ok_or(CmdError::NotFloat)?,
                StrValue::RawExact(b) => longdouble::parse(b).ok_or(CmdError::NotFloat)?,
            };
            let by = longdouble::parse(incr_arg).ok_or(CmdError::NotFloat)?;
            let out = cur.checked_add(by).ok_or_else(nan)?.to_human();
            let before = s.mem_usage();
            *s = StrValue::from_created(out.clone());
            (out, Some((before, s.mem_usage())))
        }
        None => {
            let by = longdouble::parse(incr_arg).ok_or(CmdError::NotFloat)?;
            let out = LongDouble::ZERO.checked_add(by).ok_or_else(nan)?.to_human();
            ctx.db().ks.insert(
                key,
                Value::Str(StrValue::from_created(out.clone())),
                NO_EXPIRE,
            );
            (out, None)
        }
    };
    if let Some((before, after)) = mem {
        adjust_mem(ctx, before, after);
    }
    ctx.signal_modified(key);
    ctx.notify('$', "incrbyfloat", key);
    ctx.dirty(1);
    propagate_one(ctx, &[b"SET", key, &out, b"KEEPTTL"]);
    Ok(Reply::Bulk(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn getrange_clamps_like_redis() {
        let b = b"hello";
        assert_eq!(range_of(b, 0, -1), b"hello");
        assert_eq!(range_of(b, -1, -5), b"");
        assert_eq!(range_of(b, -5, -1), b"hello");
        assert_eq!(range_of(b, 3, 1), b"");
        assert_eq!(range_of(b, 0, -100), b"h");
        assert_eq!(range_of(b, -100, -100), b"h");
        assert_eq!(range_of(b, 1, 100), b"ello");
        assert_eq!(range_of(b, 5, 10), b"");
        assert_eq!(range_of(b, i64::MIN, i64::MAX), b"hello");
        assert_eq!(range_of(b"", 0, 0), b"");
        assert_eq!(range_of(b"", -1, 0), b"");
    }

    #[test]
    fn option_words_match_case_insensitively_without_allocation() {
        let mut buf = [0u8; 8];
        assert_eq!(lower8(b"KeepTTL", &mut buf), b"keepttl");
        assert_eq!(lower8(b"toolongword", &mut buf), b"");
        assert_eq!(lower8(b"", &mut buf), b"");
    }

    #[test]
    fn string_equality_decodes_integers() {
        assert!(str_eq(&StrValue::Int(10), b"10"));
        assert!(!str_eq(&StrValue::Int(10), b"010"));
        assert!(!str_eq(&StrValue::Int(10), b"10 "));
        assert!(str_eq(&StrValue::from_bytes(b"abc"), b"abc"));
        assert!(str_eq(&StrValue::Raw(Box::new(b"x".to_vec())), b"x"));
        assert!(!str_eq(&StrValue::Raw(Box::new(b"x".to_vec())), b"xy"));
    }
}
