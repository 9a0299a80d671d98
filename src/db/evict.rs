//! Eviction: keeping `used_memory` under `maxmemory`.
//!
//! Before running a command while over the limit the dispatcher calls
//! [`perform_evictions`], which follows Redis's `evict.c`:
//!
//! * **LRU / LFU / volatile-ttl**: each round samples `maxmemory-samples` keys per
//!   database (all keys, or only keys with a TTL for volatile-*), scores them (idle time;
//!   255 − LFU counter; the nearer the deadline the higher the score) and merges them
//!   into a 16-entry eviction pool kept across calls, best candidate last. The best
//!   candidate that still exists is evicted.
//! * **allkeys-random / volatile-random**: a random key, visiting databases round-robin.
//! * **noeviction**, or nothing evictable (e.g. volatile-* with no TTL keys): fail, and
//!   the dispatcher refuses `denyoom` commands with `-OOM`.
//!
//! Each call evicts at most [`MAX_EVICTIONS_PER_CALL`] keys and then reports
//! [`Outcome::Running`], so lowering `maxmemory` a long way never stalls one command.
//! Redis bounds each call by time instead (`evictionTimeLimitUs`: 500 µs at the default
//! `maxmemory-eviction-tenacity` 10) and keeps evicting from a timer
//! (`evictionTimeProc`) until memory is under the limit; here the bound is a count, so
//! the work per call is deterministic (and the same in wasm, which has no fine clock),
//! and the host keeps calling `Engine::evict_if_needed` between client commands while
//! it returns `Running` (the native server does, in a task that yields between slices).

use super::{Db, lru};
use crate::rng::Rng;

/// Entries in the eviction pool (EVPOOL_SIZE).
pub const POOL_SIZE: usize = 16;
/// Upper bound of keys evicted by one call. A string key's eviction costs about
/// 1–5 µs (sampling touches `maxmemory-samples` random slots, then the victim is
/// looked up, unlinked and freed), so a slice stays in the range of Redis's 500 µs
/// limit; keys holding big collections take longer to free, as in Redis (without
/// `lazyfree-lazy-eviction`).
pub const MAX_EVICTIONS_PER_CALL: usize = 128;

/// `maxmemory-policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    NoEviction,
    AllKeysLru,
    VolatileLru,
    AllKeysLfu,
    VolatileLfu,
    AllKeysRandom,
    VolatileRandom,
    VolatileTtl,
}

impl Policy {
    /// Parse a policy name.
    pub fn parse(s: &str) -> Policy {
        match s {
            "allkeys-lru" => Policy::AllKeysLru,
            "volatile-lru" => Policy::VolatileLru,
            "allkeys-lfu" => Policy::AllKeysLfu,
            "volatile-lfu" => Policy::VolatileLfu,
            "allkeys-random" => Policy::AllKeysRandom,
            "volatile-random" => Policy::VolatileRandom,
            "volatile-ttl" => Policy::VolatileTtl,
            _ => Policy::NoEviction,
        }
    }

    fn volatile(self) -> bool {
        matches!(
            self,
            Policy::VolatileLru
                | Policy::VolatileLfu
                | Policy::VolatileRandom
                | Policy::VolatileTtl
        )
    }
}

#[derive(Debug, Clone)]
struct Candidate {
    score: u64,
    db: usize,
    key: Box<[u8]>,
}

/// The eviction pool, kept between calls (sorted by score ascending; best last).
#[derive(Debug, Default)]
pub struct Pool {
    entries: Vec<Candidate>,
    next_db: usize,
}

impl Pool {
    /// Whether a sample scoring `score` would enter the pool (checked before copying
    /// its key, as `evictionPoolPopulate` does).
    fn accepts(&self, score: u64) -> bool {
        self.entries.len() < POOL_SIZE || self.entries.first().is_some_and(|e| e.score < score)
    }

