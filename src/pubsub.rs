//! Pub/Sub: channel, pattern and shard-channel subscriptions, message fan-out and
//! keyspace notifications.
//!
//! The engine does no I/O: a message for a client is encoded in that client's protocol
//! (RESP2 array or RESP3 push) and queued in [`PubSub::outbox`] with its client id; the
//! host drains the outbox after each command batch and hands each message to its
//! connection (natively, the connection task's outbox, whose size is checked against
//! `client-output-buffer-limit pubsub`).

use hashbrown::HashMap;

use crate::reply::Reply;

/// Subscriptions of every client.
#[derive(Debug, Default)]
pub struct PubSub {
    /// Channel → subscriber ids, in subscription order.
    pub channels: HashMap<Vec<u8>, Vec<u64>>,
    /// (pattern, subscriber id) in subscription order.
    pub patterns: Vec<(Vec<u8>, u64)>,
    /// Shard channel → subscriber ids.
    pub shard: HashMap<Vec<u8>, Vec<u64>>,
    /// Encoded messages waiting for delivery: (client id, bytes).
    pub outbox: Vec<(u64, Vec<u8>)>,
}

impl PubSub {
    /// Drop every subscription of client `id` (disconnect).
    pub fn remove_client(&mut self, id: u64) {
        for map in [&mut self.channels, &mut self.shard] {
            map.retain(|_, ids| {
                ids.retain(|&c| c != id);
                !ids.is_empty()
            });
        }
        self.patterns.retain(|(_, c)| *c != id);
    }
}

/// A `message`/`smessage` push.
pub fn message(kind: &'static str, channel: &[u8], msg: &[u8]) -> Reply {
    Reply::Push(vec![
        Reply::bulk(kind),
        Reply::bulk(channel),
        Reply::bulk(msg),
    ])
}

/// A `pmessage` push.
pub fn pmessage(pattern: &[u8], channel: &[u8], msg: &[u8]) -> Reply {
    Reply::Push(vec![
        Reply::bulk("pmessage"),
        Reply::bulk(pattern),
        Reply::bulk(channel),
        Reply::bulk(msg),
    ])
}

/// Keyspace-notification class flags (`notify-keyspace-events`).
pub mod notify {
    /// K: `__keyspace@<db>__:<key>` channel.
    pub const KEYSPACE: u32 = 1;
    /// E: `__keyevent@<db>__:<event>` channel.
    pub const KEYEVENT: u32 = 1 << 1;
    /// g: generic commands (DEL, EXPIRE, RENAME, ...).
    pub const GENERIC: u32 = 1 << 2;
    /// $: string commands.
    pub const STRING: u32 = 1 << 3;
    /// l: list commands.
    pub const LIST: u32 = 1 << 4;
    /// s: set commands.
    pub const SET: u32 = 1 << 5;
    /// h: hash commands.
    pub const HASH: u32 = 1 << 6;
    /// z: sorted-set commands.
    pub const ZSET: u32 = 1 << 7;
    /// x: expired events.
    pub const EXPIRED: u32 = 1 << 8;
    /// e: evicted events.
    pub const EVICTED: u32 = 1 << 9;
    /// t: stream commands.
    pub const STREAM: u32 = 1 << 10;
    /// m: key-miss events.
    pub const KEY_MISS: u32 = 1 << 11;
    /// d: module events.
    pub const MODULE: u32 = 1 << 12;
    /// n: new-key events.
    pub const NEW: u32 = 1 << 13;
    /// A: alias for g$lshzxetd.
    pub const ALL: u32 =
        GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

    /// Parse a flags string like Redis's keyspaceEventsStringToFlags; None if invalid.
    pub fn parse(s: &str) -> Option<u32> {
        let mut f = 0;
        for c in s.chars() {
            f |= match c {
                'A' => ALL,
                'g' => GENERIC,
                '$' => STRING,
                'l' => LIST,
                's' => SET,
                'h' => HASH,
                'z' => ZSET,
                'x' => EXPIRED,
                'e' => EVICTED,
                'K' => KEYSPACE,
                'E' => KEYEVENT,
                't' => STREAM,
                'm' => KEY_MISS,
                'd' => MODULE,
                'n' => NEW,
                _ => return None,
            };
        }
        Some(f)
    }

    /// The canonical string for flags, as CONFIG GET shows it.
    pub fn to_string(f: u32) -> String {
        let mut s = String::new();
        if f & ALL == ALL {
            s.push('A');
        } else {
            for (bit, c) in [
                (GENERIC, 'g'),
                (STRING, '$'),
                (LIST, 'l'),
                (SET, 's'),
                (HASH, 'h'),
                (ZSET, 'z'),
                (EXPIRED, 'x'),
                (EVICTED, 'e'),
                (STREAM, 't'),
                (MODULE, 'd'),
            ] {
                if f & bit != 0 {
                    s.push(c);
                }
            }
        }
        for (bit, c) in [
            (KEYSPACE, 'K'),
            (KEYEVENT, 'E'),
            (KEY_MISS, 'm'),
            (NEW, 'n'),
        ] {
            if f & bit != 0 {
                s.push(c);
            }
        }
        s
    }

    /// The flag for a class character used by `Ctx::notify`.
    pub fn class_flag(class: char) -> u32 {
        match class {
            'g' => GENERIC,
            '$' => STRING,
            'l' => LIST,
            's' => SET,
            'h' => HASH,
            'z' => ZSET,
            'x' => EXPIRED,
            'e' => EVICTED,
            't' => STREAM,
            'm' => KEY_MISS,
            'd' => MODULE,
            'n' => NEW,
            _ => 0,
        }
    }
}
