//! Sorted sets, in Redis's two encodings.
//!
//! - `listpack`: a `Vec` of (score, member) entries kept in order. Lookups by member
//!   are linear, as in Redis's listpack; it holds at most `zset-max-listpack-entries`
//!   elements of at most `zset-max-listpack-value` bytes.
//! - `skiplist`: an arena skiplist with spans plus a member index (see [`skiplist`]),
//!   giving O(1) member lookups and O(log N) inserts, removals, ranks and range starts.
//!
//! A set is converted to `skiplist` when an insert would cross either threshold, and never
//! back, except when a whole result is built at once (ZUNIONSTORE and friends), as Redis
//! does. The order is by score, then by member bytes; scores are never NaN.
//!
//! Range specifications (`ScoreRange`, `LexRange`) and the `strtod`-compatible number
//! parser used by the commands live here too, as `zslParseRange` lives in `t_zset.c`.

mod range;
mod skiplist;

pub use range::{LexItem, LexRange, ScoreRange, c_isspace, c_str, parse_c_double, parse_score};
use skiplist::{NIL, SkipList};

/// Encoding thresholds (`zset-max-listpack-entries`, `zset-max-listpack-value`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most elements a listpack may hold.
    pub max_entries: usize,
    /// Longest member a listpack may hold.
    pub max_value: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 128,
            max_value: 64,
        }
    }
}

/// The largest listpack Redis builds (`LISTPACK_MAX_SAFETY_SIZE`).
const LISTPACK_MAX_BYTES: usize = 1 << 30;
/// Bytes of bookkeeping per listpack element, for memory estimates.
const LP_OVERHEAD: usize = std::mem::size_of::<Entry>() + 8;

#[derive(Debug, Clone)]
struct Entry {
    score: f64,
    member: Box<[u8]>,
}

#[derive(Debug, Clone)]
enum Repr {
    Listpack(Vec<Entry>),
    Skiplist(Box<SkipList>),
}

/// A sorted set value.
#[derive(Debug, Clone)]
pub struct ZSet {
    repr: Repr,
    /// Sum of member lengths (for memory estimates and the listpack size limit).
    member_bytes: usize,
}

impl Default for ZSet {
    fn default() -> Self {
        ZSet::new()
    }
}

/// ZADD's input flags.
#[derive(Debug, Clone, Copy, Default)]
pub struct AddFlags {
    /// Only add new elements.
    pub nx: bool,
    /// Only update existing elements.
    pub xx: bool,
    /// Only update when the new score is greater.
    pub gt: bool,
    /// Only update when the new score is less.
    pub lt: bool,
    /// Add the score to the current one.
    pub incr: bool,
}

/// What [`ZSet::add`] did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AddOutcome {
    /// A new element, with this score.
    Added(f64),
    /// The score changed to this.
    Updated(f64),
    /// Processed, but the score was already this.
    Unchanged(f64),
    /// Skipped because of NX, XX, GT or LT.
    Skipped,
    /// The increment made the score NaN; nothing changed.
    NaN,
}

/// Position of an element: a listpack index or a skiplist slot.
#[derive(Debug, Clone, Copy)]
enum Pos {
    Lp(usize),
    Sl(u32),
}

/// Iterator over (member, score) pairs from some rank, forward or backward.
pub struct Iter<'a> {
    inner: IterInner<'a>,
}

enum IterInner<'a> {
    LpFwd(std::slice::Iter<'a, Entry>),
    LpRev(std::iter::Rev<std::slice::Iter<'a, Entry>>),
    Sl {
        sl: &'a SkipList,
        cur: u32,
        rev: bool,
    },
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], f64);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            IterInner::LpFwd(it) => it.next().map(|e| (&*e.member, e.score)),
            IterInner::LpRev(it) => it.next().map(|e| (&*e.member, e.score)),
            IterInner::Sl { sl, cur, rev } => {
                if *cur == NIL {
                    return None;
                }
                let x = *cur;
                *cur = if *rev { sl.prev(x) } else { sl.next(x) };
                Some(sl.node(x))
            }
        }
    }
}

/// A score as a listpack keeps it: integral scores are stored as integers there, so
/// `-0` comes back as `0` (a skiplist keeps the sign).
#[inline]
fn lp_score(s: f64) -> f64 {
    if s == 0.0 { 0.0 } else { s }
}

