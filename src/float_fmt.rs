//! Doubles to text without `core::fmt`'s float machinery.
//!
//! `format!("{x}")`, `{x:e}` and `{x:.N}` on an `f64` pull in the standard library's
//! Grisu and Dragon4 formatters with their big-number code: ~20 KB of the npm
//! package's wasm, more than the rest of this crate's number handling together. What
//! the engine needs is two operations:
//!
//! - the shortest digits that read back as the same double (RESP3 doubles, scores,
//!   `INCRBYFLOAT`-style replies): [`shortest`], from the `ryu` crate, whose output is
//!   the same digit string as std's shortest mode (the closest shortest one; checked
//!   against std in the tests);
//! - a fixed number of decimals of the exact binary value, as C's `printf("%.Nf")` and
//!   Rust's `{:.N}` print it, ties to even (GEO coordinates and distances, INFO
//!   percentages, config values): [`fixed`], with a small base-2³² big integer.
//!
//! Callers format non-finite values themselves where the text matters; the functions
//! here print them as Rust does (`NaN`, `inf`, `-inf`).

/// The shortest round-trip digits of a finite, nonzero double's magnitude: the value
/// is `d₁.d₂d₃… × 10^exp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortest {
    digits: [u8; 17],
    len: u8,
    /// The decimal exponent of the first digit (as in `{:e}`).
    pub exp: i32,
}

impl Shortest {
    /// The significant digits, ASCII, no leading or trailing zeros.
    pub fn digits(&self) -> &[u8] {
        &self.digits[..self.len as usize]
    }

    /// Positional notation, as `{}` prints the magnitude: `1500`, `0.00015`, `1.5`.
    pub fn push_plain(&self, out: &mut String) {
        let d = self.digits();
        let d = std::str::from_utf8(d).unwrap_or("0");
        if self.exp < 0 {
            out.push_str("0.");
            for _ in 0..(-self.exp - 1) {
                out.push('0');
            }
            out.push_str(d);
        } else {
            let int_len = self.exp as usize + 1;
            if d.len() <= int_len {
                out.push_str(d);
                for _ in d.len()..int_len {
                    out.push('0');
                }
            } else {
                out.push_str(&d[..int_len]);
                out.push('.');
                out.push_str(&d[int_len..]);
            }
        }
    }

    /// Scientific notation `d.ddd` + `e` + the exponent; `plus` and `min_digits` give
    /// C's layout (`1.5e+07`, `1e-05`) rather than Rust's (`1.5e7`, `1e-5`).
    pub fn push_sci(&self, plus: bool, min_digits: usize, out: &mut String) {
        let d = std::str::from_utf8(self.digits()).unwrap_or("0");
        out.push_str(&d[..1]);
        if d.len() > 1 {
            out.push('.');
            out.push_str(&d[1..]);
        }
        out.push('e');
        if self.exp < 0 {
            out.push('-');
        } else if plus {
            out.push('+');
        }
        let a = self.exp.unsigned_abs().to_string();
        for _ in a.len()..min_digits {
            out.push('0');
        }
        out.push_str(&a);
    }
}

/// The shortest digits of `v` (finite and nonzero; the sign is ignored), or None for 0,
/// infinities and NaN.
pub fn shortest(v: f64) -> Option<Shortest> {
    if !v.is_finite() || v == 0.0 {
        return None;
    }
    let mut buf = ryu::Buffer::new();
    // ryu prints "123.0", "0.0001", "1e16", "1.5e-7", "-…": take the digits and place
    // the point.
    let text = buf.format_finite(v.abs()).as_bytes();
    let (mant, e10) = match text.iter().position(|&c| c == b'e') {
        Some(i) => (&text[..i], parse_exp(&text[i + 1..])),
        None => (text, 0),
    };
    let point = mant.iter().position(|&c| c == b'.').unwrap_or(mant.len()) as i32;
    let mut out = Shortest {
        digits: [0; 17],
        len: 0,
        exp: 0,
    };
    let mut leading = 0i32;
    let mut seen = false;
    for &c in mant.iter().filter(|c| c.is_ascii_digit()) {
        if !seen && c == b'0' {
            leading += 1;
            continue;
        }
        seen = true;
        if (out.len as usize) < out.digits.len() {
            out.digits[out.len as usize] = c;
            out.len += 1;
        }
    }
    while out.len > 1 && out.digits[out.len as usize - 1] == b'0' {
        out.len -= 1;
    }
    out.exp = e10 + point - leading - 1;
    Some(out)
}

