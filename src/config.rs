//! Configuration parameters, shared by the engine, the server and the JS package.
//!
//! Every parameter lives in one table ([`PARAMS`]) with its kind, default and whether it
//! may change at runtime; values are kept as canonical strings (what `CONFIG GET`
//! prints) and the hot ones are mirrored into typed fields by [`Config::apply`].
//! Host-only parameters (port, bind, appendonly, ...) are in the same table so that
//! `CONFIG GET *` and redis.conf files see one namespace.

use crate::compact::ByteMap;

/// How a parameter's value is parsed and printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// yes/no.
    Bool,
    /// A signed integer in [min, max].
    Int(i64, i64),
    /// A byte count with optional unit (`64mb`, `1gb`); printed as bytes.
    Memory,
    /// One of a fixed set of words.
    Enum(&'static [&'static str]),
    /// Any string.
    Str,
}

/// One parameter's definition.
#[derive(Debug)]
pub struct Param {
    /// Canonical name.
    pub name: &'static str,
    /// Other accepted names.
    pub aliases: &'static [&'static str],
    /// Value kind.
    pub kind: Kind,
    /// Default, in canonical form.
    pub default: &'static str,
    /// Settable with CONFIG SET.
    pub mutable: bool,
}

const POLICIES: &[&str] = &[
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "noeviction",
];

macro_rules! p {
    ($name:expr, $kind:expr, $def:expr, $mutable:expr) => {
        Param {
            name: $name,
            aliases: &[],
            kind: $kind,
            default: $def,
            mutable: $mutable,
        }
    };
    ($name:expr, $aliases:expr, $kind:expr, $def:expr, $mutable:expr) => {
        Param {
            name: $name,
            aliases: $aliases,
            kind: $kind,
            default: $def,
            mutable: $mutable,
        }
    };
}

