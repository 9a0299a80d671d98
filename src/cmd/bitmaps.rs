//! Bit commands on strings (Redis's `bitops.c`): SETBIT, GETBIT, BITCOUNT, BITPOS,
//! BITOP, BITFIELD and BITFIELD_RO.
//!
//! Bit 0 is the most significant bit of the first byte. Writes grow the string with
//! zero bytes as needed (up to `proto-max-bulk-len`) and turn it `raw`, as Redis's
//! `lookupStringForBitCommand` does; a write that changes nothing (same bit, same
//! field value, no growth) is not counted, notified or propagated. Counting and search
//! work a machine word at a time.
//!
//! BITCOUNT and BITPOS validate their arguments before looking the key up (Redis 7.2;
//! 7.0 answered 0 / -1 for a missing key whatever the arguments).
//!
//! Notifications: SETBIT and BITFIELD emit `setbit`, BITOP emits `set` (or `del` when
//! the result is empty), all in the `$` (string) class except `del` (`g`).

use super::{Args, Ctx, Handler, parse_i64};
use crate::db::NO_EXPIRE;
use crate::reply::{CmdError, CmdResult, Reply};
use crate::types::{StrValue, Value};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("bitcount", bitcount),
    ("bitfield", bitfield),
    ("bitfield_ro", bitfield_ro),
    ("bitop", bitop),
    ("bitpos", bitpos),
    ("getbit", getbit),
    ("setbit", setbit),
];

const ERR_OFFSET: &str = "ERR bit offset is not an integer or out of range";
const ERR_BIT: &str = "ERR bit is not an integer or out of range";
const ERR_TYPE: &str = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// Parse a bit offset (`getBitOffsetFromArgument`): a non-negative integer whose byte
/// index is below `proto-max-bulk-len`; with `bits > 0`, `#N` means `N * bits`.
fn parse_offset(ctx: &Ctx, arg: &[u8], bits: u32) -> Result<u64, CmdError> {
    let err = || CmdError::raw(ERR_OFFSET);
    let (digits, hash) = match arg.split_first() {
        Some((b'#', rest)) if bits > 0 => (rest, true),
        _ => (arg, false),
    };
    let mut v = crate::types::string::parse_i64(digits).ok_or_else(err)?;
    if hash {
        v = v.checked_mul(bits as i64).ok_or_else(err)?;
    }
    if v < 0 || (v >> 3) as u64 >= ctx.st.config.proto_max_bulk_len as u64 {
        return Err(err());
    }
    Ok(v as u64)
}

/// The string at `key` for a bit write, created or zero-padded so that bit `maxbit`
/// exists (`lookupStringForBitCommand`). Returns (the raw bytes, memory before, whether
/// the key was created or grown).
fn string_for_bits<'c>(
    ctx: &'c mut Ctx,
    key: &[u8],
    maxbit: u64,
) -> Result<(&'c mut StrValue, usize, bool), CmdError> {
    let need = (maxbit >> 3) as usize + 1;
    let exists = match ctx.lookup_write(key) {
        None => false,
        Some(e) => match &e.value {
            Value::Str(_) => true,
            _ => return Err(CmdError::WrongType),
        },
    };
    if !exists {
        ctx.db().ks.insert_new(
            key.into(),
            Value::Str(StrValue::Raw(Box::new(vec![0u8; need]))),
            NO_EXPIRE,
        );
    }
    let Some(Value::Str(s)) = ctx.db().ks.get_mut(key).map(|e| &mut e.value) else {
        return Err(CmdError::WrongType);
    };
    let before = s.mem_usage();
    let raw = s.make_raw();
    let mut grown = !exists;
    if raw.len() < need {
        raw.resize(need, 0);
        grown = true;
    }
    Ok((s, before, grown))
}

/// Record the memory change of a string modified in place.
fn adjust_mem(ctx: &mut Ctx, before: usize, after: usize) {
    if before != after {
        ctx.db().ks.adjust_mem(after as isize - before as isize);
    }
}

/// Number of set bits.
#[inline]
pub fn popcount(b: &[u8]) -> u64 {
    let mut chunks = b.chunks_exact(8);
    let mut n = 0u64;
    for c in &mut chunks {
        let w = u64::from_ne_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        n += w.count_ones() as u64;
    }
    n + chunks
        .remainder()
        .iter()
        .map(|x| x.count_ones() as u64)
        .sum::<u64>()
}

