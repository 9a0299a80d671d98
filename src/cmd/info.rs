//! INFO: the server report, laid out as Redis 7.2's `genRedisInfoString`.
//!
//! Sections appear in Redis's order, separated by a blank line, each line `field:value`
//! ending in CRLF. `INFO` and `INFO default` give the default sections, `all` adds
//! commandstats and latencystats, `everything` adds module sections (we have none);
//! any other argument names a section (case-insensitively). Facts only the host knows
//! (process id, port, executable, config file, OS, CPU times) come from
//! `State::host_info`; numbers the engine does not measure (RSS, fork and replication
//! statistics) are reported as an idle Redis would report them.

use hashbrown::HashSet;
use std::fmt::Write as _;

use super::{Args, Ctx, Handler};
use crate::float_fmt::fixed;
use crate::reply::{CmdResult, Reply};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[("info", info)];

/// Sections in output order: (name, in the default set).
const SECTIONS: &[(&str, bool)] = &[
    ("server", true),
    ("clients", true),
    ("memory", true),
    ("persistence", true),
    ("stats", true),
    ("replication", true),
    ("cpu", true),
    ("modules", true),
    ("commandstats", false),
    ("errorstats", true),
    ("latencystats", false),
    ("cluster", true),
    ("keyspace", true),
];

/// ```text
/// INFO [section [section ...]]
/// ```
pub fn info(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let mut wanted: crate::compact::ByteMap<()> = crate::compact::ByteMap::new();
    let mut all = false;
    if args.len() == 1 {
        wanted.insert("default", ());
    }
    for i in 1..args.len() {
        let s = String::from_utf8_lossy(args.get(i)).to_ascii_lowercase();
        match s.as_str() {
            "all" | "everything" => all = true,
            "module_list" => {
                wanted.insert("modules", ());
            }
            _ => {
                wanted.insert(s, ());
            }
        }
    }
    let default = wanted.contains_key("default");
    let mut out = String::new();
    for &(name, in_default) in SECTIONS {
        if !(all || wanted.contains_key(name) || (default && in_default)) {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\r\n");
        }
        section(ctx, name, &mut out);
    }
    Ok(Reply::Verbatim("txt", out.into_bytes()))
}

/// Redis's `bytesToHuman`: `991.32K`, `1.00M`, `0B`.
pub fn bytes_to_human(n: u64) -> String {
    const K: f64 = 1024.0;
    let d = n as f64;
    if n < 1024 {
        format!("{n}B")
    } else if d < K * K {
        format!("{}K", fixed(d / K, 2))
    } else if d < K * K * K {
        format!("{}M", fixed(d / (K * K), 2))
    } else if d < K * K * K * K {
        format!("{}G", fixed(d / (K * K * K), 2))
    } else if d < K * K * K * K * K {
        format!("{}T", fixed(d / (K * K * K * K), 2))
    } else if d < K * K * K * K * K * K {
        format!("{}P", fixed(d / (K * K * K * K * K), 2))
    } else {
        format!("{n}B")
    }
}

/// A host fact, or `default`.
fn host<'a>(ctx: &'a Ctx, key: &str, default: &'a str) -> &'a str {
    ctx.st
        .host_info
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map_or(default, |(_, v)| v.as_str())
}

/// Append `field:value\r\n` lines.
struct Lines<'a>(&'a mut String);

impl Lines<'_> {
    fn add(&mut self, field: &str, value: impl std::fmt::Display) -> &mut Self {
        let _ = write!(self.0, "{field}:{value}\r\n");
        self
    }
}

fn section(ctx: &mut Ctx, name: &str, out: &mut String) {
    match name {
        "server" => server(ctx, out),
        "clients" => clients(ctx, out),
        "memory" => memory(ctx, out),
        "persistence" => persistence(ctx, out),
        "stats" => stats(ctx, out),
        "replication" => replication(ctx, out),
        "cpu" => cpu(ctx, out),
        "modules" => out.push_str("# Modules\r\n"),
        "commandstats" => commandstats(ctx, out),
        "errorstats" => errorstats(ctx, out),
        "latencystats" => latencystats(ctx, out),
        "cluster" => {
            out.push_str("# Cluster\r\n");
            Lines(out).add("cluster_enabled", 0);
        }
        "keyspace" => keyspace(ctx, out),
        _ => {}
    }
}

