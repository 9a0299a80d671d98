//! Access tracking in [`Entry::lru`](super::Entry::lru), as Redis's 24-bit `robj.lru`.
//!
//! * Under an LRU (or any non-LFU) `maxmemory-policy` the field holds the LRU clock at
//!   the last access, so `OBJECT IDLETIME` and the LRU eviction sampler can estimate
//!   idle time. Redis's `LRU_CLOCK()` is Unix *seconds* modulo 2^24 (wrapping every
//!   ~194 days); ours ticks every [`LRU_CLOCK_RESOLUTION_MS`] (10 ms) in all 32 bits
//!   (wrapping every ~497 days). A cache that refills in under a second (100k keys at
//!   200k requests/s) has nearly all its keys at idle 0 or 1 on a seconds clock, which
//!   makes Redis's sampled LRU close to random there; the finer clock keeps it an LRU
//!   (see the Eviction section of docs/DESIGN-NOTES.md). `OBJECT IDLETIME` still answers
//!   in whole seconds (idle ms / 1000, where Redis subtracts whole-second stamps: a key
//!   touched at 10.9 s and inspected at 11.1 s is 0 s idle here, 1 s in Redis).
//! * Under an LFU policy it holds `(minutes << 8) | counter`: the last decrement time in
//!   minutes modulo 2^16 and an 8-bit logarithmic access counter that starts at
//!   [`LFU_INIT_VAL`], grows with probability `1 / ((counter - 5) * lfu-log-factor + 1)`
//!   and decays by one every `lfu-decay-time` minutes (Redis's `LFULogIncr` /
//!   `LFUDecrAndReturn`).
//!
//! Lookups that Redis makes with `LOOKUP_NOTOUCH` (TYPE, TTL, EXISTS, OBJECT) do not
//! call [`touch`].

use super::Entry;
use crate::rng::Rng;

/// Largest LRU clock value (32 bits; Redis's is 24 bits of seconds).
pub const LRU_CLOCK_MAX: u32 = u32::MAX;
/// Milliseconds per LRU clock tick (Redis's `LRU_CLOCK_RESOLUTION` is 1000).
pub const LRU_CLOCK_RESOLUTION_MS: i64 = 10;
/// Initial LFU counter of a new key.
pub const LFU_INIT_VAL: u32 = 5;

/// How the engine tracks accesses (from `maxmemory-policy`, `lfu-log-factor`,
/// `lfu-decay-time`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tracking {
    /// An LFU policy is selected.
    pub lfu: bool,
    /// `lfu-log-factor`.
    pub log_factor: u32,
    /// `lfu-decay-time` in minutes (0 = never decay).
    pub decay_time: u32,
}

impl Default for Tracking {
    fn default() -> Self {
        Tracking {
            lfu: false,
            log_factor: 10,
            decay_time: 1,
        }
    }
}

/// The LRU clock at `now_ms`.
#[inline]
pub fn lru_clock(now_ms: i64) -> u32 {
    ((now_ms.max(0) / LRU_CLOCK_RESOLUTION_MS) as u64 & LRU_CLOCK_MAX as u64) as u32
}

/// Estimated idle time in ms of an entry whose LRU clock is `lru`
/// (`estimateObjectIdleTime`, with its wrap-around arithmetic).
pub fn idle_ms(lru: u32, now_ms: i64) -> u64 {
    let clock = lru_clock(now_ms);
    let lru = lru & LRU_CLOCK_MAX;
    let ticks = if clock >= lru {
        clock - lru
    } else {
        clock + (LRU_CLOCK_MAX - lru)
    };
    ticks as u64 * LRU_CLOCK_RESOLUTION_MS as u64
}

/// The LRU clock of an entry idle for `idle_secs` at `now_ms` (RESTORE IDLETIME, the
/// RDB IDLE opcode: `objectSetLRUOrLFU`); the inverse of [`idle_ms`].
pub fn lru_for_idle(idle_secs: u64, now_ms: i64) -> u32 {
    let clock = lru_clock(now_ms) as u64;
    let max = LRU_CLOCK_MAX as u64;
    let ticks = idle_secs
        .saturating_mul(1000 / LRU_CLOCK_RESOLUTION_MS as u64)
        .min(max - 1);
    let v = if ticks <= clock {
        clock - ticks
    } else {
        max - (ticks - clock)
    };
    v as u32
}

