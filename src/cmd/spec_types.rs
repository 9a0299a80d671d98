//! Types for the command specifications generated into `spec.rs`.
//!
//! The data mirrors Redis's `src/commands/*.json`: arity, flags, ACL categories, key
//! specs and the argument tree. Handlers are attached to these specs in `table.rs`.

/// The command may modify the keyspace.
pub const F_WRITE: u32 = 1;
/// The command only reads.
pub const F_READONLY: u32 = 1 << 1;
/// The command may grow memory use (refused when over `maxmemory`).
pub const F_DENYOOM: u32 = 1 << 2;
/// Administrative command.
pub const F_ADMIN: u32 = 1 << 3;
/// Pub/Sub related.
pub const F_PUBSUB: u32 = 1 << 4;
/// Not allowed from scripts.
pub const F_NOSCRIPT: u32 = 1 << 5;
/// May block the client.
pub const F_BLOCKING: u32 = 1 << 6;
/// Allowed while loading.
pub const F_LOADING: u32 = 1 << 7;
/// Allowed on a stale replica.
pub const F_STALE: u32 = 1 << 8;
/// Not shown in MONITOR.
pub const F_SKIP_MONITOR: u32 = 1 << 9;
/// Not recorded in the slow log.
pub const F_SKIP_SLOWLOG: u32 = 1 << 10;
/// Cluster ASKING.
pub const F_ASKING: u32 = 1 << 11;
/// O(1) or O(log N).
pub const F_FAST: u32 = 1 << 12;
/// Runs before authentication.
pub const F_NO_AUTH: u32 = 1 << 13;
/// May replicate even if read-only.
pub const F_MAY_REPLICATE: u32 = 1 << 14;
/// Sentinel command.
pub const F_SENTINEL: u32 = 1 << 15;
/// Only in sentinel mode.
pub const F_ONLY_SENTINEL: u32 = 1 << 16;
/// Keys are optional.
pub const F_NO_MANDATORY_KEYS: u32 = 1 << 17;
/// Protected (enable-*-command).
pub const F_PROTECTED: u32 = 1 << 18;
/// Not allowed inside MULTI.
pub const F_NO_MULTI: u32 = 1 << 19;
/// Allowed while a script is busy.
pub const F_ALLOW_BUSY: u32 = 1 << 20;
/// Not allowed during async loading.
pub const F_NO_ASYNC_LOADING: u32 = 1 << 21;
/// May touch keys not named in its arguments.
pub const F_TOUCHES_ARBITRARY_KEYS: u32 = 1 << 22;

/// Command flag names in the order Redis prints them in `COMMAND INFO`.
pub const FLAG_NAMES: &[(u32, &str)] = &[
    (F_WRITE, "write"),
    (F_READONLY, "readonly"),
    (F_DENYOOM, "denyoom"),
    (F_ADMIN, "admin"),
    (F_PUBSUB, "pubsub"),
    (F_NOSCRIPT, "noscript"),
    (F_BLOCKING, "blocking"),
    (F_LOADING, "loading"),
    (F_STALE, "stale"),
    (F_SKIP_MONITOR, "skip_monitor"),
    (F_SKIP_SLOWLOG, "skip_slowlog"),
    (F_ASKING, "asking"),
    (F_FAST, "fast"),
    (F_NO_AUTH, "no_auth"),
    (F_MAY_REPLICATE, "may_replicate"),
    (F_NO_MANDATORY_KEYS, "no_mandatory_keys"),
    (F_NO_ASYNC_LOADING, "no_async_loading"),
    (F_NO_MULTI, "no_multi"),
    (F_ALLOW_BUSY, "allow_busy"),
];

pub const C_KEYSPACE: u32 = 1;
pub const C_READ: u32 = 1 << 1;
pub const C_WRITE: u32 = 1 << 2;
pub const C_SET: u32 = 1 << 3;
pub const C_SORTEDSET: u32 = 1 << 4;
pub const C_LIST: u32 = 1 << 5;
pub const C_HASH: u32 = 1 << 6;
pub const C_STRING: u32 = 1 << 7;
pub const C_BITMAP: u32 = 1 << 8;
pub const C_HYPERLOGLOG: u32 = 1 << 9;
pub const C_GEO: u32 = 1 << 10;
pub const C_STREAM: u32 = 1 << 11;
pub const C_PUBSUB: u32 = 1 << 12;
pub const C_ADMIN: u32 = 1 << 13;
pub const C_FAST: u32 = 1 << 14;
pub const C_SLOW: u32 = 1 << 15;
pub const C_BLOCKING: u32 = 1 << 16;
pub const C_DANGEROUS: u32 = 1 << 17;
pub const C_CONNECTION: u32 = 1 << 18;
pub const C_TRANSACTION: u32 = 1 << 19;
pub const C_SCRIPTING: u32 = 1 << 20;