fn server(ctx: &Ctx, out: &mut String) {
    out.push_str("# Server\r\n");
    let now = ctx.now;
    let uptime = (now - ctx.st.start_ms).max(0) / 1000;
    let default_os = format!("{} {}", os_name(), std::env::consts::ARCH);
    let hz = ctx.st.config.hz;
    let mut l = Lines(out);
    l.add("redis_version", crate::REDIS_VERSION)
        .add("redis_git_sha1", "00000000")
        .add("redis_git_dirty", 0)
        .add("redis_build_id", "0")
        .add("redis_mode", "standalone")
        .add("os", host(ctx, "os", &default_os))
        .add("arch_bits", usize::BITS)
        .add("monotonic_clock", "POSIX clock_gettime")
        .add("multiplexing_api", host(ctx, "multiplexing_api", "epoll"))
        .add("atomicvar_api", "c11-builtin")
        .add("gcc_version", "0.0.0")
        .add("process_id", host(ctx, "process_id", "0"))
        .add("process_supervised", "no")
        .add("run_id", &ctx.st.run_id)
        .add("tcp_port", host(ctx, "tcp_port", "0"))
        .add("server_time_usec", now.saturating_mul(1000))
        .add("uptime_in_seconds", uptime)
        .add("uptime_in_days", uptime / 86400)
        .add("hz", hz)
        .add("configured_hz", hz)
        .add("lru_clock", (now / 1000) & 0xFF_FFFF)
        .add("executable", host(ctx, "executable", ""))
        .add("config_file", host(ctx, "config_file", ""))
        .add("io_threads_active", 0);
    let port = host(ctx, "tcp_port", "");
    if !port.is_empty() {
        let mut listener = String::from("name=tcp");
        for b in ctx.st.config.get("bind").unwrap_or("").split_whitespace() {
            let _ = write!(listener, ",bind={b}");
        }
        let _ = write!(listener, ",port={port}");
        l.add("listener0", listener);
    }
}

/// "Linux", "Darwin", ... as `uname -s` prints it.
fn os_name() -> String {
    let os = std::env::consts::OS;
    match os {
        "linux" => "Linux".into(),
        "macos" => "Darwin".into(),
        "freebsd" => "FreeBSD".into(),
        other => {
            let mut c = other.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        }
    }
}

fn clients(ctx: &Ctx, out: &mut String) {
    out.push_str("# Clients\r\n");
    let maxclients = ctx.st.config.get("maxclients").unwrap_or("10000");
    // The last seconds' peaks, and what clients hold now (this one included).
    let (mut recent_in, mut recent_out) = ctx.st.stats.client_peaks.recent(ctx.now);
    for s in ctx.clients.iter().chain(std::iter::once(&*ctx.sess)) {
        recent_in = recent_in.max(s.qbuf);
        recent_out = recent_out.max(s.omem);
    }
    Lines(out)
        .add("connected_clients", ctx.clients.len())
        .add("cluster_connections", 0)
        .add("maxclients", maxclients)
        .add("client_recent_max_input_buffer", recent_in)
        .add("client_recent_max_output_buffer", recent_out)
        .add("blocked_clients", ctx.st.blocked.len())
        .add("tracking_clients", ctx.st.ops.tracking.clients.len())
        .add("clients_in_timeout_table", 0)
        .add("total_blocking_keys", ctx.st.blocked.by_key.len())
        .add("total_blocking_keys_on_nokey", 0);
}

