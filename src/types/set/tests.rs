//! Unit tests of the set encodings.

use super::*;

fn lim() -> SetLimits {
    SetLimits::default()
}

fn members(s: &Set) -> Vec<Vec<u8>> {
    s.iter().map(|m| m.to_vec()).collect()
}

#[test]
fn intset_stays_sorted_and_converts_past_the_limit() {
    let l = SetLimits {
        intset_entries: 4,
        ..lim()
    };
    let mut s = Set::create(b"5", 1, &l);
    for m in ["5", "3", "-7", "10"] {
        assert!(s.add(m.as_bytes(), &l));
    }
    assert!(!s.add(b"3", &l));
    assert_eq!(s.encoding(), "intset");
    assert_eq!(members(&s), [&b"-7"[..], b"3", b"5", b"10"]);
    assert!(s.add(b"11", &l));
    assert_eq!(s.encoding(), "hashtable");
    assert_eq!(s.len(), 5);
    assert!(s.contains(b"-7") && s.contains(b"11") && !s.contains(b"12"));
}

#[test]
fn strict_integers_only_in_intsets() {
    let mut s = Set::new();
    assert!(s.add(b"1", &lim()));
    assert!(s.add(b"01", &lim()));
    assert_eq!(s.encoding(), "listpack");
    assert_eq!(members(&s), [&b"1"[..], b"01"]);
    assert!(s.contains(b"01") && s.contains(b"1") && !s.contains(b"+1"));
}

#[test]
fn listpack_keeps_insertion_order_and_converts_on_long_or_many() {
    let mut s = Set::create(b"a", 1, &lim());
    for m in ["c", "a", "b"] {
        s.add(m.as_bytes(), &lim());
    }
    assert_eq!(members(&s), [&b"c"[..], b"a", b"b"]);
    assert!(s.remove(b"a"));
    assert_eq!(members(&s), [&b"c"[..], b"b"]);
    assert!(s.add(&[b'x'; 65], &lim()));
    assert_eq!(s.encoding(), "hashtable");
    let mut s = Set::new_listpack();
    for i in 0..128 {
        s.add(format!("m{i}").as_bytes(), &lim());
    }
    assert_eq!(s.encoding(), "listpack");
    s.add(b"one-more", &lim());
    assert_eq!(s.encoding(), "hashtable");
    assert_eq!(s.len(), 129);
}

#[test]
fn intset_to_listpack_or_hashtable_on_a_string() {
    let mut s = Set::new();
    for i in 0..127 {
        s.add_int(i, &lim());
    }
    s.add(b"x", &lim());
    assert_eq!(s.encoding(), "listpack");
    let mut s = Set::new();
    for i in 0..128 {
        s.add_int(i, &lim());
    }
    s.add(b"x", &lim());
    assert_eq!(s.encoding(), "hashtable");
}

#[test]
fn hashtable_scan_survives_compaction() {
    let mut s = Set::new_hashtable(0);
    for i in 0..2000 {
        s.add(format!("k{i}").as_bytes(), &lim());
    }
    // Start a scan, then delete most members (forcing compaction), then finish it.
    let mut seen = hashbrown::HashSet::new();
    let mut cur = s.scan(0, 100, |m| {
        seen.insert(m.to_vec());
    });
    for i in 0..2000 {
        if i % 10 != 0 {
            s.remove(format!("k{i}").as_bytes());
        }
    }
    assert!(s.debug_slots() < 2000, "compacted");
    while cur != 0 {
        cur = s.scan(cur, 50, |m| {
            seen.insert(m.to_vec());
        });
    }
    for i in (0..2000).step_by(10) {
        assert!(seen.contains(format!("k{i}").as_bytes()), "k{i} missing");
    }
}

#[test]
fn pop_random_empties_every_encoding() {
    let mut rng = Rng::seeded(1);
    for start in [&b"1"[..], b"a"] {
        let mut s = Set::create(start, 1, &lim());
        for i in 0..300 {
            s.add(format!("{i}").as_bytes(), &lim());
        }
        s.add(start, &lim());
        let n = s.len();
        let mut got = hashbrown::HashSet::new();
        while let Some(m) = s.pop_random(&mut rng) {
            assert!(got.insert(m));
        }
        assert_eq!(got.len(), n);
        assert!(s.is_empty());
    }
}

#[test]
fn sampling_is_in_order_and_distinct() {
    let mut rng = Rng::seeded(3);
    let mut s = Set::new_listpack();
    for i in 0..50 {
        s.add(format!("m{i:02}").as_bytes(), &lim());
    }
    let got: Vec<Vec<u8>> = s
        .sample_in_order(10, &mut rng)
        .into_iter()
        .map(|m| m.to_vec())
        .collect();
    assert_eq!(got.len(), 10);
    let mut sorted = got.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, got);
    let d = s.random_distinct(40, &mut rng);
    let mut v: Vec<Vec<u8>> = d.iter().map(|m| m.to_vec()).collect();
    v.sort();
    v.dedup();
    assert_eq!(v.len(), 40);
}

#[test]
fn member_bytes_format_integers() {
    assert_eq!(&*Member::Int(i64::MIN).bytes(), b"-9223372036854775808");
    assert_eq!(&*Member::Int(0).bytes(), b"0");
    assert_eq!(&*Member::Str(b"ab").bytes(), b"ab");
    assert_eq!(sdigits10(-12), 3);
}
