//! XREAD and XREADGROUP (`xreadCommand`): read one or more streams after given ids,
//! optionally blocking until data arrives.
//!
//! Every key, group and id is checked before anything is read, so a refused command
//! reads nothing. A stream with nothing to serve is left out of the reply; when no
//! stream has data, the command blocks with `BLOCK` (the engine re-runs it when XADD
//! signals one of the keys) or answers a null array. `$` is resolved when the client
//! blocks: the parked command is rewritten with the stream's last id, as Redis does, so
//! the re-run does not move with the stream's top.
//!
//! XREADGROUP with `>` delivers entries past the group's last-delivered id, recording
//! each in the group's and the consumer's pending lists (unless NOACK); with an explicit
//! id it re-reads the consumer's own pending history. It is never propagated verbatim:
//! each delivery is propagated as an idempotent `XCLAIM ... TIME t RETRYCOUNT n FORCE
//! JUSTID LASTID id`, NOACK reads as `XGROUP SETID ... ENTRIESREAD n`.

use super::streams::{
    adjust_mem, entry_reply, id_reply, invalid_id, nogroup, parse_strict, propagating, read_stream,
};
use super::{Args, Ctx, Handler, parse_i64};
use crate::reply::{CmdError, CmdResult, Reply};
use crate::types::stream::{Group, Nack, Stream, StreamId};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[("xread", xread), ("xreadgroup", xreadgroup)];

/// Read new entries from streams.
///
/// ```text
/// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
/// ```
fn xread(ctx: &mut Ctx, args: &Args) -> CmdResult {
    read_generic(ctx, args, false)
}

/// Read from streams as a consumer of a group.
///
/// ```text
/// XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK]
///     STREAMS key [key ...] id [id ...]
/// ```
fn xreadgroup(ctx: &mut Ctx, args: &Args) -> CmdResult {
    read_generic(ctx, args, true)
}

/// `getTimeoutFromObjectOrReply` in milliseconds: the absolute deadline, `i64::MAX`
/// for 0 (forever).
fn parse_block(arg: &[u8], now: i64) -> Result<i64, CmdError> {
    let t =
        parse_i64(arg).map_err(|_| CmdError::err("timeout is not an integer or out of range"))?;
    if t < 0 {
        return Err(CmdError::err("timeout is negative"));
    }
    if t == 0 {
        return Ok(i64::MAX);
    }
    if t > i64::MAX - now.max(0) {
        return Err(CmdError::err("timeout is out of range"));
    }
    Ok(now + t)
}

/// `XCLAIM key group consumer 0 id TIME t RETRYCOUNT n FORCE JUSTID LASTID last`
/// (`streamPropagateXCLAIM`).
pub(crate) fn xclaim_argv(
    key: &[u8],
    group: &[u8],
    consumer: &[u8],
    id: &[u8],
    n: &Nack,
    last: StreamId,
) -> Vec<Vec<u8>> {
    vec![
        b"XCLAIM".to_vec(),
        key.to_vec(),
        group.to_vec(),
        consumer.to_vec(),
        b"0".to_vec(),
        id.to_vec(),
        b"TIME".to_vec(),
        n.delivery_time.to_string().into_bytes(),
        b"RETRYCOUNT".to_vec(),
        n.delivery_count.to_string().into_bytes(),
        b"FORCE".to_vec(),
        b"JUSTID".to_vec(),
        b"LASTID".to_vec(),
        last.to_bytes(),
    ]
}

/// `XGROUP SETID key group last ENTRIESREAD n` (`streamPropagateGroupID`).
pub(crate) fn setid_argv(key: &[u8], group: &[u8], g: &Group) -> Vec<Vec<u8>> {
    vec![
        b"XGROUP".to_vec(),
        b"SETID".to_vec(),
        key.to_vec(),
        group.to_vec(),
        g.last_id.to_bytes(),
        b"ENTRIESREAD".to_vec(),
        g.entries_read.to_string().into_bytes(),
    ]
}

/// What one XREADGROUP read needs besides the stream.
struct GroupRead<'a> {
    key: &'a [u8],
    group: &'a [u8],
    consumer: u32,
    noack: bool,
    now: i64,
    count: usize,
    props: Option<&'a mut Vec<Vec<Vec<u8>>>>,
}

