//! Pub/Sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB.
//!
//! Subscription replies are push frames, one per channel, like Redis's: in RESP2 each is
//! an array `[kind, channel, count]`, in RESP3 a push. A RESP2 client with any
//! subscription is in "subscribed mode" (the dispatcher refuses other commands).

use super::{Args, Ctx, Handler};
use crate::glob::glob_match;
use crate::reply::{CmdResult, Reply};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("subscribe", subscribe),
    ("unsubscribe", unsubscribe),
    ("psubscribe", psubscribe),
    ("punsubscribe", punsubscribe),
    ("ssubscribe", ssubscribe),
    ("sunsubscribe", sunsubscribe),
    ("publish", publish),
    ("spublish", spublish),
    ("pubsub|channels", pubsub_channels),
    ("pubsub|numsub", pubsub_numsub),
    ("pubsub|numpat", pubsub_numpat),
    ("pubsub|shardchannels", pubsub_shardchannels),
    ("pubsub|shardnumsub", pubsub_shardnumsub),
    ("pubsub|help", pubsub_help),
];

fn frame(kind: &'static str, name: Option<&[u8]>, count: usize) -> Reply {
    Reply::Push(vec![
        Reply::bulk(kind),
        name.map_or(Reply::Nil, Reply::bulk),
        Reply::Int(count as i64),
    ])
}

fn count(ctx: &Ctx) -> usize {
    ctx.sess.sub_channels.len() + ctx.sess.sub_patterns.len()
}

/// ```text
/// SUBSCRIBE channel [channel ...]
/// ```
pub fn subscribe(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let mut frames = Vec::new();
    let id = ctx.sess.id;
    for ch in args.iter().skip(1) {
        if !ctx.sess.sub_channels.iter().any(|c| c == ch) {
            ctx.sess.sub_channels.push(ch.to_vec());
            ctx.st
                .pubsub
                .channels
                .entry(ch.to_vec())
                .or_default()
                .push(id);
        }
        frames.push(frame("subscribe", Some(ch), count(ctx)));
    }
    Ok(Reply::Frames(frames))
}

/// ```text
/// UNSUBSCRIBE [channel [channel ...]]
/// ```
pub fn unsubscribe(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let targets: Vec<Vec<u8>> = if args.len() > 1 {
        args.iter().skip(1).map(|c| c.to_vec()).collect()
    } else {
        ctx.sess.sub_channels.clone()
    };
    if targets.is_empty() {
        return Ok(Reply::Frames(vec![frame("unsubscribe", None, count(ctx))]));
    }
    let id = ctx.sess.id;
    let mut frames = Vec::new();
    for ch in targets {
        if let Some(pos) = ctx.sess.sub_channels.iter().position(|c| *c == ch) {
            ctx.sess.sub_channels.remove(pos);
            if let Some(ids) = ctx.st.pubsub.channels.get_mut(&ch) {
                ids.retain(|&c| c != id);
                if ids.is_empty() {
                    ctx.st.pubsub.channels.remove(&ch);
                }
            }
        }
        frames.push(frame("unsubscribe", Some(&ch), count(ctx)));
    }
    Ok(Reply::Frames(frames))
}

/// ```text
/// PSUBSCRIBE pattern [pattern ...]
/// ```
pub fn psubscribe(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let mut frames = Vec::new();
    let id = ctx.sess.id;
    for p in args.iter().skip(1) {
        if !ctx.sess.sub_patterns.iter().any(|c| c == p) {
            ctx.sess.sub_patterns.push(p.to_vec());
            ctx.st.pubsub.patterns.push((p.to_vec(), id));
        }
        frames.push(frame("psubscribe", Some(p), count(ctx)));
    }
    Ok(Reply::Frames(frames))
}

/// ```text
/// PUNSUBSCRIBE [pattern [pattern ...]]
/// ```
pub fn punsubscribe(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let targets: Vec<Vec<u8>> = if args.len() > 1 {
        args.iter().skip(1).map(|c| c.to_vec()).collect()
    } else {
        ctx.sess.sub_patterns.clone()
    };
    if targets.is_empty() {
        return Ok(Reply::Frames(vec![frame("punsubscribe", None, count(ctx))]));
    }
    let id = ctx.sess.id;
    let mut frames = Vec::new();
    for p in targets {
        if let Some(pos) = ctx.sess.sub_patterns.iter().position(|c| *c == p) {
            ctx.sess.sub_patterns.remove(pos);
            ctx.st
                .pubsub
                .patterns
                .retain(|(q, c)| !(*c == id && *q == p));
        }
        frames.push(frame("punsubscribe", Some(&p), count(ctx)));
    }
    Ok(Reply::Frames(frames))
}

/// ```text
/// SSUBSCRIBE shardchannel [shardchannel ...]
/// ```
pub fn ssubscribe(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let mut frames = Vec::new();
    let id = ctx.sess.id;
    for ch in args.iter().skip(1) {
        if !ctx.sess.sub_shard.iter().any(|c| c == ch) {
            ctx.sess.sub_shard.push(ch.to_vec());
            ctx.st.pubsub.shard.entry(ch.to_vec()).or_default().push(id);
        }
        frames.push(frame("ssubscribe", Some(ch), ctx.sess.sub_shard.len()));
    }
    Ok(Reply::Frames(frames))
}