/// All known parameters.
pub static PARAMS: &[Param] = &[
    p!("port", Kind::Int(0, 65535), "6379", false),
    p!("bind", Kind::Str, "127.0.0.1", false),
    p!("tcp-backlog", Kind::Int(0, i32::MAX as i64), "511", false),
    p!("databases", Kind::Int(1, i32::MAX as i64), "16", false),
    p!("maxclients", Kind::Int(1, i32::MAX as i64), "10000", true),
    p!("timeout", Kind::Int(0, i32::MAX as i64), "0", true),
    p!("tcp-keepalive", Kind::Int(0, i32::MAX as i64), "300", true),
    p!(
        "client-output-buffer-limit",
        Kind::Str,
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
        true
    ),
    p!("hz", Kind::Int(1, 500), "10", true),
    p!("maxmemory", Kind::Memory, "0", true),
    p!("maxmemory-policy", Kind::Enum(POLICIES), "noeviction", true),
    p!("maxmemory-samples", Kind::Int(1, 64), "5", true),
    p!("proto-max-bulk-len", Kind::Memory, "536870912", true),
    p!(
        "client-query-buffer-limit",
        Kind::Memory,
        "1073741824",
        true
    ),
    p!("requirepass", Kind::Str, "", true),
    p!("protected-mode", Kind::Bool, "yes", true),
    p!("daemonize", Kind::Bool, "no", false),
    p!("dir", Kind::Str, ".", true),
    p!("dbfilename", Kind::Str, "dump.rdb", true),
    p!("save", Kind::Str, "", true),
    p!("appendonly", Kind::Bool, "no", true),
    p!(
        "appendfsync",
        Kind::Enum(&["always", "everysec", "no"]),
        "everysec",
        true
    ),
    p!("appendfilename", Kind::Str, "appendonly.aof", false),
    p!("appenddirname", Kind::Str, "appendonlydir", false),
    p!("aof-load-truncated", Kind::Bool, "yes", true),
    p!("aof-use-rdb-preamble", Kind::Bool, "yes", true),
    p!("aof-timestamp-enabled", Kind::Bool, "no", true),
    p!(
        "auto-aof-rewrite-percentage",
        Kind::Int(0, i32::MAX as i64),
        "100",
        true
    ),
    p!("auto-aof-rewrite-min-size", Kind::Memory, "67108864", true),
    p!("no-appendfsync-on-rewrite", Kind::Bool, "no", true),
    p!("aof-rewrite-incremental-fsync", Kind::Bool, "yes", true),
    p!("rdbcompression", Kind::Bool, "yes", true),
    p!("rdbchecksum", Kind::Bool, "yes", true),
    p!("rdb-del-sync-files", Kind::Bool, "no", true),
    p!("stop-writes-on-bgsave-error", Kind::Bool, "yes", true),
    p!(
        "loglevel",
        Kind::Enum(&["debug", "verbose", "notice", "warning", "nothing"]),
        "notice",
        true
    ),
    p!("logfile", Kind::Str, "", false),
    p!("lazyfree-lazy-user-del", Kind::Bool, "no", true),
    p!("lazyfree-lazy-user-flush", Kind::Bool, "no", true),
    p!("notify-keyspace-events", Kind::Str, "", true),
    p!("active-expire-effort", Kind::Int(1, 10), "1", true),
    p!("lfu-log-factor", Kind::Int(0, i32::MAX as i64), "10", true),
    p!("lfu-decay-time", Kind::Int(0, i32::MAX as i64), "1", true),
    p!(
        "slowlog-log-slower-than",
        Kind::Int(-1, i64::MAX),
        "10000",
        true
    ),
    p!("slowlog-max-len", Kind::Int(0, i64::MAX), "128", true),
    p!("latency-tracking", Kind::Bool, "yes", true),
    p!(
        "latency-tracking-info-percentiles",
        Kind::Str,
        "50 99 99.9",
        true
    ),
    p!(
        "latency-monitor-threshold",
        Kind::Int(0, i64::MAX),
        "0",
        true
    ),
    p!("aclfile", Kind::Str, "", false),
    p!("acllog-max-len", Kind::Int(0, i64::MAX), "128", true),
    p!(
        "acl-pubsub-default",
        Kind::Enum(&["allchannels", "resetchannels"]),
        "resetchannels",
        true
    ),
    p!(
        "tracking-table-max-keys",
        Kind::Int(0, i64::MAX),
        "1000000",
        true
    ),
    p!(
        "list-max-listpack-size",
        &["list-max-ziplist-size"],
        Kind::Int(i32::MIN as i64, i32::MAX as i64),
        "-2",
        true
    ),
    p!(
        "hash-max-listpack-entries",
        &["hash-max-ziplist-entries"],
        Kind::Int(0, i64::MAX),
        "512",
        true
    ),
    p!(
        "hash-max-listpack-value",
        &["hash-max-ziplist-value"],
        Kind::Int(0, i64::MAX),
        "64",
        true
    ),
    p!(
        "set-max-intset-entries",
        Kind::Int(0, i64::MAX),
        "512",
        true
    ),
    p!(
        "set-max-listpack-entries",
        Kind::Int(0, i64::MAX),
        "128",
        true
    ),
    p!("set-max-listpack-value", Kind::Int(0, i64::MAX), "64", true),
    p!(
        "zset-max-listpack-entries",
        &["zset-max-ziplist-entries"],
        Kind::Int(0, i64::MAX),
        "128",
        true
    ),
    p!(
        "zset-max-listpack-value",
        &["zset-max-ziplist-value"],
        Kind::Int(0, i64::MAX),
        "64",
        true
    ),
    p!("stream-node-max-bytes", Kind::Memory, "4096", true),
    p!(
        "stream-node-max-entries",
        Kind::Int(0, i64::MAX),
        "100",
        true
    ),
    p!("hll-sparse-max-bytes", Kind::Memory, "3000", true),
];

/// Parse a memory value like Redis's `memtoull`: digits with optional b/k/kb/m/mb/g/gb
/// (case-insensitive; k = 1000, kb = 1024).
pub fn parse_memory(s: &str) -> Option<u64> {
    let lower = s.to_ascii_lowercase();
    let split = lower
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(lower.len());
    let (num, unit) = lower.split_at(split);
    if num.is_empty() {
        return None;
    }
    num.parse::<u64>().ok()?.checked_mul(unit_multiplier(unit)?)
}

