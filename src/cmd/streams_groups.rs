//! Consumer-group commands: XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER,
//! DELCONSUMER, HELP), XACK, XPENDING, XCLAIM, XAUTOCLAIM, and XINFO (STREAM, GROUPS,
//! CONSUMERS, HELP).
//!
//! XCLAIM and XAUTOCLAIM are propagated as one idempotent `XCLAIM ... TIME t RETRYCOUNT
//! n FORCE JUSTID LASTID id` per claimed (or dropped) entry, never verbatim, so replicas
//! and the AOF get the exact delivery times and counts.

use super::command::help_reply;
use super::streams::{
    adjust_mem, entry_reply, id_reply, nogroup, nogroup_for_key, parse_bound, parse_strict,
    propagating, read_stream, subcommand_syntax, write_stream,
};
use super::streams_read::{setid_argv, xclaim_argv};
use super::{Args, Ctx, Handler, parse_i64};
use crate::db::NO_EXPIRE;
use crate::reply::{CmdError, CmdResult, Reply};
use crate::types::Value;
use crate::types::stream::group::NO_CONSUMER;
use crate::types::stream::{Group, INVALID_ENTRIES_READ, Nack, Stream, StreamId, parse_id};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("xgroup|create", xgroup_create),
    ("xgroup|setid", xgroup_setid),
    ("xgroup|destroy", xgroup_destroy),
    ("xgroup|createconsumer", xgroup_createconsumer),
    ("xgroup|delconsumer", xgroup_delconsumer),
    ("xgroup|help", xgroup_help),
    ("xack", xack),
    ("xpending", xpending),
    ("xclaim", xclaim),
    ("xautoclaim", xautoclaim),
    ("xinfo|stream", xinfo_stream),
    ("xinfo|groups", xinfo_groups),
    ("xinfo|consumers", xinfo_consumers),
    ("xinfo|help", xinfo_help),
];

// ---------------------------------------------------------------------------------------
// XGROUP
// ---------------------------------------------------------------------------------------

/// The checks every XGROUP subcommand with a key shares (`xgroupCommand`'s prologue):
/// CREATE/SETID options, the key's type and existence (unless MKSTREAM), and for SETID,
/// CREATECONSUMER and DELCONSUMER the group's existence. Returns (MKSTREAM,
/// ENTRIESREAD, whether the stream exists).
fn xgroup_prologue(ctx: &mut Ctx, args: &Args, sub: &str) -> Result<(bool, i64, bool), CmdError> {
    let argc = args.len();
    let mut mkstream = false;
    let mut entries_read = INVALID_ENTRIES_READ;
    let create = sub == "create";
    let setid = sub == "setid";
    let mut i = 5;
    while i < argc {
        if create && args.is(i, "mkstream") {
            mkstream = true;
            i += 1;
        } else if (create || setid) && args.is(i, "entriesread") && i + 1 < argc {
            entries_read = parse_i64(args.get(i + 1))?;
            if entries_read < 0 && entries_read != INVALID_ENTRIES_READ {
                return Err(CmdError::err(
                    "value for ENTRIESREAD must be positive or -1",
                ));
            }
            i += 2;
        } else {
            return Err(subcommand_syntax(args));
        }
    }
    let key = args.get(2);
    let group = args.get(3);
    let s = write_stream(ctx, key)?;
    let exists = s.is_some();
    if !mkstream {
        let Some(s) = s else {
            return Err(CmdError::err(
                "The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
            ));
        };
        if !s.groups.contains_key(group)
            && matches!(sub, "setid" | "createconsumer" | "delconsumer")
        {
            return Err(nogroup_for_key(key, group));
        }
    }
    Ok((mkstream, entries_read, exists))
}

/// Create a consumer group positioned at `id` (`$` = the stream's last id).
///
/// ```text
/// XGROUP CREATE key group <id | $> [MKSTREAM] [ENTRIESREAD entries-read]
/// ```
fn xgroup_create(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let (_, entries_read, exists) = xgroup_prologue(ctx, args, "create")?;
    if args.len() > 8 {
        return Err(subcommand_syntax(args));
    }
    let key = args.get(2);
    let name = args.get(3);
    let id = if args.get(4) == b"$" {
        write_stream(ctx, key)?.map_or(StreamId::ZERO, |s| s.last_id)
    } else {
        parse_strict(args.get(4))?
    };
    if !exists {
        ctx.db().set(key, Value::Stream(Box::default()), NO_EXPIRE);
        ctx.signal_modified(key);
    }
    let Some(s) = write_stream(ctx, key)? else {
        return Ok(Reply::Ok);
    };
    if s.groups.contains_key(name) {
        return Err(CmdError::raw(
            "BUSYGROUP Consumer Group name already exists",
        ));
    }
    let before = s.mem_usage();
    s.groups.insert(name, Group::new(id, entries_read));
    let after = s.mem_usage();
    adjust_mem(ctx, before, after);
    ctx.dirty(1);
    ctx.notify('t', "xgroup-create", key);
    Ok(Reply::Ok)
}

