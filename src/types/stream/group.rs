//! Consumer groups: the group's last-delivered id and read counter, its pending entries
//! list (PEL: id → owner, last delivery time, delivery count) and its consumers, each
//! with its own PEL (the ids it owns).
//!
//! Consumers live in a slab and are referenced from PEL entries by index (Redis keeps a
//! pointer); a name index keeps them in name order for replies.

use crate::compact::{ByteMap, IdMap, IdSet};

use super::StreamId;

/// The owner index of a PEL entry created by `XCLAIM ... FORCE` before it is assigned.
pub const NO_CONSUMER: u32 = u32::MAX;

/// A pending (delivered, unacknowledged) entry (`streamNACK`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nack {
    /// Last delivery time, Unix ms.
    pub delivery_time: i64,
    /// Times delivered.
    pub delivery_count: u64,
    /// Owner (index into the group's consumers).
    pub consumer: u32,
}

/// A consumer of a group.
#[derive(Debug, Clone)]
pub struct Consumer {
    /// Its name.
    pub name: Box<[u8]>,
    /// Ids it owns.
    pub pel: IdSet,
    /// Last time it tried to read or claim (Unix ms).
    pub seen_time: i64,
    /// Last successful read or claim (Unix ms), -1 = never.
    pub active_time: i64,
}

/// A consumer group (`streamCG`).
#[derive(Debug, Clone)]
pub struct Group {
    /// Last delivered id.
    pub last_id: StreamId,
    /// Logical read counter, or [`super::INVALID_ENTRIES_READ`].
    pub entries_read: i64,
    /// The group's pending entries.
    pub pel: IdMap<Nack>,
    slots: Vec<Option<Consumer>>,
    free: Vec<u32>,
    by_name: ByteMap<u32>,
}

impl Group {
    /// A group positioned at `last_id`.
    pub fn new(last_id: StreamId, entries_read: i64) -> Group {
        Group {
            last_id,
            entries_read,
            pel: IdMap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            by_name: ByteMap::new(),
        }
    }

    /// The index of consumer `name`.
    pub fn find(&self, name: &[u8]) -> Option<u32> {
        self.by_name.get(name).copied()
    }

    /// Consumer `c`.
    pub fn consumer(&self, c: u32) -> Option<&Consumer> {
        self.slots.get(c as usize)?.as_ref()
    }

    /// Consumer `c`, mutable.
    pub fn consumer_mut(&mut self, c: u32) -> Option<&mut Consumer> {
        self.slots.get_mut(c as usize)?.as_mut()
    }

    /// Consumer `c`'s name (empty if unknown).
    pub fn consumer_name(&self, c: u32) -> &[u8] {
        self.consumer(c).map(|x| &*x.name).unwrap_or(b"")
    }

    /// Create consumer `name`; `None` if it exists (`streamCreateConsumer`).
    pub fn create_consumer(&mut self, name: &[u8], now: i64) -> Option<u32> {
        if self.by_name.contains_key(name) {
            return None;
        }
        let c = Consumer {
            name: name.into(),
            pel: IdSet::new(),
            seen_time: now,
            active_time: -1,
        };
        let idx = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some(c);
                i
            }
            None => {
                self.slots.push(Some(c));
                (self.slots.len() - 1) as u32
            }
        };
        self.by_name.insert(name, idx);
        Some(idx)
    }

    /// Delete consumer `name` and its pending entries; returns how many it had.
    pub fn delete_consumer(&mut self, name: &[u8]) -> Option<usize> {
        let idx = self.by_name.remove(name)?;
        let c = self.slots.get_mut(idx as usize)?.take()?;
        for id in &c.pel {
            self.pel.remove(id);
        }
        self.free.push(idx);
        Some(c.pel.len())
    }

    /// Consumers in name order.
    pub fn consumers(&self) -> impl Iterator<Item = &Consumer> {
        self.by_name.values().filter_map(|&i| self.consumer(i))
    }

    /// Number of consumers.
    pub fn consumer_count(&self) -> usize {
        self.by_name.len()
    }

    /// Acknowledge `id`: drop it from the group's and its owner's PEL.
    pub fn ack(&mut self, id: StreamId) -> bool {
        match self.pel.remove(&id) {
            Some(n) => {
                if let Some(c) = self.consumer_mut(n.consumer) {
                    c.pel.remove(&id);
                }
                true
            }
            None => false,
        }
    }

    /// Record a delivery of `id` to consumer `c` by XREADGROUP: a new PEL entry, or an
    /// existing one reassigned with its count reset (`streamReplyWithRange`).
    pub fn deliver(&mut self, id: StreamId, c: u32, now: i64) -> Nack {
        let nack = Nack {
            delivery_time: now,
            delivery_count: 1,
            consumer: c,
        };
        if let Some(old) = self.pel.insert(id, nack) {
            if old.consumer != c {
                if let Some(o) = self.consumer_mut(old.consumer) {
                    o.pel.remove(&id);
                }
            }
        }
        if let Some(x) = self.consumer_mut(c) {
            x.pel.insert(id);
        }
        nack
    }

    /// Make `c` the owner of the PEL entry `id` (which must exist).
    pub fn transfer(&mut self, id: StreamId, c: u32) {
        let Some(n) = self.pel.get_mut(&id) else {
            return;
        };
        let old = n.consumer;
        if old == c {
            return;
        }
        n.consumer = c;
        if let Some(o) = self.consumer_mut(old) {
            o.pel.remove(&id);
        }
        if let Some(x) = self.consumer_mut(c) {
            x.pel.insert(id);
        }
    }

    /// Approximate heap bytes.
    pub fn mem_usage(&self) -> usize {
        let mut m = std::mem::size_of::<Group>() + self.pel.len() * 48;
        for c in self.consumers() {
            m += 2 * c.name.len() + 96 + c.pel.len() * 24;
        }
        m
    }
}
