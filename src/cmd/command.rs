//! The COMMAND family, answered from the command table.
//!
//! Everything here is derived from the generated specifications (`spec.rs`) of the
//! commands that have a handler, so `COMMAND` never lists a command we do not serve.
//! The reply layouts follow Redis 7.2's `addReplyCommandInfo` / `addReplyCommandDocs`:
//!
//! * `COMMAND INFO`: `[name, arity, flags, first, last, step, categories, tips,
//!   key specs, subcommands]`. ACL categories include the implicit ones Redis adds from
//!   the flags (`setImplicitACLCategories`); the legacy `first/last/step` triple is
//!   glued from the range key specs (`populateCommandLegacyRangeSpec`), and
//!   `movablekeys` is shown when a key spec is not a plain index+range one (or the
//!   glued triple cannot describe every key).
//! * `COMMAND DOCS`: a map per command. We ship no prose: `summary` is an empty string
//!   (present so that clients which expect it, like redis-cli's help, find it), and
//!   `complexity`, `history` and `replaced_by` are omitted. Arguments newer than the
//!   Redis version we report (Valkey-only additions) are left out.
//! * `COMMAND GETKEYS`: key specs first, then the few native key-extraction procedures
//!   Redis falls back to (SET and BITFIELD for their variable flags, SORT's `STORE`,
//!   MIGRATE's `KEYS`).
//!
//! Subcommands and whole-table listings come out sorted by name (Redis uses hash-table
//! order, which differs from run to run).

use std::borrow::Cow;

use super::spec_types::*;
use super::{Args, Command, Ctx, Handler, table};
use crate::reply::{CmdError, CmdResult, Reply};

/// Handlers of this family. `command` comes first: the container has its own handler.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("command", command),
    ("command|count", count),
    ("command|info", info),
    ("command|docs", docs),
    ("command|list", list),
    ("command|getkeys", getkeys),
    ("command|getkeysandflags", getkeysandflags),
    ("command|help", help),
];

// ---------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------

/// ```text
/// COMMAND
/// ```
pub fn command(_ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(all_info())
}

/// ```text
/// COMMAND COUNT
/// ```
pub fn count(_ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(Reply::Int(table().len() as i64))
}

/// ```text
/// COMMAND INFO [command-name ...]
/// ```
pub fn info(_ctx: &mut Ctx, args: &Args) -> CmdResult {
    if args.len() == 2 {
        return Ok(all_info());
    }
    let out = (2..args.len())
        .map(|i| match table().by_fullname(args.get(i)) {
            Some(c) => command_info(c),
            None => Reply::Nil,
        })
        .collect();
    Ok(Reply::Array(out))
}

/// ```text
/// COMMAND DOCS [command-name ...]
/// ```
pub fn docs(_ctx: &mut Ctx, args: &Args) -> CmdResult {
    let pairs = if args.len() == 2 {
        sorted(table().iter())
            .into_iter()
            .map(|c| (Reply::bulk(c.name()), command_docs(c)))
            .collect()
    } else {
        (2..args.len())
            .filter_map(|i| table().by_fullname(args.get(i)))
            .map(|c| (Reply::bulk(c.name()), command_docs(c)))
            .collect()
    };
    Ok(Reply::Map(pairs))
}

