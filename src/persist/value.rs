//! Adapters between [`Value`] and the RDB value encodings.
//!
//! Writing follows Redis 7.0's `rdbSaveObject` so that what we write is what Redis
//! would write for the same data and encodings (RDB 10):
//!
//! | value | type byte | payload |
//! |---|---|---|
//! | string | 0 `STRING` | the string (integer / LZF / verbatim) |
//! | list | 18 `LIST_QUICKLIST_2` | node count, then per node: container 2 (packed) + listpack |
//! | set, intset | 11 `SET_INTSET` | the intset blob |
//! | set, other | 2 `SET` | count, members |
//! | sorted set, listpack | 17 `ZSET_LISTPACK` | listpack of member, score, ... |
//! | sorted set, skiplist | 5 `ZSET_2` | count, then member + binary double, highest first |
//! | hash, listpack | 16 `HASH_LISTPACK` | listpack of field, value, ... |
//! | hash, hashtable | 4 `HASH` | count, then field + value |
//! | hash with field TTLs | 24 `HASH_METADATA` | min expiry, count, then ttl + field + value (Redis 7.4's) |
//! | stream | 19 `STREAM_LISTPACKS_2` | listpack nodes, metadata, groups and PELs (`types::stream::rdb`) |
//!
//! Reading accepts every encoding Redis has written since RDB 1 except
//! modules (which Cinnabar has no type for): those are refused with an error naming
//! the type, never skipped silently. Values are rebuilt through the types' public
//! constructors, so encodings follow our configured thresholds.

use super::encodings::{self, Elem, ListpackWriter};
use super::rdb::{
    self, QUICKLIST_NODE_PACKED, QUICKLIST_NODE_PLAIN, RdbError, Reader, WriteOpts, err, ty,
};
use crate::config::Config;
use crate::types::set::{Member, SetLimits};
use crate::types::{Hash, List, Set, StrValue, Value, ZSet, hash, zset};

/// The encoding thresholds new values are built with.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// `list-max-listpack-size`.
    pub list_fill: i32,
    /// Hash thresholds.
    pub hash: hash::Limits,
    /// Set thresholds.
    pub set: SetLimits,
    /// Sorted-set thresholds.
    pub zset: zset::Limits,
}

impl Default for Limits {
    fn default() -> Self {
        Limits::from_config(&Config::default())
    }
}

impl Limits {
    /// The thresholds of `config`.
    pub fn from_config(c: &Config) -> Limits {
        Limits {
            list_fill: c.list_max_listpack_size,
            hash: hash::Limits {
                max_entries: c.hash_max_listpack_entries,
                max_value: c.hash_max_listpack_value,
            },
            set: c.set_limits,
            zset: zset::Limits {
                max_entries: c.zset_max_listpack_entries,
                max_value: c.zset_max_listpack_value,
            },
        }
    }
}

// ---------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------

/// The type byte `write_value` will use for `v`.
pub fn type_byte(v: &Value) -> u8 {
    match v {
        Value::Str(_) => ty::STRING,
        Value::List(_) => ty::LIST_QUICKLIST_2,
        Value::Set(s) if s.is_intset() => ty::SET_INTSET,
        Value::Set(_) => ty::SET,
        Value::ZSet(z) if z.is_listpack() => ty::ZSET_LISTPACK,
        Value::ZSet(_) => ty::ZSET_2,
        Value::Hash(h) if h.has_field_ttls() => ty::HASH_METADATA,
        Value::Hash(h) if !h.is_table() => ty::HASH_LISTPACK,
        Value::Hash(_) => ty::HASH,
        Value::Stream(_) => crate::types::stream::rdb::TYPE,
    }
}

/// Append the type byte and the encoding of `v` (`rdbSaveObjectType` + `rdbSaveObject`).
pub fn write_value(out: &mut Vec<u8>, v: &Value, opts: WriteOpts) -> Result<(), RdbError> {
    let t = type_byte(v);
    out.push(t);
    write_body(out, v, t, opts)
}

