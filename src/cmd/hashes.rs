//! Hash commands: HSET and friends, HINCRBY/HINCRBYFLOAT, HRANDFIELD, HSCAN, and (in
//! `hashes_ttl.rs`) the hash-field expiration family of Redis 7.4/8.0: HEXPIRE, HTTL,
//! HPERSIST, HGETEX, HSETEX, HGETDEL.
//!
//! Every command reaches its hash through [`with_hash`], Redis's
//! `lookupKeyRead/Write` + `checkType` + lazy field expiry in one step: fields whose TTL
//! has passed are removed first (each propagated as `HDEL key field`, with a `hexpired`
//! event), and a hash left empty disappears, so no command ever sees an expired field.
//! The data work happens in a closure on the [`Hash`]; the effects (events, dirty,
//! propagation, deleting an emptied key) follow it in the handler.
//!
//! Propagation is deterministic: HINCRBYFLOAT as `HSET key field <result>` (or
//! `HSETEX key KEEPTTL FIELDS 1 field <result>` when the field has a TTL), relative
//! field expiries as `HPEXPIREAT`, HGETDEL as `HDEL`.
//!
//! Differences from Redis, on purpose: HLEN (and everything else) never counts a field
//! whose TTL has passed, where Redis's HLEN may until the field is reclaimed. Fields are
//! reclaimed lazily on access, and by [`active_expire_fields`] when the host runs it.

#[path = "hashes_ttl.rs"]
mod ttl;

use super::strings::longdouble::{self, LongDouble};
use super::{Args, Ctx, Handler, parse_i64};
use crate::db::NO_EXPIRE;
use crate::glob::glob_match;
use crate::reply::{CmdError, CmdResult, Reply};
use crate::rng::Rng;
use crate::types::Value;
use crate::types::hash::{Hash, Limits};
use crate::types::string::i64_bytes;

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("hdel", hdel),
    ("hexists", hexists),
    ("hget", hget),
    ("hgetall", hgetall),
    ("hincrby", hincrby),
    ("hincrbyfloat", hincrbyfloat),
    ("hkeys", hkeys),
    ("hlen", hlen),
    ("hmget", hmget),
    ("hmset", hset),
    ("hrandfield", hrandfield),
    ("hscan", hscan),
    ("hset", hset),
    ("hsetnx", hsetnx),
    ("hstrlen", hstrlen),
    ("hvals", hvals),
    ("hexpire", ttl::hexpire),
    ("hpexpire", ttl::hpexpire),
    ("hexpireat", ttl::hexpireat),
    ("hpexpireat", ttl::hpexpireat),
    ("httl", ttl::httl),
    ("hpttl", ttl::hpttl),
    ("hexpiretime", ttl::hexpiretime),
    ("hpexpiretime", ttl::hpexpiretime),
    ("hpersist", ttl::hpersist),
    ("hgetex", ttl::hgetex),
    ("hsetex", ttl::hsetex),
    ("hgetdel", ttl::hgetdel),
];

/// Most elements HRANDFIELD with a negative count returns in one reply (the reply is
/// built in memory; Redis streams it). Larger counts are refused as out of range.
const RANDFIELD_MAX_REPEATS: u64 = 1 << 22;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// The listpack thresholds from the configuration.
#[inline]
fn limits(ctx: &Ctx) -> Limits {
    Limits {
        max_entries: ctx.st.config.hash_max_listpack_entries,
        max_value: ctx.st.config.hash_max_listpack_value,
    }
}

