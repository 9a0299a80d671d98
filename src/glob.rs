//! Glob-style pattern matching, as Redis's `stringmatchlen` (util.c).
//!
//! The syntax, byte-oriented:
//!
//! * `*` matches any run of bytes (a run of `*` counts as one), `?` any one byte;
//! * `[abc]`, `[a-z]`, `[^a-z]` classes: only `^` negates; a range's ends may come in
//!   either order (`[z-a]` is `[a-z]`) and are compared as C's signed `char`, as Redis
//!   on x86 does; inside a class `\x` is a literal `x`, compared case-sensitively even
//!   in `nocase` mode; a class left open at the end of the pattern ends there;
//! * `\x` matches `x` literally; a trailing `\` matches a backslash.
//!
//! Redis's quirks are kept, because they are observable through KEYS, SCAN MATCH,
//! PSUBSCRIBE and CONFIG GET: a pattern made only of stars does not match the empty
//! string (callers special-case `*`), `[^` at the end of a pattern matches any byte, and
//! a pattern that would need more than 1000 nested star expansions matches nothing.
//!
//! # Algorithm
//!
//! Redis recurses at each `*` and, since 7.0, stops early once the rest of the pattern
//! has failed at every position after a star ("skipLongerMatches"): a longer match for
//! an earlier star cannot help then. That is exactly the classic iterative matcher that
//! remembers only the most recent star: on a mismatch, go back to just after that star
//! and let it swallow one more byte; when it cannot, the whole match fails. Every other
//! element consumes exactly one byte, so each retry costs at most one pass over the
//! pattern and the worst case is O(len(pattern) × len(string)), with no recursion.

/// Redis's cap on star nesting (`stringmatchlen_impl`'s `nesting > 1000`).
const MAX_STAR_NESTING: usize = 1000;

/// Whether `s` matches the glob `pattern`; `nocase` folds ASCII letters.
pub fn glob_match(pattern: &[u8], s: &[u8], nocase: bool) -> bool {
    let p = pattern;
    let plen = p.len();
    let slen = s.len();
    let mut pi = 0usize;
    let mut si = 0usize;
    // Stars expanded on the current path (Redis's recursion depth).
    let mut depth = 0usize;
    // The most recent star: (pattern index after it, string index it was tried at, depth).
    let mut star: Option<(usize, usize, usize)> = None;

    loop {
        let failed = if pi < plen && si < slen {
            if p[pi] == b'*' {
                while at(p, pi + 1) == b'*' {
                    pi += 1;
                }
                if pi + 1 == plen {
                    // A trailing star swallows the rest of a non-empty string.
                    return true;
                }
                depth += 1;
                if depth > MAX_STAR_NESTING {
                    return false;
                }
                pi += 1;
                star = Some((pi, si, depth));
                continue;
            }
            match match_one(p, pi, s[si], nocase) {
                Some(next) => {
                    pi = next;
                    si += 1;
                    if si == slen {
                        while at(p, pi) == b'*' {
                            pi += 1;
                        }
                        pi != plen
                    } else {
                        continue;
                    }
                }
                None => true,
            }
        } else {
            !(pi == plen && si == slen)
        };
        if !failed {
            return true;
        }
        // Backtrack: the latest star takes one more byte, while bytes remain.
        match star {
            Some((sp, ss, d)) if ss + 1 < slen => {
                star = Some((sp, ss + 1, d));
                pi = sp;
                si = ss + 1;
                depth = d;
            }
            _ => return false,
        }
    }
}

/// Pattern byte `i`, or 0 past the end (C reads the string's terminating NUL there).
#[inline]
fn at(p: &[u8], i: usize) -> u8 {
    p.get(i).copied().unwrap_or(0)
}

/// C's `tolower` in the C locale, on a `char` widened to `int`.
#[inline]
fn lower(c: i32) -> i32 {
    if (b'A' as i32..=b'Z' as i32).contains(&c) {
        c + 32
    } else {
        c
    }
}

/// A byte as C's (signed, on x86) `char` widened to `int`.
#[inline]
fn schar(b: u8) -> i32 {
    b as i8 as i32
}

