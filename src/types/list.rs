//! Lists: a ring buffer of elements plus a model of Redis's encodings.
//!
//! The elements live in one [`VecDeque`] of [`Item`]s (short elements inline, no
//! allocation), so pushes and pops at both ends are O(1) and LINDEX/LSET are O(1).
//!
//! Redis 7.2 stores a small list as one *listpack* and a larger one as a *quicklist*
//! (a linked list of listpack nodes), and `OBJECT ENCODING` shows which. When it
//! converts depends on the exact byte size of listpacks (`list-max-listpack-size`:
//! negative = a byte limit per node, positive = an entry count), and whether a quicklist
//! can turn back into a listpack depends on how its nodes were split. So alongside the
//! elements we keep the *layout* Redis would have: the listpack's byte size, or for a
//! quicklist the count and byte size of every node, updated with the same rules as
//! `quicklist.c` (node fill checks with their 8-byte estimate, plain nodes for large
//! elements, splits and merges on insert and replace). Sizes are exact: a listpack is 7
//! bytes of header and terminator plus, per entry, its encoding, data and back-length.

use std::collections::VecDeque;

/// Elements up to this many bytes are stored inline.
const INLINE: usize = 22;

/// Header (total bytes + count) and terminator of an empty listpack.
const LP_EMPTY: usize = 7;

/// `SIZE_SAFETY_LIMIT`: the byte cap of a count-limited node.
const SIZE_SAFETY_LIMIT: usize = 8192;

/// `SIZE_ESTIMATE_OVERHEAD`: what quicklist assumes an entry adds beyond its length.
const SIZE_ESTIMATE_OVERHEAD: usize = 8;

/// Byte limits of negative fill values -1 .. -5.
const OPTIMIZATION_LEVEL: [usize; 5] = [4096, 8192, 16384, 32768, 65536];

/// One element.
#[derive(Clone)]
pub enum Item {
    /// Up to [`INLINE`] bytes, stored in place.
    Inline(u8, [u8; INLINE]),
    /// Longer elements.
    Heap(Box<[u8]>),
}

impl Item {
    /// An element holding a copy of `b`.
    #[inline]
    pub fn new(b: &[u8]) -> Item {
        if b.len() <= INLINE {
            let mut buf = [0u8; INLINE];
            buf[..b.len()].copy_from_slice(b);
            Item::Inline(b.len() as u8, buf)
        } else {
            Item::Heap(b.into())
        }
    }

    /// The element's bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Item::Inline(n, buf) => &buf[..(*n as usize).min(INLINE)],
            Item::Heap(b) => b,
        }
    }

    /// The element's bytes, owned.
    pub fn into_vec(self) -> Vec<u8> {
        match self {
            Item::Inline(..) => self.as_bytes().to_vec(),
            Item::Heap(b) => b.into_vec(),
        }
    }

    /// Heap bytes owned by this element.
    #[inline]
    fn heap(&self) -> usize {
        match self {
            Item::Inline(..) => 0,
            Item::Heap(b) => b.len(),
        }
    }
}

impl std::fmt::Debug for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

impl PartialEq<[u8]> for Item {
    fn eq(&self, other: &[u8]) -> bool {
        self.as_bytes() == other
    }
}

/// Bytes an element takes inside a listpack: encoding byte(s), data, back-length.
/// Strings that read as canonical 64-bit integers are stored as integers.
pub fn lp_entry_size(b: &[u8]) -> usize {
    let enc = match crate::types::string::parse_i64(b) {
        Some(v) => {
            if (0..=127).contains(&v) {
                1
            } else if (-4096..=4095).contains(&v) {
                2
            } else if (-32768..=32767).contains(&v) {
                3
            } else if (-8_388_608..=8_388_607).contains(&v) {
                4
            } else if (-2_147_483_648..=2_147_483_647).contains(&v) {
                5
            } else {
                9
            }
        }
        None => {
            let n = b.len();
            if n < 64 {
                1 + n
            } else if n < 4096 {
                2 + n
            } else {
                5 + n
            }
        }
    };
    let backlen = if enc <= 127 {
        1
    } else if enc < 16383 {
        2
    } else if enc < 2_097_151 {
        3
    } else if enc < 268_435_455 {
        4
    } else {
        5
    };
    enc + backlen
}

