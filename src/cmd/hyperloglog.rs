//! HyperLogLog commands (Redis's `hyperloglog.c` command half): PFADD, PFCOUNT,
//! PFMERGE, PFDEBUG and PFSELFTEST. The data structure lives in
//! [`crate::types::hll`]; values are plain strings, byte-compatible with Redis.
//!
//! As in Redis, PFADD and PFMERGE emit the `pfadd` event (`$` class); PFCOUNT on one key
//! stores the computed cardinality in the header when the cache was stale, which counts
//! as a change (propagated) but is not notified. Every command that touches a value
//! turns it `raw` first (`dbUnshareStringValue`).

use super::{Args, Ctx, Handler};
use crate::db::NO_EXPIRE;
use crate::reply::{CmdError, CmdResult, Reply};
use crate::types::hll::{self, REGISTERS};
use crate::types::{StrValue, Value};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("pfadd", pfadd),
    ("pfcount", pfcount),
    ("pfdebug", pfdebug),
    ("pfmerge", pfmerge),
    ("pfselftest", pfselftest),
];

/// `WRONGTYPE Key is not a valid HyperLogLog string value.`
fn err_not_hll() -> CmdError {
    CmdError::raw("WRONGTYPE Key is not a valid HyperLogLog string value.")
}

/// `INVALIDOBJ Corrupted HLL object detected`
fn err_invalid() -> CmdError {
    CmdError::raw("INVALIDOBJ Corrupted HLL object detected")
}

/// Check a value is a valid HyperLogLog string (`isHLLObjectOrReply`).
fn check_hll(v: &Value) -> Result<&StrValue, CmdError> {
    match v {
        Value::Str(s @ (StrValue::Emb(_) | StrValue::Raw(_) | StrValue::RawExact(_))) => {
            if s.with_bytes(hll::is_valid) {
                Ok(s)
            } else {
                Err(err_not_hll())
            }
        }
        Value::Str(StrValue::Int(_)) => Err(err_not_hll()),
        _ => Err(CmdError::WrongType),
    }
}

/// The HyperLogLog at `key` for modification, validated and made `raw`: `Ok(None)` when
/// absent. Returns the bytes and the value's memory before any change.
fn write_hll<'c>(
    ctx: &'c mut Ctx,
    key: &[u8],
) -> Result<Option<(&'c mut StrValue, usize)>, CmdError> {
    match ctx.lookup_write(key) {
        None => Ok(None),
        Some(e) => {
            check_hll(&e.value)?;
            match &mut e.value {
                Value::Str(s) => {
                    let before = s.mem_usage();
                    s.make_raw();
                    Ok(Some((s, before)))
                }
                _ => Err(CmdError::WrongType),
            }
        }
    }
}

fn adjust_mem(ctx: &mut Ctx, before: usize, after: usize) {
    if before != after {
        ctx.db().ks.adjust_mem(after as isize - before as isize);
    }
}

/// `hll-sparse-max-bytes`.
#[inline]
fn sparse_max(ctx: &Ctx) -> usize {
    ctx.st.config.hll_sparse_max_bytes
}

// ---------------------------------------------------------------------------------------
// PFADD / PFCOUNT / PFMERGE
// ---------------------------------------------------------------------------------------

/// ```text
/// PFADD key [element [element ...]]
/// ```
pub fn pfadd(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let max_bytes = sparse_max(ctx);
    // One keyspace lookup: the registers are updated in place, under the entry borrow.
    let existing = match ctx.lookup_write(key) {
        None => None,
        Some(e) => {
            check_hll(&e.value)?;
            let Value::Str(s) = &mut e.value else {
                return Err(CmdError::WrongType);
            };
            let before = s.mem_usage();
            let raw = s.make_raw();
            let (updated, failed) = add_all(raw, args, max_bytes);
            if updated > 0 && !failed {
                hll::invalidate_cache(raw);
            }
            Some((updated, failed, before, s.mem_usage()))
        }
    };
    let updated = match existing {
        Some((updated, failed, before, after)) => {
            adjust_mem(ctx, before, after);
            if failed {
                return Err(err_invalid());
            }
            updated
        }
        None => {
            // A new key: fill the registers first, then insert the finished value.
            let mut v = hll::new_sparse();
            let (updated, failed) = add_all(&mut v, args, max_bytes);
            if failed {
                return Err(err_invalid());
            }
            // Counts as a change even with no elements (the cache is marked stale).
            hll::invalidate_cache(&mut v);
            ctx.db().ks.insert_new(
                key.into(),
                Value::Str(StrValue::Raw(Box::new(v))),
                NO_EXPIRE,
            );
            updated + 1
        }
    };
    if updated > 0 {
        ctx.signal_modified(key);
        ctx.notify('$', "pfadd", key);
        ctx.dirty(updated);
    }
    Ok(Reply::Int(i64::from(updated > 0)))
}

