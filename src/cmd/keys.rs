//! Generic keyspace commands: DEL, EXISTS, RENAME, MOVE, COPY, KEYS, SCAN, RANDOMKEY,
//! the EXPIRE/TTL family and OBJECT.
//!
//! These work on any value type: TYPE, OBJECT ENCODING and SCAN's TYPE filter ask the
//! [`Value`] for its names, and COPY deep-copies with `Clone` (which keeps the encoding).
//!
//! Lookups follow Redis's flags: commands that only inspect a key (EXISTS, TYPE, TTL,
//! OBJECT) use a *no-touch* read, which applies lazy expiry and counts hits and misses
//! but does not record an access; the others go through [`Ctx::lookup_read`] /
//! [`Ctx::lookup_write`], which do. An EXPIRE whose deadline has already passed deletes
//! the key and is propagated as `DEL`; any other successful EXPIRE variant is propagated
//! as `PEXPIREAT key <absolute ms>` so replays do not depend on when they run.

use super::{Args, Ctx, Handler, parse_i64};
use crate::db::{Entry, NO_EXPIRE, lru};
use crate::glob::{glob_match, is_literal};
use crate::reply::{CmdError, CmdResult, Reply};
use crate::types::{StrValue, Value};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("del", del),
    ("unlink", unlink),
    ("exists", exists),
    ("type", type_),
    ("rename", rename),
    ("renamenx", renamenx),
    ("move", move_),
    ("copy", copy),
    ("keys", keys),
    ("scan", scan),
    ("randomkey", randomkey),
    ("touch", touch),
    ("expire", expire),
    ("pexpire", pexpire),
    ("expireat", expireat),
    ("pexpireat", pexpireat),
    ("ttl", ttl),
    ("pttl", pttl),
    ("expiretime", expiretime),
    ("pexpiretime", pexpiretime),
    ("persist", persist),
    ("object|encoding", object_encoding),
    ("object|refcount", object_refcount),
    ("object|idletime", object_idletime),
    ("object|freq", object_freq),
    ("object|help", object_help),
];

/// `shared.sameobjecterr`.
const SAME_OBJECT: &str = "ERR source and destination objects are the same";

/// Redis shares the integer objects 0..OBJ_SHARED_INTEGERS and reports this refcount.
const SHARED_REFCOUNT: i64 = i32::MAX as i64;
/// Redis's OBJ_SHARED_INTEGERS.
const SHARED_INTEGERS: i64 = 10_000;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// `lookupKeyReadWithFlags(LOOKUP_NOTOUCH)`: lazy expiry and hit/miss counting, without
/// recording an access.
fn lookup_notouch<'c>(ctx: &'c mut Ctx, key: &[u8]) -> Option<&'c mut Entry> {
    let now = ctx.now;
    let i = ctx.sess.db;
    let st = &mut *ctx.st;
    st.dbs[i].lookup_read(key, now, &mut st.stats.keys)
}

/// Run `f` with database `db` selected (for signals and notifications about another
/// database, as MOVE and COPY make).
fn in_db<R>(ctx: &mut Ctx, db: usize, f: impl FnOnce(&mut Ctx) -> R) -> R {
    let saved = ctx.sess.db;
    ctx.sess.db = db;
    let r = f(ctx);
    ctx.sess.db = saved;
    r
}

/// `dbAdd`'s `signalKeyAsReady`: a key created with a value of a type that blocking
/// commands wait for (BLPOP, BZPOPMIN, XREAD) may unblock clients.
fn signal_added(ctx: &mut Ctx, key: &[u8], type_name: &str) {
    if matches!(type_name, "list" | "zset" | "stream") {
        ctx.signal_ready(key);
    }
}

/// `getIntFromObjectOrReply`: an integer that fits C's `int`.
fn parse_int(arg: &[u8]) -> Result<i64, CmdError> {
    let v = parse_i64(arg)?;
    if v < i32::MIN as i64 || v > i32::MAX as i64 {
        return Err(CmdError::err(format!(
            "value is out of range, value must between {} and {}",
            i32::MIN,
            i32::MAX
        )));
    }
    Ok(v)
}

/// `selectDb`'s range check: a valid database index for this engine.
fn db_index(ctx: &Ctx, id: i64) -> Result<usize, CmdError> {
    usize::try_from(id)
        .ok()
        .filter(|&i| i < ctx.st.dbs.len())
        .ok_or(CmdError::DbIndexOutOfRange)
}

