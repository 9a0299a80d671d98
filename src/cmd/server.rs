//! Connection and server commands: PING, ECHO, QUIT, RESET, SELECT, SWAPDB, DBSIZE,
//! FLUSHDB, FLUSHALL, TIME, HELLO, AUTH, SHUTDOWN.
//!
//! CLIENT lives in `client.rs`, CONFIG in `config_cmd.rs`, INFO in `info.rs`.
//!
//! Authentication goes through the ACL users (`crate::acl`): `AUTH password` is for the
//! `default` user, whose password is `requirepass`; failures are logged in ACL LOG.
//! Password hashes are compared in constant time.

use super::{Args, Ctx, Handler, ShutdownMode, parse_i64};
use crate::reply::{CmdError, CmdResult, Reply};
use crate::session::Session;

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("ping", ping),
    ("echo", echo),
    ("quit", quit),
    ("reset", reset),
    ("select", select),
    ("swapdb", swapdb),
    ("dbsize", dbsize),
    ("flushdb", flushdb),
    ("flushall", flushall),
    ("time", time),
    ("hello", hello),
    ("auth", auth),
    ("shutdown", shutdown),
];

/// Whether the client is in RESP2 Pub/Sub mode (subscribed to a channel or pattern).
///
/// Sessions do not record subscriptions yet; the Pub/Sub family will answer this.
pub fn in_pubsub(sess: &Session) -> bool {
    sess.subscribed()
}

/// ```text
/// PING [message]
/// ```
pub fn ping(ctx: &mut Ctx, args: &Args) -> CmdResult {
    if args.len() > 2 {
        return Err(CmdError::WrongArity("ping".into()));
    }
    if in_pubsub(ctx.sess) && !ctx.sess.resp3() {
        // A subscribed RESP2 client gets a push-shaped reply.
        let msg = if args.len() == 2 { args.get(1) } else { b"" };
        return Ok(Reply::Array(vec![Reply::bulk("pong"), Reply::bulk(msg)]));
    }
    Ok(match args.len() {
        1 => Reply::simple("PONG"),
        _ => Reply::bulk(args.get(1)),
    })
}

/// ```text
/// ECHO message
/// ```
pub fn echo(_ctx: &mut Ctx, args: &Args) -> CmdResult {
    Ok(Reply::bulk(args.get(1)))
}

/// ```text
/// QUIT
/// ```
pub fn quit(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    ctx.sess.close_after_reply = true;
    Ok(Reply::Ok)
}

/// ```text
/// RESET
/// ```
///
/// Back to a fresh connection's state: no transaction, no watched keys, no
/// subscriptions, database 0, RESP2, no name, default user (not authenticated if a
/// password is required), CLIENT NO-EVICT / NO-TOUCH off. The library name and version
/// stay: they still describe the client behind it.
pub fn reset(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    super::multi::reset_multi(ctx);
    super::multi::unwatch_all(ctx);
    // Unsubscribe from everything, without unsubscribe messages (as Redis).
    let id = ctx.sess.id;
    ctx.st.pubsub.remove_client(id);
    ctx.sess.sub_channels.clear();
    ctx.sess.sub_patterns.clear();
    ctx.sess.sub_shard.clear();
    crate::acl::reset_session_user(ctx.st, ctx.sess);
    crate::ops::reset_client(ctx.st, id);
    let s = &mut *ctx.sess;
    s.db = 0;
    s.resp = 2;
    s.name.clear();
    s.no_evict = false;
    s.no_touch = false;
    Ok(Reply::simple("RESET"))
}

/// Parse an `int` argument like Redis's `getIntFromObjectOrReply` without a message.
fn parse_i32(arg: &[u8]) -> Result<i32, CmdError> {
    let v = parse_i64(arg)?;
    i32::try_from(v).map_err(|_| {
        CmdError::err("value is out of range, value must between -2147483648 and 2147483647")
    })
}

/// A database index in range, or `ERR DB index is out of range`.
fn db_index(ctx: &Ctx, id: i32) -> Result<usize, CmdError> {
    usize::try_from(id)
        .ok()
        .filter(|&i| i < ctx.st.dbs.len())
        .ok_or(CmdError::DbIndexOutOfRange)
}

/// ```text
/// SELECT index
/// ```
pub fn select(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let id = parse_i32(args.get(1))?;
    ctx.sess.db = db_index(ctx, id)?;
    Ok(Reply::Ok)
}