/// Look up the hash at `key` (a write lookup when `write`), reclaim its expired fields,
/// and run `f` on it. `Ok(None)`: no such key (or every field had expired, and the key
/// is gone). `Ok(Some((r, empty)))`: `f`'s result, and whether `f` left the hash empty —
/// the caller then deletes the key with [`drop_if_empty`] after its own events.
/// WRONGTYPE for another type. The keyspace memory estimate follows the changes.
pub(crate) fn with_hash<R>(
    ctx: &mut Ctx,
    key: &[u8],
    write: bool,
    f: impl FnOnce(&mut Hash) -> R,
) -> Result<Option<(R, bool)>, CmdError> {
    let now = ctx.now;
    let dbi = ctx.sess.db;
    let st = &mut *ctx.st;
    let tracking = st.config.tracking;
    let Some(db) = st.dbs.get_mut(dbi) else {
        return Ok(None);
    };
    let found = if write {
        db.lookup_write(key, now, &mut st.stats.keys)
    } else {
        db.lookup_read(key, now, &mut st.stats.keys)
    };
    let Some(e) = found else {
        return Ok(None);
    };
    if !matches!(e.value, Value::Hash(_)) {
        return Err(CmdError::WrongType);
    }
    crate::db::lru::touch(e, now, tracking, &mut st.rng);
    let Value::Hash(h) = &mut e.value else {
        return Err(CmdError::WrongType);
    };
    let before = h.mem_usage();
    let mut expired = 0;
    if h.needs_purge(now) {
        let prop = &mut st.propagation;
        expired = h.purge_expired(now, |field| {
            if let Some(p) = prop.as_mut() {
                p.push((dbi, vec![b"HDEL".to_vec(), key.to_vec(), field.to_vec()]));
            }
        });
    }
    let out = if h.is_empty() {
        None
    } else {
        let r = f(h);
        Some((r, h.is_empty()))
    };
    let after = h.mem_usage();
    if after != before {
        db.ks.adjust_mem(after as isize - before as isize);
    }
    let gone = out.is_none();
    if gone {
        db.ks.remove(key);
    }
    if expired > 0 {
        ctx.signal_modified(key);
        ctx.notify('h', "hexpired", key);
        if gone {
            ctx.notify('g', "del", key);
        }
    }
    Ok(out)
}

/// [`with_hash`] for commands that only read.
#[inline]
fn read_hash<R>(
    ctx: &mut Ctx,
    key: &[u8],
    f: impl FnOnce(&mut Hash) -> R,
) -> Result<Option<R>, CmdError> {
    Ok(with_hash(ctx, key, false, f)?.map(|(r, _)| r))
}

/// Whether `key` holds a hash (WRONGTYPE if another type), applying lazy key expiry but
/// counting no hit or miss: for commands that check the type before their arguments,
/// as Redis does, and then look the key up for real.
pub(crate) fn probe_hash(ctx: &mut Ctx, key: &[u8]) -> Result<bool, CmdError> {
    let now = ctx.now;
    let i = ctx.sess.db;
    let st = &mut *ctx.st;
    let Some(db) = st.dbs.get_mut(i) else {
        return Ok(false);
    };
    db.expire_if_needed(key, now, &mut st.stats.keys);
    match db.ks.get(key) {
        None => Ok(false),
        Some(e) if matches!(e.value, Value::Hash(_)) => Ok(true),
        Some(_) => Err(CmdError::WrongType),
    }
}

/// Delete `key` when a command left its hash empty (Redis never keeps empty hashes).
pub(crate) fn drop_if_empty(ctx: &mut Ctx, key: &[u8], empty: bool) {
    if empty {
        ctx.db().ks.remove(key);
        ctx.notify('g', "del", key);
    }
}

/// Store a new hash at `key` (known to be absent).
pub(crate) fn create_hash(ctx: &mut Ctx, key: &[u8], h: Hash) {
    ctx.db()
        .ks
        .insert_new(key.into(), Value::Hash(h), NO_EXPIRE);
}

/// One step of *active* field expiry in database `dbi` (lazy expiry alone leaves the
/// expired fields of a hash nobody reads in memory): walk up to `max_keys` keys of the
/// keyspace from `cursor` (a keyspace SCAN cursor; 0 starts a pass) and reclaim the
/// expired fields of the hashes met, each propagated as `HDEL key field`; a hash left
/// empty is deleted. Returns the next cursor (0 when the pass is complete) and the
/// number of fields reclaimed. Hosts call it periodically next to the key expiry cycle,
/// keeping one cursor per database.
pub fn active_expire_fields(
    st: &mut super::State,
    dbi: usize,
    now: i64,
    cursor: u64,
    max_keys: usize,
) -> (u64, usize) {
    let Some(db) = st.dbs.get_mut(dbi) else {
        return (0, 0);
    };
    let mut due: Vec<Box<[u8]>> = Vec::new();
    let next = db.ks.scan(cursor, max_keys.max(1), |e| {
        if let Value::Hash(h) = &e.value {
            if h.needs_purge(now) {
                due.push(e.key.to_boxed());
            }
        }
    });
    let mut reclaimed = 0;
    for key in due {
        let Some(db) = st.dbs.get_mut(dbi) else { break };
        let Some(e) = db.ks.get_mut(&key) else {
            continue;
        };
        let Value::Hash(h) = &mut e.value else {
            continue;
        };
        let before = h.mem_usage();
        let prop = &mut st.propagation;
        reclaimed += h.purge_expired(now, |field| {
            if let Some(p) = prop.as_mut() {
                p.push((dbi, vec![b"HDEL".to_vec(), key.to_vec(), field.to_vec()]));
            }
        });
        let empty = h.is_empty();
        let after = h.mem_usage();
        db.ks.adjust_mem(after as isize - before as isize);
        if empty {
            db.ks.remove(&key);
        }
        st.touch_watched(dbi, &key);
    }
    (next, reclaimed)
}