/// Move a group's last-delivered id.
///
/// ```text
/// XGROUP SETID key group <id | $> [ENTRIESREAD entries-read]
/// ```
fn xgroup_setid(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let (_, entries_read, _) = xgroup_prologue(ctx, args, "setid")?;
    if args.len() != 5 && args.len() != 7 {
        return Err(subcommand_syntax(args));
    }
    let key = args.get(2);
    let Some(s) = write_stream(ctx, key)? else {
        return Err(CmdError::NoSuchKey);
    };
    let id = if args.get(4) == b"$" {
        s.last_id
    } else {
        parse_id(args.get(4), 0, false, false)
            .map(|p| p.id)
            .ok_or_else(super::streams::invalid_id)?
    };
    if let Some(g) = s.groups.get_mut(args.get(3)) {
        g.last_id = id;
        g.entries_read = entries_read;
    }
    ctx.dirty(1);
    ctx.notify('t', "xgroup-setid", key);
    Ok(Reply::Ok)
}

/// Delete a group; 1 if it existed.
///
/// ```text
/// XGROUP DESTROY key group
/// ```
fn xgroup_destroy(ctx: &mut Ctx, args: &Args) -> CmdResult {
    xgroup_prologue(ctx, args, "destroy")?;
    let key = args.get(2);
    let Some(s) = write_stream(ctx, key)? else {
        return Ok(Reply::Int(0));
    };
    let before = s.mem_usage();
    if s.groups.remove(args.get(3)).is_none() {
        return Ok(Reply::Int(0));
    }
    let after = s.mem_usage();
    adjust_mem(ctx, before, after);
    ctx.dirty(1);
    ctx.notify('t', "xgroup-destroy", key);
    // Consumers blocked in XREADGROUP on this group get NOGROUP when re-run.
    ctx.signal_ready(key);
    Ok(Reply::Int(1))
}

/// Create a consumer; 1 if it was new.
///
/// ```text
/// XGROUP CREATECONSUMER key group consumer
/// ```
fn xgroup_createconsumer(ctx: &mut Ctx, args: &Args) -> CmdResult {
    xgroup_prologue(ctx, args, "createconsumer")?;
    let key = args.get(2);
    let now = ctx.now;
    let Some(s) = write_stream(ctx, key)? else {
        return Ok(Reply::Int(0));
    };
    let before = s.mem_usage();
    let created = s
        .groups
        .get_mut(args.get(3))
        .and_then(|g| g.create_consumer(args.get(4), now))
        .is_some();
    let after = s.mem_usage();
    adjust_mem(ctx, before, after);
    if created {
        ctx.dirty(1);
        ctx.notify('t', "xgroup-createconsumer", key);
    }
    Ok(Reply::Int(i64::from(created)))
}

/// Delete a consumer and its pending entries; returns how many it had pending.
///
/// ```text
/// XGROUP DELCONSUMER key group consumer
/// ```
fn xgroup_delconsumer(ctx: &mut Ctx, args: &Args) -> CmdResult {
    xgroup_prologue(ctx, args, "delconsumer")?;
    let key = args.get(2);
    let Some(s) = write_stream(ctx, key)? else {
        return Ok(Reply::Int(0));
    };
    let before = s.mem_usage();
    let pending = s
        .groups
        .get_mut(args.get(3))
        .and_then(|g| g.delete_consumer(args.get(4)));
    let after = s.mem_usage();
    adjust_mem(ctx, before, after);
    let Some(pending) = pending else {
        return Ok(Reply::Int(0));
    };
    ctx.dirty(1);
    ctx.notify('t', "xgroup-delconsumer", key);
    Ok(Reply::Int(pending as i64))
}