/// Append the encoding of `v` for type byte `t` (from [`type_byte`]), without the type.
pub fn write_body(out: &mut Vec<u8>, v: &Value, t: u8, opts: WriteOpts) -> Result<(), RdbError> {
    match v {
        Value::Stream(s) => crate::types::stream::rdb::write(out, s, opts),
        Value::Str(s) => write_str_value(out, s, opts),
        Value::List(l) => write_list(out, l, opts),
        Value::Set(s) => {
            if t == ty::SET_INTSET {
                let mut ints: Vec<i64> = s.iter().filter_map(|m| m.as_int()).collect();
                crate::compact::sort_i64(&mut ints);
                rdb::write_string(out, &encodings::intset_blob(&ints), opts);
            } else {
                rdb::write_len(out, s.len() as u64);
                for m in s.iter_bytes() {
                    rdb::write_string(out, &m, opts);
                }
            }
        }
        Value::ZSet(z) => {
            if t == ty::ZSET_LISTPACK {
                let mut w = ListpackWriter::new();
                for (m, score) in z.iter() {
                    w.push(m);
                    w.push(&encodings::score_text(score));
                }
                rdb::write_string(out, &w.finish(), opts);
            } else {
                rdb::write_len(out, z.len() as u64);
                // Greatest first, as Redis (loading then inserts at the head).
                for (m, score) in z.iter_at(z.len().saturating_sub(1), true) {
                    rdb::write_string(out, m, opts);
                    rdb::write_binary_double(out, score);
                }
            }
        }
        Value::Hash(h) => {
            if t == ty::HASH_METADATA {
                let min = h.min_field_expire().unwrap_or(0);
                rdb::write_ms(out, min);
                rdb::write_len(out, h.len() as u64);
                for (f, val, ttl) in h.iter() {
                    let rel = ttl.map_or(0, |at| (at.saturating_sub(min) as u64).saturating_add(1));
                    rdb::write_len(out, rel);
                    rdb::write_string(out, f, opts);
                    rdb::write_string(out, val, opts);
                }
            } else if t == ty::HASH_LISTPACK {
                let mut w = ListpackWriter::new();
                for (f, val, _) in h.iter() {
                    w.push(f);
                    w.push(val);
                }
                rdb::write_string(out, &w.finish(), opts);
            } else {
                rdb::write_len(out, h.len() as u64);
                for (f, val, _) in h.iter() {
                    rdb::write_string(out, f, opts);
                    rdb::write_string(out, val, opts);
                }
            }
        }
    }
    Ok(())
}

fn write_str_value(out: &mut Vec<u8>, s: &StrValue, opts: WriteOpts) {
    match s {
        StrValue::Int(v) => rdb::write_int_string(out, *v),
        other => rdb::write_string(out, &other.to_vec(), opts),
    }
}

/// Largest listpack node for a `list-max-listpack-size` (Redis's quicklist limits).
fn node_limit(fill: i32) -> (usize, usize) {
    const SIZES: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
    if fill < 0 {
        let i = (fill.unsigned_abs() as usize).clamp(1, 5) - 1;
        (usize::MAX, SIZES[i])
    } else {
        (fill.max(1) as usize, 8192)
    }
}

fn write_list(out: &mut Vec<u8>, l: &List, opts: WriteOpts) {
    // The list is cut into listpack nodes the way a quicklist fills them.
    let (max_count, max_bytes) = node_limit(-2);
    let mut nodes: Vec<Vec<u8>> = Vec::new();
    let mut w = ListpackWriter::new();
    for e in l.iter() {
        if w.count() > 0 && (w.count() >= max_count || w.bytes_len() + e.len() + 11 > max_bytes) {
            nodes.push(std::mem::take(&mut w).finish());
        }
        w.push(e);
    }
    if w.count() > 0 {
        nodes.push(w.finish());
    }
    rdb::write_len(out, nodes.len() as u64);
    for n in nodes {
        rdb::write_len(out, QUICKLIST_NODE_PACKED);
        rdb::write_string(out, &n, opts);
    }
}

// ---------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------

/// Whether `t` is a value type byte (not an opcode).
pub fn is_value_type(t: u8) -> bool {
    t <= 7 || (9..=25).contains(&t)
}

