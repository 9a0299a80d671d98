//! Configuration parameters, shared by the engine, the server and the JS package.
//!
//! Every parameter lives in one table ([`PARAMS`]) with its kind, default and whether it
//! may change at runtime; values are kept as canonical strings (what `CONFIG GET`
//! prints) and the hot ones are mirrored into typed fields by [`Config::apply`].
//! Host-only parameters (port, bind, appendonly, ...) are in the same table so that
//! `CONFIG GET *` and redis.conf files see one namespace.

use std::collections::BTreeMap;

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
    let mul: u64 = match unit {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    num.parse::<u64>().ok()?.checked_mul(mul)
}

/// The pubsub class's hard limit in bytes from a `client-output-buffer-limit` value
/// (`class hard soft seconds` triples; units allowed); 0 = no limit.
pub fn pubsub_hard_limit(value: &str) -> usize {
    let w: Vec<&str> = value.split_whitespace().collect();
    w.chunks(4)
        .find(|c| c.len() == 4 && c[0].eq_ignore_ascii_case("pubsub"))
        .and_then(|c| parse_memory(c[1]))
        .unwrap_or(32 * 1024 * 1024) as usize
}

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
            let v: f64 = w.parse().map_err(|_| {
                ConfigError::Invalid("Invalid latency-tracking-info-percentiles parameters".into())
            })?;
            if !(0.0..=100.0).contains(&v) {
                return Err(ConfigError::Invalid(
                    "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"
                        .into(),
                ));
            }
            let s = format!("{v:.6}");
            out.push(s.trim_end_matches('0').trim_end_matches('.').to_string());
        }
        return Ok(out.join(" "));
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
    values: BTreeMap<&'static str, String>,
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
}

impl Default for Config {
    fn default() -> Self {
        let mut c = Config {
            values: PARAMS
                .iter()
                .map(|p| (p.name, p.default.to_string()))
                .collect(),
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
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.values.iter().map(|(k, v)| (*k, v.as_str()))
    }

    /// Set a parameter at startup (any parameter) or at runtime (`runtime`: only mutable).
    pub fn set(&mut self, name: &str, value: &str, runtime: bool) -> Result<(), ConfigError> {
        let p = find_param(name).ok_or(ConfigError::Unknown)?;
        if runtime && !p.mutable {
            return Err(ConfigError::Immutable);
        }
        let v = canonical(p, value)?;
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
}
