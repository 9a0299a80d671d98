//! Unit tests of the keyspace table: lookups, SCAN guarantees under churn and across
//! incremental compactions, the volatile list, random sampling, the index while compacting.

use super::*;
use crate::types::Value;
use std::collections::HashSet;

fn v() -> Value {
    Value::default()
}

#[test]
fn insert_get_remove() {
    let mut ks = Keyspace::new();
    ks.insert(b"a", v(), NO_EXPIRE);
    ks.insert(b"b", v(), 100);
    assert_eq!(ks.len(), 2);
    assert_eq!(ks.volatile_len(), 1);
    assert!(ks.get(b"a").is_some());
    assert!(ks.remove(b"b").is_some());
    assert_eq!(ks.volatile_len(), 0);
    assert!(ks.get(b"b").is_none());
    assert_eq!(ks.len(), 1);
}

#[test]
fn scan_returns_every_stable_key_despite_churn_and_compaction() {
    let mut ks = Keyspace::new();
    for i in 0..1000 {
        ks.insert(format!("stable{i}").as_bytes(), v(), NO_EXPIRE);
    }
    for i in 0..3000 {
        ks.insert(format!("tmp{i}").as_bytes(), v(), NO_EXPIRE);
    }
    let mut seen = HashSet::new();
    let mut cursor = 0;
    let mut round = 0;
    loop {
        cursor = ks.scan(cursor, 10, |e| {
            seen.insert(e.key.clone());
        });
        // Churn: delete temporaries (forcing compactions), add new keys.
        for _ in 0..30 {
            if round < 3000 {
                ks.remove(format!("tmp{round}").as_bytes());
            }
            round += 1;
        }
        ks.insert(format!("new{round}").as_bytes(), v(), NO_EXPIRE);
        if cursor == 0 {
            break;
        }
    }
    for i in 0..1000 {
        assert!(
            seen.contains(format!("stable{i}").as_bytes()),
            "missing stable{i}"
        );
    }
}

#[test]
fn volatile_tracking_survives_compaction() {
    let mut ks = Keyspace::new();
    for i in 0..200 {
        ks.insert(
            format!("k{i}").as_bytes(),
            v(),
            if i % 2 == 0 { 5 } else { NO_EXPIRE },
        );
    }
    for i in 0..150 {
        ks.remove(format!("k{i}").as_bytes());
    }
    assert_eq!(ks.volatile_len(), 25);
    let mut n = 0;
    let mut x = 7u64;
    for _ in 0..100 {
        let e = ks.random_volatile(|| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            x >> 33
        });
        assert!(e.unwrap().has_expire());
        n += 1;
    }
    assert_eq!(n, 100);
}

fn lcg(x: &mut u64) -> u64 {
    *x = x
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *x >> 33
}

/// Every live key is found, the volatile list names exactly the keys with a TTL, and
/// the memory estimate matches the live entries.
fn check_consistent(ks: &Keyspace, live: &HashSet<Vec<u8>>) {
    assert_eq!(ks.len(), live.len());
    for k in live {
        let e = ks.get(k).expect("live key found");
        assert_eq!(&*e.key, &k[..]);
    }
    assert_eq!(ks.iter().count(), live.len());
    let with_ttl = ks.iter().filter(|e| e.has_expire()).count();
    assert_eq!(ks.volatile_len(), with_ttl);
    for (pos, &slot) in ks.volatile.iter().enumerate() {
        let e = ks.slots[slot as usize]
            .as_ref()
            .expect("volatile slot is live");
        assert_eq!(e.vpos as usize, pos);
    }
    let mem: usize = ks
        .iter()
        .map(|e| e.key.heap_size() + e.value.mem_usage() + ENTRY_OVERHEAD)
        .sum();
    assert_eq!(ks.mem(), mem);
}

