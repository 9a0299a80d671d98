//! The declarative command table.
//!
//! Specs (arity, flags, ACL categories, key specs, arguments) come from `spec.rs`,
//! generated from Redis's JSON command specifications; each command family module lists
//! its handlers in a `COMMANDS` constant of `(name, handler)` pairs (subcommands as
//! `container|sub`). The table joins the two: only commands with a handler are served
//! and listed by `COMMAND`.

// The name lookup runs for every command: a hashbrown table keyed by a case-folding
// hash, so a name is found without first copying it to lower case.
use hashbrown::HashTable;
use std::sync::OnceLock;

use super::spec::SPECS;
use super::spec_types::CommandSpec;
use super::{
    Handler, acl, bitmaps, client, command, config_cmd, geo, hashes, hyperloglog, info, keys,
    latency, lists, memory, monitor, multi, persist_cmds, pubsub, scripting, server, sets, slowlog,
    sort, streams, streams_groups, streams_read, strings, zsets,
};

/// One servable command (or container of subcommands).
pub struct Command {
    /// Its specification.
    pub spec: &'static CommandSpec,
    /// The handler (None for containers such as CLIENT).
    pub handler: Option<Handler>,
    /// Subcommands by lower-case name (`list` for `client|list`).
    pub subs: CmdMap,
    /// Its index in `SPECS` (the id ACL rules and per-command statistics use).
    pub id: usize,
    /// How the dispatcher treats it beyond calling its handler (set once, here, so
    /// the dispatcher never compares names).
    pub kind: Kind,
    /// The name within its container (`list` for `client|list`).
    short: &'static str,
    /// Upper-case name, for messages like "Try CLIENT HELP.".
    pub upper: String,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Command")
            .field("name", &self.spec.name)
            .finish()
    }
}

impl Command {
    /// Full lower-case name (`get`, `client|list`).
    pub fn name(&self) -> &'static str {
        self.spec.name
    }
    /// The name within its container (`list` for `client|list`; `get` for `get`).
    #[inline]
    pub fn short_name(&self) -> &'static str {
        self.short
    }
    /// Whether this is a container of subcommands.
    pub fn is_container(&self) -> bool {
        !self.subs.is_empty()
    }
    /// Whether `argc` arguments satisfy the arity.
    #[inline]
    pub fn arity_ok(&self, argc: usize) -> bool {
        let a = self.spec.arity;
        if a >= 0 {
            argc == a as usize
        } else {
            argc >= (-a) as usize
        }
    }
}

/// What the dispatcher does with a command besides calling its handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An ordinary command: queued inside MULTI, refused in RESP2 subscribed mode.
    Plain,
    /// FCALL, EVAL and friends: run as scripting hooks.
    Script,
    /// EXEC: runs the transaction.
    Exec,
    /// MULTI, DISCARD, WATCH: run at once even inside MULTI.
    MultiControl,
    /// PING, (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE: allowed in RESP2 subscribed mode.
    Subscribed,
    /// QUIT, RESET: run at once inside MULTI and in subscribed mode.
    Connection,
}

impl Kind {
    fn of(name: &str) -> Kind {
        match name {
            "fcall" | "fcall_ro" | "eval" | "evalsha" | "eval_ro" | "evalsha_ro" => Kind::Script,
            "exec" => Kind::Exec,
            "discard" | "multi" | "watch" => Kind::MultiControl,
            "ping" | "subscribe" | "ssubscribe" | "unsubscribe" | "sunsubscribe" | "psubscribe"
            | "punsubscribe" => Kind::Subscribed,
            "quit" | "reset" => Kind::Connection,
            _ => Kind::Plain,
        }
    }
}

/// Commands by lower-case name, looked up ASCII case-insensitively.
#[derive(Default)]
pub struct CmdMap {
    table: HashTable<Command>,
}

