//! Sets, in Redis 7.2's three encodings.
//!
//! * **intset** — every member is an integer (in Redis's strict `string2ll` sense: no
//!   sign but `-`, no leading zeros, no spaces) and there are at most
//!   `set-max-intset-entries` of them: a sorted `Vec<i64>`. Iteration is ascending, as in
//!   Redis, so `SMEMBERS` of an intset is deterministic.
//! * **listpack** — small sets (at most `set-max-listpack-entries` members, each at most
//!   `set-max-listpack-value` bytes): the members packed back to back in one buffer
//!   (a varint length, then the bytes), in insertion order. Lookups are linear, as
//!   Redis's.
//! * **hashtable** — anything bigger: a slab of boxed members plus a hash index of slot
//!   numbers. A removed member leaves a hole that later inserts reuse, so members never
//!   move, which gives `SSCAN` a slot-number cursor with Redis's guarantee (every member
//!   present for the whole iteration is returned) and O(1) random members for `SPOP` and
//!   `SRANDMEMBER`. When fewer than a quarter of the slots are occupied the slab is
//!   compacted in order; cursors carry an epoch in their upper 16 bits and a cursor
//!   from before the last compaction is mapped onto the new layout, so the guarantee
//!   survives it.
//!
//! Conversions follow Redis's `setTypeAddAux`/`setTypeMaybeConvert`: intset → listpack
//! (when a non-integer arrives and the result is small) or → hashtable, listpack →
//! hashtable; never back, except where Redis rebuilds a set (`SINTERSTORE`, `SPOP`).
//!
//! Readers outside this module use [`Set::iter`] (members as [`Member`]s: an integer or
//! a byte string), [`Set::iter_bytes`], [`Set::len`] and [`Set::contains`].

mod packed;
mod table;
#[cfg(test)]
mod tests;

use packed::{Packed, PackedIter, entry_at};
use table::Table;

use crate::persist::rdb::fmt_i64;
use crate::rng::Rng;
use crate::types::string::parse_i64;

/// Encoding thresholds (`set-max-intset-entries`, `set-max-listpack-entries`,
/// `set-max-listpack-value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetLimits {
    /// Most members an intset holds.
    pub intset_entries: usize,
    /// Most members a listpack holds.
    pub listpack_entries: usize,
    /// Longest member (bytes) a listpack holds.
    pub listpack_value: usize,
}

impl Default for SetLimits {
    fn default() -> Self {
        SetLimits {
            intset_entries: 512,
            listpack_entries: 128,
            listpack_value: 64,
        }
    }
}

impl SetLimits {
    /// The limits from configuration values (`get(name)` gives a canonical value).
    pub fn parse<'a>(get: impl Fn(&str) -> &'a str) -> SetLimits {
        let n = |k: &str, d: usize| {
            get(k)
                .parse::<u64>()
                .map_or(d, |v| usize::try_from(v).unwrap_or(usize::MAX))
        };
        SetLimits {
            intset_entries: n("set-max-intset-entries", 512),
            listpack_entries: n("set-max-listpack-entries", 128),
            listpack_value: n("set-max-listpack-value", 64),
        }
    }

    /// Redis caps intsets at 2^30 entries whatever the configuration says.
    fn intset_max(&self) -> usize {
        self.intset_entries.min(1 << 30)
    }
}

/// Redis's listpack safety limit (`LISTPACK_MAX_SAFETY_SIZE`).
const LISTPACK_MAX_SAFETY_SIZE: usize = 1 << 30;

// ---------------------------------------------------------------------------------------
// Members
// ---------------------------------------------------------------------------------------

/// One member as stored: an integer (intset) or bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Member<'a> {
    /// An intset member.
    Int(i64),
    /// A listpack or hashtable member.
    Str(&'a [u8]),
}