#[test]
fn incremental_compaction_keeps_lookups_volatile_and_mem_right() {
    let mut ks = Keyspace::new();
    let mut live: HashSet<Vec<u8>> = HashSet::new();
    let mut x = 3u64;
    let mut compactions_seen = 0;
    for round in 0..40 {
        // Grow, then delete most keys so a compaction starts, with inserts mixed in.
        for i in 0..2000 {
            let k = format!("k{round}_{i}").into_bytes();
            let ttl = if lcg(&mut x) % 3 == 0 {
                1000
            } else {
                NO_EXPIRE
            };
            ks.insert(&k, v(), ttl);
            live.insert(k);
        }
        let keys: Vec<Vec<u8>> = live.iter().cloned().collect();
        for k in keys {
            if lcg(&mut x) % 10 < 8 {
                assert!(ks.remove(&k).is_some());
                live.remove(&k);
                if ks.compacting() {
                    compactions_seen += 1;
                    if lcg(&mut x) % 50 == 0 {
                        check_consistent(&ks, &live);
                    }
                }
            }
            if lcg(&mut x) % 4 == 0 {
                let k = format!("n{}", lcg(&mut x)).into_bytes();
                if ks.get(&k).is_none() {
                    ks.insert(&k, v(), NO_EXPIRE);
                    live.insert(k);
                }
            }
        }
        check_consistent(&ks, &live);
    }
    assert!(compactions_seen > 0, "no compaction ran");
    // Driving it from a timer finishes it and gives the memory back.
    ks.compact_step(usize::MAX);
    assert!(!ks.compacting());
    check_consistent(&ks, &live);
    assert!(ks.slot_count() <= 2 * ks.len().max(COMPACT_MIN_SLOTS));
}

#[test]
fn scan_during_incremental_compaction_returns_every_stable_key() {
    for seed in 1..30u64 {
        let mut x = seed;
        let mut ks = Keyspace::new();
        let stable: Vec<Vec<u8>> = (0..300).map(|i| format!("s{i}").into_bytes()).collect();
        let mut tmp: Vec<Vec<u8>> = Vec::new();
        for i in 0..3000 {
            let k = format!("t{i}").into_bytes();
            ks.insert(&k, v(), NO_EXPIRE);
            tmp.push(k);
            if i % 10 == 0 {
                ks.insert(&stable[i / 10], v(), NO_EXPIRE);
            }
        }
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut n = 0;
        let mut during = 0;
        loop {
            cursor = ks.scan(cursor, 1 + (lcg(&mut x) % 8) as usize, |e| {
                seen.insert(e.key.to_vec());
            });
            // Churn: remove temporaries at random (starting compactions), insert new keys.
            for _ in 0..(lcg(&mut x) % 40) {
                if !tmp.is_empty() {
                    let j = (lcg(&mut x) % tmp.len() as u64) as usize;
                    let k = tmp.swap_remove(j);
                    ks.remove(&k);
                }
            }
            for _ in 0..(lcg(&mut x) % 6) {
                n += 1;
                let k = format!("n{n}").into_bytes();
                ks.insert(&k, v(), NO_EXPIRE);
                tmp.push(k);
            }
            if ks.compacting() {
                during += 1;
            }
            if cursor == 0 {
                break;
            }
        }
        assert!(during > 0, "seed {seed}: no scan step during a compaction");
        for k in &stable {
            assert!(seen.contains(k), "seed {seed}: missing {:?}", k);
        }
    }
}

#[test]
fn random_finds_keys_during_compaction() {
    let mut ks = Keyspace::new();
    for i in 0..10_000 {
        ks.insert(format!("k{i}").as_bytes(), v(), NO_EXPIRE);
    }
    let mut removed = 0;
    while !ks.compacting() {
        ks.remove(format!("k{removed}").as_bytes());
        removed += 1;
    }
    // A few more steps: part compacted, a gap, the rest untouched.
    for _ in 0..100 {
        ks.remove(format!("k{removed}").as_bytes());
        removed += 1;
    }
    assert!(ks.compacting());
    let mut x = 9u64;
    let mut distinct = HashSet::new();
    for _ in 0..1000 {
        let e = ks.random(|| lcg(&mut x)).expect("a key");
        let n: usize = std::str::from_utf8(&e.key[1..]).unwrap().parse().unwrap();
        assert!(n >= removed);
        distinct.insert(n);
    }
    assert!(distinct.len() > 500);
}

#[test]
fn index_does_not_grow_while_a_compaction_runs_under_inserts() {
    let mut ks = Keyspace::new();
    for i in 0..10_000 {
        ks.insert(format!("k{i}").as_bytes(), v(), NO_EXPIRE);
    }
    let mut i = 0;
    while !ks.compacting() {
        ks.remove(format!("k{i}").as_bytes());
        i += 1;
    }
    let cap = ks.index.capacity();
    let mut n = 0;
    while ks.compacting() {
        ks.insert(format!("new{n}").as_bytes(), v(), NO_EXPIRE);
        n += 1;
        assert_eq!(ks.index.capacity(), cap, "index grew after {n} inserts");
    }
    assert!(n > 1000);
    for j in 0..n {
        assert!(ks.get(format!("new{j}").as_bytes()).is_some());
    }
}