/// Deliver entries from `start` on to the consumer (`streamReplyWithRange` with a
/// group): advance the group, record pending entries, collect propagation.
fn deliver_new(s: &mut Stream, start: StreamId, r: &mut GroupRead<'_>) -> Vec<Reply> {
    let Some(slot) = s.groups.get_mut(r.group) else {
        return Vec::new();
    };
    let mut g = std::mem::replace(slot, Group::new(StreamId::ZERO, 0));
    let mut out = Vec::with_capacity(match r.count {
        0 => 0,
        n => n
            .min(1024)
            .min(usize::try_from(s.len()).unwrap_or(usize::MAX)),
    });
    let mut propagate_last = false;
    for e in s.range(start, StreamId::MAX, false) {
        if e.id > g.last_id {
            s.advance_group(&mut g, e.id);
            if r.noack {
                propagate_last = true;
            }
        }
        out.push(entry_reply(&e));
        if !r.noack {
            let nack = g.deliver(e.id, r.consumer, r.now);
            if let Some(c) = g.consumer_mut(r.consumer) {
                c.active_time = r.now;
            }
            if let Some(p) = r.props.as_deref_mut() {
                p.push(xclaim_argv(
                    r.key,
                    r.group,
                    g.consumer_name(r.consumer),
                    &e.id.to_bytes(),
                    &nack,
                    g.last_id,
                ));
            }
        }
        if out.len() == r.count {
            break;
        }
    }
    if propagate_last {
        if let Some(p) = r.props.as_deref_mut() {
            p.push(setid_argv(r.key, r.group, &g));
        }
    }
    if let Some(slot) = s.groups.get_mut(r.group) {
        *slot = g;
    }
    out
}

/// Re-read the consumer's own pending entries from `start` on
/// (`streamReplyWithRangeFromConsumerPEL`): an entry no longer in the stream comes back
/// as `[id, nil]`; each one found counts as delivered again.
fn deliver_history(s: &mut Stream, start: StreamId, r: &GroupRead<'_>) -> Vec<Reply> {
    let ids: Vec<StreamId> = match s.groups.get(r.group).and_then(|g| g.consumer(r.consumer)) {
        Some(c) => c.pel.range(start..).take(r.count).copied().collect(),
        None => return Vec::new(),
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let reply = s.get(id).map(|e| entry_reply(&e));
        match reply {
            Some(rep) => {
                out.push(rep);
                if let Some(n) = s.groups.get_mut(r.group).and_then(|g| g.pel.get_mut(&id)) {
                    n.delivery_time = r.now;
                    n.delivery_count = n.delivery_count.wrapping_add(1);
                }
            }
            None => out.push(Reply::Array(vec![id_reply(id), Reply::NilArray])),
        }
    }
    out
}