/// The multiplier of a memory unit as Redis's `memtoull` reads it (lowercase):
/// none or b, k = 1000, kb = 1024, m, mb, g, gb.
fn unit_multiplier(unit: &str) -> Option<u64> {
    Some(match unit {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    })
}

/// One class's `client-output-buffer-limit`: a hard limit (bytes; 0 = none), and a
/// soft limit (bytes; 0 = none) that closes a client whose output stays over it for
/// more than `soft_seconds` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ObufLimit {
    /// Hard limit in bytes (0 = none).
    pub hard: u64,
    /// Soft limit in bytes (0 = none).
    pub soft: u64,
    /// Seconds over the soft limit before the client is closed.
    pub soft_seconds: u64,
}

/// Output buffer limit classes, in Redis's order (`normal`, `slave`, `pubsub`).
pub const OBUF_NORMAL: usize = 0;
/// The replica class (`slave` / `replica`). Cinnabar has no replication, so this
/// class is parsed, validated, stored and rewritten but applies to no client.
pub const OBUF_REPLICA: usize = 1;
/// The Pub/Sub class: clients subscribed to at least one channel or pattern.
pub const OBUF_PUBSUB: usize = 2;
const OBUF_CLASS_NAMES: [&str; 3] = ["normal", "slave", "pubsub"];

/// Redis's `memtoull` as in 7.0: digits (possibly none) and an optional unit; an
/// overlong number saturates and the unit multiplication wraps, as the oracle does.
fn memtoull(s: &str) -> Option<u64> {
    if s.starts_with('-') {
        return None;
    }
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let mul = unit_multiplier(&unit.to_ascii_lowercase())?;
    if digits.len() >= 128 {
        return None;
    }
    let v = if digits.is_empty() {
        0
    } else {
        digits.parse::<u64>().unwrap_or(u64::MAX)
    };
    Some(v.wrapping_mul(mul))
}

/// `strtoll(s, &end, 10)` with `*end == '\0'` required, stored into a C `int` as Redis
/// does for `soft_seconds` (so values wrap modulo 2^32).
fn soft_seconds(s: &str) -> Option<i32> {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    if t.is_empty() {
        // No conversion: the end pointer is the (empty) end of the string.
        return if s.is_empty() { Some(0) } else { None };
    }
    let (neg, digits) = match t.as_bytes()[0] {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: i64 = match digits.parse::<i64>() {
        Ok(v) if neg => -v,
        Ok(v) => v,
        Err(_) if neg => i64::MIN,
        Err(_) => i64::MAX,
    };
    Some(v as i32)
}

/// Parse a `client-output-buffer-limit` value (`<class> <hard> <soft> <seconds>`
/// groups, split on single spaces as Redis's CONFIG SET does) into the classes it
/// sets. Errors carry Redis's wording.
pub fn parse_obuf_limits(value: &str) -> Result<Vec<(usize, ObufLimit)>, String> {
    let words: Vec<&str> = if value.is_empty() {
        Vec::new()
    } else {
        value.split(' ').collect()
    };
    if words.len() % 4 != 0 {
        return Err("Wrong number of arguments in buffer limit configuration.".into());
    }
    let mut out = Vec::new();
    for g in words.chunks(4) {
        let class = match g[0].to_ascii_lowercase().as_str() {
            "normal" => OBUF_NORMAL,
            "slave" | "replica" => OBUF_REPLICA,
            "pubsub" => OBUF_PUBSUB,
            _ => {
                return Err("Invalid client class specified in buffer limit configuration.".into());
            }
        };
        let bad = || "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
        let hard = memtoull(g[1]).ok_or_else(bad)?;
        let soft = memtoull(g[2]).ok_or_else(bad)?;
        let secs = soft_seconds(g[3]).filter(|&v| v >= 0).ok_or_else(bad)?;
        out.push((
            class,
            ObufLimit {
                hard,
                soft,
                soft_seconds: secs as u64,
            },
        ));
    }
    Ok(out)
}

/// The `CONFIG GET` form of the three classes (bytes, Redis's class names).
pub fn format_obuf_limits(limits: &[ObufLimit; 3]) -> String {
    let mut parts = Vec::with_capacity(3);
    for (name, l) in OBUF_CLASS_NAMES.iter().zip(limits) {
        parts.push(format!("{name} {} {} {}", l.hard, l.soft, l.soft_seconds));
    }
    parts.join(" ")
}

/// Redis's defaults: normal 0 0 0, replica 256mb 64mb 60, pubsub 32mb 8mb 60.
pub const OBUF_DEFAULTS: [ObufLimit; 3] = [
    ObufLimit {
        hard: 0,
        soft: 0,
        soft_seconds: 0,
    },
    ObufLimit {
        hard: 256 * 1024 * 1024,
        soft: 64 * 1024 * 1024,
        soft_seconds: 60,
    },
    ObufLimit {
        hard: 32 * 1024 * 1024,
        soft: 8 * 1024 * 1024,
        soft_seconds: 60,
    },
];

/// Why a value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// No such parameter.
    Unknown,
    /// Not settable at runtime.
    Immutable,
    /// The value is invalid; the text says why (Redis's wording).
    Invalid(String),
}

