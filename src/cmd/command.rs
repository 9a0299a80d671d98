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
//! * `COMMAND GETKEYS`: see `keyspec.rs`.
//!
//! Subcommands and whole-table listings come out sorted by name (Redis uses hash-table
//! order, which differs from run to run).

use std::borrow::Cow;

use super::keyspec::{command_keys, key_flag_bits, key_flags_reply, legacy_range};
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
    crate::compact::sort_by_key_bytes(&mut v, |c| c.name().as_bytes());
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
        kv("since", Reply::bulk(spec.since_version())),
        kv("group", Reply::bulk(group_name(spec.group_name()))),
    ];
    if !spec.doc_flags.is_empty() {
        let shown: Vec<Reply> = ["deprecated", "syscmd"]
            .iter()
            .filter(|f| spec.doc_flags.iter().any(|d| d.eq_ignore_ascii_case(f)))
            .map(|f| Reply::simple(f))
            .collect();
        m.push(kv("doc_flags", Reply::Set(shown)));
    }
    if let Some(d) = spec.deprecated_in() {
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

    fn spec(name: &str) -> &'static CommandSpec {
        crate::cmd::spec::SPECS
            .iter()
            .find(|s| s.name == name)
            .expect("spec exists")
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
    fn version_filter() {
        assert!(newer_than_us("8.0.0"));
        assert!(newer_than_us("7.10.0"));
        assert!(!newer_than_us("7.2.0"));
        assert!(!newer_than_us("2.8.12"));
    }
}