/// Position of the first bit equal to `bit` (`redisBitpos`): -1 when looking for a 1
/// and there is none; `len * 8` when looking for a 0 and there is none (the string is
/// taken as padded with zeros on the right).
pub fn first_bit(b: &[u8], bit: bool) -> i64 {
    let skip: u8 = if bit { 0 } else { 0xff };
    let skip_word = if bit { 0u64 } else { u64::MAX };
    let mut i = 0usize;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_ne_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        if w != skip_word {
            break;
        }
        i += 8;
    }
    while let Some(&x) = b.get(i) {
        if x != skip {
            let lead = if bit {
                x.leading_zeros()
            } else {
                x.leading_ones()
            };
            return (i as i64) * 8 + lead as i64;
        }
        i += 1;
    }
    if bit { -1 } else { b.len() as i64 * 8 }
}

/// Parse the optional BYTE|BIT word: true for BIT.
fn parse_unit(arg: &[u8]) -> Result<bool, CmdError> {
    if arg.eq_ignore_ascii_case(b"bit") {
        Ok(true)
    } else if arg.eq_ignore_ascii_case(b"byte") {
        Ok(false)
    } else {
        Err(CmdError::Syntax)
    }
}

/// A copy of the string at `key` (BITOP reads all sources before writing the
/// destination, which may be one of them): `Ok(None)` if absent, WRONGTYPE if another
/// type.
fn read_bytes(ctx: &mut Ctx, key: &[u8]) -> Result<Option<Vec<u8>>, CmdError> {
    match ctx.read_str(key)? {
        None => Ok(None),
        Some(s) => Ok(Some(s.to_vec())),
    }
}

/// Run `f` on the bytes of the string at `key` (None if absent), WRONGTYPE otherwise.
fn with_str<R>(
    ctx: &mut Ctx,
    key: &[u8],
    f: impl FnOnce(Option<&[u8]>) -> R,
) -> Result<R, CmdError> {
    match ctx.read_str(key)? {
        None => Ok(f(None)),
        Some(s) => Ok(s.with_bytes(|b| f(Some(b)))),
    }
}

// ---------------------------------------------------------------------------------------
// SETBIT / GETBIT
// ---------------------------------------------------------------------------------------

/// ```text
/// SETBIT key offset value
/// ```
pub fn setbit(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let offset = parse_offset(ctx, args.get(2), 0)?;
    let on = crate::types::string::parse_i64(args.get(3)).ok_or(CmdError::raw(ERR_BIT))?;
    if on & !1 != 0 {
        return Err(CmdError::raw(ERR_BIT));
    }
    let (s, before, grown) = string_for_bits(ctx, key, offset)?;
    let raw = s.make_raw();
    let byte = (offset >> 3) as usize;
    let shift = 7 - (offset & 7) as u32;
    let Some(b) = raw.get_mut(byte) else {
        return Err(CmdError::raw(ERR_OFFSET));
    };
    let old = (*b >> shift) & 1;
    let changed = grown || old as i64 != on;
    if changed {
        *b = (*b & !(1 << shift)) | ((on as u8) << shift);
    }
    let after = s.mem_usage();
    adjust_mem(ctx, before, after);
    if changed {
        ctx.signal_modified(key);
        ctx.notify('$', "setbit", key);
        ctx.dirty(1);
    }
    Ok(Reply::Int(old as i64))
}

/// ```text
/// GETBIT key offset
/// ```
pub fn getbit(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let offset = parse_offset(ctx, args.get(2), 0)?;
    let byte = (offset >> 3) as usize;
    let shift = 7 - (offset & 7) as u32;
    with_str(ctx, args.get(1), |b| {
        let v = b.and_then(|b| b.get(byte)).map_or(0, |x| (x >> shift) & 1);
        Reply::Int(v as i64)
    })
}

// ---------------------------------------------------------------------------------------
// BITCOUNT / BITPOS
// ---------------------------------------------------------------------------------------

