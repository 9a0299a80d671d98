//! MEMORY USAGE | STATS | DOCTOR | PURGE | MALLOC-STATS | HELP.
//!
//! Sizes come from the engine's incremental accounting (`Keyspace::mem`, each value's
//! `mem_usage`), the same figures maxmemory and eviction use, in wasm and natively.

use super::{Args, BASELINE_MEMORY, Ctx, Handler, parse_i64};
use crate::db::keyspace::ENTRY_OVERHEAD;
use crate::reply::{CmdError, CmdResult, Reply};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("memory|usage", usage),
    ("memory|stats", stats),
    ("memory|doctor", doctor),
    ("memory|purge", purge),
    ("memory|malloc-stats", malloc_stats),
    ("memory|help", help),
];

/// ```text
/// MEMORY USAGE key [SAMPLES count]
/// ```
pub fn usage(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let mut i = 3;
    while i < args.len() {
        if args.is(i, "samples") && i + 1 < args.len() {
            let n = parse_i64(args.get(i + 1))?;
            if n < 0 {
                return Err(CmdError::Syntax);
            }
            i += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let key = args.get(2);
    let now = ctx.now;
    let db = ctx.sess.db;
    // Like Redis, MEMORY USAGE does not count as an access.
    let _ = ctx.st.dbs[db].expire_if_needed(key, now, &mut ctx.st.stats.keys);
    Ok(match ctx.st.dbs[db].ks.get(key) {
        Some(e) => Reply::Int((e.key.len() + e.value.mem_usage() + ENTRY_OVERHEAD) as i64),
        None => Reply::Nil,
    })
}

/// ```text
/// MEMORY STATS
/// ```
pub fn stats(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    let used = ctx.st.used_memory();
    let peak = ctx.st.stats.used_memory_peak.max(used);
    let keys: usize = ctx.st.dbs.iter().map(|d| d.len()).sum();
    let dataset: usize = used.saturating_sub(BASELINE_MEMORY);
    let overhead = BASELINE_MEMORY + keys * ENTRY_OVERHEAD;
    let pct = |a: usize, b: usize| {
        if b == 0 {
            0.0
        } else {
            a as f64 * 100.0 / b as f64
        }
    };
    let mut m: Vec<(Reply, Reply)> = vec![
        (Reply::bulk("peak.allocated"), Reply::Int(peak as i64)),
        (Reply::bulk("total.allocated"), Reply::Int(used as i64)),
        (
            Reply::bulk("startup.allocated"),
            Reply::Int(BASELINE_MEMORY as i64),
        ),
        (Reply::bulk("replication.backlog"), Reply::Int(0)),
        (Reply::bulk("clients.slaves"), Reply::Int(0)),
        (Reply::bulk("clients.normal"), Reply::Int(0)),
        (Reply::bulk("cluster.links"), Reply::Int(0)),
        (Reply::bulk("aof.buffer"), Reply::Int(0)),
        (Reply::bulk("lua.caches"), Reply::Int(0)),
        (Reply::bulk("functions.caches"), Reply::Int(0)),
    ];
    for (i, d) in ctx.st.dbs.iter().enumerate() {
        if d.is_empty() {
            continue;
        }
        m.push((
            Reply::bulk(format!("db.{i}")),
            Reply::Map(vec![
                (
                    Reply::bulk("overhead.hashtable.main"),
                    Reply::Int((d.len() * ENTRY_OVERHEAD) as i64),
                ),
                (
                    Reply::bulk("overhead.hashtable.expires"),
                    Reply::Int((d.ks.volatile_len() * 4) as i64),
                ),
            ]),
        ));
    }
    m.extend([
        (Reply::bulk("overhead.total"), Reply::Int(overhead as i64)),
        (Reply::bulk("keys.count"), Reply::Int(keys as i64)),
        (
            Reply::bulk("keys.bytes-per-key"),
            Reply::Int(dataset.checked_div(keys).unwrap_or(0) as i64),
        ),
        (
            Reply::bulk("dataset.bytes"),
            Reply::Int(dataset.saturating_sub(keys * ENTRY_OVERHEAD) as i64),
        ),
        (
            Reply::bulk("dataset.percentage"),
            Reply::Double(pct(dataset, used)),
        ),
        (
            Reply::bulk("peak.percentage"),
            Reply::Double(pct(used, peak)),
        ),
        (Reply::bulk("fragmentation"), Reply::Double(1.0)),
    ]);
    Ok(Reply::Map(m))
}

/// ```text
/// MEMORY DOCTOR
/// ```
pub fn doctor(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    let used = ctx.st.used_memory();
    let max = ctx.st.config.maxmemory as usize;
    let policy = ctx
        .st
        .config
        .get("maxmemory-policy")
        .unwrap_or("noeviction")
        .to_string();
    let mut notes: Vec<String> = Vec::new();
    if used < 5 * 1024 * 1024 {
        notes.push(
            "This instance holds very little data (under 5 MB); there is nothing to diagnose yet."
                .into(),
        );
    } else {
        if max > 0 && used * 10 > max * 9 {
            notes.push(format!(
                "Memory use is above 90% of maxmemory ({used} of {max} bytes); with policy {policy} {}",
                if policy == "noeviction" { "writes will soon be refused." } else { "keys are being evicted." }
            ));
        }
        let peak = ctx.st.stats.used_memory_peak;
        if peak > used.saturating_mul(2) {
            notes.push(format!("The peak ({peak} bytes) is more than twice the current use: a past burst of data was freed."));
        }
    }
    if notes.is_empty() {
        notes.push("No memory problems found.".into());
    }
    Ok(Reply::Verbatim(
        "txt",
        (notes.join("\n") + "\n").into_bytes(),
    ))
}

/// ```text
/// MEMORY PURGE
/// ```
pub fn purge(_ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(Reply::Ok)
}

/// ```text
/// MEMORY MALLOC-STATS
/// ```
pub fn malloc_stats(_ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(Reply::Verbatim(
        "txt",
        b"Stats not supported for the current allocator".to_vec(),
    ))
}

/// ```text
/// MEMORY HELP
/// ```
pub fn help(_ctx: &mut Ctx, _args: &Args) -> CmdResult {
    let lines = [
        "MEMORY <subcommand> [<arg> ...]. Subcommands:",
        "DOCTOR",
        "    Report memory problems, in plain words.",
        "MALLOC-STATS",
        "    Allocator statistics (not available).",
        "PURGE",
        "    Ask the allocator to release memory (a no-op here).",
        "STATS",
        "    Memory usage figures of the whole instance.",
        "USAGE <key> [SAMPLES <count>]",
        "    Bytes used by a key and its value.",
        "HELP",
        "    Show this text.",
    ];
    Ok(Reply::Array(
        lines.iter().map(|l| Reply::Simple((*l).into())).collect(),
    ))
}
