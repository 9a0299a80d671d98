//! Databases: the keyspace of each of the 16 (configurable) databases, with lazy expiry
//! on lookup and the active expiry cycle (`expire.rs`).
//!
//! Lookup helpers are named after Redis's (`lookupKeyRead`, `lookupKeyWrite`): each one
//! first deletes the key if its TTL has passed, counting it in `expired_keys`.

pub mod evict;
pub mod expire;
pub mod index;
pub mod keyspace;
pub mod lru;

pub use keyspace::{Entry, Keyspace, NO_EXPIRE};

use crate::clock::Clock;
use crate::types::Value;

/// One database.
#[derive(Debug, Default)]
pub struct Db {
    /// The keys.
    pub ks: Keyspace,
    /// Average TTL of keys sampled by the active expiry cycle (ms), for INFO keyspace.
    pub avg_ttl: i64,
    /// Where the active expiry cycle's last run stopped being effective.
    pub expire_cursor: u64,
}

/// Counters the lookups update.
#[derive(Debug, Default, Clone)]
pub struct KeyStats {
    /// Keys deleted because their TTL passed.
    pub expired_keys: u64,
    /// Read lookups that found the key.
    pub keyspace_hits: u64,
    /// Read lookups that did not.
    pub keyspace_misses: u64,
    /// Keys just deleted by lazy expiry, not yet notified/propagated (drained by the
    /// command context, which knows the database).
    pub pending_expired: Vec<Vec<u8>>,
}

impl Db {
    /// A new empty database.
    pub fn new() -> Self {
        Self::default()
    }

    /// Delete `key` if its TTL has passed at `now` (strictly: `now > expire`, as Redis's
    /// `keyIsExpired`); true if it was deleted.
    pub fn expire_if_needed(&mut self, key: &[u8], now: i64, stats: &mut KeyStats) -> bool {
        let expired = match self.ks.get(key) {
            Some(e) => e.expire != NO_EXPIRE && e.expire < now,
            None => false,
        };
        if expired {
            self.ks.remove(key);
            stats.expired_keys += 1;
            stats.pending_expired.push(key.to_vec());
        }
        expired
    }

    /// `SET key value` without options: lazy expiry of an old value (as
    /// [`Self::expire_if_needed`]), then the new value without expiry, stamped for
    /// `t` as `Ctx::db` stamps writes. One hash probe when the key exists and is live.
    /// With `clock`, `now` may be behind: an old value's TTL is checked against
    /// [`Clock::precise_ms`] (see [`Self::lookup_read_at`]).
    pub fn set_plain(
        &mut self,
        key: &[u8],
        value: Value,
        now: i64,
        clock: Option<&dyn Clock>,
        t: lru::Tracking,
        stats: &mut KeyStats,
    ) {
        self.ks.set_new_lru(lru::new_lru(now, t), t.lfu);
        let Some(s) = self.ks.slot_of(key) else {
            self.ks.insert_new(key.into(), value, NO_EXPIRE);
            return;
        };
        if let Some(now) = self.expired_at(s, now, clock) {
            self.expire_if_needed(key, now, stats);
            self.ks.insert(key, value, NO_EXPIRE);
            return;
        }
        self.ks.overwrite_slot(s, value, NO_EXPIRE);
    }

    /// The time at which the entry in `slot` is found expired, or None when it is live:
    /// `now`, or with `clock` (whose `now` may be behind) [`Clock::precise_ms`], read
    /// only for an entry with a TTL.
    #[inline(always)]
    fn expired_at(&self, slot: usize, now: i64, clock: Option<&dyn Clock>) -> Option<i64> {
        let expire = self.ks.slot_entry(slot).map_or(NO_EXPIRE, |e| e.expire);
        if expire == NO_EXPIRE {
            return None;
        }
        let now = clock.map_or(now, |c| c.precise_ms());
        (expire < now).then_some(now)
    }

    /// The live entry at `key`, deleting it if it expired (lazy expiry): one hash probe
    /// when it is live. With `clock`, `now` may be behind and a TTL is checked against
    /// [`Clock::precise_ms`].
    #[inline]
    fn live_mut(
        &mut self,
        key: &[u8],
        now: i64,
        clock: Option<&dyn Clock>,
        stats: &mut KeyStats,
    ) -> Option<&mut Entry> {
        let slot = self.ks.slot_of(key)?;
        if let Some(now) = self.expired_at(slot, now, clock) {
            self.expire_if_needed(key, now, stats);
            return None;
        }
        self.ks.slot_entry_mut(slot)
    }

    /// The live entry at `key` for a read: counts hits and misses.
    pub fn lookup_read(
        &mut self,
        key: &[u8],
        now: i64,
        stats: &mut KeyStats,
    ) -> Option<&mut Entry> {
        self.lookup_read_at(key, now, None, stats)
    }