/// Resolve a (start, end) range over a string of `len` bytes as BITCOUNT/BITPOS do:
/// negative indexes from the end, clamped; with `isbit` the indexes are bits and the
/// masks of the out-of-range bits of the first and last byte are returned too.
/// Returns (start byte, end byte, first mask, last mask), start > end when empty.
fn resolve_range(mut start: i64, mut end: i64, len: usize, isbit: bool) -> (i64, i64, u8, u8) {
    let mut total = len as i64;
    if isbit {
        total <<= 3;
    }
    if start < 0 {
        start += total;
    }
    if end < 0 {
        end += total;
    }
    start = start.max(0);
    end = end.max(0);
    if end >= total {
        end = total - 1;
    }
    let (mut first_mask, mut last_mask) = (0u8, 0u8);
    if isbit && start <= end {
        first_mask = !((1u32 << (8 - (start & 7))) - 1) as u8;
        last_mask = ((1u32 << (7 - (end & 7))) - 1) as u8;
        start >>= 3;
        end >>= 3;
    }
    (start, end, first_mask, last_mask)
}

/// ```text
/// BITCOUNT key [start end [BYTE | BIT]]
/// ```
pub fn bitcount(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let range = match args.len() {
        2 => None,
        4 | 5 => {
            let start = parse_i64(args.get(2))?;
            let end = parse_i64(args.get(3))?;
            let isbit = if args.len() == 5 {
                parse_unit(args.get(4))?
            } else {
                false
            };
            Some((start, end, isbit))
        }
        _ => return Err(CmdError::Syntax),
    };
    with_str(ctx, key, |b| {
        let Some(b) = b else { return Reply::Int(0) };
        let (start, end, first_mask, last_mask) = match range {
            None => (0, b.len() as i64 - 1, 0, 0),
            Some((s, e, _)) if s < 0 && e < 0 && s > e => return Reply::Int(0),
            Some((s, e, isbit)) => resolve_range(s, e, b.len(), isbit),
        };
        if start > end {
            return Reply::Int(0);
        }
        let (s, e) = (start as usize, end as usize);
        let Some(slice) = b.get(s..=e) else {
            return Reply::Int(0);
        };
        let mut n = popcount(slice) as i64;
        if first_mask != 0 {
            n -= (slice[0] & first_mask).count_ones() as i64;
        }
        if last_mask != 0 {
            n -= (slice[slice.len() - 1] & last_mask).count_ones() as i64;
        }
        Reply::Int(n)
    })
}

/// ```text
/// BITPOS key bit [start [end [BYTE | BIT]]]
/// ```
pub fn bitpos(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    let bit = parse_i64(args.get(2))?;
    if bit != 0 && bit != 1 {
        return Err(CmdError::err("The bit argument must be 1 or 0."));
    }
    let bit = bit == 1;
    // (start, end if given, isbit)
    let range = match args.len() {
        3 => None,
        4..=6 => {
            let start = parse_i64(args.get(3))?;
            let isbit = if args.len() == 6 {
                parse_unit(args.get(5))?
            } else {
                false
            };
            let end = if args.len() >= 5 {
                Some(parse_i64(args.get(4))?)
            } else {
                None
            };
            Some((start, end, isbit))
        }
        _ => return Err(CmdError::Syntax),
    };
    with_str(ctx, key, |b| {
        let Some(b) = b else {
            return Reply::Int(if bit { -1 } else { 0 });
        };
        let (start, end, first_mask, last_mask, end_given) = match range {
            None => (0, b.len() as i64 - 1, 0, 0, false),
            Some((s, e, isbit)) => {
                let total = b.len() as i64;
                let e_val = match e {
                    Some(e) => e,
                    None if isbit => (total << 3) + 7,
                    None => total - 1,
                };
                let (s, e2, fm, lm) = resolve_range(s, e_val, b.len(), isbit);
                (s, e2, fm, lm, e.is_some())
            }
        };
        if start > end {
            return Reply::Int(-1);
        }
        Reply::Int(bitpos_range(
            b,
            bit,
            start as usize,
            end as usize,
            first_mask,
            last_mask,
            end_given,
        ))
    })
}