    fn insert(&mut self, c: Candidate) {
        if self.entries.iter().any(|e| e.db == c.db && e.key == c.key) {
            return;
        }
        if self.entries.len() >= POOL_SIZE {
            if self.entries[0].score >= c.score {
                return;
            }
            self.entries.remove(0);
        }
        let pos = self.entries.partition_point(|e| e.score < c.score);
        self.entries.insert(pos, c);
    }
}

/// What [`perform_evictions`] achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Under the limit (or no limit).
    Ok,
    /// Still over the limit but keys were evicted; the command may run (next calls go on).
    Running,
    /// Over the limit and nothing could be evicted.
    Fail,
}

/// Inputs of one eviction run.
pub struct Params {
    /// `maxmemory` in bytes.
    pub maxmemory: usize,
    /// Policy.
    pub policy: Policy,
    /// `maxmemory-samples`.
    pub samples: usize,
    /// Current time (ms).
    pub now: i64,
    /// Access tracking settings (LFU decay).
    pub tracking: lru::Tracking,
    /// Bytes not in any keyspace (the baseline).
    pub overhead: usize,
}

fn used(dbs: &[Db], overhead: usize) -> usize {
    overhead + dbs.iter().map(|d| d.ks.mem()).sum::<usize>()
}

/// Evict keys until memory use is under `p.maxmemory`. `on_evict(db, key)` is called
/// for each evicted key (to propagate, notify and count it).
pub fn perform_evictions(
    dbs: &mut [Db],
    p: &Params,
    pool: &mut Pool,
    rng: &mut Rng,
    on_evict: &mut dyn FnMut(usize, &[u8]),
) -> Outcome {
    if p.maxmemory == 0 || used(dbs, p.overhead) <= p.maxmemory {
        return Outcome::Ok;
    }
    if p.policy == Policy::NoEviction {
        return Outcome::Fail;
    }
    let mut evicted = 0usize;
    while used(dbs, p.overhead) > p.maxmemory {
        if evicted >= MAX_EVICTIONS_PER_CALL {
            return Outcome::Running;
        }
        let victim = match p.policy {
            Policy::AllKeysRandom | Policy::VolatileRandom => pick_random(dbs, p.policy, pool, rng),
            _ => pick_pooled(dbs, p, pool, rng),
        };
        let Some((db, key)) = victim else {
            return if evicted > 0 {
                Outcome::Running
            } else {
                Outcome::Fail
            };
        };
        if dbs[db].ks.remove(&key).is_some() {
            evicted += 1;
            on_evict(db, &key);
        }
    }
    Outcome::Ok
}

fn pick_random(
    dbs: &[Db],
    policy: Policy,
    pool: &mut Pool,
    rng: &mut Rng,
) -> Option<(usize, Box<[u8]>)> {
    let n = dbs.len();
    for i in 0..n {
        let db = (pool.next_db + i) % n;
        let e = if policy.volatile() {
            dbs[db].ks.random_volatile(|| rng.next_u64())
        } else {
            dbs[db].ks.random(|| rng.next_u64())
        };
        if let Some(e) = e {
            pool.next_db = (db + 1) % n;
            return Some((db, e.key.to_boxed()));
        }
    }
    None
}

fn score(e: &super::Entry, p: &Params) -> u64 {
    match p.policy {
        Policy::AllKeysLfu | Policy::VolatileLfu => {
            255 - lru::lfu_decr_and_return(e.lru, p.now, p.tracking) as u64
        }
        Policy::VolatileTtl => u64::MAX - (e.expire.max(0) as u64),
        _ => lru::idle_ms(e.lru, p.now),
    }
}