/// `quicklistNodeLimit`: (byte limit, count limit) of a node for `fill`.
fn node_limit(fill: i32) -> (usize, usize) {
    if fill >= 0 {
        (usize::MAX, if fill == 0 { 1 } else { fill as usize })
    } else {
        (neg_fill_limit(fill), u32::MAX as usize)
    }
}

/// `quicklistNodeNegFillLimit`.
fn neg_fill_limit(fill: i32) -> usize {
    let off = ((-(fill as i64)) - 1).clamp(0, OPTIMIZATION_LEVEL.len() as i64 - 1) as usize;
    OPTIMIZATION_LEVEL[off]
}

/// `quicklistNodeExceedsLimit`.
fn exceeds_limit(fill: i32, new_sz: usize, new_count: usize) -> bool {
    let (sz_limit, count_limit) = node_limit(fill);
    if sz_limit != usize::MAX {
        new_sz > sz_limit
    } else {
        new_sz > SIZE_SAFETY_LIMIT || new_count > count_limit
    }
}

/// `isLargeElement`: elements this long get a plain node of their own.
fn is_large(sz: usize, fill: i32) -> bool {
    if fill >= 0 {
        sz > SIZE_SAFETY_LIMIT
    } else {
        sz > neg_fill_limit(fill)
    }
}

/// One quicklist node as Redis would have it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Node {
    /// Elements in the node.
    count: usize,
    /// `lpBytes` of its listpack, or the element's length for a plain node.
    sz: usize,
    /// A plain node (one large element, not in a listpack).
    plain: bool,
}

impl Node {
    fn packed(count: usize, sz: usize) -> Node {
        Node {
            count,
            sz,
            plain: false,
        }
    }
}

/// `_quicklistNodeAllowInsert`.
fn allow_insert(node: Option<&Node>, fill: i32, sz: usize) -> bool {
    match node {
        None => false,
        Some(n) => {
            !n.plain
                && !is_large(sz, fill)
                && !exceeds_limit(fill, n.sz + sz + SIZE_ESTIMATE_OVERHEAD, n.count + 1)
        }
    }
}

/// `_quicklistNodeAllowMerge`.
fn allow_merge(a: Option<&Node>, b: Option<&Node>, fill: i32) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            !a.plain
                && !b.plain
                && !exceeds_limit(
                    fill,
                    (a.sz + b.sz).saturating_sub(LP_EMPTY),
                    a.count + b.count,
                )
        }
        _ => false,
    }
}

/// The encoding state.
#[derive(Debug, Clone)]
enum Enc {
    /// One listpack of `bytes` bytes.
    Listpack { bytes: usize },
    /// A quicklist: its nodes, head first, and the fill it was created with.
    Quicklist { nodes: VecDeque<Node>, fill: i32 },
}

/// A list value.
#[derive(Debug, Clone)]
pub struct List {
    items: VecDeque<Item>,
    enc: Enc,
    /// Heap bytes of the elements.
    heap: usize,
}

impl Default for List {
    fn default() -> Self {
        List::new()
    }
}

impl List {
    /// An empty listpack-encoded list.
    pub fn new() -> List {
        List {
            items: VecDeque::new(),
            enc: Enc::Listpack { bytes: LP_EMPTY },
            heap: 0,
        }
    }