/// ```text
/// XGROUP HELP
/// ```
fn xgroup_help(_ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(help_reply(
        "XGROUP",
        &[
            "CREATE <key> <groupname> <id|$> [option]",
            "    Create a new consumer group. Options are:",
            "    * MKSTREAM",
            "      Create the empty stream if it does not exist.",
            "    * ENTRIESREAD entries_read",
            "      Set the group's entries_read counter (internal use).",
            "CREATECONSUMER <key> <groupname> <consumer>",
            "    Create a new consumer in the specified group.",
            "DELCONSUMER <key> <groupname> <consumer>",
            "    Remove the specified consumer.",
            "DESTROY <key> <groupname>",
            "    Remove the specified group.",
            "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
            "    Set the current group ID and entries_read counter.",
        ],
    ))
}

// ---------------------------------------------------------------------------------------
// XACK, XPENDING
// ---------------------------------------------------------------------------------------

/// Acknowledge pending entries; returns how many were pending.
///
/// ```text
/// XACK key group id [id ...]
/// ```
fn xack(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let Some(s) = read_stream(ctx, args.get(1))? else {
        return Ok(Reply::Int(0));
    };
    let Some(g) = s.groups.get(args.get(2)) else {
        return Ok(Reply::Int(0));
    };
    let _ = g;
    let ids = (3..args.len())
        .map(|j| parse_strict(args.get(j)))
        .collect::<Result<Vec<_>, _>>()?;
    let before = s.mem_usage();
    let mut acked = 0i64;
    if let Some(g) = s.groups.get_mut(args.get(2)) {
        for id in ids {
            if g.ack(id) {
                acked += 1;
            }
        }
    }
    let after = s.mem_usage();
    adjust_mem(ctx, before, after);
    if acked > 0 {
        ctx.dirty(acked as u64);
    }
    Ok(Reply::Int(acked))
}

/// A group's pending entries: a summary, or the entries in a range.
///
/// ```text
/// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
/// ```
fn xpending(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let argc = args.len();
    if argc != 3 && !(6..=9).contains(&argc) {
        return Err(CmdError::Syntax);
    }
    let mut minidle = 0i64;
    let mut count = 0i64;
    let (mut start, mut end) = (StreamId::ZERO, StreamId::MAX);
    let mut consumer: Option<&[u8]> = None;
    if argc >= 6 {
        let mut si = 3;
        if args.is(3, "idle") {
            minidle = parse_i64(args.get(4))?;
            if argc < 8 {
                return Err(CmdError::Syntax);
            }
            si += 2;
        }
        count = parse_i64(args.get(si + 2))?.max(0);
        start = parse_bound(args.get(si), 0, true)?;
        end = parse_bound(args.get(si + 1), u64::MAX, false)?;
        if si + 3 < argc {
            consumer = Some(args.get(si + 3));
        }
    }
    let now = ctx.now;
    let key = args.get(1);
    let gname = args.get(2);
    let s = read_stream(ctx, key)?;
    let Some(g) = s.and_then(|s| s.groups.get(gname)) else {
        return Err(nogroup(key, gname, ""));
    };
    if argc == 3 {
        let (Some((first, _)), Some((last, _))) = (g.pel.first(), g.pel.last()) else {
            return Ok(Reply::Array(vec![
                Reply::Int(0),
                Reply::Nil,
                Reply::Nil,
                Reply::NilArray,
            ]));
        };
        let consumers: Vec<Reply> = g
            .consumers()
            .filter(|c| !c.pel.is_empty())
            .map(|c| {
                Reply::Array(vec![
                    Reply::Bulk(c.name.to_vec()),
                    Reply::Bulk(c.pel.len().to_string().into_bytes()),
                ])
            })
            .collect();
        return Ok(Reply::Array(vec![
            Reply::Int(g.pel.len() as i64),
            id_reply(*first),
            id_reply(*last),
            Reply::Array(consumers),
        ]));
    }
    let mut out = Vec::new();
    if start > end || count == 0 {
        return Ok(Reply::Array(out));
    }
    let mut emit = |id: StreamId, n: &Nack| {
        if minidle != 0 && now.saturating_sub(n.delivery_time) < minidle {
            return true;
        }
        out.push(Reply::Array(vec![
            id_reply(id),
            Reply::Bulk(g.consumer_name(n.consumer).to_vec()),
            Reply::Int((now.saturating_sub(n.delivery_time)).max(0)),
            Reply::Int(n.delivery_count as i64),
        ]));
        count -= 1;
        count > 0
    };
    match consumer {
        Some(name) => {
            let Some(c) = g.find(name).and_then(|c| g.consumer(c)) else {
                return Ok(Reply::Array(Vec::new()));
            };
            for id in c.pel.range(start..=end) {
                if let Some(n) = g.pel.get(id) {
                    if !emit(*id, n) {
                        break;
                    }
                }
            }
        }
        None => {
            for (id, n) in g.pel.range(start..=end) {
                if !emit(*id, n) {
                    break;
                }
            }
        }
    }
    Ok(Reply::Array(out))
}