/// Look a parameter up by name or alias (case-insensitive).
pub fn find_param(name: &str) -> Option<&'static Param> {
    PARAMS.iter().find(|p| {
        p.name.eq_ignore_ascii_case(name) || p.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    })
}

/// Validate `value` for `p` and return its canonical form.
pub fn canonical(p: &Param, value: &str) -> Result<String, ConfigError> {
    if p.name == "notify-keyspace-events" {
        let f = crate::pubsub::notify::parse(value).ok_or_else(|| {
            ConfigError::Invalid("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".into())
        })?;
        return Ok(crate::pubsub::notify::to_string(f));
    }
    if p.name == "latency-tracking-info-percentiles" {
        let mut out = Vec::new();
        for w in value.split_whitespace() {
            let v = crate::float_parse::parse_f64(w).ok_or_else(|| {
                ConfigError::Invalid("Invalid latency-tracking-info-percentiles parameters".into())
            })?;
            if !(0.0..=100.0).contains(&v) {
                return Err(ConfigError::Invalid(
                    "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"
                        .into(),
                ));
            }
            let s = crate::float_fmt::fixed(v, 6);
            out.push(s.trim_end_matches('0').trim_end_matches('.').to_string());
        }
        return Ok(out.join(" "));
    }
    if p.name == "client-output-buffer-limit" {
        // Validated and normalised (bytes, `slave` for `replica`); only the classes
        // given: `Config::set` merges them into the current three.
        let mut groups = Vec::new();
        for (class, l) in parse_obuf_limits(value).map_err(ConfigError::Invalid)? {
            groups.push(format!(
                "{} {} {} {}",
                OBUF_CLASS_NAMES[class], l.hard, l.soft, l.soft_seconds
            ));
        }
        return Ok(groups.join(" "));
    }
    if matches!(p.name, "proto-max-bulk-len" | "client-query-buffer-limit")
        && parse_memory(value).is_some_and(|v| v < 1024 * 1024)
    {
        return Err(ConfigError::Invalid(format!(
            "argument must be between 1048576 and {} inclusive",
            i64::MAX
        )));
    }
    match p.kind {
        Kind::Bool => match value.to_ascii_lowercase().as_str() {
            "yes" => Ok("yes".into()),
            "no" => Ok("no".into()),
            _ => Err(ConfigError::Invalid(
                "argument must be 'yes' or 'no'".into(),
            )),
        },
        Kind::Int(min, max) => {
            let v: i64 = value.parse().map_err(|_| {
                ConfigError::Invalid("argument couldn't be parsed into an integer".into())
            })?;
            if v < min || v > max {
                return Err(ConfigError::Invalid(format!(
                    "argument must be between {min} and {max} inclusive"
                )));
            }
            Ok(v.to_string())
        }
        Kind::Memory => parse_memory(value)
            .map(|v| v.to_string())
            .ok_or_else(|| ConfigError::Invalid("argument must be a memory value".into())),
        Kind::Enum(words) => words
            .iter()
            .find(|w| w.eq_ignore_ascii_case(value))
            .map(|w| w.to_string())
            .ok_or_else(|| {
                ConfigError::Invalid(
                    "argument(s) must be one of the following: ".to_string() + &words.join(", "),
                )
            }),
        Kind::Str => Ok(value.to_string()),
    }
}