#[inline]
fn entry_lt(e: &Entry, score: f64, member: &[u8]) -> bool {
    e.score < score || (e.score == score && *e.member < *member)
}

impl ZSet {
    /// An empty listpack-encoded set.
    pub fn new() -> ZSet {
        ZSet {
            repr: Repr::Listpack(Vec::new()),
            member_bytes: 0,
        }
    }

    /// An empty set sized for about `size_hint` elements of up to `max_len` bytes: a
    /// listpack when they fit the limits, else a skiplist (Redis's `zsetTypeCreate`).
    pub fn with_hint(size_hint: usize, max_len: usize, lim: Limits) -> ZSet {
        if size_hint <= lim.max_entries && max_len <= lim.max_value {
            ZSet {
                repr: Repr::Listpack(Vec::with_capacity(size_hint.min(lim.max_entries))),
                member_bytes: 0,
            }
        } else {
            ZSet {
                repr: Repr::Skiplist(Box::new(SkipList::with_capacity(size_hint))),
                member_bytes: 0,
            }
        }
    }

    /// A set holding `entries`, which must be sorted by (score, member) without duplicate
    /// members. Encoded as a listpack when it fits the limits (Redis's
    /// `zsetConvertToListpackIfNeeded` on a freshly built result).
    pub fn from_sorted(entries: Vec<(Box<[u8]>, f64)>, lim: Limits) -> ZSet {
        let bytes: usize = entries.iter().map(|(m, _)| m.len()).sum();
        let max_len = entries.iter().map(|(m, _)| m.len()).max().unwrap_or(0);
        if entries.len() <= lim.max_entries
            && max_len <= lim.max_value
            && bytes < LISTPACK_MAX_BYTES
        {
            let v = entries
                .into_iter()
                .map(|(member, score)| Entry {
                    score: lp_score(score),
                    member,
                })
                .collect();
            return ZSet {
                repr: Repr::Listpack(v),
                member_bytes: bytes,
            };
        }
        let mut sl = SkipList::with_capacity(entries.len());
        // Inserting from the greatest element keeps every insertion at the head.
        for (m, s) in entries.into_iter().rev() {
            sl.insert(&m, s);
        }
        ZSet {
            repr: Repr::Skiplist(Box::new(sl)),
            member_bytes: bytes,
        }
    }