// ---------------------------------------------------------------------------------------
// XCLAIM, XAUTOCLAIM
// ---------------------------------------------------------------------------------------

/// The consumer `name` of group `gname`, created if needed (dirty + notification), with
/// its seen-time refreshed. Returns (index, created).
fn claim_consumer(s: &mut Stream, gname: &[u8], name: &[u8], now: i64) -> Option<(u32, bool)> {
    let g = s.groups.get_mut(gname)?;
    let (cid, created) = match g.find(name) {
        Some(c) => (c, false),
        None => (g.create_consumer(name, now)?, true),
    };
    if let Some(c) = g.consumer_mut(cid) {
        c.seen_time = now;
    }
    Some((cid, created))
}

/// Take over pending entries idle for at least `min-idle-time` ms.
///
/// ```text
/// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms]
///     [TIME unix-time-milliseconds] [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]
/// ```
fn xclaim(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let gname = args.get(2);
    let argc = args.len();
    {
        let s = read_stream(ctx, key)?;
        if !s.is_some_and(|s| s.groups.contains_key(gname)) {
            return Err(nogroup(key, gname, ""));
        }
    }
    let minidle = parse_i64(args.get(4))
        .map_err(|_| CmdError::err("Invalid min-idle-time argument for XCLAIM"))?
        .max(0);
    let mut ids: Vec<(StreamId, usize)> = Vec::new();
    let mut j = 5;
    while j < argc {
        match parse_id(args.get(j), 0, true, false) {
            Some(p) => ids.push((p.id, j)),
            None => break,
        }
        j += 1;
    }
    let now = ctx.now;
    let (mut force, mut justid) = (false, false);
    let mut deliverytime: i64 = -1;
    let mut retrycount: i64 = -1;
    let mut last_id = StreamId::ZERO;
    while j < argc {
        let more = argc - 1 - j;
        if args.is(j, "force") {
            force = true;
        } else if args.is(j, "justid") {
            justid = true;
        } else if args.is(j, "idle") && more > 0 {
            j += 1;
            let idle = parse_i64(args.get(j))
                .map_err(|_| CmdError::err("Invalid IDLE option argument for XCLAIM"))?;
            deliverytime = now.wrapping_sub(idle);
        } else if args.is(j, "time") && more > 0 {
            j += 1;
            deliverytime = parse_i64(args.get(j))
                .map_err(|_| CmdError::err("Invalid TIME option argument for XCLAIM"))?;
        } else if args.is(j, "retrycount") && more > 0 {
            j += 1;
            retrycount = parse_i64(args.get(j))
                .map_err(|_| CmdError::err("Invalid RETRYCOUNT option argument for XCLAIM"))?;
        } else if args.is(j, "lastid") && more > 0 {
            j += 1;
            last_id = parse_strict(args.get(j))?;
        } else {
            return Err(CmdError::err(format!(
                "Unrecognized XCLAIM option '{}'",
                super::streams::shown(args.get(j))
            )));
        }
        j += 1;
    }
    if deliverytime < 0 || deliverytime > now {
        deliverytime = now;
    }
    let want_prop = propagating(ctx);
    let Some(s) = read_stream(ctx, key)? else {
        return Err(nogroup(key, gname, ""));
    };
    let before = s.mem_usage();
    let mut propagate_last = false;
    if let Some(g) = s.groups.get_mut(gname) {
        if last_id > g.last_id {
            g.last_id = last_id;
            propagate_last = true;
        }
    }
    let Some((cid, created)) = claim_consumer(s, gname, args.get(3), now) else {
        return Err(nogroup(key, gname, ""));
    };
    let mut dirty = u64::from(created);
    let mut props: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut out = Vec::new();
    for (id, argi) in ids {
        let exists = s.contains(id);
        let Some(g) = s.groups.get_mut(gname) else {
            break;
        };
        let nack = g.pel.get(&id).copied();
        if !exists {
            if let Some(n) = nack {
                if want_prop {
                    props.push(xclaim_argv(
                        key,
                        gname,
                        g.consumer_name(n.consumer),
                        args.get(argi),
                        &n,
                        g.last_id,
                    ));
                }
                propagate_last = false;
                dirty += 1;
                g.ack(id);
            }
            continue;
        }
        let nack = match nack {
            Some(n) => n,
            None if force => {
                let n = Nack {
                    delivery_time: now,
                    delivery_count: 1,
                    consumer: NO_CONSUMER,
                };
                g.pel.insert(id, n);
                n
            }
            None => continue,
        };
        if nack.consumer != NO_CONSUMER
            && minidle != 0
            && now.saturating_sub(nack.delivery_time) < minidle
        {
            continue;
        }
        g.transfer(id, cid);
        let Some(n) = g.pel.get_mut(&id) else {
            continue;
        };
        n.delivery_time = deliverytime;
        if retrycount >= 0 {
            n.delivery_count = retrycount as u64;
        } else if !justid {
            n.delivery_count = n.delivery_count.wrapping_add(1);
        }
        let n = *n;
        if let Some(c) = g.consumer_mut(cid) {
            c.active_time = now;
        }
        if want_prop {
            props.push(xclaim_argv(
                key,
                gname,
                g.consumer_name(cid),
                args.get(argi),
                &n,
                g.last_id,
            ));
        }
        propagate_last = false;
        dirty += 1;
        if justid {
            out.push(id_reply(id));
        } else if let Some(e) = s.get(id) {
            out.push(entry_reply(&e));
        }
    }
    if propagate_last {
        if let Some(g) = s.groups.get(gname) {
            if want_prop {
                props.push(setid_argv(key, gname, g));
            }
            dirty += 1;
        }
    }
    let after = s.mem_usage();
    adjust_mem(ctx, before, after);
    if created {
        ctx.notify('t', "xgroup-createconsumer", key);
    }
    if dirty > 0 {
        ctx.dirty(dirty);
    }
    ctx.propagate(props);
    Ok(Reply::Array(out))
}