/// An option word as Redis prints it in an error: up to a NUL, newlines as spaces.
fn option_text(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).replace(['\r', '\n'], " ")
}

/// The key's expiry in Redis's terms: -1 for none.
fn expire_of(e: &Entry) -> i64 {
    if e.expire == NO_EXPIRE { -1 } else { e.expire }
}

// ---------------------------------------------------------------------------------------
// DEL, UNLINK, EXISTS, TYPE, TOUCH
// ---------------------------------------------------------------------------------------

/// ```text
/// DEL key [key ...]
/// ```
pub fn del(ctx: &mut Ctx, args: &Args) -> CmdResult {
    del_generic(ctx, args)
}

/// ```text
/// UNLINK key [key ...]
/// ```
///
/// Values are freed in place: there is no background thread to hand them to.
pub fn unlink(ctx: &mut Ctx, args: &Args) -> CmdResult {
    del_generic(ctx, args)
}

fn del_generic(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let mut n = 0;
    for i in 1..args.len() {
        let k = args.get(i);
        if ctx.delete(k) {
            ctx.signal_modified(k);
            ctx.notify('g', "del", k);
            ctx.dirty(1);
            n += 1;
        }
    }
    Ok(Reply::Int(n))
}

/// ```text
/// EXISTS key [key ...]
/// ```
///
/// A key named twice counts twice.
pub fn exists(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let mut n = 0;
    for i in 1..args.len() {
        if lookup_notouch(ctx, args.get(i)).is_some() {
            n += 1;
        }
    }
    Ok(Reply::Int(n))
}

/// ```text
/// TYPE key
/// ```
pub fn type_(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let name = lookup_notouch(ctx, args.get(1)).map_or("none", |e| e.value.type_name());
    Ok(Reply::simple(name))
}

/// ```text
/// TOUCH key [key ...]
/// ```
pub fn touch(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let mut n = 0;
    for i in 1..args.len() {
        if ctx.lookup_read(args.get(i)).is_some() {
            n += 1;
        }
    }
    Ok(Reply::Int(n))
}

// ---------------------------------------------------------------------------------------
// RENAME, RENAMENX, MOVE, COPY
// ---------------------------------------------------------------------------------------

/// ```text
/// RENAME key newkey
/// ```
pub fn rename(ctx: &mut Ctx, args: &Args) -> CmdResult {
    rename_generic(ctx, args, false)
}

/// ```text
/// RENAMENX key newkey
/// ```
pub fn renamenx(ctx: &mut Ctx, args: &Args) -> CmdResult {
    rename_generic(ctx, args, true)
}

fn rename_generic(ctx: &mut Ctx, args: &Args, nx: bool) -> CmdResult {
    let (src, dst) = (args.get(1), args.get(2));
    if ctx.lookup_write(src).is_none() {
        return Err(CmdError::NoSuchKey);
    }
    if src == dst {
        return Ok(if nx { Reply::Int(0) } else { Reply::Ok });
    }
    if ctx.lookup_write(dst).is_some() && nx {
        return Ok(Reply::Int(0));
    }
    let db = ctx.db();
    let Some(e) = db.ks.remove(src) else {
        return Err(CmdError::NoSuchKey);
    };
    // The value object moves: it keeps its access data (the LFU counter in particular).
    let ty = e.value.type_name();
    db.ks.insert(dst, e.value, e.expire);
    if let Some(n) = db.ks.get_mut(dst) {
        n.lru = e.lru;
    }
    ctx.signal_modified(src);
    ctx.signal_modified(dst);
    signal_added(ctx, dst, ty);
    ctx.notify('g', "rename_from", src);
    ctx.notify('g', "rename_to", dst);
    ctx.dirty(1);
    Ok(if nx { Reply::Int(1) } else { Reply::Ok })
}