/// ```text
/// COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]
/// ```
pub fn list(_ctx: &mut Ctx, args: &Args) -> CmdResult {
    enum Filter<'a> {
        None,
        Module,
        AclCat(u32),
        Pattern(&'a [u8]),
    }
    let mut filter = Filter::None;
    let mut i = 2;
    while i < args.len() {
        let more = args.len() - 1 - i;
        if args.is(i, "filterby") && more == 2 {
            let what = args.get(i + 2);
            filter = if args.is(i + 1, "module") {
                // No modules: nothing belongs to any.
                Filter::Module
            } else if args.is(i + 1, "aclcat") {
                // An unknown category (0) matches nothing.
                Filter::AclCat(category_by_name(what))
            } else if args.is(i + 1, "pattern") {
                Filter::Pattern(what)
            } else {
                return Err(CmdError::Syntax);
            };
            i += 3;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let mut names = Vec::new();
    let mut visit = |c: &Command| {
        let keep = match filter {
            Filter::None => true,
            Filter::Module => false,
            Filter::AclCat(cat) => cat != 0 && categories(c.spec) & cat != 0,
            Filter::Pattern(p) => crate::glob::glob_match(p, c.name().as_bytes(), true),
        };
        if keep {
            names.push(Reply::bulk(c.name()));
        }
    };
    for c in sorted(table().iter()) {
        visit(c);
        for s in sorted(c.subs.values()) {
            visit(s);
        }
    }
    Ok(Reply::Array(names))
}

/// ```text
/// COMMAND GETKEYS command [arg ...]
/// ```
pub fn getkeys(_ctx: &mut Ctx, args: &Args) -> CmdResult {
    getkeys_impl(args, false)
}

/// ```text
/// COMMAND GETKEYSANDFLAGS command [arg ...]
/// ```
pub fn getkeysandflags(_ctx: &mut Ctx, args: &Args) -> CmdResult {
    getkeys_impl(args, true)
}

/// ```text
/// COMMAND HELP
/// ```
pub fn help(_ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(help_reply(
        "COMMAND",
        &[
            "(no subcommand)",
            "    Describe every command (as COMMAND INFO does).",
            "COUNT",
            "    The number of commands this server has.",
            "LIST [FILTERBY (MODULE <name>|ACLCAT <category>|PATTERN <pattern>)]",
            "    The names of all commands, optionally filtered.",
            "INFO [<command-name> ...]",
            "    Describe the given commands, or all of them.",
            "DOCS [<command-name> ...]",
            "    Documentation (arguments and versions) of the given commands, or of all.",
            "GETKEYS <full-command>",
            "    The keys a full command line would access.",
            "GETKEYSANDFLAGS <full-command>",
            "    The keys a full command line would access, with their access flags.",
        ],
    ))
}

/// A `<CMD> HELP` reply in Redis's layout (`addReplyHelp`): a header line, the given
/// lines, then the HELP entry.
pub fn help_reply(cmd: &str, lines: &[&str]) -> Reply {
    let mut out = Vec::with_capacity(lines.len() + 3);
    out.push(Reply::Simple(Cow::Owned(format!(
        "{cmd} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    ))));
    for l in lines {
        out.push(Reply::Simple(Cow::Owned((*l).to_string())));
    }
    out.push(Reply::simple("HELP"));
    out.push(Reply::simple("    Print this help."));
    Reply::Array(out)
}

// ---------------------------------------------------------------------------------
// COMMAND INFO
// ---------------------------------------------------------------------------------

/// Command flags in the order Redis prints them (`addReplyFlagsForCommand`); the
/// hidden ones (may_replicate, sentinel, protected, ...) are left out. `movablekeys`
/// is computed and printed between `no_multi` and `allow_busy`.
const SHOWN_FLAGS: &[(u32, &str)] = &[
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
    (F_NO_MANDATORY_KEYS, "no_mandatory_keys"),
    (F_NO_ASYNC_LOADING, "no_async_loading"),
    (F_NO_MULTI, "no_multi"),
];

/// Key-spec flags: (name in the spec, bit, name Redis prints), in Redis's print order.
const KEY_FLAGS: &[(&str, u32, &str)] = &[
    ("RO", 1, "RO"),
    ("RW", 1 << 1, "RW"),
    ("OW", 1 << 2, "OW"),
    ("RM", 1 << 3, "RM"),
    ("ACCESS", 1 << 4, "access"),
    ("UPDATE", 1 << 5, "update"),
    ("INSERT", 1 << 6, "insert"),
    ("DELETE", 1 << 7, "delete"),
    ("NOT_KEY", 1 << 8, "not_key"),
    ("INCOMPLETE", 1 << 9, "incomplete"),
    ("VARIABLE_FLAGS", 1 << 10, "variable_flags"),
];
const K_RO: u32 = 1;
const K_RW: u32 = 1 << 1;
const K_OW: u32 = 1 << 2;
const K_ACCESS: u32 = 1 << 4;
const K_UPDATE: u32 = 1 << 5;
const K_DELETE: u32 = 1 << 7;
const K_NOT_KEY: u32 = 1 << 8;
const K_INCOMPLETE: u32 = 1 << 9;
const K_VARIABLE_FLAGS: u32 = 1 << 10;

/// A key spec's flags as a bit set.
fn key_flag_bits(ks: &KeySpec) -> u32 {
    ks.flags
        .iter()
        .filter_map(|f| KEY_FLAGS.iter().find(|(n, _, _)| n.eq_ignore_ascii_case(f)))
        .fold(0, |acc, (_, bit, _)| acc | bit)
}

/// A set of key-spec flag names, in Redis's order.
fn key_flags_reply(bits: u32) -> Reply {
    Reply::Set(
        KEY_FLAGS
            .iter()
            .filter(|(_, bit, _)| bits & bit != 0)
            .map(|(_, _, shown)| Reply::simple(shown))
            .collect(),
    )
}

/// ACL categories including the implicit ones (Redis's `setImplicitACLCategories`).
pub fn categories(spec: &CommandSpec) -> u32 {
    let f = spec.flags;
    let mut c = spec.acl;
    if f & F_WRITE != 0 {
        c |= C_WRITE;
    }
    if f & F_READONLY != 0 && c & C_SCRIPTING == 0 {
        c |= C_READ;
    }
    if f & F_ADMIN != 0 {
        c |= C_ADMIN | C_DANGEROUS;
    }
    if f & F_PUBSUB != 0 {
        c |= C_PUBSUB;
    }
    if f & F_FAST != 0 {
        c |= C_FAST;
    }
    if f & F_BLOCKING != 0 {
        c |= C_BLOCKING;
    }
    if c & C_FAST == 0 {
        c |= C_SLOW;
    }
    c
}

/// The bit of an ACL category name (case-insensitive), 0 if unknown.
fn category_by_name(name: &[u8]) -> u32 {
    CATEGORY_NAMES
        .iter()
        .find(|(_, n)| n.as_bytes().eq_ignore_ascii_case(name))
        .map_or(0, |(bit, _)| *bit)
}

fn is_index_range(ks: &KeySpec) -> bool {
    matches!(ks.begin, BeginSearch::Index(_)) && matches!(ks.find, FindKeys::Range { .. })
}

/// The legacy `(first, last, step)` triple and whether the command has movable keys,
/// as Redis 7.2's `populateCommandLegacyRangeSpec`.
pub fn legacy_range(spec: &CommandSpec) -> ((i64, i64, i64), bool) {
    let specs = spec.key_specs;
    let mut movable = specs.iter().any(|ks| !is_index_range(ks));
    if specs.is_empty() {
        return ((0, 0, 0), movable);
    }
    if let [ks] = specs
        && let (BeginSearch::Index(pos), FindKeys::Range { lastkey, step, .. }) =
            (&ks.begin, &ks.find)
    {
        let incomplete = key_flag_bits(ks) & K_INCOMPLETE != 0;
        return (shown_range(*pos, *lastkey, *step), movable || incomplete);
    }
    let mut first = i64::MAX;
    let mut last: i64 = 0;
    let mut prev_last: i64 = 0;
    for ks in specs {
        let (BeginSearch::Index(pos), FindKeys::Range { lastkey, step, .. }) =
            (&ks.begin, &ks.find)
        else {
            continue;
        };
        let pos = i64::from(*pos);
        if *step != 1 || (prev_last != 0 && prev_last != pos - 1) {
            movable = true;
            continue;
        }
        if key_flag_bits(ks) & K_INCOMPLETE != 0 {
            movable = true;
        }
        first = first.min(pos);
        let abs_last = if *lastkey >= 0 {
            i64::from(*lastkey) + pos
        } else {
            i64::from(*lastkey)
        };
        // Redis compares as unsigned, so a negative (open-ended) last key wins.
        last = if (abs_last as u64) > (last as u64) {
            abs_last
        } else {
            last
        };
        prev_last = abs_last;
    }
    if first == i64::MAX {
        return ((0, 0, 0), movable);
    }
    let rel_last = if last < 0 { last } else { last - first };
    (shown_range(first as i32, rel_last as i32, 1), movable)
}

/// `(first, last, step)` as COMMAND INFO prints a range spec (last made absolute).
fn shown_range(pos: i32, lastkey: i32, step: i32) -> (i64, i64, i64) {
    let first = i64::from(pos);
    let mut last = i64::from(lastkey);
    if last >= 0 {
        last += first;
    }
    (first, last, i64::from(step))
}

fn flags_reply(spec: &CommandSpec, movable: bool) -> Reply {
    let mut out: Vec<Reply> = SHOWN_FLAGS
        .iter()
        .filter(|(bit, _)| spec.flags & bit != 0)
        .map(|(_, name)| Reply::simple(name))
        .collect();
    if movable {
        out.push(Reply::simple("movablekeys"));
    }
    if spec.flags & F_ALLOW_BUSY != 0 {
        out.push(Reply::simple("allow_busy"));
    }
    Reply::Set(out)
}

fn categories_reply(spec: &CommandSpec) -> Reply {
    let cats = categories(spec);
    Reply::Set(
        CATEGORY_NAMES
            .iter()
            .filter(|(bit, _)| cats & bit != 0)
            .map(|(_, name)| Reply::Simple(Cow::Owned(format!("@{name}"))))
            .collect(),
    )
}

fn kv(k: &'static str, v: Reply) -> (Reply, Reply) {
    (Reply::bulk(k), v)
}

fn key_spec_reply(ks: &KeySpec) -> Reply {
    let begin = match ks.begin {
        BeginSearch::Index(pos) => Reply::Map(vec![
            kv("type", Reply::bulk("index")),
            kv(
                "spec",
                Reply::Map(vec![kv("index", Reply::Int(pos.into()))]),
            ),
        ]),
        BeginSearch::Keyword { keyword, startfrom } => Reply::Map(vec![
            kv("type", Reply::bulk("keyword")),
            kv(
                "spec",
                Reply::Map(vec![
                    kv("keyword", Reply::bulk(keyword)),
                    kv("startfrom", Reply::Int(startfrom.into())),
                ]),
            ),
        ]),
        BeginSearch::Unknown => Reply::Map(vec![
            kv("type", Reply::bulk("unknown")),
            kv("spec", Reply::Map(vec![])),
        ]),
    };
    let find = match ks.find {
        FindKeys::Range {
            lastkey,
            step,
            limit,
        } => Reply::Map(vec![
            kv("type", Reply::bulk("range")),
            kv(
                "spec",
                Reply::Map(vec![
                    kv("lastkey", Reply::Int(lastkey.into())),
                    kv("keystep", Reply::Int(step.into())),
                    kv("limit", Reply::Int(limit.into())),
                ]),
            ),
        ]),
        FindKeys::Keynum {
            keynumidx,
            firstkey,
            step,
        } => Reply::Map(vec![
            kv("type", Reply::bulk("keynum")),
            kv(
                "spec",
                Reply::Map(vec![
                    kv("keynumidx", Reply::Int(keynumidx.into())),
                    kv("firstkey", Reply::Int(firstkey.into())),
                    kv("keystep", Reply::Int(step.into())),
                ]),
            ),
        ]),
        FindKeys::Unknown => Reply::Map(vec![
            kv("type", Reply::bulk("unknown")),
            kv("spec", Reply::Map(vec![])),
        ]),
    };
    Reply::Map(vec![
        kv("flags", key_flags_reply(key_flag_bits(ks))),
        kv("begin_search", begin),
        kv("find_keys", find),
    ])
}

/// Commands sorted by name.
fn sorted<'a>(it: impl Iterator<Item = &'a Command>) -> Vec<&'a Command> {
    let mut v: Vec<&Command> = it.collect();
    v.sort_by_key(|c| c.name());
    v
}

/// The COMMAND INFO entry of one command (with its subcommands).
pub fn command_info(c: &Command) -> Reply {
    let spec = c.spec;
    let ((first, last, step), movable) = legacy_range(spec);
    let subs = if c.is_container() {
        Reply::Array(
            sorted(c.subs.values())
                .into_iter()
                .map(command_info)
                .collect(),
        )
    } else {
        Reply::Set(vec![])
    };
    Reply::Array(vec![
        Reply::bulk(spec.name),
        Reply::Int(spec.arity.into()),
        flags_reply(spec, movable),
        Reply::Int(first),
        Reply::Int(last),
        Reply::Int(step),
        categories_reply(spec),
        Reply::Set(spec.tips.iter().map(Reply::bulk).collect()),
        Reply::Set(spec.key_specs.iter().map(key_spec_reply).collect()),
        subs,
    ])
}

fn all_info() -> Reply {
    Reply::Array(
        sorted(table().iter())
            .into_iter()
            .map(command_info)
            .collect(),
    )
}

// ---------------------------------------------------------------------------------
// COMMAND DOCS
// ---------------------------------------------------------------------------------

/// Whether `since` (e.g. "8.0.0") is newer than the Redis version we report.
fn newer_than_us(since: &str) -> bool {
    fn parse(v: &str) -> [u32; 3] {
        let mut out = [0u32; 3];
        for (slot, part) in out.iter_mut().zip(v.split('.')) {
            *slot = part.parse().unwrap_or(0);
        }
        out
    }
    parse(since) > parse(crate::REDIS_VERSION)
}

/// Redis's group names (`COMMAND_GROUP_STR`).
fn group_name(g: &str) -> &str {
    match g {
        "sorted_set" => "sorted-set",
        other => other,
    }
}

fn arg_reply(a: &Arg) -> Reply {
    let mut m = Vec::with_capacity(8);
    m.push(kv("name", Reply::bulk(a.name.to_ascii_lowercase())));
    m.push(kv("type", Reply::bulk(a.kind.name())));
    let container = matches!(a.kind, ArgKind::OneOf | ArgKind::Block);
    if !container {
        let shown = match a.display {
            Some(d) => d.to_string(),
            None => a.name.to_ascii_lowercase(),
        };
        m.push(kv("display_text", Reply::bulk(shown)));
    }
    if a.key_spec_index >= 0 {
        m.push(kv("key_spec_index", Reply::Int(a.key_spec_index.into())));
    }
    if let Some(t) = a.token {
        m.push(kv("token", Reply::bulk(t)));
    }
    if let Some(s) = a.since {
        m.push(kv("since", Reply::bulk(s)));
    }
    if let Some(d) = a.deprecated_since {
        m.push(kv("deprecated_since", Reply::bulk(d)));
    }
    let mut flags = Vec::new();
    if a.optional {
        flags.push(Reply::simple("optional"));
    }
    if a.multiple {
        flags.push(Reply::simple("multiple"));
    }
    if a.multiple_token {
        flags.push(Reply::simple("multiple_token"));
    }
    if !flags.is_empty() {
        m.push(kv("flags", Reply::Set(flags)));
    }
    if container {
        m.push(kv("arguments", args_reply(a.args)));
    }
    Reply::Map(m)
}

fn args_reply(args: &[Arg]) -> Reply {
    Reply::Array(
        args.iter()
            .filter(|a| !a.since.is_some_and(newer_than_us))
            .map(arg_reply)
            .collect(),
    )
}

/// The COMMAND DOCS entry of one command (with its subcommands).
pub fn command_docs(c: &Command) -> Reply {
    let spec = c.spec;
    let mut m = vec![
        kv("summary", Reply::bulk("")),
        kv("since", Reply::bulk(spec.since)),
        kv("group", Reply::bulk(group_name(spec.group))),
    ];
    if !spec.doc_flags.is_empty() {
        let shown: Vec<Reply> = ["deprecated", "syscmd"]
            .iter()
            .filter(|f| spec.doc_flags.iter().any(|d| d.eq_ignore_ascii_case(f)))
            .map(|f| Reply::simple(f))
            .collect();
        m.push(kv("doc_flags", Reply::Set(shown)));
    }
    if let Some(d) = spec.deprecated_since {
        m.push(kv("deprecated_since", Reply::bulk(d)));
    }
    if !spec.args.is_empty() {
        m.push(kv("arguments", args_reply(spec.args)));
    }
    if c.is_container() {
        let subs = sorted(c.subs.values())
            .into_iter()
            .map(|s| (Reply::bulk(s.name()), command_docs(s)))
            .collect();
        m.push(kv("subcommands", Reply::Map(subs)));
    }
    Reply::Map(m)
}

// ---------------------------------------------------------------------------------
// COMMAND GETKEYS
// ---------------------------------------------------------------------------------

/// One key found in a command line: its argument index and access flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyRef {
    /// Index into the command's arguments (0 is the command name).
    pub pos: usize,
    /// Key-spec flag bits (see `KEY_FLAGS`).
    pub flags: u32,
}

/// Keys from the key specs (Redis's `getKeysUsingKeySpecs`). `None` when a spec cannot
/// be applied (unknown, incomplete, or out of bounds), so that the caller falls back.
fn keys_from_specs(spec: &CommandSpec, args: &Args) -> Option<Vec<KeyRef>> {
    let argc = args.len() as i64;
    let mut keys = Vec::new();
    for ks in spec.key_specs {
        let flags = key_flag_bits(ks);
        if flags & K_NOT_KEY != 0 {
            continue;
        }
        let first: i64 = match ks.begin {
            BeginSearch::Index(pos) => pos.into(),
            BeginSearch::Keyword { keyword, startfrom } => {
                let startfrom = i64::from(startfrom);
                let (start, end) = if startfrom > 0 {
                    (startfrom, argc - 1)
                } else {
                    (argc + startfrom, 1)
                };
                let mut found = 0;
                let mut i = start;
                loop {
                    if i >= argc || i < 1 {
                        break;
                    }
                    if args
                        .get(i as usize)
                        .eq_ignore_ascii_case(keyword.as_bytes())
                    {
                        found = i + 1;
                        break;
                    }
                    if i == end {
                        break;
                    }
                    i += if start <= end { 1 } else { -1 };
                }
                if found == 0 {
                    continue;
                }
                found
            }
            BeginSearch::Unknown => return None,
        };
        let (first, last, step) = match ks.find {
            FindKeys::Range {
                lastkey,
                step,
                limit,
            } => {
                let lastkey = i64::from(lastkey);
                let last = if lastkey >= 0 {
                    first + lastkey
                } else if limit == 0 {
                    argc + lastkey
                } else {
                    first + ((argc - first) / i64::from(limit) + lastkey)
                };
                (first, last, i64::from(step))
            }
            FindKeys::Keynum {
                keynumidx,
                firstkey,
                step,
            } => {
                let idx = first + i64::from(keynumidx);
                if idx >= argc {
                    return None;
                }
                let n = crate::types::string::parse_i64(args.get(idx as usize))?;
                if n < 0 {
                    return None;
                }
                let first = first + i64::from(firstkey);
                (first, first.saturating_add(n) - 1, i64::from(step))
            }
            FindKeys::Unknown => return None,
        };
        if last >= argc || last < first || first >= argc || step <= 0 {
            return None;
        }
        let mut i = first;
        while i <= last {
            keys.push(KeyRef {
                pos: i as usize,
                flags,
            });
            i += step;
        }
        if flags & K_INCOMPLETE != 0 {
            return None;
        }
    }
    Some(keys)
}

/// SET: the key's flags depend on the GET option (Redis's `setGetKeys`).
fn set_keys(args: &Args) -> Vec<KeyRef> {
    let get = (3..args.len()).any(|i| args.is(i, "get"));
    let flags = if get {
        K_RW | K_ACCESS | K_UPDATE
    } else {
        K_OW | K_UPDATE
    };
    vec![KeyRef { pos: 1, flags }]
}

/// BITFIELD: read-only unless a SET or INCRBY appears (Redis's `bitfieldGetKeys`).
fn bitfield_keys(args: &Args) -> Vec<KeyRef> {
    let mut readonly = true;
    let mut i = 2;
    while i < args.len() {
        let rem = args.len() - i - 1;
        if args.is(i, "get") && rem >= 2 {
            i += 2;
        } else if (args.is(i, "set") || args.is(i, "incrby")) && rem >= 3 {
            readonly = false;
            break;
        } else if args.is(i, "overflow") && rem >= 1 {
            i += 1;
        } else {
            readonly = false;
            break;
        }
        i += 1;
    }
    let flags = if readonly {
        K_RO | K_ACCESS
    } else {
        K_RW | K_ACCESS | K_UPDATE
    };
    vec![KeyRef { pos: 1, flags }]
}

/// SORT: the sorted key plus the last `STORE` destination (Redis's `sortGetKeys`).
fn sort_keys(args: &Args) -> Vec<KeyRef> {
    let mut keys = vec![KeyRef {
        pos: 1,
        flags: K_RO | K_ACCESS,
    }];
    let mut store = None;
    let mut i = 2;
    while i < args.len() {
        if args.is(i, "limit") {
            i += 2;
        } else if args.is(i, "get") || args.is(i, "by") {
            i += 1;
        } else if args.is(i, "store") && i + 1 < args.len() {
            store = Some(i + 1);
        }
        i += 1;
    }
    if let Some(pos) = store {
        keys.push(KeyRef {
            pos,
            flags: K_OW | K_UPDATE,
        });
    }
    keys
}

/// MIGRATE: the key argument, or the keys after `KEYS` (Redis's `migrateGetKeys`).
fn migrate_keys(args: &Args) -> Vec<KeyRef> {
    let flags = K_RW | K_ACCESS | K_DELETE;
    let (mut first, mut num) = (3, 1);
    let mut i = 6;
    while i < args.len() {
        if args.is(i, "keys") {
            if !args.get(3).is_empty() {
                return Vec::new();
            }
            first = i + 1;
            num = args.len() - first;
            break;
        } else if args.is(i, "auth") {
            i += 1;
        } else if args.is(i, "auth2") {
            i += 2;
        }
        i += 1;
    }
    (first..first + num)
        .map(|pos| KeyRef { pos, flags })
        .collect()
}

/// The keys of a full command line (Redis's `getKeysFromCommandWithSpecs`).
pub fn command_keys(spec: &CommandSpec, args: &Args) -> Vec<KeyRef> {
    let all: Vec<u32> = spec.key_specs.iter().map(key_flag_bits).collect();
    let has_keyspec = all.iter().any(|f| f & K_NOT_KEY == 0);
    let has_varflags = all.iter().any(|f| f & K_VARIABLE_FLAGS != 0);
    if has_keyspec
        && !has_varflags
        && let Some(keys) = keys_from_specs(spec, args)
    {
        return keys;
    }
    match spec.name {
        "set" => set_keys(args),
        "bitfield" => bitfield_keys(args),
        "sort" => sort_keys(args),
        "sort_ro" => vec![KeyRef {
            pos: 1,
            flags: K_RO | K_ACCESS,
        }],
        "migrate" => migrate_keys(args),
        _ => Vec::new(),
    }
}

fn getkeys_impl(args: &Args, with_flags: bool) -> CmdResult {
    let sub = args.tail(2);
    let Some(base) = table().lookup(sub.get(0)) else {
        return Err(CmdError::err("Invalid command specified"));
    };
    let cmd = if sub.len() == 1 || !base.is_container() {
        base
    } else {
        match base.sub(sub.get(1)) {
            Some(c) => c,
            None => return Err(CmdError::err("Invalid command specified")),
        }
    };
    let spec = cmd.spec;
    if spec.key_specs.is_empty() && !spec.movable_keys {
        return Err(CmdError::err("The command has no key arguments"));
    }
    let argc = sub.len() as i64;
    let arity = i64::from(spec.arity);
    if (arity > 0 && arity != argc) || argc < -arity {
        return Err(CmdError::err(
            "Invalid number of arguments specified for command",
        ));
    }
    let keys = command_keys(spec, &sub);
    if keys.is_empty() {
        if spec.flags & F_NO_MANDATORY_KEYS != 0 {
            return Ok(Reply::Array(vec![]));
        }
        return Err(CmdError::err("Invalid arguments specified for command"));
    }
    Ok(Reply::Array(
        keys.iter()
            .map(|k| {
                let name = Reply::bulk(sub.get(k.pos));
                if with_flags {
                    Reply::Array(vec![name, key_flags_reply(k.flags)])
                } else {
                    name
                }
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::ArgvBuf;

    fn spec(name: &str) -> &'static CommandSpec {
        crate::cmd::spec::SPECS
            .iter()
            .find(|s| s.name == name)
            .expect("spec exists")
    }

    fn keys(parts: &[&str]) -> Vec<(String, u32)> {
        let buf = ArgvBuf::from_parts(parts);
        let args = buf.args();
        command_keys(spec(&parts[0].to_ascii_lowercase()), &args)
            .into_iter()
            .map(|k| (parts[k.pos].to_string(), k.flags))
            .collect()
    }

    fn names(parts: &[&str]) -> Vec<String> {
        keys(parts).into_iter().map(|(k, _)| k).collect()
    }

    #[test]
    fn legacy_ranges_match_redis() {
        assert_eq!(legacy_range(spec("get")), ((1, 1, 1), false));
        assert_eq!(legacy_range(spec("mset")), ((1, -1, 2), false));
        assert_eq!(legacy_range(spec("lmove")), ((1, 2, 1), false));
        assert_eq!(legacy_range(spec("bitop")), ((2, -1, 1), false));
        assert_eq!(legacy_range(spec("ping")), ((0, 0, 0), false));
        assert_eq!(legacy_range(spec("zunionstore")), ((1, 1, 1), true));
        assert_eq!(legacy_range(spec("eval")), ((0, 0, 0), true));
        assert!(!legacy_range(spec("set")).1);
    }

    #[test]
    fn implicit_categories() {
        let get = categories(spec("get"));
        assert_ne!(get & C_READ, 0);
        assert_ne!(get & C_FAST, 0);
        assert_eq!(get & C_SLOW, 0);
        let set = categories(spec("set"));
        assert_ne!(set & C_WRITE, 0);
        assert_ne!(set & C_SLOW, 0);
        let kill = categories(spec("client|kill"));
        assert_ne!(kill & C_ADMIN, 0);
        assert_ne!(kill & C_DANGEROUS, 0);
    }

    #[test]
    fn keys_from_specs_and_fallbacks() {
        assert_eq!(names(&["get", "k"]), ["k"]);
        assert_eq!(names(&["mset", "a", "1", "b", "2"]), ["a", "b"]);
        assert_eq!(names(&["mset", "a", "1", "b"]), ["a", "b"]);
        assert_eq!(names(&["del", "a", "b", "c"]), ["a", "b", "c"]);
        assert_eq!(
            names(&["zunionstore", "d", "2", "a", "b", "weights", "1", "2"]),
            ["d", "a", "b"]
        );
        assert!(names(&["zunionstore", "d", "5", "a"]).is_empty());
        assert!(names(&["zunionstore", "d", "-1", "a"]).is_empty());
        assert!(names(&["zunionstore", "d", "99999999999999999999", "a"]).is_empty());
        assert_eq!(
            names(&["xread", "count", "2", "streams", "a", "b", "0", "0"]),
            ["a", "b"]
        );
        assert_eq!(names(&["xread", "streams", "a", "b", "0"]), ["a"]);
        assert_eq!(
            names(&["sort", "k", "by", "store", "store", "x"]),
            ["k", "x"]
        );
        assert_eq!(names(&["sort", "k", "store", "d"]), ["k", "d"]);
        assert_eq!(
            names(&["migrate", "h", "1", "", "0", "5", "KEYS", "a", "b"]),
            ["a", "b"]
        );
        assert_eq!(names(&["migrate", "h", "1", "k", "0", "5"]), ["k"]);
        assert_eq!(
            names(&["georadius", "k", "1", "2", "3", "km", "store", "d"]),
            ["k", "d"]
        );
        assert_eq!(
            keys(&["set", "a", "b", "get"]),
            [("a".to_string(), K_RW | K_ACCESS | K_UPDATE)]
        );
        assert_eq!(
            keys(&["set", "a", "b"]),
            [("a".to_string(), K_OW | K_UPDATE)]
        );
        assert_eq!(
            keys(&["bitfield", "k", "get", "u8", "0"]),
            [("k".to_string(), K_RO | K_ACCESS)]
        );
        assert_eq!(
            keys(&["bitfield", "k", "incrby", "u8", "0", "1"]),
            [("k".to_string(), K_RW | K_ACCESS | K_UPDATE)]
        );
    }

    #[test]
    fn version_filter() {
        assert!(newer_than_us("8.0.0"));
        assert!(newer_than_us("7.10.0"));
        assert!(!newer_than_us("7.2.0"));
        assert!(!newer_than_us("2.8.12"));
    }
}
