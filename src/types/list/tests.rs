use super::*;

fn layout(l: &List) -> Vec<(usize, usize, bool)> {
    match &l.enc {
        Enc::Listpack { bytes } => vec![(l.len(), *bytes, false)],
        Enc::Quicklist { nodes, .. } => nodes.iter().map(|n| (n.count, n.sz, n.plain)).collect(),
    }
}

fn check_invariants(l: &List) {
    if let Enc::Quicklist { nodes, .. } = &l.enc {
        let total: usize = nodes.iter().map(|n| n.count).sum();
        assert_eq!(total, l.len(), "node counts add up");
        let mut start = 0;
        for n in nodes {
            assert!(n.count > 0);
            if !n.plain {
                assert_eq!(
                    n.sz,
                    LP_EMPTY + entries_size(&l.items, start, start + n.count)
                );
            } else {
                assert_eq!(n.count, 1);
            }
            start += n.count;
        }
    } else if let Enc::Listpack { bytes } = l.enc {
        assert_eq!(bytes, LP_EMPTY + entries_size(&l.items, 0, l.len()));
    }
    assert_eq!(l.heap, l.items.iter().map(|i| i.heap()).sum::<usize>());
}

#[test]
fn item_is_compact_and_round_trips() {
    assert_eq!(std::mem::size_of::<Item>(), 24);
    for b in [&b""[..], b"abc", &[7u8; 22], &[9u8; 23], &[1u8; 1000]] {
        assert_eq!(Item::new(b).as_bytes(), b);
        assert_eq!(Item::new(b).into_vec(), b.to_vec());
    }
}

#[test]
fn entry_sizes_follow_listpack() {
    assert_eq!(lp_entry_size(b"1"), 2);
    assert_eq!(lp_entry_size(b"127"), 2);
    assert_eq!(lp_entry_size(b"128"), 3);
    assert_eq!(lp_entry_size(b"-4096"), 3);
    assert_eq!(lp_entry_size(b"32767"), 4);
    assert_eq!(lp_entry_size(b"8388607"), 5);
    assert_eq!(lp_entry_size(b"2147483647"), 6);
    assert_eq!(lp_entry_size(b"2147483648"), 10);
    assert_eq!(lp_entry_size(b"01"), 4);
    assert_eq!(lp_entry_size(b"abc"), 5);
    assert_eq!(lp_entry_size(&[b'a'; 63]), 65);
    assert_eq!(lp_entry_size(&[b'a'; 64]), 67);
    assert_eq!(lp_entry_size(&[b'a'; 125]), 128);
    assert_eq!(lp_entry_size(&[b'a'; 126]), 130);
    assert_eq!(lp_entry_size(&[b'a'; 4096]), 4101 + 2);
}

#[test]
fn converts_at_the_byte_limit_and_back() {
    let mut l = List::new();
    let e = [b'x'; 100]; // entry size 103
    let mut n = 0;
    while l.encoding() == "listpack" {
        l.grow_check([&e[..]], -2);
        l.push(&e, false);
        n += 1;
        check_invariants(&l);
    }
    // 7 + 103 * k + 100 > 8192 first at k = 79.
    assert_eq!(n, 80);
    assert_eq!(l.node_count(), 2);
    while l.len() > 1 {
        l.pop(true);
        l.shrink_check(-2);
        check_invariants(&l);
    }
    assert_eq!(l.encoding(), "listpack");
}

#[test]
fn count_fill_and_plain_nodes() {
    let mut l = List::from_elems([&b"a"[..], b"b", b"c"], 3);
    assert_eq!(l.encoding(), "listpack");
    l.grow_check([&b"d"[..]], 3);
    l.push(b"d", false);
    assert_eq!(l.encoding(), "quicklist");
    // "a" is a 6-bit string entry: 1 + 1 + backlen 1.
    assert_eq!(layout(&l), vec![(3, 7 + 9, false), (1, 7 + 3, false)]);
    for _ in 0..3 {
        l.pop(false);
    }
    l.shrink_check(3);
    assert_eq!(l.encoding(), "listpack");
    let big = vec![b'z'; 9000];
    l.grow_check([&big[..]], -2);
    l.push(&big, true);
    assert_eq!(layout(&l), vec![(1, 9000, true), (1, 10, false)]);
    check_invariants(&l);
}