/// Add the elements of a PFADD to `raw`: (registers changed, corrupted).
fn add_all(raw: &mut Vec<u8>, args: &Args, max_bytes: usize) -> (u64, bool) {
    let mut updated = 0u64;
    for ele in args.iter().skip(2) {
        match hll::add(raw, ele, max_bytes) {
            Ok(true) => updated += 1,
            Ok(false) => {}
            Err(_) => return (updated, true),
        }
    }
    (updated, false)
}

/// ```text
/// PFCOUNT key [key ...]
/// ```
pub fn pfcount(ctx: &mut Ctx, args: &Args) -> CmdResult {
    if args.len() > 2 {
        // The cardinality of the union, one byte per register.
        let mut max = Box::new([0u8; REGISTERS]);
        for key in args.iter().skip(1) {
            let Some(e) = ctx.lookup_read(key) else {
                continue;
            };
            let s = check_hll(&e.value)?;
            s.with_bytes(|b| hll::merge_into(&mut max, b))
                .map_err(|_| err_invalid())?;
        }
        return Ok(Reply::Int(hll::count_raw(&max) as i64));
    }
    let key = args.get(1);
    let Some(e) = ctx.lookup_read(key) else {
        return Ok(Reply::Int(0));
    };
    check_hll(&e.value)?;
    let Value::Str(s) = &mut e.value else {
        return Err(CmdError::WrongType);
    };
    let before = s.mem_usage();
    let raw = s.make_raw();
    let (card, recomputed) = match hll::cached_card(raw) {
        Some(c) => (c, false),
        None => match hll::count(raw) {
            Ok(c) => {
                hll::set_cached_card(raw, c);
                (c, true)
            }
            Err(_) => {
                let after = s.mem_usage();
                adjust_mem(ctx, before, after);
                return Err(err_invalid());
            }
        },
    };
    let after = s.mem_usage();
    adjust_mem(ctx, before, after);
    if recomputed {
        ctx.signal_modified(key);
        ctx.dirty(1);
    }
    Ok(Reply::Int(card as i64))
}

/// ```text
/// PFMERGE destkey [sourcekey [sourcekey ...]]
/// ```
pub fn pfmerge(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let dst = args.get(1);
    let max_bytes = sparse_max(ctx);
    let mut max = Box::new([0u8; REGISTERS]);
    let mut use_dense = false;
    // The destination is merged too (it is argument 1).
    for key in args.iter().skip(1) {
        let Some(e) = ctx.lookup_read(key) else {
            continue;
        };
        let s = check_hll(&e.value)?;
        let r = s.with_bytes(|b| {
            use_dense |= hll::encoding(b) == hll::DENSE;
            hll::merge_into(&mut max, b)
        });
        r.map_err(|_| err_invalid())?;
    }
    if ctx.lookup_write(dst).is_none() {
        let v = hll::new_sparse();
        ctx.db().ks.insert_new(
            dst.into(),
            Value::Str(StrValue::Raw(Box::new(v))),
            NO_EXPIRE,
        );
    }
    let Some(Value::Str(s)) = ctx.db().ks.get_mut(dst).map(|e| &mut e.value) else {
        return Err(err_invalid());
    };
    let before = s.mem_usage();
    let raw = s.make_raw();
    let mut result = Ok(());
    if use_dense && hll::sparse_to_dense(raw).is_err() {
        result = Err(err_invalid());
    } else {
        for (i, &m) in max.iter().enumerate() {
            if m != 0 {
                // Errors on a corrupted destination are ignored, as Redis does.
                let _ = hll::set_register(raw, i, m, max_bytes);
            }
        }
        hll::invalidate_cache(raw);
    }
    let after = s.mem_usage();
    adjust_mem(ctx, before, after);
    result?;
    ctx.signal_modified(dst);
    ctx.notify('$', "pfadd", dst);
    ctx.dirty(1);
    Ok(Reply::Ok)
}

// ---------------------------------------------------------------------------------------
// PFDEBUG / PFSELFTEST
// ---------------------------------------------------------------------------------------