fn memory(ctx: &mut Ctx, out: &mut String) {
    out.push_str("# Memory\r\n");
    let used = ctx.st.used_memory();
    let peak = ctx.st.stats.used_memory_peak.max(used);
    ctx.st.stats.used_memory_peak = peak;
    let startup = 1024 * 1024usize;
    let dataset = used.saturating_sub(startup);
    let pct = |a: usize, b: usize| {
        if b == 0 {
            0.0
        } else {
            a as f64 * 100.0 / b as f64
        }
    };
    let maxmemory = ctx.st.config.maxmemory;
    let policy = ctx
        .st
        .config
        .get("maxmemory-policy")
        .unwrap_or("noeviction");
    let total_system: u64 = host(ctx, "total_system_memory", "0").parse().unwrap_or(0);
    let u = used as u64;
    Lines(out)
        .add("used_memory", used)
        .add("used_memory_human", bytes_to_human(u))
        .add("used_memory_rss", used)
        .add("used_memory_rss_human", bytes_to_human(u))
        .add("used_memory_peak", peak)
        .add("used_memory_peak_human", bytes_to_human(peak as u64))
        .add(
            "used_memory_peak_perc",
            format!("{}%", fixed(pct(used, peak), 2)),
        )
        .add("used_memory_overhead", startup)
        .add("used_memory_startup", startup)
        .add("used_memory_dataset", dataset)
        .add(
            "used_memory_dataset_perc",
            format!("{}%", fixed(pct(dataset, used), 2)),
        )
        .add("allocator_allocated", used)
        .add("allocator_active", used)
        .add("allocator_resident", used)
        .add("total_system_memory", total_system)
        .add("total_system_memory_human", bytes_to_human(total_system))
        .add("used_memory_lua", 0)
        .add("used_memory_vm_eval", 0)
        .add("used_memory_lua_human", "0B")
        .add("used_memory_scripts_eval", 0)
        .add("number_of_cached_scripts", 0)
        .add("number_of_functions", 0)
        .add("number_of_libraries", 0)
        .add("used_memory_vm_functions", 0)
        .add("used_memory_vm_total", 0)
        .add("used_memory_vm_total_human", "0B")
        .add("used_memory_functions", 0)
        .add("used_memory_scripts", 0)
        .add("used_memory_scripts_human", "0B")
        .add("maxmemory", maxmemory)
        .add("maxmemory_human", bytes_to_human(maxmemory))
        .add("maxmemory_policy", policy)
        .add("allocator_frag_ratio", "1.00")
        .add("allocator_frag_bytes", 0)
        .add("allocator_rss_ratio", "1.00")
        .add("allocator_rss_bytes", 0)
        .add("rss_overhead_ratio", "1.00")
        .add("rss_overhead_bytes", 0)
        .add("mem_fragmentation_ratio", "1.00")
        .add("mem_fragmentation_bytes", 0)
        .add("mem_not_counted_for_evict", 0)
        .add("mem_replication_backlog", 0)
        .add("mem_total_replication_buffers", 0)
        .add("mem_clients_slaves", 0)
        .add("mem_clients_normal", 0)
        .add("mem_cluster_links", 0)
        .add("mem_aof_buffer", 0)
        .add("mem_allocator", "libc")
        .add("active_defrag_running", 0)
        .add("lazyfree_pending_objects", 0)
        .add("lazyfreed_objects", 0);
}

fn persistence(ctx: &Ctx, out: &mut String) {
    use crate::persist::Purpose;
    out.push_str("# Persistence\r\n");
    let p = &ctx.st.persist;
    let now = ctx.st.clock.now_ms();
    let status = |ok: bool| if ok { "ok" } else { "err" };
    let (saving, rewriting) = (
        p.bg_running(Purpose::Rdb),
        p.bg_running(Purpose::AofRewrite),
    );
    let elapsed = |on: bool| match (&p.bg, on) {
        (Some(b), true) => (now - b.started_ms).max(0) / 1000,
        _ => -1,
    };
    let (processed, total) =
        p.bg.as_ref()
            .map_or((0, 0), |b| (b.keys_written, b.keys_total));
    let mut l = Lines(out);
    l.add("loading", u8::from(p.loading))
        .add("async_loading", 0)
        .add("current_cow_peak", 0)
        .add("current_cow_size", 0)
        .add("current_cow_size_age", 0)
        .add("current_fork_perc", "0.00")
        .add("current_save_keys_processed", processed)
        .add("current_save_keys_total", total)
        .add("rdb_changes_since_last_save", ctx.st.dirty)
        .add("rdb_bgsave_in_progress", u8::from(saving))
        .add("rdb_last_save_time", p.lastsave)
        .add("rdb_last_bgsave_status", status(p.last_bgsave_ok))
        .add("rdb_last_bgsave_time_sec", p.last_bgsave_time_sec)
        .add("rdb_current_bgsave_time_sec", elapsed(saving))
        .add("rdb_saves", p.rdb_saves)
        .add("rdb_last_cow_size", 0)
        .add("rdb_last_load_keys_expired", p.last_load_keys_expired)
        .add("rdb_last_load_keys_loaded", p.last_load_keys_loaded)
        .add("aof_enabled", u8::from(p.aof.enabled))
        .add("aof_rewrite_in_progress", u8::from(rewriting))
        .add("aof_rewrite_scheduled", u8::from(p.aof.rewrite_scheduled))
        .add("aof_last_rewrite_time_sec", p.aof.last_rewrite_time_sec)
        .add("aof_current_rewrite_time_sec", elapsed(rewriting))
        .add("aof_last_bgrewrite_status", status(p.aof.last_bgrewrite_ok))
        .add("aof_rewrites", p.aof.rewrites)
        .add(
            "aof_rewrites_consecutive_failures",
            p.aof.rewrites_consecutive_failures,
        )
        .add("aof_last_write_status", status(p.aof.last_write_ok))
        .add("aof_last_cow_size", 0)
        .add("module_fork_in_progress", 0)
        .add("module_fork_last_cow_size", 0);
    if p.aof.enabled {
        l.add("aof_current_size", p.aof.current_size)
            .add("aof_base_size", p.aof.base_size)
            .add("aof_pending_rewrite", u8::from(p.aof.rewrite_scheduled))
            .add("aof_buffer_length", p.aof.buffer_length)
            .add("aof_pending_bio_fsync", 0)
            .add("aof_delayed_fsync", p.aof.delayed_fsync);
    }
}