/// ```text
/// SWAPDB index1 index2
/// ```
pub fn swapdb(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let parse = |i: usize, msg: &'static str| {
        parse_i64(args.get(i))
            .ok()
            .and_then(|v| i32::try_from(v).ok())
            .ok_or_else(|| CmdError::raw(msg))
    };
    let a = parse(1, "ERR invalid first DB index")?;
    let b = parse(2, "ERR invalid second DB index")?;
    let (a, b) = (db_index(ctx, a)?, db_index(ctx, b)?);
    ctx.signal_db_swapped(a, b);
    ctx.st.dbs.swap(a, b);
    // Clients blocked on a key that the swap brought in are served (Redis's
    // scanDatabaseForReadyKeys).
    let st = &mut *ctx.st;
    let ready: Vec<(usize, Vec<u8>)> = st
        .blocked
        .by_key
        .keys()
        .filter(|(d, k)| {
            (*d == a || *d == b) && st.dbs.get(*d).is_some_and(|db| db.ks.get(k).is_some())
        })
        .cloned()
        .collect();
    for r in ready {
        if !st.ready_keys.contains(&r) {
            st.ready_keys.push_back(r);
        }
    }
    ctx.dirty(1);
    Ok(Reply::Ok)
}

/// ```text
/// DBSIZE
/// ```
pub fn dbsize(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    let n = ctx.st.dbs[ctx.sess.db].ks.len();
    Ok(Reply::Int(n as i64))
}

/// Check FLUSHDB / FLUSHALL's optional `ASYNC | SYNC` (both just clear here).
fn flush_flags(args: &Args) -> Result<(), CmdError> {
    match args.len() {
        1 => Ok(()),
        2 if args.is(1, "sync") || args.is(1, "async") => Ok(()),
        _ => Err(CmdError::Syntax),
    }
}

/// Empty database `i`; returns how many keys it held.
fn empty_db(ctx: &mut Ctx, i: usize) -> u64 {
    ctx.signal_db_changed(i);
    let db = &mut ctx.st.dbs[i];
    let n = db.ks.len() as u64;
    db.ks.clear();
    db.avg_ttl = 0;
    n
}

/// ```text
/// FLUSHDB [ASYNC | SYNC]
/// ```
pub fn flushdb(ctx: &mut Ctx, args: &Args) -> CmdResult {
    flush_flags(args)?;
    let removed = empty_db(ctx, ctx.sess.db);
    ctx.dirty(removed);
    // Propagated even when the database was already empty.
    ctx.propagate(vec![args.to_vecs()]);
    Ok(Reply::Ok)
}

/// ```text
/// FLUSHALL [ASYNC | SYNC]
/// ```
///
/// Changes count one per key removed, plus one when save points are configured (Redis
/// saves a fresh, empty snapshot at that point and counts the flush after it).
pub fn flushall(ctx: &mut Ctx, args: &Args) -> CmdResult {
    flush_flags(args)?;
    let mut removed = 0;
    for i in 0..ctx.st.dbs.len() {
        removed += empty_db(ctx, i);
    }
    if ctx
        .st
        .config
        .get("save")
        .is_some_and(|s| !s.trim().is_empty())
    {
        removed += 1;
    }
    ctx.dirty(removed);
    ctx.propagate(vec![args.to_vecs()]);
    Ok(Reply::Ok)
}

/// ```text
/// TIME
/// ```
pub fn time(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    let secs = ctx.now.div_euclid(1000);
    let micros = ctx.now.rem_euclid(1000) * 1000;
    Ok(Reply::Array(vec![
        Reply::bulk(secs.to_string()),
        Reply::bulk(micros.to_string()),
    ]))
}

/// Authenticate the session as `user` or fail with WRONGPASS (logged in ACL LOG).
fn authenticate(ctx: &mut Ctx, args: &Args, user: &[u8], pass: &[u8]) -> Result<(), CmdError> {
    let now = ctx.now;
    crate::acl::authenticate(ctx.st, ctx.sess, user, pass, args.get(0), now)
}