    /// A list of `elems` (head first), encoded as Redis encodes a list built by pushes
    /// with `fill` as `list-max-listpack-size`.
    pub fn from_elems<'a>(elems: impl IntoIterator<Item = &'a [u8]>, fill: i32) -> List {
        let mut l = List::new();
        for e in elems {
            l.grow_check([e], fill);
            l.push(e, false);
        }
        l
    }

    /// A list built the way Redis 7.2 builds a `SORT ... STORE` result: a quicklist
    /// filled by tail pushes, then turned into a listpack if it is one node within the
    /// limit (`LIST_CONV_AUTO`). An empty input gives an empty listpack list.
    pub fn from_elems_auto<'a>(elems: impl IntoIterator<Item = &'a [u8]>, fill: i32) -> List {
        let mut l = List {
            items: VecDeque::new(),
            enc: Enc::Quicklist {
                nodes: VecDeque::new(),
                fill: fill.clamp(-5, (1 << 15) - 1),
            },
            heap: 0,
        };
        for e in elems {
            l.push(e, false);
        }
        if l.is_empty() {
            return List::new();
        }
        l.try_convert_quicklist(fill, false);
        l
    }

    /// The name `OBJECT ENCODING` reports.
    pub fn encoding(&self) -> &'static str {
        match self.enc {
            Enc::Listpack { .. } => "listpack",
            Enc::Quicklist { .. } => "quicklist",
        }
    }

    /// Approximate memory use in bytes.
    pub fn mem_usage(&self) -> usize {
        let nodes = match &self.enc {
            Enc::Listpack { .. } => 0,
            Enc::Quicklist { nodes, .. } => nodes.capacity() * std::mem::size_of::<Node>(),
        };
        48 + self.items.capacity() * std::mem::size_of::<Item>() + self.heap + nodes
    }

    /// Number of elements.
    #[inline]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the list is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The element at `i` (from the head).
    #[inline]
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        self.items.get(i).map(Item::as_bytes)
    }

    /// The elements, head first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &[u8]> + ExactSizeIterator {
        self.items.iter().map(Item::as_bytes)
    }

    /// The elements `start..=end` (both within bounds), head first.
    pub fn range(&self, start: usize, end: usize) -> impl DoubleEndedIterator<Item = &[u8]> {
        let to = end.saturating_add(1).min(self.items.len());
        let from = start.min(to);
        self.items.range(from..to).map(Item::as_bytes)
    }

    /// Number of quicklist nodes (0 when listpack-encoded), for tests and DEBUG.
    pub fn node_count(&self) -> usize {
        match &self.enc {
            Enc::Listpack { .. } => 0,
            Enc::Quicklist { nodes, .. } => nodes.len(),
        }
    }

    /// `listTypeTryConversionAppend`: before adding `elems`, turn a listpack into a
    /// quicklist if the result could exceed the limit for `fill`. Redis sums the raw
    /// lengths of the new elements onto the listpack's size.
    pub fn grow_check<'a>(&mut self, elems: impl IntoIterator<Item = &'a [u8]>, fill: i32) {
        let Enc::Listpack { bytes } = self.enc else {
            return;
        };
        let mut add_bytes = 0usize;
        let mut add_len = 0usize;
        for e in elems {
            add_bytes = add_bytes.saturating_add(e.len());
            add_len += 1;
        }
        if exceeds_limit(
            fill,
            bytes.saturating_add(add_bytes),
            self.items.len() + add_len,
        ) {
            let mut nodes = VecDeque::new();
            if !self.items.is_empty() {
                nodes.push_back(Node::packed(self.items.len(), bytes));
            }
            self.enc = Enc::Quicklist {
                nodes,
                fill: fill.clamp(-5, (1 << 15) - 1),
            };
        }
    }

    /// `listTypeTryConversion(.., LIST_CONV_SHRINKING)`: after removing elements, turn
    /// a quicklist of one packed node below half the limit back into a listpack.
    pub fn shrink_check(&mut self, fill: i32) {
        self.try_convert_quicklist(fill, true);
    }

    /// `listTypeTryConvertQuicklist`: a quicklist of one packed node within the limit
    /// (half the limit when `shrinking`) becomes a listpack.
    fn try_convert_quicklist(&mut self, fill: i32, shrinking: bool) {
        let Enc::Quicklist { nodes, .. } = &self.enc else {
            return;
        };
        if nodes.len() != 1 {
            return;
        }
        let Some(&node) = nodes.front() else { return };
        if node.plain {
            return;
        }
        let (mut sz_limit, mut count_limit) = node_limit(fill);
        if shrinking {
            sz_limit /= 2;
            count_limit /= 2;
        }
        if node.sz > sz_limit || node.count > count_limit {
            return;
        }
        self.enc = Enc::Listpack { bytes: node.sz };
    }

    /// Push `b` at the head (`front`) or the tail. Call [`List::grow_check`] first.
    pub fn push(&mut self, b: &[u8], front: bool) {
        let es = lp_entry_size(b);
        match &mut self.enc {
            Enc::Listpack { bytes } => *bytes += es,
            Enc::Quicklist { nodes, fill } => {
                let fill = *fill;
                if is_large(b.len(), fill) {
                    let n = Node {
                        count: 1,
                        sz: b.len(),
                        plain: true,
                    };
                    if front {
                        nodes.push_front(n)
                    } else {
                        nodes.push_back(n)
                    }
                } else {
                    let end = if front {
                        nodes.front_mut()
                    } else {
                        nodes.back_mut()
                    };
                    match end {
                        Some(n) if allow_insert(Some(n), fill, b.len()) => {
                            n.count += 1;
                            n.sz += es;
                        }
                        _ => {
                            let n = Node::packed(1, LP_EMPTY + es);
                            if front {
                                nodes.push_front(n)
                            } else {
                                nodes.push_back(n)
                            }
                        }
                    }
                }
            }
        }
        let it = Item::new(b);
        self.heap += it.heap();
        if front {
            self.items.push_front(it);
        } else {
            self.items.push_back(it);
        }
    }

    /// Pop from the head (`front`) or the tail.
    pub fn pop(&mut self, front: bool) -> Option<Item> {
        let it = if front {
            self.items.pop_front()?
        } else {
            self.items.pop_back()?
        };
        self.heap -= it.heap();
        let es = lp_entry_size(it.as_bytes());
        match &mut self.enc {
            Enc::Listpack { bytes } => *bytes -= es,
            Enc::Quicklist { nodes, .. } => {
                let ni = if front {
                    0
                } else {
                    nodes.len().saturating_sub(1)
                };
                remove_from_node(nodes, ni, es);
            }
        }
        self.maybe_shrink_buffer();
        Some(it)
    }

    /// Release spare ring-buffer capacity after the list shrank a lot.
    fn maybe_shrink_buffer(&mut self) {
        let cap = self.items.capacity();
        if cap > 64 && self.items.len() < cap / 4 {
            self.items.shrink_to(self.items.len() * 2);
        }
    }

    /// Replace the element at `i` (LSET); false when out of range. Call
    /// [`List::grow_check`] with the new element first.
    pub fn set(&mut self, i: usize, b: &[u8]) -> bool {
        let Some(old) = self.items.get(i) else {
            return false;
        };
        let old_es = lp_entry_size(old.as_bytes());
        let new_es = lp_entry_size(b);
        match &mut self.enc {
            Enc::Listpack { bytes } => *bytes = *bytes - old_es + new_es,
            Enc::Quicklist { nodes, fill } => {
                let fill = *fill;
                let (ni, off, start) = locate(nodes, i, self.items.len());
                q_replace(
                    nodes,
                    fill,
                    &self.items,
                    ni,
                    off,
                    start,
                    old_es,
                    b.len(),
                    new_es,
                );
            }
        }
        let it = Item::new(b);
        if let Some(slot) = self.items.get_mut(i) {
            self.heap = self.heap - slot.heap() + it.heap();
            *slot = it;
        }
        true
    }

    /// Insert `b` just after (`after`) or before the element at `i` (LINSERT). Call
    /// [`List::grow_check`] with the new element first.
    pub fn insert(&mut self, i: usize, b: &[u8], after: bool) {
        if i >= self.items.len() {
            return;
        }
        let es = lp_entry_size(b);
        match &mut self.enc {
            Enc::Listpack { bytes } => *bytes += es,
            Enc::Quicklist { nodes, fill } => {
                let fill = *fill;
                let (ni, off, start) = locate(nodes, i, self.items.len());
                q_insert(nodes, fill, &self.items, ni, off, start, after, b.len(), es);
            }
        }
        let it = Item::new(b);
        self.heap += it.heap();
        self.items.insert(if after { i + 1 } else { i }, it);
    }

    /// Remove elements equal to `elem` (LREM): the first `count` from the head when
    /// `count > 0`, the last `-count` when negative, all when 0. Returns how many.
    pub fn remove_matching(&mut self, elem: &[u8], count: i64) -> usize {
        let limit = if count == 0 {
            usize::MAX
        } else {
            count.unsigned_abs() as usize
        };
        let mut del: Vec<usize> = Vec::new();
        if count >= 0 {
            for (i, it) in self.items.iter().enumerate() {
                if del.len() >= limit {
                    break;
                }
                if it.as_bytes() == elem {
                    del.push(i);
                }
            }
        } else {
            for (i, it) in self.items.iter().enumerate().rev() {
                if del.len() >= limit {
                    break;
                }
                if it.as_bytes() == elem {
                    del.push(i);
                }
            }
            del.reverse();
        }
        if del.is_empty() {
            return 0;
        }
        let es = lp_entry_size(elem);
        match &mut self.enc {
            Enc::Listpack { bytes } => *bytes -= es * del.len(),
            Enc::Quicklist { nodes, .. } => {
                // Walk the nodes once, removing each matched entry from its node.
                let mut ni = 0usize;
                let mut node_start = 0usize;
                for (removed_before, &d) in del.iter().enumerate() {
                    // `d` is an index in the original list; nodes already lost
                    // `removed_before` entries before it.
                    let cur = d - removed_before;
                    while ni < nodes.len() && cur >= node_start + nodes[ni].count {
                        node_start += nodes[ni].count;
                        ni += 1;
                    }
                    if ni >= nodes.len() {
                        break;
                    }
                    remove_from_node(nodes, ni, es);
                }
            }
        }
        let mut k = 0usize;
        let mut idx = 0usize;
        let mut freed = 0usize;
        self.items.retain(|it| {
            let drop = k < del.len() && del[k] == idx;
            idx += 1;
            if drop {
                k += 1;
                freed += it.heap();
            }
            !drop
        });
        self.heap -= freed;
        self.maybe_shrink_buffer();
        del.len()
    }

    /// Remove `n` elements from the head (`front`) or the tail.
    pub fn drop_n(&mut self, n: usize, front: bool) {
        for _ in 0..n.min(self.items.len()) {
            self.pop(front);
        }
    }
}

