//! SORT and SORT_RO, as Redis's `sort.c`.
//!
//! The elements of a list, set or sorted set are loaded into a vector, weighted (by
//! themselves or by the keys a `BY` pattern names), sorted, cut by `LIMIT`, and either
//! returned (each element, or what the `GET` patterns name) or stored as a list.
//!
//! * Numeric weights are read as C's `strtod` reads them (leading space, hex floats,
//!   `inf`; a NaN, trailing bytes or an overflow/underflow is an error). Ties are
//!   broken by comparing the elements byte-wise, and `DESC` reverses the whole order,
//!   ties included, as Redis's `sortCompare`.
//! * `ALPHA` compares with `strcoll` in Redis; we compare bytes up to the first NUL,
//!   which is `strcoll` in the C locale. With `STORE`, bytes are compared in full
//!   (Redis's binary comparison).
//! * `BY` without `*` (e.g. `nosort`) skips sorting: lists and sorted sets keep their
//!   order (reversed by `DESC`), sets their iteration order, except that a set being
//!   stored is sorted `ALPHA` so the result does not depend on the encoding.
//! * A pattern's first `*` is replaced by the element; `key->field` reads a hash field;
//!   `#` is the element itself. Missing keys weigh 0 (or sort first with `ALPHA`) and
//!   `GET` gives nil for them (an empty string when storing).
//! * As in Redis, sorting a listpack-encoded sorted set converts it to a skiplist.

use std::cmp::Ordering;

use super::{Args, Ctx, Handler, parse_i64};
use crate::db::NO_EXPIRE;
use crate::reply::{CmdError, CmdResult, Reply};
use crate::types::zset::{c_isspace, c_str, parse_c_double};
use crate::types::{List, Value};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[("sort", sort), ("sort_ro", sort_ro)];

/// ```text
/// SORT key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]]
///     [ASC | DESC] [ALPHA] [STORE destination]
/// ```
pub fn sort(ctx: &mut Ctx, args: &Args) -> CmdResult {
    sort_generic(ctx, args, false)
}

/// ```text
/// SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]]
///     [ASC | DESC] [ALPHA]
/// ```
pub fn sort_ro(ctx: &mut Ctx, args: &Args) -> CmdResult {
    sort_generic(ctx, args, true)
}

/// One element being sorted.
struct Item {
    obj: Vec<u8>,
    score: f64,
    /// The `BY` value for `ALPHA` sorts (None: missing key, sorts first).
    cmp: Option<Vec<u8>>,
}

/// Redis's `sortCompare`.
fn compare(a: &Item, b: &Item, alpha: bool, by: bool, store: bool) -> Ordering {
    if !alpha {
        match a.score.partial_cmp(&b.score) {
            Some(Ordering::Equal) | None => a.obj.cmp(&b.obj),
            Some(o) => o,
        }
    } else if by {
        match (&a.cmp, &b.cmp) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => {
                if store {
                    x.cmp(y)
                } else {
                    c_str(x).cmp(c_str(y))
                }
            }
        }
    } else if store {
        a.obj.cmp(&b.obj)
    } else {
        c_str(&a.obj).cmp(c_str(&b.obj))
    }
}

/// A weight as Redis reads it with `strtod`: None when not convertible.
fn weight(b: &[u8]) -> Option<f64> {
    let s = c_str(b);
    if !s.is_empty() && s.iter().all(|&c| c_isspace(c)) {
        // Nothing converted: the end pointer stays at the first (space) byte.
        return None;
    }
    match parse_c_double(s) {
        Some((v, false)) if !v.is_nan() => Some(v),
        _ => None,
    }
}

/// Redis's `lookupKeyByPattern`: the value `pattern` names for element `subst`.
fn lookup_by_pattern(ctx: &mut Ctx, pattern: &[u8], subst: &[u8]) -> Option<Vec<u8>> {
    let cpat = c_str(pattern);
    if cpat == b"#" {
        return Some(subst.to_vec());
    }
    let star = cpat.iter().position(|&c| c == b'*')?;
    // A hash field when "->" follows the star with a non-empty field name after it.
    let arrow = cpat
        .get(star + 1..)
        .and_then(|rest| rest.windows(2).position(|w| w == b"->"))
        .map(|p| star + 1 + p)
        .filter(|&f| f + 2 < cpat.len());
    let (post_end, field) = match arrow {
        Some(f) => (f, pattern.get(f + 2..)),
        None => (pattern.len(), None),
    };
    let mut key = Vec::with_capacity(pattern.len() + subst.len());
    key.extend_from_slice(pattern.get(..star)?);
    key.extend_from_slice(subst);
    key.extend_from_slice(pattern.get(star + 1..post_end)?);
    let now = ctx.now;
    let e = ctx.lookup_read(&key)?;
    match (&e.value, field) {
        (Value::Hash(h), Some(f)) => {
            if let Some(Some(at)) = h.field_ttl(f) {
                if at < now {
                    return None;
                }
            }
            h.get(f).map(|v| v.to_vec())
        }
        (Value::Str(s), None) => Some(s.to_vec()),
        _ => None,
    }
}