/// The search part of BITPOS over bytes `start..=end` (valid indexes), with the masks of
/// out-of-range bits in the first and last byte.
fn bitpos_range(
    b: &[u8],
    bit: bool,
    mut start: usize,
    end: usize,
    first_mask: u8,
    last_mask: u8,
    end_given: bool,
) -> i64 {
    let mut bytes = end - start + 1;
    let byte_at = |i: usize| b.get(i).copied().unwrap_or(0);
    let masked = |mut c: u8, mask: u8| {
        if bit {
            c &= !mask;
        } else {
            c |= mask;
        }
        c
    };
    let pos: i64 = 'search: {
        if first_mask != 0 {
            let mut c = masked(byte_at(start), first_mask);
            if last_mask != 0 && bytes == 1 {
                c = masked(c, last_mask);
            }
            let p = first_bit(&[c], bit);
            if bytes == 1 || (p != -1 && p != 8) {
                break 'search p;
            }
            start += 1;
            bytes -= 1;
        }
        let cur = bytes - usize::from(last_mask != 0);
        if cur > 0 {
            let p = first_bit(b.get(start..start + cur).unwrap_or(&[]), bit);
            if bytes == cur || (p != -1 && p != (cur as i64) << 3) {
                break 'search p;
            }
            start += cur;
            bytes -= cur;
        }
        first_bit(&[masked(byte_at(end), last_mask)], bit)
    };
    // With an explicit end, running past the range looking for a 0 is not a match.
    if end_given && !bit && pos == (bytes as i64) << 3 {
        return -1;
    }
    if pos != -1 {
        pos + ((start as i64) << 3)
    } else {
        pos
    }
}

// ---------------------------------------------------------------------------------------
// BITOP
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum BitOp {
    And,
    Or,
    Xor,
    Not,
}

/// ```text
/// BITOP <AND | OR | XOR | NOT> destkey key [key ...]
/// ```
pub fn bitop(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let name = args.get(1);
    let op = if name.eq_ignore_ascii_case(b"and") {
        BitOp::And
    } else if name.eq_ignore_ascii_case(b"or") {
        BitOp::Or
    } else if name.eq_ignore_ascii_case(b"xor") {
        BitOp::Xor
    } else if name.eq_ignore_ascii_case(b"not") {
        BitOp::Not
    } else {
        return Err(CmdError::Syntax);
    };
    if op == BitOp::Not && args.len() != 4 {
        return Err(CmdError::err(
            "BITOP NOT must be called with a single source key.",
        ));
    }
    let dst = args.get(2);
    let mut srcs: Vec<Option<Vec<u8>>> = Vec::with_capacity(args.len().saturating_sub(3));
    for i in 3..args.len() {
        srcs.push(read_bytes(ctx, args.get(i))?);
    }
    let maxlen = srcs
        .iter()
        .map(|s| s.as_ref().map_or(0, |v| v.len()))
        .max()
        .unwrap_or(0);
    if maxlen == 0 {
        let _ = ctx.lookup_write(dst);
        if ctx.db().ks.remove(dst).is_some() {
            ctx.signal_modified(dst);
            ctx.notify('g', "del", dst);
            ctx.dirty(1);
        }
        return Ok(Reply::Int(0));
    }
    let empty: Vec<u8> = Vec::new();
    let mut res = srcs.first_mut().and_then(Option::take).unwrap_or_default();
    res.resize(maxlen, 0);
    match op {
        BitOp::Not => res.iter_mut().for_each(|b| *b = !*b),
        _ => {
            for src in srcs.iter().skip(1) {
                let src = src.as_ref().unwrap_or(&empty);
                // Bytes past a source's end count as zero.
                match op {
                    BitOp::And => {
                        let n = src.len().min(maxlen);
                        combine_words(&mut res[..n], &src[..n], |a, b| a & b);
                        res[n..].iter_mut().for_each(|b| *b = 0);
                    }
                    BitOp::Or => combine_words(&mut res[..src.len()], src, |a, b| a | b),
                    BitOp::Xor => combine_words(&mut res[..src.len()], src, |a, b| a ^ b),
                    BitOp::Not => {}
                }
            }
        }
    }
    let _ = ctx.lookup_write(dst);
    ctx.db().set(
        dst,
        Value::Str(StrValue::RawExact(res.into_boxed_slice())),
        NO_EXPIRE,
    );
    ctx.signal_modified(dst);
    ctx.notify('$', "set", dst);
    ctx.dirty(1);
    Ok(Reply::Int(maxlen as i64))
}

/// `dst[i] = f(dst[i], src[i])`, a word at a time (equal lengths).
#[inline]
fn combine_words(dst: &mut [u8], src: &[u8], f: impl Fn(u64, u64) -> u64) {
    let mut d = dst.chunks_exact_mut(8);
    let mut s = src.chunks_exact(8);
    for (a, b) in (&mut d).zip(&mut s) {
        let x = u64::from_ne_bytes([a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]]);
        let y = u64::from_ne_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
        a.copy_from_slice(&f(x, y).to_ne_bytes());
    }
    for (a, b) in d.into_remainder().iter_mut().zip(s.remainder()) {
        *a = f(*a as u64, *b as u64) as u8;
    }
}

