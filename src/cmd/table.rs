//! The declarative command table.
//!
//! Specs (arity, flags, ACL categories, key specs, arguments) come from `spec.rs`,
//! generated from Redis's JSON command specifications; each command family module lists
//! its handlers in a `COMMANDS` constant of `(name, handler)` pairs (subcommands as
//! `container|sub`). The table joins the two: only commands with a handler are served
//! and listed by `COMMAND`.

// hashbrown (foldhash), not std (SipHash): the name lookup runs for every command.
use hashbrown::HashMap;
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
    pub subs: HashMap<Vec<u8>, Command>,
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

/// All commands, by lower-case name.
pub struct Table {
    map: HashMap<Vec<u8>, Command>,
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
        let specs: HashMap<&str, &'static CommandSpec> =
            SPECS.iter().map(|s| (s.name, s)).collect();
        let mut map: HashMap<Vec<u8>, Command> = HashMap::new();
        let new_cmd = |spec: &'static CommandSpec, handler| Command {
            spec,
            handler,
            subs: HashMap::new(),
            upper: spec.name.to_ascii_uppercase(),
        };
        for &(name, handler) in families() {
            let Some(&spec) = specs.get(name) else {
                // A handler without a spec is a programming error caught by tests.
                debug_assert!(false, "no spec for command {name}");
                continue;
            };
            match name.split_once('|') {
                None => {
                    map.insert(name.as_bytes().to_vec(), new_cmd(spec, Some(handler)));
                }
                Some((container, sub)) => {
                    let Some(&cspec) = specs.get(container) else {
                        continue;
                    };
                    let c = map
                        .entry(container.as_bytes().to_vec())
                        .or_insert_with(|| new_cmd(cspec, None));
                    c.subs
                        .insert(sub.as_bytes().to_vec(), new_cmd(spec, Some(handler)));
                }
            }
        }
        Table { map }
    }

    /// Look a command up by name, ASCII case-insensitively.
    #[inline]
    pub fn lookup(&self, name: &[u8]) -> Option<&Command> {
        lookup_ci(&self.map, name)
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
        lookup_ci(&self.subs, name)
    }
}

#[inline]
fn lookup_ci<'m>(map: &'m HashMap<Vec<u8>, Command>, name: &[u8]) -> Option<&'m Command> {
    let mut buf = [0u8; 48];
    if name.len() > buf.len() {
        return None;
    }
    let lower = &mut buf[..name.len()];
    lower.copy_from_slice(name);
    lower.make_ascii_lowercase();
    map.get(&*lower)
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
        let specs: std::collections::HashSet<&str> = SPECS.iter().map(|s| s.name).collect();
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