fn parse_exp(b: &[u8]) -> i32 {
    let (neg, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    let n = digits
        .iter()
        .fold(0i32, |n, &c| n * 10 + i32::from(c.wrapping_sub(b'0')));
    if neg { -n } else { n }
}

/// `v` with `prec` decimals of its exact value, rounded half to even: what `{v:.prec}`
/// and C's `%.*f` print (`-0.00` keeps its sign; `NaN`, `inf`, `-inf`).
pub fn fixed(v: f64, prec: usize) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    let mut out = String::new();
    if v.is_sign_negative() {
        out.push('-');
    }
    if v.is_infinite() {
        out.push_str("inf");
        return out;
    }
    let bits = v.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    // |v| = m × 2^e exactly.
    let (m, e) = if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), biased - 1075)
    };
    // n = round(m × 10^prec × 2^e).
    let mut n = Big::from_u64(m);
    for _ in 0..prec {
        n.mul_small(10);
    }
    if e >= 0 {
        n.shl(e as u32);
    } else {
        let k = e.unsigned_abs();
        let half = n.bit(k - 1);
        let below = n.any_below(k - 1);
        n.shr(k);
        if half && (below || n.bit(0)) {
            n.add_one();
        }
    }
    let digits = n.into_decimal();
    if digits.len() <= prec {
        out.push('0');
        if prec > 0 {
            out.push('.');
            for _ in digits.len()..prec {
                out.push('0');
            }
            out.push_str(&digits);
        }
    } else {
        let (int, fr) = digits.split_at(digits.len() - prec);
        out.push_str(int);
        if prec > 0 {
            out.push('.');
            out.push_str(fr);
        }
    }
    out
}

/// A nonnegative integer as little-endian base-2³² limbs (no leading zero limbs).
struct Big(Vec<u32>);

