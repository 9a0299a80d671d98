//! The ACL's view of the command table: every command and subcommand Redis knows (from
//! the generated specs, whether Cinnabar serves it or not, so that ACL files written for
//! Redis load unchanged) gets a numeric id, its categories (explicit plus implicit, as
//! `COMMAND INFO` shows them), its container and its subcommands.
//!
//! Ids are the spec's index in `SPECS`; one extra bit past the last id records
//! "+@all was given" (Redis's reserved bit for commands added later), which decides
//! whether a user's rules are described starting from `+@all` or `-@all`.

use std::sync::OnceLock;

use crate::cmd::spec::SPECS;
use crate::cmd::spec_types::{CommandSpec, F_ONLY_SENTINEL};

/// The command universe.
#[derive(Debug)]
pub struct CmdIndex {
    /// Full lower-case name → id.
    pub by_name: crate::compact::ByteMap<usize>,
    /// Subcommand ids of each container id (empty for plain commands).
    pub subs: Vec<Vec<usize>>,
    /// The container of a subcommand.
    pub parent: Vec<Option<usize>>,
    /// ACL category bits (explicit and implicit).
    pub cats: Vec<u32>,
    /// Whether the id is part of the universe (sentinel-only commands are not).
    pub valid: Vec<bool>,
}

/// Number of bits in a command bitmap: one per spec plus the "+@all" bit.
pub fn bits() -> usize {
    SPECS.len() + 1
}

/// The "+@all" bit (Redis's `USER_COMMAND_BITS_COUNT-1`).
pub fn future_bit() -> usize {
    SPECS.len()
}

/// The process-wide index (built once).
pub fn index() -> &'static CmdIndex {
    static INDEX: OnceLock<CmdIndex> = OnceLock::new();
    INDEX.get_or_init(build)
}

fn build() -> CmdIndex {
    let n = SPECS.len();
    let mut by_name = crate::compact::ByteMap::new();
    let mut subs = vec![Vec::new(); n];
    let mut parent = vec![None; n];
    let mut cats = vec![0u32; n];
    let mut valid = vec![false; n];
    for (i, s) in SPECS.iter().enumerate() {
        by_name.insert(s.name, i);
        cats[i] = crate::cmd::command::categories(s);
        valid[i] = s.flags & F_ONLY_SENTINEL == 0;
    }
    for (i, s) in SPECS.iter().enumerate() {
        if let Some((container, _)) = s.name.split_once('|')
            && let Some(&p) = by_name.get(container)
        {
            parent[i] = Some(p);
            subs[p].push(i);
            if !valid[p] {
                valid[i] = false;
            }
        }
    }
    CmdIndex {
        by_name,
        subs,
        parent,
        cats,
        valid,
    }
}

/// The id of a spec (its index in `SPECS`).
#[inline]
pub fn id_of(spec: &'static CommandSpec) -> usize {
    let base = SPECS.as_ptr() as usize;
    let p = spec as *const CommandSpec as usize;
    let size = size_of::<CommandSpec>().max(1);
    if p >= base {
        let i = (p - base) / size;
        if i < SPECS.len() && std::ptr::eq(&SPECS[i], spec) {
            return i;
        }
    }
    // Not from SPECS (cannot happen for table commands): look it up by name.
    index()
        .by_name
        .get(spec.name)
        .copied()
        .unwrap_or(usize::MAX)
}

/// The spec of an id.
pub fn spec(id: usize) -> Option<&'static CommandSpec> {
    SPECS.get(id)
}

/// Redis's `ACLLookupCommand` (strict `lookupCommandBySdsLogic`): `name` or
/// `container|sub`, case-insensitively; `get|x` (no such subcommand level) is unknown.
pub fn lookup(name: &[u8]) -> Option<usize> {
    let idx = index();
    let lower = String::from_utf8_lossy(name).to_ascii_lowercase();
    let parts: Vec<&str> = lower.split('|').collect();
    if parts.is_empty() || parts.len() > 2 {
        return None;
    }
    let base = *idx.by_name.get(parts[0])?;
    if parent_of(base).is_some() || !idx.valid[base] {
        return None;
    }
    if parts.len() == 1 {
        return Some(base);
    }
    if idx.subs[base].is_empty() {
        return None;
    }
    let id = *idx.by_name.get(lower.as_str())?;
    idx.valid[id].then_some(id)
}

fn parent_of(id: usize) -> Option<usize> {
    index().parent.get(id).copied().flatten()
}

/// The full name of an id (`get`, `client|kill`).
pub fn name(id: usize) -> &'static str {
    SPECS.get(id).map_or("", |s| s.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for (i, s) in SPECS.iter().enumerate() {
            assert_eq!(id_of(s), i);
        }
        let get = lookup(b"GET").unwrap();
        assert_eq!(name(get), "get");
        let cl = lookup(b"client|LIST").unwrap();
        assert_eq!(name(cl), "client|list");
        assert_eq!(index().parent[cl], lookup(b"client"));
        assert!(lookup(b"get|x").is_none());
        assert!(lookup(b"client|nosuch").is_none());
        assert!(lookup(b"config|get|x").is_none());
        assert!(lookup(b"nosuchcommand").is_none());
        assert!(lookup(b"").is_none());
    }
}
