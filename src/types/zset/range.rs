//! Range specifications of the ZRANGE family (Redis's `zrangespec` / `zlexrangespec`
//! and their parsers) and the `strtod`-compatible number parsing the sorted-set commands
//! share.

// ---------------------------------------------------------------------------------------
// Ranges
// ---------------------------------------------------------------------------------------

/// A score interval, each end inclusive or exclusive (`zrangespec`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreRange {
    /// Lower bound.
    pub min: f64,
    /// Upper bound.
    pub max: f64,
    /// Lower bound excluded.
    pub minex: bool,
    /// Upper bound excluded.
    pub maxex: bool,
}

impl ScoreRange {
    /// Parse `min` and `max` as ZRANGEBYSCORE does (`zslParseRange`): a leading `(`
    /// excludes the bound; the rest is read by `strtod` up to the end of the C string
    /// (so leading spaces, hex floats, `inf`, and the empty string as 0 are accepted),
    /// NaN refused.
    pub fn parse(min: &[u8], max: &[u8]) -> Option<ScoreRange> {
        let (min, minex) = parse_score_bound(min)?;
        let (max, maxex) = parse_score_bound(max)?;
        Some(ScoreRange {
            min,
            max,
            minex,
            maxex,
        })
    }

    /// Whether no score can be in the range.
    pub fn is_empty(&self) -> bool {
        self.min > self.max || (self.min == self.max && (self.minex || self.maxex))
    }

    /// `v` is above the lower bound.
    #[inline]
    pub fn gte_min(&self, v: f64) -> bool {
        if self.minex {
            v > self.min
        } else {
            v >= self.min
        }
    }

    /// `v` is below the upper bound.
    #[inline]
    pub fn lte_max(&self, v: f64) -> bool {
        if self.maxex {
            v < self.max
        } else {
            v <= self.max
        }
    }
}

fn parse_score_bound(b: &[u8]) -> Option<(f64, bool)> {
    let b = c_str(b);
    let (ex, digits) = match b.first() {
        Some(b'(') => (true, &b[1..]),
        _ => (false, b),
    };
    let (v, _) = parse_c_double(digits)?;
    Some((v, ex))
}

/// One end of a lexicographic range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LexItem<'a> {
    /// `-`: below every string.
    MinStr,
    /// `+`: above every string.
    MaxStr,
    /// A string.
    Str(&'a [u8]),
}

/// A lexicographic interval (`zlexrangespec`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LexRange<'a> {
    /// Lower bound.
    pub min: LexItem<'a>,
    /// Upper bound.
    pub max: LexItem<'a>,
    /// Lower bound excluded (always true for `-` and `+`).
    pub minex: bool,
    /// Upper bound excluded.
    pub maxex: bool,
}

/// Redis's `sdscmplex`: the sentinels sort below / above every string.
fn cmplex(a: LexItem, b: LexItem) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    match (a, b) {
        (LexItem::MinStr, LexItem::MinStr) | (LexItem::MaxStr, LexItem::MaxStr) => Equal,
        (LexItem::MinStr, _) | (_, LexItem::MaxStr) => Less,
        (LexItem::MaxStr, _) | (_, LexItem::MinStr) => Greater,
        (LexItem::Str(x), LexItem::Str(y)) => x.cmp(y),
    }
}

fn parse_lex_item(b: &[u8]) -> Option<(LexItem<'_>, bool)> {
    // Redis reads the argument as a C string for `+` and `-`.
    let ends_after_first = b.get(1).is_none_or(|&c| c == 0);
    match b.first()? {
        b'+' if ends_after_first => Some((LexItem::MaxStr, true)),
        b'-' if ends_after_first => Some((LexItem::MinStr, true)),
        b'(' => Some((LexItem::Str(&b[1..]), true)),
        b'[' => Some((LexItem::Str(&b[1..]), false)),
        _ => None,
    }
}

impl<'a> LexRange<'a> {
    /// Parse `min` and `max` as ZRANGEBYLEX does: `[x` inclusive, `(x` exclusive, `-`
    /// and `+` the infinities.
    pub fn parse(min: &'a [u8], max: &'a [u8]) -> Option<LexRange<'a>> {
        let (min, minex) = parse_lex_item(min)?;
        let (max, maxex) = parse_lex_item(max)?;
        Some(LexRange {
            min,
            max,
            minex,
            maxex,
        })
    }

    /// Whether no string can be in the range.
    pub fn is_empty(&self) -> bool {
        match cmplex(self.min, self.max) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Equal => self.minex || self.maxex,
            std::cmp::Ordering::Less => false,
        }
    }

    /// `v` is above the lower bound.
    #[inline]
    pub fn gte_min(&self, v: &[u8]) -> bool {
        let c = cmplex(LexItem::Str(v), self.min);
        if self.minex { c.is_gt() } else { c.is_ge() }
    }

    /// `v` is below the upper bound.
    #[inline]
    pub fn lte_max(&self, v: &[u8]) -> bool {
        let c = cmplex(LexItem::Str(v), self.max);
        if self.maxex { c.is_lt() } else { c.is_le() }
    }
}

// ---------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------

/// The bytes of `b` up to its first NUL, as C code sees an argument.
#[inline]
pub fn c_str(b: &[u8]) -> &[u8] {
    match b.iter().position(|&c| c == 0) {
        Some(p) => &b[..p],
        None => b,
    }
}