fn stats(ctx: &Ctx, out: &mut String) {
    out.push_str("# Stats\r\n");
    let s = &ctx.st.stats;
    let ps = &ctx.st.pubsub;
    let patterns = ps
        .patterns
        .iter()
        .map(|(p, _)| p.as_slice())
        .collect::<HashSet<&[u8]>>()
        .len();
    Lines(out)
        .add("total_connections_received", s.total_connections_received)
        .add("total_commands_processed", s.total_commands_processed)
        .add("instantaneous_ops_per_sec", 0)
        .add("total_net_input_bytes", s.net_input_bytes)
        .add("total_net_output_bytes", s.net_output_bytes)
        .add("total_net_repl_input_bytes", 0)
        .add("total_net_repl_output_bytes", 0)
        .add("instantaneous_input_kbps", "0.00")
        .add("instantaneous_output_kbps", "0.00")
        .add("instantaneous_input_repl_kbps", "0.00")
        .add("instantaneous_output_repl_kbps", "0.00")
        .add("rejected_connections", s.rejected_connections)
        .add("sync_full", 0)
        .add("sync_partial_ok", 0)
        .add("sync_partial_err", 0)
        .add("expired_keys", s.keys.expired_keys)
        .add("expired_stale_perc", "0.00")
        .add("expired_time_cap_reached_count", 0)
        .add("expire_cycle_cpu_milliseconds", 0)
        .add("evicted_keys", s.evicted_keys)
        .add("evicted_clients", 0)
        .add("total_eviction_exceeded_time", 0)
        .add("current_eviction_exceeded_time", 0)
        .add("keyspace_hits", s.keys.keyspace_hits)
        .add("keyspace_misses", s.keys.keyspace_misses)
        .add("pubsub_channels", ps.channels.len())
        .add("pubsub_patterns", patterns)
        .add("pubsubshard_channels", ps.shard.len())
        .add("latest_fork_usec", 0)
        .add("total_forks", 0)
        .add("migrate_cached_sockets", 0)
        .add("slave_expires_tracked_keys", 0)
        .add("active_defrag_hits", 0)
        .add("active_defrag_misses", 0)
        .add("active_defrag_key_hits", 0)
        .add("active_defrag_key_misses", 0)
        .add("total_active_defrag_time", 0)
        .add("current_active_defrag_time", 0)
        .add("tracking_total_keys", ctx.st.ops.tracking.totals().0)
        .add("tracking_total_items", ctx.st.ops.tracking.totals().1)
        .add("tracking_total_prefixes", ctx.st.ops.tracking.totals().2)
        .add("unexpected_error_replies", 0)
        .add("total_error_replies", s.total_error_replies)
        .add("dump_payload_sanitizations", 0)
        .add("total_reads_processed", 0)
        .add("total_writes_processed", 0)
        .add("io_threaded_reads_processed", 0)
        .add("io_threaded_writes_processed", 0)
        .add("client_query_buffer_limit_disconnections", 0)
        .add("client_output_buffer_limit_disconnections", 0)
        .add("reply_buffer_shrinks", 0)
        .add("reply_buffer_expands", 0)
        .add("eventloop_cycles", 0)
        .add("eventloop_duration_sum", 0)
        .add("eventloop_duration_cmd_sum", 0)
        .add("instantaneous_eventloop_cycles_per_sec", 0)
        .add("instantaneous_eventloop_duration_usec", 0)
        .add("acl_access_denied_auth", ctx.st.acl.denied.auth)
        .add("acl_access_denied_cmd", ctx.st.acl.denied.cmd)
        .add("acl_access_denied_key", ctx.st.acl.denied.key)
        .add("acl_access_denied_channel", ctx.st.acl.denied.channel);
}