/// Minutes modulo 2^16 (`LFUGetTimeInMinutes`).
#[inline]
fn lfu_minutes(now_ms: i64) -> u32 {
    ((now_ms.max(0) / 1000 / 60) as u64 & 65535) as u32
}

/// The `lru` value of a newly created entry.
#[inline]
pub fn new_lru(now_ms: i64, t: Tracking) -> u32 {
    if t.lfu {
        (lfu_minutes(now_ms) << 8) | LFU_INIT_VAL
    } else {
        lru_clock(now_ms)
    }
}

/// The LFU counter of `lru` after decay (`LFUDecrAndReturn`): what OBJECT FREQ reports.
pub fn lfu_decr_and_return(lru: u32, now_ms: i64, t: Tracking) -> u32 {
    let ldt = lru >> 8;
    let counter = lru & 255;
    let now = lfu_minutes(now_ms);
    let elapsed = if now >= ldt {
        now - ldt
    } else {
        65535 - ldt + now
    };
    // A decay time of 0 means the counter never decays.
    let periods = elapsed.checked_div(t.decay_time).unwrap_or(0);
    counter.saturating_sub(periods)
}

/// Record an access to `e` at `now_ms` (`lookupKey` without `LOOKUP_NOTOUCH`).
#[inline]
pub fn touch(e: &mut Entry, now_ms: i64, t: Tracking, rng: &mut Rng) {
    if !t.lfu {
        e.lru = lru_clock(now_ms);
        return;
    }
    let mut counter = lfu_decr_and_return(e.lru, now_ms, t);
    if counter < 255 {
        let base = counter.saturating_sub(LFU_INIT_VAL) as f64;
        let p = 1.0 / (base * t.log_factor as f64 + 1.0);
        if rng.next_f64() < p {
            counter += 1;
        }
    }
    e.lru = (lfu_minutes(now_ms) << 8) | counter;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_time_wraps_like_redis() {
        let now = 1_000_000_000_000i64;
        assert_eq!(idle_ms(lru_clock(now - 5_000), now), 5_000);
        assert_eq!(idle_ms(lru_clock(now - 30), now), 30);
        assert_eq!(idle_ms(lru_clock(now), now), 0);
        // Stamped just before the 32-bit clock wrapped.
        let res = LRU_CLOCK_RESOLUTION_MS;
        let lru = LRU_CLOCK_MAX - 1;
        let t = ((LRU_CLOCK_MAX as i64 + 1) + 3) * res;
        assert_eq!(idle_ms(lru, t), 4 * res as u64);
    }

    #[test]
    fn lru_for_idle_inverts_idle_ms() {
        for now in [1_700_000_000_123i64, 5_000, (LRU_CLOCK_MAX as i64 + 7) * 10] {
            for idle in [0u64, 1, 59, 86_400, 30 * 86_400] {
                let lru = lru_for_idle(idle, now);
                assert_eq!(idle_ms(lru, now) / 1000, idle, "now {now} idle {idle}");
            }
        }
        // Longer than the clock can represent: capped, never wrapped to "recent".
        let lru = lru_for_idle(u64::MAX, 1_700_000_000_000);
        assert!(idle_ms(lru, 1_700_000_000_000) / 1000 > 400 * 86_400);
    }

    #[test]
    fn lfu_counter_starts_at_five_and_decays_per_minute() {
        let t = Tracking {
            lfu: true,
            ..Tracking::default()
        };
        let now = 600_000_000i64;
        let lru = new_lru(now, t);
        assert_eq!(lfu_decr_and_return(lru, now, t), LFU_INIT_VAL);
        assert_eq!(lfu_decr_and_return(lru, now + 3 * 60_000, t), 2);
        assert_eq!(lfu_decr_and_return(lru, now + 30 * 60_000, t), 0);
        let never = Tracking { decay_time: 0, ..t };
        assert_eq!(
            lfu_decr_and_return(lru, now + 30 * 60_000, never),
            LFU_INIT_VAL
        );
    }
}
