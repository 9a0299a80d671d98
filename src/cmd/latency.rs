//! LATENCY: LATEST, HISTORY, RESET, GRAPH, DOCTOR, HISTOGRAM, HELP.
//!
//! Events (`command`, `fast-command`) are recorded by the dispatcher when a command
//! takes at least `latency-monitor-threshold` milliseconds (`crate::ops::latency`);
//! HISTOGRAM reports the per-command latency distributions kept for INFO
//! latencystats.

use std::fmt::Write as _;

use super::{Args, Ctx, Handler};
use crate::reply::{CmdError, CmdResult, Reply};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("latency|latest", latest),
    ("latency|history", history),
    ("latency|reset", reset),
    ("latency|graph", graph),
    ("latency|doctor", doctor),
    ("latency|histogram", histogram),
    ("latency|help", help),
];

/// ```text
/// LATENCY LATEST
/// ```
pub fn latest(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(Reply::Array(
        ctx.st
            .ops
            .latency
            .events
            .iter()
            .map(|(name, ts)| {
                let last = ts.latest();
                Reply::Array(vec![
                    Reply::bulk(name),
                    Reply::Int(last.time),
                    Reply::Int(last.latency as i64),
                    Reply::Int(ts.max as i64),
                ])
            })
            .collect(),
    ))
}

/// ```text
/// LATENCY HISTORY event
/// ```
pub fn history(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let name = String::from_utf8_lossy(args.get(2));
    Ok(Reply::Array(
        match ctx.st.ops.latency.events.get(name.as_ref()) {
            Some(ts) => ts
                .history()
                .map(|s| Reply::Array(vec![Reply::Int(s.time), Reply::Int(s.latency as i64)]))
                .collect(),
            None => Vec::new(),
        },
    ))
}

/// ```text
/// LATENCY RESET [event [event ...]]
/// ```
pub fn reset(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let events = &mut ctx.st.ops.latency.events;
    if args.len() == 2 {
        let n = events.len();
        events.clear();
        return Ok(Reply::Int(n as i64));
    }
    let mut n = 0;
    for a in args.iter().skip(2) {
        if events.remove(String::from_utf8_lossy(a).as_ref()).is_some() {
            n += 1;
        }
    }
    Ok(Reply::Int(n))
}

/// ```text
/// LATENCY GRAPH event
/// ```
///
/// A small text chart of the event's samples, oldest on the left, one column per
/// sample, tallest bar at the maximum.
pub fn graph(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let name = String::from_utf8_lossy(args.get(2)).into_owned();
    let samples: Vec<crate::ops::latency::Sample> = ctx
        .st
        .ops
        .latency
        .events
        .get(&name)
        .map(|ts| ts.history().collect())
        .unwrap_or_default();
    if samples.is_empty() {
        return Err(CmdError::err(format!(
            "No samples available for event '{name}'"
        )));
    }
    let max = samples.iter().map(|s| s.latency).max().unwrap_or(1).max(1);
    let min = samples.iter().map(|s| s.latency).min().unwrap_or(0);
    let rows = 4u64;
    let mut out = format!("{name} - high {max} ms, low {min} ms (all time high {max} ms)\n");
    out.push_str(&"-".repeat(80));
    out.push('\n');
    for row in (1..=rows).rev() {
        let line: String = samples
            .iter()
            .map(|s| {
                if s.latency * rows >= row * max {
                    '#'
                } else {
                    ' '
                }
            })
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    Ok(Reply::Verbatim("txt", out.into_bytes()))
}

/// ```text
/// LATENCY DOCTOR
/// ```
///
/// A plain-language summary of the recorded events.
pub fn doctor(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    let threshold = ctx.st.ops.hot.latency_threshold;
    let mut out = String::new();
    if threshold == 0 {
        out.push_str(
            "Latency monitoring is disabled. Enable it with CONFIG SET \
             latency-monitor-threshold <milliseconds>.\n",
        );
    } else if ctx.st.ops.latency.events.is_empty() {
        let _ = writeln!(
            out,
            "No latency spikes of {threshold} ms or more were recorded: nothing to report."
        );
    } else {
        let _ = writeln!(
            out,
            "Latency spikes of at least {threshold} ms were recorded for these events:\n"
        );
        for (i, (name, ts)) in ctx.st.ops.latency.events.iter_str().enumerate() {
            let samples: Vec<_> = ts.history().collect();
            let avg = samples.iter().map(|s| s.latency).sum::<u64>() / samples.len().max(1) as u64;
            let _ = writeln!(
                out,
                "{}. {name}: {} latency spikes (average {avg}ms, worst {}ms).",
                i + 1,
                samples.len(),
                ts.max
            );
        }
        out.push_str(
            "\nSlow commands are listed by SLOWLOG GET; commands with a high per-call cost \
             show in INFO commandstats.\n",
        );
    }
    Ok(Reply::Verbatim("txt", out.into_bytes()))
}

fn histogram_reply(name: &str, s: &crate::ops::stats::CmdStat) -> Option<(Reply, Reply)> {
    let h = s.hist.as_ref()?;
    let buckets: Vec<(Reply, Reply)> = h
        .cdf_log2()
        .into_iter()
        .map(|(us, n)| (Reply::Int(us as i64), Reply::Int(n as i64)))
        .collect();
    Some((
        Reply::bulk(name),
        Reply::Map(vec![
            (Reply::bulk("calls"), Reply::Int(s.calls as i64)),
            (Reply::bulk("histogram_usec"), Reply::Map(buckets)),
        ]),
    ))
}

/// ```text
/// LATENCY HISTOGRAM [command [command ...]]
/// ```
pub fn histogram(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let stats = &mut ctx.st.ops.cmdstats;
    let mut out = Vec::new();
    if args.len() == 2 {
        let mut all: Vec<(&'static str, usize)> = stats
            .iter()
            .map(|(id, _)| (crate::acl::commands::name(id), id))
            .collect();
        crate::compact::sort_by_key_bytes(&mut all, |p| p.0.as_bytes());
        for (name, id) in all {
            if let Some(s) = stats.get_mut(id)
                && let Some(r) = histogram_reply(name, s)
            {
                out.push(r);
            }
        }
        return Ok(Reply::Map(out));
    }
    let idx = crate::acl::commands::index();
    for a in args.iter().skip(2) {
        let Some(id) = crate::acl::commands::lookup(a) else {
            continue;
        };
        let mut ids = vec![id];
        ids.extend(idx.subs.get(id).into_iter().flatten().copied());
        for id in ids {
            if let Some(s) = stats.get_mut(id)
                && let Some(r) = histogram_reply(crate::acl::commands::name(id), s)
            {
                out.push(r);
            }
        }
    }
    Ok(Reply::Map(out))
}

/// ```text
/// LATENCY HELP
/// ```
pub fn help(_ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(super::command::help_reply(
        "LATENCY",
        &[
            "DOCTOR",
            "    A plain-language report on the latency events recorded.",
            "GRAPH <event>",
            "    A text chart of <event>'s samples.",
            "HISTORY <event>",
            "    The (time, latency) samples of <event>, oldest first.",
            "LATEST",
            "    For each event: its name, latest sample time, latest latency and maximum.",
            "RESET [<event> ...]",
            "    Forget the samples of the given events (all events by default).",
            "HISTOGRAM [<command> ...]",
            "    Per-command latency distributions (all commands by default).",
        ],
    ))
}