// ---------------------------------------------------------------------------------------
// BITFIELD
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Debug)]
enum Overflow {
    Wrap,
    Sat,
    Fail,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum FieldOp {
    Get,
    Set,
    IncrBy,
}

#[derive(Clone, Copy, Debug)]
struct Field {
    op: FieldOp,
    offset: u64,
    value: i64,
    overflow: Overflow,
    bits: u32,
    signed: bool,
}

/// Parse a field type `i<1..64>` / `u<1..63>` (`getBitfieldTypeFromArgument`); the
/// width is read up to the first NUL byte, as C's `strlen` would.
fn parse_type(arg: &[u8]) -> Result<(bool, u32), CmdError> {
    let err = || CmdError::raw(ERR_TYPE);
    let signed = match arg.first() {
        Some(b'i') => true,
        Some(b'u') => false,
        _ => return Err(err()),
    };
    let rest = &arg[1..];
    let rest = &rest[..rest.iter().position(|&c| c == 0).unwrap_or(rest.len())];
    let bits = crate::types::string::parse_i64(rest).ok_or_else(err)?;
    if bits < 1 || (signed && bits > 64) || (!signed && bits > 63) {
        return Err(err());
    }
    Ok((signed, bits as u32))
}

/// Read `bits` (1..=64) bits at bit `offset`, big-endian; bits past the end are zero.
#[inline]
fn get_unsigned(b: &[u8], offset: u64, bits: u32) -> u64 {
    let byte = (offset >> 3) as usize;
    let mut w: u128 = 0;
    for i in 0..9 {
        w = (w << 8) | b.get(byte + i).copied().unwrap_or(0) as u128;
    }
    let shift = 72 - (offset & 7) as u32 - bits;
    let mask = if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    ((w >> shift) as u64) & mask
}

/// Sign-extend a field of `bits` bits.
#[inline]
fn get_signed(b: &[u8], offset: u64, bits: u32) -> i64 {
    let v = get_unsigned(b, offset, bits);
    if bits < 64 && v & (1u64 << (bits - 1)) != 0 {
        (v | (u64::MAX << bits)) as i64
    } else {
        v as i64
    }
}

/// Write the low `bits` bits of `value` at bit `offset` (the string is long enough).
#[inline]
fn set_bits(b: &mut [u8], offset: u64, bits: u32, value: u64) {
    let byte = (offset >> 3) as usize;
    let mut w: u128 = 0;
    for i in 0..9 {
        w = (w << 8) | b.get(byte + i).copied().unwrap_or(0) as u128;
    }
    let shift = 72 - (offset & 7) as u32 - bits;
    let mask: u128 = (if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    } as u128)
        << shift;
    w = (w & !mask) | (((value as u128) << shift) & mask);
    for i in 0..9 {
        if let Some(x) = b.get_mut(byte + i) {
            *x = (w >> (8 * (8 - i))) as u8;
        }
    }
}

/// Overflow check of an unsigned field (`checkUnsignedBitfieldOverflow`): 0, 1 (over)
/// or -1 (under), with the wrapped or saturated value.
fn check_unsigned(value: u64, incr: i64, bits: u32, ow: Overflow) -> (i32, u64) {
    let max = if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let maxincr = max.wrapping_sub(value) as i64;
    let minincr = value.wrapping_neg() as i64;
    let wrap = || {
        let mask = u64::MAX.checked_shl(bits).unwrap_or(0);
        value.wrapping_add(incr as u64) & !mask
    };
    if value > max || (incr > 0 && incr > maxincr) {
        let lim = match ow {
            Overflow::Wrap => wrap(),
            Overflow::Sat => max,
            Overflow::Fail => 0,
        };
        (1, lim)
    } else if incr < 0 && incr < minincr {
        let lim = match ow {
            Overflow::Wrap => wrap(),
            Overflow::Sat => 0,
            Overflow::Fail => 0,
        };
        (-1, lim)
    } else {
        (0, 0)
    }
}