/// ```text
/// PFDEBUG subcommand key
/// ```
///
/// Subcommands: `GETREG` (the 16384 registers; converts to dense), `DECODE` (the
/// sparse opcodes), `ENCODING` (`dense` or `sparse`), `TODENSE` (1 if converted).
pub fn pfdebug(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let sub = args.get(1);
    let key = args.get(2);
    let Some((s, before)) = write_hll(ctx, key)? else {
        return Err(CmdError::err("The specified key does not exist"));
    };
    let raw = s.make_raw();
    let mut dirty = false;
    let reply = if sub.eq_ignore_ascii_case(b"getreg") {
        if hll::encoding(raw) == hll::SPARSE {
            if hll::sparse_to_dense(raw).is_err() {
                return Err(err_invalid());
            }
            dirty = true;
        }
        let regs = raw.get(hll::HDR_SIZE..).unwrap_or(&[]);
        Reply::Array(
            (0..REGISTERS)
                .map(|i| Reply::Int(hll::dense_get(regs, i) as i64))
                .collect(),
        )
    } else if sub.eq_ignore_ascii_case(b"decode") {
        if hll::encoding(raw) != hll::SPARSE {
            return Err(CmdError::err("HLL encoding is not sparse"));
        }
        let text: Vec<String> = hll::sparse_ops(raw)
            .into_iter()
            .map(|op| match op {
                hll::Op::Zero(n) => format!("z:{n}"),
                hll::Op::XZero(n) => format!("Z:{n}"),
                hll::Op::Val(v, n) => format!("v:{v},{n}"),
            })
            .collect();
        Reply::Bulk(text.join(" ").into_bytes())
    } else if sub.eq_ignore_ascii_case(b"encoding") {
        Reply::simple(if hll::encoding(raw) == hll::DENSE {
            "dense"
        } else {
            "sparse"
        })
    } else if sub.eq_ignore_ascii_case(b"todense") {
        let conv = hll::encoding(raw) == hll::SPARSE;
        if conv {
            if hll::sparse_to_dense(raw).is_err() {
                return Err(err_invalid());
            }
            dirty = true;
        }
        Reply::Int(i64::from(conv))
    } else {
        let name = String::from_utf8_lossy(sub).into_owned();
        return Err(CmdError::Other(
            format!("ERR Unknown PFDEBUG subcommand '{name}'").into(),
        ));
    };
    let after = s.mem_usage();
    adjust_mem(ctx, before, after);
    if dirty {
        ctx.dirty(1);
    }
    Ok(reply)
}

/// ```text
/// PFSELFTEST
/// ```
///
/// Checks the dense register accessors on random values, then adds ten million
/// elements to a dense and a sparse HyperLogLog, checking at each power of ten that they
/// agree and that the error is within six standard errors.
pub fn pfselftest(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    let mut regs = vec![0u8; hll::DENSE_SIZE - hll::HDR_SIZE];
    let mut bytes = vec![0u8; REGISTERS];
    for _ in 0..1000 {
        for (i, b) in bytes.iter_mut().enumerate() {
            let r = (ctx.rand() & 63) as u8;
            *b = r;
            hll::dense_put(&mut regs, i, r);
        }
        for (i, &b) in bytes.iter().enumerate() {
            let v = hll::dense_get(&regs, i);
            if v != b {
                return Err(CmdError::Other(
                    format!("TESTFAILED Register {i} should be {b} but is {v}").into(),
                ));
            }
        }
    }
    let mut dense = hll::new_sparse();
    let _ = hll::sparse_to_dense(&mut dense);
    let mut sparse = hll::new_sparse();
    let max_bytes = sparse_max(ctx);
    let relerr = 1.04 / (REGISTERS as f64).sqrt();
    let mut checkpoint: u64 = 1;
    let seed = ctx.rand();
    for j in 1..=10_000_000u64 {
        let ele = (j ^ seed).to_ne_bytes();
        let _ = hll::add(&mut dense, &ele, max_bytes);
        let _ = hll::add(&mut sparse, &ele, max_bytes);
        if j != checkpoint {
            continue;
        }
        if j < (max_bytes / 2) as u64 && hll::encoding(&sparse) != hll::SPARSE {
            return Err(CmdError::raw("TESTFAILED sparse encoding not used"));
        }
        let dc = hll::count(&dense).unwrap_or(0);
        if hll::count(&sparse).ok() != Some(dc) {
            return Err(CmdError::raw("TESTFAILED dense/sparse disagree"));
        }
        let abserr = checkpoint.abs_diff(dc);
        let mut maxerr = (relerr * 6.0 * checkpoint as f64).ceil() as u64;
        if j == 10 {
            maxerr = 1;
        }
        if abserr > maxerr {
            return Err(CmdError::Other(
                format!("TESTFAILED Too big error. card:{checkpoint} abserr:{abserr}").into(),
            ));
        }
        checkpoint *= 10;
    }
    Ok(Reply::Ok)
}