impl<'a> Member<'a> {
    /// The member's bytes (an integer in decimal), as a value that derefs to `[u8]`.
    #[inline]
    pub fn bytes(self) -> MemberBytes<'a> {
        match self {
            Member::Str(s) => MemberBytes {
                s,
                buf: [0; 20],
                n: u8::MAX,
            },
            Member::Int(v) => {
                let mut buf = [0u8; 20];
                let n = fmt_i64(v, &mut buf).len();
                MemberBytes {
                    s: &[],
                    buf,
                    n: n as u8,
                }
            }
        }
    }

    /// The member's bytes, owned.
    pub fn to_vec(self) -> Vec<u8> {
        self.bytes().to_vec()
    }

    /// The member as an integer when it is one (string2ll-valid).
    #[inline]
    pub fn as_int(self) -> Option<i64> {
        match self {
            Member::Int(v) => Some(v),
            Member::Str(s) => parse_i64(s),
        }
    }
}

/// A member's bytes; integers are formatted into an inline buffer.
#[derive(Debug, Clone, Copy)]
pub struct MemberBytes<'a> {
    s: &'a [u8],
    buf: [u8; 20],
    n: u8,
}

impl std::ops::Deref for MemberBytes<'_> {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        if self.n == u8::MAX {
            self.s
        } else {
            &self.buf[self.buf.len() - self.n as usize..]
        }
    }
}

/// Number of characters of `v` in decimal, sign included (Redis's `sdigits10`).
fn sdigits10(v: i64) -> usize {
    let mut buf = [0u8; 20];
    fmt_i64(v, &mut buf).len()
}

// ---------------------------------------------------------------------------------------
// Set
// ---------------------------------------------------------------------------------------

/// `k` distinct positions out of `0..n`, ascending, uniformly at random (Knuth's
/// selection sampling, as Redis's `lpNextRandom`).
pub fn sample_positions(n: usize, k: usize, rng: &mut Rng) -> Vec<usize> {
    let mut need = k.min(n);
    let mut out = Vec::with_capacity(need);
    for i in 0..n {
        if need == 0 {
            break;
        }
        if rng.below((n - i) as u64) < need as u64 {
            out.push(i);
            need -= 1;
        }
    }
    out
}

#[derive(Debug, Clone)]
enum Repr {
    Intset(Vec<i64>),
    Listpack(Packed),
    Hashtable(Box<Table>),
}

/// A set value. See the module docs.
#[derive(Debug, Clone)]
pub struct Set {
    repr: Repr,
}

impl Default for Set {
    /// An empty intset (what Redis starts union/diff results with).
    fn default() -> Self {
        Set {
            repr: Repr::Intset(Vec::new()),
        }
    }
}

/// Iterator over a set's members (see [`Set::iter`]).
pub struct Iter<'a>(IterRepr<'a>);