fn bulk(b: &[u8]) -> Reply {
    Reply::Bulk(b.to_vec())
}

// ---------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------

/// ```text
/// HSET key field value [field value ...]
/// HMSET key field value [field value ...]
/// ```
///
/// HSET replies with the number of new fields, HMSET with OK. A field set this way
/// loses any TTL it had.
pub fn hset(ctx: &mut Ctx, args: &Args) -> CmdResult {
    if args.len() % 2 == 1 {
        return Err(CmdError::WrongArity(ctx.cmd.name().to_string()));
    }
    let key = args.get(1);
    let lim = limits(ctx);
    let pairs = (args.len() - 2) / 2;
    let apply = |h: &mut Hash| {
        h.prepare_batch(pairs, (2..args.len()).map(|i| args.get(i).len()), lim);
        let mut created = 0i64;
        for i in (2..args.len()).step_by(2) {
            if h.set(args.get(i), args.get(i + 1), false, lim) {
                created += 1;
            }
        }
        created
    };
    let created = match with_hash(ctx, key, true, apply)? {
        Some((c, _)) => c,
        None => {
            let mut h = Hash::new();
            let c = apply(&mut h);
            create_hash(ctx, key, h);
            c
        }
    };
    ctx.signal_modified(key);
    ctx.notify('h', "hset", key);
    ctx.dirty(pairs as u64);
    if ctx.cmd.name() == "hmset" {
        Ok(Reply::Ok)
    } else {
        Ok(Reply::Int(created))
    }
}

/// ```text
/// HSETNX key field value
/// ```
pub fn hsetnx(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let (key, field, value) = (args.get(1), args.get(2), args.get(3));
    let lim = limits(ctx);
    let apply = |h: &mut Hash| {
        if h.contains(field) {
            return false;
        }
        h.prepare_batch(1, [field.len(), value.len()], lim);
        h.set(field, value, false, lim);
        true
    };
    let set = match with_hash(ctx, key, true, apply)? {
        Some((s, _)) => s,
        None => {
            let mut h = Hash::new();
            apply(&mut h);
            create_hash(ctx, key, h);
            true
        }
    };
    if !set {
        return Ok(Reply::Int(0));
    }
    ctx.signal_modified(key);
    ctx.notify('h', "hset", key);
    ctx.dirty(1);
    Ok(Reply::Int(1))
}

/// ```text
/// HGET key field
/// ```
pub fn hget(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let field = args.get(2);
    let v = read_hash(ctx, args.get(1), |h| h.get(field).map(bulk))?.flatten();
    Ok(v.unwrap_or(Reply::Nil))
}

/// ```text
/// HMGET key field [field ...]
/// ```
pub fn hmget(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let fields = 2..args.len();
    let r = read_hash(ctx, args.get(1), |h| {
        fields
            .clone()
            .map(|i| h.get(args.get(i)).map_or(Reply::Nil, bulk))
            .collect::<Vec<_>>()
    })?;
    Ok(Reply::Array(
        r.unwrap_or_else(|| vec![Reply::Nil; fields.len()]),
    ))
}

/// ```text
/// HDEL key field [field ...]
/// ```
pub fn hdel(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let r = with_hash(ctx, key, true, |h| {
        let mut n = 0i64;
        for i in 2..args.len() {
            if h.remove(args.get(i)) {
                n += 1;
                if h.is_empty() {
                    break;
                }
            }
        }
        n
    })?;
    let Some((deleted, empty)) = r else {
        return Ok(Reply::Int(0));
    };
    if deleted > 0 {
        ctx.signal_modified(key);
        ctx.notify('h', "hdel", key);
        drop_if_empty(ctx, key, empty);
        ctx.dirty(deleted as u64);
    }
    Ok(Reply::Int(deleted))
}

/// ```text
/// HLEN key
/// ```
pub fn hlen(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let n = read_hash(ctx, args.get(1), |h| h.len())?.unwrap_or(0);
    Ok(Reply::Int(n as i64))
}

