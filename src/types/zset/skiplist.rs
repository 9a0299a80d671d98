//! The `skiplist` encoding of sorted sets: a skiplist with spans (Pugh's structure with
//! Redis's additions: ties broken by member, a backward link at level 0, and a span on
//! every forward link so that ranks are found in O(log N)), plus a hash index from
//! member to node.
//!
//! Nodes live in an arena (`Vec<Node>`) and link to each other by `u32` slot numbers, so
//! a member is stored once: the hash index holds slot numbers and hashes the member
//! bytes found in the arena. Freed slots are reused. A node is one 64-byte,
//! cache-line-aligned arena entry holding the score and the first three levels (a node
//! has more with probability 1/64; those live in a side table), so a step of a search
//! costs one cache line, plus the member's when scores tie, as Redis's nodes do.
//!
//! Slot numbers are stable while an element stays in the set (a score update relinks the
//! same slot), which makes them usable as ZSCAN cursors.
//!
//! Span bookkeeping follows Redis's `zslInsert` / `zslDeleteNode` exactly, including the
//! convention that a link to nothing carries the distance to the end of the list.

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};

/// No node.
pub(crate) const NIL: u32 = u32::MAX;
/// The header pseudo-node.
const HEAD: u32 = u32::MAX - 1;
/// Maximum number of levels (Redis's `ZSKIPLIST_MAXLEVEL`).
const MAX_LEVEL: usize = 32;
/// Bytes of bookkeeping per element, for memory estimates.
pub(crate) const NODE_OVERHEAD: usize = std::mem::size_of::<Node>() + 24;

#[derive(Clone, Copy, Debug, Default)]
struct Level {
    fwd: u32,
    span: u32,
}

const EMPTY_LEVEL: Level = Level { fwd: NIL, span: 0 };
/// Levels stored inside the node.
const INLINE_LEVELS: usize = 3;

#[derive(Clone, Debug)]
#[repr(C, align(64))]
struct Node {
    /// NaN marks a free slot (live scores are never NaN).
    score: f64,
    levels: [Level; INLINE_LEVELS],
    member: Box<[u8]>,
    back: u32,
    /// Index in `SkipList::overflow` of the levels past the inline ones (NIL: none).
    ovf: u32,
    height: u8,
}

/// The skiplist plus its member index.
#[derive(Clone, Debug)]
pub(crate) struct SkipList {
    nodes: Vec<Node>,
    free: Vec<u32>,
    /// Levels `INLINE_LEVELS..height` of the tall nodes.
    overflow: Vec<Box<[Level]>>,
    overflow_free: Vec<u32>,
    head: [Level; MAX_LEVEL],
    tail: u32,
    level: usize,
    len: usize,
    index: HashTable<u32>,
    hasher: DefaultHashBuilder,
    seed: u64,
}

/// Whether (as, am) sorts strictly before (bs, bm).
#[inline]
fn lt(as_: f64, am: &[u8], bs: f64, bm: &[u8]) -> bool {
    as_ < bs || (as_ == bs && am < bm)
}

impl SkipList {
    /// An empty skiplist with room for `cap` elements.
    pub(crate) fn with_capacity(cap: usize) -> SkipList {
        // The capacity is a hint from the caller's input; cap what is reserved up front.
        let cap = cap.min(1 << 16);
        SkipList {
            nodes: Vec::with_capacity(cap),
            free: Vec::new(),
            overflow: Vec::new(),
            overflow_free: Vec::new(),
            head: [EMPTY_LEVEL; MAX_LEVEL],
            tail: NIL,
            level: 1,
            len: 0,
            index: HashTable::with_capacity(cap),
            hasher: DefaultHashBuilder::default(),
            seed: 0x9E37_79B9_7F4A_7C15,
        }
    }

