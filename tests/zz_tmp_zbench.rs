use cinnabar::rng::Rng;
use cinnabar::types::zset::{AddFlags, Limits, ZSet};
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

#[test]
#[ignore]
fn zbench() {
    let lim = Limits { max_entries: 128, max_value: 64 };
    for &(n, same) in &[(100_000u64, false), (1_000_000u64, false), (100_000u64, true)] {
        let mut best = f64::MAX;
        for _ in 0..3 {
            let mut rng = Rng::seeded(1);
            let mut z = ZSet::new();
            let members: Vec<Vec<u8>> = (0..n).map(|i| format!("element:{:012}", i * 7919 % n).into_bytes()).collect();
            for m in &members { z.add(m, if same {0.0} else {rng.below(n) as f64}, AddFlags::default(), lim); }
            let t = cpu_ns();
            for _ in 0..1_000_000 {
                let m = &members[rng.below(n) as usize];
                let s = if same { 0.0 } else { rng.below(n) as f64 };
                std::hint::black_box(z.add(m, s, AddFlags::default(), lim));
            }
            let mut acc = 0usize;
            for _ in 0..300_000 {
                let m = &members[rng.below(n) as usize];
                acc += z.rank(m).map_or(0, |r| r.0);
            }
            std::hint::black_box(acc);
            best = best.min((cpu_ns() - t) as f64 / 1e9);
        }
        println!("n={n} same_score={same}: {:.3}s (1M adds + 300k ranks)", best);
    }
}