/// Read the value of type `t` (the type byte already consumed). `Ok(None)` for an empty
/// collection, which Redis skips on load.
pub fn read_value(r: &mut Reader<'_>, t: u8, lim: &Limits) -> Result<Option<Value>, RdbError> {
    let v = match t {
        ty::STRING => Value::Str(StrValue::from_bytes(&r.string()?)),
        ty::LIST => {
            let n = r.count(1)?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(r.string()?);
            }
            list_from(items.iter().map(|v| v.as_slice()), lim)
        }
        ty::SET => {
            let n = r.count(1)?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(r.string()?);
            }
            set_from(items.iter().map(|v| v.as_slice()), n, lim)?
        }
        ty::ZSET | ty::ZSET_2 => {
            let n = r.count(2)?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                let m = r.string()?;
                let s = if t == ty::ZSET {
                    r.string_double()?
                } else {
                    r.binary_double()?
                };
                items.push((m.into_boxed_slice(), s));
            }
            zset_from(items, lim)?
        }
        ty::HASH => {
            let n = r.count(2)?;
            let mut pairs = Vec::with_capacity(n);
            for _ in 0..n {
                let f = r.string()?;
                let v = r.string()?;
                pairs.push((f, v));
            }
            hash_from(
                pairs
                    .iter()
                    .map(|(f, v)| (f.as_slice(), v.as_slice(), None)),
                n,
                lim,
            )?
        }
        ty::HASH_METADATA | ty::HASH_METADATA_PRE_GA => {
            let min = if t == ty::HASH_METADATA {
                r.i64_le()?
            } else {
                0
            };
            let n = r.count(3)?;
            let mut rows = Vec::with_capacity(n);
            for _ in 0..n {
                let rel = r.len()?;
                let ttl = match rel {
                    0 => None,
                    x if t == ty::HASH_METADATA => {
                        Some(min.saturating_add((x - 1).min(i64::MAX as u64) as i64))
                    }
                    x => Some(x.min(i64::MAX as u64) as i64),
                };
                let f = r.string()?;
                let v = r.string()?;
                rows.push((f, v, ttl));
            }
            hash_from(
                rows.iter()
                    .map(|(f, v, t)| (f.as_slice(), v.as_slice(), *t)),
                n,
                lim,
            )?
        }
        ty::HASH_ZIPMAP => {
            let blob = r.string()?;
            let pairs = encodings::zipmap_pairs(&blob)?;
            let n = pairs.len();
            hash_from(pairs.into_iter().map(|(f, v)| (f, v, None)), n, lim)?
        }
        ty::LIST_ZIPLIST => {
            let blob = r.string()?;
            let items: Vec<Vec<u8>> = encodings::ziplist_entries(&blob)?
                .iter()
                .map(Elem::to_vec)
                .collect();
            list_from(items.iter().map(|v| v.as_slice()), lim)
        }
        ty::SET_INTSET => {
            let blob = r.string()?;
            let ints = encodings::intset_members(&blob)?;
            let items: Vec<Vec<u8>> = ints.iter().map(|v| v.to_string().into_bytes()).collect();
            set_from(items.iter().map(|v| v.as_slice()), items.len(), lim)?
        }
        ty::SET_LISTPACK => {
            let blob = r.string()?;
            let items: Vec<Vec<u8>> = encodings::listpack_entries(&blob)?
                .iter()
                .map(Elem::to_vec)
                .collect();
            set_from(items.iter().map(|v| v.as_slice()), items.len(), lim)?
        }
        ty::ZSET_ZIPLIST | ty::ZSET_LISTPACK => {
            let blob = r.string()?;
            let entries = if t == ty::ZSET_ZIPLIST {
                encodings::ziplist_entries(&blob)?
            } else {
                encodings::listpack_entries(&blob)?
            };
            if entries.len() % 2 != 0 {
                return err("Sorted set listpack with an odd number of entries");
            }
            let mut items = Vec::with_capacity(entries.len() / 2);
            for pair in entries.chunks_exact(2) {
                items.push((pair[0].to_vec().into_boxed_slice(), pair[1].to_f64()?));
            }
            zset_from(items, lim)?
        }
        ty::HASH_ZIPLIST | ty::HASH_LISTPACK => {
            let blob = r.string()?;
            let entries = if t == ty::HASH_ZIPLIST {
                encodings::ziplist_entries(&blob)?
            } else {
                encodings::listpack_entries(&blob)?
            };
            if entries.len() % 2 != 0 {
                return err("Hash listpack with an odd number of entries");
            }
            let pairs: Vec<(Vec<u8>, Vec<u8>)> = entries
                .chunks_exact(2)
                .map(|p| (p[0].to_vec(), p[1].to_vec()))
                .collect();
            let n = pairs.len();
            hash_from(
                pairs
                    .iter()
                    .map(|(f, v)| (f.as_slice(), v.as_slice(), None)),
                n,
                lim,
            )?
        }
        ty::HASH_LISTPACK_EX | ty::HASH_LISTPACK_EX_PRE_GA => {
            if t == ty::HASH_LISTPACK_EX {
                r.i64_le()?; // the minimum expiry, recomputed from the fields
            }
            let blob = r.string()?;
            let entries = encodings::listpack_entries(&blob)?;
            if entries.len() % 3 != 0 {
                return err("Hash listpack-ex with a bad number of entries");
            }
            let mut rows = Vec::with_capacity(entries.len() / 3);
            for tri in entries.chunks_exact(3) {
                let ttl = match &tri[2] {
                    Elem::Int(0) => None,
                    Elem::Int(v) => Some(*v),
                    Elem::Bytes(_) => return err("Hash listpack-ex with a non-integer TTL"),
                };
                rows.push((tri[0].to_vec(), tri[1].to_vec(), ttl));
            }
            let n = rows.len();
            hash_from(
                rows.iter()
                    .map(|(f, v, t)| (f.as_slice(), v.as_slice(), *t)),
                n,
                lim,
            )?
        }
        ty::LIST_QUICKLIST | ty::LIST_QUICKLIST_2 => {
            let nodes = r.count(1)?;
            let mut items: Vec<Vec<u8>> = Vec::new();
            for _ in 0..nodes {
                let container = if t == ty::LIST_QUICKLIST_2 {
                    r.len()?
                } else {
                    QUICKLIST_NODE_PACKED
                };
                let blob = r.string()?;
                match container {
                    QUICKLIST_NODE_PLAIN => items.push(blob),
                    QUICKLIST_NODE_PACKED => {
                        let entries = if t == ty::LIST_QUICKLIST {
                            encodings::ziplist_entries(&blob)?
                        } else {
                            encodings::listpack_entries(&blob)?
                        };
                        // Redis skips empty nodes.
                        items.extend(entries.iter().map(Elem::to_vec));
                    }
                    _ => {
                        return err(format!(
                            "Quicklist integrity check failed: unknown container {container}"
                        ));
                    }
                }
            }
            list_from(items.iter().map(|v| v.as_slice()), lim)
        }
        ty::STREAM_LISTPACKS | ty::STREAM_LISTPACKS_2 | ty::STREAM_LISTPACKS_3 => {
            Value::Stream(Box::new(crate::types::stream::rdb::read(r, t)?))
        }
        ty::MODULE_PRE_GA | ty::MODULE_2 => {
            return err("Module values are not supported by Cinnabar");
        }
        other => return err(format!("Unknown RDB encoding type {other}")),
    };
    let empty = match &v {
        Value::Str(_) => false,
        Value::List(l) => l.is_empty(),
        Value::Set(s) => s.is_empty(),
        Value::ZSet(z) => z.is_empty(),
        Value::Hash(h) => h.is_empty(),
        Value::Stream(_) => false,
    };
    Ok(if empty { None } else { Some(v) })
}