/// The configuration: canonical string values plus typed copies of the hot ones.
#[derive(Debug, Clone)]
pub struct Config {
    values: ByteMap<String>,
    /// Number of databases.
    pub databases: usize,
    /// `maxmemory` in bytes (0 = no limit).
    pub maxmemory: u64,
    /// `proto-max-bulk-len`.
    pub proto_max_bulk_len: usize,
    /// `hz`.
    pub hz: u32,
    /// `requirepass` (empty = none).
    pub requirepass: String,
    /// Parsed `notify-keyspace-events` (see `pubsub::notify`).
    pub notify_flags: u32,
    /// Access tracking: whether `maxmemory-policy` is an LFU one, `lfu-log-factor`,
    /// `lfu-decay-time` (read on every key lookup).
    pub tracking: crate::db::lru::Tracking,
    /// `zset-max-listpack-entries` (typed copy for the sorted-set hot path).
    pub zset_max_listpack_entries: usize,
    /// `zset-max-listpack-value`.
    pub zset_max_listpack_value: usize,
    /// `hash-max-listpack-entries` (typed copy for the hash hot path).
    pub hash_max_listpack_entries: usize,
    /// `hash-max-listpack-value`.
    pub hash_max_listpack_value: usize,
    /// `list-max-listpack-size` (typed copy for the list hot path).
    pub list_max_listpack_size: i32,
    /// `set-max-intset-entries`, `set-max-listpack-entries/-value` (typed copy for sets).
    pub set_limits: crate::types::set::SetLimits,
    /// `stream-node-max-bytes` / `stream-node-max-entries` (typed copy for XADD).
    pub stream_node: crate::types::stream::NodeLimits,
    /// `hll-sparse-max-bytes` (typed copy for PFADD).
    pub hll_sparse_max_bytes: usize,
    /// `client-output-buffer-limit` per class ([`OBUF_NORMAL`], [`OBUF_REPLICA`],
    /// [`OBUF_PUBSUB`]); read by the server on every batch.
    pub obuf_limits: [ObufLimit; 3],
    /// `client-query-buffer-limit` in bytes (read by the server on every read).
    pub client_query_buffer_limit: usize,
    /// `loglevel`: 0 debug, 1 verbose, 2 notice, 3 warning, 255 nothing (the server
    /// applies a CONFIG SET of it to its log at once).
    pub loglevel: u8,
}

impl Default for Config {
    fn default() -> Self {
        let mut c = Config {
            values: {
                let mut m = ByteMap::new();
                for p in PARAMS {
                    m.insert(p.name, p.default.to_string());
                }
                m
            },
            databases: 16,
            maxmemory: 0,
            proto_max_bulk_len: 512 * 1024 * 1024,
            hz: 10,
            requirepass: String::new(),
            notify_flags: 0,
            tracking: crate::db::lru::Tracking::default(),
            zset_max_listpack_entries: 128,
            zset_max_listpack_value: 64,
            hash_max_listpack_entries: 512,
            hash_max_listpack_value: 64,
            list_max_listpack_size: -2,
            set_limits: crate::types::set::SetLimits::default(),
            stream_node: crate::types::stream::NodeLimits::default(),
            hll_sparse_max_bytes: 3000,
            obuf_limits: OBUF_DEFAULTS,
            client_query_buffer_limit: 1 << 30,
            loglevel: 2,
        };
        c.apply();
        c
    }
}