/// ```text
/// MOVE key db
/// ```
pub fn move_(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let dst = db_index(ctx, parse_int(args.get(2))?)?;
    let src = ctx.sess.db;
    if dst == src {
        return Err(CmdError::raw(SAME_OBJECT));
    }
    if ctx.lookup_write(key).is_none() {
        return Ok(Reply::Int(0));
    }
    let now = ctx.now;
    let st = &mut *ctx.st;
    if st.dbs[dst]
        .lookup_write(key, now, &mut st.stats.keys)
        .is_some()
    {
        return Ok(Reply::Int(0));
    }
    let Some(e) = st.dbs[src].ks.remove(key) else {
        return Ok(Reply::Int(0));
    };
    let lru = e.lru;
    let target = &mut st.dbs[dst].ks;
    let ty = e.value.type_name();
    target.insert_new(e.key, e.value, e.expire);
    if let Some(n) = target.get_mut(key) {
        n.lru = lru;
    }
    ctx.signal_modified(key);
    in_db(ctx, dst, |ctx| {
        ctx.signal_modified(key);
        signal_added(ctx, key, ty);
    });
    ctx.notify('g', "move_from", key);
    in_db(ctx, dst, |ctx| ctx.notify('g', "move_to", key));
    ctx.dirty(1);
    Ok(Reply::Int(1))
}

