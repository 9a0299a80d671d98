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
    pub fn set_plain(
        &mut self,
        key: &[u8],
        value: Value,
        now: i64,
        t: lru::Tracking,
        stats: &mut KeyStats,
    ) {
        self.ks.set_new_lru(lru::new_lru(now, t), t.lfu);
        match self.ks.slot_of(key) {
            Some(s)
                if self
                    .ks
                    .slot_entry(s)
                    .is_some_and(|e| e.expire == NO_EXPIRE || e.expire >= now) =>
            {
                self.ks.overwrite_slot(s, value, NO_EXPIRE);
            }
            Some(_) => {
                self.expire_if_needed(key, now, stats);
                self.ks.insert(key, value, NO_EXPIRE);
            }
            None => self.ks.insert_new(key.into(), value, NO_EXPIRE),
        }
    }

    /// The live entry at `key`, deleting it if it expired (lazy expiry): one hash probe
    /// when it is live.
    #[inline]
    fn live_mut(&mut self, key: &[u8], now: i64, stats: &mut KeyStats) -> Option<&mut Entry> {
        let slot = self.ks.slot_of(key)?;
        let expired = self
            .ks
            .slot_entry(slot)
            .is_some_and(|e| e.expire != NO_EXPIRE && e.expire < now);
        if expired {
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
        let e = self.live_mut(key, now, stats);
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
        self.live_mut(key, now, stats)
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
