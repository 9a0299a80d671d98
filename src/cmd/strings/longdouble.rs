//! x87 80-bit extended precision ("long double") arithmetic, as INCRBYFLOAT and
//! HINCRBYFLOAT see it.
//!
//! Redis parses both operands with `strtold`, adds them in `long double` (on x86-64: a
//! 64-bit mantissa, exponents down to 2^-16445 with denormals, up to 2^16384) and prints
//! the sum with `"%.17Lf"`, trailing zeros removed. Rust has no such type, and an `f64`
//! does not reproduce the replies (`INCRBYFLOAT k 0.1` would print `0.10000000000000001`
//! where Redis prints `0.1`). So this module emulates the format exactly:
//!
//! * [`parse`] rounds a decimal or hexadecimal string correctly to 64 significant bits,
//!   as glibc's `strtold` does, with the checks of Redis's `string2ld` (no leading space,
//!   no trailing garbage or NUL, NaN refused, overflow and underflow to zero refused, at
//!   most 5119 bytes).
//! * [`LongDouble::add`] is IEEE addition rounded to nearest-even at 64 bits.
//! * [`LongDouble::to_human`] is `"%.17Lf"` (exact decimal expansion, round half to even)
//!   with Redis's trimming (`ld2string` with `LD_STR_HUMAN`).
//!
//! Values are kept as `(-1)^neg * m * 2^e` with `m < 2^64`; normal values have the top
//! bit of `m` set, denormals have `e == E_MIN`. Arbitrary-precision integers ([`Big`])
//! are only needed for long inputs and for printing integers of 2^64 and above.

use std::cmp::Ordering;

/// Smallest exponent of the `m * 2^e` form (denormals), as the x87 format.
const E_MIN: i64 = -16445;
/// Values must stay below 2^16384.
const TOP_LIMIT: i64 = 16384;
/// `MAX_LONG_DOUBLE_CHARS` in Redis: inputs must be shorter.
const MAX_CHARS: usize = 5 * 1024;

/// A finite or infinite extended-precision value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LongDouble {
    neg: bool,
    inf: bool,
    m: u64,
    e: i64,
}

impl LongDouble {
    /// Zero.
    pub const ZERO: LongDouble = LongDouble {
        neg: false,
        inf: false,
        m: 0,
        e: 0,
    };

    /// The exact value of an integer (every i64 fits in 64 mantissa bits).
    pub fn from_i64(v: i64) -> LongDouble {
        let m = v.unsigned_abs();
        if m == 0 {
            return LongDouble::ZERO;
        }
        let lz = m.leading_zeros();
        LongDouble {
            neg: v < 0,
            inf: false,
            m: m << lz,
            e: -(lz as i64),
        }
    }

    /// Whether the value is infinite.
    pub fn is_infinite(&self) -> bool {
        self.inf
    }

    /// `self + other` rounded to the format; `None` when the result is infinite or NaN.
    pub fn checked_add(self, other: LongDouble) -> Option<LongDouble> {
        if self.inf || other.inf {
            return None;
        }
        if self.m == 0 {
            if other.m == 0 {
                return Some(LongDouble {
                    neg: self.neg && other.neg,
                    ..LongDouble::ZERO
                });
            }
            return Some(other);
        }
        if other.m == 0 {
            return Some(self);
        }
        // x has the larger magnitude (and so an exponent at least as large).
        let (x, y) = if cmp_mag(&self, &other) == Ordering::Less {
            (other, self)
        } else {
            (self, other)
        };
        let d = x.e - y.e;
        let xs = (x.m as u128) << 62;
        let ys_full = (y.m as u128) << 62;
        let (ys, mut sticky) = if d >= 126 {
            (0u128, true)
        } else {
            let d = d as u32;
            (ys_full >> d, ys_full & ((1u128 << d) - 1) != 0)
        };
        let s = if x.neg == y.neg {
            xs + ys
        } else if sticky {
            // The exact subtrahend is ys plus a fraction: borrow one and keep the
            // remainder as sticky.
            xs - ys - 1
        } else {
            xs - ys
        };
        if s == 0 && !sticky {
            return Some(LongDouble::ZERO);
        }
        if s == 0 {
            sticky = false;
        }
        match round(x.neg, s, sticky, x.e - 62) {
            Rounded::Finite(v) => Some(v),
            Rounded::Zero(neg) => Some(LongDouble {
                neg,
                ..LongDouble::ZERO
            }),
            Rounded::Overflow => None,
        }
    }