#[test]
fn sort_store_layout_uses_quicklist_node_rules() {
    // 3 elements with fill 3: one full node, which AUTO conversion accepts.
    let l = List::from_elems_auto([&b"a"[..], b"b", b"c"], 3);
    assert_eq!(l.encoding(), "listpack");
    let l = List::from_elems_auto([&b"a"[..], b"b", b"c", b"d"], 3);
    assert_eq!(l.encoding(), "quicklist");
    assert_eq!(l.node_count(), 2);
    // Near the byte limit the node's 8-byte estimate opens a second node where an
    // incrementally grown listpack would still fit.
    // (78 elements of 100 bytes take 8041 bytes; Valkey 8.1 flips at a last element
    // of 144 bytes.)
    let e = [b'x'; 100];
    let last = [b'y'; 144];
    let mut elems: Vec<&[u8]> = std::iter::repeat_n(&e[..], 78).collect();
    elems.push(&last[..143]);
    assert_eq!(
        List::from_elems_auto(elems.iter().copied(), -2).encoding(),
        "listpack"
    );
    elems.pop();
    elems.push(&last[..]);
    assert_eq!(
        List::from_elems(elems.iter().copied(), -2).encoding(),
        "listpack"
    );
    let auto = List::from_elems_auto(elems.iter().copied(), -2);
    assert_eq!(auto.encoding(), "quicklist");
    check_invariants(&auto);
    assert_eq!(
        List::from_elems_auto(std::iter::empty(), -2).encoding(),
        "listpack"
    );
}

#[test]
fn middle_operations_keep_layout_consistent() {
    let mut r = crate::rng::Rng::seeded(5);
    for fill in [-1, -2, 2, 5, 16] {
        let mut l = List::new();
        let mut model: Vec<Vec<u8>> = Vec::new();
        for step in 0..3000u64 {
            let len = match r.below(10) {
                0 => 5000 + r.below(6000) as usize,
                1..=3 => r.below(300) as usize,
                _ => r.below(12) as usize,
            };
            let v: Vec<u8> = if r.below(3) == 0 {
                (r.below(100_000) as i64 - 50_000).to_string().into_bytes()
            } else {
                vec![b'a' + (step % 26) as u8; len]
            };
            match r.below(8) {
                0 | 1 => {
                    let front = r.below(2) == 0;
                    l.grow_check([&v[..]], fill);
                    l.push(&v, front);
                    if front {
                        model.insert(0, v)
                    } else {
                        model.push(v)
                    }
                }
                2 => {
                    let front = r.below(2) == 0;
                    let got = l.pop(front).map(Item::into_vec);
                    let want = if model.is_empty() {
                        None
                    } else if front {
                        Some(model.remove(0))
                    } else {
                        model.pop()
                    };
                    assert_eq!(got, want);
                    l.shrink_check(fill);
                }
                3 if !model.is_empty() => {
                    let i = r.below(model.len() as u64) as usize;
                    let after = r.below(2) == 0;
                    l.grow_check([&v[..]], fill);
                    l.insert(i, &v, after);
                    model.insert(if after { i + 1 } else { i }, v);
                }
                4 if !model.is_empty() => {
                    let i = r.below(model.len() as u64) as usize;
                    l.grow_check([&v[..]], fill);
                    assert!(l.set(i, &v));
                    model[i] = v;
                    l.shrink_check(fill);
                }
                5 if !model.is_empty() => {
                    let i = r.below(model.len() as u64) as usize;
                    let target = model[i].clone();
                    let count = r.below(5) as i64 - 2;
                    let n = l.remove_matching(&target, count);
                    let mut removed = 0;
                    if count >= 0 {
                        let lim = if count == 0 {
                            usize::MAX
                        } else {
                            count as usize
                        };
                        let mut kept = Vec::new();
                        for x in model.drain(..) {
                            if x == target && removed < lim {
                                removed += 1
                            } else {
                                kept.push(x)
                            }
                        }
                        model = kept;
                    } else {
                        let lim = (-count) as usize;
                        let mut kept = Vec::new();
                        for x in model.drain(..).rev() {
                            if x == target && removed < lim {
                                removed += 1
                            } else {
                                kept.push(x)
                            }
                        }
                        kept.reverse();
                        model = kept;
                    }
                    assert_eq!(n, removed);
                    l.shrink_check(fill);
                }
                6 if model.len() > 4 => {
                    l.drop_n(2, true);
                    l.drop_n(1, false);
                    model.drain(..2);
                    model.pop();
                    l.shrink_check(fill);
                }
                _ => {}
            }
            if l.is_empty() {
                l = List::new();
            }
            check_invariants(&l);
            assert_eq!(l.iter().map(|b| b.to_vec()).collect::<Vec<_>>(), model);
        }
    }
}