impl Config {
    /// The canonical value of `name` (a canonical name).
    pub fn get(&self, name: &str) -> Option<&str> {
        let p = find_param(name)?;
        self.values.get(p.name).map(|s| s.as_str())
    }

    /// All (name, value) pairs in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter_str().map(|(k, v)| (k, v.as_str()))
    }

    /// Set a parameter at startup (any parameter) or at runtime (`runtime`: only mutable).
    pub fn set(&mut self, name: &str, value: &str, runtime: bool) -> Result<(), ConfigError> {
        let p = find_param(name).ok_or(ConfigError::Unknown)?;
        if runtime && !p.mutable {
            return Err(ConfigError::Immutable);
        }
        let mut v = canonical(p, value)?;
        if p.name == "client-output-buffer-limit" {
            // A partial value changes only the classes it names.
            let mut limits = self.obuf_limits;
            for (class, l) in parse_obuf_limits(&v).map_err(ConfigError::Invalid)? {
                limits[class] = l;
            }
            v = format_obuf_limits(&limits);
        }
        self.values.insert(p.name, v);
        self.apply();
        Ok(())
    }

    /// Refresh typed fields from the string values.
    pub fn apply(&mut self) {
        let g = |k: &str| self.values.get(k).map(|s| s.as_str()).unwrap_or("");
        self.databases = g("databases").parse().unwrap_or(16);
        self.maxmemory = g("maxmemory").parse().unwrap_or(0);
        self.proto_max_bulk_len = g("proto-max-bulk-len").parse().unwrap_or(512 * 1024 * 1024);
        self.hz = g("hz").parse().unwrap_or(10);
        self.requirepass = g("requirepass").to_string();
        self.notify_flags = crate::pubsub::notify::parse(g("notify-keyspace-events")).unwrap_or(0);
        self.zset_max_listpack_entries = g("zset-max-listpack-entries").parse().unwrap_or(128);
        self.zset_max_listpack_value = g("zset-max-listpack-value").parse().unwrap_or(64);
        self.tracking = crate::db::lru::Tracking {
            lfu: g("maxmemory-policy").ends_with("lfu"),
            log_factor: g("lfu-log-factor").parse().unwrap_or(10),
            decay_time: g("lfu-decay-time").parse().unwrap_or(1),
        };
        self.hash_max_listpack_entries = g("hash-max-listpack-entries").parse().unwrap_or(512);
        self.hash_max_listpack_value = g("hash-max-listpack-value").parse().unwrap_or(64);
        self.list_max_listpack_size = g("list-max-listpack-size").parse().unwrap_or(-2);
        self.set_limits = crate::types::set::SetLimits::parse(g);
        self.stream_node = crate::types::stream::NodeLimits {
            max_bytes: g("stream-node-max-bytes").parse().unwrap_or(4096),
            max_entries: g("stream-node-max-entries").parse().unwrap_or(100),
        };
        self.hll_sparse_max_bytes = g("hll-sparse-max-bytes").parse().unwrap_or(3000);
        let mut limits = OBUF_DEFAULTS;
        for (class, l) in parse_obuf_limits(g("client-output-buffer-limit")).unwrap_or_default() {
            limits[class] = l;
        }
        self.obuf_limits = limits;
        self.client_query_buffer_limit = g("client-query-buffer-limit")
            .parse::<u64>()
            .map_or(1 << 30, |v| usize::try_from(v).unwrap_or(usize::MAX));
        self.loglevel = match g("loglevel") {
            "debug" => 0,
            "verbose" => 1,
            "warning" => 3,
            "nothing" => u8::MAX,
            _ => 2,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_units() {
        assert_eq!(parse_memory("64mb"), Some(64 * 1024 * 1024));
        assert_eq!(parse_memory("1GB"), Some(1 << 30));
        assert_eq!(parse_memory("10k"), Some(10_000));
        assert_eq!(parse_memory("12"), Some(12));
        assert_eq!(parse_memory("x"), None);
        assert_eq!(parse_memory("-1"), None);
    }

    #[test]
    fn set_validates_and_canonicalises() {
        let mut c = Config::default();
        c.set("MAXMEMORY", "1mb", true).unwrap();
        assert_eq!(c.get("maxmemory"), Some("1048576"));
        assert_eq!(c.maxmemory, 1048576);
        assert_eq!(c.set("maxmemory-policy", "ALLKEYS-LRU", true), Ok(()));
        assert_eq!(c.get("maxmemory-policy"), Some("allkeys-lru"));
        assert!(matches!(
            c.set("hz", "abc", true),
            Err(ConfigError::Invalid(_))
        ));
        assert_eq!(c.set("port", "1", true), Err(ConfigError::Immutable));
        assert_eq!(c.set("nope", "1", true), Err(ConfigError::Unknown));
    }

    #[test]
    fn output_buffer_limits_parse_merge_and_print_like_redis() {
        let mut c = Config::default();
        assert_eq!(c.obuf_limits, OBUF_DEFAULTS);
        assert_eq!(
            c.get("client-output-buffer-limit"),
            Some("normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60")
        );
        // A partial value changes only its classes; units become bytes.
        c.set("client-output-buffer-limit", "normal 1mb 512kb 10", true)
            .unwrap();
        assert_eq!(
            c.get("client-output-buffer-limit"),
            Some("normal 1048576 524288 10 slave 268435456 67108864 60 pubsub 33554432 8388608 60")
        );
        c.set("client-output-buffer-limit", "REPLICA 1k 2KB 3", true)
            .unwrap();
        assert_eq!(
            c.obuf_limits[OBUF_REPLICA],
            ObufLimit {
                hard: 1000,
                soft: 2048,
                soft_seconds: 3
            }
        );
        assert_eq!(c.obuf_limits[OBUF_NORMAL].hard, 1048576);
        let err = |v: &str| match canonical(find_param("client-output-buffer-limit").unwrap(), v) {
            Err(ConfigError::Invalid(e)) => e,
            other => panic!("{v:?} accepted: {other:?}"),
        };
        assert!(err("normal 1 2").starts_with("Wrong number"));
        assert!(err(" normal 1 2 3").starts_with("Wrong number"));
        assert!(err("master 1 2 3").starts_with("Invalid client class"));
        assert!(err("normal -1 2 3").starts_with("Error in hard"));
        assert!(err("normal 1 2 2147483648").starts_with("Error in hard"));
        assert!(err("normal 1 2 3x").starts_with("Error in hard"));
        // Redis 7.0's quirks: no digits is 0, seconds wrap into a C int, "+3" is 3.
        assert_eq!(
            parse_obuf_limits("normal kb 0 ").unwrap()[0].1,
            ObufLimit::default()
        );
        assert_eq!(
            parse_obuf_limits("normal 1 2 4294967297").unwrap()[0]
                .1
                .soft_seconds,
            1
        );
        assert_eq!(
            parse_obuf_limits("normal 1 2 +3").unwrap()[0]
                .1
                .soft_seconds,
            3
        );
        assert_eq!(
            parse_obuf_limits("normal 99999999999999999999999 0 0").unwrap()[0]
                .1
                .hard,
            u64::MAX
        );
        assert_eq!(parse_obuf_limits("").unwrap(), vec![]);
        // A refused value changes nothing.
        let before = c.clone().obuf_limits;
        assert!(
            c.set("client-output-buffer-limit", "pubsub 1 2 3 foo 1 2 3", true)
                .is_err()
        );
        assert_eq!(c.obuf_limits, before);
    }

    #[test]
    fn query_buffer_limit_is_typed() {
        let mut c = Config::default();
        assert_eq!(c.client_query_buffer_limit, 1 << 30);
        c.set("client-query-buffer-limit", "2mb", true).unwrap();
        assert_eq!(c.client_query_buffer_limit, 2 * 1024 * 1024);
    }
}