fn pick_pooled(
    dbs: &[Db],
    p: &Params,
    pool: &mut Pool,
    rng: &mut Rng,
) -> Option<(usize, Box<[u8]>)> {
    let volatile = p.policy.volatile();
    let mut any = false;
    for (i, db) in dbs.iter().enumerate() {
        let size = if volatile {
            db.ks.volatile_len()
        } else {
            db.ks.len()
        };
        if size == 0 {
            continue;
        }
        any = true;
        for _ in 0..p.samples.min(size) {
            let e = if volatile {
                db.ks.random_volatile(|| rng.next_u64())
            } else {
                db.ks.random(|| rng.next_u64())
            };
            if let Some(e) = e {
                let score = score(e, p);
                if pool.accepts(score) {
                    pool.insert(Candidate {
                        score,
                        db: i,
                        key: e.key.to_boxed(),
                    });
                }
            }
        }
    }
    if !any {
        pool.entries.clear();
        return None;
    }
    // Best candidate last; skip ones that vanished (or lost their TTL, for volatile-*).
    while let Some(c) = pool.entries.pop() {
        if let Some(e) = dbs.get(c.db).and_then(|d| d.ks.get(&c.key)) {
            if !volatile || e.has_expire() {
                return Some((c.db, c.key));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::NO_EXPIRE;
    use crate::types::Value;

    fn params(policy: Policy, maxmemory: usize) -> Params {
        Params {
            maxmemory,
            policy,
            samples: 5,
            now: 10_000_000,
            tracking: Default::default(),
            overhead: 0,
        }
    }

    #[test]
    fn volatile_policies_never_touch_persistent_keys() {
        let mut dbs = [Db::new()];
        for i in 0..200 {
            let exp = if i % 2 == 0 { 20_000_000 } else { NO_EXPIRE };
            dbs[0].set(
                format!("k{i}").as_bytes(),
                Value::string(b"value-value-value"),
                exp,
            );
        }
        let total = dbs[0].ks.mem();
        let mut rng = Rng::seeded(3);
        for policy in [
            Policy::VolatileLru,
            Policy::VolatileRandom,
            Policy::VolatileTtl,
            Policy::VolatileLfu,
        ] {
            let mut d = vec![Db::new()];
            for e in dbs[0].ks.iter() {
                d[0].set(&e.key, e.value.clone(), e.expire);
            }
            let mut pool = Pool::default();
            let out = perform_evictions(
                &mut d,
                &params(policy, total / 4),
                &mut pool,
                &mut rng,
                &mut |_, _| {},
            );
            // Only the 100 volatile keys can go: that is not enough.
            assert_eq!(out, Outcome::Running, "{policy:?}");
            assert_eq!(d[0].ks.volatile_len(), 0, "{policy:?}");
            assert_eq!(d[0].len(), 100, "{policy:?}");
            let out = perform_evictions(
                &mut d,
                &params(policy, total / 4),
                &mut pool,
                &mut rng,
                &mut |_, _| {},
            );
            assert_eq!(out, Outcome::Fail);
        }
    }

    #[test]
    fn volatile_ttl_takes_the_nearest_deadline_first() {
        let mut dbs = vec![Db::new()];
        for i in 0..50i64 {
            dbs[0].set(
                format!("k{i:02}").as_bytes(),
                Value::string(b"v"),
                20_000_000 + i * 1000,
            );
        }
        let per_key = dbs[0].ks.mem() / 50;
        let mut evicted = vec![];
        let mut pool = Pool::default();
        let mut rng = Rng::seeded(9);
        let p = Params {
            samples: 50,
            ..params(Policy::VolatileTtl, per_key * 45)
        };
        perform_evictions(&mut dbs, &p, &mut pool, &mut rng, &mut |_, k| {
            evicted.push(k.to_vec())
        });
        evicted.sort();
        let want: Vec<Vec<u8>> = (0..5).map(|i| format!("k{i:02}").into_bytes()).collect();
        assert_eq!(evicted, want);
    }

    #[test]
    fn noeviction_fails_and_keeps_everything() {
        let mut dbs = vec![Db::new()];
        dbs[0].set(b"a", Value::string(b"1"), NO_EXPIRE);
        let mut pool = Pool::default();
        let mut rng = Rng::seeded(1);
        let out = perform_evictions(
            &mut dbs,
            &params(Policy::NoEviction, 1),
            &mut pool,
            &mut rng,
            &mut |_, _| {},
        );
        assert_eq!(out, Outcome::Fail);
        assert_eq!(dbs[0].len(), 1);
    }
}