/// Remove one entry of `es` bytes from node `ni`, deleting the node when it empties.
fn remove_from_node(nodes: &mut VecDeque<Node>, ni: usize, es: usize) {
    let Some(n) = nodes.get_mut(ni) else { return };
    n.count -= 1;
    if n.count == 0 {
        nodes.remove(ni);
    } else if !n.plain {
        n.sz -= es;
    }
}

/// Node index, offset inside it, and the list index of its first element, for element
/// `i` of a list of `len` elements.
fn locate(nodes: &VecDeque<Node>, i: usize, len: usize) -> (usize, usize, usize) {
    if i < len / 2 {
        let mut start = 0;
        for (ni, n) in nodes.iter().enumerate() {
            if i < start + n.count {
                return (ni, i - start, start);
            }
            start += n.count;
        }
    } else {
        let mut end = len;
        for (ni, n) in nodes.iter().enumerate().rev() {
            let start = end - n.count.min(end);
            if i >= start {
                return (ni, i - start, start);
            }
            end = start;
        }
    }
    (0, 0, 0)
}

/// Sum of listpack entry sizes of `items[from..to]`.
fn entries_size(items: &VecDeque<Item>, from: usize, to: usize) -> usize {
    items
        .range(from..to.min(items.len()))
        .map(|it| lp_entry_size(it.as_bytes()))
        .sum()
}