/// Overflow check of a signed field (`checkSignedBitfieldOverflow`).
fn check_signed(value: i64, incr: i64, bits: u32, ow: Overflow) -> (i32, i64) {
    let max: i64 = if bits == 64 {
        i64::MAX
    } else {
        (1i64 << (bits - 1)) - 1
    };
    let min = -max - 1;
    let maxincr = (max as u64).wrapping_sub(value as u64) as i64;
    let minincr = min.wrapping_sub(value);
    let wrap = || {
        let mut c = (value as u64).wrapping_add(incr as u64);
        if bits < 64 {
            let msb = 1u64 << (bits - 1);
            let mask = u64::MAX << bits;
            if c & msb != 0 {
                c |= mask;
            } else {
                c &= !mask;
            }
        }
        c as i64
    };
    if value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr) {
        let lim = match ow {
            Overflow::Wrap => wrap(),
            Overflow::Sat => max,
            Overflow::Fail => 0,
        };
        (1, lim)
    } else if value < min
        || (bits != 64 && incr < minincr)
        || (value < 0 && incr < 0 && incr < minincr)
    {
        let lim = match ow {
            Overflow::Wrap => wrap(),
            Overflow::Sat => min,
            Overflow::Fail => 0,
        };
        (-1, lim)
    } else {
        (0, 0)
    }
}

/// ```text
/// BITFIELD key [GET encoding offset | [OVERFLOW <WRAP | SAT | FAIL>]
///   <SET encoding offset value | INCRBY encoding offset increment>
///   [GET encoding offset | [OVERFLOW <WRAP | SAT | FAIL>]
///   <SET encoding offset value | INCRBY encoding offset increment> ...]]
/// ```
pub fn bitfield(ctx: &mut Ctx, args: &Args) -> CmdResult {
    bitfield_generic(ctx, args, false)
}

/// ```text
/// BITFIELD_RO key [GET encoding offset [GET encoding offset ...]]
/// ```
pub fn bitfield_ro(ctx: &mut Ctx, args: &Args) -> CmdResult {
    bitfield_generic(ctx, args, true)
}

fn bitfield_generic(ctx: &mut Ctx, args: &Args, ro_cmd: bool) -> CmdResult {
    let key = args.get(1);
    let mut ops: Vec<Field> = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut readonly = true;
    let mut highest: u64 = 0;
    let mut j = 2;
    while j < args.len() {
        let remargs = args.len() - j - 1;
        let sub = args.get(j);
        let op = if sub.eq_ignore_ascii_case(b"get") && remargs >= 2 {
            FieldOp::Get
        } else if sub.eq_ignore_ascii_case(b"set") && remargs >= 3 {
            FieldOp::Set
        } else if sub.eq_ignore_ascii_case(b"incrby") && remargs >= 3 {
            FieldOp::IncrBy
        } else if sub.eq_ignore_ascii_case(b"overflow") && remargs >= 1 {
            let w = args.get(j + 1);
            overflow = if w.eq_ignore_ascii_case(b"wrap") {
                Overflow::Wrap
            } else if w.eq_ignore_ascii_case(b"sat") {
                Overflow::Sat
            } else if w.eq_ignore_ascii_case(b"fail") {
                Overflow::Fail
            } else {
                return Err(CmdError::err("Invalid OVERFLOW type specified"));
            };
            j += 2;
            continue;
        } else {
            return Err(CmdError::Syntax);
        };
        let (signed, bits) = parse_type(args.get(j + 1))?;
        let offset = parse_offset(ctx, args.get(j + 2), bits)?;
        let mut value = 0;
        if op != FieldOp::Get {
            readonly = false;
            highest = highest.max(offset + bits as u64 - 1);
            value = parse_i64(args.get(j + 3))?;
        }
        ops.push(Field {
            op,
            offset,
            value,
            overflow,
            bits,
            signed,
        });
        j += if op == FieldOp::Get { 3 } else { 4 };
    }

    if readonly {
        return with_str(ctx, key, |b| {
            let b = b.unwrap_or(&[]);
            Reply::Array(ops.iter().map(|f| get_reply(b, f)).collect())
        });
    }
    if ro_cmd {
        return Err(CmdError::err(
            "BITFIELD_RO only supports the GET subcommand",
        ));
    }
    let (s, before, grown) = string_for_bits(ctx, key, highest)?;
    let raw = s.make_raw();
    let mut out = Vec::with_capacity(ops.len());
    let mut changes = 0u64;
    for f in &ops {
        match f.op {
            FieldOp::Get => out.push(get_reply(raw, f)),
            FieldOp::Set | FieldOp::IncrBy => {
                let incr = f.op == FieldOp::IncrBy;
                let (ovf, oldv, newv, ret) = if f.signed {
                    let old = get_signed(raw, f.offset, f.bits);
                    let (ovf, new, ret) = if incr {
                        let (o, w) = check_signed(old, f.value, f.bits, f.overflow);
                        let new = if o != 0 { w } else { old.wrapping_add(f.value) };
                        (o, new, new)
                    } else {
                        let (o, w) = check_signed(f.value, 0, f.bits, f.overflow);
                        (o, if o != 0 { w } else { f.value }, old)
                    };
                    (ovf, old as u64, new as u64, ret)
                } else {
                    let old = get_unsigned(raw, f.offset, f.bits);
                    let (ovf, new, ret) = if incr {
                        let (o, w) = check_unsigned(old, f.value, f.bits, f.overflow);
                        let new = if o != 0 {
                            w
                        } else {
                            old.wrapping_add(f.value as u64)
                        };
                        (o, new, new as i64)
                    } else {
                        let (o, w) = check_unsigned(f.value as u64, 0, f.bits, f.overflow);
                        (o, if o != 0 { w } else { f.value as u64 }, old as i64)
                    };
                    (ovf, old, new, ret)
                };
                if ovf != 0 && f.overflow == Overflow::Fail {
                    out.push(Reply::Nil);
                } else {
                    out.push(Reply::Int(ret));
                    set_bits(raw, f.offset, f.bits, newv);
                    if grown || oldv != newv {
                        changes += 1;
                    }
                }
            }
        }
    }
    let after = s.mem_usage();
    adjust_mem(ctx, before, after);
    if changes > 0 {
        ctx.signal_modified(key);
        ctx.notify('$', "setbit", key);
        ctx.dirty(changes);
    }
    Ok(Reply::Array(out))
}