/// ```text
/// HSTRLEN key field
/// ```
pub fn hstrlen(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let field = args.get(2);
    let n = read_hash(ctx, args.get(1), |h| h.get(field).map_or(0, |v| v.len()))?.unwrap_or(0);
    Ok(Reply::Int(n as i64))
}

/// ```text
/// HEXISTS key field
/// ```
pub fn hexists(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let field = args.get(2);
    let found = read_hash(ctx, args.get(1), |h| h.contains(field))?.unwrap_or(false);
    Ok(Reply::Int(found as i64))
}

/// ```text
/// HKEYS key
/// ```
pub fn hkeys(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let r = read_hash(ctx, args.get(1), |h| {
        h.iter().map(|(f, _, _)| bulk(f)).collect()
    })?;
    Ok(Reply::Array(r.unwrap_or_default()))
}

/// ```text
/// HVALS key
/// ```
pub fn hvals(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let r = read_hash(ctx, args.get(1), |h| {
        h.iter().map(|(_, v, _)| bulk(v)).collect()
    })?;
    Ok(Reply::Array(r.unwrap_or_default()))
}

/// ```text
/// HGETALL key
/// ```
///
/// A map in RESP3, a flat field/value array in RESP2.
pub fn hgetall(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let r = read_hash(ctx, args.get(1), |h| {
        h.iter().map(|(f, v, _)| (bulk(f), bulk(v))).collect()
    })?;
    Ok(Reply::Map(r.unwrap_or_default()))
}

/// ```text
/// HINCRBY key field increment
/// ```
///
/// The field keeps its TTL (Redis 8).
pub fn hincrby(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let (key, field) = (args.get(1), args.get(2));
    let incr = parse_i64(args.get(3))?;
    let lim = limits(ctx);
    let apply = |h: &mut Hash| -> Result<i64, CmdError> {
        let cur = match h.get(field) {
            Some(v) => crate::types::string::parse_i64(v)
                .ok_or_else(|| CmdError::err("hash value is not an integer"))?,
            None => 0,
        };
        let new = cur.checked_add(incr).ok_or(CmdError::Overflow)?;
        h.set(field, &i64_bytes(new), true, lim);
        Ok(new)
    };
    let new = match with_hash(ctx, key, true, apply)? {
        Some((r, _)) => r?,
        None => {
            let mut h = Hash::new();
            let r = apply(&mut h)?;
            create_hash(ctx, key, h);
            r
        }
    };
    ctx.signal_modified(key);
    ctx.notify('h', "hincrby", key);
    ctx.dirty(1);
    Ok(Reply::Int(new))
}

/// ```text
/// HINCRBYFLOAT key field increment
/// ```
///
/// Computed in x87 extended precision and printed as Redis does (see
/// `strings::longdouble`). Propagated as an HSET of the result (HSETEX KEEPTTL when the
/// field has a TTL, which it keeps).
pub fn hincrbyfloat(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let (key, field) = (args.get(1), args.get(2));
    let incr = longdouble::parse(args.get(3)).ok_or(CmdError::NotFloat)?;
    if incr.is_infinite() {
        return Err(CmdError::err("value is NaN or Infinity"));
    }
    let lim = limits(ctx);
    let apply = |h: &mut Hash| -> Result<(Vec<u8>, bool), CmdError> {
        let cur = match h.get(field) {
            Some(v) => {
                longdouble::parse(v).ok_or_else(|| CmdError::err("hash value is not a float"))?
            }
            None => LongDouble::ZERO,
        };
        let out = cur
            .checked_add(incr)
            .ok_or_else(|| CmdError::err("increment would produce NaN or Infinity"))?
            .to_human();
        let has_ttl = matches!(h.field_ttl(field), Some(Some(_)));
        h.set(field, &out, true, lim);
        Ok((out, has_ttl))
    };
    let (out, has_ttl) = match with_hash(ctx, key, true, apply)? {
        Some((r, _)) => r?,
        None => {
            let mut h = Hash::new();
            let r = apply(&mut h)?;
            create_hash(ctx, key, h);
            r
        }
    };
    ctx.signal_modified(key);
    ctx.notify('h', "hincrbyfloat", key);
    ctx.dirty(1);
    if ctx.st.propagation.is_some() {
        let cmd: Vec<Vec<u8>> = if has_ttl {
            [
                &b"HSETEX"[..],
                key,
                b"KEEPTTL",
                b"FIELDS",
                b"1",
                field,
                &out,
            ]
            .iter()
            .map(|a| a.to_vec())
            .collect()
        } else {
            [&b"HSET"[..], key, field, &out]
                .iter()
                .map(|a| a.to_vec())
                .collect()
        };
        ctx.propagate(vec![cmd]);
    }
    Ok(Reply::Bulk(out))
}