fn sort_generic(ctx: &mut Ctx, args: &Args, readonly: bool) -> CmdResult {
    let mut desc = false;
    let mut alpha = false;
    let (mut limit_start, mut limit_count) = (0i64, -1i64);
    let mut store: Option<&[u8]> = None;
    let mut by: Option<&[u8]> = None;
    let mut dontsort = false;
    let mut gets: Vec<&[u8]> = Vec::new();
    let mut j = 2;
    while j < args.len() {
        let left = args.len() - j - 1;
        if args.is(j, "asc") {
            desc = false;
        } else if args.is(j, "desc") {
            desc = true;
        } else if args.is(j, "alpha") {
            alpha = true;
        } else if args.is(j, "limit") && left >= 2 {
            limit_start = parse_i64(args.get(j + 1))?;
            limit_count = parse_i64(args.get(j + 2))?;
            j += 2;
        } else if !readonly && args.is(j, "store") && left >= 1 {
            store = Some(args.get(j + 1));
            j += 1;
        } else if args.is(j, "by") && left >= 1 {
            let p = args.get(j + 1);
            by = Some(p);
            // A pattern without '*' names one constant key: nothing to sort by.
            dontsort = !c_str(p).contains(&b'*');
            j += 1;
        } else if args.is(j, "get") && left >= 1 {
            gets.push(args.get(j + 1));
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }

    let key = args.get(1);
    let kind = match ctx.lookup_read(key).map(|e| &e.value) {
        None => None,
        Some(Value::List(_)) => Some(Kind::List),
        Some(Value::Set(_)) => Some(Kind::Set),
        Some(Value::ZSet(_)) => Some(Kind::ZSet),
        Some(_) => return Err(CmdError::WrongType),
    };
    if dontsort && kind == Some(Kind::Set) && store.is_some() {
        // Sort sets being stored so the result does not depend on the encoding.
        dontsort = false;
        alpha = true;
        by = None;
    }
    if kind == Some(Kind::ZSet) {
        convert_zset(ctx, key);
    }

    // Vector length and the LIMIT window, clamped as Redis does.
    let vlen = element_count(ctx, key) as i64;
    let mut start = limit_start.max(0).min(vlen);
    let count = limit_count.max(-1).min(vlen);
    let mut end = if count < 0 {
        vlen - 1
    } else {
        start + count - 1
    };
    if start >= vlen {
        start = vlen - 1;
        end = vlen - 2;
    }
    if end >= vlen {
        end = vlen - 1;
    }

    // Load the elements. Lists and sorted sets that need no sorting load only the window.
    let mut items: Vec<Item> = {
        let db = &ctx.st.dbs[ctx.sess.db];
        let value = db.ks.get(key).map(|e| &e.value);
        let direct = dontsort && matches!(kind, Some(Kind::List) | Some(Kind::ZSet));
        let item = |b: &[u8]| Item {
            obj: b.to_vec(),
            score: 0.0,
            cmp: None,
        };
        let objs: Vec<Item> = match value {
            Some(Value::List(l)) if direct => {
                let take = if end >= start {
                    (end - start + 1) as usize
                } else {
                    0
                };
                let s = start.max(0) as usize;
                if desc {
                    l.iter().rev().skip(s).take(take).map(item).collect()
                } else {
                    l.iter().skip(s).take(take).map(item).collect()
                }
            }
            Some(Value::ZSet(z)) if direct => {
                let take = if end >= start {
                    (end - start + 1) as usize
                } else {
                    0
                };
                let s = start.max(0) as usize;
                if take == 0 {
                    Vec::new()
                } else if desc {
                    z.iter_at(z.len().saturating_sub(1 + s), true)
                        .take(take)
                        .map(|(m, _)| item(m))
                        .collect()
                } else {
                    z.iter_at(s, false)
                        .take(take)
                        .map(|(m, _)| item(m))
                        .collect()
                }
            }
            Some(Value::List(l)) => l.iter().map(item).collect(),
            Some(Value::Set(s)) => s.iter().map(|m| item(&m.bytes())).collect(),
            Some(Value::ZSet(z)) => z.iter().map(|(m, _)| item(m)).collect(),
            _ => Vec::new(),
        };
        if direct {
            // The output code below sees the window as the whole vector.
            end -= start;
            start = 0;
        }
        objs
    };

    // Weigh and sort.
    let mut conversion_error = false;
    if !dontsort {
        for it in items.iter_mut() {
            let byval = match by {
                Some(p) => match lookup_by_pattern(ctx, p, &it.obj) {
                    Some(v) => Some(v),
                    None => continue,
                },
                None => None,
            };
            if alpha {
                if by.is_some() {
                    it.cmp = byval;
                }
            } else {
                let w = byval.as_deref().unwrap_or(&it.obj);
                match weight(w) {
                    Some(v) => it.score = v,
                    None => conversion_error = true,
                }
            }
        }
        let (by_pattern, storing) = (by.is_some(), store.is_some());
        crate::compact::sort_by(&mut items, |a, b| {
            let o = compare(a, b, alpha, by_pattern, storing);
            if desc { o.reverse() } else { o }
        });
    }

    if conversion_error {
        return Err(CmdError::err(
            "One or more scores can't be converted into double",
        ));
    }
    let range = if end >= start && start >= 0 {
        items.get(start as usize..=end as usize).unwrap_or_default()
    } else {
        &[]
    };
    let outputlen = if gets.is_empty() {
        range.len()
    } else {
        gets.len().saturating_mul(range.len())
    };

    let Some(dst) = store else {
        let mut out = Vec::with_capacity(outputlen);
        for it in range {
            if gets.is_empty() {
                out.push(Reply::Bulk(it.obj.clone()));
            }
            for p in &gets {
                out.push(match lookup_by_pattern(ctx, p, &it.obj) {
                    Some(v) => Reply::Bulk(v),
                    None => Reply::Nil,
                });
            }
        }
        return Ok(Reply::Array(out));
    };

    let mut elems: Vec<Vec<u8>> = Vec::with_capacity(outputlen);
    for it in range {
        if gets.is_empty() {
            elems.push(it.obj.clone());
        }
        for p in &gets {
            elems.push(lookup_by_pattern(ctx, p, &it.obj).unwrap_or_default());
        }
    }
    if outputlen > 0 {
        let fill = ctx.st.config.list_max_listpack_size;
        let list = List::from_elems_auto(elems.iter().map(Vec::as_slice), fill);
        ctx.lookup_write(dst);
        ctx.db().set(dst, Value::List(Box::new(list)), NO_EXPIRE);
        ctx.signal_modified(dst);
        ctx.notify('l', "sortstore", dst);
        ctx.dirty(outputlen as u64);
    } else if ctx.delete(dst) {
        ctx.signal_modified(dst);
        ctx.notify('g', "del", dst);
        ctx.dirty(1);
    }
    Ok(Reply::Int(outputlen as i64))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    List,
    Set,
    ZSet,
}

/// Number of elements of the sortable value at `key` (0 when missing).
fn element_count(ctx: &Ctx, key: &[u8]) -> usize {
    match ctx.st.dbs[ctx.sess.db].ks.get(key).map(|e| &e.value) {
        Some(Value::List(l)) => l.len(),
        Some(Value::Set(s)) => s.len(),
        Some(Value::ZSet(z)) => z.len(),
        _ => 0,
    }
}

/// Redis converts a sorted set to a skiplist before sorting it.
fn convert_zset(ctx: &mut Ctx, key: &[u8]) {
    let delta = match ctx.db().ks.get_mut(key).map(|e| &mut e.value) {
        Some(Value::ZSet(z)) if z.is_listpack() => {
            let before = z.mem_usage();
            z.convert_to_skiplist();
            z.mem_usage() as isize - before as isize
        }
        _ => 0,
    };
    if delta != 0 {
        ctx.db().ks.adjust_mem(delta);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_follow_strtod() {
        assert_eq!(weight(b"1.5"), Some(1.5));
        assert_eq!(weight(b"  -2"), Some(-2.0));
        assert_eq!(weight(b""), Some(0.0));
        assert_eq!(weight(b"0x10"), Some(16.0));
        assert_eq!(weight(b"inf"), Some(f64::INFINITY));
        assert_eq!(weight(b"7\0junk"), Some(7.0));
        assert_eq!(weight(b"   "), None);
        assert_eq!(weight(b"1 "), None);
        assert_eq!(weight(b"nan"), None);
        assert_eq!(weight(b"1e400"), None);
        assert_eq!(weight(b"abc"), None);
    }

    #[test]
    fn numeric_ties_break_on_the_element_bytes() {
        let it = |o: &str, s: f64| Item {
            obj: o.as_bytes().to_vec(),
            score: s,
            cmp: None,
        };
        let mut v = [it("b", 1.0), it("a", 1.0), it("c", 0.5)];
        v.sort_by(|a, b| compare(a, b, false, false, false));
        let got: Vec<&[u8]> = v.iter().map(|i| i.obj.as_slice()).collect();
        assert_eq!(got, [&b"c"[..], b"a", b"b"]);
    }
}