/// `_quicklistSplitNode`: split node `ni` (first element at list index `start`) at
/// `off`. With `after` the node keeps `[0..=off]` and the returned node gets the rest;
/// otherwise the node keeps `[off..]` and the returned node gets `[0..off)`.
fn split(
    nodes: &mut VecDeque<Node>,
    items: &VecDeque<Item>,
    ni: usize,
    off: usize,
    start: usize,
    after: bool,
) -> Node {
    let n = nodes[ni];
    let (keep_from, keep_to, new_from, new_to) = if after {
        (0, off + 1, off + 1, n.count)
    } else {
        (off, n.count, 0, off)
    };
    let keep = Node::packed(
        keep_to - keep_from,
        LP_EMPTY + entries_size(items, start + keep_from, start + keep_to),
    );
    let new = Node::packed(
        new_to - new_from,
        LP_EMPTY + entries_size(items, start + new_from, start + new_to),
    );
    nodes[ni] = keep;
    new
}

/// Merge node `a` with the following node `a + 1`.
fn merge_pair(nodes: &mut VecDeque<Node>, a: usize) {
    let (Some(&x), Some(&y)) = (nodes.get(a), nodes.get(a + 1)) else {
        return;
    };
    nodes[a] = Node::packed(x.count + y.count, (x.sz + y.sz).saturating_sub(LP_EMPTY));
    nodes.remove(a + 1);
}

