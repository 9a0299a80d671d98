//! maxmemory refusals against the real redis-server: the OOM error text, reads still
//! served, CONFIG of the eviction settings.
#![cfg(feature = "native")]
mod common;

#[test]
fn noeviction_oom_matches_redis() {
    let mut p = common::Pair::new();
    p.check_all(&[
        &["SET", "before", "1"],
        &["CONFIG", "SET", "maxmemory", "1"],
    ]);
    p.check(&["SET", "k", "v"]);
    p.check(&["GET", "before"]);
    p.check(&["DEL", "before"]);
    p.check(&["MULTI"]);
    p.check(&["SET", "k", "v"]);
    p.check(&["EXEC"]);
    p.check_all(&[&["CONFIG", "SET", "maxmemory", "0"], &["SET", "k", "v"]]);
}

#[test]
fn eviction_settings_round_trip() {
    let mut p = common::Pair::new();
    for policy in [
        "allkeys-lru",
        "volatile-lru",
        "allkeys-lfu",
        "volatile-lfu",
        "allkeys-random",
        "volatile-random",
        "volatile-ttl",
        "noeviction",
    ] {
        p.check(&["CONFIG", "SET", "maxmemory-policy", policy]);
        p.check(&["CONFIG", "GET", "maxmemory-policy"]);
    }
    p.check(&["CONFIG", "SET", "maxmemory-policy", "lru"]);
    p.check_all(&[
        &["CONFIG", "SET", "maxmemory", "64mb"],
        &["CONFIG", "GET", "maxmemory"],
        &["CONFIG", "SET", "maxmemory-samples", "10"],
        &["CONFIG", "GET", "maxmemory-samples"],
    ]);
}

#[test]
fn memory_usage_shapes_match_redis() {
    let mut p = common::Pair::new();
    p.check(&["MEMORY", "USAGE", "missing"]);
    p.check(&["SET", "k", "v"]);
    p.check(&["MEMORY", "USAGE", "k", "SAMPLES", "x"]);
    p.check(&["MEMORY", "USAGE", "k", "BOGUS"]);
    p.check(&["MEMORY", "PURGE"]);
    p.check(&["MEMORY", "NOSUCH"]);
    // Sizes legitimately differ; both report a positive integer.
    let (r, c) = p.both(&["MEMORY", "USAGE", "k"]);
    assert!(
        r.starts_with(b":") && c.starts_with(b":"),
        "{:?} {:?}",
        common::show(&r),
        common::show(&c)
    );
    let (r, c) = p.both(&["MEMORY", "STATS"]);
    assert!(r.starts_with(b"*") && c.starts_with(b"*"));
    assert!(String::from_utf8_lossy(&c).contains("keys.count"));
}