/// ```text
/// COPY source destination [DB destination-db] [REPLACE]
/// ```
pub fn copy(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let (key, newkey) = (args.get(1), args.get(2));
    let src = ctx.sess.db;
    let mut dst = src;
    let mut replace = false;
    let mut j = 3;
    while j < args.len() {
        if args.is(j, "replace") {
            replace = true;
        } else if args.is(j, "db") && j + 1 < args.len() {
            dst = db_index(ctx, parse_int(args.get(j + 1))?)?;
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    if src == dst && key == newkey {
        return Err(CmdError::raw(SAME_OBJECT));
    }
    if ctx.lookup_read(key).is_none() {
        return Ok(Reply::Int(0));
    }
    let now = ctx.now;
    let t = ctx.st.config.tracking;
    let st = &mut *ctx.st;
    if st.dbs[dst]
        .lookup_write(newkey, now, &mut st.stats.keys)
        .is_some()
    {
        if !replace {
            return Ok(Reply::Int(0));
        }
        st.dbs[dst].ks.remove(newkey);
    }
    // Deep copy (same encoding); the source is still there: it was just looked up and
    // the removal above was of another key.
    let Some((value, expire)) = st.dbs[src].ks.get(key).map(|e| (e.value.clone(), e.expire)) else {
        return Ok(Reply::Int(0));
    };
    // A new object: fresh access data.
    let target = &mut st.dbs[dst].ks;
    target.set_new_lru(lru::new_lru(now, t), t.lfu);
    let ty = value.type_name();
    target.insert_new(newkey.into(), value, expire);
    in_db(ctx, dst, |ctx| {
        ctx.signal_modified(newkey);
        signal_added(ctx, newkey, ty);
        ctx.notify('g', "copy_to", newkey);
    });
    ctx.dirty(1);
    Ok(Reply::Int(1))
}

// ---------------------------------------------------------------------------------------
// KEYS, SCAN, RANDOMKEY
// ---------------------------------------------------------------------------------------

/// ```text
/// KEYS pattern
/// ```
///
/// Expired keys are left out but not deleted (as Redis's `keyIsExpired`). A pattern
/// without metacharacters is answered with one lookup.
pub fn keys(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let pat = args.get(1);
    let now = ctx.now;
    let ks = &ctx.db().ks;
    let live = |e: &Entry| !(e.expire != NO_EXPIRE && e.expire < now);
    let mut out = Vec::new();
    if is_literal(pat) {
        if let Some(e) = ks.get(pat) {
            if live(e) {
                out.push(Reply::bulk(&e.key));
            }
        }
    } else {
        let all = pat == b"*";
        for e in ks.iter() {
            if (all || glob_match(pat, &e.key, false)) && live(e) {
                out.push(Reply::bulk(&e.key));
            }
        }
    }
    Ok(Reply::Array(out))
}

/// Parse a SCAN cursor as Redis does with `strtoul`: an optional sign (a negative value
/// wraps), decimal digits, no leading space, no trailing bytes (a C string ends at the
/// first NUL); the empty string is cursor 0.
pub fn parse_cursor(b: &[u8]) -> Option<u64> {
    let b = &b[..b.iter().position(|&c| c == 0).unwrap_or(b.len())];
    let Some(&first) = b.first() else {
        return Some(0);
    };
    if matches!(first, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        return None;
    }
    let (neg, digits) = match first {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

/// ```text
/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
/// ```
///
/// Every key present for the whole iteration is returned at least once (see
/// `db::keyspace`). Expired keys met on the way are deleted and left out.
pub fn scan(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let Some(cursor) = parse_cursor(args.get(1)) else {
        return Err(CmdError::err("invalid cursor"));
    };
    let mut count: i64 = 10;
    let mut pat: Option<&[u8]> = None;
    let mut typename: Option<&[u8]> = None;
    let mut i = 2;
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
        } else if args.is(i, "type") && more {
            typename = Some(args.get(i + 1));
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    let mut found: Vec<Box<[u8]>> = Vec::new();
    let next = ctx.db().ks.scan(cursor, count, |e| {
        if pat.is_none_or(|p| glob_match(p, &e.key, false)) {
            found.push(e.key.to_boxed());
        }
    });
    let now = ctx.now;
    let db = ctx.sess.db;
    let mut out = Vec::with_capacity(found.len());
    for k in found {
        if let Some(want) = typename {
            // Redis looks the key up (expiring it) and compares the type name, "none"
            // for a key that is gone.
            let name = lookup_notouch(ctx, &k).map_or("none", |e| e.value.type_name());
            if !want.eq_ignore_ascii_case(name.as_bytes()) {
                continue;
            }
        }
        let st = &mut *ctx.st;
        if st.dbs[db].expire_if_needed(&k, now, &mut st.stats.keys) {
            continue;
        }
        out.push(Reply::Bulk(k.into_vec()));
    }
    Ok(Reply::Array(vec![
        Reply::bulk(next.to_string()),
        Reply::Array(out),
    ]))
}

/// ```text
/// RANDOMKEY
/// ```
///
/// Expired keys drawn are deleted and another is drawn; each draw that fails removes a
/// key, so this ends.
pub fn randomkey(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    let now = ctx.now;
    let i = ctx.sess.db;
    loop {
        let st = &mut *ctx.st;
        let rng = &mut st.rng;
        let Some(e) = st.dbs[i].ks.random(|| rng.next_u64()) else {
            return Ok(Reply::Nil);
        };
        if !(e.expire != NO_EXPIRE && e.expire < now) {
            return Ok(Reply::bulk(&e.key));
        }
        let k = e.key.clone();
        if !st.dbs[i].expire_if_needed(&k, now, &mut st.stats.keys) {
            // Cannot happen (the key was expired); never loop on it.
            return Ok(Reply::bulk(&k));
        }
    }
}

// ---------------------------------------------------------------------------------------
// EXPIRE family, TTL family, PERSIST
// ---------------------------------------------------------------------------------------

const EXPIRE_NX: u8 = 1;
const EXPIRE_XX: u8 = 2;
const EXPIRE_GT: u8 = 4;
const EXPIRE_LT: u8 = 8;

/// ```text
/// EXPIRE key seconds [NX | XX | GT | LT]
/// ```
pub fn expire(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let now = ctx.now;
    expire_generic(ctx, args, now, true)
}

/// ```text
/// PEXPIRE key milliseconds [NX | XX | GT | LT]
/// ```
pub fn pexpire(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let now = ctx.now;
    expire_generic(ctx, args, now, false)
}

/// ```text
/// EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
/// ```
pub fn expireat(ctx: &mut Ctx, args: &Args) -> CmdResult {
    expire_generic(ctx, args, 0, true)
}

/// ```text
/// PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
/// ```
pub fn pexpireat(ctx: &mut Ctx, args: &Args) -> CmdResult {
    expire_generic(ctx, args, 0, false)
}

/// `parseExtendedExpireArgumentsOrReply`: the NX/XX/GT/LT flags from argument 3 on.
fn expire_flags(args: &Args) -> Result<u8, CmdError> {
    let mut flags = 0;
    for j in 3..args.len() {
        flags |= if args.is(j, "nx") {
            EXPIRE_NX
        } else if args.is(j, "xx") {
            EXPIRE_XX
        } else if args.is(j, "gt") {
            EXPIRE_GT
        } else if args.is(j, "lt") {
            EXPIRE_LT
        } else {
            return Err(CmdError::err(format!(
                "Unsupported option {}",
                option_text(args.get(j))
            )));
        };
    }
    if flags & EXPIRE_NX != 0 && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT) != 0 {
        return Err(CmdError::err(
            "NX and XX, GT or LT options at the same time are not compatible",
        ));
    }
    if flags & EXPIRE_GT != 0 && flags & EXPIRE_LT != 0 {
        return Err(CmdError::err(
            "GT and LT options at the same time are not compatible",
        ));
    }
    Ok(flags)
}

/// `expireGenericCommand`: `basetime` is 0 for the *AT variants, else now; `seconds`
/// says the argument's unit.
fn expire_generic(ctx: &mut Ctx, args: &Args, basetime: i64, seconds: bool) -> CmdResult {
    let key = args.get(1);
    let flags = expire_flags(args)?;
    let mut when = parse_i64(args.get(2))?;
    let name = ctx.cmd.name();
    let invalid = || CmdError::InvalidExpire(name.to_string());
    if seconds {
        when = when.checked_mul(1000).ok_or_else(invalid)?;
    }
    when = when.checked_add(basetime).ok_or_else(invalid)?;
    let Some(e) = ctx.lookup_write(key) else {
        return Ok(Reply::Int(0));
    };
    let current = expire_of(e);
    if flags & EXPIRE_NX != 0 && current != -1 {
        return Ok(Reply::Int(0));
    }
    if flags & EXPIRE_XX != 0 && current == -1 {
        return Ok(Reply::Int(0));
    }
    // No TTL counts as an infinite one: GT never passes, LT always does.
    if flags & EXPIRE_GT != 0 && (current == -1 || when <= current) {
        return Ok(Reply::Int(0));
    }
    if flags & EXPIRE_LT != 0 && current != -1 && when >= current {
        return Ok(Reply::Int(0));
    }
    if when <= ctx.now {
        ctx.db().ks.remove(key);
        ctx.propagate(vec![vec![b"DEL".to_vec(), key.to_vec()]]);
        ctx.signal_modified(key);
        ctx.notify('g', "del", key);
        ctx.dirty(1);
        return Ok(Reply::Int(1));
    }
    // i64::MAX is our "no expiry" marker; a deadline that far is one ms shorter.
    let stored = when.min(NO_EXPIRE - 1);
    ctx.db().ks.set_expire(key, stored);
    if basetime != 0 || seconds {
        let mut cmd = vec![
            b"PEXPIREAT".to_vec(),
            key.to_vec(),
            when.to_string().into_bytes(),
        ];
        cmd.extend((3..args.len()).map(|j| args.get(j).to_vec()));
        ctx.propagate(vec![cmd]);
    }
    ctx.signal_modified(key);
    ctx.notify('g', "expire", key);
    ctx.dirty(1);
    Ok(Reply::Int(1))
}

/// ```text
/// TTL key
/// ```
pub fn ttl(ctx: &mut Ctx, args: &Args) -> CmdResult {
    ttl_generic(ctx, args, false, false)
}

/// ```text
/// PTTL key
/// ```
pub fn pttl(ctx: &mut Ctx, args: &Args) -> CmdResult {
    ttl_generic(ctx, args, true, false)
}

/// ```text
/// EXPIRETIME key
/// ```
pub fn expiretime(ctx: &mut Ctx, args: &Args) -> CmdResult {
    ttl_generic(ctx, args, false, true)
}

/// ```text
/// PEXPIRETIME key
/// ```
pub fn pexpiretime(ctx: &mut Ctx, args: &Args) -> CmdResult {
    ttl_generic(ctx, args, true, true)
}

/// -2 for a missing key, -1 for no TTL, else the remaining time (or the deadline when
/// `absolute`), in ms or rounded to the nearest second.
fn ttl_generic(ctx: &mut Ctx, args: &Args, ms: bool, absolute: bool) -> CmdResult {
    let now = ctx.now;
    let Some(e) = lookup_notouch(ctx, args.get(1)) else {
        return Ok(Reply::Int(-2));
    };
    let expire = expire_of(e);
    if expire == -1 {
        return Ok(Reply::Int(-1));
    }
    let t = if absolute {
        expire
    } else {
        expire.saturating_sub(now)
    }
    .max(0);
    // Rounded as (t + 500) / 1000 without overflow near i64::MAX (as Redis's build
    // computes it).
    Ok(Reply::Int(if ms {
        t
    } else {
        ((t as i128 + 500) / 1000) as i64
    }))
}

/// ```text
/// PERSIST key
/// ```
pub fn persist(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    match ctx.lookup_write(key) {
        Some(e) if e.has_expire() => {}
        _ => return Ok(Reply::Int(0)),
    }
    ctx.db().ks.set_expire(key, NO_EXPIRE);
    ctx.signal_modified(key);
    ctx.notify('g', "persist", key);
    ctx.dirty(1);
    Ok(Reply::Int(1))
}

// ---------------------------------------------------------------------------------------
// OBJECT
// ---------------------------------------------------------------------------------------

/// ```text
/// OBJECT ENCODING key
/// ```
pub fn object_encoding(ctx: &mut Ctx, args: &Args) -> CmdResult {
    Ok(match lookup_notouch(ctx, args.get(2)) {
        Some(e) => Reply::bulk(e.value.encoding()),
        None => Reply::Nil,
    })
}

/// ```text
/// OBJECT REFCOUNT key
/// ```
///
/// Redis shares the objects of the integers 0..9999 (unless an LRU/LFU policy with a
/// `maxmemory` forbids it) and reports `INT_MAX` for them; every other value has one
/// reference here.
pub fn object_refcount(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let shares = shares_integers(ctx);
    let Some(e) = lookup_notouch(ctx, args.get(2)) else {
        return Ok(Reply::Nil);
    };
    Ok(Reply::Int(match &e.value {
        Value::Str(StrValue::Int(i)) if shares && (0..SHARED_INTEGERS).contains(i) => {
            SHARED_REFCOUNT
        }
        _ => 1,
    }))
}

/// Whether Redis would use its shared integer objects under the current configuration.
fn shares_integers(ctx: &Ctx) -> bool {
    let policy = ctx.st.config.get("maxmemory-policy").unwrap_or("");
    ctx.st.config.maxmemory == 0 || !(policy.ends_with("lru") || policy.ends_with("lfu"))
}

/// ```text
/// OBJECT IDLETIME key
/// ```
pub fn object_idletime(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let now = ctx.now;
    let t = ctx.st.config.tracking;
    let Some(e) = lookup_notouch(ctx, args.get(2)) else {
        return Ok(Reply::Nil);
    };
    if t.lfu {
        return Err(CmdError::err(
            "An LFU maxmemory policy is selected, idle time not tracked. Please note that \
             when switching between policies at runtime LRU and LFU data will take some \
             time to adjust.",
        ));
    }
    Ok(Reply::Int((lru::idle_ms(e.lru, now) / 1000) as i64))
}

/// ```text
/// OBJECT FREQ key
/// ```
pub fn object_freq(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let now = ctx.now;
    let t = ctx.st.config.tracking;
    let Some(e) = lookup_notouch(ctx, args.get(2)) else {
        return Ok(Reply::Nil);
    };
    if !t.lfu {
        return Err(CmdError::err(
            "An LFU maxmemory policy is not selected, access frequency not tracked. Please \
             note that when switching between policies at runtime LRU and LFU data will \
             take some time to adjust.",
        ));
    }
    Ok(Reply::Int(lru::lfu_decr_and_return(e.lru, now, t) as i64))
}

/// ```text
/// OBJECT HELP
/// ```
pub fn object_help(_ctx: &mut Ctx, _args: &Args) -> CmdResult {
    const LINES: &[&str] = &[
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Show how the value at <key> is represented internally.",
        "FREQ <key>",
        "    Show the logarithmic access counter of <key> (LFU policies only).",
        "IDLETIME <key>",
        "    Show about how many seconds have passed since <key> was last used.",
        "REFCOUNT <key>",
        "    Show how many references the value at <key> has.",
        "HELP",
        "    Prints this help.",
    ];
    Ok(Reply::Array(
        LINES.iter().map(|l| Reply::simple(l)).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_parsing_follows_strtoul() {
        assert_eq!(parse_cursor(b"0"), Some(0));
        assert_eq!(parse_cursor(b""), Some(0));
        assert_eq!(parse_cursor(b"+12"), Some(12));
        assert_eq!(parse_cursor(b"-1"), Some(u64::MAX));
        assert_eq!(parse_cursor(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_cursor(b"18446744073709551616"), None);
        assert_eq!(parse_cursor(b" 1"), None);
        assert_eq!(parse_cursor(b"1 "), None);
        assert_eq!(parse_cursor(b"0x10"), None);
        assert_eq!(parse_cursor(b"-"), None);
        assert_eq!(parse_cursor(b"abc"), None);
        assert_eq!(parse_cursor(b"7\0junk"), Some(7));
    }
}
