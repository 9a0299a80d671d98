//! HyperLogLog, byte-compatible with Redis's `hyperloglog.c`.
//!
//! A HyperLogLog is an ordinary string value laid out as Redis lays it out, so that a
//! value copied with GET/SET (or through an RDB file) between Redis and Cinnabar counts
//! the same on both sides:
//!
//! ```text
//! +------+---+-----+----------+--------------------------------+
//! | HYLL | E | N/U | Cardin.  | registers (dense or sparse)    |
//! +------+---+-----+----------+--------------------------------+
//! ```
//!
//! * 4 bytes of magic `HYLL`, one encoding byte (0 dense, 1 sparse), three unused bytes,
//!   and the cached cardinality as a little-endian u64 whose top bit set means "stale".
//! * **Dense**: 16384 registers of 6 bits, packed from the least significant bit of
//!   each byte on (12288 bytes).
//! * **Sparse**: a run-length code of three opcodes: `ZERO` (`00xxxxxx`, 1–64 zero
//!   registers), `XZERO` (`01xxxxxx yyyyyyyy`, 1–16384 zero registers) and `VAL`
//!   (`1vvvvvxx`, 1–4 registers of value 1–32). A new HyperLogLog is one `XZERO:16384`;
//!   it is promoted to dense when a register needs a value above 32 or when the sparse
//!   form would grow past `hll-sparse-max-bytes`.
//!
//! Elements are hashed with MurmurHash64A (seed `0xadc83b19`): the low 14 bits pick the
//! register, the run of zeros above them (plus one) is the candidate value. The
//! cardinality is estimated from the register histogram with Otmar Ertl's improved
//! estimator (the `tau`/`sigma` functions of Redis 5+).
//!
//! Every routine here takes the whole string (header included) and never panics on
//! malformed input: corrupted sparse data is reported as [`Invalid`].

/// Register index bits (`HLL_P`).
pub const P: u32 = 14;
/// Number of registers (`HLL_REGISTERS`).
pub const REGISTERS: usize = 1 << P;
const P_MASK: u64 = REGISTERS as u64 - 1;
/// Hash bits above the index (`HLL_Q`).
const Q: usize = 64 - P as usize;
/// Bits per dense register.
const BITS: usize = 6;
/// Largest register value.
const REGISTER_MAX: u32 = (1 << BITS) - 1;
/// Header size.
pub const HDR_SIZE: usize = 16;
/// Size of a dense HyperLogLog, header included (12304).
pub const DENSE_SIZE: usize = HDR_SIZE + (REGISTERS * BITS).div_ceil(8);
/// Dense encoding byte.
pub const DENSE: u8 = 0;
/// Sparse encoding byte.
pub const SPARSE: u8 = 1;
const MAX_ENCODING: u8 = 1;
const SPARSE_VAL_MAX_VALUE: u8 = 32;
const SPARSE_VAL_MAX_LEN: usize = 4;
const SPARSE_ZERO_MAX_LEN: usize = 64;
const SPARSE_XZERO_MAX_LEN: usize = 16384;
/// `0.5 / ln(2)`.
const ALPHA_INF: f64 = 0.721_347_520_444_481_7;
/// The hash seed Redis uses.
const SEED: u64 = 0xadc8_3b19;

/// The sparse representation is corrupted (Redis's `INVALIDOBJ`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid;

// ---------------------------------------------------------------------------------------
// Hashing
// ---------------------------------------------------------------------------------------