/// ```text
/// AUTH [username] password
/// ```
pub fn auth(ctx: &mut Ctx, args: &Args) -> CmdResult {
    if args.len() > 3 {
        return Err(CmdError::Syntax);
    }
    if args.len() == 2 {
        let default_nopass = ctx
            .st
            .acl
            .user(crate::acl::DEFAULT_USER)
            .is_some_and(|u| u.nopass);
        if default_nopass {
            return Err(CmdError::err(
                "AUTH <password> called without any password configured for the default user. \
                 Are you sure your configuration is correct?",
            ));
        }
        authenticate(ctx, args, b"default", args.get(1))?;
    } else {
        authenticate(ctx, args, args.get(1), args.get(2))?;
    }
    Ok(Reply::Ok)
}

/// Client names (and library names) must be printable ASCII without spaces, so that
/// CLIENT LIST stays splittable on spaces.
pub fn valid_client_attr(v: &[u8]) -> bool {
    v.iter().all(|&c| (b'!'..=b'~').contains(&c))
}

/// CLIENT SETNAME / HELLO SETNAME: validate and set (empty clears).
pub fn set_client_name(sess: &mut Session, name: &[u8]) -> Result<(), CmdError> {
    if !valid_client_attr(name) {
        return Err(CmdError::err(
            "Client names cannot contain spaces, newlines or special characters.",
        ));
    }
    sess.name = name.to_vec();
    Ok(())
}

/// ```text
/// HELLO [protover [AUTH username password] [SETNAME clientname]]
/// ```
pub fn hello(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let mut ver = 0;
    if args.len() >= 2 {
        ver = parse_i64(args.get(1))
            .map_err(|_| CmdError::err("Protocol version is not an integer or out of range"))?;
        if !(2..=3).contains(&ver) {
            return Err(CmdError::raw("NOPROTO unsupported protocol version"));
        }
    }
    let mut creds = None;
    let mut name = None;
    let mut j = 2;
    while j < args.len() {
        let more = args.len() - 1 - j;
        if args.is(j, "auth") && more >= 2 {
            creds = Some((args.get(j + 1), args.get(j + 2)));
            j += 3;
        } else if args.is(j, "setname") && more >= 1 {
            name = Some(args.get(j + 1));
            j += 2;
        } else {
            return Err(CmdError::err(format!(
                "Syntax error in HELLO option '{}'",
                String::from_utf8_lossy(args.get(j))
            )));
        }
    }
    if let Some((user, pass)) = creds {
        authenticate(ctx, args, user, pass)?;
    }
    if !ctx.sess.authenticated && ctx.st.acl.auth_required() {
        return Err(CmdError::raw(
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the \
             HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and \
             select the RESP protocol version at the same time",
        ));
    }
    if let Some(n) = name {
        set_client_name(ctx.sess, n)?;
    }
    if ver != 0 {
        ctx.sess.resp = ver as u8;
    }
    let kv = |k: &str, v: Reply| (Reply::bulk(k), v);
    Ok(Reply::Map(vec![
        kv("server", Reply::bulk("redis")),
        kv("version", Reply::bulk(crate::REDIS_VERSION)),
        kv("proto", Reply::Int(ctx.sess.resp.into())),
        kv("id", Reply::Int(ctx.sess.id as i64)),
        kv("mode", Reply::bulk("standalone")),
        kv("role", Reply::bulk("master")),
        kv("modules", Reply::Array(vec![])),
    ]))
}

/// ```text
/// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
/// ```
///
/// Asks the host to stop (it closes without replying). NOW and FORCE are accepted; the
/// host never waits for replicas. ABORT has nothing to abort: shutdown is immediate.
pub fn shutdown(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let (mut save, mut nosave, mut other, mut abort) = (false, false, false, false);
    for i in 1..args.len() {
        if args.is(i, "nosave") {
            nosave = true;
        } else if args.is(i, "save") {
            save = true;
        } else if args.is(i, "now") || args.is(i, "force") {
            other = true;
        } else if args.is(i, "abort") {
            abort = true;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    if (abort && (save || nosave || other)) || (save && nosave) {
        return Err(CmdError::Syntax);
    }
    if abort {
        return Err(CmdError::err("No shutdown in progress."));
    }
    ctx.st.events.shutdown = Some(if nosave {
        ShutdownMode::NoSave
    } else if save {
        ShutdownMode::Save
    } else {
        ShutdownMode::Default
    });
    Ok(Reply::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_attr_charset() {
        assert!(valid_client_attr(b"redis-py"));
        assert!(valid_client_attr(b""));
        assert!(!valid_client_attr(b"a b"));
        assert!(!valid_client_attr(b"a\nb"));
        assert!(!valid_client_attr("é".as_bytes()));
    }
}