fn get_reply(b: &[u8], f: &Field) -> Reply {
    if f.signed {
        Reply::Int(get_signed(b, f.offset, f.bits))
    } else {
        Reply::Int(get_unsigned(b, f.offset, f.bits) as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_bit_like_redis_bitpos() {
        assert_eq!(first_bit(&[0, 0, 0], true), -1);
        assert_eq!(first_bit(&[0xff, 0xff], false), 16);
        assert_eq!(first_bit(&[0, 0x10], true), 11);
        assert_eq!(first_bit(&[0xff; 20], false), 160);
        let mut v = vec![0u8; 33];
        v[32] = 1;
        assert_eq!(first_bit(&v, true), 32 * 8 + 7);
        assert_eq!(first_bit(&[], false), 0);
    }

    #[test]
    fn fields_round_trip_across_byte_boundaries() {
        let mut b = vec![0u8; 20];
        set_bits(&mut b, 7, 5, 23);
        assert_eq!(&b[..2], &[0b0000_0001, 0b0111_0000]);
        assert_eq!(get_unsigned(&b, 7, 5), 23);
        set_bits(&mut b, 13, 64, 0x8123_4567_89ab_cdef);
        assert_eq!(get_unsigned(&b, 13, 64), 0x8123_4567_89ab_cdef);
        assert_eq!(get_unsigned(&b, 7, 5), 23);
        assert_eq!(get_signed(&[0xff], 0, 4), -1);
        assert_eq!(get_signed(&[0x7f], 0, 8), 127);
    }

    #[test]
    fn overflow_rules() {
        assert_eq!(check_unsigned(250, 10, 8, Overflow::Wrap), (1, 4));
        assert_eq!(check_unsigned(250, 10, 8, Overflow::Sat), (1, 255));
        assert_eq!(check_unsigned(5, -10, 8, Overflow::Sat), (-1, 0));
        assert_eq!(check_signed(127, 1, 8, Overflow::Wrap), (1, -128));
        assert_eq!(check_signed(-128, -1, 8, Overflow::Sat), (-1, -128));
        assert_eq!(check_signed(i64::MAX, 1, 64, Overflow::Wrap), (1, i64::MIN));
        assert_eq!(check_signed(5, 3, 64, Overflow::Wrap), (0, 0));
    }

    #[test]
    fn popcount_words_and_tail() {
        assert_eq!(popcount(&[0xff; 17]), 136);
        assert_eq!(popcount(b"foobar"), 26);
    }
}