fn read_generic(ctx: &mut Ctx, args: &Args, xreadgroup: bool) -> CmdResult {
    let argc = args.len();
    let now = ctx.now;
    let mut deadline: Option<i64> = None;
    let mut count: i64 = 0;
    let mut streams_arg = 0;
    let mut streams_count = 0;
    let mut noack = false;
    let mut group: Option<(&[u8], &[u8])> = None;
    let mut i = 1;
    while i < argc {
        let more = argc - i - 1;
        if args.is(i, "block") && more > 0 {
            i += 1;
            deadline = Some(parse_block(args.get(i), now)?);
        } else if args.is(i, "count") && more > 0 {
            i += 1;
            count = parse_i64(args.get(i))?.max(0);
        } else if args.is(i, "streams") && more > 0 {
            streams_arg = i + 1;
            streams_count = argc - streams_arg;
            if streams_count % 2 != 0 {
                let (name, symbol) = if xreadgroup {
                    ("xreadgroup", '>')
                } else {
                    ("xread", '$')
                };
                return Err(CmdError::err(format!(
                    "Unbalanced '{name}' list of streams: for each stream key an ID or '{symbol}' must be specified."
                )));
            }
            streams_count /= 2;
            break;
        } else if args.is(i, "group") && more >= 2 {
            if !xreadgroup {
                return Err(CmdError::err(
                    "The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
                ));
            }
            group = Some((args.get(i + 1), args.get(i + 2)));
            i += 2;
        } else if args.is(i, "noack") {
            if !xreadgroup {
                return Err(CmdError::err(
                    "The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
                ));
            }
            noack = true;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    if streams_arg == 0 {
        return Err(CmdError::Syntax);
    }
    if xreadgroup && group.is_none() {
        return Err(CmdError::err("Missing GROUP option for XREADGROUP"));
    }

    // Check every key, group and id before reading anything.
    let mut ids: Vec<StreamId> = Vec::with_capacity(streams_count);
    let mut dollar = false;
    for idx in 0..streams_count {
        let key = args.get(streams_arg + idx);
        let arg = args.get(streams_arg + streams_count + idx);
        let s = read_stream(ctx, key)?;
        if let Some((g, _)) = group {
            if !s.as_ref().is_some_and(|s| s.groups.contains_key(g)) {
                return Err(nogroup(key, g, " in XREADGROUP with GROUP option"));
            }
        }
        let last = s.map(|s| s.last_id);
        if arg == b"$" {
            if xreadgroup {
                return Err(CmdError::err(
                    "The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.",
                ));
            }
            dollar = true;
            ids.push(last.unwrap_or(StreamId::ZERO));
        } else if arg == b"+" && !xreadgroup {
            // Redis 7.4: `+` reads the last entry.
            match last {
                Some(l) => ids.push(
                    l.decr()
                        .ok_or_else(|| CmdError::err("the stream last element ID is 0-0"))?,
                ),
                None => ids.push(StreamId::ZERO),
            }
        } else if arg == b">" {
            if !xreadgroup {
                return Err(CmdError::err(
                    "The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.",
                ));
            }
            ids.push(StreamId::MAX);
        } else {
            ids.push(parse_strict(arg).map_err(|_| invalid_id())?);
        }
    }

    // Serve what can be served now.
    let limit = if count == 0 {
        usize::MAX
    } else {
        usize::try_from(count).unwrap_or(usize::MAX)
    };
    let mut props: Vec<Vec<Vec<u8>>> = Vec::new();
    let want_prop = xreadgroup && propagating(ctx);
    let mut served: Vec<(Vec<u8>, Reply)> = Vec::new();
    let mut dirty = 0u64;
    for (idx, &gt0) in ids.iter().enumerate() {
        let key = args.get(streams_arg + idx);
        let Some(s) = read_stream(ctx, key)? else {
            continue;
        };
        let before = s.mem_usage();
        let mut gt = gt0;
        let mut serve = false;
        let mut history = false;
        let mut created = false;
        let mut entries = Vec::new();
        if let Some((gname, cname)) = group {
            let Some(g) = s.groups.get(gname) else {
                continue;
            };
            let glast = g.last_id;
            if gt != StreamId::MAX {
                serve = true;
                history = true;
            } else if !s.is_empty() && s.last_valid_id().is_some_and(|m| m > glast) {
                serve = true;
                gt = glast;
            }
            let Some(g) = s.groups.get_mut(gname) else {
                continue;
            };
            let cid = match g.find(cname) {
                Some(c) => c,
                None => {
                    let Some(c) = g.create_consumer(cname, now) else {
                        continue;
                    };
                    created = true;
                    dirty += 1;
                    if noack && want_prop {
                        props.push(vec![
                            b"XGROUP".to_vec(),
                            b"CREATECONSUMER".to_vec(),
                            key.to_vec(),
                            gname.to_vec(),
                            cname.to_vec(),
                        ]);
                    }
                    c
                }
            };
            if let Some(c) = g.consumer_mut(cid) {
                c.seen_time = now;
            }
            if serve {
                let start = gt.incr().unwrap_or(StreamId::ZERO);
                let mut r = GroupRead {
                    key,
                    group: gname,
                    consumer: cid,
                    noack,
                    now,
                    count: limit,
                    props: want_prop.then_some(&mut props),
                };
                entries = if history {
                    deliver_history(s, start, &r)
                } else {
                    deliver_new(s, start, &mut r)
                };
                dirty += 1;
            }
        } else if !s.is_empty() && s.last_valid_id().is_some_and(|m| m > gt) {
            serve = true;
            let start = gt.incr().unwrap_or(StreamId::ZERO);
            entries = s
                .range(start, StreamId::MAX, false)
                .take(limit)
                .map(|e| entry_reply(&e))
                .collect();
        }
        let after = s.mem_usage();
        adjust_mem(ctx, before, after);
        if created {
            ctx.notify('t', "xgroup-createconsumer", key);
        }
        if serve {
            served.push((key.to_vec(), Reply::Array(entries)));
        }
    }
    if dirty > 0 {
        ctx.dirty(dirty);
    }
    if xreadgroup {
        // Never propagated verbatim: only the effects collected above.
        ctx.propagate(props);
    }
    if !served.is_empty() {
        return Ok(if ctx.sess.resp3() {
            Reply::Map(
                served
                    .into_iter()
                    .map(|(k, v)| (Reply::Bulk(k), v))
                    .collect(),
            )
        } else {
            Reply::Array(
                served
                    .into_iter()
                    .map(|(k, v)| Reply::Array(vec![Reply::Bulk(k), v]))
                    .collect(),
            )
        });
    }
    let Some(deadline) = deadline else {
        return Ok(Reply::NilArray);
    };
    if !ctx.can_block() {
        return Ok(Reply::NilArray);
    }
    let keys: Vec<Vec<u8>> = (0..streams_count)
        .map(|k| args.get(streams_arg + k).to_vec())
        .collect();
    if dollar {
        let mut argv = args.to_vecs();
        for (idx, id) in ids.iter().enumerate() {
            if let Some(a) = argv.get_mut(streams_arg + streams_count + idx) {
                if a == b"$" {
                    *a = id.to_bytes();
                }
            }
        }
        ctx.block_with_argv(keys, deadline, Reply::NilArray, argv);
    } else {
        ctx.block(keys, deadline, Reply::NilArray);
    }
    Ok(Reply::NilArray)
}