fn list_from<'a>(items: impl Iterator<Item = &'a [u8]>, lim: &Limits) -> Value {
    Value::List(Box::new(List::from_elems(items, lim.list_fill)))
}

fn set_from<'a>(
    items: impl Iterator<Item = &'a [u8]>,
    n: usize,
    lim: &Limits,
) -> Result<Value, RdbError> {
    let s = Set::from_members(items, &lim.set);
    if s.len() != n {
        return err("Duplicate set members detected");
    }
    Ok(Value::Set(Box::new(s)))
}

fn zset_from(mut items: Vec<(Box<[u8]>, f64)>, lim: &Limits) -> Result<Value, RdbError> {
    if items.iter().any(|(_, s)| s.is_nan()) {
        return err("Zset with NAN score detected");
    }
    let mut members: Vec<&[u8]> = items.iter().map(|(m, _)| &**m).collect();
    crate::compact::sort_by_key_bytes(&mut members, |m| m);
    if members.windows(2).any(|w| w[0] == w[1]) {
        return err("Duplicate zset fields detected");
    }
    // By score, then member; -0.0 and 0.0 are equal scores, as in Redis.
    crate::compact::sort_by(&mut items, |a, b| {
        a.1.partial_cmp(&b.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.0.cmp(&b.0))
    });
    Ok(Value::ZSet(Box::new(ZSet::from_sorted(items, lim.zset))))
}

fn hash_from<'a>(
    rows: impl Iterator<Item = (&'a [u8], &'a [u8], Option<i64>)>,
    n: usize,
    lim: &Limits,
) -> Result<Value, RdbError> {
    let mut h = Hash::new();
    let rows: Vec<_> = rows.collect();
    h.prepare_batch(
        n,
        rows.iter().flat_map(|(f, v, _)| [f.len(), v.len()]),
        lim.hash,
    );
    for (f, v, ttl) in &rows {
        if !h.set(f, v, false, lim.hash) {
            return err("Duplicate hash fields detected");
        }
        if let Some(at) = ttl {
            h.set_field_ttl(f, *at);
        }
    }
    Ok(Value::Hash(h))
}

/// Read a type byte and value from a DUMP-style body (no key).
pub fn read_typed_value(r: &mut Reader<'_>, lim: &Limits) -> Result<Option<Value>, RdbError> {
    let t = r.u8()?;
    if !is_value_type(t) {
        return err(format!("Unknown RDB encoding type {t}"));
    }
    read_value(r, t, lim)
}

/// Members of a set as written (used by tests to compare contents).
pub fn set_members_sorted(s: &Set) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = s.iter().map(Member::to_vec).collect();
    crate::compact::sort_by_key_bytes(&mut v, |m| m);
    v
}