/// FNV-1a over the bytes with ASCII letters folded to lower case (other bytes may
/// collide after folding; equality is checked exactly, case-insensitively).
#[inline]
fn fold_hash(name: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in name {
        h ^= u64::from(b | 0x20);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

impl CmdMap {
    /// The command named `name`, ASCII case-insensitively.
    #[inline]
    pub fn get(&self, name: &[u8]) -> Option<&Command> {
        self.table.find(fold_hash(name), |c| {
            let n = c.short_name().as_bytes();
            n.len() == name.len() && n.eq_ignore_ascii_case(name)
        })
    }

    fn get_mut(&mut self, name: &[u8]) -> Option<&mut Command> {
        self.table.find_mut(fold_hash(name), |c| {
            c.short_name().as_bytes().eq_ignore_ascii_case(name)
        })
    }

    fn insert(&mut self, cmd: Command) {
        let h = fold_hash(cmd.short_name().as_bytes());
        self.table
            .insert_unique(h, cmd, |c| fold_hash(c.short_name().as_bytes()));
    }

    /// Every command in the map (no particular order).
    pub fn values(&self) -> impl Iterator<Item = &Command> {
        self.table.iter()
    }

    /// Number of commands.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }
}

/// All commands, by lower-case name.
pub struct Table {
    map: CmdMap,
}

/// Every family's handler list.
fn families() -> impl Iterator<Item = &'static (&'static str, Handler)> {
    strings::COMMANDS
        .iter()
        .chain(keys::COMMANDS.iter())
        .chain(multi::COMMANDS.iter())
        .chain(memory::COMMANDS.iter())
        .chain(pubsub::COMMANDS.iter())
        .chain(scripting::COMMANDS.iter())
        .chain(lists::COMMANDS.iter())
        .chain(hashes::COMMANDS.iter())
        .chain(sets::COMMANDS.iter())
        .chain(sort::COMMANDS.iter())
        .chain(zsets::COMMANDS.iter())
        .chain(server::COMMANDS.iter())
        .chain(command::COMMANDS.iter())
        .chain(client::COMMANDS.iter())
        .chain(config_cmd::COMMANDS.iter())
        .chain(info::COMMANDS.iter())
        .chain(persist_cmds::COMMANDS.iter())
        .chain(streams::COMMANDS.iter())
        .chain(streams_read::COMMANDS.iter())
        .chain(streams_groups::COMMANDS.iter())
        .chain(bitmaps::COMMANDS.iter())
        .chain(hyperloglog::COMMANDS.iter())
        .chain(geo::COMMANDS.iter())
        .chain(acl::COMMANDS.iter())
        .chain(slowlog::COMMANDS.iter())
        .chain(latency::COMMANDS.iter())
        .chain(monitor::COMMANDS.iter())
}

impl Table {
    fn build() -> Table {
        // Specs by name: the ACL command index's `ByteMap` (no hash table of its own).
        let by_name = &crate::acl::commands::index().by_name;
        let mut map = CmdMap::default();
        let new_cmd = |spec: &'static CommandSpec, handler| Command {
            spec,
            handler,
            subs: CmdMap::default(),
            id: crate::acl::commands::id_of(spec),
            kind: Kind::of(spec.name),
            short: spec.name.split_once('|').map_or(spec.name, |(_, sub)| sub),
            upper: spec.name.to_ascii_uppercase(),
        };
        for &(name, handler) in families() {
            let Some(spec) = by_name.get(name).and_then(|&i| SPECS.get(i)) else {
                // A handler without a spec is a programming error caught by tests.
                debug_assert!(false, "no spec for command {name}");
                continue;
            };
            match name.split_once('|') {
                None => match map.get_mut(name.as_bytes()) {
                    // The container's own handler (COMMAND) after its subcommands.
                    Some(c) => c.handler = Some(handler),
                    None => map.insert(new_cmd(spec, Some(handler))),
                },
                Some((container, _)) => {
                    let Some(cspec) = by_name.get(container).and_then(|&i| SPECS.get(i)) else {
                        continue;
                    };
                    if map.get(container.as_bytes()).is_none() {
                        map.insert(new_cmd(cspec, None));
                    }
                    if let Some(c) = map.get_mut(container.as_bytes()) {
                        c.subs.insert(new_cmd(spec, Some(handler)));
                    }
                }
            }
        }
        Table { map }
    }

    /// Look a command up by name, ASCII case-insensitively.
    #[inline]
    pub fn lookup(&self, name: &[u8]) -> Option<&Command> {
        self.map.get(name)
    }

    /// All top-level commands.
    pub fn iter(&self) -> impl Iterator<Item = &Command> {
        self.map.values()
    }

    /// Number of top-level commands.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Find a command or subcommand by its full name (`client|list`).
    pub fn by_fullname(&self, full: &[u8]) -> Option<&Command> {
        let s = full;
        match s.iter().position(|&c| c == b'|') {
            None => self.lookup(s),
            Some(p) => self.lookup(&s[..p])?.sub(&s[p + 1..]),
        }
    }
}

impl Command {
    /// A subcommand by name, case-insensitively.
    #[inline]
    pub fn sub(&self, name: &[u8]) -> Option<&Command> {
        self.subs.get(name)
    }
}

/// The process-wide command table (immutable data, built once).
pub fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(Table::build)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_handler_has_a_spec() {
        let specs: hashbrown::HashSet<&str> = SPECS.iter().map(|s| s.name).collect();
        for (name, _) in families() {
            assert!(specs.contains(name), "no spec for {name}");
        }
    }

    #[test]
    fn lookup_is_case_insensitive() {
        assert_eq!(table().lookup(b"GeT").map(|c| c.name()), Some("get"));
        assert!(table().lookup(b"nosuchcommand").is_none());
    }
}
