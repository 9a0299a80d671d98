use super::*;

fn lim() -> Limits {
    Limits::default()
}

fn fields(h: &Hash) -> Vec<Vec<u8>> {
    h.iter().map(|(f, _, _)| f.to_vec()).collect()
}

#[test]
fn listpack_keeps_insertion_order_and_updates_in_place() {
    let mut h = Hash::new();
    assert!(h.set(b"a", b"1", false, lim()));
    assert!(h.set(b"b", b"2", false, lim()));
    assert!(h.set(b"c", b"3", false, lim()));
    assert!(!h.set(b"b", b"two", false, lim()));
    assert_eq!(h.get(b"b"), Some(&b"two"[..]));
    assert_eq!(
        fields(&h),
        vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]
    );
    assert!(h.remove(b"a"));
    assert!(!h.remove(b"a"));
    assert_eq!(h.len(), 2);
    assert_eq!(h.encoding(), "listpack");
}

#[test]
fn converts_past_thresholds() {
    let mut h = Hash::new();
    let l = Limits {
        max_entries: 4,
        max_value: 8,
    };
    for i in 0..4 {
        h.set(format!("f{i}").as_bytes(), b"v", false, l);
    }
    assert_eq!(h.encoding(), "listpack");
    h.set(b"f4", b"v", false, l);
    assert_eq!(h.encoding(), "hashtable");
    let mut h2 = Hash::new();
    h2.set(b"f", b"123456789", false, l);
    assert_eq!(h2.encoding(), "hashtable");
    assert_eq!(h2.get(b"f"), Some(&b"123456789"[..]));
}

#[test]
fn listpackex_orders_by_expiry_and_purges() {
    let mut h = Hash::new();
    for f in [&b"a"[..], b"b", b"c", b"d"] {
        h.set(f, b"v", false, lim());
    }
    assert!(h.set_field_ttl(b"c", 300));
    assert!(h.set_field_ttl(b"a", 100));
    assert!(h.set_field_ttl(b"d", 200));
    assert_eq!(h.encoding(), "listpackex");
    assert_eq!(
        fields(&h),
        vec![b"a".to_vec(), b"d".to_vec(), b"c".to_vec(), b"b".to_vec()]
    );
    assert_eq!(h.min_field_expire(), Some(100));
    assert!(h.persist_field(b"d"));
    assert_eq!(
        fields(&h),
        vec![b"a".to_vec(), b"c".to_vec(), b"b".to_vec(), b"d".to_vec()]
    );
    assert_eq!(h.field_ttl(b"d"), Some(None));
    assert_eq!(h.field_ttl(b"c"), Some(Some(300)));
    assert_eq!(h.field_ttl(b"zz"), None);
    assert!(!h.needs_purge(100));
    assert!(h.needs_purge(101));
    let mut gone = Vec::new();
    assert_eq!(h.purge_expired(301, |f| gone.push(f.to_vec())), 2);
    assert_eq!(gone, vec![b"a".to_vec(), b"c".to_vec()]);
    assert_eq!(fields(&h), vec![b"b".to_vec(), b"d".to_vec()]);
    assert!(!h.has_field_ttls());
}

#[test]
fn hset_clears_ttl_and_moves_field_last_keep_ttl_does_not() {
    let mut h = Hash::new();
    h.set(b"a", b"1", false, lim());
    h.set(b"b", b"2", false, lim());
    h.set_field_ttl(b"a", 50);
    h.set(b"a", b"11", true, lim());
    assert_eq!(h.field_ttl(b"a"), Some(Some(50)));
    assert_eq!(fields(&h)[0], b"a".to_vec());
    h.set(b"a", b"111", false, lim());
    assert_eq!(h.field_ttl(b"a"), Some(None));
    assert_eq!(fields(&h), vec![b"b".to_vec(), b"a".to_vec()]);
    assert_eq!(h.get(b"a"), Some(&b"111"[..]));
}

#[test]
fn table_ttls_survive_conversion_and_compaction() {
    let mut h = Hash::new();
    let l = Limits {
        max_entries: 2,
        max_value: 64,
    };
    h.set(b"x", b"1", false, l);
    h.set_field_ttl(b"x", 10);
    for i in 0..500 {
        h.set(format!("f{i}").as_bytes(), b"v", false, l);
    }
    assert!(h.is_table());
    assert_eq!(h.field_ttl(b"x"), Some(Some(10)));
    h.set_field_ttl(b"f499", 20);
    for i in 0..450 {
        assert!(h.remove(format!("f{i}").as_bytes()));
    }
    assert_eq!(h.len(), 51);
    assert_eq!(h.field_ttl(b"x"), Some(Some(10)));
    assert_eq!(h.field_ttl(b"f499"), Some(Some(20)));
    assert_eq!(h.get(b"f460"), Some(&b"v"[..]));
    let mut gone = Vec::new();
    h.purge_expired(15, |f| gone.push(f.to_vec()));
    assert_eq!(gone, vec![b"x".to_vec()]);
    assert_eq!(h.min_field_expire(), Some(20));
    assert_eq!(h.len(), 50);
}

#[test]
fn table_scan_sees_every_stable_field_across_compaction() {
    let mut h = Hash::new();
    let l = Limits {
        max_entries: 1,
        max_value: 64,
    };
    for i in 0..300 {
        h.set(format!("s{i}").as_bytes(), b"v", false, l);
    }
    for i in 0..2000 {
        h.set(format!("t{i}").as_bytes(), b"v", false, l);
    }
    let mut seen = hashbrown::HashSet::new();
    let mut cursor = 0;
    let mut k = 0;
    loop {
        cursor = h.scan(cursor, 10, |f, _| {
            seen.insert(f.to_vec());
        });
        for _ in 0..40 {
            if k < 2000 {
                h.remove(format!("t{k}").as_bytes());
            }
            k += 1;
        }
        if cursor == 0 {
            break;
        }
    }
    for i in 0..300 {
        assert!(seen.contains(format!("s{i}").as_bytes()), "missing s{i}");
    }
}

#[test]
fn sampling_returns_distinct_fields() {
    let mut x = 12345u64;
    let mut r = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for max_entries in [128usize, 1] {
        let l = Limits {
            max_entries,
            max_value: 64,
        };
        let mut h = Hash::new();
        for i in 0..100 {
            h.set(format!("f{i}").as_bytes(), b"v", false, l);
        }
        for count in [1usize, 5, 40, 99, 100, 500] {
            let s = h.sample_distinct(count, &mut r);
            assert_eq!(s.len(), count.min(100));
            let set: hashbrown::HashSet<_> = s.iter().map(|p| p.0).collect();
            assert_eq!(set.len(), s.len());
        }
        assert_eq!(h.sample_with_repeats(1000, &mut r).len(), 1000);
        assert!(h.random_pair(&mut r).is_some());
    }
}

#[test]
fn a_hash_is_three_words() {
    // Value::Hash boxes it: 24 bytes is the smallest malloc chunk class.
    assert!(
        std::mem::size_of::<Hash>() <= 24,
        "{}",
        std::mem::size_of::<Hash>()
    );
}

#[test]
fn memory_estimate_tracks_changes() {
    let mut h = Hash::new();
    let m0 = h.mem_usage();
    for i in 0..1000 {
        h.set(format!("field{i}").as_bytes(), b"some value", false, lim());
    }
    let m1 = h.mem_usage();
    assert!(m1 > m0 + 20_000, "{m0} {m1}");
    for i in 0..1000 {
        h.remove(format!("field{i}").as_bytes());
    }
    assert!(h.mem_usage() < m1 / 2);
}