    /// Number of elements.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn lv(&self, x: u32, i: usize) -> Level {
        if x == HEAD {
            return self.head[i];
        }
        let n = &self.nodes[x as usize];
        match n.levels.get(i) {
            Some(l) => *l,
            None => self.overflow[n.ovf as usize][i - INLINE_LEVELS],
        }
    }

    #[inline]
    fn set_lv(&mut self, x: u32, i: usize, l: Level) {
        if x == HEAD {
            self.head[i] = l;
            return;
        }
        let n = &mut self.nodes[x as usize];
        match n.levels.get_mut(i) {
            Some(slot) => *slot = l,
            None => self.overflow[n.ovf as usize][i - INLINE_LEVELS] = l,
        }
    }

    #[inline]
    fn height(&self, x: u32) -> usize {
        self.nodes[x as usize].height as usize
    }

    /// A level for a new node: 1 + geometric(1/4), capped (Redis's `zslRandomLevel`).
    fn random_level(&mut self) -> usize {
        // xorshift64*: the level distribution is not observable, so a private generator
        // keeps the engine's seeded RNG sequence independent of sorted-set internals.
        let mut level = 1;
        loop {
            self.seed ^= self.seed >> 12;
            self.seed ^= self.seed << 25;
            self.seed ^= self.seed >> 27;
            let r = self.seed.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 48;
            if r & 0xFFFF < 0x4000 && level < MAX_LEVEL {
                level += 1;
            } else {
                return level;
            }
        }
    }

    #[inline]
    fn hash(&self, m: &[u8]) -> u64 {
        self.hasher.hash_one(m)
    }

    /// The slot holding `m`.
    #[inline]
    pub(crate) fn find(&self, m: &[u8]) -> Option<u32> {
        let nodes = &self.nodes;
        self.index
            .find(self.hash(m), |&i| *nodes[i as usize].member == *m)
            .copied()
    }

    /// Member and score of a live slot.
    #[inline]
    pub(crate) fn node(&self, x: u32) -> (&[u8], f64) {
        let n = &self.nodes[x as usize];
        (&n.member, n.score)
    }

    /// The next slot in order (NIL at the end).
    #[inline]
    pub(crate) fn next(&self, x: u32) -> u32 {
        self.nodes[x as usize].levels[0].fwd
    }

    /// The previous slot in order (NIL at the start).
    #[inline]
    pub(crate) fn prev(&self, x: u32) -> u32 {
        self.nodes[x as usize].back
    }

    /// The first slot (NIL when empty).
    #[inline]
    pub(crate) fn first(&self) -> u32 {
        self.head[0].fwd
    }

    /// The last slot (NIL when empty).
    #[inline]
    pub(crate) fn last(&self) -> u32 {
        self.tail
    }

    /// Walk down from the header, moving forward while `before(next)` holds. Returns the
    /// last node visited at each level and its 1-based rank (0 for the header).
    #[inline]
    fn descend(
        &self,
        mut before: impl FnMut(&Node) -> bool,
    ) -> ([u32; MAX_LEVEL], [u32; MAX_LEVEL]) {
        let mut update = [HEAD; MAX_LEVEL];
        let mut rank = [0u32; MAX_LEVEL];
        let mut x = HEAD;
        let mut r = 0u32;
        for i in (0..self.level).rev() {
            loop {
                let l = self.lv(x, i);
                if l.fwd != NIL && before(&self.nodes[l.fwd as usize]) {
                    r = r.wrapping_add(l.span);
                    x = l.fwd;
                } else {
                    break;
                }
            }
            update[i] = x;
            rank[i] = r;
        }
        (update, rank)
    }

    /// Number of leading elements for which `before(member, score)` holds (the predicate
    /// must hold for a prefix of the order), and the first element past them.
    pub(crate) fn count_while(&self, mut before: impl FnMut(&[u8], f64) -> bool) -> (usize, u32) {
        let (update, rank) = self.descend(|n| before(&n.member, n.score));
        (rank[0] as usize, self.lv(update[0], 0).fwd)
    }

    /// Link slot `x` (score and member set, not linked) at its place.
    fn link(&mut self, x: u32) {
        let (mut update, mut rank) = {
            let t = &self.nodes[x as usize];
            let (ts, tm) = (t.score, &t.member);
            self.descend(|n| lt(n.score, &n.member, ts, tm))
        };
        let height = self.height(x);
        if height > self.level {
            for i in self.level..height {
                rank[i] = 0;
                update[i] = HEAD;
                self.head[i].span = self.len as u32;
            }
            self.level = height;
        }
        for i in 0..height {
            let u = self.lv(update[i], i);
            let crossed = rank[0].wrapping_sub(rank[i]);
            self.set_lv(
                x,
                i,
                Level {
                    fwd: u.fwd,
                    span: u.span.wrapping_sub(crossed),
                },
            );
            self.set_lv(
                update[i],
                i,
                Level {
                    fwd: x,
                    span: crossed.wrapping_add(1),
                },
            );
        }
        for (i, &u) in update.iter().enumerate().take(self.level).skip(height) {
            let mut l = self.lv(u, i);
            l.span = l.span.wrapping_add(1);
            self.set_lv(u, i, l);
        }
        let back = if update[0] == HEAD { NIL } else { update[0] };
        self.nodes[x as usize].back = back;
        let f = self.nodes[x as usize].levels[0].fwd;
        if f != NIL {
            self.nodes[f as usize].back = x;
        } else {
            self.tail = x;
        }
        self.len += 1;
    }

    /// Unlink slot `x` given the nodes before it at each level.
    fn unlink(&mut self, x: u32, update: &[u32; MAX_LEVEL]) {
        for (i, &u) in update.iter().enumerate().take(self.level) {
            let mut l = self.lv(u, i);
            if l.fwd == x {
                let xl = self.lv(x, i);
                l.span = l.span.wrapping_add(xl.span).wrapping_sub(1);
                l.fwd = xl.fwd;
            } else {
                l.span = l.span.wrapping_sub(1);
            }
            self.set_lv(u, i, l);
        }
        let (f, b) = {
            let n = &self.nodes[x as usize];
            (n.levels[0].fwd, n.back)
        };
        if f != NIL {
            self.nodes[f as usize].back = b;
        } else {
            self.tail = b;
        }
        while self.level > 1 && self.head[self.level - 1].fwd == NIL {
            self.level -= 1;
        }
        self.len -= 1;
    }

    /// The nodes before slot `x` at each level.
    fn update_for(&self, x: u32) -> [u32; MAX_LEVEL] {
        let t = &self.nodes[x as usize];
        let (ts, tm) = (t.score, &t.member);
        self.descend(|n| lt(n.score, &n.member, ts, tm)).0
    }

    /// Insert `member` (which must be absent) with `score`; returns its slot.
    pub(crate) fn insert(&mut self, member: &[u8], score: f64) -> u32 {
        let h = self.hash(member);
        let height = self.random_level();
        let ovf = if height > INLINE_LEVELS {
            let levels = vec![EMPTY_LEVEL; height - INLINE_LEVELS].into_boxed_slice();
            match self.overflow_free.pop() {
                Some(o) => {
                    self.overflow[o as usize] = levels;
                    o
                }
                None => {
                    self.overflow.push(levels);
                    (self.overflow.len() - 1) as u32
                }
            }
        } else {
            NIL
        };
        let node = Node {
            score,
            levels: [EMPTY_LEVEL; INLINE_LEVELS],
            member: member.into(),
            back: NIL,
            ovf,
            height: height as u8,
        };
        let x = match self.free.pop() {
            Some(s) => {
                self.nodes[s as usize] = node;
                s
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as u32
            }
        };
        self.link(x);
        let nodes = &self.nodes;
        let hasher = &self.hasher;
        self.index
            .insert_unique(h, x, |&i| hasher.hash_one(&*nodes[i as usize].member));
        x
    }

    /// Change the score of live slot `x` (Redis's `zslUpdateScore`: in place when the
    /// order is unchanged, else unlink and relink the same slot).
    pub(crate) fn update_score(&mut self, x: u32, score: f64) {
        let (b, f) = {
            let n = &self.nodes[x as usize];
            (n.back, n.levels[0].fwd)
        };
        if (b == NIL || self.nodes[b as usize].score < score)
            && (f == NIL || self.nodes[f as usize].score > score)
        {
            self.nodes[x as usize].score = score;
            return;
        }
        let update = self.update_for(x);
        self.unlink(x, &update);
        self.nodes[x as usize].score = score;
        self.link(x);
    }

    /// Drop slot `x` (already unlinked) from the index and free it.
    fn release(&mut self, x: u32) -> (Box<[u8]>, f64) {
        let h = self.hash(&self.nodes[x as usize].member);
        if let Ok(e) = self.index.find_entry(h, |&i| i == x) {
            e.remove();
        }
        let n = &mut self.nodes[x as usize];
        let member = std::mem::take(&mut n.member);
        let score = n.score;
        n.score = f64::NAN;
        n.height = 0;
        if n.ovf != NIL {
            let o = n.ovf;
            n.ovf = NIL;
            self.overflow[o as usize] = Box::new([]);
            self.overflow_free.push(o);
        }
        self.free.push(x);
        (member, score)
    }

    /// Remove live slot `x`; returns its member and score.
    pub(crate) fn remove_slot(&mut self, x: u32) -> (Box<[u8]>, f64) {
        let update = self.update_for(x);
        self.unlink(x, &update);
        self.release(x)
    }

    /// Remove `m`; returns its score when it was present.
    pub(crate) fn remove(&mut self, m: &[u8]) -> Option<f64> {
        let x = self.find(m)?;
        Some(self.remove_slot(x).1)
    }

    /// 0-based rank of live slot `x`.
    pub(crate) fn rank_of(&self, x: u32) -> usize {
        let t = &self.nodes[x as usize];
        let (ts, tm) = (t.score, &t.member);
        self.descend(|n| lt(n.score, &n.member, ts, tm)).1[0] as usize
    }

    /// The slot at 0-based rank `r`, if any.
    pub(crate) fn by_rank(&self, r: usize) -> Option<u32> {
        if r >= self.len {
            return None;
        }
        let target = r as u64 + 1;
        let mut x = HEAD;
        let mut t = 0u64;
        for i in (0..self.level).rev() {
            loop {
                let l = self.lv(x, i);
                if l.fwd != NIL && t + l.span as u64 <= target {
                    t += l.span as u64;
                    x = l.fwd;
                } else {
                    break;
                }
            }
            if t == target {
                return (x != HEAD).then_some(x);
            }
        }
        None
    }

    /// Remove the elements at 0-based ranks `start..=end` (Redis's
    /// `zslDeleteRangeByRank`); returns how many were removed.
    pub(crate) fn remove_rank_range(&mut self, start: usize, end: usize) -> usize {
        if start > end || start >= self.len {
            return 0;
        }
        let start1 = start as u64 + 1;
        let mut update = [HEAD; MAX_LEVEL];
        let mut x = HEAD;
        let mut t = 0u64;
        for i in (0..self.level).rev() {
            loop {
                let l = self.lv(x, i);
                if l.fwd != NIL && t + (l.span as u64) < start1 {
                    t += l.span as u64;
                    x = l.fwd;
                } else {
                    break;
                }
            }
            update[i] = x;
        }
        let mut removed = 0;
        let mut rank = start;
        let mut x = self.lv(x, 0).fwd;
        while x != NIL && rank <= end {
            let next = self.nodes[x as usize].levels[0].fwd;
            self.unlink(x, &update);
            self.release(x);
            removed += 1;
            rank += 1;
            x = next;
        }
        removed
    }

    /// Visit up to `count` live elements from slot `cursor` on, in slot order; returns
    /// the next cursor (0 when done).
    pub(crate) fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&[u8], f64)) -> u64 {
        let mut i = usize::try_from(cursor).unwrap_or(usize::MAX);
        let mut seen = 0;
        while i < self.nodes.len() {
            let n = &self.nodes[i];
            i += 1;
            if !n.score.is_nan() {
                f(&n.member, n.score);
                seen += 1;
                if seen >= count {
                    break;
                }
            }
        }
        if i >= self.nodes.len() { 0 } else { i as u64 }
    }

    /// Check every structural invariant (for tests; O(N log N)).
    pub(crate) fn check(&self) -> Result<(), String> {
        let mut n = 0usize;
        let mut x = self.head[0].fwd;
        let mut prev = NIL;
        while x != NIL {
            let node = &self.nodes[x as usize];
            if node.back != prev {
                return Err(format!("bad back link at {x}"));
            }
            if prev != NIL {
                let p = &self.nodes[prev as usize];
                if !lt(p.score, &p.member, node.score, &node.member) {
                    return Err("order violated".into());
                }
            }
            if self.find(&node.member) != Some(x) {
                return Err("index mismatch".into());
            }
            if self.rank_of(x) != n || self.by_rank(n) != Some(x) {
                return Err(format!("rank mismatch at {n}"));
            }
            prev = x;
            x = node.levels[0].fwd;
            n += 1;
        }
        if prev != self.tail {
            return Err("bad tail".into());
        }
        if n != self.len || self.index.len() != self.len {
            return Err(format!("len {n} vs {} vs {}", self.len, self.index.len()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_is_one_cache_line() {
        assert_eq!(std::mem::size_of::<Node>(), 64);
        assert_eq!(std::mem::align_of::<Node>(), 64);
    }

    #[test]
    fn tall_nodes_use_the_overflow_table_and_release_it() {
        let mut sl = SkipList::with_capacity(0);
        for i in 0..5000u32 {
            sl.insert(format!("{i:05}").as_bytes(), f64::from(i % 100));
        }
        assert!(!sl.overflow.is_empty());
        sl.check().expect("consistent");
        assert_eq!(sl.remove_rank_range(0, 4999), 5000);
        assert_eq!(sl.overflow_free.len(), sl.overflow.len());
        assert_eq!(sl.len(), 0);
        assert_eq!(sl.scan(0, 10, |_, _| {}), 0);
    }
}
