//! The active expiry cycle.
//!
//! Lazy expiry (on lookup) alone would leave keys that are never touched again in memory
//! forever. So, like Redis's `activeExpireCycle`, the host calls [`active_expire_cycle`]
//! periodically (natively ten times a second, in wasm from a timer or on calls). For each
//! database it samples up to 20 keys that have a TTL, deletes the expired ones, and repeats
//! while more than 10% of the sample was expired (the keyspace is then likely to hold many
//! more). The whole cycle is bounded by a time budget read from the injected clock and by
//! an iteration cap, so a huge expired population is reclaimed over several cycles
//! without stalling clients.

use super::{Db, KeyStats};
use crate::rng::Rng;

/// Keys sampled per database per loop (ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP).
pub const KEYS_PER_LOOP: usize = 20;
/// Repeat while more than this percentage of a sample was expired.
pub const ACCEPTABLE_STALE_PCT: usize = 10;

/// Run one cycle over `dbs`. `now_ms` reads the clock (for the time budget); keys are
/// judged expired against `now`. Returns the number of keys deleted, and calls `on_expire`
/// with (db index, key) for each (so the host can propagate a DEL and notify).
pub fn active_expire_cycle(
    dbs: &mut [Db],
    now: i64,
    now_ms: &dyn Fn() -> i64,
    budget_ms: i64,
    rng: &mut Rng,
    stats: &mut KeyStats,
    on_expire: &mut dyn FnMut(usize, &[u8]),
) -> usize {
    let start = now_ms();
    let mut deleted = 0;
    let mut iterations = 0usize;
    let mut expired_keys: Vec<Box<[u8]>> = Vec::with_capacity(KEYS_PER_LOOP);
    for (dbi, db) in dbs.iter_mut().enumerate() {
        loop {
            let nvol = db.ks.volatile_len();
            if nvol == 0 {
                db.avg_ttl = 0;
                break;
            }
            let n = KEYS_PER_LOOP.min(nvol);
            expired_keys.clear();
            let mut ttl_sum: i64 = 0;
            let mut ttl_samples: i64 = 0;
            for _ in 0..n {
                if let Some(e) = db.ks.random_volatile(|| rng.next_u64()) {
                    if e.expire < now {
                        if !expired_keys.iter().any(|k| **k == *e.key) {
                            expired_keys.push(e.key.to_boxed());
                        }
                    } else {
                        ttl_sum += e.expire - now;
                        ttl_samples += 1;
                    }
                }
            }
            for k in &expired_keys {
                if db.ks.remove(k).is_some() {
                    stats.expired_keys += 1;
                    deleted += 1;
                    on_expire(dbi, k);
                }
            }
            if ttl_samples > 0 {
                let avg = ttl_sum / ttl_samples;
                // Running average, as Redis does (2% of the new sample per loop).
                db.avg_ttl = if db.avg_ttl == 0 {
                    avg
                } else {
                    (db.avg_ttl / 50) * 49 + avg / 50
                };
            }
            iterations += 1;
            if iterations % 16 == 0 && now_ms() - start > budget_ms {
                return deleted;
            }
            if iterations > 100_000 {
                return deleted;
            }
            if expired_keys.len() * 100 <= n * ACCEPTABLE_STALE_PCT {
                break;
            }
        }
    }
    deleted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::NO_EXPIRE;
    use crate::types::Value;

    #[test]
    fn reclaims_expired_keys_without_touching_live_ones() {
        let mut dbs = vec![Db::new(), Db::new()];
        for i in 0..5000 {
            dbs[0].set(format!("e{i}").as_bytes(), Value::default(), 100);
            dbs[1].set(format!("l{i}").as_bytes(), Value::default(), 10_000);
            dbs[1].set(format!("p{i}").as_bytes(), Value::default(), NO_EXPIRE);
        }
        let mut rng = Rng::seeded(1);
        let mut stats = KeyStats::default();
        let mut seen = 0;
        let mut total = 0;
        for _ in 0..1000 {
            total += active_expire_cycle(
                &mut dbs,
                200,
                &|| 0,
                25,
                &mut rng,
                &mut stats,
                &mut |db, _| {
                    assert_eq!(db, 0);
                    seen += 1;
                },
            );
            if dbs[0].is_empty() {
                break;
            }
        }
        assert_eq!(total, 5000);
        assert_eq!(seen, 5000);
        assert_eq!(stats.expired_keys, 5000);
        assert_eq!(dbs[1].len(), 10000);
        assert!(dbs[1].avg_ttl > 0);
    }

    #[test]
    fn stops_at_the_time_budget() {
        let mut dbs = vec![Db::new()];
        for i in 0..100_000 {
            dbs[0].set(format!("e{i}").as_bytes(), Value::default(), 1);
        }
        let mut rng = Rng::seeded(2);
        let mut stats = KeyStats::default();
        let t = std::cell::Cell::new(0i64);
        let clock = || {
            t.set(t.get() + 1);
            t.get()
        };
        let n = active_expire_cycle(
            &mut dbs,
            10,
            &clock,
            25,
            &mut rng,
            &mut stats,
            &mut |_, _| {},
        );
        assert!(n > 0 && n < 100_000, "deleted {n}");
    }
}