/// ACL category names, in Redis's table order (used by `COMMAND INFO` and `ACL CAT`).
pub const CATEGORY_NAMES: &[(u32, &str)] = &[
    (C_KEYSPACE, "keyspace"),
    (C_READ, "read"),
    (C_WRITE, "write"),
    (C_SET, "set"),
    (C_SORTEDSET, "sortedset"),
    (C_LIST, "list"),
    (C_HASH, "hash"),
    (C_STRING, "string"),
    (C_BITMAP, "bitmap"),
    (C_HYPERLOGLOG, "hyperloglog"),
    (C_GEO, "geo"),
    (C_STREAM, "stream"),
    (C_PUBSUB, "pubsub"),
    (C_ADMIN, "admin"),
    (C_FAST, "fast"),
    (C_SLOW, "slow"),
    (C_BLOCKING, "blocking"),
    (C_DANGEROUS, "dangerous"),
    (C_CONNECTION, "connection"),
    (C_TRANSACTION, "transaction"),
    (C_SCRIPTING, "scripting"),
];

/// The type of one argument in the argument tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    Key,
    String,
    Integer,
    Double,
    Pattern,
    UnixTime,
    PureToken,
    OneOf,
    Block,
}

impl ArgKind {
    /// The name Redis uses in `COMMAND DOCS`.
    pub fn name(self) -> &'static str {
        match self {
            ArgKind::Key => "key",
            ArgKind::String => "string",
            ArgKind::Integer => "integer",
            ArgKind::Double => "double",
            ArgKind::Pattern => "pattern",
            ArgKind::UnixTime => "unix-time",
            ArgKind::PureToken => "pure-token",
            ArgKind::OneOf => "oneof",
            ArgKind::Block => "block",
        }
    }
}

/// One node of a command's argument tree.
#[derive(Debug)]
pub struct Arg {
    pub name: &'static str,
    pub kind: ArgKind,
    pub token: Option<&'static str>,
    pub display: Option<&'static str>,
    pub key_spec_index: i32,
    pub optional: bool,
    pub multiple: bool,
    pub multiple_token: bool,
    pub since: Option<&'static str>,
    pub deprecated_since: Option<&'static str>,
    pub args: &'static [Arg],
}

/// Where the search for keys begins.
#[derive(Debug)]
pub enum BeginSearch {
    Index(i32),
    Keyword {
        keyword: &'static str,
        startfrom: i32,
    },
    Unknown,
}

/// How keys are found once the search has begun.
#[derive(Debug)]
pub enum FindKeys {
    Range {
        lastkey: i32,
        step: i32,
        limit: i32,
    },
    Keynum {
        keynumidx: i32,
        firstkey: i32,
        step: i32,
    },
    Unknown,
}

/// One key specification.
#[derive(Debug)]
pub struct KeySpec {
    pub flags: &'static [&'static str],
    pub begin: BeginSearch,
    pub find: FindKeys,
}

/// The full specification of one command or subcommand (`container|sub`).
#[derive(Debug)]
pub struct CommandSpec {
    /// Lower-case name; subcommands are `container|sub`.
    pub name: &'static str,
    /// Index into `spec::GROUPS` (see [`CommandSpec::group_name`]).
    pub group: u8,
    /// Index into `spec::VERSIONS` (see [`CommandSpec::since_version`]).
    pub since: u8,
    pub arity: i32,
    pub flags: u32,
    pub acl: u32,
    pub tips: &'static [&'static str],
    pub doc_flags: &'static [&'static str],
    /// Index into `spec::VERSIONS`; 0 (the empty string) when not deprecated.
    pub deprecated_since: u8,
    /// Keys are found by a command-specific procedure, not only by key specs.
    pub movable_keys: bool,
    pub key_specs: &'static [KeySpec],
    pub args: &'static [Arg],
}

impl CommandSpec {
    /// Its group as Redis spells it in the command specifications (`sorted_set`).
    pub fn group_name(&self) -> &'static str {
        super::spec::GROUPS[usize::from(self.group)]
    }
    /// The version that introduced it.
    pub fn since_version(&self) -> &'static str {
        super::spec::VERSIONS[usize::from(self.since)]
    }
    /// The version that deprecated it, if any.
    pub fn deprecated_in(&self) -> Option<&'static str> {
        (self.deprecated_since != 0)
            .then(|| super::spec::VERSIONS[usize::from(self.deprecated_since)])
    }
}