/// MurmurHash2, 64-bit version, endian-neutral as Redis's `MurmurHash64A`.
pub fn murmur64a(key: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    // `len` is a C int multiplied by a u64: the length wraps modulo 2^32 first.
    let len = key.len() as u32 as i32;
    let mut h = seed ^ (len as i64 as u64).wrapping_mul(M);
    let mut chunks = key.chunks_exact(8);
    for c in &mut chunks {
        let mut k = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        for (i, &b) in rest.iter().enumerate() {
            h ^= (b as u64) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// The register an element maps to and the length of its `000..1` pattern
/// (`hllPatLen`), at most `Q + 1`.
#[inline]
pub fn pat_len(ele: &[u8]) -> (usize, u8) {
    let hash = murmur64a(ele, SEED);
    let index = (hash & P_MASK) as usize;
    let rest = (hash >> P) | (1u64 << Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

// ---------------------------------------------------------------------------------------
// Header
// ---------------------------------------------------------------------------------------

/// Whether `s` is a valid HyperLogLog string (`isHLLObjectOrReply`): long enough, magic
/// `HYLL`, a known encoding, and exactly [`DENSE_SIZE`] bytes when dense.
pub fn is_valid(s: &[u8]) -> bool {
    if s.len() < HDR_SIZE || &s[..4] != b"HYLL" {
        return false;
    }
    let enc = s[4];
    enc <= MAX_ENCODING && (enc != DENSE || s.len() == DENSE_SIZE)
}

/// The encoding byte (call only on valid strings).
#[inline]
pub fn encoding(s: &[u8]) -> u8 {
    s.get(4).copied().unwrap_or(DENSE)
}

/// A new, empty, sparse HyperLogLog (`createHLLObject`): one `XZERO:16384`, cached
/// cardinality 0 (valid).
pub fn new_sparse() -> Vec<u8> {
    let mut v = Vec::with_capacity(64);
    v.extend_from_slice(b"HYLL");
    v.push(SPARSE);
    v.extend_from_slice(&[0; 11]);
    let mut aux = REGISTERS;
    while aux > 0 {
        let n = aux.min(SPARSE_XZERO_MAX_LEN);
        push_xzero(&mut v, n);
        aux -= n;
    }
    v
}

/// Mark the cached cardinality stale.
#[inline]
pub fn invalidate_cache(s: &mut [u8]) {
    if let Some(b) = s.get_mut(15) {
        *b |= 0x80;
    }
}

/// The cached cardinality, if valid.
pub fn cached_card(s: &[u8]) -> Option<u64> {
    let c: [u8; 8] = s.get(8..16)?.try_into().ok()?;
    if c[7] & 0x80 != 0 {
        return None;
    }
    Some(u64::from_le_bytes(c))
}

/// Store `card` as the cached cardinality.
pub fn set_cached_card(s: &mut [u8], card: u64) {
    if let Some(c) = s.get_mut(8..16) {
        c.copy_from_slice(&card.to_le_bytes());
    }
}

// ---------------------------------------------------------------------------------------
// Dense registers
// ---------------------------------------------------------------------------------------

/// Register `i` of dense register bytes `r` (`HLL_DENSE_GET_REGISTER`).
#[inline]
pub fn dense_get(r: &[u8], i: usize) -> u8 {
    let byte = i * BITS / 8;
    let fb = (i * BITS) & 7;
    let b0 = r.get(byte).copied().unwrap_or(0) as u32;
    let b1 = r.get(byte + 1).copied().unwrap_or(0) as u32;
    (((b0 >> fb) | (b1 << (8 - fb))) & REGISTER_MAX) as u8
}

/// Set register `i` of dense register bytes `r` to `val` (`HLL_DENSE_SET_REGISTER`).
#[inline]
pub fn dense_put(r: &mut [u8], i: usize, val: u8) {
    let byte = i * BITS / 8;
    let fb = (i * BITS) & 7;
    let fb8 = 8 - fb;
    let v = val as u32;
    if let Some(b) = r.get_mut(byte) {
        *b &= !(REGISTER_MAX << fb) as u8;
        *b |= (v << fb) as u8;
    }
    if let Some(b) = r.get_mut(byte + 1) {
        *b &= !(REGISTER_MAX >> fb8) as u8;
        *b |= (v >> fb8) as u8;
    }
}

/// Raise register `i` to `count` if lower (`hllDenseSet`); true if it changed.
#[inline]
fn dense_set(r: &mut [u8], i: usize, count: u8) -> bool {
    if count > dense_get(r, i) {
        dense_put(r, i, count);
        true
    } else {
        false
    }
}

/// Histogram of dense register values (`hllDenseRegHisto`), 16 registers per 12 bytes.
fn dense_histo(r: &[u8], h: &mut [u32; 64]) {
    for c in r.chunks_exact(12).take(REGISTERS / 16) {
        let b = |k: usize| c[k] as usize;
        let regs = [
            b(0) & 63,
            (b(0) >> 6 | b(1) << 2) & 63,
            (b(1) >> 4 | b(2) << 4) & 63,
            (b(2) >> 2) & 63,
            b(3) & 63,
            (b(3) >> 6 | b(4) << 2) & 63,
            (b(4) >> 4 | b(5) << 4) & 63,
            (b(5) >> 2) & 63,
            b(6) & 63,
            (b(6) >> 6 | b(7) << 2) & 63,
            (b(7) >> 4 | b(8) << 4) & 63,
            (b(8) >> 2) & 63,
            b(9) & 63,
            (b(9) >> 6 | b(10) << 2) & 63,
            (b(10) >> 4 | b(11) << 4) & 63,
            (b(11) >> 2) & 63,
        ];
        for v in regs {
            h[v] += 1;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Sparse opcodes
// ---------------------------------------------------------------------------------------

#[inline]
fn is_zero(op: u8) -> bool {
    op & 0xc0 == 0
}
#[inline]
fn is_xzero(op: u8) -> bool {
    op & 0xc0 == 0x40
}
#[inline]
fn is_val(op: u8) -> bool {
    op & 0x80 != 0
}
#[inline]
fn zero_len(op: u8) -> usize {
    (op & 0x3f) as usize + 1
}
#[inline]
fn xzero_len(op: u8, next: u8) -> usize {
    ((((op & 0x3f) as usize) << 8) | next as usize) + 1
}
#[inline]
fn val_value(op: u8) -> u8 {
    ((op >> 2) & 0x1f) + 1
}
#[inline]
fn val_len(op: u8) -> usize {
    (op & 0x3) as usize + 1
}
#[inline]
fn val_op(val: u8, len: usize) -> u8 {
    ((val - 1) << 2) | (len as u8 - 1) | 0x80
}
#[inline]
fn zero_op(len: usize) -> u8 {
    (len - 1) as u8
}
fn push_xzero(v: &mut Vec<u8>, len: usize) {
    let l = len - 1;
    v.push((l >> 8) as u8 | 0x40);
    v.push((l & 0xff) as u8);
}

/// One decoded sparse opcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `z:N` (ZERO).
    Zero(usize),
    /// `Z:N` (XZERO).
    XZero(usize),
    /// `v:value,N` (VAL).
    Val(u8, usize),
}

/// Decode the sparse opcodes of `s` (header included), as PFDEBUG DECODE lists them.
/// A trailing half XZERO reads its missing byte as 0, as Redis does.
pub fn sparse_ops(s: &[u8]) -> Vec<Op> {
    let mut out = Vec::new();
    let mut p = HDR_SIZE;
    while let Some(&op) = s.get(p) {
        if is_zero(op) {
            out.push(Op::Zero(zero_len(op)));
            p += 1;
        } else if is_xzero(op) {
            out.push(Op::XZero(xzero_len(op, s.get(p + 1).copied().unwrap_or(0))));
            p += 2;
        } else {
            out.push(Op::Val(val_value(op), val_len(op)));
            p += 1;
        }
    }
    out
}

/// Walk the sparse opcodes calling `f(first_register, run_length, value)` for every
/// VAL run; `Err` when the runs do not cover exactly [`REGISTERS`] registers or a run
/// overflows them.
fn sparse_walk(s: &[u8], mut f: impl FnMut(usize, usize, u8)) -> Result<(), Invalid> {
    let mut idx = 0usize;
    let mut p = HDR_SIZE;
    while let Some(&op) = s.get(p) {
        let (run, val, len) = if is_zero(op) {
            (zero_len(op), 0, 1)
        } else if is_xzero(op) {
            (xzero_len(op, s.get(p + 1).copied().unwrap_or(0)), 0, 2)
        } else {
            (val_len(op), val_value(op), 1)
        };
        if idx + run > REGISTERS {
            return Err(Invalid);
        }
        if val != 0 {
            f(idx, run, val);
        }
        idx += run;
        p += len;
    }
    if idx != REGISTERS {
        Err(Invalid)
    } else {
        Ok(())
    }
}

/// Convert `s` to the dense encoding in place (`hllSparseToDense`); no-op when already
/// dense. The header (magic and cached cardinality) is kept.
pub fn sparse_to_dense(s: &mut Vec<u8>) -> Result<(), Invalid> {
    if encoding(s) == DENSE {
        return Ok(());
    }
    let mut dense = vec![0u8; DENSE_SIZE];
    let hdr = s.get(..HDR_SIZE).ok_or(Invalid)?;
    dense[..HDR_SIZE].copy_from_slice(hdr);
    dense[4] = DENSE;
    {
        let regs = &mut dense[HDR_SIZE..];
        sparse_walk(s, |first, run, val| {
            for i in first..first + run {
                dense_put(regs, i, val);
            }
        })?;
    }
    *s = dense;
    Ok(())
}

/// Raise register `index` of the sparse HyperLogLog `s` to `count` if lower
/// (`hllSparseSet`), splitting and merging opcodes exactly as Redis does, and promoting
/// to dense when `count` exceeds 32 or the string would grow past `max_bytes`. Returns
/// whether the register changed.
fn sparse_set(s: &mut Vec<u8>, index: usize, count: u8, max_bytes: usize) -> Result<bool, Invalid> {
    if count > SPARSE_VAL_MAX_VALUE {
        return promote(s, index, count);
    }
    // Step 1: find the opcode covering `index`.
    let end = s.len();
    let mut p = HDR_SIZE;
    let mut first = 0usize;
    let mut prev: Option<usize> = None;
    let mut span = 0usize;
    while p < end {
        let op = s[p];
        let mut oplen = 1;
        span = if is_zero(op) {
            zero_len(op)
        } else if is_val(op) {
            val_len(op)
        } else {
            oplen = 2;
            xzero_len(op, s.get(p + 1).copied().unwrap_or(0))
        };
        if index < first + span {
            break;
        }
        prev = Some(p);
        p += oplen;
        first += span;
    }
    if span == 0 || p >= end {
        return Err(Invalid);
    }
    let op = s[p];
    let (zero, xzero) = (is_zero(op), is_xzero(op));
    let runlen = if zero {
        zero_len(op)
    } else if xzero {
        xzero_len(op, s.get(p + 1).copied().unwrap_or(0))
    } else {
        val_len(op)
    };

    // Step 2: the trivial cases.
    let mut updated_in_place = false;
    if !zero && !xzero {
        let old = val_value(op);
        if old >= count {
            return Ok(false);
        }
        if runlen == 1 {
            s[p] = val_op(count, 1);
            updated_in_place = true;
        }
    }
    if !updated_in_place && zero && runlen == 1 {
        s[p] = val_op(count, 1);
        updated_in_place = true;
    }

    if !updated_in_place {
        // General case: split the opcode into up to three (at most 5 bytes).
        let mut seq: Vec<u8> = Vec::with_capacity(5);
        let last = first + span - 1;
        let push_zeros = |seq: &mut Vec<u8>, len: usize| {
            if len > SPARSE_ZERO_MAX_LEN {
                push_xzero(seq, len);
            } else {
                seq.push(zero_op(len));
            }
        };
        if zero || xzero {
            if index != first {
                push_zeros(&mut seq, index - first);
            }
            seq.push(val_op(count, 1));
            if index != last {
                push_zeros(&mut seq, last - index);
            }
        } else {
            let cur = val_value(op);
            if index != first {
                seq.push(val_op(cur, index - first));
            }
            seq.push(val_op(count, 1));
            if index != last {
                seq.push(val_op(cur, last - index));
            }
        }
        // Step 3: substitute the new sequence for the old opcode.
        let oldlen = if xzero { 2 } else { 1 };
        if seq.len() > oldlen && end + (seq.len() - oldlen) > max_bytes {
            return promote(s, index, count);
        }
        let newlen = end + seq.len() - oldlen;
        if p + oldlen <= end {
            s.splice(p..p + oldlen, seq);
        } else {
            // A truncated XZERO at the very end: Redis writes past the string's length.
            s.truncate(p);
            s.extend_from_slice(&seq);
            s.truncate(newlen);
        }
    }

    // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from
    // the previous one.
    let mut q = prev.unwrap_or(HDR_SIZE);
    let mut scan = 5;
    while q < s.len() && scan > 0 {
        scan -= 1;
        let op = s[q];
        if is_xzero(op) {
            q += 2;
            continue;
        } else if is_zero(op) {
            q += 1;
            continue;
        }
        if let Some(&next) = s.get(q + 1) {
            if is_val(next) {
                let v1 = val_value(op);
                if v1 == val_value(next) {
                    let len = val_len(op) + val_len(next);
                    if len <= SPARSE_VAL_MAX_LEN {
                        s[q + 1] = val_op(v1, len);
                        s.remove(q);
                        continue;
                    }
                }
            }
        }
        q += 1;
    }
    invalidate_cache(s);
    Ok(true)
}

/// Promote to dense and set the register there (always a change).
fn promote(s: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, Invalid> {
    sparse_to_dense(s)?;
    if let Some(r) = s.get_mut(HDR_SIZE..) {
        dense_set(r, index, count);
    }
    Ok(true)
}

// ---------------------------------------------------------------------------------------
// Public operations
// ---------------------------------------------------------------------------------------

/// Raise register `index` to `count` in either encoding; true if it changed.
pub fn set_register(
    s: &mut Vec<u8>,
    index: usize,
    count: u8,
    max_bytes: usize,
) -> Result<bool, Invalid> {
    match encoding(s) {
        DENSE => Ok(s
            .get_mut(HDR_SIZE..)
            .is_some_and(|r| dense_set(r, index, count))),
        SPARSE => sparse_set(s, index, count, max_bytes),
        _ => Err(Invalid),
    }
}

/// Add `ele` (`hllAdd`); true if a register changed. The cache is not invalidated here
/// (PFADD does it once).
#[inline]
pub fn add(s: &mut Vec<u8>, ele: &[u8], max_bytes: usize) -> Result<bool, Invalid> {
    let (index, count) = pat_len(ele);
    set_register(s, index, count, max_bytes)
}

/// Merge the registers of `s` into `max` (`hllMerge`): `max[i] = max(max[i], reg[i])`.
pub fn merge_into(max: &mut [u8; REGISTERS], s: &[u8]) -> Result<(), Invalid> {
    if encoding(s) == DENSE {
        let r = s.get(HDR_SIZE..).ok_or(Invalid)?;
        for (i, m) in max.iter_mut().enumerate() {
            let v = dense_get(r, i);
            if v > *m {
                *m = v;
            }
        }
        Ok(())
    } else {
        sparse_walk(s, |first, run, val| {
            for m in &mut max[first..first + run] {
                if val > *m {
                    *m = val;
                }
            }
        })
    }
}

/// The registers as one byte each.
pub fn registers(s: &[u8]) -> Result<Vec<u8>, Invalid> {
    let mut max = Box::new([0u8; REGISTERS]);
    merge_into(&mut max, s)?;
    Ok(max.to_vec())
}

/// Estimated cardinality of `s` (`hllCount`); `Err` for corrupted sparse data.
pub fn count(s: &[u8]) -> Result<u64, Invalid> {
    let mut h = [0u32; 64];
    if encoding(s) == DENSE {
        dense_histo(s.get(HDR_SIZE..).ok_or(Invalid)?, &mut h);
    } else {
        let mut idx = 0usize;
        let mut p = HDR_SIZE;
        while let Some(&op) = s.get(p) {
            if is_zero(op) {
                let run = zero_len(op);
                idx += run;
                h[0] += run as u32;
                p += 1;
            } else if is_xzero(op) {
                let run = xzero_len(op, s.get(p + 1).copied().unwrap_or(0));
                idx += run;
                h[0] += run as u32;
                p += 2;
            } else {
                let run = val_len(op);
                idx += run;
                h[val_value(op) as usize] += run as u32;
                p += 1;
            }
        }
        if idx != REGISTERS {
            return Err(Invalid);
        }
    }
    Ok(estimate(&h))
}

/// Estimated cardinality of one-byte-per-register registers (the internal `HLL_RAW`
/// encoding PFCOUNT uses for several keys).
pub fn count_raw(regs: &[u8; REGISTERS]) -> u64 {
    let mut h = [0u32; 64];
    for &v in regs.iter() {
        h[(v & 63) as usize] += 1;
    }
    estimate(&h)
}

/// Ertl's `sigma`.
fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0;
    let mut z = x;
    loop {
        x *= x;
        let z_prime = z;
        z += x * y;
        y += y;
        if z_prime == z {
            return z;
        }
    }
}

/// Ertl's `tau`.
fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let z_prime = z;
        y *= 0.5;
        // C's pow(1 - x, 2), which compilers reduce to a multiplication.
        let d = 1.0 - x;
        z -= d * d * y;
        if z_prime == z {
            return z / 3.0;
        }
    }
}

/// The cardinality from a register histogram (Ertl, arXiv:1702.01284).
fn estimate(h: &[u32; 64]) -> u64 {
    let m = REGISTERS as f64;
    let mut z = m * tau((m - h[Q + 1] as f64) / m);
    for j in (1..=Q).rev() {
        z += h[j] as f64;
        z *= 0.5;
    }
    z += m * sigma(h[0] as f64 / m);
    (ALPHA_INF * m * m / z).round() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur_matches_reference_values() {
        // The empty string with seed 0 hashes to 0 in MurmurHash64A.
        assert_eq!(murmur64a(b"", 0), 0);
        // Index and run length stay in range.
        for i in 0..1000u32 {
            let (idx, c) = pat_len(&i.to_le_bytes());
            assert!(idx < REGISTERS);
            assert!((1..=(Q as u8 + 1)).contains(&c));
        }
    }

    #[test]
    fn new_sparse_is_one_xzero() {
        let s = new_sparse();
        assert_eq!(s.len(), 18);
        assert_eq!(&s[16..], &[0x7f, 0xff]);
        assert!(is_valid(&s));
        assert_eq!(count(&s), Ok(0));
        assert_eq!(sparse_ops(&s), vec![Op::XZero(16384)]);
    }

    #[test]
    fn dense_registers_round_trip_without_touching_neighbours() {
        let mut r = vec![0u8; DENSE_SIZE - HDR_SIZE];
        let vals: Vec<u8> = (0..REGISTERS).map(|i| ((i * 37 + 11) % 64) as u8).collect();
        for (i, &v) in vals.iter().enumerate() {
            dense_put(&mut r, i, v);
        }
        for (i, &v) in vals.iter().enumerate() {
            assert_eq!(dense_get(&r, i), v, "register {i}");
        }
        let mut h = [0u32; 64];
        dense_histo(&r, &mut h);
        assert_eq!(h.iter().sum::<u32>(), REGISTERS as u32);
    }

    #[test]
    fn sparse_and_dense_agree() {
        let mut sparse = new_sparse();
        let mut dense = new_sparse();
        sparse_to_dense(&mut dense).unwrap();
        for i in 0..2000u32 {
            let e = format!("ele:{i}");
            add(&mut sparse, e.as_bytes(), 1 << 30).unwrap();
            add(&mut dense, e.as_bytes(), 1 << 30).unwrap();
        }
        assert_eq!(encoding(&sparse), SPARSE);
        assert_eq!(registers(&sparse).unwrap(), registers(&dense).unwrap());
        assert_eq!(count(&sparse).unwrap(), count(&dense).unwrap());
        let c = count(&dense).unwrap() as f64;
        assert!((c - 2000.0).abs() / 2000.0 < 0.05, "{c}");
    }

    #[test]
    fn corrupted_sparse_is_invalid() {
        let mut s = new_sparse();
        s.push(0x00); // one register too many
        assert_eq!(count(&s), Err(Invalid));
        let mut max = [0u8; REGISTERS];
        assert_eq!(merge_into(&mut max, &s), Err(Invalid));
        assert_eq!(sparse_to_dense(&mut s), Err(Invalid));
        let mut short = new_sparse();
        short.truncate(17); // half an XZERO
        assert!(count(&short).is_err());
        let _ = add(&mut short, b"x", 3000);
    }
}