/// Claim pending entries idle for at least `min-idle-time`, scanning the PEL from
/// `start`; returns the next cursor, the claimed entries and the ids no longer in the
/// stream (dropped from the PEL).
///
/// ```text
/// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
/// ```
fn xautoclaim(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let gname = args.get(2);
    let minidle = parse_i64(args.get(4))
        .map_err(|_| CmdError::err("Invalid min-idle-time argument for XAUTOCLAIM"))?
        .max(0);
    let start = parse_bound(args.get(5), 0, true)?;
    let mut count: i64 = 100;
    let mut justid = false;
    let mut j = 6;
    while j < args.len() {
        let more = args.len() - 1 - j;
        if args.is(j, "count") && more > 0 {
            let max = i64::MAX / 16;
            count = match parse_i64(args.get(j + 1)) {
                Ok(n) if (1..=max).contains(&n) => n,
                _ => return Err(CmdError::err("COUNT must be > 0")),
            };
            j += 1;
        } else if args.is(j, "justid") {
            justid = true;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let now = ctx.now;
    let want_prop = propagating(ctx);
    let s = read_stream(ctx, key)?;
    let Some(s) = s.filter(|s| s.groups.contains_key(gname)) else {
        return Err(nogroup(key, gname, ""));
    };
    let before = s.mem_usage();
    let Some((cid, created)) = claim_consumer(s, gname, args.get(3), now) else {
        return Err(nogroup(key, gname, ""));
    };
    let mut dirty = u64::from(created);
    let mut attempts = count.saturating_mul(10);
    let mut from = Some(start);
    let mut claimed = Vec::new();
    let mut deleted = Vec::new();
    let mut props: Vec<Vec<Vec<u8>>> = Vec::new();
    loop {
        if attempts == 0 || count == 0 {
            break;
        }
        attempts -= 1;
        let Some(lo) = from else { break };
        let next = s
            .groups
            .get(gname)
            .and_then(|g| g.pel.range(lo..).next().map(|(k, n)| (*k, *n)));
        let Some((id, nack)) = next else {
            from = None;
            break;
        };
        from = id.incr();
        let exists = s.contains(id);
        let Some(g) = s.groups.get_mut(gname) else {
            break;
        };
        if !exists {
            if want_prop {
                props.push(xclaim_argv(
                    key,
                    gname,
                    g.consumer_name(nack.consumer),
                    &id.to_bytes(),
                    &nack,
                    g.last_id,
                ));
            }
            dirty += 1;
            g.ack(id);
            deleted.push(id_reply(id));
            count -= 1;
            continue;
        }
        if minidle != 0 && now.saturating_sub(nack.delivery_time) < minidle {
            continue;
        }
        g.transfer(id, cid);
        let Some(n) = g.pel.get_mut(&id) else {
            continue;
        };
        n.delivery_time = now;
        if !justid {
            n.delivery_count = n.delivery_count.wrapping_add(1);
        }
        let n = *n;
        if let Some(c) = g.consumer_mut(cid) {
            c.active_time = now;
        }
        if want_prop {
            props.push(xclaim_argv(
                key,
                gname,
                g.consumer_name(cid),
                &id.to_bytes(),
                &n,
                g.last_id,
            ));
        }
        dirty += 1;
        count -= 1;
        if justid {
            claimed.push(id_reply(id));
        } else if let Some(e) = s.get(id) {
            claimed.push(entry_reply(&e));
        }
    }
    let cursor = from
        .and_then(|lo| {
            s.groups
                .get(gname)
                .and_then(|g| g.pel.range(lo..).next().map(|(k, _)| *k))
        })
        .unwrap_or(StreamId::ZERO);
    let after = s.mem_usage();
    adjust_mem(ctx, before, after);
    if created {
        ctx.notify('t', "xgroup-createconsumer", key);
    }
    if dirty > 0 {
        ctx.dirty(dirty);
    }
    ctx.propagate(props);
    Ok(Reply::Array(vec![
        id_reply(cursor),
        Reply::Array(claimed),
        Reply::Array(deleted),
    ]))
}

// ---------------------------------------------------------------------------------------
// XINFO
// ---------------------------------------------------------------------------------------

fn field(name: &'static str, v: Reply) -> (Reply, Reply) {
    (Reply::Bulk(name.as_bytes().to_vec()), v)
}

fn opt_int(v: Option<i64>) -> Reply {
    v.map_or(Reply::Nil, Reply::Int)
}

/// The stream at `key` for XINFO: `ERR no such key` when absent.
fn info_stream<'c>(ctx: &'c mut Ctx, key: &[u8]) -> Result<&'c mut Stream, CmdError> {
    read_stream(ctx, key)?.ok_or(CmdError::NoSuchKey)
}