/// C's `isspace` in the C locale.
#[inline]
pub fn c_isspace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Parse all of `s` as glibc's `strtod` would (leading white space, a sign, decimal or
/// hexadecimal digits with an optional exponent, `inf`/`infinity`), refusing NaN and
/// anything left over. Returns the value and whether it over- or underflowed (`ERANGE`:
/// then the value is ±inf or a zero/subnormal).
pub fn parse_c_double(s: &[u8]) -> Option<(f64, bool)> {
    let start = s.iter().position(|&c| !c_isspace(c)).unwrap_or(s.len());
    let s = &s[start..];
    if s.is_empty() {
        // Nothing converted: strtod returns 0 and leaves the pointer at the start, which
        // is then the end of the string.
        return (start == 0).then_some((0.0, false));
    }
    let (neg, body) = match s[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let v = if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
        return Some((
            if neg {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            },
            false,
        ));
    } else if body
        .get(..3)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"nan"))
    {
        return None;
    } else if body.get(..2).is_some_and(|p| p.eq_ignore_ascii_case(b"0x")) {
        parse_hex(&body[2..])?
    } else {
        parse_dec(body)?
    };
    Some((if neg { -v.0 } else { v.0 }, v.1))
}

/// Decimal mantissa and exponent; (value, erange).
fn parse_dec(b: &[u8]) -> Option<(f64, bool)> {
    let mut i = 0;
    let mut digits = 0;
    let mut nonzero = false;
    while i < b.len() && b[i].is_ascii_digit() {
        nonzero |= b[i] != b'0';
        digits += 1;
        i += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            nonzero |= b[i] != b'0';
            digits += 1;
            i += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let exp_start = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j == exp_start {
            return None;
        }
        i = j;
    }
    if i != b.len() {
        return None;
    }
    let text = std::str::from_utf8(b).ok()?;
    let v = crate::float_parse::parse_f64(text)?;
    let erange =
        v.is_infinite() || (v == 0.0 && nonzero) || (v != 0.0 && v.abs() < f64::MIN_POSITIVE);
    Some((v, erange))
}

/// Hexadecimal mantissa (after `0x`) and binary exponent; (value, erange).
fn parse_hex(b: &[u8]) -> Option<(f64, bool)> {
    let mut i = 0;
    let mut mant: u64 = 0;
    let mut exp: i64 = 0;
    let mut digits = 0;
    let mut sticky = false;
    let mut push = |d: u64, frac: bool, mant: &mut u64, exp: &mut i64| {
        if *mant >> 56 == 0 {
            *mant = *mant << 4 | d;
            if frac {
                *exp -= 4;
            }
        } else {
            sticky |= d != 0;
            if !frac {
                *exp += 4;
            }
        }
    };
    while i < b.len() && b[i].is_ascii_hexdigit() {
        push(hex_val(b[i]), false, &mut mant, &mut exp);
        digits += 1;
        i += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_hexdigit() {
            push(hex_val(b[i]), true, &mut mant, &mut exp);
            digits += 1;
            i += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'p' || b[i] == b'P') {
        let mut j = i + 1;
        let mut eneg = false;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            eneg = b[j] == b'-';
            j += 1;
        }
        let exp_start = j;
        let mut e: i64 = 0;
        while j < b.len() && b[j].is_ascii_digit() {
            e = (e * 10 + (b[j] - b'0') as i64).min(1 << 20);
            j += 1;
        }
        if j == exp_start {
            return None;
        }
        exp += if eneg { -e } else { e };
        i = j;
    }
    if i != b.len() {
        return None;
    }
    if sticky {
        mant |= 1;
    }
    if mant == 0 {
        return Some((0.0, false));
    }
    // mant * 2^exp, scaled in steps that cannot overflow an f64 exponent.
    let mut v = mant as f64;
    let mut e = exp;
    while e > 0 {
        let step = e.min(1000);
        v *= 2f64.powi(step as i32);
        e -= step;
    }
    while e < 0 {
        let step = (-e).min(1000);
        v /= 2f64.powi(step as i32);
        e += step;
    }
    let erange = v.is_infinite() || v == 0.0 || v.abs() < f64::MIN_POSITIVE;
    Some((v, erange))
}

#[inline]
fn hex_val(c: u8) -> u64 {
    match c {
        b'0'..=b'9' => (c - b'0') as u64,
        _ => (c.to_ascii_lowercase() - b'a' + 10) as u64,
    }
}

/// Parse a score or weight as Redis's `getDoubleFromObject`: not empty, no leading space,
/// every byte consumed, no overflow to ±inf or underflow to 0, not NaN.
pub fn parse_score(b: &[u8]) -> Option<f64> {
    if b.is_empty() || c_isspace(b[0]) {
        return None;
    }
    let (v, erange) = parse_c_double(b)?;
    if erange && (v.is_infinite() || v == 0.0) {
        return None;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::parse_c_double;

    #[test]
    fn c_doubles_any_case() {
        let v = |s: &str| parse_c_double(s.as_bytes());
        assert_eq!(v("1.5"), Some((1.5, false)));
        assert_eq!(v("  -2.5e3"), Some((-2500.0, false)));
        assert_eq!(v("2.5E-3"), Some((0.0025, false)));
        assert_eq!(v("0x1p4"), Some((16.0, false)));
        assert_eq!(v("0X1.8P1"), Some((3.0, false)));
        assert_eq!(v("-0XaBp0"), Some((-171.0, false)));
        assert_eq!(v("INF"), Some((f64::INFINITY, false)));
        assert_eq!(v("-Infinity"), Some((f64::NEG_INFINITY, false)));
        assert_eq!(v("NaN"), None);
        assert_eq!(v("nanx"), None);
        assert_eq!(v("1e"), None);
        assert_eq!(v("1x"), None);
        assert_eq!(v("1e400"), Some((f64::INFINITY, true)));
        assert_eq!(v("1e-400"), Some((0.0, true)));
        assert_eq!(v("000123456789e-9"), Some((123456789e-9, false)));
    }
}