    /// [`Self::lookup_read`] for a caller whose `now` may be behind (the npm package's
    /// GET path on its coarse clock): with `clock`, an entry with a TTL is checked
    /// against [`Clock::precise_ms`], so a key is never served after its deadline; the
    /// time is only read then.
    pub fn lookup_read_at(
        &mut self,
        key: &[u8],
        now: i64,
        clock: Option<&dyn Clock>,
        stats: &mut KeyStats,
    ) -> Option<&mut Entry> {
        let e = self.live_mut(key, now, clock, stats);
        if e.is_some() {
            stats.keyspace_hits += 1;
        } else {
            stats.keyspace_misses += 1;
        }
        e
    }

    /// The live entry at `key` for a write (no hit/miss accounting).
    pub fn lookup_write(
        &mut self,
        key: &[u8],
        now: i64,
        stats: &mut KeyStats,
    ) -> Option<&mut Entry> {
        self.live_mut(key, now, None, stats)
    }

    /// Whether `key` exists (after lazy expiry), without touching hit/miss counters.
    pub fn exists(&mut self, key: &[u8], now: i64, stats: &mut KeyStats) -> bool {
        self.expire_if_needed(key, now, stats);
        self.ks.get(key).is_some()
    }

    /// Set `key` to `value` (overwriting any type) with `expire` (or NO_EXPIRE).
    pub fn set(&mut self, key: &[u8], value: Value, expire: i64) {
        self.ks.insert(key, value, expire);
    }

    /// Remove `key` (live or not); returns whether it was live at `now`.
    pub fn delete(&mut self, key: &[u8], now: i64, stats: &mut KeyStats) -> bool {
        if self.expire_if_needed(key, now, stats) {
            return false;
        }
        self.ks.remove(key).is_some()
    }

    /// Number of keys (including not-yet-reclaimed expired ones, as Redis's DBSIZE).
    pub fn len(&self) -> usize {
        self.ks.len()
    }

    /// Whether the database is empty.
    pub fn is_empty(&self) -> bool {
        self.ks.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::StrValue;

    /// A clock whose `now_ms` lags `precise_ms`, as the npm package's coarse clock can.
    struct Behind {
        coarse: i64,
        real: i64,
    }

    impl Clock for Behind {
        fn now_ms(&self) -> i64 {
            self.coarse
        }
        fn precise_ms(&self) -> i64 {
            self.real
        }
    }

    fn str_value(s: &str) -> Value {
        Value::Str(StrValue::from_bytes(s.as_bytes()))
    }

    #[test]
    fn lookups_on_a_lagging_clock_expire_by_the_real_time() {
        let mut db = Db::default();
        let mut stats = KeyStats::default();
        db.ks.insert(b"ttl", str_value("v"), 1_000);
        db.ks.insert(b"plain", str_value("p"), NO_EXPIRE);
        let clock = Behind {
            coarse: 900,
            real: 1_001,
        };
        // The coarse time says alive; the real time says expired.
        assert!(db.lookup_read(b"ttl", 900, &mut stats).is_some());
        assert!(
            db.lookup_read_at(b"ttl", 900, Some(&clock), &mut stats)
                .is_none()
        );
        assert_eq!(stats.expired_keys, 1);
        assert_eq!(stats.pending_expired, vec![b"ttl".to_vec()]);
        // A key without a TTL never needs the real time.
        assert!(
            db.lookup_read_at(b"plain", 900, Some(&clock), &mut stats)
                .is_some()
        );
        assert_eq!((stats.keyspace_hits, stats.keyspace_misses), (2, 1));
    }

    #[test]
    fn set_plain_on_a_lagging_clock_expires_the_old_value_first() {
        let mut db = Db::default();
        let mut stats = KeyStats::default();
        let t = lru::Tracking::default();
        db.ks.insert(b"k", str_value("old"), 1_000);
        let clock = Behind {
            coarse: 900,
            real: 1_001,
        };
        db.set_plain(b"k", str_value("new"), 900, Some(&clock), t, &mut stats);
        assert_eq!(
            stats.expired_keys, 1,
            "the old value expired (and is reported)"
        );
        let e = db.ks.get(b"k").expect("the new value");
        assert_eq!(e.expire, NO_EXPIRE);
        // Live at the real time: overwritten in place, nothing expires.
        db.ks.insert(b"j", str_value("old"), 2_000);
        db.set_plain(b"j", str_value("new"), 900, Some(&clock), t, &mut stats);
        assert_eq!(stats.expired_keys, 1);
        assert_eq!(db.ks.get(b"j").map(|e| e.expire), Some(NO_EXPIRE));
    }
}