/// Match one non-star element starting at `p[pi]` against byte `c`. Returns the pattern
/// index after the element, or `None` on a mismatch.
fn match_one(p: &[u8], pi: usize, c: u8, nocase: bool) -> Option<usize> {
    let plen = p.len();
    let eq = |a: u8, b: u8| {
        if nocase {
            lower(schar(a)) == lower(schar(b))
        } else {
            a == b
        }
    };
    match p[pi] {
        b'?' => Some(pi + 1),
        b'[' => {
            let mut i = pi + 1;
            let negate = at(p, i) == b'^';
            if negate {
                i += 1;
            }
            let mut matched = false;
            loop {
                // Bytes left from `i` (C's patternLen); never negative here.
                let rem = plen.saturating_sub(i);
                let b = at(p, i);
                if b == b'\\' && rem >= 2 {
                    i += 1;
                    if at(p, i) == c {
                        matched = true;
                    }
                } else if b == b']' {
                    break;
                } else if rem == 0 {
                    // Unterminated class: it ends with the pattern.
                    i -= 1;
                    break;
                } else if rem >= 3 && at(p, i + 1) == b'-' {
                    let (mut start, mut end) = (schar(b), schar(at(p, i + 2)));
                    let mut ch = schar(c);
                    if start > end {
                        std::mem::swap(&mut start, &mut end);
                    }
                    if nocase {
                        start = lower(start);
                        end = lower(end);
                        ch = lower(ch);
                    }
                    i += 2;
                    if ch >= start && ch <= end {
                        matched = true;
                    }
                } else if eq(b, c) {
                    matched = true;
                }
                i += 1;
            }
            if matched != negate { Some(i + 1) } else { None }
        }
        b'\\' if plen - pi >= 2 => eq(p[pi + 1], c).then_some(pi + 2),
        b => eq(b, c).then_some(pi + 1),
    }
}