/// Command statistics in name order (Redis prints them in hash order).
fn sorted_cmdstats<'a>(ctx: &'a Ctx) -> Vec<(&'static str, &'a crate::ops::stats::CmdStat)> {
    let mut v: Vec<_> = ctx
        .st
        .ops
        .cmdstats
        .iter()
        .map(|(id, s)| (crate::acl::commands::name(id), s))
        .collect();
    crate::compact::sort_by_key_bytes(&mut v, |p| p.0.as_bytes());
    v
}

fn commandstats(ctx: &Ctx, out: &mut String) {
    out.push_str("# Commandstats\r\n");
    for (name, s) in sorted_cmdstats(ctx) {
        let per_call = if s.calls == 0 {
            0.0
        } else {
            s.usec as f64 / s.calls as f64
        };
        let _ = write!(
            out,
            "cmdstat_{name}:calls={},usec={},usec_per_call={},rejected_calls={},failed_calls={}\r\n",
            s.calls,
            s.usec,
            fixed(per_call, 2),
            s.rejected,
            s.failed
        );
    }
}

fn errorstats(ctx: &Ctx, out: &mut String) {
    out.push_str("# Errorstats\r\n");
    for (code, n) in ctx.st.ops.errors.counts.iter_str() {
        let _ = write!(out, "errorstat_{code}:count={n}\r\n");
    }
}

/// `latency-tracking-info-percentiles` as numbers.
fn info_percentiles(ctx: &Ctx) -> Vec<f64> {
    ctx.st
        .config
        .get("latency-tracking-info-percentiles")
        .unwrap_or("50 99 99.9")
        .split_whitespace()
        .filter_map(crate::float_parse::parse_f64)
        .collect()
}

/// A percentile label as Redis prints it (`%f` with trailing zeros trimmed).
fn percentile_label(p: f64) -> String {
    let s = fixed(p, 6);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn latencystats(ctx: &Ctx, out: &mut String) {
    out.push_str("# Latencystats\r\n");
    let pcts = info_percentiles(ctx);
    for (name, s) in sorted_cmdstats(ctx) {
        let Some(h) = &s.hist else { continue };
        if s.calls == 0 {
            continue;
        }
        let fields: Vec<String> = pcts
            .iter()
            .map(|&p| {
                format!(
                    "p{}={}",
                    percentile_label(p),
                    fixed(h.percentile(p) as f64 / 1000.0, 3)
                )
            })
            .collect();
        let _ = write!(
            out,
            "latency_percentiles_usec_{name}:{}\r\n",
            fields.join(",")
        );
    }
}

fn replication(ctx: &Ctx, out: &mut String) {
    out.push_str("# Replication\r\n");
    // A replication id distinct from the run id, stable for the engine's life.
    let replid: String = ctx.st.run_id.chars().rev().collect();
    Lines(out)
        .add("role", "master")
        .add("connected_slaves", 0)
        .add("master_failover_state", "no-failover")
        .add("master_replid", replid)
        .add("master_replid2", "0".repeat(40))
        .add("master_repl_offset", 0)
        .add("second_repl_offset", -1)
        .add("repl_backlog_active", 0)
        .add("repl_backlog_size", 1048576)
        .add("repl_backlog_first_byte_offset", 0)
        .add("repl_backlog_histlen", 0);
}

fn cpu(ctx: &Ctx, out: &mut String) {
    out.push_str("# CPU\r\n");
    let mut l = Lines(out);
    for field in [
        "used_cpu_sys",
        "used_cpu_user",
        "used_cpu_sys_children",
        "used_cpu_user_children",
        "used_cpu_sys_main_thread",
        "used_cpu_user_main_thread",
    ] {
        l.add(field, host(ctx, field, "0.000000"));
    }
}

fn keyspace(ctx: &Ctx, out: &mut String) {
    out.push_str("# Keyspace\r\n");
    let mut l = Lines(out);
    for (i, db) in ctx.st.dbs.iter().enumerate() {
        let keys = db.ks.len();
        let expires = db.ks.volatile_len();
        if keys > 0 || expires > 0 {
            l.add(
                &format!("db{i}"),
                format!("keys={keys},expires={expires},avg_ttl={}", db.avg_ttl),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_bytes_like_redis() {
        assert_eq!(bytes_to_human(0), "0B");
        assert_eq!(bytes_to_human(1023), "1023B");
        assert_eq!(bytes_to_human(1024), "1.00K");
        assert_eq!(bytes_to_human(1015112), "991.32K");
        assert_eq!(bytes_to_human(1048576), "1.00M");
        assert_eq!(bytes_to_human(25276510208), "23.54G");
    }
}