    /// `"%.17Lf"` with trailing zeros (and a bare `.`) removed, `-0` shown as `0`:
    /// Redis's human-friendly long double format.
    pub fn to_human(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(32);
        if self.inf {
            out.extend_from_slice(if self.neg { b"-inf" } else { b"inf" });
            return out;
        }
        if self.neg {
            out.push(b'-');
        }
        if self.e >= 0 {
            // An integer: no fractional digits survive the trimming.
            if self.e <= 63 {
                push_u128(&mut out, (self.m as u128) << self.e);
            } else {
                let mut b = Big::from_u64(self.m);
                b.shl_assign(self.e as u32);
                out.extend_from_slice(&b.to_decimal());
            }
        } else {
            let f = (-self.e) as u32;
            const SCALE: u128 = 100_000_000_000_000_000; // 10^17
            let n = self.m as u128 * SCALE; // < 2^121
            let q = if f >= 128 {
                0 // n / 2^f < 2^-7: rounds to zero
            } else {
                let mut q = n >> f;
                let rem = n & ((1u128 << f) - 1);
                let half = 1u128 << (f - 1);
                if rem > half || (rem == half && q & 1 == 1) {
                    q += 1;
                }
                q
            };
            push_u128(&mut out, q / SCALE);
            let frac = (q % SCALE) as u64;
            if frac != 0 {
                let mut digits = [b'0'; 17];
                let mut v = frac;
                for d in digits.iter_mut().rev() {
                    *d = b'0' + (v % 10) as u8;
                    v /= 10;
                }
                let keep = digits.iter().rposition(|&c| c != b'0').map_or(0, |p| p + 1);
                out.push(b'.');
                out.extend_from_slice(&digits[..keep]);
            }
        }
        if out == b"-0" {
            out.clear();
            out.push(b'0');
        }
        out
    }
}

