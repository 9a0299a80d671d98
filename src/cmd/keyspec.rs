//! Key specifications: where a command line's keys are and how they are accessed.
//!
//! Redis 7 describes keys declaratively (`key_specs` in the command table); this module
//! applies them (`getKeysUsingKeySpecs`), glues the legacy `first/last/step` triple for
//! COMMAND INFO (`populateCommandLegacyRangeSpec`), and keeps the few native
//! key-extraction procedures Redis falls back to when the specs cannot answer: SET and
//! BITFIELD (whose flags depend on their options), SORT's `STORE` and MIGRATE's `KEYS`
//! (which can sit anywhere). Other commands with a native procedure only need it for
//! malformed input, where it finds no keys either.

use super::Args;
use super::spec_types::{BeginSearch, CommandSpec, FindKeys, KeySpec};
use crate::reply::Reply;

/// Key-spec flags: (name in the spec, bit, name Redis prints), in Redis's print order.
pub const KEY_FLAGS: &[(&str, u32, &str)] = &[
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
/// Read-only access.
pub const K_RO: u32 = 1;
/// Read-write access.
pub const K_RW: u32 = 1 << 1;
/// Overwrite.
pub const K_OW: u32 = 1 << 2;
/// The value is read or returned.
pub const K_ACCESS: u32 = 1 << 4;
/// The value is updated.
pub const K_UPDATE: u32 = 1 << 5;
/// The key is deleted.
pub const K_DELETE: u32 = 1 << 7;
/// Not a key (a channel name, say).
pub const K_NOT_KEY: u32 = 1 << 8;
/// The spec may miss keys.
pub const K_INCOMPLETE: u32 = 1 << 9;
/// The flags depend on other arguments.
pub const K_VARIABLE_FLAGS: u32 = 1 << 10;

/// A key spec's flags as a bit set.
pub fn key_flag_bits(ks: &KeySpec) -> u32 {
    ks.flags
        .iter()
        .filter_map(|f| KEY_FLAGS.iter().find(|(n, _, _)| n.eq_ignore_ascii_case(f)))
        .fold(0, |acc, (_, bit, _)| acc | bit)
}

/// A set of key-spec flag names, in Redis's order.
pub fn key_flags_reply(bits: u32) -> Reply {
    Reply::Set(
        KEY_FLAGS
            .iter()
            .filter(|(_, bit, _)| bits & bit != 0)
            .map(|(_, _, shown)| Reply::simple(shown))
            .collect(),
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::ArgvBuf;
    use crate::cmd::spec_types::CommandSpec;

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
}