/// Stream facts; with FULL, its entries and groups in detail (COUNT caps each list,
/// 10 by default, 0 = all).
///
/// ```text
/// XINFO STREAM key [FULL [COUNT count]]
/// ```
fn xinfo_stream(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let s = info_stream(ctx, args.get(2))?;
    let optc = args.len() - 3;
    let mut full = false;
    let mut count: i64 = 10;
    if optc != 0 {
        if (optc != 1 && optc != 3) || !args.is(3, "full") || (optc == 3 && !args.is(4, "count")) {
            return Err(subcommand_syntax(args));
        }
        full = true;
        if optc == 3 {
            count = parse_i64(args.get(5))?;
            if count < 0 {
                count = 10;
            }
        }
    }
    let mut m = vec![
        field("length", Reply::Int(s.len() as i64)),
        field("radix-tree-keys", Reply::Int(s.chunk_count() as i64)),
        field("radix-tree-nodes", Reply::Int(s.radix_nodes() as i64)),
        field("last-generated-id", id_reply(s.last_id)),
        field("max-deleted-entry-id", id_reply(s.max_deleted_id)),
        field("entries-added", Reply::Int(s.entries_added as i64)),
        field("recorded-first-entry-id", id_reply(s.first_id)),
    ];
    if !full {
        m.push(field("groups", Reply::Int(s.groups.len() as i64)));
        let first = s
            .range(StreamId::ZERO, StreamId::MAX, false)
            .next()
            .map_or(Reply::Nil, |e| entry_reply(&e));
        let last = s
            .range(StreamId::ZERO, StreamId::MAX, true)
            .next()
            .map_or(Reply::Nil, |e| entry_reply(&e));
        m.push(field("first-entry", first));
        m.push(field("last-entry", last));
        return Ok(Reply::Map(m));
    }
    let limit = if count == 0 {
        usize::MAX
    } else {
        usize::try_from(count).unwrap_or(usize::MAX)
    };
    let entries: Vec<Reply> = s
        .range(StreamId::ZERO, StreamId::MAX, false)
        .take(limit)
        .map(|e| entry_reply(&e))
        .collect();
    m.push(field("entries", Reply::Array(entries)));
    let mut groups = Vec::with_capacity(s.groups.len());
    for (name, g) in s.groups.iter() {
        let pending: Vec<Reply> = g
            .pel
            .iter()
            .take(limit)
            .map(|(id, n)| {
                Reply::Array(vec![
                    id_reply(*id),
                    Reply::Bulk(g.consumer_name(n.consumer).to_vec()),
                    Reply::Int(n.delivery_time),
                    Reply::Int(n.delivery_count as i64),
                ])
            })
            .collect();
        let consumers: Vec<Reply> = g
            .consumers()
            .map(|c| {
                let cp: Vec<Reply> = c
                    .pel
                    .iter()
                    .take(limit)
                    .map(|id| {
                        let n = g.pel.get(id);
                        Reply::Array(vec![
                            id_reply(*id),
                            Reply::Int(n.map_or(0, |n| n.delivery_time)),
                            Reply::Int(n.map_or(0, |n| n.delivery_count as i64)),
                        ])
                    })
                    .collect();
                Reply::Map(vec![
                    field("name", Reply::Bulk(c.name.to_vec())),
                    field("seen-time", Reply::Int(c.seen_time)),
                    field("active-time", Reply::Int(c.active_time)),
                    field("pel-count", Reply::Int(c.pel.len() as i64)),
                    field("pending", Reply::Array(cp)),
                ])
            })
            .collect();
        groups.push(Reply::Map(vec![
            field("name", Reply::Bulk(name.to_vec())),
            field("last-delivered-id", id_reply(g.last_id)),
            field(
                "entries-read",
                opt_int((g.entries_read != INVALID_ENTRIES_READ).then_some(g.entries_read)),
            ),
            field("lag", opt_int(s.group_lag(g))),
            field("pel-count", Reply::Int(g.pel.len() as i64)),
            field("pending", Reply::Array(pending)),
            field("consumers", Reply::Array(consumers)),
        ]));
    }
    m.push(field("groups", Reply::Array(groups)));
    Ok(Reply::Map(m))
}