    /// Number of elements.
    #[inline]
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Listpack(v) => v.len(),
            Repr::Skiplist(s) => s.len(),
        }
    }

    /// Whether the set is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the set is listpack-encoded.
    #[inline]
    pub fn is_listpack(&self) -> bool {
        matches!(self.repr, Repr::Listpack(_))
    }

    /// The name `OBJECT ENCODING` reports.
    pub fn encoding(&self) -> &'static str {
        match self.repr {
            Repr::Listpack(_) => "listpack",
            Repr::Skiplist(_) => "skiplist",
        }
    }

    /// Approximate memory use in bytes (O(1)).
    pub fn mem_usage(&self) -> usize {
        match &self.repr {
            Repr::Listpack(v) => 32 + v.capacity() * LP_OVERHEAD + self.member_bytes,
            Repr::Skiplist(s) => 320 + s.len() * skiplist::NODE_OVERHEAD + self.member_bytes,
        }
    }

    // -----------------------------------------------------------------------------------
    // Lookups
    // -----------------------------------------------------------------------------------

    #[inline]
    fn find(&self, member: &[u8]) -> Option<Pos> {
        match &self.repr {
            Repr::Listpack(v) => v.iter().position(|e| *e.member == *member).map(Pos::Lp),
            Repr::Skiplist(s) => s.find(member).map(Pos::Sl),
        }
    }

    /// The score of `member`.
    #[inline]
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match &self.repr {
            Repr::Listpack(v) => v.iter().find(|e| *e.member == *member).map(|e| e.score),
            Repr::Skiplist(s) => s.find(member).map(|x| s.node(x).1),
        }
    }

    /// The 0-based rank (ascending) and score of `member`.
    pub fn rank(&self, member: &[u8]) -> Option<(usize, f64)> {
        match self.find(member)? {
            Pos::Lp(i) => match &self.repr {
                Repr::Listpack(v) => Some((i, v[i].score)),
                Repr::Skiplist(_) => None,
            },
            Pos::Sl(x) => match &self.repr {
                Repr::Skiplist(s) => Some((s.rank_of(x), s.node(x).1)),
                Repr::Listpack(_) => None,
            },
        }
    }

    /// The element at 0-based rank `r`.
    pub fn get(&self, r: usize) -> Option<(&[u8], f64)> {
        match &self.repr {
            Repr::Listpack(v) => v.get(r).map(|e| (&*e.member, e.score)),
            Repr::Skiplist(s) => s.by_rank(r).map(|x| s.node(x)),
        }
    }

    /// All elements in ascending order.
    pub fn iter(&self) -> Iter<'_> {
        self.iter_at(0, false)
    }

    /// Elements from 0-based rank `r` on: ascending, or descending when `rev` (then `r`
    /// is the rank of the first element returned, counted from the lowest).
    pub fn iter_at(&self, r: usize, rev: bool) -> Iter<'_> {
        let inner = match &self.repr {
            Repr::Listpack(v) => {
                let r = r.min(v.len());
                if rev {
                    let end = if r < v.len() { r + 1 } else { 0 };
                    IterInner::LpRev(v[..end].iter().rev())
                } else {
                    IterInner::LpFwd(v[r..].iter())
                }
            }
            Repr::Skiplist(s) => {
                let cur = if r == 0 && !rev {
                    s.first()
                } else if rev && r + 1 == s.len() {
                    s.last()
                } else {
                    s.by_rank(r).unwrap_or(NIL)
                };
                IterInner::Sl { sl: s, cur, rev }
            }
        };
        Iter { inner }
    }

    /// Number of leading elements whose score is below `bound` (or at most `bound` when
    /// `inclusive`).
    pub fn count_score_below(&self, bound: f64, inclusive: bool) -> usize {
        let below = |s: f64| if inclusive { s <= bound } else { s < bound };
        match &self.repr {
            Repr::Listpack(v) => v.partition_point(|e| below(e.score)),
            Repr::Skiplist(s) => s.count_while(|_, sc| below(sc)).0,
        }
    }

    /// The ranks of the first and last elements in `range`, if any.
    pub fn score_range(&self, range: &ScoreRange) -> Option<(usize, usize)> {
        if range.is_empty() {
            return None;
        }
        let first = self.count_score_below(range.min, range.minex);
        let end = self.count_score_below(range.max, !range.maxex);
        (first < end).then(|| (first, end - 1))
    }

    /// Whether the first and last elements leave room for something in `range`
    /// (`zslIsInLexRange`).
    fn lex_may_overlap(&self, range: &LexRange) -> bool {
        if range.is_empty() {
            return false;
        }
        let n = self.len();
        match (self.get(n.wrapping_sub(1)), self.get(0)) {
            (Some((last, _)), Some((first, _))) => range.gte_min(last) && range.lte_max(first),
            _ => false,
        }
    }

    /// The rank of the first element in `range` (Redis's `z*FirstInLexRange`: on a
    /// listpack, the first element from the start that is at least `min`; on a
    /// skiplist, the same found by descent), if it is also at most `max`.
    pub fn lex_first(&self, range: &LexRange) -> Option<usize> {
        if !self.lex_may_overlap(range) {
            return None;
        }
        let (r, m) = match &self.repr {
            Repr::Listpack(v) => {
                let r = v.iter().position(|e| range.gte_min(&e.member))?;
                (r, &*v[r].member)
            }
            Repr::Skiplist(s) => {
                let (r, x) = s.count_while(|m, _| !range.gte_min(m));
                if x == NIL {
                    return None;
                }
                (r, s.node(x).0)
            }
        };
        range.lte_max(m).then_some(r)
    }

    /// The rank of the last element in `range` (`z*LastInLexRange`), if any.
    pub fn lex_last(&self, range: &LexRange) -> Option<usize> {
        if !self.lex_may_overlap(range) {
            return None;
        }
        let (r, m) = match &self.repr {
            Repr::Listpack(v) => {
                let r = v.iter().rposition(|e| range.lte_max(&e.member))?;
                (r, &*v[r].member)
            }
            Repr::Skiplist(s) => {
                let (n, _) = s.count_while(|m, _| range.lte_max(m));
                let r = n.checked_sub(1)?;
                (r, s.node(s.by_rank(r)?).0)
            }
        };
        range.gte_min(m).then_some(r)
    }

    /// Number of elements in `range` (ZLEXCOUNT): on a listpack, counted forward from
    /// the first while at most `max`; on a skiplist, from the ranks of the first and
    /// last, as Redis does.
    pub fn lex_count(&self, range: &LexRange) -> usize {
        let Some(first) = self.lex_first(range) else {
            return 0;
        };
        if self.is_listpack() {
            return self
                .iter_at(first, false)
                .take_while(|(m, _)| range.lte_max(m))
                .count();
        }
        match self.lex_last(range) {
            Some(last) => (last + 1).saturating_sub(first),
            None => self.len() - first,
        }
    }

    // -----------------------------------------------------------------------------------
    // Updates
    // -----------------------------------------------------------------------------------

    /// Convert to the skiplist encoding (no-op if already).
    pub fn convert_to_skiplist(&mut self) {
        if let Repr::Listpack(v) = &mut self.repr {
            let v = std::mem::take(v);
            let mut sl = SkipList::with_capacity(v.len() + 1);
            for e in v.into_iter().rev() {
                sl.insert(&e.member, e.score);
            }
            self.repr = Repr::Skiplist(Box::new(sl));
        }
    }

    /// Convert to a skiplist ahead of adding about `size_hint` elements when they cannot
    /// fit a listpack (Redis 7.2's `zsetTypeMaybeConvert`).
    pub fn reserve_for(&mut self, size_hint: usize, lim: Limits) {
        if self.is_listpack() && size_hint > lim.max_entries {
            self.convert_to_skiplist();
        }
    }

    /// Insert `member`, known to be absent, converting the encoding when a listpack
    /// limit would be crossed.
    pub fn insert_new(&mut self, member: &[u8], score: f64, lim: Limits) {
        if let Repr::Listpack(v) = &self.repr {
            if v.len() >= lim.max_entries
                || member.len() > lim.max_value
                || self.member_bytes + member.len() >= LISTPACK_MAX_BYTES
            {
                self.convert_to_skiplist();
            }
        }
        self.member_bytes += member.len();
        match &mut self.repr {
            Repr::Listpack(v) => {
                let score = lp_score(score);
                let at = v.partition_point(|e| entry_lt(e, score, member));
                v.insert(
                    at,
                    Entry {
                        score,
                        member: member.into(),
                    },
                );
            }
            Repr::Skiplist(s) => {
                s.insert(member, score);
            }
        }
    }

    /// Move the element at `pos` to `score`.
    fn set_score_at(&mut self, pos: Pos, score: f64) {
        match (&mut self.repr, pos) {
            (Repr::Listpack(v), Pos::Lp(i)) => {
                let score = lp_score(score);
                let mut e = v.remove(i);
                e.score = score;
                let at = v.partition_point(|x| entry_lt(x, score, &e.member));
                v.insert(at, e);
            }
            (Repr::Skiplist(s), Pos::Sl(x)) => s.update_score(x, score),
            _ => {}
        }
    }

    #[inline]
    fn score_at(&self, pos: Pos) -> f64 {
        match (&self.repr, pos) {
            (Repr::Listpack(v), Pos::Lp(i)) => v[i].score,
            (Repr::Skiplist(s), Pos::Sl(x)) => s.node(x).1,
            _ => f64::NAN,
        }
    }

    /// Add or update `member` as ZADD does (Redis's `zsetAdd`). `score` must not be NaN.
    pub fn add(&mut self, member: &[u8], score: f64, f: AddFlags, lim: Limits) -> AddOutcome {
        if score.is_nan() {
            return AddOutcome::NaN;
        }
        match self.find(member) {
            Some(pos) => {
                if f.nx {
                    return AddOutcome::Skipped;
                }
                let cur = self.score_at(pos);
                let mut new = score;
                if f.incr {
                    new += cur;
                    if new.is_nan() {
                        return AddOutcome::NaN;
                    }
                }
                if (f.lt && new >= cur) || (f.gt && new <= cur) {
                    return AddOutcome::Skipped;
                }
                if new != cur {
                    self.set_score_at(pos, new);
                    AddOutcome::Updated(new)
                } else {
                    AddOutcome::Unchanged(new)
                }
            }
            None if !f.xx => {
                self.insert_new(member, score, lim);
                AddOutcome::Added(score)
            }
            None => AddOutcome::Skipped,
        }
    }

    /// Remove `member`; true if it was present.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        let removed = match &mut self.repr {
            Repr::Listpack(v) => match v.iter().position(|e| *e.member == *member) {
                Some(i) => {
                    v.remove(i);
                    true
                }
                None => false,
            },
            Repr::Skiplist(s) => s.remove(member).is_some(),
        };
        if removed {
            self.member_bytes -= member.len();
        }
        removed
    }

    /// Remove the elements at 0-based ranks `start..=end` (clamped); returns how many.
    pub fn remove_ranks(&mut self, start: usize, end: usize) -> usize {
        let n = self.len();
        if start >= n || start > end {
            return 0;
        }
        let end = end.min(n - 1);
        match &mut self.repr {
            Repr::Listpack(v) => {
                let gone: usize = v[start..=end].iter().map(|e| e.member.len()).sum();
                v.drain(start..=end);
                self.member_bytes -= gone;
                end - start + 1
            }
            Repr::Skiplist(s) => {
                let gone: usize = {
                    let mut x = s.by_rank(start).unwrap_or(NIL);
                    let mut sum = 0;
                    for _ in start..=end {
                        if x == NIL {
                            break;
                        }
                        sum += s.node(x).0.len();
                        x = s.next(x);
                    }
                    sum
                };
                self.member_bytes -= gone;
                s.remove_rank_range(start, end)
            }
        }
    }

    /// Remove and return the lowest (or highest, when `max`) element.
    pub fn pop(&mut self, max: bool) -> Option<(Box<[u8]>, f64)> {
        let (m, s) = match &mut self.repr {
            Repr::Listpack(v) => {
                if v.is_empty() {
                    return None;
                }
                let e = if max { v.pop()? } else { v.remove(0) };
                (e.member, e.score)
            }
            Repr::Skiplist(s) => {
                let x = if max { s.last() } else { s.first() };
                if x == NIL {
                    return None;
                }
                s.remove_slot(x)
            }
        };
        self.member_bytes -= m.len();
        Some((m, s))
    }

    /// Visit elements for ZSCAN: a listpack is visited whole (cursor 0 returned), a
    /// skiplist `count` elements at a time from `cursor`; returns the next cursor.
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&[u8], f64)) -> u64 {
        match &self.repr {
            Repr::Listpack(v) => {
                for e in v {
                    f(&e.member, e.score);
                }
                0
            }
            Repr::Skiplist(s) => s.scan(cursor, count, f),
        }
    }

    /// Check the internal invariants (for tests; O(N log N)).
    pub fn check(&self) -> Result<(), String> {
        let bytes: usize = self.iter().map(|(m, _)| m.len()).sum();
        if bytes != self.member_bytes {
            return Err(format!("member_bytes {} vs {bytes}", self.member_bytes));
        }
        match &self.repr {
            Repr::Listpack(v) => {
                for w in v.windows(2) {
                    if !entry_lt(&w[0], w[1].score, &w[1].member) {
                        return Err("listpack order violated".into());
                    }
                }
                Ok(())
            }
            Repr::Skiplist(s) => s.check(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lim() -> Limits {
        Limits::default()
    }

    #[test]
    fn strtod_forms() {
        assert_eq!(parse_score(b"1.5"), Some(1.5));
        assert_eq!(parse_score(b"0x10"), Some(16.0));
        assert_eq!(parse_score(b"0x1p-2"), Some(0.25));
        assert_eq!(parse_score(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_score(b"+Infinity"), Some(f64::INFINITY));
        assert_eq!(parse_score(b"1e400"), None);
        assert_eq!(parse_score(b"1e-400"), None);
        assert!(parse_score(b"1e-310").is_some());
        assert_eq!(parse_score(b"nan"), None);
        assert_eq!(parse_score(b" 1"), None);
        assert_eq!(parse_score(b"1 "), None);
        assert_eq!(parse_score(b""), None);
        assert_eq!(parse_score(b"1e"), None);
        assert_eq!(parse_score(b"."), None);
        assert_eq!(parse_score(b".5"), Some(0.5));
        assert_eq!(parse_score(b"5."), Some(5.0));
        assert_eq!(parse_score(b"1\x002"), None);
    }

    #[test]
    fn score_range_parse() {
        let r = ScoreRange::parse(b"(1", b"+inf").expect("ok");
        assert!(r.minex && !r.maxex && r.min == 1.0 && r.max == f64::INFINITY);
        let r = ScoreRange::parse(b"", b" 5").expect("ok");
        assert_eq!((r.min, r.max), (0.0, 5.0));
        assert_eq!(
            ScoreRange::parse(b"(", b"1e400").expect("ok").max,
            f64::INFINITY
        );
        assert!(ScoreRange::parse(b"1 ", b"2").is_none());
        assert!(ScoreRange::parse(b"nan", b"2").is_none());
        assert!(ScoreRange::parse(b"1\0x", b"2").is_some());
    }

    #[test]
    fn lex_range_parse() {
        assert!(LexRange::parse(b"-", b"+").is_some());
        assert!(LexRange::parse(b"a", b"+").is_none());
        assert!(LexRange::parse(b"", b"+").is_none());
        assert!(LexRange::parse(b"-x", b"+").is_none());
        let r = LexRange::parse(b"[b", b"(d").expect("ok");
        assert!(r.gte_min(b"b") && r.lte_max(b"c") && !r.lte_max(b"d"));
        assert!(LexRange::parse(b"-", b"-").expect("ok").is_empty());
        assert!(LexRange::parse(b"+", b"[a").expect("ok").is_empty());
        assert!(!LexRange::parse(b"[a", b"[a").expect("ok").is_empty());
        assert!(LexRange::parse(b"(a", b"[a").expect("ok").is_empty());
    }

    #[test]
    fn add_update_remove_both_encodings() {
        for entries in [128usize, 0] {
            let l = Limits {
                max_entries: entries,
                max_value: 64,
            };
            let mut z = ZSet::with_hint(0, 0, l);
            for i in 0..300u32 {
                let m = format!("m{}", i % 97);
                let out = z.add(m.as_bytes(), (i % 13) as f64, AddFlags::default(), l);
                assert_ne!(out, AddOutcome::NaN);
                z.check().expect("ok");
            }
            assert_eq!(z.len(), 97);
            let (r, s) = z.rank(b"m5").expect("ok");
            assert_eq!(z.get(r).expect("ok"), (&b"m5"[..], s));
            assert!(z.remove(b"m5"));
            assert!(!z.remove(b"m5"));
            assert_eq!(z.len(), 96);
            z.check().expect("ok");
        }
    }

    #[test]
    fn conversion_on_limits() {
        let mut z = ZSet::new();
        for i in 0..128 {
            z.insert_new(format!("{i:03}").as_bytes(), i as f64, lim());
        }
        assert_eq!(z.encoding(), "listpack");
        z.insert_new(b"x", 0.5, lim());
        assert_eq!(z.encoding(), "skiplist");
        assert_eq!(z.get(1).expect("ok").0, b"x");
        z.check().expect("ok");
        let mut z = ZSet::new();
        z.insert_new(&[b'a'; 65], 1.0, lim());
        assert_eq!(z.encoding(), "skiplist");
    }

    #[test]
    fn incr_nan_and_flags() {
        let mut z = ZSet::new();
        z.add(b"a", f64::INFINITY, AddFlags::default(), lim());
        let incr = AddFlags {
            incr: true,
            ..Default::default()
        };
        assert_eq!(z.add(b"a", f64::NEG_INFINITY, incr, lim()), AddOutcome::NaN);
        let gt = AddFlags {
            gt: true,
            ..Default::default()
        };
        assert_eq!(z.add(b"a", 1.0, gt, lim()), AddOutcome::Skipped);
        assert_eq!(z.add(b"b", 1.0, gt, lim()), AddOutcome::Added(1.0));
    }

    #[test]
    fn pops_and_rank_ranges() {
        let l = Limits {
            max_entries: 4,
            max_value: 64,
        };
        let mut z = ZSet::new();
        for i in 0..10 {
            z.insert_new(format!("m{i}").as_bytes(), i as f64, l);
        }
        assert_eq!(z.encoding(), "skiplist");
        assert_eq!(z.pop(false).expect("ok").1, 0.0);
        assert_eq!(z.pop(true).expect("ok").1, 9.0);
        assert_eq!(z.remove_ranks(1, 3), 3);
        let rest: Vec<f64> = z.iter().map(|(_, s)| s).collect();
        assert_eq!(rest, vec![1.0, 5.0, 6.0, 7.0, 8.0]);
        let back: Vec<f64> = z.iter_at(3, true).map(|(_, s)| s).collect();
        assert_eq!(back, vec![7.0, 6.0, 5.0, 1.0]);
        z.check().expect("ok");
    }
}