/// Whether `pattern` has no glob metacharacters, so that it matches exactly one string
/// (itself, case-sensitively): lets KEYS answer with a single lookup.
pub fn is_literal(pattern: &[u8]) -> bool {
    !pattern
        .iter()
        .any(|&b| matches!(b, b'*' | b'?' | b'[' | b'\\'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A direct transcription of Redis 7.2's recursive algorithm (exponential only in
    /// theory thanks to skipLongerMatches), used as an oracle for random patterns.
    fn reference(p: &[u8], s: &[u8], nocase: bool) -> bool {
        fn imp(p: &[u8], s: &[u8], nocase: bool, skip: &mut bool, nesting: usize) -> bool {
            if nesting > MAX_STAR_NESTING {
                return false;
            }
            let (mut pi, mut si) = (0usize, 0usize);
            while pi < p.len() && si < s.len() {
                if p[pi] == b'*' {
                    while at(p, pi + 1) == b'*' {
                        pi += 1;
                    }
                    if p.len() - pi == 1 {
                        return true;
                    }
                    while si < s.len() {
                        if imp(&p[pi + 1..], &s[si..], nocase, skip, nesting + 1) {
                            return true;
                        }
                        if *skip {
                            return false;
                        }
                        si += 1;
                    }
                    *skip = true;
                    return false;
                }
                match match_one(p, pi, s[si], nocase) {
                    Some(n) => pi = n,
                    None => return false,
                }
                si += 1;
                if si == s.len() {
                    while at(p, pi) == b'*' {
                        pi += 1;
                    }
                    break;
                }
            }
            pi == p.len() && si == s.len()
        }
        let mut skip = false;
        imp(p, s, nocase, &mut skip, 0)
    }

    #[test]
    fn redis_semantics_table() {
        let cases: &[(&str, &str, bool)] = &[
            ("*", "", false),
            ("*", "a", true),
            ("**", "abc", true),
            ("", "", true),
            ("", "a", false),
            ("a*", "a", true),
            ("a**", "a", true),
            ("a*b", "ab", true),
            ("a*b", "axxb", true),
            ("a*b", "axxbc", false),
            ("h?llo", "hello", true),
            ("h?llo", "hllo", false),
            ("h[ae]llo", "hallo", true),
            ("h[ae]llo", "hillo", false),
            ("h[^e]llo", "hallo", true),
            ("h[^e]llo", "hello", false),
            ("h[!e]llo", "h!llo", true),
            ("h[!e]llo", "hallo", false),
            ("h[a-b]llo", "hbllo", true),
            ("h[b-a]llo", "hbllo", true),
            ("h[z-a]llo", "hmllo", true),
            ("h[a-c]llo", "hdllo", false),
            ("[a-]", "-", false),
            ("[a-]", "]", true),
            ("[a-]", "_", true),
            ("\\*", "*", true),
            ("\\*", "a", false),
            ("a\\", "a\\", true),
            ("[\\]]", "]", true),
            ("[\\", "\\", true),
            ("[", "[", false),
            ("a[", "a", false),
            ("[^", "x", true),
            ("[abc", "b", true),
            ("[abc", "bc", false),
            ("*[", "ab", false),
            ("a*?", "ab", true),
            ("a*?", "a", false),
            ("*a*", "bab", true),
            ("*.txt", "file.txt", true),
            ("*.txt", "file.txt.bak", false),
            ("user:*:name", "user:42:name", true),
            ("user:*:name", "user:42:nam", false),
        ];
        for &(p, s, want) in cases {
            assert_eq!(
                glob_match(p.as_bytes(), s.as_bytes(), false),
                want,
                "{p:?} vs {s:?}"
            );
            assert_eq!(
                reference(p.as_bytes(), s.as_bytes(), false),
                want,
                "ref {p:?} vs {s:?}"
            );
        }
    }

    #[test]
    fn nocase_folds_ascii_only_and_not_escapes() {
        assert!(glob_match(b"HeLLo", b"hello", true));
        assert!(!glob_match(b"HeLLo", b"hello", false));
        assert!(glob_match(b"[A-C]x", b"bX", true));
        // An escape inside a class compares exactly.
        assert!(!glob_match(b"[\\A]", b"a", true));
        // A range whose ends fold across each other is empty, as in Redis.
        assert!(!glob_match(b"[a-Z]", b"b", true));
        assert!(!glob_match(b"\xc9", b"\xe9", true));
    }

    #[test]
    fn ranges_compare_as_signed_chars() {
        // [a-\xff] is swapped to [\xff-a] (-1..=97): \x00..='a' and \xff, not 'b' or \x80.
        assert!(glob_match(b"[a-\xff]", b"\x00", false));
        assert!(glob_match(b"[a-\xff]", b"\xff", false));
        assert!(!glob_match(b"[a-\xff]", b"b", false));
        assert!(!glob_match(b"[a-\xff]", b"\x80", false));
        assert!(glob_match(b"[\x80-\xfe]", b"\x90", false));
    }

    #[test]
    fn many_stars_against_a_long_run_finish() {
        let p = b"a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
        let s = vec![b'a'; 10_000];
        assert!(!glob_match(p, &s, false));
        let mut s2 = s.clone();
        s2.push(b'b');
        assert!(glob_match(p, &s2, false));
        // And the same shape with classes and '?'.
        let p = b"[a]*?*[^b]*a*a*a*a*a*a*a*a*b";
        assert!(!glob_match(p, &s, false));
    }

    #[test]
    fn star_nesting_is_capped_like_redis() {
        let mut p = Vec::new();
        for _ in 0..1001 {
            p.extend_from_slice(b"*a");
        }
        let s = vec![b'a'; 1001];
        assert!(!glob_match(&p, &s, false));
        let p1000 = &p[..2000];
        assert!(glob_match(p1000, &s[..1000], false));
        // Trailing star groups never nest.
        let mut p = b"a".to_vec();
        for _ in 0..2000 {
            p.extend_from_slice(b"*");
        }
        assert!(glob_match(&p, b"abc", false));
    }

    #[test]
    fn agrees_with_the_recursive_reference() {
        let alphabet: &[u8] = b"ab*?[]^-\\";
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..200_000 {
            let pl = (next() % 8) as usize;
            let sl = (next() % 7) as usize;
            let p: Vec<u8> = (0..pl)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let s: Vec<u8> = (0..sl).map(|_| b"ab-]\\"[(next() % 5) as usize]).collect();
            let nocase = next() % 4 == 0;
            assert_eq!(
                glob_match(&p, &s, nocase),
                reference(&p, &s, nocase),
                "{:?} vs {:?}",
                String::from_utf8_lossy(&p),
                String::from_utf8_lossy(&s)
            );
        }
    }

    #[test]
    fn literal_patterns() {
        assert!(is_literal(b"user:42"));
        assert!(is_literal(b""));
        assert!(!is_literal(b"user:*"));
        assert!(!is_literal(b"a\\b"));
        assert!(!is_literal(b"a[b"));
    }
}