fn push_u128(out: &mut Vec<u8>, mut v: u128) {
    if let Ok(small) = u64::try_from(v) {
        // Native 64-bit division is much cheaper than u128's.
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        let mut v = small;
        loop {
            i -= 1;
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        out.extend_from_slice(&buf[i..]);
        return;
    }
    let mut buf = [0u8; 40];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Compare magnitudes of two finite non-zero values.
fn cmp_mag(a: &LongDouble, b: &LongDouble) -> Ordering {
    let top = |v: &LongDouble| v.e + 64 - v.m.leading_zeros() as i64;
    top(a).cmp(&top(b)).then_with(|| {
        let na = a.m << a.m.leading_zeros();
        let nb = b.m << b.m.leading_zeros();
        na.cmp(&nb)
    })
}

enum Rounded {
    Finite(LongDouble),
    Zero(bool),
    Overflow,
}

/// Round the exact value `(q + s) * 2^exp` (where `0 < s < 1` if `sticky`, else `s = 0`)
/// to 64 significant bits, nearest-even, with denormals below 2^-16382. Callers with
/// `sticky` pass a `q` of at least 66 bits, so rounding never shifts left past it.
fn round(neg: bool, q: u128, sticky: bool, exp: i64) -> Rounded {
    if q == 0 {
        return Rounded::Zero(neg);
    }
    let p = 127 - q.leading_zeros() as i64; // index of the top bit
    let shift = (p - 63).max(E_MIN - exp);
    let (m, e): (u128, i64) = if shift <= 0 {
        (q << (-shift) as u32, exp + shift)
    } else if shift > 128 {
        (0u128, exp + shift)
    } else {
        let s = shift as u32;
        let (base, rem, half) = if s == 128 {
            (0u128, q, 1u128 << 127)
        } else {
            (q >> s, q & ((1u128 << s) - 1), 1u128 << (s - 1))
        };
        let up = rem > half || (rem == half && (sticky || base & 1 == 1));
        let mut m = base + up as u128;
        let mut e = exp + shift;
        if m == 1u128 << 64 {
            m >>= 1;
            e += 1;
        }
        (m, e)
    };
    // Below 2^64 by construction (shift >= p - 63, and a carry renormalises).
    let m = m as u64;
    if m == 0 {
        return Rounded::Zero(neg);
    }
    if e + 64 - m.leading_zeros() as i64 > TOP_LIMIT {
        return Rounded::Overflow;
    }
    Rounded::Finite(LongDouble {
        neg,
        inf: false,
        m,
        e,
    })
}

/// Parse like Redis's `string2ld` (glibc `strtold` underneath). `None` when Redis would
/// answer "value is not a valid float".
pub fn parse(input: &[u8]) -> Option<LongDouble> {
    if input.is_empty() || input.len() >= MAX_CHARS {
        return None;
    }
    // strtold stops at a NUL, and Redis requires it to consume every byte.
    if input.contains(&0) {
        return None;
    }
    let s = input;
    // isspace(buf[0]) is refused; an empty C string makes strtold consume nothing.
    let first = *s.first()?;
    if matches!(first, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        return None;
    }
    let (neg, body) = match first {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
        return Some(LongDouble {
            neg,
            inf: true,
            m: 0,
            e: 0,
        });
    }
    let r = if body.len() > 2 && body[0] == b'0' && (body[1] | 0x20) == b'x' {
        parse_hex(neg, &body[2..])?
    } else {
        parse_dec(neg, body)?
    };
    match r {
        Rounded::Finite(v) => Some(v),
        // Only an exact zero is valid; a nonzero input that underflows is ERANGE.
        Rounded::Zero(_) | Rounded::Overflow => None,
    }
}

/// Parse an exponent's digits (at least one), saturating far beyond any useful range.
fn parse_exp(b: &[u8]) -> Option<i64> {
    let (neg, d) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    if d.is_empty() || !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: i64 = 0;
    for &c in d {
        v = (v * 10 + (c - b'0') as i64).min(1_000_000_000);
    }
    Some(if neg { -v } else { v })
}

/// Split `digits[.digits]` from the rest; returns (integer digits, fraction digits, rest).
fn split_mantissa(b: &[u8], is_digit: fn(&u8) -> bool) -> (&[u8], &[u8], &[u8]) {
    let int_len = b.iter().take_while(|c| is_digit(c)).count();
    let (int, rest) = b.split_at(int_len);
    if let Some(after) = rest.strip_prefix(b".") {
        let frac_len = after.iter().take_while(|c| is_digit(c)).count();
        let (frac, rest) = after.split_at(frac_len);
        (int, frac, rest)
    } else {
        (int, &[], rest)
    }
}

/// Decimal digits → exact value, rounded. `None` for a syntax error; `Some(Zero)` for an
/// exact zero *or* an underflow (told apart by the caller through `Rounded::Zero` only
/// being valid when the digits are all zero, handled here).
fn parse_dec(neg: bool, b: &[u8]) -> Option<Rounded> {
    let (int, frac, rest) = split_mantissa(b, u8::is_ascii_digit);
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let exp = if rest.is_empty() {
        0
    } else if rest[0] | 0x20 == b'e' {
        parse_exp(&rest[1..])?
    } else {
        return None;
    };
    // Significant digits: leading and trailing zeros dropped (the latter only scale the
    // exponent), without copying them anywhere.
    let lead = int
        .iter()
        .chain(frac.iter())
        .take_while(|&&c| c == b'0')
        .count();
    let n = int.len() + frac.len() - lead;
    if n == 0 {
        return Some(Rounded::Finite(LongDouble {
            neg,
            ..LongDouble::ZERO
        }));
    }
    let zeros = |d: &[u8]| d.iter().rev().take_while(|&&c| c == b'0').count();
    let ftz = zeros(frac);
    let tz = if ftz == frac.len() {
        ftz + zeros(int)
    } else {
        ftz
    }
    .min(n);
    let ndig = n - tz;
    let digits = || int.iter().chain(frac.iter()).skip(lead).take(ndig).copied();
    let exp10 = exp - frac.len() as i64 + tz as i64;
    // Value is in [10^(mag-1), 10^mag). The format spans about 3.6e-4951 .. 1.19e4932.
    let mag = ndig as i64 + exp10;
    if mag > 4934 {
        return Some(Rounded::Overflow);
    }
    if mag < -4952 {
        return Some(Rounded::Zero(neg));
    }
    // Fast paths in u128 for the usual inputs (up to 38 digits, small exponents).
    if ndig <= 38 {
        let d: u128 = digits().fold(0u128, |a, c| a * 10 + (c - b'0') as u128);
        if exp10 >= 0 {
            let exact = u32::try_from(exp10)
                .ok()
                .and_then(|k| 10u128.checked_pow(k))
                .and_then(|p| d.checked_mul(p));
            if let Some(n) = exact {
                return Some(round(neg, n, false, 0));
            }
        } else if exp10 >= -18 {
            // d / 10^k with d shifted to the top of a u128: the quotient keeps at least
            // 68 bits, the remainder becomes the sticky bit.
            let p = 10u128.pow((-exp10) as u32);
            let s = d.leading_zeros();
            let num = d << s;
            return Some(round(neg, num / p, num % p != 0, -(s as i64)));
        }
    }
    let mut d = Big::from_digits(digits());
    if exp10 >= 0 {
        d.mul_pow10(exp10 as u32);
        let (q, sticky, sh) = d.top_bits(100);
        Some(round(neg, q, sticky, sh))
    } else {
        let mut p = Big::from_u64(1);
        p.mul_pow10((-exp10) as u32);
        let diff = d.bitlen() as i64 - p.bitlen() as i64;
        let sh = 100 - diff;
        if sh >= 0 {
            d.shl_assign(sh as u32);
        } else {
            p.shl_assign((-sh) as u32);
        }
        let (q, rem_nonzero) = d.div_small_quotient(&p, 102);
        Some(round(neg, q, rem_nonzero, -sh))
    }
}

/// Hexadecimal float (`0x1.8p3`), after the `0x`.
fn parse_hex(neg: bool, b: &[u8]) -> Option<Rounded> {
    let (int, frac, rest) = split_mantissa(b, u8::is_ascii_hexdigit);
    if int.is_empty() && frac.is_empty() {
        // strtold reads "0" and stops at the 'x': trailing garbage.
        return None;
    }
    let pexp = if rest.is_empty() {
        0
    } else if rest[0] | 0x20 == b'p' {
        parse_exp(&rest[1..])?
    } else {
        return None;
    };
    // Four bits per digit, filled from the least significant end.
    let mut n = Big(Vec::with_capacity((int.len() + frac.len()) / 8 + 1));
    for (k, &c) in int.iter().chain(frac.iter()).rev().enumerate() {
        let v = (c as char).to_digit(16)?;
        if k % 8 == 0 {
            n.0.push(0);
        }
        if let Some(limb) = n.0.last_mut() {
            *limb |= v << (4 * (k % 8));
        }
    }
    n.trim();
    if n.is_zero() {
        return Some(Rounded::Finite(LongDouble {
            neg,
            ..LongDouble::ZERO
        }));
    }
    let bexp = pexp - 4 * frac.len() as i64;
    let top = bexp + n.bitlen() as i64;
    if top > TOP_LIMIT + 1 {
        return Some(Rounded::Overflow);
    }
    if top < E_MIN - 2 {
        return Some(Rounded::Zero(neg));
    }
    let (q, sticky, sh) = n.top_bits(100);
    Some(round(neg, q, sticky, bexp + sh))
}

/// A minimal unsigned big integer (little-endian base 2^32 limbs, no trailing zeros).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn from_u64(v: u64) -> Big {
        let mut b = Big(vec![v as u32, (v >> 32) as u32]);
        b.trim();
        b
    }

    fn from_digits(digits: impl Iterator<Item = u8>) -> Big {
        let mut b = Big(Vec::new());
        let (mut chunk, mut len) = (0u32, 0u32);
        for c in digits {
            chunk = chunk * 10 + (c - b'0') as u32;
            len += 1;
            if len == 9 {
                b.mul_small(1_000_000_000);
                b.add_small(chunk);
                (chunk, len) = (0, 0);
            }
        }
        if len > 0 {
            b.mul_small(10u32.pow(len));
            b.add_small(chunk);
        }
        b
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn bitlen(&self) -> u64 {
        match self.0.last() {
            None => 0,
            Some(&top) => (self.0.len() as u64 - 1) * 32 + (32 - top.leading_zeros()) as u64,
        }
    }

    fn mul_small(&mut self, k: u32) {
        let mut carry = 0u64;
        for limb in self.0.iter_mut() {
            let v = *limb as u64 * k as u64 + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
        self.trim();
    }

    fn add_small(&mut self, k: u32) {
        let mut carry = k as u64;
        for limb in self.0.iter_mut() {
            if carry == 0 {
                break;
            }
            let v = *limb as u64 + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut k: u32) {
        while k >= 9 {
            self.mul_small(1_000_000_000);
            k -= 9;
        }
        if k > 0 {
            self.mul_small(10u32.pow(k));
        }
    }

    fn shl_assign(&mut self, bits: u32) {
        if self.is_zero() {
            return;
        }
        let limbs = (bits / 32) as usize;
        let b = bits % 32;
        if b != 0 {
            let mut carry = 0u32;
            for limb in self.0.iter_mut() {
                let v = *limb;
                *limb = (v << b) | carry;
                carry = v >> (32 - b);
            }
            if carry != 0 {
                self.0.push(carry);
            }
        }
        if limbs > 0 {
            self.0.splice(0..0, std::iter::repeat_n(0u32, limbs));
        }
    }

    fn shr1(&mut self) {
        let mut carry = 0u32;
        for limb in self.0.iter_mut().rev() {
            let v = *limb;
            *limb = (v >> 1) | (carry << 31);
            carry = v & 1;
        }
        self.trim();
    }

    fn bit(&self, i: u64) -> bool {
        self.0
            .get((i / 32) as usize)
            .is_some_and(|l| (l >> (i % 32)) & 1 == 1)
    }

    /// The top `n` (≤ 128) bits as an integer, whether any lower bit is set, and the
    /// number of bits dropped: `self ≈ (q + sticky) * 2^shift`.
    fn top_bits(&self, n: u64) -> (u128, bool, i64) {
        let len = self.bitlen();
        let shift = len.saturating_sub(n);
        let mut q = 0u128;
        for i in (shift..len).rev() {
            q = (q << 1) | self.bit(i) as u128;
        }
        let full = (shift / 32) as usize;
        let partial = self
            .0
            .get(full)
            .map_or(0, |l| l & ((1u32 << (shift % 32)) - 1));
        let sticky = partial != 0 || self.0.iter().take(full).any(|&l| l != 0);
        (q, sticky, shift as i64)
    }

    fn sub_assign(&mut self, o: &Big) {
        let mut borrow = 0i64;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let v = *limb as i64 - *o.0.get(i).unwrap_or(&0) as i64 - borrow;
            if v < 0 {
                *limb = (v + (1i64 << 32)) as u32;
                borrow = 1;
            } else {
                *limb = v as u32;
                borrow = 0;
            }
        }
        self.trim();
    }

    fn cmp(&self, o: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&o.0.len())
            .then_with(|| self.0.iter().rev().cmp(o.0.iter().rev()))
    }

    /// `self / den` for a quotient known to be below `2^qbits` (≤ 127); returns the
    /// quotient and whether the remainder is non-zero.
    fn div_small_quotient(mut self, den: &Big, qbits: u32) -> (u128, bool) {
        let mut d = den.clone();
        d.shl_assign(qbits - 1);
        let mut q = 0u128;
        for i in (0..qbits).rev() {
            if self.cmp(&d) != Ordering::Less {
                self.sub_assign(&d);
                q |= 1u128 << i;
            }
            d.shr1();
        }
        (q, !self.is_zero())
    }

    fn to_decimal(&self) -> Vec<u8> {
        let mut limbs = self.0.clone();
        let mut chunks: Vec<u32> = Vec::new();
        while !limbs.is_empty() {
            let mut rem = 0u64;
            for limb in limbs.iter_mut().rev() {
                let v = (rem << 32) | *limb as u64;
                *limb = (v / 1_000_000_000) as u32;
                rem = v % 1_000_000_000;
            }
            while limbs.last() == Some(&0) {
                limbs.pop();
            }
            chunks.push(rem as u32);
        }
        let mut out = Vec::with_capacity(chunks.len() * 9);
        for (i, c) in chunks.iter().rev().enumerate() {
            if i == 0 {
                out.extend_from_slice(c.to_string().as_bytes());
            } else {
                out.extend_from_slice(format!("{c:09}").as_bytes());
            }
        }
        if out.is_empty() {
            out.push(b'0');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incr(a: &str, b: &str) -> Option<String> {
        let x = parse(a.as_bytes())?;
        let y = parse(b.as_bytes())?;
        Some(String::from_utf8_lossy(&x.checked_add(y)?.to_human()).into_owned())
    }

    #[test]
    fn repeated_tenths_print_like_redis() {
        let mut v = "0".to_string();
        let mut seen = Vec::new();
        for _ in 0..10 {
            v = incr(&v, "0.1").expect("finite");
            seen.push(v.clone());
        }
        assert_eq!(
            seen,
            [
                "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"
            ]
        );
    }

    #[test]
    fn values_observed_from_redis_7() {
        // Each pair was produced by redis-server 7.0.15 on x86-64.
        assert_eq!(incr("10.5", "0.1").as_deref(), Some("10.6"));
        assert_eq!(
            incr("10.6", "5.0e3").as_deref(),
            Some("5010.60000000000000009")
        );
        assert_eq!(
            incr("5010.60000000000000009", "-5").as_deref(),
            Some("5005.60000000000000009")
        );
        assert_eq!(incr("0", "3.0e-2").as_deref(), Some("0.03"));
        assert_eq!(incr("0.03", "3.0e-2").as_deref(), Some("0.06"));
        assert_eq!(
            incr("0", "1e300").as_deref().map(|s| &s[..40]),
            Some("1000000000000000000008997324079559193870")
        );
        assert_eq!(
            incr("0", "1e4000").as_deref().map(|s| &s[..50]),
            Some("99999999999999999999654638730996237849324925835069")
        );
        assert_eq!(incr("0", "1e-4000").as_deref(), Some("0"));
        assert_eq!(incr("0", "0x1p3").as_deref(), Some("8"));
        assert_eq!(incr("0", "+1.5").as_deref(), Some("1.5"));
        assert_eq!(incr("0", ".5").as_deref(), Some("0.5"));
        assert_eq!(incr("0", "5.").as_deref(), Some("5"));
        assert_eq!(incr("0", "-0").as_deref(), Some("0"));
        assert_eq!(
            incr("0", "1.23456789012345678901234").as_deref(),
            Some("1.23456789012345679")
        );
        assert_eq!(incr("0", "1e-20").as_deref(), Some("0"));
        assert_eq!(incr("0", "-1e-20").as_deref(), Some("0"));
        assert_eq!(
            incr("0", "123456789012345678901234567890").as_deref(),
            Some("123456789012345678899921813504")
        );
        assert_eq!(incr("0", "0.000000000000000005").as_deref(), Some("0"));
    }

    #[test]
    fn invalid_inputs_are_refused() {
        for bad in [
            "", " 1", "1 ", "1e", "nan", "-nan", "abc", "1e-5000", "1e5000", "0x", ".", "+",
            "1.2.3", "infx",
        ] {
            assert!(parse(bad.as_bytes()).is_none(), "{bad:?} should be refused");
        }
        assert!(parse(&[b'1'; 5120]).is_none());
        assert!(parse(&[b'1'; 300]).is_some());
        assert!(parse(b"inf").is_some_and(|v| v.is_infinite()));
        assert!(parse(b"-Infinity").is_some_and(|v| v.is_infinite()));
        assert!(parse(b"1\x00junk").is_none());
        assert!(parse(b"1\x00").is_none());
        // inf + anything is refused by the caller through `add`.
        assert!(
            parse(b"inf")
                .and_then(|v| v.checked_add(LongDouble::ZERO))
                .is_none()
        );
    }

    #[test]
    fn overflow_on_addition_is_reported() {
        let big = parse(b"1.1e4932").expect("in range");
        assert!(big.checked_add(big).is_none());
        assert!(big.checked_add(LongDouble::from_i64(-1)).is_some());
    }

    #[test]
    fn integers_are_exact() {
        for v in [0i64, 1, -1, 42, i64::MAX, i64::MIN, 1 << 62] {
            assert_eq!(
                LongDouble::from_i64(v).to_human(),
                v.to_string().into_bytes()
            );
        }
        assert_eq!(
            incr("9223372036854775807", "1").as_deref(),
            Some("9223372036854775808")
        );
        assert_eq!(incr("1", "-1").as_deref(), Some("0"));
        assert_eq!(incr("-2.5", "2.5").as_deref(), Some("0"));
    }

    #[test]
    fn denormals_round_trip() {
        let tiny = parse(b"4e-4951").expect("denormal is valid");
        assert_eq!(tiny.to_human(), b"0");
        assert!(tiny.checked_add(tiny).is_some());
    }
}