/// The stream's consumer groups.
///
/// ```text
/// XINFO GROUPS key
/// ```
fn xinfo_groups(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let s = info_stream(ctx, args.get(2))?;
    let out = s
        .groups
        .iter()
        .map(|(name, g)| {
            Reply::Map(vec![
                field("name", Reply::Bulk(name.to_vec())),
                field("consumers", Reply::Int(g.consumer_count() as i64)),
                field("pending", Reply::Int(g.pel.len() as i64)),
                field("last-delivered-id", id_reply(g.last_id)),
                field(
                    "entries-read",
                    opt_int((g.entries_read != INVALID_ENTRIES_READ).then_some(g.entries_read)),
                ),
                field("lag", opt_int(s.group_lag(g))),
            ])
        })
        .collect();
    Ok(Reply::Array(out))
}

/// A group's consumers.
///
/// ```text
/// XINFO CONSUMERS key group
/// ```
fn xinfo_consumers(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let now = ctx.now;
    let key = args.get(2);
    let s = info_stream(ctx, key)?;
    let Some(g) = s.groups.get(args.get(3)) else {
        return Err(nogroup_for_key(key, args.get(3)));
    };
    let out = g
        .consumers()
        .map(|c| {
            let inactive = if c.active_time != -1 {
                now.saturating_sub(c.active_time)
            } else {
                -1
            };
            Reply::Map(vec![
                field("name", Reply::Bulk(c.name.to_vec())),
                field("pending", Reply::Int(c.pel.len() as i64)),
                field("idle", Reply::Int(now.saturating_sub(c.seen_time).max(0))),
                field("inactive", Reply::Int(inactive)),
            ])
        })
        .collect();
    Ok(Reply::Array(out))
}

/// ```text
/// XINFO HELP
/// ```
fn xinfo_help(_ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(help_reply(
        "XINFO",
        &[
            "CONSUMERS <key> <groupname>",
            "    Show consumers of <groupname>.",
            "GROUPS <key>",
            "    Show the stream consumer groups.",
            "STREAM <key> [FULL [COUNT <count>]",
            "    Show information about the stream.",
        ],
    ))
}