/// ```text
/// SUNSUBSCRIBE [shardchannel [shardchannel ...]]
/// ```
pub fn sunsubscribe(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let targets: Vec<Vec<u8>> = if args.len() > 1 {
        args.iter().skip(1).map(|c| c.to_vec()).collect()
    } else {
        ctx.sess.sub_shard.clone()
    };
    if targets.is_empty() {
        return Ok(Reply::Frames(vec![frame("sunsubscribe", None, 0)]));
    }
    let id = ctx.sess.id;
    let mut frames = Vec::new();
    for ch in targets {
        if let Some(pos) = ctx.sess.sub_shard.iter().position(|c| *c == ch) {
            ctx.sess.sub_shard.remove(pos);
            if let Some(ids) = ctx.st.pubsub.shard.get_mut(&ch) {
                ids.retain(|&c| c != id);
                if ids.is_empty() {
                    ctx.st.pubsub.shard.remove(&ch);
                }
            }
        }
        frames.push(frame("sunsubscribe", Some(&ch), ctx.sess.sub_shard.len()));
    }
    Ok(Reply::Frames(frames))
}

/// ```text
/// PUBLISH channel message
/// ```
pub fn publish(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let n = ctx.publish(args.get(1), args.get(2));
    Ok(Reply::Int(n))
}

/// ```text
/// SPUBLISH shardchannel message
/// ```
pub fn spublish(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let ch = args.get(1);
    let me = ctx.sess.id;
    let ids = ctx.st.pubsub.shard.get(ch).cloned().unwrap_or_default();
    for &id in &ids {
        let r = crate::pubsub::message("smessage", ch, args.get(2));
        ctx.push_to(id, me, &r);
    }
    Ok(Reply::Int(ids.len() as i64))
}

fn names_matching<'a>(keys: impl Iterator<Item = &'a Vec<u8>>, pattern: Option<&[u8]>) -> Reply {
    Reply::Array(
        keys.filter(|k| pattern.is_none_or(|p| glob_match(p, k, false)))
            .map(Reply::bulk)
            .collect(),
    )
}

/// ```text
/// PUBSUB CHANNELS [pattern]
/// ```
pub fn pubsub_channels(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let pat = (args.len() > 2).then(|| args.get(2));
    Ok(names_matching(ctx.st.pubsub.channels.keys(), pat))
}

/// ```text
/// PUBSUB SHARDCHANNELS [pattern]
/// ```
pub fn pubsub_shardchannels(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let pat = (args.len() > 2).then(|| args.get(2));
    Ok(names_matching(ctx.st.pubsub.shard.keys(), pat))
}

/// ```text
/// PUBSUB NUMSUB [channel [channel ...]]
/// ```
pub fn pubsub_numsub(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let mut out = Vec::new();
    for ch in args.iter().skip(2) {
        let n = ctx.st.pubsub.channels.get(ch).map_or(0, |v| v.len());
        out.push(Reply::bulk(ch));
        out.push(Reply::Int(n as i64));
    }
    Ok(Reply::Array(out))
}

/// ```text
/// PUBSUB SHARDNUMSUB [shardchannel [shardchannel ...]]
/// ```
pub fn pubsub_shardnumsub(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let mut out = Vec::new();
    for ch in args.iter().skip(2) {
        let n = ctx.st.pubsub.shard.get(ch).map_or(0, |v| v.len());
        out.push(Reply::bulk(ch));
        out.push(Reply::Int(n as i64));
    }
    Ok(Reply::Array(out))
}

/// ```text
/// PUBSUB NUMPAT
/// ```
pub fn pubsub_numpat(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    let mut pats: Vec<&Vec<u8>> = ctx.st.pubsub.patterns.iter().map(|(p, _)| p).collect();
    crate::compact::sort_by_key_bytes(&mut pats, |p| p);
    pats.dedup();
    Ok(Reply::Int(pats.len() as i64))
}

/// ```text
/// PUBSUB HELP
/// ```
pub fn pubsub_help(_ctx: &mut Ctx, _args: &Args) -> CmdResult {
    let lines = [
        "PUBSUB <subcommand> [<arg> ...]. Subcommands:",
        "CHANNELS [<pattern>]",
        "    List channels with at least one subscriber, optionally filtered by a glob pattern.",
        "NUMPAT",
        "    Count the distinct patterns clients are subscribed to.",
        "NUMSUB [<channel> ...]",
        "    For each channel, the number of direct (non-pattern) subscribers.",
        "SHARDCHANNELS [<pattern>]",
        "    List shard channels with at least one subscriber.",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    For each shard channel, the number of subscribers.",
        "HELP",
        "    Show this text.",
    ];
    Ok(Reply::Array(
        lines.iter().map(|l| Reply::Simple((*l).into())).collect(),
    ))
}