/// ```text
/// HRANDFIELD key [count [WITHVALUES]]
/// ```
///
/// A negative count allows repeats. With WITHVALUES, RESP3 gets `[field, value]` pairs,
/// RESP2 a flat array.
pub fn hrandfield(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    if args.len() == 2 {
        let mut rng = Rng::seeded(ctx.rand());
        let r = read_hash(ctx, key, |h| {
            h.random_pair(&mut || rng.next_u64()).map(|(f, _)| bulk(f))
        })?;
        return Ok(r.flatten().unwrap_or(Reply::Nil));
    }
    let l = parse_i64(args.get(2))?;
    if l == i64::MIN {
        return Err(CmdError::err(format!(
            "value is out of range, value must between {} and {}",
            -i64::MAX,
            i64::MAX
        )));
    }
    let withvalues = args.len() == 4 && args.is(3, "withvalues");
    if args.len() > 4 || (args.len() == 4 && !withvalues) {
        return Err(CmdError::Syntax);
    }
    if withvalues && !(-i64::MAX / 2..=i64::MAX / 2).contains(&l) {
        return Err(CmdError::err("value is out of range"));
    }
    let count = l.unsigned_abs();
    if l < 0 && count > RANDFIELD_MAX_REPEATS {
        return Err(CmdError::err("value is out of range"));
    }
    let resp3 = ctx.sess.resp3();
    let mut rng = Rng::seeded(ctx.rand());
    let r = read_hash(ctx, key, |h| {
        if count == 0 {
            return Vec::new();
        }
        let mut rand = || rng.next_u64();
        let n = usize::try_from(count).unwrap_or(usize::MAX);
        let picked = if l < 0 || count == 1 {
            h.sample_with_repeats(n, &mut rand)
        } else {
            h.sample_distinct(n, &mut rand)
        };
        let mut out = Vec::with_capacity(picked.len() * if withvalues && !resp3 { 2 } else { 1 });
        for (f, v) in picked {
            if !withvalues {
                out.push(bulk(f));
            } else if resp3 {
                out.push(Reply::Array(vec![bulk(f), bulk(v)]));
            } else {
                out.push(bulk(f));
                out.push(bulk(v));
            }
        }
        out
    });
    Ok(Reply::Array(r?.unwrap_or_default()))
}

/// ```text
/// HSCAN key cursor [MATCH pattern] [COUNT count] [NOVALUES]
/// ```
///
/// A listpack is returned whole with cursor 0, as Redis does; a hashtable is walked by
/// slot (see `types::hash`). NOVALUES (Redis 7.4) leaves the values out.
pub fn hscan(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let Some(cursor) = super::keys::parse_cursor(args.get(2)) else {
        return Err(CmdError::err("invalid cursor"));
    };
    let key = args.get(1);
    // Redis answers a missing key (and a wrong type) before looking at the options.
    if !probe_hash(ctx, key)? {
        read_hash(ctx, key, |_| ())?;
        return Ok(Reply::Array(vec![
            Reply::bulk("0"),
            Reply::Array(Vec::new()),
        ]));
    }
    let mut count: i64 = 10;
    let mut pat: Option<&[u8]> = None;
    let mut novalues = false;
    let mut i = 3;
    while i < args.len() {
        let more = i + 1 < args.len();
        if args.is(i, "count") && more {
            count = parse_i64(args.get(i + 1))?;
            if count < 1 {
                return Err(CmdError::Syntax);
            }
            i += 2;
        } else if args.is(i, "match") && more {
            let p = args.get(i + 1);
            pat = if p == b"*" { None } else { Some(p) };
            i += 2;
        } else if args.is(i, "novalues") {
            novalues = true;
            i += 1;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    let r = read_hash(ctx, key, |h| {
        let mut out = Vec::new();
        let next = h.scan(cursor, count, |f, v| {
            if pat.is_none_or(|p| glob_match(p, f, false)) {
                out.push(bulk(f));
                if !novalues {
                    out.push(bulk(v));
                }
            }
        });
        (next, out)
    })?;
    let (next, out) = r.unwrap_or((0, Vec::new()));
    Ok(Reply::Array(vec![
        Reply::bulk(next.to_string()),
        Reply::Array(out),
    ]))
}