enum IterRepr<'a> {
    Int(std::slice::Iter<'a, i64>),
    Lp(PackedIter<'a>),
    Ht(std::slice::Iter<'a, Option<Box<[u8]>>>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = Member<'a>;
    #[inline]
    fn next(&mut self) -> Option<Member<'a>> {
        match &mut self.0 {
            IterRepr::Int(it) => it.next().map(|&v| Member::Int(v)),
            IterRepr::Lp(it) => it.next().map(Member::Str),
            IterRepr::Ht(it) => it.find_map(|s| s.as_deref()).map(Member::Str),
        }
    }
}

impl Set {
    /// An empty intset.
    pub fn new() -> Set {
        Set::default()
    }

    /// An empty listpack-encoded set.
    pub fn new_listpack() -> Set {
        Set {
            repr: Repr::Listpack(Packed::default()),
        }
    }

    /// An empty hashtable-encoded set sized for `n` members.
    pub fn new_hashtable(n: usize) -> Set {
        Set {
            repr: Repr::Hashtable(Box::new(Table::with_capacity(n))),
        }
    }

    /// Redis's `setTypeCreate`: an empty set able to hold `first`, chosen for about
    /// `size_hint` members.
    pub fn create(first: &[u8], size_hint: usize, lim: &SetLimits) -> Set {
        if size_hint <= lim.intset_entries && parse_i64(first).is_some() {
            Set::new()
        } else if size_hint <= lim.listpack_entries {
            Set::new_listpack()
        } else {
            Set::new_hashtable(size_hint)
        }
    }

    /// A set of `members` (duplicates ignored), encoded as Redis would after adding
    /// them one by one to a set created for them.
    pub fn from_members<'m>(members: impl IntoIterator<Item = &'m [u8]>, lim: &SetLimits) -> Set {
        let mut it = members.into_iter().peekable();
        let (lo, _) = it.size_hint();
        let Some(&first) = it.peek() else {
            return Set::new();
        };
        let mut s = Set::create(first, lo.max(1), lim);
        for m in it {
            s.add(m, lim);
        }
        s
    }

    /// The name `OBJECT ENCODING` reports.
    pub fn encoding(&self) -> &'static str {
        match self.repr {
            Repr::Intset(_) => "intset",
            Repr::Listpack(_) => "listpack",
            Repr::Hashtable(_) => "hashtable",
        }
    }

    /// Approximate memory use in bytes (O(1)).
    pub fn mem_usage(&self) -> usize {
        match &self.repr {
            Repr::Intset(v) => 24 + v.len() * 8,
            Repr::Listpack(p) => 32 + p.buf.len(),
            Repr::Hashtable(t) => t.mem(),
        }
    }

    /// Number of members.
    #[inline]
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Intset(v) => v.len(),
            Repr::Listpack(p) => p.len,
            Repr::Hashtable(t) => t.len,
        }
    }

    /// Whether the set has no members.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether this is an intset.
    pub fn is_intset(&self) -> bool {
        matches!(self.repr, Repr::Intset(_))
    }

    /// Whether this is a listpack.
    pub fn is_listpack(&self) -> bool {
        matches!(self.repr, Repr::Listpack(_))
    }

    /// The members, in the encoding's order (ascending for intsets, insertion order for
    /// listpacks, slot order for hashtables).
    pub fn iter(&self) -> Iter<'_> {
        Iter(match &self.repr {
            Repr::Intset(v) => IterRepr::Int(v.iter()),
            Repr::Listpack(p) => IterRepr::Lp(p.iter()),
            Repr::Hashtable(t) => IterRepr::Ht(t.slots.iter()),
        })
    }

    /// The members as byte strings.
    pub fn iter_bytes(&self) -> impl Iterator<Item = MemberBytes<'_>> {
        self.iter().map(Member::bytes)
    }

    /// Whether `m` is a member.
    #[inline]
    pub fn contains(&self, m: &[u8]) -> bool {
        match &self.repr {
            Repr::Intset(v) => parse_i64(m).is_some_and(|i| v.binary_search(&i).is_ok()),
            Repr::Listpack(p) => p.find(m).is_some(),
            Repr::Hashtable(t) => t.contains(m),
        }
    }

    /// Whether `m` (from another set) is a member; integers skip formatting for intsets.
    #[inline]
    pub fn contains_member(&self, m: Member<'_>) -> bool {
        match (&self.repr, m) {
            (Repr::Intset(v), Member::Int(i)) => v.binary_search(&i).is_ok(),
            (_, m) => self.contains(&m.bytes()),
        }
    }

    /// Redis's `setTypeMaybeConvert`: go to a hashtable now when about `size_hint`
    /// members are coming that would not fit the current encoding.
    pub fn maybe_convert(&mut self, size_hint: usize, lim: &SetLimits) {
        let convert = match &self.repr {
            Repr::Listpack(_) => size_hint > lim.listpack_entries,
            Repr::Intset(_) => size_hint > lim.intset_entries,
            Repr::Hashtable(_) => false,
        };
        if convert {
            self.convert_to_hashtable(size_hint);
        }
    }

    /// Convert to a hashtable presized for `cap` members.
    fn convert_to_hashtable(&mut self, cap: usize) {
        let mut t = Table::with_capacity(cap.max(self.len()));
        for m in self.iter() {
            t.insert(&m.bytes());
        }
        self.repr = Repr::Hashtable(Box::new(t));
    }

    /// Add `m`; true if it was not a member (Redis's `setTypeAdd`).
    pub fn add(&mut self, m: &[u8], lim: &SetLimits) -> bool {
        match &mut self.repr {
            Repr::Hashtable(t) => t.insert(m),
            Repr::Listpack(p) => {
                if p.find(m).is_some() {
                    return false;
                }
                if p.len < lim.listpack_entries
                    && m.len() <= lim.listpack_value
                    && p.buf.len() + m.len() < LISTPACK_MAX_SAFETY_SIZE
                {
                    p.push(m);
                } else {
                    let n = p.len + 1;
                    self.convert_to_hashtable(n);
                    if let Repr::Hashtable(t) = &mut self.repr {
                        t.insert(m);
                    }
                }
                true
            }
            Repr::Intset(v) => {
                if let Some(i) = parse_i64(m) {
                    return self.add_int(i, lim);
                }
                // A non-integer: a listpack if everything fits, else a hashtable.
                let n = v.len();
                let (maxelelen, totsize) = match (v.first(), v.last()) {
                    (Some(&lo), Some(&hi)) => {
                        let l = sdigits10(lo).max(sdigits10(hi));
                        (l, (l + 2) * n)
                    }
                    _ => (0, 0),
                };
                if n < lim.listpack_entries
                    && m.len() <= lim.listpack_value
                    && maxelelen <= lim.listpack_value
                    && totsize + m.len() < LISTPACK_MAX_SAFETY_SIZE
                {
                    let mut p = Packed {
                        buf: Vec::with_capacity(totsize + m.len() + 2),
                        len: 0,
                    };
                    let mut buf = [0u8; 20];
                    for &i in v.iter() {
                        p.push(fmt_i64(i, &mut buf));
                    }
                    p.push(m);
                    self.repr = Repr::Listpack(p);
                } else {
                    self.convert_to_hashtable(n + 1);
                    if let Repr::Hashtable(t) = &mut self.repr {
                        t.insert(m);
                    }
                }
                true
            }
        }
    }

    /// Add the integer `i`; true if it was not a member.
    pub fn add_int(&mut self, i: i64, lim: &SetLimits) -> bool {
        match &mut self.repr {
            Repr::Intset(v) => match v.binary_search(&i) {
                Ok(_) => false,
                Err(pos) => {
                    v.insert(pos, i);
                    if v.len() > lim.intset_max() {
                        let n = v.len();
                        self.convert_to_hashtable(n);
                    }
                    true
                }
            },
            _ => {
                let mut buf = [0u8; 20];
                let digits = fmt_i64(i, &mut buf);
                self.add(digits, lim)
            }
        }
    }

    /// Add a member taken from another set.
    #[inline]
    pub fn add_member(&mut self, m: Member<'_>, lim: &SetLimits) -> bool {
        match m {
            Member::Int(i) => self.add_int(i, lim),
            Member::Str(s) => self.add(s, lim),
        }
    }

    /// Remove `m`; true if it was a member.
    pub fn remove(&mut self, m: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Intset(v) => match parse_i64(m).map(|i| v.binary_search(&i)) {
                Some(Ok(pos)) => {
                    v.remove(pos);
                    true
                }
                _ => false,
            },
            Repr::Listpack(p) => match p.find(m) {
                Some(r) => {
                    p.remove_range(r);
                    true
                }
                None => false,
            },
            Repr::Hashtable(t) => t.remove(m),
        }
    }

    /// Remove a member taken from another set.
    pub fn remove_member(&mut self, m: Member<'_>) -> bool {
        match (&mut self.repr, m) {
            (Repr::Intset(v), Member::Int(i)) => match v.binary_search(&i) {
                Ok(pos) => {
                    v.remove(pos);
                    true
                }
                Err(_) => false,
            },
            (_, m) => self.remove(&m.bytes()),
        }
    }

    /// A uniformly random member (None when empty).
    pub fn random(&self, rng: &mut Rng) -> Option<Member<'_>> {
        match &self.repr {
            Repr::Intset(v) => v
                .get(rng.below(v.len() as u64) as usize)
                .map(|&i| Member::Int(i)),
            Repr::Listpack(p) => {
                if p.len == 0 {
                    return None;
                }
                p.iter()
                    .nth(rng.below(p.len as u64) as usize)
                    .map(Member::Str)
            }
            Repr::Hashtable(t) => t
                .random_slot(rng)
                .and_then(|s| t.get_slot(s))
                .map(Member::Str),
        }
    }

    /// Remove and return a uniformly random member (None when empty).
    pub fn pop_random(&mut self, rng: &mut Rng) -> Option<Vec<u8>> {
        match &mut self.repr {
            Repr::Intset(v) => {
                if v.is_empty() {
                    return None;
                }
                let i = rng.below(v.len() as u64) as usize;
                Some(Member::Int(v.remove(i)).to_vec())
            }
            Repr::Listpack(p) => {
                if p.len == 0 {
                    return None;
                }
                let k = rng.below(p.len as u64) as usize;
                let mut pos = 0;
                for _ in 0..k {
                    pos = entry_at(&p.buf, pos)?.1;
                }
                let (s, e) = entry_at(&p.buf, pos)?;
                let m = p.buf.get(s..e)?.to_vec();
                p.remove_range((pos, e));
                Some(m)
            }
            Repr::Hashtable(t) => {
                let s = t.random_slot(rng)?;
                t.remove_slot(s).map(Vec::from)
            }
        }
    }

    /// `k` distinct members picked at random, in the set's order (Redis's listpack
    /// sampling); at most `len` of them.
    pub fn sample_in_order(&self, k: usize, rng: &mut Rng) -> Vec<Member<'_>> {
        let pos = sample_positions(self.len(), k, rng);
        let mut out = Vec::with_capacity(pos.len());
        let mut want = pos.iter().peekable();
        for (i, m) in self.iter().enumerate() {
            match want.peek() {
                Some(&&p) if p == i => {
                    out.push(m);
                    want.next();
                }
                Some(_) => {}
                None => break,
            }
        }
        out
    }

    /// Members by position for repeated random access: a vector of every member.
    pub fn members_vec(&self) -> Vec<Member<'_>> {
        self.iter().collect()
    }

    /// For listpacks, member `i` in O(1) given the entry offsets; a helper for
    /// sampling with replacement.
    fn listpack_member(&self, offsets: &[usize], i: usize) -> Option<Member<'_>> {
        let Repr::Listpack(p) = &self.repr else {
            return None;
        };
        let pos = *offsets.get(i)?;
        let (s, e) = entry_at(&p.buf, pos)?;
        p.buf.get(s..e).map(Member::Str)
    }

    /// `count` members drawn with replacement (SRANDMEMBER with a negative count).
    pub fn random_with_replacement(
        &self,
        count: usize,
        rng: &mut Rng,
        mut f: impl FnMut(Member<'_>),
    ) {
        let n = self.len();
        if n == 0 {
            return;
        }
        match &self.repr {
            Repr::Listpack(p) => {
                let offsets = p.offsets();
                for _ in 0..count {
                    let i = rng.below(n as u64) as usize;
                    if let Some(m) = self.listpack_member(&offsets, i) {
                        f(m);
                    }
                }
            }
            _ => {
                for _ in 0..count {
                    if let Some(m) = self.random(rng) {
                        f(m);
                    }
                }
            }
        }
    }

    /// `count` distinct random members (count < len), in no particular order, for
    /// intsets and hashtables (Redis's SRANDMEMBER cases 3 and 4).
    pub fn random_distinct(&self, count: usize, rng: &mut Rng) -> Vec<Member<'_>> {
        let n = self.len();
        let count = count.min(n);
        if count.saturating_mul(3) > n {
            // Case 3: start from everything and drop random members.
            let mut all = self.members_vec();
            while all.len() > count {
                let i = rng.below(all.len() as u64) as usize;
                all.swap_remove(i);
            }
            return all;
        }
        // Case 4: draw until enough distinct ones.
        let mut picked: hashbrown::HashSet<usize> = hashbrown::HashSet::with_capacity(count);
        let mut out = Vec::with_capacity(count);
        while out.len() < count {
            let (key, m) = match &self.repr {
                Repr::Intset(v) => {
                    let i = rng.below(n as u64) as usize;
                    (i, v.get(i).map(|&x| Member::Int(x)))
                }
                Repr::Hashtable(t) => match t.random_slot(rng) {
                    Some(s) => (s as usize, t.get_slot(s).map(Member::Str)),
                    None => break,
                },
                Repr::Listpack(p) => {
                    let i = rng.below(n as u64) as usize;
                    (i, p.iter().nth(i).map(Member::Str))
                }
            };
            if let Some(m) = m {
                if picked.insert(key) {
                    out.push(m);
                }
            } else {
                break;
            }
        }
        out
    }

    /// Remove the members at the ascending positions `pos` (in iteration order) and
    /// return them in that order (SPOP's whole-listpack strategies).
    pub fn remove_positions(&mut self, pos: &[usize]) -> Vec<Vec<u8>> {
        let mut out = Vec::with_capacity(pos.len());
        if let Repr::Listpack(p) = &mut self.repr {
            let mut buf = Vec::with_capacity(p.buf.len());
            let mut k = 0;
            let mut at = 0;
            let mut i = 0;
            while let Some((s, e)) = entry_at(&p.buf, at) {
                let entry = p.buf.get(at..e).unwrap_or_default();
                if pos.get(k) == Some(&i) {
                    k += 1;
                    out.push(p.buf.get(s..e).unwrap_or_default().to_vec());
                } else {
                    buf.extend_from_slice(entry);
                }
                at = e;
                i += 1;
            }
            p.len -= out.len();
            p.buf = buf;
            return out;
        }
        let mut picked = Vec::with_capacity(pos.len());
        let mut want = pos.iter().peekable();
        for (i, m) in self.iter().enumerate() {
            if want.peek() == Some(&&i) {
                want.next();
                picked.push(m.to_vec());
            }
        }
        for m in &picked {
            self.remove(m);
        }
        out.extend(picked);
        out
    }

    /// Redis's `maybeConvertToIntset`: when every member is an integer and there are few
    /// enough, become an intset.
    pub fn maybe_convert_to_intset(&mut self, lim: &SetLimits) {
        if self.is_intset() || self.len() > lim.intset_max() {
            return;
        }
        let mut v = Vec::with_capacity(self.len());
        for m in self.iter() {
            match m.as_int() {
                Some(i) => v.push(i),
                None => return,
            }
        }
        crate::compact::sort_i64(&mut v);
        self.repr = Repr::Intset(v);
    }

    /// One step of SSCAN for hashtables: calls `f` for about `count` members from
    /// `cursor`, returns the next cursor (0 when done). Other encodings return every
    /// member and cursor 0, as Redis does.
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(Member<'_>)) -> u64 {
        match &self.repr {
            Repr::Hashtable(t) => t.scan(cursor, count.max(1), |m| f(Member::Str(m))),
            _ => {
                for m in self.iter() {
                    f(m);
                }
                0
            }
        }
    }

    /// Number of hashtable slots, holes included (tests of compaction).
    #[cfg(test)]
    fn debug_slots(&self) -> usize {
        match &self.repr {
            Repr::Hashtable(t) => t.slots.len(),
            _ => self.len(),
        }
    }
}