/// `_quicklistMergeNodes` around node `center`; returns the index of the node that
/// holds the center's elements afterwards.
fn merge_nodes(nodes: &mut VecDeque<Node>, fill: i32, center: usize) -> usize {
    let mut c = center;
    // (prev_prev, prev)
    if c >= 2 && allow_merge(nodes.get(c - 1), nodes.get(c - 2), fill) {
        merge_pair(nodes, c - 2);
        c -= 1;
    }
    // (next, next_next)
    if allow_merge(nodes.get(c + 1), nodes.get(c + 2), fill) {
        merge_pair(nodes, c + 1);
    }
    // (prev, center)
    let target = if c >= 1 && allow_merge(nodes.get(c), nodes.get(c - 1), fill) {
        merge_pair(nodes, c - 1);
        c - 1
    } else {
        c
    };
    // (target, next)
    if allow_merge(nodes.get(target), nodes.get(target + 1), fill) {
        merge_pair(nodes, target);
    }
    target
}

/// `_quicklistInsert`: the node layout after inserting an element of raw length `len`
/// and entry size `es` after/before offset `off` of node `ni`.
#[allow(clippy::too_many_arguments)]
fn q_insert(
    nodes: &mut VecDeque<Node>,
    fill: i32,
    items: &VecDeque<Item>,
    ni: usize,
    off: usize,
    start: usize,
    after: bool,
    len: usize,
    es: usize,
) {
    let Some(&node) = nodes.get(ni) else { return };
    let full = !allow_insert(Some(&node), fill, len);
    let at_tail = after && off + 1 == node.count;
    let avail_next = at_tail && allow_insert(nodes.get(ni + 1), fill, len);
    let at_head = !after && off == 0;
    let avail_prev = at_head && ni > 0 && allow_insert(nodes.get(ni - 1), fill, len);

    if is_large(len, fill) {
        let plain = Node {
            count: 1,
            sz: len,
            plain: true,
        };
        if node.plain || at_tail || at_head {
            nodes.insert(if after { ni + 1 } else { ni }, plain);
        } else {
            let new = split(nodes, items, ni, off, start, after);
            if after {
                nodes.insert(ni + 1, plain);
                nodes.insert(ni + 2, new);
            } else {
                nodes.insert(ni, new);
                nodes.insert(ni + 1, plain);
            }
        }
        return;
    }

    if !full {
        nodes[ni].count += 1;
        nodes[ni].sz += es;
    } else if at_tail && avail_next {
        nodes[ni + 1].count += 1;
        nodes[ni + 1].sz += es;
    } else if at_head && avail_prev {
        nodes[ni - 1].count += 1;
        nodes[ni - 1].sz += es;
    } else if at_tail || at_head {
        nodes.insert(
            if after { ni + 1 } else { ni },
            Node::packed(1, LP_EMPTY + es),
        );
    } else {
        let mut new = split(nodes, items, ni, off, start, after);
        new.count += 1;
        new.sz += es;
        if after {
            nodes.insert(ni + 1, new);
            merge_nodes(nodes, fill, ni);
        } else {
            nodes.insert(ni, new);
            merge_nodes(nodes, fill, ni + 1);
        }
    }
}

/// `quicklistReplaceEntry`: the node layout after replacing element `off` of node `ni`
/// (entry size `old_es`) with one of raw length `len` and entry size `new_es`.
#[allow(clippy::too_many_arguments)]
fn q_replace(
    nodes: &mut VecDeque<Node>,
    fill: i32,
    items: &VecDeque<Item>,
    ni: usize,
    off: usize,
    start: usize,
    old_es: usize,
    len: usize,
    new_es: usize,
) {
    let Some(&node) = nodes.get(ni) else { return };
    let large = is_large(len, fill);
    if !node.plain && !large {
        nodes[ni].sz = node.sz - old_es + new_es;
    } else if node.plain {
        if large {
            nodes[ni].sz = len;
        } else {
            // Insert after the plain node, then drop the plain node.
            q_insert(nodes, fill, items, ni, 0, start, true, len, new_es);
            nodes.remove(ni);
        }
    } else {
        // A large element replaces one inside a packed node.
        let split_node = if off + 1 != node.count {
            Some(split(nodes, items, ni, off, start, true))
        } else {
            None
        };
        nodes.insert(
            ni + 1,
            Node {
                count: 1,
                sz: len,
                plain: true,
            },
        );
        if let Some(s) = split_node {
            nodes.insert(ni + 2, s);
        }
        // Delete the replaced element, now the last of node `ni`.
        if nodes[ni].count == 1 {
            nodes.remove(ni);
        } else {
            nodes[ni].count -= 1;
            nodes[ni].sz -= old_es;
            merge_nodes(nodes, fill, ni + 1);
        }
    }
}

#[cfg(test)]
mod tests;