impl Big {
    fn from_u64(v: u64) -> Big {
        let mut b = Big(vec![v as u32, (v >> 32) as u32]);
        b.trim();
        b
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn mul_small(&mut self, f: u32) {
        let mut carry = 0u64;
        for l in &mut self.0 {
            let p = u64::from(*l) * u64::from(f) + carry;
            *l = p as u32;
            carry = p >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    fn shl(&mut self, s: u32) {
        let (words, bits) = ((s / 32) as usize, s % 32);
        if bits != 0 {
            let mut carry = 0u32;
            for l in &mut self.0 {
                let next = *l >> (32 - bits);
                *l = (*l << bits) | carry;
                carry = next;
            }
            if carry != 0 {
                self.0.push(carry);
            }
        }
        if words > 0 && !self.0.is_empty() {
            self.0.splice(0..0, std::iter::repeat_n(0, words));
        }
    }

    fn shr(&mut self, s: u32) {
        let (words, bits) = ((s / 32) as usize, s % 32);
        if words >= self.0.len() {
            self.0.clear();
            return;
        }
        self.0.drain(..words);
        if bits != 0 {
            let n = self.0.len();
            for i in 0..n {
                let hi = if i + 1 < n {
                    self.0[i + 1] << (32 - bits)
                } else {
                    0
                };
                self.0[i] = (self.0[i] >> bits) | hi;
            }
        }
        self.trim();
    }

    fn bit(&self, i: u32) -> bool {
        self.0
            .get((i / 32) as usize)
            .is_some_and(|l| l >> (i % 32) & 1 == 1)
    }

    /// Whether any bit below bit `i` is set.
    fn any_below(&self, i: u32) -> bool {
        let (words, bits) = ((i / 32) as usize, i % 32);
        let full = self.0.iter().take(words).any(|&l| l != 0);
        let part = bits != 0
            && self
                .0
                .get(words)
                .is_some_and(|&l| l & ((1 << bits) - 1) != 0);
        full || part
    }

    fn add_one(&mut self) {
        for l in &mut self.0 {
            let (s, c) = l.overflowing_add(1);
            *l = s;
            if !c {
                return;
            }
        }
        self.0.push(1);
    }

    /// Decimal digits (`"0"` for zero).
    fn into_decimal(mut self) -> String {
        // Chunks of nine digits, least significant first.
        let mut chunks = Vec::new();
        while !self.0.is_empty() {
            let mut rem = 0u64;
            for l in self.0.iter_mut().rev() {
                let cur = (rem << 32) | u64::from(*l);
                *l = (cur / 1_000_000_000) as u32;
                rem = cur % 1_000_000_000;
            }
            self.trim();
            chunks.push(rem as u32);
        }
        let mut s = match chunks.pop() {
            Some(top) => top.to_string(),
            None => return "0".into(),
        };
        for c in chunks.iter().rev() {
            let t = c.to_string();
            for _ in t.len()..9 {
                s.push('0');
            }
            s.push_str(&t);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn std_shortest(v: f64) -> (String, i32) {
        let e = format!("{:e}", v.abs());
        let (m, x) = e.split_once('e').unwrap();
        (m.replace('.', ""), x.parse().unwrap())
    }

    fn interesting(rng: &mut Rng, i: u64) -> f64 {
        match i % 4 {
            // Any bit pattern.
            0 => f64::from_bits(rng.next_u64()),
            // Short decimals, as users type them.
            1 => (rng.next_u64() % 2_000_000) as f64 / 1000.0 - 1000.0,
            // Coordinates and distances.
            2 => rng.next_f64() * 360.0 - 180.0,
            // Near powers of two and ten (asymmetric rounding intervals, ties).
            _ => {
                let p = (rng.next_u64() % 200) as i32 - 100;
                let b = if i % 8 == 3 {
                    2f64.powi(p)
                } else {
                    10f64.powi(p / 4)
                };
                f64::from_bits(b.to_bits().wrapping_add(rng.next_u64() % 3).wrapping_sub(1))
            }
        }
    }

    #[test]
    fn shortest_matches_std() {
        let mut rng = Rng::seeded(7);
        for i in 0..300_000u64 {
            let v = interesting(&mut rng, i);
            let Some(s) = shortest(v) else {
                assert!(v == 0.0 || !v.is_finite());
                continue;
            };
            let (d, e) = std_shortest(v);
            let ours = std::str::from_utf8(s.digits()).unwrap();
            let mut sci = String::new();
            s.push_sci(false, 1, &mut sci);
            assert_eq!(sci.parse::<f64>().unwrap(), v.abs(), "{v:e} round trip");
            assert_eq!((ours.len(), s.exp), (d.len(), e), "{v:e}");
            if ours != d {
                // The one allowed difference: the exact value lies halfway between two
                // shortest candidates; ryu takes the even one, std rounds half up.
                let (a, b) = (ours.as_bytes(), d.as_bytes());
                let n = a.len();
                assert_eq!(a[..n - 1], b[..n - 1], "{v:e}");
                assert_eq!(a[n - 1] % 2, 0, "{v:e}");
                assert_eq!(b[n - 1], a[n - 1] + 1, "{v:e}");
                continue;
            }
            let mut plain = String::new();
            s.push_plain(&mut plain);
            assert_eq!(plain, format!("{}", v.abs()));
            assert_eq!(sci, format!("{:e}", v.abs()));
        }
        for v in [
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            1.0,
            0.1,
            1e16,
            123456789.0,
        ] {
            let s = shortest(v).unwrap();
            assert_eq!(s.exp, std_shortest(v).1, "{v:e}");
        }
        assert_eq!(shortest(0.0), None);
        assert_eq!(shortest(f64::NAN), None);
        let mut sci = String::new();
        shortest(15_000_000.0).unwrap().push_sci(true, 2, &mut sci);
        assert_eq!(sci, "1.5e+07");
    }

    #[test]
    fn fixed_matches_std() {
        let mut rng = Rng::seeded(11);
        for i in 0..100_000u64 {
            let v = interesting(&mut rng, i);
            if v.abs() > 1e60 && i % 16 != 0 {
                continue; // fewer of the slow 300-digit cases
            }
            let prec = (rng.next_u64() % 20) as usize;
            assert_eq!(fixed(v, prec), format!("{v:.prec$}"), "{v:e} .{prec}");
        }
        // Exact ties go to even, as printf does.
        assert_eq!(fixed(0.125, 2), "0.12");
        assert_eq!(fixed(0.375, 2), "0.38");
        assert_eq!(fixed(2.5, 0), "2");
        assert_eq!(fixed(-0.001, 2), "-0.00");
        assert_eq!(fixed(0.0, 3), "0.000");
        assert_eq!(fixed(f64::MAX, 0), format!("{:.0}", f64::MAX));
        assert_eq!(fixed(5e-324, 17), "0.00000000000000000");
        assert_eq!(fixed(f64::NAN, 2), "NaN");
        assert_eq!(fixed(f64::NEG_INFINITY, 2), "-inf");
        assert_eq!(fixed(13.361389338970184, 17), "13.36138933897018433");
    }
}
